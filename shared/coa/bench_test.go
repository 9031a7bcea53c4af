package coa

import (
	"context"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
)

// BenchmarkGenerateSynthetic proposes for a made-up enterprise of 500 hosts, towards its
// critical assets from the internet, with the default cost table.
func BenchmarkGenerateSynthetic(b *testing.B) {
	p, err := FromInfra(infragraph.Synthetic(500, 1), infragraph.Config{Mode: infragraph.Towards}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Budgets: []float64{5000, 20000}, ScreenSamples: 100, FinalSamples: 500}
	for b.Loop() {
		if _, err := Generate(context.Background(), p, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

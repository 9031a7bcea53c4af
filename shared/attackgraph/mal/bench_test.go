package mal

import (
	"context"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// BenchmarkKTH8000 runs 1,000 samples of the largest KTH scalability model per iteration.
func BenchmarkKTH8000(b *testing.B) {
	g, k, _ := loadKTH(b, 8000)
	s, err := attackgraph.NewSimulator(g, attackgraph.Config{Entries: refs(b, g, k.Entries), Targets: refs(b, g, k.Targets), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := s.Run(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Live), "live_steps")
	}
}

// BenchmarkKTH8000Restricted switches on every connection rule's restricted defence, so that
// the attacker needs the random bypass steps: the sampler's heavy case.
func BenchmarkKTH8000Restricted(b *testing.B) {
	g, k, _ := loadKTH(b, 8000)
	def := attackgraph.Defences{}
	for _, id := range g.Find("", "restricted") {
		def[id] = true
	}
	s, err := attackgraph.NewSimulator(g, attackgraph.Config{Entries: refs(b, g, k.Entries), Targets: refs(b, g, k.Targets), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := s.Run(context.Background(), def)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Live), "live_steps")
		b.ReportMetric(res.Targets[0].P50, "p50_days")
	}
}

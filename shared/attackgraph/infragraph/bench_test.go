package infragraph

import (
	"context"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

func TestSyntheticCompiles(t *testing.T) {
	t.Parallel()
	m := Synthetic(300, 1)
	c, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Report.Summary(); len(s) != 0 {
		t.Errorf("unmapped: %v", s)
	}
	rep, err := Analyze(context.Background(), m, Config{Mode: Towards, Sim: attackgraph.Config{Samples: 100, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) == 0 || rep.Targets[0].Probability == 0 {
		t.Errorf("no critical asset reached from the internet: %+v", rep.Targets)
	}
}

// BenchmarkCompile10k compiles a synthetic enterprise of 10,000 hosts.
func BenchmarkCompile10k(b *testing.B) {
	m := Synthetic(10000, 1)
	for i := 0; i < b.N; i++ {
		c, err := Compile(m)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(c.Graph.Len()), "steps")
	}
}

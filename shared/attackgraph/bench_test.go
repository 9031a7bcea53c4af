package attackgraph

import (
	"context"
	"math"
	"strconv"
	"testing"
)

// layered builds n steps in layers of 100, each with two or three parents in the layer above
// (an And step one time in four), every TTC Exponential(2): the sampler's worst case, where
// nothing is instantaneous.
func layered(tb testing.TB, n int) (*Graph, Config) {
	tb.Helper()
	b := NewBuilder()
	r := uint64(12345)
	next := func(k int) int {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		return int(r % uint64(k))
	}
	const width = 100
	for i := 0; i < n; i++ {
		kind := Or
		if i >= width && next(4) == 0 {
			kind = And
		}
		id := b.Add(Step{Asset: "r", Name: strconv.Itoa(i), Kind: kind, TTC: Exponential(2)})
		if layer := i / width; layer > 0 {
			for k := 0; k < 2+next(2); k++ {
				b.Connect(StepID((layer-1)*width+next(width)), id)
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	cfg := Config{Samples: 1000, Seed: 1, Horizon: math.Inf(1), SkipPaths: true, Targets: []StepID{StepID(n - 1)}}
	for i := 0; i < width; i++ {
		cfg.Entries = append(cfg.Entries, StepID(i))
	}
	return g, cfg
}

func benchLayered(b *testing.B, n int) {
	g, cfg := layered(b, n)
	s, err := NewSimulator(g, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var live int
	for i := 0; i < b.N; i++ {
		res, err := s.Run(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		live = res.Live
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(live*cfg.Samples), "ns/step-sample")
}

// BenchmarkLayered10k: 1,000 samples of 10,000 random steps per iteration.
func BenchmarkLayered10k(b *testing.B) { benchLayered(b, 10000) }

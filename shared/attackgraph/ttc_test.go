package attackgraph

import (
	"math"
	"testing"
)

func TestParseTTC(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in            string
		instantaneous bool
		impossible    bool
		mean          float64 // of the possible draws; NaN: not checked
		possible      float64
	}{
		{"", true, false, 0, 1},
		{"Zero", true, false, 0, 1},
		{"0", true, false, 0, 1},
		{"Infinity", false, true, math.NaN(), 0},
		{"EasyAndCertain", false, false, 1, 1},
		{"HardAndCertain", false, false, 10, 1},
		{"VeryHardAndUncertain", false, false, 100, 0.5},
		{"EasyAndUncertain", false, false, 0, 0.5},
		{"Disabled", false, true, math.NaN(), 0},
		{"Exponential(0.03)", false, false, 1 / 0.03, 1},
		{"Bernoulli(0.2) * Exponential(2)", false, false, 0.5, 0.2},
		{"2 * (1 + Exponential(1))", false, false, 4, 1},
		{"Gamma(3, 2)", false, false, 6, 1},
		{"Uniform(2, 4) - 1", false, false, 2, 1},
		{"LogNormal(0, 0.5)", false, false, math.Exp(0.125), 1},
		{"Pareto(1, 3)", false, false, 1.5, 1},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			ttc, err := ParseTTC(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if ttc.Instantaneous() != tc.instantaneous || ttc.Impossible() != tc.impossible {
				t.Errorf("instantaneous %v impossible %v", ttc.Instantaneous(), ttc.Impossible())
			}
			const n = 20000
			sum, ok := 0.0, 0
			for i := 0; i < n; i++ {
				r := newDrawer()
				r.seed(1, i, 0)
				if v, possible := ttc.sample(r); possible {
					sum += v
					ok++
				}
			}
			if p := float64(ok) / n; math.Abs(p-tc.possible) > 0.02 {
				t.Errorf("possible share %.3f, want %.3f", p, tc.possible)
			}
			if mean := sum / float64(ok); !math.IsNaN(tc.mean) && math.Abs(mean-tc.mean) > 0.05*tc.mean+0.01 {
				t.Errorf("mean %.3f, want %.3f", mean, tc.mean)
			}
		})
	}
}

func TestParseTTCErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"Exponential(-1)", "Exponential", "Exponential(1", "Bernoulli(2)", "Foo(1)",
		"Gamma(1)", "1 +", "(1", "1 2", "Uniform(3, 1)", "Exponential(a)"} {
		if _, err := ParseTTC(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestProbability(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"Enabled": 1, "Disabled": 0, "Bernoulli(0.25)": 0.25} {
		if p, ok := MustParseTTC(in).Probability(); !ok || p != want {
			t.Errorf("%s: %v %v", in, p, ok)
		}
	}
	if _, ok := MustParseTTC("Exponential(1)").Probability(); ok {
		t.Error("Exponential has a defence probability")
	}
}

func FuzzParseTTC(f *testing.F) {
	for _, s := range []string{"EasyAndCertain", "Bernoulli(0.5)*Exponential(0.01)", "Gamma(2,3)+1", "((1))", "1e-3/2", "-", "Exponential(1e400)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ttc, err := ParseTTC(s)
		if err != nil {
			return
		}
		if v, ok := ttc.sample(newDrawer()); ok && (v < 0 || math.IsNaN(v)) {
			t.Errorf("%q sampled %v", s, v)
		}
		_ = ttc.String()
	})
}

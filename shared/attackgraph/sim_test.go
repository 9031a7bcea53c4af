package attackgraph

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// chain is a tiny graph description for tests: steps by name, edges as [from, to].
type chain struct {
	steps map[string]Step
	edges [][2]string
}

func build(t *testing.T, c chain) (*Graph, map[string]StepID) {
	t.Helper()
	b := NewBuilder()
	ids := map[string]StepID{}
	for _, name := range sortedKeys(c.steps) {
		s := c.steps[name]
		s.Asset, s.Name = "x", name
		ids[name] = b.Add(s)
	}
	for _, e := range c.edges {
		b.Connect(ids[e[0]], ids[e[1]])
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g, ids
}

func sortedKeys(m map[string]Step) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func exp(rate float64) Step { return Step{Kind: Or, TTC: Exponential(rate)} }

func run(t *testing.T, g *Graph, ids map[string]StepID, cfg Config, def Defences) *Result {
	t.Helper()
	cfg.Entries = []StepID{ids["entry"]}
	if cfg.Targets == nil {
		cfg.Targets = []StepID{ids["target"]}
	}
	cfg.KeepTimes = true
	s, err := NewSimulator(g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ksStat is the one-sample Kolmogorov–Smirnov statistic of the finite values in sorted
// against cdf, the empirical CDF being over all n values (unreached ones count as +Inf).
func ksStat(sorted []float64, cdf func(float64) float64) float64 {
	n := float64(len(sorted))
	d := 0.0
	for i, x := range sorted {
		if math.IsInf(x, 1) {
			break
		}
		f := cdf(x)
		d = math.Max(d, math.Max(math.Abs(float64(i+1)/n-f), math.Abs(f-float64(i)/n)))
	}
	return d
}

// ksCritical is the 0.1 % critical value: a correct sampler fails one seed in a thousand, and
// the seed is fixed, so the test is stable; a wrong distribution fails at this n.
func ksCritical(n int) float64 { return 1.95 / math.Sqrt(float64(n)) }

func erlangCDF(k int, rate float64) func(float64) float64 {
	return func(x float64) float64 {
		sum, term := 0.0, 1.0
		for i := 0; i < k; i++ {
			if i > 0 {
				term *= rate * x / float64(i)
			}
			sum += term
		}
		return 1 - math.Exp(-rate*x)*sum
	}
}

func expCDF(rate float64) func(float64) float64 {
	return func(x float64) float64 { return 1 - math.Exp(-rate*x) }
}

func TestClosedForms(t *testing.T) {
	t.Parallel()
	const n = 4000
	cases := []struct {
		name string
		c    chain
		def  Defences
		cdf  func(float64) float64
		prob float64
	}{
		{"erlang_chain_of_3", chain{map[string]Step{"entry": {}, "a": exp(2), "b": exp(2), "target": exp(2)},
			[][2]string{{"entry", "a"}, {"a", "b"}, {"b", "target"}}}, nil, erlangCDF(3, 2), 1},
		{"or_is_minimum", chain{map[string]Step{"entry": {}, "a": exp(0.5), "b": exp(1.5), "target": {}},
			[][2]string{{"entry", "a"}, {"entry", "b"}, {"a", "target"}, {"b", "target"}}}, nil, expCDF(2), 1},
		{"and_is_maximum", chain{map[string]Step{"entry": {}, "a": exp(1), "b": exp(2), "target": {Kind: And}},
			[][2]string{{"entry", "a"}, {"entry", "b"}, {"a", "target"}, {"b", "target"}}}, nil,
			func(x float64) float64 { return expCDF(1)(x) * expCDF(2)(x) }, 1},
		{"gamma", chain{map[string]Step{"entry": {}, "target": {TTC: MustParseTTC("Gamma(2, 0.5)")}},
			[][2]string{{"entry", "target"}}}, nil, erlangCDF(2, 2), 1},
		{"uniform", chain{map[string]Step{"entry": {}, "target": {TTC: MustParseTTC("Uniform(1, 3)")}},
			[][2]string{{"entry", "target"}}}, nil, func(x float64) float64 { return math.Min(1, math.Max(0, (x-1)/2)) }, 1},
		{"lognormal", chain{map[string]Step{"entry": {}, "target": {TTC: MustParseTTC("LogNormal(0.5, 0.8)")}},
			[][2]string{{"entry", "target"}}}, nil,
			func(x float64) float64 { return 0.5 * math.Erfc(-(math.Log(x)-0.5)/(0.8*math.Sqrt2)) }, 1},
		{"sum_of_exponentials", chain{map[string]Step{"entry": {}, "target": {TTC: MustParseTTC("Exponential(3) + Exponential(3)")}},
			[][2]string{{"entry", "target"}}}, nil, erlangCDF(2, 3), 1},
		{"uncertain_share", chain{map[string]Step{"entry": {}, "target": {TTC: MustParseTTC("HardAndUncertain")}},
			[][2]string{{"entry", "target"}}}, nil, func(x float64) float64 { return 0.5 * expCDF(0.1)(x) }, 0.5},
		{"defence_off_keeps_path", defended(), Defences{}, expCDF(1), 1},
		{"defence_on_cuts_path", defended(), Defences{0: true}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, ids := build(t, tc.c)
			def := tc.def
			if def != nil && def[0] {
				def = Defences{ids["guard"]: true}
			}
			res := run(t, g, ids, Config{Samples: n, Seed: 7, Horizon: 1e9}, def)
			tr := res.Targets[0]
			if sd := math.Sqrt(tc.prob*(1-tc.prob)/n) + 1e-9; math.Abs(tr.Probability-tc.prob) > 4*sd {
				t.Errorf("probability %.4f, want %.4f ± %.4f", tr.Probability, tc.prob, 4*sd)
			}
			if tc.cdf == nil {
				return
			}
			if d := ksStat(tr.Times, tc.cdf); d > ksCritical(n) {
				t.Errorf("KS statistic %.4f exceeds %.4f", d, ksCritical(n))
			}
		})
	}
}

// defended is entry -> a (Exp 1) -> target, an And step that the defence guard also feeds.
func defended() chain {
	return chain{map[string]Step{"entry": {}, "a": exp(1), "guard": {Kind: Defense}, "target": {Kind: And}},
		[][2]string{{"entry", "a"}, {"a", "target"}, {"guard", "target"}}}
}

// TestKSDetectsWrongDistribution guards the statistical tests themselves: the KS check must
// reject a distribution that is close but wrong.
func TestKSDetectsWrongDistribution(t *testing.T) {
	t.Parallel()
	g, ids := build(t, chain{map[string]Step{"entry": {}, "target": exp(1)}, [][2]string{{"entry", "target"}}})
	res := run(t, g, ids, Config{Samples: 4000, Seed: 7, Horizon: 1e9}, nil)
	if d := ksStat(res.Targets[0].Times, expCDF(1.1)); d <= ksCritical(4000) {
		t.Errorf("KS statistic %.4f against Exp(1.1) does not exceed %.4f", d, ksCritical(4000))
	}
}

func TestHorizonAndProbabilisticDefence(t *testing.T) {
	t.Parallel()
	const n = 4000
	g, ids := build(t, chain{map[string]Step{"entry": {}, "a": exp(1), "guard": {Kind: Defense, Enabled: 0.3},
		"target": {Kind: And}}, [][2]string{{"entry", "a"}, {"a", "target"}, {"guard", "target"}}})
	res := run(t, g, ids, Config{Samples: n, Seed: 3, Horizon: 1}, nil)
	want := 0.7 * (1 - math.Exp(-1))
	if got := res.Targets[0].Probability; math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("probability %.4f, want %.4f", got, want)
	}
	if p95 := res.Targets[0].P95; !math.IsInf(p95, 1) {
		t.Errorf("P95 = %v, want +Inf with probability below 0.95", p95)
	}
}

func TestConditions(t *testing.T) {
	t.Parallel()
	for _, holds := range []bool{true, false} {
		g, ids := build(t, chain{map[string]Step{"entry": {}, "a": {}, "cond": {Kind: NotExist, Holds: holds},
			"target": {Kind: And}}, [][2]string{{"entry", "a"}, {"a", "target"}, {"cond", "target"}}})
		res := run(t, g, ids, Config{Samples: 50}, nil)
		want := map[bool]float64{true: 1, false: 0}[holds]
		if got := res.Targets[0].Probability; got != want {
			t.Errorf("holds=%v: probability %v, want %v", holds, got, want)
		}
	}
}

// TestWithoutAttacker: a step behind a defence that is off is reached at time 0 without any
// entry point, the way MAL's reference semantics treats a disabled defence.
func TestWithoutAttacker(t *testing.T) {
	t.Parallel()
	g, ids := build(t, chain{map[string]Step{"entry": {}, "leak": {Kind: Defense}, "use": exp(1), "target": {}},
		[][2]string{{"leak", "use"}, {"use", "target"}}})
	res := run(t, g, ids, Config{Samples: 2000, Seed: 1, Horizon: 1e9}, nil)
	if d := ksStat(res.Targets[0].Times, expCDF(1)); d > ksCritical(2000) {
		t.Errorf("KS statistic %.4f", d)
	}
	path := res.Targets[0].CriticalPath
	if len(path) != 3 || path[0].Ref != "x.leak" {
		t.Errorf("critical path %+v, want leak, use, target", path)
	}
}

func TestCriticalPathAndHotSteps(t *testing.T) {
	t.Parallel()
	g, ids := build(t, chain{map[string]Step{"entry": {}, "fast": exp(10), "slow": exp(0.1), "mid": {}, "target": {}},
		[][2]string{{"entry", "fast"}, {"entry", "slow"}, {"fast", "mid"}, {"slow", "mid"}, {"mid", "target"}}})
	res := run(t, g, ids, Config{Samples: 1000, Seed: 5}, nil)
	var refs []string
	for _, s := range res.Targets[0].CriticalPath {
		refs = append(refs, s.Ref)
	}
	if want := []string{"x.entry", "x.fast", "x.mid", "x.target"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("critical path %v, want %v", refs, want)
	}
	if share := res.Targets[0].CriticalPath[1].Share; share < 0.95 || share > 0.995 {
		t.Errorf("share of fast path %.3f, want about 0.99", share)
	}
	if len(res.HotSteps) == 0 || res.HotSteps[0].Share != 1 {
		t.Errorf("hot steps %+v, want mid and target first with share 1", res.HotSteps)
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	t.Parallel()
	g, ids := build(t, chain{map[string]Step{"entry": {}, "a": exp(1), "b": {TTC: MustParseTTC("VeryHardAndUncertain")},
		"target": {Kind: And}}, [][2]string{{"entry", "a"}, {"entry", "b"}, {"a", "target"}, {"b", "target"}}})
	var first *Result
	for _, workers := range []int{1, 3, 8} {
		res := run(t, g, ids, Config{Samples: 500, Seed: 11, Workers: workers}, nil)
		res.Duration = 0
		if first == nil {
			first = res
			continue
		}
		if !reflect.DeepEqual(first, res) {
			t.Errorf("%d workers: result differs from 1 worker", workers)
		}
	}
	other := run(t, g, ids, Config{Samples: 500, Seed: 12}, nil)
	if reflect.DeepEqual(first.Targets[0].Times, other.Targets[0].Times) {
		t.Error("a different seed gave the same times")
	}
}

// TestCommonRandomNumbers: switching on a defence on one path leaves the other path's draws
// unchanged, so a run with the defence is never faster, sample by sample.
func TestCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	g, ids := build(t, chain{map[string]Step{"entry": {}, "a": exp(1), "b": exp(0.5), "guard": {Kind: Defense},
		"gated": {Kind: And}, "target": {}}, [][2]string{{"entry", "a"}, {"entry", "b"}, {"a", "gated"},
		{"guard", "gated"}, {"gated", "target"}, {"b", "target"}}})
	cfg := Config{Samples: 300, Seed: 2, Horizon: 1e9, Entries: []StepID{ids["entry"]}, Targets: []StepID{ids["target"], ids["b"]}}
	s, err := NewSimulator(g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	off, _ := s.Run(context.Background(), nil)
	on, _ := s.Run(context.Background(), Defences{ids["guard"]: true})
	if off.Targets[1].P50 != on.Targets[1].P50 {
		t.Errorf("b's median changed with an unrelated defence: %v vs %v", off.Targets[1].P50, on.Targets[1].P50)
	}
	if on.Targets[0].P50 <= off.Targets[0].P50 {
		t.Errorf("median with the defence %v is not above without %v", on.Targets[0].P50, off.Targets[0].P50)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	g, _ := build(t, chain{map[string]Step{"entry": {}}, nil})
	if _, err := NewSimulator(g, Config{}); err != ErrNoTargets {
		t.Errorf("no targets: err = %v", err)
	}
	if _, err := NewSimulator(g, Config{Targets: []StepID{5}}); err == nil {
		t.Error("target out of range accepted")
	}
	b := NewBuilder()
	a := b.Add(Step{Asset: "x", Name: "a"})
	d := b.Add(Step{Asset: "x", Name: "d", Kind: Defense})
	b.Connect(a, d)
	if _, err := b.Build(); err == nil {
		t.Error("edge into a defence accepted")
	}
}

// TestBuilderIndex covers both sides of the per-asset index: few steps (scanned) and many
// (mapped), and that adding a step twice keeps the first.
func TestBuilderIndex(t *testing.T) {
	t.Parallel()
	for _, n := range []int{5, 500} {
		b := NewBuilder()
		for i := 0; i < n; i++ {
			b.Add(Step{Asset: "a", Name: "s" + string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('0'+i/260))})
		}
		again := b.Add(Step{Asset: "a", Name: "sa00", Kind: And})
		g, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		if g.Len() != n || again != 0 || g.Step(0).Kind != Or {
			t.Errorf("n=%d: %d steps, duplicate got id %d kind %v", n, g.Len(), again, g.Step(0).Kind)
		}
		last := g.Step(StepID(n - 1)).Name
		if id, ok := g.Lookup("a", last); !ok || id != StepID(n-1) {
			t.Errorf("n=%d: lookup %s = %d %v", n, last, id, ok)
		}
		if _, ok := g.Lookup("a", "nope"); ok {
			t.Errorf("n=%d: found a missing step", n)
		}
		if len(g.AssetSteps("a")) != n {
			t.Errorf("n=%d: AssetSteps has %d", n, len(g.AssetSteps("a")))
		}
	}
}

// TestNoAllocationPerSample: ten times the samples must not cost more allocations (the
// per-run plan and result are fixed; a sample allocates nothing). Critical paths are off:
// their counters are maps that grow with the distinct edges seen, not with samples.
func TestNoAllocationPerSample(t *testing.T) {
	g, cfg := layered(t, 300)
	cfg.Workers = 1
	allocs := func(samples int) float64 {
		cfg.Samples = samples
		s, err := NewSimulator(g, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := s.Run(ctx, nil); err != nil { // warm the worker buffers
			t.Fatal(err)
		}
		return testing.AllocsPerRun(2, func() { _, _ = s.Run(ctx, nil) })
	}
	few, many := allocs(100), allocs(1000)
	if many > few+10 {
		t.Errorf("%v allocations for 1,000 samples against %v for 100", many, few)
	}
}

package coa

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// guarded is a made-up graph: from one entry, paths of And steps, each guarded by one or two
// defences, lead to one target (an Or over the paths). Blocking a path takes any one of its
// guards; delaying the target takes blocking its fastest paths.
type guarded struct {
	g      *attackgraph.Graph
	sim    attackgraph.Config
	cands  []Candidate
	costs  CostTable
	budget float64
}

func newGuarded(t *testing.T, seed uint64, defences, paths int) guarded {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	b := attackgraph.NewBuilder()
	entry := b.Add(attackgraph.Step{Asset: "attacker", Name: "start", Kind: attackgraph.Or})
	target := b.Add(attackgraph.Step{Asset: "crown", Name: "jewel", Kind: attackgraph.Or})
	var defs []attackgraph.StepID
	for i := 0; i < defences; i++ {
		defs = append(defs, b.Add(attackgraph.Step{Asset: fmt.Sprintf("d%d", i), AssetType: "Guard", Name: "on", Kind: attackgraph.Defense}))
	}
	for j := 0; j < paths; j++ {
		a := b.Add(attackgraph.Step{Asset: fmt.Sprintf("p%d", j), Name: "cross", Kind: attackgraph.And,
			TTC: attackgraph.Exponential(0.05 + rng.Float64())})
		b.Connect(entry, a)
		for k := 0; k < 1+rng.IntN(2); k++ {
			b.Connect(defs[rng.IntN(defences)], a)
		}
		b.Connect(a, target)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	gd := guarded{g: g, sim: attackgraph.Config{Samples: 64, Seed: seed, Horizon: 30, Workers: 1,
		Entries: []attackgraph.StepID{entry}, Targets: []attackgraph.StepID{target}, SkipPaths: true},
		costs: CostTable{Kinds: map[string]Price{"Guard.on": {Cost: 10, Days: 1, Volume: []Tier{{From: 3, Cost: 7, Days: 1}}}},
			Items: map[string]Price{}, Prerequisites: map[string][]string{}, Exclusive: map[string][]string{}}}
	for i, id := range defs {
		ref := g.Step(id).Ref()
		if i%2 == 1 {
			gd.costs.Items[ref] = Price{Cost: float64(5 + rng.IntN(20)), Days: 2}
		}
		gd.cands = append(gd.cands, Candidate{Step: id, Ref: ref, Kind: "Guard.on"})
	}
	gd.budget = float64(15 + rng.IntN(40))
	return gd
}

// bruteForce returns the best objective over every set that respects the constraints, each
// checked here without the search's own helpers.
func bruteForce(t *testing.T, gd guarded, sim *attackgraph.Simulator) float64 {
	t.Helper()
	best := math.Inf(-1)
	for mask := uint64(0); mask < 1<<len(gd.cands); mask++ {
		if !allowed(gd, mask) {
			continue
		}
		def := attackgraph.Defences{}
		for i, c := range gd.cands {
			if mask&(1<<i) != 0 {
				def[c.Step] = true
			}
		}
		r, err := sim.Run(context.Background(), def)
		if err != nil {
			t.Fatal(err)
		}
		tr := r.Targets[0]
		best = math.Max(best, (math.Min(tr.P5, r.Horizon)+math.Min(tr.P50, r.Horizon))/2)
	}
	return best
}

// allowed checks budget, prerequisites and exclusions of a set directly from the table.
func allowed(gd guarded, mask uint64) bool {
	in := map[string]bool{}
	kindCount, cost := 0, 0.0
	for i, c := range gd.cands {
		if mask&(1<<i) == 0 {
			continue
		}
		in[c.Ref] = true
		if p, ok := gd.costs.Items[c.Ref]; ok {
			cost += p.Cost
		} else {
			kindCount++
		}
	}
	unit := 10.0
	if kindCount >= 3 {
		unit = 7
	}
	if cost+float64(kindCount)*unit > gd.budget {
		return false
	}
	for ref := range in {
		for _, r := range gd.costs.Prerequisites[ref] {
			if !in[r] {
				return false
			}
		}
		for _, r := range gd.costs.Exclusive[ref] {
			if in[r] {
				return false
			}
		}
	}
	return true
}

func TestExactSearchFindsTheOptimum(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name             string
		seed             uint64
		defences, paths  int
		prereq, excluded bool
	}{
		{"three_guards", 1, 3, 3, false, false},
		{"six_guards", 2, 6, 9, false, false},
		{"eight_guards_shared", 3, 8, 12, false, false},
		{"ten_guards", 10, 10, 14, false, false},
		{"with_prerequisite", 4, 6, 9, true, false},
		{"with_exclusion", 5, 6, 9, false, true},
		{"with_both", 6, 8, 11, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gd := newGuarded(t, tc.seed, tc.defences, tc.paths)
			if tc.prereq {
				gd.costs.Prerequisites[gd.cands[0].Ref] = []string{gd.cands[1].Ref}
			}
			if tc.excluded {
				gd.costs.Exclusive[gd.cands[2].Ref] = []string{gd.cands[3].Ref}
			}
			sim, err := attackgraph.NewSimulator(gd.g, gd.sim)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForce(t, gd, sim)
			cfg := defaults(Config{Costs: gd.costs})
			s := newSearch(context.Background(), Problem{Graph: gd.g, Sim: gd.sim}, cfg, sim, append([]Candidate(nil), gd.cands...))
			prop, err := s.propose(gd.budget)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.eval(prop.mask)
			if prop.Method != "exact" || math.Abs(got-want) > 1e-9 {
				t.Errorf("%s search found %.4f, brute force %.4f", prop.Method, got, want)
			}
			if !allowed(gd, prop.mask) {
				t.Errorf("proposal %b breaks a constraint (budget %v, cost %v)", prop.mask, gd.budget, prop.Cost)
			}
			greedy, gv, err := s.greedy(gd.budget)
			if err != nil {
				t.Fatal(err)
			}
			if !allowed(gd, greedy) || gv > want+1e-9 {
				t.Errorf("greedy %b (%.4f) breaks a constraint or beats the optimum %.4f", greedy, gv, want)
			}
			t.Logf("optimum %.3f with %d of %d defences, greedy %.3f, %d runs", want, bits.OnesCount64(prop.mask), len(gd.cands), gv, s.runs)
		})
	}
}

// TestGreedyAlone checks that above ExactLimit greedy answers, within the constraints.
func TestGreedyAlone(t *testing.T) {
	t.Parallel()
	gd := newGuarded(t, 9, 8, 8)
	gd.costs.Prerequisites[gd.cands[4].Ref] = []string{gd.cands[5].Ref}
	sim, err := attackgraph.NewSimulator(gd.g, gd.sim)
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaults(Config{Costs: gd.costs, ExactLimit: 3})
	s := newSearch(context.Background(), Problem{Graph: gd.g, Sim: gd.sim}, cfg, sim, append([]Candidate(nil), gd.cands...))
	prop, err := s.propose(gd.budget)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := s.eval(0)
	got, _ := s.eval(prop.mask)
	if prop.Method != "greedy" || !allowed(gd, prop.mask) || got <= base {
		t.Errorf("method %s, set %b, value %.3f from %.3f: want a greedy gain within the constraints", prop.Method, prop.mask, got, base)
	}
}

func TestVolumeTiers(t *testing.T) {
	t.Parallel()
	cands := []Candidate{{Ref: "a.x", Kind: "K.x"}, {Ref: "b.x", Kind: "K.x"}, {Ref: "c.x", Kind: "K.x"}, {Ref: "d.x", Kind: "K.x"}}
	tab := CostTable{Kinds: map[string]Price{"K.x": {Cost: 20, Days: 15, Volume: []Tier{{From: 2, Cost: 15, Days: 10}, {From: 3, Cost: 10, Days: 5}}}},
		Items: map[string]Price{"d.x": {Cost: 1, Days: 1}}}
	cases := []struct {
		name       string
		mask       uint64
		cost, days float64
	}{
		{"one", 0b0001, 20, 15},
		{"two", 0b0011, 30, 20},
		{"three", 0b0111, 30, 15},
		{"item_outside_volume", 0b1001, 21, 16},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, d := tab.total(cands, tc.mask)
			if c != tc.cost || d != tc.days {
				t.Errorf("total %v, %v; want %v, %v", c, d, tc.cost, tc.days)
			}
		})
	}
}

// TestFixedDefences: a defence fixed on is in the baseline and no candidate.
func TestFixedDefences(t *testing.T) {
	t.Parallel()
	gd := newGuarded(t, 11, 4, 6)
	gd.sim.SkipPaths = false
	cfg := Config{Costs: gd.costs, Budgets: []float64{100}, ScreenSamples: 64, FinalSamples: 64}
	free, err := Generate(context.Background(), Problem{Graph: gd.g, Sim: gd.sim}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var fixed Candidate
	for _, c := range free.Candidates {
		if c.Gain > 0 {
			fixed = c
		}
	}
	if fixed.Ref == "" {
		t.Fatalf("no candidate gains anything: %+v", free.Candidates)
	}
	res, err := Generate(context.Background(), Problem{Graph: gd.g, Sim: gd.sim, Fixed: attackgraph.Defences{fixed.Step: true}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if c.Ref == fixed.Ref {
			t.Errorf("fixed defence %s is a candidate", c.Ref)
		}
	}
	if res.Before.Score <= free.Before.Score {
		t.Errorf("baseline %.3f with %s fixed, %.3f without", res.Before.Score, fixed.Ref, free.Before.Score)
	}
}

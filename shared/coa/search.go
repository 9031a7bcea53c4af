package coa

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// search evaluates candidate sets on the screening simulator, with a cache shared by all
// budgets, and selects within a budget.
type search struct {
	ctx   context.Context
	p     Problem
	cfg   Config
	sim   *attackgraph.Simulator
	cands []Candidate
	req   []uint64 // per candidate, the candidates it needs (transitively)
	excl  []uint64 // per candidate, the candidates it may not go with
	cache map[uint64]float64
	runs  int
	// screenRuns counts the runs of the wider screening before this search.
	screenRuns int
}

// eps is the least gain that counts: below it two sets are equally good.
const eps = 1e-9

func newSearch(ctx context.Context, p Problem, cfg Config, sim *attackgraph.Simulator, cands []Candidate) *search {
	s := &search{ctx: ctx, p: p, cfg: cfg, sim: sim, cache: map[uint64]float64{}}
	s.cands = withPrerequisites(p.Graph, cfg.Costs, cands, cfg.MaxCandidates)
	index := map[string]int{}
	for i, c := range s.cands {
		index[c.Ref] = i
	}
	s.req, s.excl = make([]uint64, len(s.cands)), make([]uint64, len(s.cands))
	for i, c := range s.cands {
		for _, r := range cfg.Costs.Prerequisites[c.Ref] {
			if j, ok := index[r]; ok {
				s.req[i] |= 1 << j
			} else {
				s.excl[i] = math.MaxUint64 // a prerequisite that cannot be bought: never feasible
			}
		}
		for _, r := range cfg.Costs.Exclusive[c.Ref] {
			if j, ok := index[r]; ok {
				s.excl[i] |= 1 << j
				s.excl[j] |= 1 << i // exclusion goes both ways
			}
		}
	}
	closeRequirements(s.req)
	return s
}

// withPrerequisites adds the priced defences that candidates need and that are not
// candidates themselves, as far as MaxCandidates allows.
func withPrerequisites(g *attackgraph.Graph, costs CostTable, cands []Candidate, limit int) []Candidate {
	have := map[string]bool{}
	for _, c := range cands {
		have[c.Ref] = true
	}
	for i := 0; i < len(cands) && len(cands) < limit; i++ {
		for _, r := range costs.Prerequisites[cands[i].Ref] {
			if have[r] {
				continue
			}
			cut := strings.LastIndexByte(r, '.')
			if cut < 0 {
				continue
			}
			id, ok := g.Lookup(r[:cut], r[cut+1:])
			if !ok || g.Step(id).Kind != attackgraph.Defense {
				continue
			}
			st := g.Step(id)
			kind := st.AssetType + "." + st.Name
			if p, ok := costs.price(r, kind); ok && len(cands) < limit {
				have[r] = true
				cands = append(cands, Candidate{Step: id, Ref: r, Kind: kind, Cost: p.Cost, Days: p.Days})
			}
		}
	}
	return cands
}

// closeRequirements makes each requirement mask transitive.
func closeRequirements(req []uint64) {
	for changed := true; changed; {
		changed = false
		for i := range req {
			r := req[i]
			for m := r; m != 0; m &= m - 1 {
				r |= req[bits.TrailingZeros64(m)]
			}
			if r != req[i] {
				req[i], changed = r, true
			}
		}
	}
}

func (s *search) defences(mask uint64) attackgraph.Defences {
	d := make(attackgraph.Defences, len(s.p.Fixed)+bits.OnesCount64(mask))
	for id, on := range s.p.Fixed {
		d[id] = on
	}
	for i, c := range s.cands {
		if mask&(1<<i) != 0 {
			d[c.Step] = true
		}
	}
	return d
}

// eval is the screening objective of a set, simulated once.
func (s *search) eval(mask uint64) (float64, error) {
	if v, ok := s.cache[mask]; ok {
		return v, nil
	}
	r, err := s.sim.Run(s.ctx, s.defences(mask))
	if err != nil {
		return 0, fmt.Errorf("simulate %d defences: %w", bits.OnesCount64(mask), err)
	}
	s.runs++
	v := score(s.p, r)
	s.cache[mask] = v
	return v, nil
}

// feasible says whether a set respects prerequisites, exclusions and both budgets.
func (s *search) feasible(mask uint64, budget float64) bool {
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		if s.req[i]&^mask != 0 || s.excl[i]&mask != 0 {
			return false
		}
	}
	return s.affordable(mask, budget)
}

func (s *search) affordable(mask uint64, budget float64) bool {
	cost, days := s.cfg.Costs.total(s.cands, mask)
	return cost <= budget+eps && (s.cfg.TimeBudget == 0 || days <= s.cfg.TimeBudget+eps)
}

// better says whether set a (value va) beats set b: a higher objective, or as good and cheaper.
func (s *search) better(va float64, a uint64, vb float64, b uint64) bool {
	if va > vb+eps {
		return true
	}
	if va < vb-eps {
		return false
	}
	ca, _ := s.cfg.Costs.total(s.cands, a)
	cb, _ := s.cfg.Costs.total(s.cands, b)
	return ca < cb-eps
}

// screenSingles records each candidate's gain alone (with its prerequisites), budget aside.
func (s *search) screenSingles() error {
	base, err := s.eval(0)
	if err != nil {
		return err
	}
	for i := range s.cands {
		v, err := s.eval(1<<i | s.req[i])
		if err != nil {
			return err
		}
		s.cands[i].Gain = v - base
	}
	return nil
}

// propose runs greedy, then the exact search when the candidate set is small enough.
func (s *search) propose(budget float64) (Proposal, error) {
	mask, val, err := s.greedy(budget)
	if err != nil {
		return Proposal{}, err
	}
	method := "greedy"
	if len(s.cands) <= s.cfg.ExactLimit {
		b := &bnb{s: s, budget: budget, best: mask, bestVal: val, limit: s.runs + s.cfg.MaxRuns}
		if err := b.dfs(0, 0); err != nil {
			return Proposal{}, err
		}
		mask, method = b.best, "exact"
		if b.stopped {
			method = "greedy (exact search stopped after MaxRuns)"
		}
	}
	cost, days := s.cfg.Costs.total(s.cands, mask)
	return Proposal{Budget: budget, Method: method, Cost: cost, Days: days, mask: mask}, nil
}

// greedy adds, round by round, the candidate with the prerequisites it lacks that gains most
// per money spent (per day when the bundle costs nothing), until nothing affordable gains.
func (s *search) greedy(budget float64) (uint64, float64, error) {
	cur, err := s.eval(0)
	if err != nil {
		return 0, 0, err
	}
	var set uint64
	for {
		bestRatio, bestMask, bestVal := 0.0, uint64(0), 0.0
		for i := range s.cands {
			if set&(1<<i) != 0 {
				continue
			}
			next := set | 1<<i | s.req[i]
			if !s.feasible(next, budget) {
				continue
			}
			v, err := s.eval(next)
			if err != nil {
				return 0, 0, err
			}
			if r := s.ratio(v-cur, set, next); r > bestRatio {
				bestRatio, bestMask, bestVal = r, next, v
			}
		}
		if bestRatio == 0 {
			return set, cur, nil
		}
		set, cur = bestMask, bestVal
	}
}

func (s *search) ratio(gain float64, from, to uint64) float64 {
	if gain <= eps {
		return 0
	}
	c0, d0 := s.cfg.Costs.total(s.cands, from)
	c1, d1 := s.cfg.Costs.total(s.cands, to)
	switch {
	case c1-c0 > eps:
		return gain / (c1 - c0)
	case d1-d0 > eps:
		return gain / (d1 - d0) * 1e6 // free in money: rank before any paid change
	}
	return gain * 1e12 // free in money and time
}

// bnb is the exact search: depth first over include/exclude decisions, candidate by
// candidate, pruning a branch whose bound (everything left switched on) cannot beat the best.
type bnb struct {
	s       *search
	budget  float64
	best    uint64
	bestVal float64
	limit   int
	stopped bool
}

func (b *bnb) dfs(i int, set uint64) error {
	s := b.s
	if b.stopped || !s.affordable(set, b.budget) {
		return nil // costs never fall as defences are added: nothing below is affordable
	}
	if s.runs >= b.limit {
		b.stopped = true
		return nil
	}
	if s.feasible(set, b.budget) {
		v, err := s.eval(set)
		if err != nil {
			return err
		}
		if s.better(v, set, b.bestVal, b.best) {
			b.best, b.bestVal = set, v
		}
	}
	if i == len(s.cands) {
		return nil
	}
	bound, err := s.eval(b.rest(i, set))
	if err != nil {
		return err
	}
	if bound <= b.bestVal+eps {
		return nil
	}
	if s.excl[i]&set == 0 {
		if err := b.dfs(i+1, set|1<<i); err != nil {
			return err
		}
	}
	return b.dfs(i+1, set)
}

// rest is set with every candidate from i on that set does not exclude.
func (b *bnb) rest(i int, set uint64) uint64 {
	u := set
	for j := i; j < len(b.s.cands); j++ {
		if b.s.excl[j]&set == 0 {
			u |= 1 << j
		}
	}
	return u
}

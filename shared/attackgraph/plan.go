package attackgraph

import "math"

// Defences switches defences on (true) or off (false) for one run, overriding each defence's
// Enabled default. Steps that are not defences are ignored.
type Defences map[StepID]bool

// plan is a Graph specialised for one run: one set of defences, entry points, targets and
// forbidden steps. Building it costs O(steps + edges). It takes out of the per-sample work
// everything that does not change between samples:
//   - the part of the graph reached at time 0 in every sample: entry points, steps behind
//     defences that are off, conditions that hold, and every instantaneous step these make
//     possible (in coreLang most steps are instantaneous, so this is most of the graph);
//   - steps that can never be reached, and steps from which no target can be reached.
//
// What is left ("live" steps) is renumbered densely, so that a sample touches a few small
// arrays, and a sample starts from a short list of seeds: the random steps that the time-0
// part makes possible.
type plan struct {
	nodes      []node  // live steps, by dense id
	child      []int32 // dense ids
	orig       []int32 // dense id -> StepID
	dists      []TTC
	seeds      []seed
	targets    []int32 // StepIDs
	targetNode []int32 // per target: dense id, or -1 when reached at 0 or never
	zero       []bool  // per target: reached at time 0 in every sample
	zpred      []int32 // StepID -> the StepID that made it reachable at time 0, or -1
	live       int
}

// node is a live step's per-run constants, packed so that a touch reads one cache line.
type node struct {
	childStart, childEnd int32
	baseRem              int32 // parents still needed after time 0
	ttc                  int32 // index into dists; -1: instantaneous
	target               int32 // target index or -1
}

// seed is a live step that becomes possible at time 0 through pred (a StepID reached at
// time 0, or -1) and has its own random TTC, drawn in every sample.
type seed struct{ step, pred int32 }

const (
	stNormal uint8 = iota
	stDead         // never reached in this run
	stZero         // reached at time 0 in every sample
	stSeed         // random, drawn at time 0 in every sample
)

// planner holds the scratch state of building one plan, indexed by StepID.
type planner struct {
	s        *Simulator
	p        *plan
	state    []uint8
	rem      []int32
	ttc      []int32
	seedOf   []int32 // StepID -> pred of the seed, when state is stSeed
	queue    []int32
	entries  map[int32]bool
	attacker []bool // reached at time 0 from an entry point, not only from defences
}

func (s *Simulator) newPlan(def Defences) *plan {
	g := s.g
	n := g.Len()
	pl := &planner{s: s, p: &plan{dists: s.dists, zpred: make([]int32, n)}, state: make([]uint8, n),
		rem: make([]int32, n), ttc: append([]int32(nil), s.ttcOf...), seedOf: make([]int32, n), entries: map[int32]bool{},
		attacker: make([]bool, n)}
	for i := range g.steps {
		pl.rem[i] = 1
		if g.steps[i].Kind == And {
			pl.rem[i] = g.parentStart[i+1] - g.parentStart[i]
		}
		pl.p.zpred[i] = -1
		pl.initialState(def, int32(i))
	}
	for _, f := range s.cfg.Forbidden {
		pl.state[f] = stDead
	}
	for _, e := range s.cfg.Entries {
		if pl.state[e] != stZero {
			pl.state[e] = stZero
			pl.queue = append(pl.queue, int32(e))
		}
		pl.entries[int32(e)] = true
		pl.attacker[e] = true
	}
	pl.closeZero()
	rel := pl.relevant(pl.possible())
	pl.compact(rel)
	return pl.p
}

// initialState classifies a step before propagation and queues the ones reached at time 0.
func (pl *planner) initialState(def Defences, i int32) {
	st := &pl.s.g.steps[i]
	switch st.Kind {
	case Defense:
		on := st.Enabled
		if v, ok := def[StepID(i)]; ok {
			on = 0
			if v {
				on = 1
			}
		}
		switch {
		case on <= 0:
			pl.state[i] = stZero
			pl.queue = append(pl.queue, i)
		case on >= 1:
			pl.state[i] = stDead
		default:
			// A defence on with probability p is, in each sample, off with 1-p: a random
			// source reached at time 0 or never.
			pl.state[i], pl.seedOf[i] = stSeed, -1
			pl.ttc[i] = int32(len(pl.p.dists))
			pl.p.dists = append(pl.p.dists[:len(pl.p.dists):len(pl.p.dists)], bernoulliGate(1-on))
		}
	case Exist, NotExist:
		if !st.Holds {
			pl.state[i] = stDead
			return
		}
		pl.state[i] = stZero
		pl.queue = append(pl.queue, i)
	default:
		if pl.ttc[i] >= 0 && pl.p.dists[pl.ttc[i]].Impossible() {
			pl.state[i] = stDead
		}
	}
}

func bernoulliGate(p float64) TTC {
	return TTC{nodes: []ttcNode{{op: opBernoulli, a: p}}, text: "Bernoulli(" + num(p) + ")"}
}

// closeZero propagates time 0 through instantaneous steps; a random step it makes possible
// becomes a seed.
func (pl *planner) closeZero() {
	g := pl.s.g
	for len(pl.queue) > 0 {
		u := pl.queue[len(pl.queue)-1]
		pl.queue = pl.queue[:len(pl.queue)-1]
		for _, c := range g.child[g.childStart[u]:g.childStart[u+1]] {
			if pl.state[c] != stNormal {
				continue
			}
			// The fixed predecessor is the last parent that got c closer, preferring parents
			// the attacker reached over those reached through defences and conditions, so
			// that a critical path starts where the attacker does.
			if z := pl.p.zpred[c]; z < 0 || pl.attacker[u] || !pl.attacker[z] {
				pl.p.zpred[c] = u
			}
			if pl.rem[c]--; pl.rem[c] > 0 {
				continue
			}
			pl.attacker[c] = pl.attacker[pl.p.zpred[c]]
			if pl.ttc[c] < 0 {
				pl.state[c] = stZero
				pl.queue = append(pl.queue, c)
			} else {
				pl.state[c], pl.seedOf[c] = stSeed, pl.p.zpred[c]
			}
		}
	}
}

// possible marks what can be reached at all from the seeds, ignoring time.
func (pl *planner) possible() []bool {
	g := pl.s.g
	ok := make([]bool, g.Len())
	rem := append([]int32(nil), pl.rem...)
	var q []int32
	for i, st := range pl.state {
		if st == stSeed {
			ok[i] = true
			q = append(q, int32(i))
		}
	}
	for len(q) > 0 {
		u := q[len(q)-1]
		q = q[:len(q)-1]
		for _, c := range g.child[g.childStart[u]:g.childStart[u+1]] {
			if ok[c] || pl.state[c] != stNormal {
				continue
			}
			if rem[c]--; rem[c] == 0 {
				ok[c] = true
				q = append(q, c)
			}
		}
	}
	return ok
}

// relevant marks the possible steps from which a target can be reached.
func (pl *planner) relevant(possible []bool) []bool {
	g := pl.s.g
	rel := make([]bool, g.Len())
	var q []int32
	for _, t := range pl.s.cfg.Targets {
		pl.p.targets = append(pl.p.targets, int32(t))
		pl.p.zero = append(pl.p.zero, pl.state[t] == stZero)
		if possible[t] && !rel[t] {
			rel[t] = true
			q = append(q, int32(t))
		}
	}
	for len(q) > 0 {
		u := q[len(q)-1]
		q = q[:len(q)-1]
		for _, par := range g.parent[g.parentStart[u]:g.parentStart[u+1]] {
			if possible[par] && !rel[par] {
				rel[par] = true
				q = append(q, par)
			}
		}
	}
	return rel
}

// compact renumbers the relevant steps densely and keeps the edges between them.
func (pl *planner) compact(rel []bool) {
	g, p := pl.s.g, pl.p
	dense := pl.renumber(rel)
	p.live = len(p.orig)
	p.nodes = make([]node, p.live)
	for d, u := range p.orig {
		nd := &p.nodes[d]
		nd.childStart, nd.baseRem, nd.ttc, nd.target = int32(len(p.child)), pl.rem[u], pl.ttc[u], -1
		for _, c := range g.child[g.childStart[u]:g.childStart[u+1]] {
			if dense[c] >= 0 && pl.state[c] == stNormal {
				p.child = append(p.child, dense[c])
			}
		}
		nd.childEnd = int32(len(p.child))
		if pl.state[u] == stSeed {
			nd.baseRem = -1
			p.seeds = append(p.seeds, seed{int32(d), pl.seedOf[u]})
		}
	}
	for ti, t := range p.targets {
		p.targetNode = append(p.targetNode, dense[t])
		if dense[t] >= 0 && p.nodes[dense[t]].target < 0 {
			p.nodes[dense[t]].target = int32(ti)
		}
	}
}

// renumber gives the relevant steps dense ids breadth-first from the seeds, so that a step's
// children sit near it in memory and a sample, which spreads the same way, stays in cache.
// It fills p.orig and returns the map from StepID to dense id (-1 when not live).
func (pl *planner) renumber(rel []bool) []int32 {
	g, p := pl.s.g, pl.p
	dense := make([]int32, g.Len())
	for u := range dense {
		dense[u] = -1
	}
	number := func(u int32) {
		if rel[u] && dense[u] < 0 {
			dense[u] = int32(len(p.orig))
			p.orig = append(p.orig, u)
		}
	}
	for u, st := range pl.state {
		if st == stSeed {
			number(int32(u))
		}
	}
	for i := 0; i < len(p.orig); i++ {
		u := p.orig[i]
		for _, c := range g.child[g.childStart[u]:g.childStart[u+1]] {
			if pl.state[c] == stNormal {
				number(c)
			}
		}
	}
	for u := range rel {
		number(int32(u))
	}
	return dense
}

var inf32 = float32(math.Inf(1))

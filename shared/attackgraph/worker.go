package attackgraph

// worker holds one goroutine's buffers over the plan's dense ids. A slot is valid in a
// sample only when its stamp equals the sample's generation, so nothing is cleared between
// samples.
type worker struct {
	gr      []uint64 // per live step: generation << 32 | parents still needed (int32)
	pred    []int32
	at      []float64
	queue   queue
	stack   []int32
	gen     uint32
	reached []int32 // targets reached in this sample, zero ones included

	hot      []uint32 // by StepID: samples in which the step was on some fastest path
	hotStamp []uint32
	edges    []map[uint64]uint32 // per target: (StepID, pred StepID) on its fastest path
	count    []int               // per target: samples reaching it
	seed     uint64
	horizon  float64
	draw     *drawer
}

// A live step's state in a sample: gr packs the generation that makes it valid with the
// count of parents still needed (-1 once scheduled), so a touch reads 8 bytes; pred and at
// are read only when the step is scheduled or taken. pred is a dense id, -1 for none, or
// -2-StepID for a seed made possible by a step reached at time 0.
func pack(gen uint32, rem int32) uint64 { return uint64(gen)<<32 | uint64(uint32(rem)) }

func newWorker(n int) *worker {
	return &worker{hot: make([]uint32, n), hotStamp: make([]uint32, n), draw: newDrawer()}
}

func (w *worker) reset(s *Simulator, p *plan) {
	if cap(w.gr) < p.live {
		w.gr, w.pred, w.at = make([]uint64, p.live), make([]int32, p.live), make([]float64, p.live)
	}
	w.gr, w.pred, w.at = w.gr[:p.live], w.pred[:p.live], w.at[:p.live]
	clear(w.gr)
	clear(w.hot)
	clear(w.hotStamp)
	w.gen = 0
	w.edges = w.edges[:0]
	for range p.targets {
		w.edges = append(w.edges, map[uint64]uint32{})
	}
	w.count = make([]int, len(p.targets))
	w.seed, w.horizon = s.cfg.Seed, s.cfg.Horizon
}

func (w *worker) nextGen() {
	w.gen++
	if w.gen == 0 {
		clear(w.gr)
		clear(w.hotStamp)
		w.gen = 1
	}
	w.queue.reset()
	w.stack, w.reached = w.stack[:0], w.reached[:0]
}

// sample runs sample i: a Dijkstra-style sweep in time order. Because every parent is final
// when it is taken from the queue and parents are taken in time order, an Or step is final
// at its first touch and an And step at its last: each step enters the queue once, with no
// decrease-key. Instantaneous steps skip the queue and go on a stack at the current time.
func (w *worker) sample(p *plan, i int, times [][]float32, paths bool) {
	w.nextGen()
	for _, sd := range p.seeds {
		w.gr[sd.step] = pack(w.gen, -1)
		w.schedule(p, sd.step, 0, -2-sd.pred, i)
	}
	left := len(p.targets)
	for ti := range p.targets {
		if p.zero[ti] {
			times[ti][i] = 0
			w.reached = append(w.reached, int32(ti))
		} else {
			times[ti][i] = inf32
		}
		if p.zero[ti] || p.targetNode[ti] < 0 {
			left--
		}
	}
	for left > 0 {
		var u int32
		if n := len(w.stack); n > 0 {
			u = w.stack[n-1]
			w.stack = w.stack[:n-1]
		} else if !w.queue.empty() {
			u = w.queue.pop()
		} else {
			break
		}
		t := w.at[u]
		nd := &p.nodes[u]
		if nd.target >= 0 {
			times[nd.target][i] = float32(t)
			w.reached = append(w.reached, nd.target)
			left--
		}
		for _, c := range p.child[nd.childStart:nd.childEnd] {
			w.touch(p, c, t, u, i)
		}
	}
	if paths {
		w.trace(p)
	}
}

func (w *worker) touch(p *plan, c int32, t float64, from int32, i int) {
	g := w.gr[c]
	rem := int32(uint32(g))
	if uint32(g>>32) != w.gen {
		rem = p.nodes[c].baseRem
	}
	if rem <= 0 {
		return
	}
	if rem--; rem > 0 {
		w.gr[c] = pack(w.gen, rem)
		return
	}
	w.gr[c] = pack(w.gen, -1)
	w.schedule(p, c, t, from, i)
}

// schedule draws c's TTC and queues it, unless it is impossible in this sample or beyond
// the horizon.
func (w *worker) schedule(p *plan, c int32, t float64, from int32, i int) {
	if d := p.nodes[c].ttc; d >= 0 {
		w.draw.seed(w.seed, i, p.orig[c])
		x, ok := p.dists[d].sample(w.draw)
		if !ok {
			return
		}
		if x > 0 {
			if t += x; t > w.horizon {
				return
			}
			w.pred[c], w.at[c] = from, t
			w.queue.push(t, c)
			return
		}
	}
	w.pred[c], w.at[c] = from, t
	w.stack = append(w.stack, c)
}

// trace walks each reached target's fastest path back: through the predecessors of this
// sample while on live steps, then through the fixed predecessors of the time-0 part.
func (w *worker) trace(p *plan) {
	for _, ti := range w.reached {
		w.count[ti]++
		edges := w.edges[ti]
		orig := p.targets[ti] // the walk in StepIDs
		d := p.targetNode[ti] // and in dense ids while on live steps
		if p.zero[ti] {
			d = -1
		}
		for steps := 0; orig >= 0 && steps < len(p.zpred); steps++ {
			var pred int32
			switch {
			case d >= 0 && w.pred[d] >= 0:
				d = w.pred[d]
				pred = p.orig[d]
			case d >= 0:
				pred, d = -2-w.pred[d], -1 // -1 stays -1: an entry or a source
			default:
				pred = p.zpred[orig]
			}
			w.markHot(orig)
			edges[uint64(orig)<<32|uint64(uint32(pred))]++
			orig = pred
		}
	}
}

func (w *worker) markHot(u int32) {
	if w.hotStamp[u] != w.gen {
		w.hotStamp[u] = w.gen
		w.hot[u]++
	}
}

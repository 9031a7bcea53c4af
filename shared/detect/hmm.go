package detect

import (
	"math"
	"math/bits"
	"sync"
	"time"
)

// Parameters of the stage model. Transitions: a host mostly stays in its
// stage, moves on more often than back, and nearer stages are likelier
// than far ones either way, so that a real attack's back-and-forth
// (discovery again from a newly reached host) decodes as it happened.
// Emissions: the tables' tactic is right most of the time; when wrong, it
// is more often a neighbouring tactic. An unknown observation says nothing.
//
// Time: the transitions hold between episodes close in time; across a
// quiet gap Δ they fade into a fresh start, A(Δ) = w·A + (1−w)·π with
// w = exp(−Δ/stageMemory), so that an administrator's sudo on Monday does
// not make a web attack on Thursday a privilege escalation. The weight is
// taken in steps of 1/memorySteps, each matrix made once.
const (
	pStay       = 0.5
	pForward    = 0.3
	pBackward   = 0.2
	pCorrect    = 0.9
	stageMemory = 6 * time.Hour
	memorySteps = 32
)

// hmm is a hidden Markov model whose states are the ATT&CK tactics in
// matrix order, decoded with Viterbi. An observation is the set of tactics
// an episode is evidence of, as a bit mask over the tactic indices: one bit
// for most, several for a technique ATT&CK files under several tactics
// (T1078 Valid Accounts), none for an episode no table could place.
type hmm struct {
	n     int
	logPi []float64
	logA  [][]float64 // logA[from][to]
	logB  [][]float64 // logB[state][observation]
	b     [][]float64 // the same as probabilities
	// faded[k] is the transition matrix at weight k/memorySteps, in logs
	// (for Viterbi) and as probabilities (for the forward pass), made once.
	faded  [memorySteps + 1][][]float64
	fadedP [memorySteps + 1][][]float64
}

func newHMM(n int) *hmm {
	h := &hmm{n: n, logPi: make([]float64, n), logA: square(n), logB: square(n)}
	// Attacks are first seen early in the matrix more often than late.
	var z float64
	for s := range n {
		z += 1 / math.Sqrt(float64(s+1))
	}
	for s := range n {
		h.logPi[s] = math.Log(1 / math.Sqrt(float64(s+1)) / z)
		h.setRow(s)
		h.setEmission(s)
	}
	h.b = square(n)
	for s := range n {
		for o := range n {
			h.b[s][o] = math.Exp(h.logB[s][o])
		}
	}
	for k := range memorySteps + 1 {
		h.fade(k)
	}
	return h
}

func square(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
	}
	return m
}

// step is the index into faded for a quiet gap.
func step(gap time.Duration) int {
	if gap <= 0 {
		return memorySteps
	}
	return int(math.Round(math.Exp(-gap.Seconds()/stageMemory.Seconds()) * memorySteps))
}

// trans returns the log transition matrix across a quiet gap.
func (h *hmm) trans(gap time.Duration) [][]float64 { return h.faded[step(gap)] }

// fade makes the transition matrices at weight k/memorySteps.
func (h *hmm) fade(k int) {
	w := float64(k) / memorySteps
	lm, pm := square(h.n), square(h.n)
	for r := range h.n {
		for s := range h.n {
			p := w*math.Exp(h.logA[r][s]) + (1-w)*math.Exp(h.logPi[s])
			lm[r][s], pm[r][s] = math.Log(p), p
		}
	}
	h.faded[k], h.fadedP[k] = lm, pm
}

// setRow spreads the forward and backward mass of state s over the other
// states by 1/distance; at either end of the matrix the missing direction's
// mass goes to staying.
func (h *hmm) setRow(s int) {
	var zf, zb float64
	for t := range h.n {
		switch {
		case t > s:
			zf += 1 / float64(t-s)
		case t < s:
			zb += 1 / float64(s-t)
		}
	}
	stay := pStay
	if zf == 0 {
		stay += pForward
	}
	if zb == 0 {
		stay += pBackward
	}
	for t := range h.n {
		var p float64
		switch {
		case t == s:
			p = stay
		case t > s:
			p = pForward / float64(t-s) / zf
		default:
			p = pBackward / float64(s-t) / zb
		}
		h.logA[s][t] = math.Log(p)
	}
}

// setEmission: pCorrect for the state's own tactic, the rest by 1/(1+d)².
func (h *hmm) setEmission(s int) {
	var z float64
	for o := range h.n {
		if o != s {
			z += 1 / sq(float64(1+abs(o-s)))
		}
	}
	for o := range h.n {
		p := pCorrect
		if o != s {
			p = (1 - pCorrect) / sq(float64(1+abs(o-s))) / z
		}
		h.logB[s][o] = math.Log(p)
	}
}

func sq(x float64) float64 { return x * x }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// emit is log P(o | s). For a set of tactics it is the mean of the
// members' emissions: the tables say one of them, not which.
func (h *hmm) emit(s int, o uint32) float64 {
	switch bits.OnesCount32(o) {
	case 0:
		return 0
	case 1:
		return h.logB[s][bits.TrailingZeros32(o)]
	}
	return math.Log(h.emitP(s, o))
}

// emitP is P(o | s), as emit.
func (h *hmm) emitP(s int, o uint32) float64 {
	if o == 0 {
		return 1
	}
	var sum float64
	n := 0
	for m := o; m != 0; m &= m - 1 {
		sum += h.b[s][bits.TrailingZeros32(m)]
		n++
	}
	return sum / float64(n)
}

// viterbi returns the most probable state sequence for obs, and the
// probability of its last state given all of obs (the forward algorithm).
// gaps[t] is the quiet time before observation t (nil: none).
func (h *hmm) viterbi(obs []uint32, gaps []time.Duration) ([]int, float64) {
	if len(obs) == 0 {
		return nil, 0
	}
	delta := make([]float64, h.n)
	next := make([]float64, h.n)
	back := make([]uint8, len(obs)*h.n) // back[t*n+s]: the best state before s at t
	for s := range h.n {
		delta[s] = h.logPi[s] + h.emit(s, obs[0])
	}
	for t := 1; t < len(obs); t++ {
		a := h.trans(gapAt(gaps, t))
		for s := range h.n {
			best, arg := math.Inf(-1), 0
			for r := range h.n {
				if v := delta[r] + a[r][s]; v > best {
					best, arg = v, r
				}
			}
			next[s], back[t*h.n+s] = best+h.emit(s, obs[t]), uint8(arg)
		}
		delta, next = next, delta
	}
	path := make([]int, len(obs))
	for s := range h.n {
		if delta[s] > delta[path[len(obs)-1]] {
			path[len(obs)-1] = s
		}
	}
	for t := len(obs) - 1; t > 0; t-- {
		path[t-1] = int(back[t*h.n+path[t]])
	}
	return path, h.filtered(obs, gaps)[path[len(obs)-1]]
}

func gapAt(gaps []time.Duration, t int) time.Duration {
	if t < len(gaps) {
		return gaps[t]
	}
	return 0
}

// filtered returns P(last state | obs) for every state, scaling each step
// so that long sequences do not underflow.
func (h *hmm) filtered(obs []uint32, gaps []time.Duration) []float64 {
	alpha := make([]float64, h.n)
	next := make([]float64, h.n)
	for s := range h.n {
		alpha[s] = math.Exp(h.logPi[s]) * h.emitP(s, obs[0])
	}
	normalise(alpha)
	for t := 1; t < len(obs); t++ {
		a := h.fadedP[step(gapAt(gaps, t))]
		for s := range h.n {
			var sum float64
			for r := range h.n {
				sum += alpha[r] * a[r][s]
			}
			next[s] = sum * h.emitP(s, obs[t])
		}
		alpha, next = next, alpha
		normalise(alpha)
	}
	return alpha
}

func normalise(v []float64) {
	var z float64
	for _, x := range v {
		z += x
	}
	for i := range v {
		v[i] /= z
	}
}

// models holds one stage model per number of tactics: the model is read
// only once made, so every Analyze shares it.
var models sync.Map

func stageModel(n int) *hmm {
	if m, ok := models.Load(n); ok {
		return m.(*hmm)
	}
	m, _ := models.LoadOrStore(n, newHMM(n))
	return m.(*hmm)
}

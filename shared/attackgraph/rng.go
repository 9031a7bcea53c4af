package attackgraph

import (
	"math"
	"math/rand/v2"
)

// stream is a splitmix64 generator. The simulator seeds one per (seed, sample, step), so the
// time-to-compromise drawn for a step in a sample does not depend on the order in which
// steps are visited, on the worker that runs the sample, or on which defences are on: two
// runs that differ only in defences see the same random numbers (common random numbers),
// which makes their difference far less noisy than two independent runs.
type stream struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newStream(seed uint64, sample int, step int32) stream {
	return stream{s: mix64(seed^0x9e3779b97f4a7c15) ^ mix64(uint64(sample)<<32|uint64(uint32(step)))}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// Uint64 makes a stream a math/rand/v2 Source, for the ziggurat exponential and normal.
func (r *stream) Uint64() uint64 { return r.next() }

// drawer draws from a stream; one lives in each worker and is reseeded for every step, so
// drawing allocates nothing.
type drawer struct {
	src stream
	rnd *rand.Rand
}

func newDrawer() *drawer {
	d := &drawer{}
	d.rnd = rand.New(&d.src)
	return d
}

func (d *drawer) seed(seed uint64, sample int, step int32) { d.src = newStream(seed, sample, step) }

// float returns a uniform number in the open interval (0, 1), so that its logarithm is finite.
func (r *stream) float() float64 {
	return (float64(r.next()>>11) + 0.5) / (1 << 53)
}

func (d *drawer) float() float64 { return d.src.float() }

func (d *drawer) exp(rate float64) float64 { return d.rnd.ExpFloat64() / rate }

func (d *drawer) normal() float64 { return d.rnd.NormFloat64() }

// gamma draws Gamma(shape, scale) with Marsaglia and Tsang's method, boosting shapes below 1.
func (r *drawer) gamma(shape, scale float64) float64 {
	if shape < 1 {
		return r.gamma(shape+1, scale) * math.Pow(r.float(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.normal()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.float()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v * scale
		}
	}
}

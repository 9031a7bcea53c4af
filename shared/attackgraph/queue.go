package attackgraph

import (
	"math"
	"math/bits"
)

// queue is a radix heap: a monotone priority queue on the times of scheduled steps. A
// Dijkstra-style sweep only ever takes the minimum and adds times at or after it, which a
// radix heap exploits: an entry is filed by the highest bit in which its time differs from
// the last minimum, and moves to a lower bucket at most 64 times in all, so push is O(1)
// and pop amortised O(1) with no comparisons to mispredict, where a binary heap pays
// O(log n) unpredictable branches. Times are non-negative, so their IEEE 754 bits sort as
// the times do.
type queue struct {
	last    uint64
	mask    uint64 // bit b-1 set when bucket b (1..64) holds entries
	buckets [65][]event
}

type event struct {
	key  uint64 // math.Float64bits of the time
	step int32
}

func (q *queue) reset() {
	q.last, q.mask = 0, 0
	for i := range q.buckets {
		q.buckets[i] = q.buckets[i][:0]
	}
}

func (q *queue) empty() bool { return q.mask == 0 && len(q.buckets[0]) == 0 }

func (q *queue) push(t float64, step int32) {
	k := math.Float64bits(t)
	b := bits.Len64(k ^ q.last)
	q.buckets[b] = append(q.buckets[b], event{k, step})
	if b > 0 {
		q.mask |= 1 << (b - 1)
	}
}

// pop removes an entry with the least time; the queue must not be empty.
func (q *queue) pop() int32 {
	if len(q.buckets[0]) == 0 {
		b := bits.TrailingZeros64(q.mask) + 1
		from := q.buckets[b]
		m := from[0].key
		for _, e := range from[1:] {
			m = min(m, e.key)
		}
		q.last = m
		for _, e := range from {
			nb := bits.Len64(e.key ^ m)
			q.buckets[nb] = append(q.buckets[nb], e)
			if nb > 0 {
				q.mask |= 1 << (nb - 1)
			}
		}
		q.buckets[b] = from[:0]
		q.mask &^= 1 << (b - 1)
	}
	zero := q.buckets[0]
	e := zero[len(zero)-1]
	q.buckets[0] = zero[:len(zero)-1]
	return e.step
}

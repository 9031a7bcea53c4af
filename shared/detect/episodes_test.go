package detect

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHostListsAddAsAddHost: an interned list gains names exactly as a
// plain slice does through addHost (order kept, duplicates, IP literals and
// names beyond maxHostnames left out), and merging lists folds names in
// their order.
func TestHostListsAddAsAddHost(t *testing.T) {
	t.Parallel()
	pool := []string{"10.0.0.1", "::1", "web.example", "mail.example"}
	for i := range 30 {
		pool = append(pool, fmt.Sprintf("h%d.example", i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	h := newHostLists()
	for round := range 200 {
		var a, b []string
		var la, lb uint32
		for range rng.IntN(40) {
			name := pool[rng.IntN(len(pool))]
			if rng.IntN(2) == 0 {
				a, la = addHost(a, name), h.add(la, name)
			} else {
				b, lb = addHost(b, name), h.add(lb, name)
			}
		}
		if got := h.names(nil, la); !slices.Equal(got, a) {
			t.Fatalf("round %d: list %v, addHost gives %v", round, got, a)
		}
		for _, name := range b {
			a = addHost(a, name)
		}
		for _, name := range h.names(nil, lb) {
			la = h.add(la, name)
		}
		if got := h.names(nil, la); !slices.Equal(got, a) {
			t.Fatalf("round %d: merged list %v, addHost gives %v", round, got, a)
		}
	}
	// Names already there, IP literals and names for a full list make
	// nothing new: the lists grow with the names episodes gain, not with
	// the alerts.
	var full uint32
	for i := range maxHostnames {
		full = h.add(full, pool[4+i])
	}
	nodes, steps := len(h.nodes), len(h.next)
	for i := range 1000 {
		h.add(full, pool[i%len(pool)])
		h.add(full, fmt.Sprintf("new%d.example", i))
		h.add(0, "10.0.0.1")
	}
	if len(h.nodes) != nodes || len(h.next) != steps {
		t.Errorf("repeated and refused names grew the lists from %d to %d nodes, %d to %d steps",
			nodes, len(h.nodes), steps, len(h.next))
	}
	if got := h.sorted(0); got != nil {
		t.Errorf("the empty list sorts to %v, want nil", got)
	}
}

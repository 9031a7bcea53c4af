package detect

import (
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// maxHostnames bounds the names kept per episode and per victim.
const maxHostnames = 20

// groupKey identifies the alerts that may form episodes together: one kind
// of alert (tool and signature) between the same two entities.
type groupKey struct {
	attacker, victim, tool, sig string
	tactic                      int
}

// kindKey is one kind of alert on one victim, whoever the attacker: the
// unit whose background is learned.
type kindKey struct{ victim, tool, sig string }

func (k groupKey) kind() kindKey { return kindKey{k.victim, k.tool, k.sig} }

// episodeAcc accumulates one episode while alerts stream in; there is one
// per micro-episode, so it is kept to 64 bytes. Its alerts all have the
// group's signature, so it keeps no map of signatures: their count is
// alerts, and what else the report says of the signature (id, category,
// mapping) is that of the episode's first alert, an index into the
// grouper's shared list. Its host names are an index into the grouper's
// interned lists too: most episodes of a kind carry the same few names.
type episodeAcc struct {
	start, end time.Time
	alerts     int
	sig        uint32 // in grouper.sigs
	hosts      uint32 // in grouper.hosts.nodes; 0 is no name
}

// sigInfo is what an episode reports of its signature besides the count.
type sigInfo struct {
	id                   int64
	category, via, stage string
}

// grouper builds micro-episodes without holding the alerts: each group keeps
// them sorted by start, and an alert joins, extends or bridges those within
// the base gap of it, in whatever order the alerts arrive (the CPTC files
// run backwards in time). The adaptive gap is applied once the input is
// read (builder.score), when each group's rate is known.
type grouper struct {
	gap    time.Duration
	groups map[groupKey][]*episodeAcc
	sigIdx map[sigInfo]uint32 // one copy of each, shared by the episodes
	sigs   []sigInfo
	hosts  hostLists
}

func newGrouper(gap time.Duration) *grouper {
	return &grouper{gap: gap, groups: map[groupKey][]*episodeAcc{}, sigIdx: map[sigInfo]uint32{},
		hosts: newHostLists()}
}

func (g *grouper) sigInfo(a *alerts.Alert, m mapping) uint32 {
	k := sigInfo{id: a.SignatureID, category: a.Category, via: m.via, stage: m.stage}
	i, ok := g.sigIdx[k]
	if !ok {
		i = uint32(len(g.sigs))
		g.sigs = append(g.sigs, k)
		g.sigIdx[k] = i
	}
	return i
}

func (g *grouper) add(k groupKey, a *alerts.Alert, m mapping) {
	eps := g.groups[k]
	t := a.Time
	// j is the first episode starting after t.
	j := sort.Search(len(eps), func(i int) bool { return eps[i].start.After(t) })
	var ep *episodeAcc
	switch {
	case j > 0 && !t.After(eps[j-1].end.Add(g.gap)):
		ep = eps[j-1]
		if t.After(ep.end) {
			ep.end = t
		}
		// The alert may close the gap to the next episode.
		if j < len(eps) && !eps[j].start.After(ep.end.Add(g.gap)) {
			g.merge(ep, eps[j])
			eps = append(eps[:j], eps[j+1:]...)
		}
	case j < len(eps) && !eps[j].start.After(t.Add(g.gap)):
		ep = eps[j]
		ep.start = t
	default:
		ep = &episodeAcc{start: t, end: t, sig: g.sigInfo(a, m)}
		eps = slices.Insert(eps, j, ep)
	}
	g.count(ep, a)
	g.groups[k] = eps
}

// adaptiveGap is a group's gap: factor times its median time between
// alerts, within [lo, hi]. Inside a micro-episode the time between alerts
// is taken as its mean there; between micro-episodes it is known exactly.
func adaptiveGap(micro []*episodeAcc, factor float64, lo, hi time.Duration) time.Duration {
	var within time.Duration
	inside := 0
	var between []time.Duration
	for i, e := range micro {
		within += e.end.Sub(e.start)
		inside += e.alerts - 1
		if i > 0 {
			between = append(between, e.start.Sub(micro[i-1].end))
		}
	}
	n := inside + len(between)
	if n == 0 {
		return lo
	}
	mean := time.Duration(0)
	if inside > 0 {
		mean = within / time.Duration(inside)
	}
	// The median of the multiset {mean × inside} ∪ between; between
	// gaps all exceed the base gap, so they sort after the mean.
	slices.Sort(between)
	mid := n / 2
	median := mean
	if mid >= inside {
		median = between[mid-inside]
	}
	return min(max(time.Duration(float64(median)*factor), lo), hi)
}

// mergeWithin folds micro-episodes no more than gap apart, in place: the
// slice it returns shares micro's array.
func (g *grouper) mergeWithin(micro []*episodeAcc, gap time.Duration) []*episodeAcc {
	out := micro[:1]
	for _, e := range micro[1:] {
		last := out[len(out)-1]
		if !e.start.After(last.end.Add(gap)) {
			g.merge(last, e)
			continue
		}
		out = append(out, e)
	}
	return out
}

func (g *grouper) count(e *episodeAcc, a *alerts.Alert) {
	e.alerts++
	for _, h := range a.Hostnames {
		e.hosts = g.hosts.add(e.hosts, h)
	}
	if a.Host != "" {
		e.hosts = g.hosts.add(e.hosts, a.Host)
	}
}

// merge folds o, which starts after e, into e.
func (g *grouper) merge(e, o *episodeAcc) {
	if o.end.After(e.end) {
		e.end = o.end
	}
	e.alerts += o.alerts
	var buf [maxHostnames]string
	for _, h := range g.hosts.names(buf[:0], o.hosts) {
		e.hosts = g.hosts.add(e.hosts, h)
	}
}

// hostLists interns the lists of host names episodes carry, in the order
// the names came, as a tree: a list is its parent list plus one name, so
// each list exists once, an episode holds its index, and a list of n names
// costs one node more than its parent. Lists are never changed once made.
// Only lists that are made are remembered, so the tree grows with the
// names episodes gain (at most maxHostnames each), not with the alerts.
type hostLists struct {
	nodes []hostNode          // nodes[0] is the empty list
	next  map[hostStep]uint32 // a list and a name -> the list with it added
}

type hostNode struct {
	parent, len uint32
	name        string
}

type hostStep struct {
	list uint32
	name string
}

func newHostLists() hostLists {
	return hostLists{nodes: []hostNode{{}}, next: map[hostStep]uint32{}}
}

// add returns list with name added, as addHost would add it.
func (h *hostLists) add(list uint32, name string) uint32 {
	if h.nodes[list].len >= maxHostnames || h.contains(list, name) {
		return list
	}
	step := hostStep{list, name}
	if n, ok := h.next[step]; ok {
		return n
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return list
	}
	n := uint32(len(h.nodes))
	h.nodes = append(h.nodes, hostNode{parent: list, len: h.nodes[list].len + 1, name: name})
	h.next[step] = n
	return n
}

func (h *hostLists) contains(list uint32, name string) bool {
	for i := list; i != 0; i = h.nodes[i].parent {
		if h.nodes[i].name == name {
			return true
		}
	}
	return false
}

// names appends the names of list to dst, in the order they were added.
func (h *hostLists) names(dst []string, list uint32) []string {
	n := len(dst)
	dst = slices.Grow(dst, int(h.nodes[list].len))[:n+int(h.nodes[list].len)]
	for i, j := list, len(dst)-1; i != 0; i, j = h.nodes[i].parent, j-1 {
		dst[j] = h.nodes[i].name
	}
	return dst
}

// sorted returns a new slice of the names of list, sorted; nil for none.
func (h *hostLists) sorted(list uint32) []string {
	s := h.names(nil, list)
	sort.Strings(s)
	return s
}

// addHost adds h to hosts unless it is there, is an IP literal (an
// http.hostname often is) or the list is full.
func addHost(hosts []string, h string) []string {
	if len(hosts) >= maxHostnames {
		return hosts
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return hosts
	}
	if slices.Contains(hosts, h) {
		return hosts
	}
	return append(hosts, h)
}

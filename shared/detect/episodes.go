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

// episodeAcc accumulates one episode while alerts stream in. Its alerts
// all have the group's signature, so it keeps no map of signatures: their
// count is alerts, and what else the report says of the signature (id,
// category, mapping) is that of the episode's first alert, shared.
type episodeAcc struct {
	start, end time.Time
	alerts     int
	sig        *sigInfo
	hosts      []string
}

// sigInfo is what an episode reports of its signature besides the count.
type sigInfo struct {
	id                   int64
	category, via, stage string
}

// grouper builds micro-episodes without holding the alerts: each group keeps
// them sorted by start, and an alert joins, extends or bridges those within
// the base gap of it, in whatever order the alerts arrive (the CPTC files
// run backwards in time). The adaptive gap is applied afterwards (finish),
// when each group's rate is known.
type grouper struct {
	gap    time.Duration
	groups map[groupKey][]*episodeAcc
	sigs   map[sigInfo]*sigInfo // one copy of each, shared by the episodes
}

func newGrouper(gap time.Duration) *grouper {
	return &grouper{gap: gap, groups: map[groupKey][]*episodeAcc{}, sigs: map[sigInfo]*sigInfo{}}
}

func (g *grouper) sigInfo(a *alerts.Alert, m mapping) *sigInfo {
	k := sigInfo{id: a.SignatureID, category: a.Category, via: m.via, stage: m.stage}
	si := g.sigs[k]
	if si == nil {
		si = &k
		g.sigs[k] = si
	}
	return si
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
			ep.merge(eps[j])
			eps = append(eps[:j], eps[j+1:]...)
		}
	case j < len(eps) && !eps[j].start.After(t.Add(g.gap)):
		ep = eps[j]
		ep.start = t
	default:
		ep = &episodeAcc{start: t, end: t, sig: g.sigInfo(a, m)}
		eps = slices.Insert(eps, j, ep)
	}
	ep.count(a)
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

// mergeWithin folds micro-episodes no more than gap apart.
func mergeWithin(micro []*episodeAcc, gap time.Duration) []*episodeAcc {
	out := micro[:1]
	for _, e := range micro[1:] {
		last := out[len(out)-1]
		if !e.start.After(last.end.Add(gap)) {
			last.merge(e)
			continue
		}
		out = append(out, e)
	}
	return out
}

func (e *episodeAcc) count(a *alerts.Alert) {
	e.alerts++
	for _, h := range a.Hostnames {
		e.hosts = addHost(e.hosts, h)
	}
	if a.Host != "" {
		e.hosts = addHost(e.hosts, a.Host)
	}
}

// merge folds o, which starts after e, into e.
func (e *episodeAcc) merge(o *episodeAcc) {
	if o.end.After(e.end) {
		e.end = o.end
	}
	e.alerts += o.alerts
	for _, h := range o.hosts {
		e.hosts = addHost(e.hosts, h)
	}
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

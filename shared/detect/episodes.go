package detect

import (
	"net/netip"
	"sort"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// maxHostnames bounds the names kept per episode and per victim.
const maxHostnames = 20

// groupKey identifies the alerts that may form episodes together.
type groupKey struct {
	attacker, victim string
	tactic           int
}

// episodeAcc accumulates one episode while alerts stream in.
type episodeAcc struct {
	start, end time.Time
	alerts     int
	sigs       map[string]*SignatureCount
	hosts      []string
}

// grouper builds episodes without holding the alerts: each group keeps its
// episodes sorted by start, and an alert joins, extends or bridges the
// episodes within Gap of it. The result is the same as cutting the
// time-sorted alerts wherever two neighbours are more than Gap apart, in
// whatever order the alerts arrive (the CPTC files run backwards in time).
type grouper struct {
	gap    time.Duration
	groups map[groupKey][]*episodeAcc
}

func newGrouper(gap time.Duration) *grouper {
	return &grouper{gap: gap, groups: map[groupKey][]*episodeAcc{}}
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
		ep = &episodeAcc{start: t, end: t, sigs: map[string]*SignatureCount{}}
		eps = append(eps, nil)
		copy(eps[j+1:], eps[j:])
		eps[j] = ep
	}
	ep.count(a, m)
	g.groups[k] = eps
}

func (e *episodeAcc) count(a *alerts.Alert, m mapping) {
	e.alerts++
	sc := e.sigs[a.Signature]
	if sc == nil {
		sc = &SignatureCount{Signature: a.Signature, SignatureID: a.SignatureID, Category: a.Category,
			MappedBy: m.via, SAGEStage: m.stage}
		e.sigs[a.Signature] = sc
	}
	sc.Count++
	for _, h := range a.Hostnames {
		e.hosts = addHost(e.hosts, h)
	}
}

// merge folds o, which starts after e, into e.
func (e *episodeAcc) merge(o *episodeAcc) {
	if o.end.After(e.end) {
		e.end = o.end
	}
	e.alerts += o.alerts
	for sig, sc := range o.sigs {
		if mine := e.sigs[sig]; mine != nil {
			mine.Count += sc.Count
		} else {
			e.sigs[sig] = sc
		}
	}
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
	for _, seen := range hosts {
		if seen == h {
			return hosts
		}
	}
	return append(hosts, h)
}

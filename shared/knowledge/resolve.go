package knowledge

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// obsMeta is an observation as the replay needs it.
type obsMeta struct {
	id       int64
	source   string
	at       int64
	ports    infra.PortSet
	networks []netip.Prefix
	vulnScan bool
}

// timeline is a list of observations in version order: by observation time, then by id.
type timeline []obsMeta

// upTo returns the versions up to and including the one with id, or nil when it is missing.
func (t timeline) upTo(id int64) (timeline, bool) {
	i := slices.IndexFunc(t, func(o obsMeta) bool { return o.id == id })
	if i < 0 {
		return nil, false
	}
	return t[:i+1], true
}

func (o obsMeta) inNetworks(key string) bool {
	if len(o.networks) == 0 {
		return false
	}
	ip, err := netip.ParseAddr(key)
	if err != nil {
		return false
	}
	for _, n := range o.networks {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// hostRows is everything stored about one host, by observation id.
type hostRows struct {
	seen     map[int64]seenHost
	services map[int64][]infra.Service
	vulns    map[int64][]infra.Vuln
}

type seenHost struct {
	state string
	host  infra.Host
}

func newHostRows() *hostRows {
	return &hostRows{seen: map[int64]seenHost{}, services: map[int64][]infra.Service{}, vulns: map[int64][]infra.Vuln{}}
}

// add puts the host as one observation reported it.
func (r *hostRows) add(obs int64, h infra.Host) {
	body := h
	body.Services, body.Vulns = nil, nil
	r.seen[obs] = seenHost{state: h.State, host: body}
	if len(h.Services) > 0 {
		r.services[obs] = h.Services
	}
	if len(h.Vulns) > 0 {
		r.vulns[obs] = h.Vulns
	}
}

// track follows one slot through the versions that covered it.
type track struct {
	present   bool
	intervals []Interval
	svc       infra.Service
	vuln      infra.Vuln
}

func (t *track) observe(o obsMeta, present bool) {
	switch {
	case present && !t.present:
		t.intervals = append(t.intervals, Interval{From: fromNanos(o.at), FromVersion: o.id})
	case !present && t.present:
		last := &t.intervals[len(t.intervals)-1]
		last.To, last.ToVersion = fromNanos(o.at), o.id
	}
	t.present = present
}

// replay rebuilds one host from its rows over the timeline. It reports false when no version in
// the timeline covered the host.
func replay(key string, rows *hostRows, tl timeline) (HostHistory, bool) {
	hh := HostHistory{Host: infra.Host{Key: key}}
	var up track
	services := map[infra.PortKey]*track{}
	vulns := map[string]*track{}
	for _, o := range tl {
		seen, reported := rows.seen[o.id]
		if !reported && !o.inNetworks(key) {
			continue
		}
		hh.Versions = append(hh.Versions, o.id)
		isUp := reported && seen.state == infra.StateUp
		up.observe(o, isUp)
		if !isUp {
			continue
		}
		mergeIdentity(&hh.Host, seen.host)
		replayServices(services, o, rows.services[o.id])
		if o.vulnScan {
			replayVulns(vulns, o, rows.vulns[o.id])
		}
	}
	if len(hh.Versions) == 0 {
		return hh, false
	}
	hh.Host.State = infra.StateDown
	if up.present {
		hh.Host.State = infra.StateUp
	}
	hh.Up = up.intervals
	collect(&hh, services, vulns)
	return hh, true
}

// mergeIdentity takes the newest addresses and names, and keeps an older OS guess when the newer
// scan did not detect the OS.
func mergeIdentity(dst *infra.Host, seen infra.Host) {
	dst.Addresses = seen.Addresses
	if len(seen.Names) > 0 {
		dst.Names = seen.Names
	}
	if seen.OS != nil {
		dst.OS = seen.OS
	}
}

func replayServices(slots map[infra.PortKey]*track, o obsMeta, seen []infra.Service) {
	present := make(map[infra.PortKey]infra.Service, len(seen))
	for _, s := range seen {
		present[s.Key()] = s
		if slots[s.Key()] == nil {
			slots[s.Key()] = &track{}
		}
	}
	for k, t := range slots {
		s, ok := present[k]
		if !ok && !o.ports.Contains(k) {
			continue // this scan did not probe the port
		}
		t.observe(o, ok)
		if ok {
			t.svc = s
		}
	}
}

func replayVulns(slots map[string]*track, o obsMeta, seen []infra.Vuln) {
	present := make(map[string]infra.Vuln, len(seen))
	for _, v := range seen {
		present[v.Key()] = v
		if slots[v.Key()] == nil {
			slots[v.Key()] = &track{vuln: v}
		}
	}
	for k, t := range slots {
		if t.vuln.Scanner != o.source {
			continue // one scanner says nothing about another's findings
		}
		v, ok := present[k]
		if !ok && t.vuln.Port != 0 && len(o.ports) > 0 && !o.ports.Contains(infra.PortKey{Protocol: t.vuln.Protocol, Port: t.vuln.Port}) {
			continue // a port scan says nothing of findings on ports it did not probe
		}
		t.observe(o, ok)
		if ok {
			t.vuln = v
		}
	}
}

func collect(hh *HostHistory, services map[infra.PortKey]*track, vulns map[string]*track) {
	for _, t := range services {
		hh.Services = append(hh.Services, ServiceHistory{Service: t.svc, Intervals: t.intervals})
		if t.present {
			hh.Host.Services = append(hh.Host.Services, t.svc)
		}
	}
	for _, t := range vulns {
		hh.Vulns = append(hh.Vulns, VulnHistory{Vuln: t.vuln, Intervals: t.intervals})
		if t.present {
			hh.Host.Vulns = append(hh.Host.Vulns, t.vuln)
		}
	}
	hh.Host.Sort()
	slices.SortFunc(hh.Services, func(a, b ServiceHistory) int {
		return cmp.Or(cmp.Compare(a.Service.Protocol, b.Service.Protocol), cmp.Compare(a.Service.Port, b.Service.Port))
	})
	slices.SortFunc(hh.Vulns, func(a, b VulnHistory) int { return cmp.Compare(a.Vuln.Key(), b.Vuln.Key()) })
}

// replayAll rebuilds every host of rows that the timeline covers, in key order.
func replayAll(rows map[string]*hostRows, tl timeline) []infra.Host {
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var hosts []infra.Host
	for _, k := range keys {
		if hh, ok := replay(k, rows[k], tl); ok {
			hosts = append(hosts, hh.Host)
		}
	}
	return hosts
}

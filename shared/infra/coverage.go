package infra

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PortRange is an inclusive range of ports of one protocol.
type PortRange struct {
	Protocol string `json:"protocol"`
	From     int    `json:"from"`
	To       int    `json:"to"`
}

// PortSet is a set of port ranges. Its text form is "tcp:1-1024,8080;udp:53", the form the store
// keeps.
type PortSet []PortRange

// Contains reports whether the set holds the port.
func (s PortSet) Contains(k PortKey) bool {
	for _, r := range s {
		if r.Protocol == k.Protocol && k.Port >= r.From && k.Port <= r.To {
			return true
		}
	}
	return false
}

// String returns the text form of the set.
func (s PortSet) String() string {
	var protos []string
	byProto := map[string][]string{}
	for _, r := range s {
		if _, ok := byProto[r.Protocol]; !ok {
			protos = append(protos, r.Protocol)
		}
		p := strconv.Itoa(r.From)
		if r.To != r.From {
			p += "-" + strconv.Itoa(r.To)
		}
		byProto[r.Protocol] = append(byProto[r.Protocol], p)
	}
	parts := make([]string, 0, len(protos))
	for _, p := range protos {
		parts = append(parts, p+":"+strings.Join(byProto[p], ","))
	}
	return strings.Join(parts, ";")
}

// ParsePortSet reads the text form written by [PortSet.String].
func ParsePortSet(text string) (PortSet, error) {
	var set PortSet
	if text == "" {
		return nil, nil
	}
	for part := range strings.SplitSeq(text, ";") {
		proto, list, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("parse port set: %q has no protocol", part)
		}
		ranges, err := ParsePortList(proto, list)
		if err != nil {
			return nil, fmt.Errorf("parse port set: %w", err)
		}
		set = append(set, ranges...)
	}
	return set, nil
}

// ParsePortList reads an nmap port list such as "1,3-4,6-7" for one protocol.
func ParsePortList(proto, list string) (PortSet, error) {
	var set PortSet
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(item, "-")
		from, err1 := strconv.Atoi(lo)
		to := from
		var err2 error
		if isRange {
			to, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || from < 0 || to > 65535 || from > to {
			return nil, fmt.Errorf("bad port range %q", item)
		}
		set = append(set, PortRange{Protocol: proto, From: from, To: to})
	}
	return set, nil
}

// Observation is what one scan saw, with what it looked at. The knowledge store turns each
// observation into a new version of the part of the model it covers.
type Observation struct {
	Source     string    // nmap, nessus or openvas
	ObservedAt time.Time // when the scan ran (its start), not when it was ingested
	Digest     string    // hash of the report; the same report ingested twice is one version
	Label      string    // free text for people: the scanner's command line or task name

	// Hosts are the hosts the scan reported, up or down.
	Hosts []Host
	// Ports were probed on every host reported up. Nessus and OpenVAS leave it empty: they cover
	// only the ports they report (PortsSeen).
	Ports PortSet
	// Networks are the targets of the scan: a known host inside them that the scan does not report
	// was looked for and not found, so it is down.
	Networks []netip.Prefix
	// VulnScan says the scan reports every finding it has on each host it reports up, so a finding
	// of the same scanner that it no longer reports is fixed.
	VulnScan bool
}

// PortsSeen returns the ports the observation covers on one reported host: the ports probed on all
// hosts plus those the host's own services sit on.
func (o Observation) PortsSeen(h Host) PortSet {
	set := slices.Clone(o.Ports)
	for _, s := range h.Services {
		if !set.Contains(s.Key()) {
			set = append(set, PortRange{Protocol: s.Protocol, From: s.Port, To: s.Port})
		}
	}
	return set
}

// InNetworks reports whether the observation looked for the host as part of its targets.
func (o Observation) InNetworks(h Host) bool {
	ip, ok := h.IP()
	if !ok {
		return false
	}
	for _, n := range o.Networks {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

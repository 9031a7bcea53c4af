package inframodel

import (
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// CriticalCVSS is the CVSS v3 base score from which a new finding is malicious rather than
// suspicious: the lower bound of the "critical" rating.
const CriticalCVSS = 9.0

// NewVulnTrigger is the UC3 block: new findings, on known hosts and on new ones alike, since a
// finding on a host the SOC did not know is as new to it as one on a host it did.
type NewVulnTrigger struct {
	Triggered bool     `json:"triggered"`
	Hosts     []string `json:"hosts"`
	CVEs      []string `json:"cves"`
	MaxCVSS   float64  `json:"max_cvss"` // of the new findings, by Score
	Critical  bool     `json:"critical"` // MaxCVSS >= CriticalCVSS
}

// ConfigTrigger is the UC4 block: services that opened, closed or changed product, version or
// banner on hosts that were already known. Services are written "host port/protocol".
type ConfigTrigger struct {
	Triggered       bool     `json:"triggered"`
	Hosts           []string `json:"hosts"`
	NewServices     []string `json:"new_services"`
	ChangedServices []string `json:"changed_services"`
	ClosedServices  []string `json:"closed_services"`
}

// NewSystemTrigger is the UC5 block: hosts that are up and were not before.
type NewSystemTrigger struct {
	Triggered bool     `json:"triggered"`
	Hosts     []string `json:"hosts"`
}

// Score is the CVSS v3 base score of a finding, or, when the scanner gave none, the lower bound
// of the rating its severity word names, so that a "critical" finding without a vector still
// ranks as critical.
func Score(v infra.Vuln) float64 {
	if v.CVSS3Score > 0 {
		return v.CVSS3Score
	}
	switch strings.ToLower(v.Severity) {
	case "critical":
		return 9.0
	case "high":
		return 7.0
	case "medium":
		return 4.0
	case "low":
		return 0.1
	}
	return 0
}

func newVulnTrigger(c infra.Change) NewVulnTrigger {
	var hosts, cves []string
	t := NewVulnTrigger{}
	found := NewFindings(c)
	for _, hv := range found {
		hosts = append(hosts, hv.Host)
		cves = append(cves, hv.Vuln.CVEs...)
		t.MaxCVSS = max(t.MaxCVSS, Score(hv.Vuln))
	}
	t.Hosts, t.CVEs = sortedSet(hosts), sortedSet(cves)
	t.Triggered = len(found) > 0
	t.Critical = t.MaxCVSS >= CriticalCVSS
	return t
}

func configTrigger(c infra.Change) ConfigTrigger {
	var hosts, opened, changed, closed []string
	for _, hs := range c.NewServices {
		hosts, opened = append(hosts, hs.Host), append(opened, hs.Host+" "+hs.Service.Key().String())
	}
	for _, sc := range c.ChangedServices {
		hosts, changed = append(hosts, sc.Host), append(changed, sc.Host+" "+sc.After.Key().String())
	}
	for _, hs := range c.ClosedServices {
		hosts, closed = append(hosts, hs.Host), append(closed, hs.Host+" "+hs.Service.Key().String())
	}
	return ConfigTrigger{
		Triggered: len(hosts) > 0, Hosts: sortedSet(hosts),
		NewServices: sortedSet(opened), ChangedServices: sortedSet(changed), ClosedServices: sortedSet(closed),
	}
}

func newSystemTrigger(c infra.Change) NewSystemTrigger {
	var hosts []string
	for _, h := range c.NewHosts {
		hosts = append(hosts, h.Key)
	}
	return NewSystemTrigger{Triggered: len(hosts) > 0, Hosts: sortedSet(hosts)}
}

// NewFindings returns the change's new findings followed by those of its new hosts, which
// infra.Diff does not repeat as new findings.
func NewFindings(c infra.Change) []infra.HostVuln {
	out := append([]infra.HostVuln{}, c.NewVulns...)
	for _, h := range c.NewHosts {
		for _, v := range h.Vulns {
			out = append(out, infra.HostVuln{Host: h.Key, Vuln: v})
		}
	}
	return out
}

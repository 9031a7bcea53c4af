package infra

import (
	"cmp"
	"slices"
)

// HostService is a service with the host it runs on.
type HostService struct {
	Host    string  `json:"host"`
	Service Service `json:"service"`
}

// ServiceChange is a service whose product, version, name, CPE or banner changed on its port.
type ServiceChange struct {
	Host   string  `json:"host"`
	Before Service `json:"before"`
	After  Service `json:"after"`
}

// HostVuln is a finding with the host it was found on.
type HostVuln struct {
	Host string `json:"host"`
	Vuln Vuln   `json:"vuln"`
}

// Change is the difference between two states of the model: what triggers UC5 (new hosts), UC4
// (services) and UC3 (vulnerabilities).
type Change struct {
	NewHosts        []Host          `json:"new_hosts"`
	RemovedHosts    []Host          `json:"removed_hosts"`
	NewServices     []HostService   `json:"new_services"`
	ClosedServices  []HostService   `json:"closed_services"`
	ChangedServices []ServiceChange `json:"changed_services"`
	NewVulns        []HostVuln      `json:"new_vulns"`
	FixedVulns      []HostVuln      `json:"fixed_vulns"`
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool {
	return len(c.NewHosts)+len(c.RemovedHosts)+len(c.NewServices)+len(c.ClosedServices)+
		len(c.ChangedServices)+len(c.NewVulns)+len(c.FixedVulns) == 0
}

// Diff compares two states. Only hosts that are up count: a host that went down is removed, one
// that came up is new. Services and vulnerabilities of new and removed hosts are not repeated as
// new or closed ones.
func Diff(before, after []Host) Change {
	var c Change
	old := upByKey(before)
	cur := upByKey(after)
	for _, key := range sortedKeys(cur) {
		h := cur[key]
		prev, ok := old[key]
		if !ok {
			c.NewHosts = append(c.NewHosts, h)
			continue
		}
		diffServices(&c, key, prev.Services, h.Services)
		diffVulns(&c, key, prev.Vulns, h.Vulns)
	}
	for _, key := range sortedKeys(old) {
		if _, ok := cur[key]; !ok {
			c.RemovedHosts = append(c.RemovedHosts, old[key])
		}
	}
	return c
}

func diffServices(c *Change, host string, before, after []Service) {
	old := map[PortKey]Service{}
	for _, s := range before {
		old[s.Key()] = s
	}
	seen := map[PortKey]bool{}
	for _, s := range after {
		seen[s.Key()] = true
		prev, ok := old[s.Key()]
		switch {
		case !ok:
			c.NewServices = append(c.NewServices, HostService{Host: host, Service: s})
		case !prev.sameAs(s):
			c.ChangedServices = append(c.ChangedServices, ServiceChange{Host: host, Before: prev, After: s})
		}
	}
	for _, s := range before {
		if !seen[s.Key()] {
			c.ClosedServices = append(c.ClosedServices, HostService{Host: host, Service: s})
		}
	}
}

func diffVulns(c *Change, host string, before, after []Vuln) {
	old := map[string]bool{}
	for _, v := range before {
		old[v.Key()] = true
	}
	seen := map[string]bool{}
	for _, v := range after {
		seen[v.Key()] = true
		if !old[v.Key()] {
			c.NewVulns = append(c.NewVulns, HostVuln{Host: host, Vuln: v})
		}
	}
	for _, v := range before {
		if !seen[v.Key()] {
			c.FixedVulns = append(c.FixedVulns, HostVuln{Host: host, Vuln: v})
		}
	}
}

func upByKey(hosts []Host) map[string]Host {
	m := make(map[string]Host, len(hosts))
	for _, h := range hosts {
		if h.State == StateUp {
			m[h.Key] = h
		}
	}
	return m
}

func sortedKeys(m map[string]Host) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}

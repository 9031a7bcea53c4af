package infra

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Host states as nmap reports them. A host that a scan looked for and did not find is StateDown.
const (
	StateUp   = "up"
	StateDown = "down"
)

// Roles an operator may give a host. Other values are allowed; these are the ones the attack graph
// and impact analysis know.
const (
	RoleWebServer        = "web_server"
	RoleDatabaseServer   = "database_server"
	RoleDomainController = "domain_controller"
	RoleClient           = "client"
)

// Address is one address of a host: an IP address or a hardware (MAC) address.
type Address struct {
	Addr   string `json:"addr"`
	Type   string `json:"type"` // ipv4, ipv6 or mac
	Vendor string `json:"vendor,omitempty"`
}

// OS is the operating system a scanner guessed, with its CPE names.
type OS struct {
	Name     string   `json:"name"`
	Accuracy int      `json:"accuracy,omitempty"`
	CPE      []string `json:"cpe,omitempty"`
}

// Script is the output of one scanner script (an nmap NSE script) against a host or service.
type Script struct {
	ID     string `json:"id"`
	Output string `json:"output"`
}

// PortKey names a port slot on a host.
type PortKey struct {
	Protocol string `json:"protocol"`
	Port     int    `json:"port"`
}

// String returns the key as nmap writes it, "22/tcp".
func (k PortKey) String() string { return fmt.Sprintf("%d/%s", k.Port, k.Protocol) }

// Service is a port found open on a host, with what runs there.
type Service struct {
	Protocol  string   `json:"protocol"`
	Port      int      `json:"port"`
	State     string   `json:"state"`
	Name      string   `json:"name,omitempty"`
	Product   string   `json:"product,omitempty"`
	Version   string   `json:"version,omitempty"`
	ExtraInfo string   `json:"extra_info,omitempty"`
	CPE       []string `json:"cpe,omitempty"`
	Banner    string   `json:"banner,omitempty"`
	Scripts   []Script `json:"scripts,omitempty"`
}

// Key returns the port slot the service occupies.
func (s Service) Key() PortKey { return PortKey{Protocol: s.Protocol, Port: s.Port} }

// sameAs reports whether two services on one slot describe the same software. Script output is
// left out on purpose: it often holds timestamps and would make every rescan a change.
func (s Service) sameAs(o Service) bool {
	return s.Name == o.Name && s.Product == o.Product && s.Version == o.Version &&
		s.ExtraInfo == o.ExtraInfo && s.Banner == o.Banner && slices.Equal(s.CPE, o.CPE)
}

// Vuln is one finding of a vulnerability scanner (or of an nmap script that reports CVEs).
type Vuln struct {
	Scanner     string   `json:"scanner"` // nmap, nessus or openvas
	Plugin      string   `json:"plugin"`  // plugin id, NVT OID or script id and CVE
	Name        string   `json:"name,omitempty"`
	CVEs        []string `json:"cves,omitempty"`
	CVSS3Vector string   `json:"cvss3_vector,omitempty"`
	CVSS3Score  float64  `json:"cvss3_score,omitempty"`
	Severity    string   `json:"severity,omitempty"`
	Protocol    string   `json:"protocol,omitempty"`
	Port        int      `json:"port,omitempty"`
	Evidence    string   `json:"evidence,omitempty"`
}

// Key identifies the finding on its host across scans: the same plugin on the same port.
func (v Vuln) Key() string {
	return fmt.Sprintf("%s/%s/%d/%s", v.Scanner, v.Plugin, v.Port, v.Protocol)
}

// Criticality rates how much the organisation cares about a host, 1 (low) to 5 (high) per aspect;
// 0 means not set.
type Criticality struct {
	Confidentiality int `json:"confidentiality,omitempty"`
	Integrity       int `json:"integrity,omitempty"`
	Availability    int `json:"availability,omitempty"`
}

// Properties are what an operator says about a host; no scanner sets them.
type Properties struct {
	Criticality
	Owner string `json:"owner,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Host is one machine in the model.
type Host struct {
	Key        string     `json:"key"`
	State      string     `json:"state"`
	Addresses  []Address  `json:"addresses,omitempty"`
	Names      []string   `json:"names,omitempty"`
	OS         *OS        `json:"os,omitempty"`
	Services   []Service  `json:"services,omitempty"`
	Vulns      []Vuln     `json:"vulns,omitempty"`
	Zone       string     `json:"zone,omitempty"`
	Properties Properties `json:"properties"`
}

// HostKey picks the identity of a host from its addresses and names: the first IPv4 address, else
// the first IPv6 address, else the MAC address, else the first name, lower-cased.
func HostKey(addrs []Address, names []string) string {
	for _, typ := range []string{"ipv4", "ipv6", "mac"} {
		for _, a := range addrs {
			if a.Type == typ && a.Addr != "" {
				return strings.ToLower(a.Addr)
			}
		}
	}
	if len(names) > 0 {
		return strings.ToLower(names[0])
	}
	return ""
}

// Idents returns every string a reader may use to find the host: its key, addresses and names,
// lower-cased and without duplicates.
func (h Host) Idents() []string {
	out := []string{strings.ToLower(h.Key)}
	for _, a := range h.Addresses {
		out = append(out, strings.ToLower(a.Addr))
	}
	for _, n := range h.Names {
		out = append(out, strings.ToLower(n))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// IP returns the host's key as an address when the key is one.
func (h Host) IP() (netip.Addr, bool) {
	a, err := netip.ParseAddr(h.Key)
	return a, err == nil
}

// Sort puts services and vulnerabilities of the host in a fixed order, so that equal models
// compare and print equal.
func (h *Host) Sort() {
	slices.SortFunc(h.Services, func(a, b Service) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
	})
	slices.SortFunc(h.Vulns, func(a, b Vuln) int { return cmp.Compare(a.Key(), b.Key()) })
}

// Model is the infrastructure as of one time: the hosts that are up with what the latest scans
// covering them saw, and the operator's configuration in force then.
type Model struct {
	At      time.Time `json:"at"`
	Version int64     `json:"version"` // the latest version at or before At; 0 when none
	Hosts   []Host    `json:"hosts"`
	Config  Config    `json:"config"`
}

// Host returns the host whose key, address or name is ident.
func (m Model) Host(ident string) (Host, bool) {
	ident = strings.ToLower(ident)
	for _, h := range m.Hosts {
		if slices.Contains(h.Idents(), ident) {
			return h, true
		}
	}
	return Host{}, false
}

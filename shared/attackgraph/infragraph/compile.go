package infragraph

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/mal"
	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// Compiled is the attack graph of an infrastructure model, with the names that tie its
// steps back to hosts and zones.
type Compiled struct {
	Graph *attackgraph.Graph
	Model mal.Model
	// Report lists what the coreLang instantiation could not map (empty for a model built here).
	Report *mal.Report
	// Assumed lists the findings compiled with assumed exploitability (no CVSS v3 vector).
	Assumed []string
	hosts   map[string]infra.Host
}

// Object names, by kind of infrastructure element.
func hostObject(key string) string  { return "host:" + key }
func zoneObject(zone string) string { return "zone:" + zone }
func dataObject(key string) string  { return "data:" + key }
func serviceObject(key string, s infra.Service) string {
	return "service:" + key + "|" + s.Key().String()
}

// Compile builds the coreLang model of m and its attack graph. See the package doc for the
// mapping.
func Compile(m infra.Model) (*Compiled, error) {
	lang, err := mal.CoreLang()
	if err != nil {
		return nil, err
	}
	c := &Compiled{hosts: map[string]infra.Host{}}
	b := &modelBuilder{m: &c.Model, seen: map[string]bool{}}
	for _, z := range zoneNames(m) {
		b.object(mal.Object{Name: zoneObject(z), Type: "Network"})
	}
	for _, h := range m.Hosts {
		if h.State == infra.StateDown {
			continue
		}
		c.hosts[h.Key] = h
		c.Assumed = append(c.Assumed, b.host(h)...)
	}
	b.rules(m)
	g, rep, err := mal.Instantiate(lang, c.Model)
	if err != nil {
		return nil, fmt.Errorf("compile infrastructure model: %w", err)
	}
	c.Graph, c.Report = g, rep
	return c, nil
}

// zoneNames lists the configured zones and "" (hosts outside every zone), sorted.
func zoneNames(m infra.Model) []string {
	set := map[string]bool{"": true}
	for _, z := range m.Config.Zones {
		set[z.Name] = true
	}
	for _, h := range m.Hosts {
		set[h.Zone] = true
	}
	out := make([]string, 0, len(set))
	for z := range set {
		out = append(out, z)
	}
	sort.Strings(out)
	return out
}

type modelBuilder struct {
	m    *mal.Model
	seen map[string]bool
}

func (b *modelBuilder) object(o mal.Object) {
	if !b.seen[o.Name] {
		b.seen[o.Name] = true
		b.m.Objects = append(b.m.Objects, o)
	}
}

func (b *modelBuilder) link(from, fromField, to, toField string) {
	b.m.Links = append(b.m.Links, mal.Link{From: from, FromField: fromField, To: to, ToField: toField})
}

// host adds the host (an Application: its operating system), its services (Applications the
// host executes), its data and its vulnerabilities. Everything is exposed inside its zone.
func (b *modelBuilder) host(h infra.Host) (assumed []string) {
	ho, zone := hostObject(h.Key), zoneObject(h.Zone)
	b.object(mal.Object{Name: ho, Type: "Application"})
	b.link(ho, "networks", zone, "applications")
	data := ""
	if p := h.Properties; p.Confidentiality > 0 || p.Integrity > 0 || p.Availability > 0 {
		data = dataObject(h.Key)
		b.object(mal.Object{Name: data, Type: "Data"})
		b.link(ho, "containedData", data, "containingApp")
	}
	onPort := map[infra.PortKey]string{}
	for _, s := range h.Services {
		if s.State != "" && s.State != "open" {
			continue
		}
		so := serviceObject(h.Key, s)
		b.object(mal.Object{Name: so, Type: "Application"})
		b.link(so, "hostApp", ho, "appExecutedApps")
		b.link(so, "networks", zone, "applications")
		if data != "" {
			// The host's data is what its services serve: a service's compromise reads it.
			b.link(so, "containedData", data, "containingApp")
		}
		onPort[s.Key()] = so
	}
	for i, v := range h.Vulns {
		app := ho
		if so, ok := onPort[infra.PortKey{Protocol: v.Protocol, Port: v.Port}]; ok && v.Port != 0 {
			app = so
		}
		name := "vuln:" + h.Key + "|" + v.Key() + "#" + strconv.Itoa(i)
		o, ok := vulnerability(name, v.CVSS3Vector)
		if !ok {
			assumed = append(assumed, h.Key+" "+v.Key())
		}
		b.object(o)
		b.link(name, "application", app, "vulnerabilities")
	}
	return assumed
}

// rules adds one ConnectionRule per (source zone, destination zone, port) that the policy
// allows and a service listens on: a firewall rule, whose restricted defence filters it.
func (b *modelBuilder) rules(m infra.Model) {
	type key struct {
		from, to string
		port     infra.PortKey
	}
	targets := map[key][]string{}
	var keys []key
	zones := zoneNames(m)
	for _, h := range m.Hosts {
		if h.State == infra.StateDown {
			continue
		}
		for _, s := range h.Services {
			if s.State != "" && s.State != "open" {
				continue
			}
			for _, from := range zones {
				if from == h.Zone || !m.Config.Policy.Allows(from, h.Zone, s.Key()) {
					continue
				}
				k := key{from, h.Zone, s.Key()}
				if targets[k] == nil {
					keys = append(keys, k)
				}
				targets[k] = append(targets[k], serviceObject(h.Key, s))
			}
		}
	}
	for _, k := range keys {
		name := RuleObject(k.from, k.to, k.port)
		b.object(mal.Object{Name: name, Type: "ConnectionRule"})
		b.link(zoneObject(k.from), "outgoingNetConnections", name, "outNetworks")
		for _, app := range targets[k] {
			b.link(name, "inApplications", app, "ingoingAppConnections")
		}
	}
}

// RuleObject names the ConnectionRule for traffic from one zone to a port in another.
func RuleObject(from, to string, port infra.PortKey) string {
	return "rule:" + from + "->" + to + ":" + port.String()
}

// cvss holds the parts of a CVSS v3 vector the compiler uses.
type cvss map[string]string

func parseCVSS(vector string) (cvss, bool) {
	parts := strings.Split(vector, "/")
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "CVSS:3") {
		return nil, false
	}
	out := cvss{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, ":")
		if !ok {
			return nil, false
		}
		out[k] = v
	}
	for _, k := range []string{"AV", "AC", "PR", "UI"} {
		if _, ok := out[k]; !ok {
			return nil, false
		}
	}
	return out, true
}

// Exploitability weights of CVSS v3.1 (specification section 7.4).
var (
	weightAV = map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
	weightAC = map[string]float64{"L": 0.77, "H": 0.44}
	weightPR = map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}
	weightUI = map[string]float64{"N": 0.85, "R": 0.62}
)

// maxExploitability is 8.22 × 0.85 × 0.77 × 0.85 × 0.85, the easiest exploit.
const maxExploitability = 8.22 * 0.85 * 0.77 * 0.85 * 0.85

// ExploitTTC is the time to exploit a vulnerability with the given CVSS v3 vector: an
// exponential whose mean in days is the easiest exploitability divided by this one's, so
// AV:N/AC:L/PR:N/UI:N takes 1 day on average (MAL's EasyAndCertain) and AV:P/AC:H/PR:H/UI:R
// about 32 days. ok is false for a vector without the exploitability metrics.
func ExploitTTC(vector string) (attackgraph.TTC, bool) {
	v, ok := parseCVSS(vector)
	if !ok {
		return attackgraph.Exponential(1), false
	}
	e := 8.22 * weightAV[v["AV"]] * weightAC[v["AC"]] * weightPR[v["PR"]] * weightUI[v["UI"]]
	if e <= 0 {
		return attackgraph.Exponential(1), false
	}
	return attackgraph.Exponential(e / maxExploitability), true
}

// vulnerability maps a finding onto coreLang's SoftwareVulnerability: the CVSS metrics switch
// on the matching requirement defences, and the exploitability sets the exploit's TTC. A
// finding without a vector is taken at its worst: network, no privileges, no interaction.
func vulnerability(name, vector string) (mal.Object, bool) {
	v, ok := parseCVSS(vector)
	if !ok {
		v = cvss{"AV": "N", "AC": "L", "PR": "N", "UI": "N"}
	}
	on := map[string]float64{}
	set := func(defence string, cond bool) {
		if cond {
			on[defence] = 1
		}
	}
	set("networkAccessRequired", v["AV"] == "N" || v["AV"] == "A")
	set("localAccessRequired", v["AV"] == "L")
	set("physicalAccessRequired", v["AV"] == "P")
	set("lowPrivilegesRequired", v["PR"] == "L")
	set("highPrivilegesRequired", v["PR"] == "H")
	set("userInteractionRequired", v["UI"] == "R")
	set("highComplexityExploitRequired", v["AC"] == "H")
	set("confidentialityImpactLimitations", v["C"] == "N")
	set("integrityImpactLimitations", v["I"] == "N")
	set("availabilityImpactLimitations", v["A"] == "N")
	ttc, _ := ExploitTTC("CVSS:3.1/AV:" + v["AV"] + "/AC:" + v["AC"] + "/PR:" + v["PR"] + "/UI:" + v["UI"])
	return mal.Object{Name: name, Type: "SoftwareVulnerability", Defences: on,
		TTC: map[string]attackgraph.TTC{"exploitTrivially": ttc}}, ok
}

// ServiceSteps returns a step of every service Application of a host.
func (c *Compiled) ServiceSteps(key, step string) []attackgraph.StepID {
	var out []attackgraph.StepID
	for _, s := range c.hosts[key].Services {
		if id, ok := c.Graph.Lookup(serviceObject(key, s), step); ok {
			out = append(out, id)
		}
	}
	return out
}

// HostStep returns a step of a host's Application (its operating system).
func (c *Compiled) HostStep(key, step string) (attackgraph.StepID, bool) {
	return c.Graph.Lookup(hostObject(key), step)
}

// ZoneStep returns a step of a zone's Network.
func (c *Compiled) ZoneStep(zone, step string) (attackgraph.StepID, bool) {
	return c.Graph.Lookup(zoneObject(zone), step)
}

// DataStep returns a step of a host's Data, present when the host has a criticality.
func (c *Compiled) DataStep(key, step string) (attackgraph.StepID, bool) {
	return c.Graph.Lookup(dataObject(key), step)
}

// HostOf returns the host key behind an object name, or "" for zones and rules.
func HostOf(object string) string {
	kind, rest, _ := strings.Cut(object, ":")
	switch kind {
	case "host", "data":
		return rest
	case "service", "vuln":
		key, _, _ := strings.Cut(rest, "|")
		return key
	}
	return ""
}

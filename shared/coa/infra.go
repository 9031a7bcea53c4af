package coa

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// FromInfra compiles the infrastructure model once for the question cfg asks (entry zones
// or compromised host, critical assets) and returns it as a Problem whose changes speak of
// firewall rules, patches and hosts. impact, when not empty, is the business loss per host
// (key, address or name) whose targets are reached; it makes the metric risk.
func FromInfra(m infra.Model, cfg infragraph.Config, impact map[string]float64) (Problem, error) {
	sc, err := infragraph.NewScenario(m, cfg)
	if err != nil {
		return Problem{}, err
	}
	p := Problem{Graph: sc.Compiled.Graph, Sim: sc.Config, Describe: infraDescriber(m)}
	if len(impact) == 0 {
		return p, nil
	}
	byKey := map[string]float64{}
	for name, v := range impact {
		h, ok := findHost(m, name)
		if !ok {
			return Problem{}, fmt.Errorf("impact for %s: %w", name, infragraph.ErrUnknownAsset)
		}
		byKey[h.Key] = v
	}
	p.Impact = map[attackgraph.StepID]float64{}
	for _, t := range p.Sim.Targets {
		if v, ok := byKey[infragraph.HostOf(p.Graph.Step(t).Asset)]; ok {
			p.Impact[t] = v
		}
	}
	return p, nil
}

func findHost(m infra.Model, name string) (*infra.Host, bool) {
	for i := range m.Hosts {
		h := &m.Hosts[i]
		if h.Key == name {
			return h, true
		}
		for _, a := range h.Addresses {
			if a.Addr == name {
				return h, true
			}
		}
		for _, n := range h.Names {
			if strings.EqualFold(n, name) {
				return h, true
			}
		}
	}
	return nil, false
}

// infraDescriber names the change behind a defence of a compiled infrastructure model.
func infraDescriber(m infra.Model) func(Candidate) Change {
	zones := map[string][]netip.Prefix{}
	for _, z := range m.Config.Zones {
		zones[z.Name] = z.Subnets
	}
	return func(c Candidate) Change {
		obj := strings.TrimSuffix(c.Ref, "."+c.Kind[strings.LastIndexByte(c.Kind, '.')+1:])
		switch {
		case c.Kind == "ConnectionRule.restricted" && strings.HasPrefix(obj, "rule:"):
			return ruleChange(strings.TrimPrefix(obj, "rule:"), zones)
		case c.Kind == "SoftwareVulnerability.notPresent" && strings.HasPrefix(obj, "vuln:"):
			return vulnChange(m, strings.TrimPrefix(obj, "vuln:"))
		case c.Kind == "Application.notPresent":
			return Change{Text: fmt.Sprintf("Decommission or switch off %s on host %s.", obj, infragraph.HostOf(obj))}
		}
		return Change{}
	}
}

// ruleChange restricts "from->to:port/proto": every subnet pair as a deny when the
// destination zone has subnets (an empty source, as for the internet, matches any).
func ruleChange(rule string, zones map[string][]netip.Prefix) Change {
	from, rest, _ := strings.Cut(rule, "->")
	cut := strings.LastIndexByte(rest, ':')
	if cut < 0 {
		return Change{}
	}
	to, port := rest[:cut], rest[cut+1:]
	num, proto, _ := strings.Cut(port, "/")
	ch := Change{Text: fmt.Sprintf("Restrict the firewall between zones: deny %s from %s to %s, or allow it only from named hosts.", port, from, to)}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 || (proto != "tcp" && proto != "udp") {
		return ch
	}
	srcs := zones[from]
	if len(srcs) == 0 {
		srcs = []netip.Prefix{{}}
	}
	for _, dst := range zones[to] {
		for _, src := range srcs {
			if src.IsValid() && src.Addr().Is4() != dst.Addr().Is4() {
				continue
			}
			ch.Flows = append(ch.Flows, openc2.Flow{Protocol: openc2.Protocol(proto), Src: src, Dst: dst, DstPort: uint16(n)})
		}
	}
	return ch
}

// vulnChange patches "host|key#i", the i-th finding of the host.
func vulnChange(m infra.Model, obj string) Change {
	host, rest, _ := strings.Cut(obj, "|")
	cut := strings.LastIndexByte(rest, '#')
	h, ok := findHost(m, host)
	if !ok || cut < 0 {
		return Change{}
	}
	i, err := strconv.Atoi(rest[cut+1:])
	if err != nil || i < 0 || i >= len(h.Vulns) {
		return Change{}
	}
	v := h.Vulns[i]
	what := v.Name
	if cves := strings.Join(v.CVEs, ", "); cves != "" && !strings.Contains(what, cves) {
		what = cves + " " + what
	}
	where := "on host " + h.Key
	if v.Port > 0 {
		where += fmt.Sprintf(", port %d/%s", v.Port, v.Protocol)
	}
	return Change{Text: fmt.Sprintf("Patch %s (%s %s) %s; verify with a rescan.",
		strings.TrimSpace(what), v.Scanner, v.Plugin, where)}
}

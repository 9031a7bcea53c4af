package response

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// planner holds one planning run.
type planner struct {
	cfg  Config
	in   Incident
	host netip.Addr
	// late is true from lateral-movement on.
	late bool
}

// coas returns the CoAs in the order they should run.
func (p planner) coas() []CoA {
	var out []CoA
	contain := p.containHost()
	if p.late {
		out = append(out, contain)
	}
	if len(p.in.Attackers) > 0 {
		out = append(out, p.denyAttackers())
	}
	if len(p.in.C2Names) > 0 || p.in.Stage == "command-and-control" {
		out = append(out, p.blockNames())
	}
	if !p.late {
		out = append(out, contain)
	}
	return out
}

func (p planner) containHost() CoA {
	c := CoA{Kind: KindContainHost, Title: "Network-isolate " + p.host.String() + " through the EDR",
		Targets: []string{}, Commands: []openc2.Command{}, RequestIDs: []string{}, Refused: []Refusal{}}
	if p.late {
		c.Rationale = fmt.Sprintf("The attack on %s has reached %s, at or after lateral movement: isolate the host first "+
			"so it cannot serve as a stepping stone.", p.host, p.in.Stage)
	} else {
		c.Rationale = fmt.Sprintf("The attack on %s is at %s, before lateral movement: the host is isolated after the "+
			"attacker is cut off, so a spreading intrusion is not assumed; run it at once if activity continues.", p.host, p.in.Stage)
	}
	if len(p.cfg.Permitted)+len(p.cfg.PermittedNames) > 0 {
		c.Rationale += " The configured permitted addresses stay reachable from the isolated host."
	}
	target := netip.PrefixFrom(p.host, p.host.BitLen())
	if err := openc2.CheckTargetNamed(target, p.cfg.Protected); err != nil {
		c.Refused = append(c.Refused, p.refuse(c.Kind, p.host.String(), err))
		return c
	}
	dev := openc2.Device{Hostname: p.in.Hostname, DeviceID: p.in.DeviceID}
	if dev.Hostname == "" && dev.DeviceID == "" {
		dev.DeviceID = p.host.String()
	}
	cmd, err := openc2.ContainDevice(dev, openc2.ContainOptions{
		Options:   openc2.Options{Response: openc2.ResponseComplete},
		Permitted: p.cfg.Permitted, PermittedNames: p.cfg.PermittedNames,
	})
	if err != nil {
		c.Refused = append(c.Refused, p.refuse(c.Kind, p.host.String(), err))
		return c
	}
	p.add(&c, p.host.String(), cmd)
	return c
}

func (p planner) denyAttackers() CoA {
	c := CoA{Kind: KindDenyAttacker, Title: "Deny traffic to and from the attacker addresses at the packet filter",
		Targets: []string{}, Commands: []openc2.Command{}, RequestIDs: []string{}, Refused: []Refusal{}}
	c.Rationale = fmt.Sprintf("Attackers are denied at every stage: cutting their traffic at the perimeter packet "+
		"filter stops access to %s without touching the host. The rules last %s.", p.host, p.cfg.DenyDuration)
	seen := map[netip.Prefix]bool{}
	for _, raw := range p.in.Attackers {
		pfx, err := parseAttacker(raw)
		if err == nil {
			err = openc2.CheckTargetNamed(pfx, p.cfg.Protected)
		}
		if err != nil {
			c.Refused = append(c.Refused, p.refuse(c.Kind, raw, err))
			continue
		}
		if seen[pfx] {
			continue
		}
		seen[pfx] = true
		cmd, err := openc2.DenyNet(pfx, openc2.SLPFOptions{
			Options:   openc2.Options{Start: p.cfg.Now(), Duration: p.cfg.DenyDuration, Response: openc2.ResponseComplete},
			Direction: openc2.DirectionBoth, DropProcess: openc2.DropNone,
		})
		if err != nil {
			c.Refused = append(c.Refused, p.refuse(c.Kind, raw, err))
			continue
		}
		p.add(&c, pfx.String(), cmd)
	}
	return c
}

func (p planner) blockNames() CoA {
	c := CoA{Kind: KindBlockC2Name, Title: "Block resolution of the C2 names at the DNS layer",
		Targets: []string{}, Commands: []openc2.Command{}, RequestIDs: []string{}, Refused: []Refusal{}}
	switch {
	case len(p.in.C2Names) == 0:
		c.Rationale = "The host is in the command-and-control stage but no C2 names were given: find them " +
			"(in the host's DNS or proxy logs) and plan again with them."
	default:
		c.Rationale = fmt.Sprintf("%d C2 name(s) were seen: denying their resolution cuts implants off from their "+
			"controllers, also when the addresses behind the names change. A packet filter cannot enforce names, "+
			"so the commands are for a DNS-layer actuator.", len(p.in.C2Names))
	}
	seen := map[string]bool{}
	for _, raw := range p.in.C2Names {
		name, err := openc2.CanonicalName(raw)
		if err == nil {
			err = p.checkName(name)
		}
		if err != nil {
			c.Refused = append(c.Refused, p.refuse(c.Kind, raw, err))
			continue
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		cmd, err := openc2.DenyDomain(name, openc2.Options{Start: p.cfg.Now(), Duration: p.cfg.DenyDuration,
			Response: openc2.ResponseComplete})
		if err != nil {
			c.Refused = append(c.Refused, p.refuse(c.Kind, raw, err))
			continue
		}
		p.add(&c, name, cmd)
	}
	return c
}

func (p planner) add(c *CoA, target string, cmd openc2.Command) {
	c.Targets = append(c.Targets, target)
	c.Commands = append(c.Commands, cmd)
	c.RequestIDs = append(c.RequestIDs, p.cfg.NewID())
	p.cfg.Logger.Debug("coa target accepted", "kind", string(c.Kind), "target", target)
}

func (p planner) refuse(k Kind, target string, err error) Refusal {
	p.cfg.Logger.Debug("coa target refused", "kind", string(k), "target", target, "err", err)
	return Refusal{Target: target, Reason: err.Error()}
}

// checkName refuses the protected domains and their subdomains.
func (p planner) checkName(name string) error {
	for _, d := range p.cfg.ProtectedDomains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d != "" && (name == d || strings.HasSuffix(name, "."+d)) {
			return fmt.Errorf("refusing to block %s: inside protected domain %s", name, d)
		}
	}
	return nil
}

// parseAttacker accepts an address or a prefix; a prefix with host bits
// set is refused by the OpenC2 builder with a hint.
func parseAttacker(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or prefix", s)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or prefix", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

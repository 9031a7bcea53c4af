package openc2

import (
	"fmt"
	"net/netip"
	"time"
)

// Options are the arguments every builder accepts.
type Options struct {
	// Start is when the command takes effect; zero means now.
	Start time.Time
	// Duration is how long it stays in effect; zero means until undone.
	Duration time.Duration
	// Response is the response the producer wants; empty leaves the
	// actuator's default (complete).
	Response ResponseType
}

// SLPFOptions are the arguments and actuator specifiers of SLPF commands.
type SLPFOptions struct {
	Options
	Direction   Direction
	DropProcess DropProcess
	// Temporary asks for a rule that does not survive a restart
	// (persistent=false); SLPF rules are persistent by default.
	Temporary bool
	// Hostname, NamedGroup and AssetID pick the packet filter(s); all empty
	// leaves the choice to the consumer.
	Hostname, NamedGroup, AssetID string
}

// ContainOptions are the arguments and actuator specifiers of an ER
// contain command.
type ContainOptions struct {
	Options
	// Containment defaults to network_isolation.
	Containment Containment
	// Permitted and PermittedNames stay reachable from an isolated device
	// (DNS, the EDR manager); only meaningful for network_isolation.
	Permitted      []netip.Prefix
	PermittedNames []string
	// Hostname and NamedGroup pick the EDR function; both empty is allowed.
	Hostname, NamedGroup string
}

// Flow describes the connection a DenyConnection command matches. Zero
// fields match anything; at least one address must be set, and both must be
// of the same family.
type Flow struct {
	Protocol         Protocol
	Src, Dst         netip.Prefix
	SrcPort, DstPort uint16
}

// DenyConnection builds an SLPF deny of an ipv4_connection or
// ipv6_connection.
func DenyConnection(f Flow, o SLPFOptions) (Command, error) {
	conn, v6, err := flowConnection(f)
	if err != nil {
		return Command{}, fmt.Errorf("deny connection: %w", err)
	}
	c := Command{Action: ActionDeny, Args: o.args(), Actuator: o.actuator()}
	if v6 {
		c.Target.IPv6Connection = conn
	} else {
		c.Target.IPv4Connection = conn
	}
	return checked(c)
}

// DenyNet builds an SLPF deny of an ipv4_net or ipv6_net.
func DenyNet(p netip.Prefix, o SLPFOptions) (Command, error) {
	return netCommand(ActionDeny, p, o)
}

// AllowNet builds an SLPF allow of an ipv4_net or ipv6_net.
func AllowNet(p netip.Prefix, o SLPFOptions) (Command, error) {
	return netCommand(ActionAllow, p, o)
}

// DenyDomain builds a deny of a domain_name, for a DNS-layer actuator: an
// SLPF cannot enforce names. The name is lower-cased and its trailing dot
// dropped.
func DenyDomain(name string, o Options) (Command, error) {
	n, err := CanonicalName(name)
	if err != nil {
		return Command{}, fmt.Errorf("deny domain: %w", err)
	}
	c := Command{Action: ActionDeny, Target: Target{DomainName: n}}
	c.Args = o.args(nil, nil)
	return checked(c)
}

// ContainDevice builds an ER contain of a device.
func ContainDevice(d Device, o ContainOptions) (Command, error) {
	er := &ERArgs{DeviceContainment: o.Containment}
	if er.DeviceContainment == "" {
		er.DeviceContainment = ContainNetworkIsolation
	}
	permitted, err := permittedAddresses(o.Permitted, o.PermittedNames)
	if err != nil {
		return Command{}, fmt.Errorf("contain device: %w", err)
	}
	er.PermittedAddresses = permitted
	dev := d
	c := Command{
		Action:   ActionContain,
		Target:   Target{Device: &dev},
		Args:     o.Options.args(nil, er),
		Actuator: &Actuator{ER: &ERActuator{Hostname: o.Hostname, NamedGroup: o.NamedGroup}},
	}
	return checked(c)
}

// DeleteRule builds an SLPF delete of the rule the actuator numbered rule
// when it installed it. Only the response type and the actuator specifiers
// of o apply.
func DeleteRule(rule int64, o SLPFOptions) (Command, error) {
	r := rule
	c := Command{Action: ActionDelete, Target: Target{SLPFRuleNumber: &r}, Actuator: o.actuator()}
	if o.Response != "" {
		c.Args = &Args{ResponseRequested: o.Response}
	}
	return checked(c)
}

func netCommand(a Action, p netip.Prefix, o SLPFOptions) (Command, error) {
	s, v6, err := netString(p)
	if err != nil {
		return Command{}, fmt.Errorf("%s net: %w", a, err)
	}
	c := Command{Action: a, Args: o.args(), Actuator: o.actuator()}
	if v6 {
		c.Target.IPv6Net = s
	} else {
		c.Target.IPv4Net = s
	}
	return checked(c)
}

// checked runs Check so that no builder can return a command the parser
// would refuse.
func checked(c Command) (Command, error) {
	if err := c.Check(); err != nil {
		return Command{}, fmt.Errorf("build %s command: %w", c.Action, err)
	}
	return c, nil
}

func (o Options) args(slpf *SLPFArgs, er *ERArgs) *Args {
	a := &Args{ResponseRequested: o.Response, SLPF: slpf, ER: er}
	if !o.Start.IsZero() {
		a.StartTime = o.Start.UnixMilli()
	}
	a.Duration = o.Duration.Milliseconds()
	if *a == (Args{}) {
		// The schemas require at least one property in args.
		return nil
	}
	return a
}

func (o SLPFOptions) args() *Args {
	s := &SLPFArgs{Direction: o.Direction, DropProcess: o.DropProcess}
	if o.Temporary {
		f := false
		s.Persistent = &f
	}
	if *s == (SLPFArgs{}) {
		s = nil
	}
	return o.Options.args(s, nil)
}

func (o SLPFOptions) actuator() *Actuator {
	a := SLPFActuator{Hostname: o.Hostname, NamedGroup: o.NamedGroup, AssetID: o.AssetID}
	return &Actuator{SLPF: &a}
}

func flowConnection(f Flow) (*Connection, bool, error) {
	if !f.Src.IsValid() && !f.Dst.IsValid() {
		return nil, false, fmt.Errorf("connection needs a source or a destination address")
	}
	conn := &Connection{Protocol: f.Protocol, SrcPort: f.SrcPort, DstPort: f.DstPort}
	var fam []bool
	for _, end := range []struct {
		p   netip.Prefix
		dst *string
	}{{f.Src, &conn.SrcAddr}, {f.Dst, &conn.DstAddr}} {
		if !end.p.IsValid() {
			continue
		}
		s, v6, err := netString(end.p)
		if err != nil {
			return nil, false, err
		}
		*end.dst = s
		fam = append(fam, v6)
	}
	if len(fam) == 2 && fam[0] != fam[1] {
		return nil, false, fmt.Errorf("source %s and destination %s are of different IP versions", f.Src, f.Dst)
	}
	return conn, fam[0], nil
}

// netString renders p as an OpenC2 IPv4-Net or IPv6-Net and reports whether
// it is IPv6. IPv4-mapped IPv6 prefixes are rendered as IPv4.
func netString(p netip.Prefix) (string, bool, error) {
	if !p.IsValid() {
		return "", false, fmt.Errorf("invalid prefix %q", p)
	}
	p = unmapPrefix(p)
	if m := p.Masked(); m != p {
		return "", false, fmt.Errorf("%s has host bits set: did you mean %s or %s/%d?",
			p, m, p.Addr(), p.Addr().BitLen())
	}
	if p.Addr().Zone() != "" {
		return "", false, fmt.Errorf("%s: zoned addresses cannot be sent", p)
	}
	return p.String(), p.Addr().Is6(), nil
}

func unmapPrefix(p netip.Prefix) netip.Prefix {
	a := p.Addr()
	if !a.Is4In6() {
		return p
	}
	bits := p.Bits() - 96
	if bits < 0 {
		return p
	}
	return netip.PrefixFrom(a.Unmap(), bits)
}

func permittedAddresses(nets []netip.Prefix, names []string) (*PermittedAddresses, error) {
	if len(nets) == 0 && len(names) == 0 {
		return nil, nil
	}
	pa := &PermittedAddresses{}
	for _, p := range nets {
		s, v6, err := netString(p)
		if err != nil {
			return nil, fmt.Errorf("permitted address: %w", err)
		}
		if v6 {
			pa.IPv6Net = append(pa.IPv6Net, s)
		} else {
			pa.IPv4Net = append(pa.IPv4Net, s)
		}
	}
	for _, n := range names {
		c, err := CanonicalName(n)
		if err != nil {
			return nil, fmt.Errorf("permitted name: %w", err)
		}
		pa.DomainName = append(pa.DomainName, c)
	}
	return pa, nil
}

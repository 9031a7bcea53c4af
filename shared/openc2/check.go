package openc2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// pairs lists the action/target pairs the suite sends and accepts.
var pairs = map[Action][]string{
	ActionDeny:    {"ipv4_connection", "ipv6_connection", "ipv4_net", "ipv6_net", "domain_name"},
	ActionAllow:   {"ipv4_connection", "ipv6_connection", "ipv4_net", "ipv6_net"},
	ActionContain: {"device"},
	ActionDelete:  {"slpf:rule_number"},
}

// ParseCommand decodes a bare OpenC2 command and checks it. Unknown fields
// are an error: a target type the suite does not model must not be dropped
// silently.
func ParseCommand(data []byte) (Command, error) {
	var c Command
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Command{}, fmt.Errorf("decode openc2 command: %w", err)
	}
	if dec.More() {
		return Command{}, errors.New("decode openc2 command: data after the command")
	}
	if err := c.Check(); err != nil {
		return Command{}, fmt.Errorf("check openc2 command: %w", err)
	}
	return c, nil
}

// Check reports the first reason c is not a command the suite can send:
// an unsupported action/target pair, more than one target, a malformed
// address or name, an unknown enum value, or profile arguments that do not
// fit the command's profile.
func (c Command) Check() error {
	if err := c.checkPair(); err != nil {
		return err
	}
	if err := c.checkTarget(); err != nil {
		return fmt.Errorf("target %s: %w", c.TargetName(), err)
	}
	if err := c.checkArgs(); err != nil {
		return fmt.Errorf("args: %w", err)
	}
	return c.checkActuator()
}

func (c Command) checkPair() error {
	targets, ok := pairs[c.Action]
	if !ok {
		return fmt.Errorf("unsupported action %q", c.Action)
	}
	if n := c.Target.count(); n != 1 {
		return fmt.Errorf("a command needs exactly one target, got %d", n)
	}
	name := c.TargetName()
	for _, t := range targets {
		if t == name {
			return nil
		}
	}
	return fmt.Errorf("unsupported pair %s %s", c.Action, name)
}

func (t Target) count() int {
	n := 0
	for _, set := range []bool{
		t.IPv4Connection != nil, t.IPv6Connection != nil, t.IPv4Net != "", t.IPv6Net != "",
		t.DomainName != "", t.Device != nil, t.SLPFRuleNumber != nil,
	} {
		if set {
			n++
		}
	}
	return n
}

func (c Command) checkTarget() error {
	t := c.Target
	switch {
	case t.IPv4Connection != nil:
		return t.IPv4Connection.check(false)
	case t.IPv6Connection != nil:
		return t.IPv6Connection.check(true)
	case t.IPv4Net != "":
		_, err := ParseNet(t.IPv4Net, false)
		return err
	case t.IPv6Net != "":
		_, err := ParseNet(t.IPv6Net, true)
		return err
	case t.DomainName != "":
		return checkName(t.DomainName)
	case t.Device != nil:
		return t.Device.check()
	}
	return nil
}

func (cn *Connection) check(v6 bool) error {
	if cn.SrcAddr == "" && cn.DstAddr == "" {
		return errors.New("needs src_addr or dst_addr")
	}
	for _, a := range []string{cn.SrcAddr, cn.DstAddr} {
		if a == "" {
			continue
		}
		if _, err := ParseNet(a, v6); err != nil {
			return err
		}
	}
	switch cn.Protocol {
	case "", ProtocolTCP, ProtocolUDP, ProtocolICMP, ProtocolSCTP:
	default:
		return fmt.Errorf("unknown protocol %q", cn.Protocol)
	}
	if cn.Protocol == ProtocolICMP && (cn.SrcPort != 0 || cn.DstPort != 0) {
		return errors.New("icmp has no ports")
	}
	return nil
}

func (d *Device) check() error {
	if d.Hostname == "" && d.DeviceID == "" {
		return errors.New("device needs a hostname or a device_id")
	}
	if len(d.DeviceID) > 255 {
		return errors.New("device_id longer than 255 characters")
	}
	if d.Hostname != "" {
		return checkName(d.Hostname)
	}
	return nil
}

// ParseNet parses an OpenC2 IPv4-Net or IPv6-Net value: an address with or
// without a prefix length, of the family v6 asks for, without host bits
// set beyond the prefix (which would leave the meant range ambiguous).
func ParseNet(s string, v6 bool) (netip.Prefix, error) {
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		a, err = netip.ParseAddr(s)
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad address %q: %w", s, err)
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad address %q: zones are not allowed", s)
	}
	if p.Addr().Is6() != v6 || p.Addr().Is4In6() {
		want := "IPv4"
		if v6 {
			want = "IPv6"
		}
		return netip.Prefix{}, fmt.Errorf("bad address %q: want %s", s, want)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("bad address %q: host bits set, the network is %s", s, p.Masked())
	}
	return p, nil
}

func (c Command) checkArgs() error {
	a := c.Args
	if a == nil {
		return nil
	}
	if a.StartTime < 0 || a.StopTime < 0 || a.Duration < 0 {
		return errors.New("times and durations must not be negative")
	}
	if a.StopTime != 0 && a.Duration != 0 {
		return errors.New("stop_time and duration exclude each other")
	}
	switch a.ResponseRequested {
	case "", ResponseNone, ResponseAck, ResponseStatus, ResponseComplete:
	default:
		return fmt.Errorf("unknown response_requested %q", a.ResponseRequested)
	}
	p := c.Profile()
	if a.SLPF != nil && p != ProfileSLPF {
		return fmt.Errorf("slpf arguments on a %s command", p)
	}
	if a.ER != nil && p != ProfileER {
		return fmt.Errorf("er arguments on a %s command", p)
	}
	if a.SLPF != nil {
		return a.SLPF.check()
	}
	if a.ER != nil {
		return a.ER.check()
	}
	return nil
}

func (s *SLPFArgs) check() error {
	switch s.Direction {
	case "", DirectionBoth, DirectionIngress, DirectionEgress:
	default:
		return fmt.Errorf("unknown slpf direction %q", s.Direction)
	}
	switch s.DropProcess {
	case "", DropNone, DropReject, DropFalseAck:
	default:
		return fmt.Errorf("unknown slpf drop_process %q", s.DropProcess)
	}
	return nil
}

func (e *ERArgs) check() error {
	switch e.DeviceContainment {
	case "", ContainNetworkIsolation, ContainAppRestriction, ContainDisableNIC:
	default:
		return fmt.Errorf("unknown er device_containment %q", e.DeviceContainment)
	}
	pa := e.PermittedAddresses
	if pa == nil {
		return nil
	}
	for _, families := range []struct {
		nets []string
		v6   bool
	}{{pa.IPv4Net, false}, {pa.IPv6Net, true}} {
		for _, n := range families.nets {
			if _, err := ParseNet(n, families.v6); err != nil {
				return fmt.Errorf("permitted address: %w", err)
			}
		}
	}
	for _, n := range pa.DomainName {
		if err := checkName(n); err != nil {
			return fmt.Errorf("permitted name: %w", err)
		}
	}
	return nil
}

func (c Command) checkActuator() error {
	a := c.Actuator
	p := c.Profile()
	if a == nil {
		return nil
	}
	if a.SLPF != nil && a.ER != nil {
		return errors.New("actuator: a command names one actuator profile")
	}
	if a.SLPF == nil && a.ER == nil {
		return errors.New("actuator: empty; omit it instead")
	}
	if p == ProfileER && a.SLPF != nil || p == ProfileSLPF && a.ER != nil {
		return fmt.Errorf("actuator: does not fit a %s %s command", c.Action, c.TargetName())
	}
	if a.ER != nil && a.ER.Hostname != "" {
		return checkName(a.ER.Hostname)
	}
	return nil
}

// CanonicalName returns name lower-cased without a trailing dot, or an
// error when it is not an RFC 1123 host name of at least two labels.
func CanonicalName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if err := checkName(n); err != nil {
		return "", err
	}
	if !strings.Contains(n, ".") {
		return "", fmt.Errorf("bad domain name %q: a single label is not a domain to block", name)
	}
	return n, nil
}

func checkName(n string) error {
	if n == "" || len(n) > 253 {
		return fmt.Errorf("bad domain name %q: want 1 to 253 characters", n)
	}
	for _, label := range strings.Split(strings.TrimSuffix(n, "."), ".") {
		if err := checkLabel(label); err != nil {
			return fmt.Errorf("bad domain name %q: %w", n, err)
		}
	}
	return nil
}

func checkLabel(l string) error {
	if l == "" || len(l) > 63 {
		return errors.New("a label needs 1 to 63 characters")
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return fmt.Errorf("label %q starts or ends with a hyphen", l)
	}
	for _, r := range l {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
		if !ok {
			return fmt.Errorf("label %q has character %q (internationalised names must be in punycode)", l, r)
		}
	}
	return nil
}

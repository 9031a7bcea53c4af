package openc2

import (
	"fmt"
	"net/netip"
)

// ProtectedNet is a network that must never be blocked, with a name an
// analyst recognises ("dns", "domain controllers").
type ProtectedNet struct {
	Prefix netip.Prefix `json:"prefix"`
	Name   string       `json:"name,omitempty"`
}

// special lists the ranges that blocking would break the host or the
// network itself, whatever the protected list says.
var special = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/32"), "the unspecified address"},
	{netip.MustParsePrefix("::/128"), "the unspecified address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
}

// CheckTarget returns nil when addr may be blocked, and otherwise an error
// that says why not: it is, contains or overlaps loopback, link-local,
// unspecified, multicast or broadcast addresses, or a protected network.
func CheckTarget(addr netip.Prefix, protected []netip.Prefix) error {
	named := make([]ProtectedNet, len(protected))
	for i, p := range protected {
		named[i] = ProtectedNet{Prefix: p}
	}
	return CheckTargetNamed(addr, named)
}

// CheckTargetNamed is CheckTarget with names for the protected networks,
// which the error then quotes.
func CheckTargetNamed(addr netip.Prefix, protected []ProtectedNet) error {
	if !addr.IsValid() {
		return fmt.Errorf("refusing to block %q: not a valid address or prefix", addr)
	}
	p := unmapPrefix(addr).Masked()
	for _, s := range special {
		if p.Overlaps(s.prefix) {
			return fmt.Errorf("refusing to block %s: %s %s (%s)", p, overlapWord(p, s.prefix), s.what, s.prefix)
		}
	}
	for _, n := range protected {
		if !n.Prefix.IsValid() {
			continue
		}
		np := unmapPrefix(n.Prefix).Masked()
		if !p.Overlaps(np) {
			continue
		}
		label := np.String()
		if n.Name != "" {
			label += " (" + n.Name + ")"
		}
		return fmt.Errorf("refusing to block %s: %s protected network %s", p, overlapWord(p, np), label)
	}
	return nil
}

// overlapWord says how p meets q; two overlapping prefixes are always
// nested, so one of the first two cases holds.
func overlapWord(p, q netip.Prefix) string {
	switch {
	case p.Bits() >= q.Bits():
		return "inside"
	default:
		return "contains"
	}
}

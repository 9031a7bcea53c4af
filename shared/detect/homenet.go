package detect

import (
	"fmt"
	"net/netip"
	"strings"
)

// HomeNet is the set of networks the SOC defends, as Suricata's HOME_NET names it: only hosts inside
// it are reported as victims. The zero value holds every address.
type HomeNet struct {
	include, exclude []netip.Prefix
}

// ParseHomeNet reads entries such as "10.0.0.0/16" and "!10.0.254.0/24" (an exclusion, as in
// Suricata's "[10.0.0.0/16,!10.0.254.0/24]"); a bare address is a one-address network. With no
// inclusion, every address not excluded is home.
func ParseHomeNet(entries []string) (HomeNet, error) {
	var h HomeNet
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		neg := strings.HasPrefix(e, "!")
		p, err := parsePrefix(strings.TrimPrefix(e, "!"))
		if err != nil {
			return HomeNet{}, fmt.Errorf("home network %q: %w", e, err)
		}
		if neg {
			h.exclude = append(h.exclude, p)
		} else {
			h.include = append(h.include, p)
		}
	}
	return h, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR network or an address")
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// IsSet reports whether any network was given.
func (h HomeNet) IsSet() bool { return len(h.include)+len(h.exclude) > 0 }

// Contains reports whether ip is a home host; an address that does not parse is not.
func (h HomeNet) Contains(ip string) bool {
	if !h.IsSet() {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range h.exclude {
		if p.Contains(a) {
			return false
		}
	}
	if len(h.include) == 0 {
		return true
	}
	for _, p := range h.include {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// String writes h as Suricata would: "[10.0.0.0/16,!10.0.254.0/24]", or "any".
func (h HomeNet) String() string {
	if !h.IsSet() {
		return "any"
	}
	var parts []string
	for _, p := range h.include {
		parts = append(parts, p.String())
	}
	for _, p := range h.exclude {
		parts = append(parts, "!"+p.String())
	}
	return "[" + strings.Join(parts, ",") + "]"
}

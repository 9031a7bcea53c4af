package openc2

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseProtected reads protected networks as a worker's configuration lists them: each entry is
// "CIDR" or "CIDR name" (e.g. "10.0.0.53/32 dns"); a bare address is a /32 or /128.
func ParseProtected(entries []string) ([]ProtectedNet, error) {
	var out []ProtectedNet
	for _, e := range entries {
		fields := strings.Fields(e)
		if len(fields) == 0 {
			continue
		}
		p, err := netip.ParsePrefix(fields[0])
		if err != nil {
			a, aerr := netip.ParseAddr(fields[0])
			if aerr != nil {
				return nil, fmt.Errorf("protected network %q: not a CIDR or an address", e)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, ProtectedNet{Prefix: p.Masked(), Name: strings.Join(fields[1:], " ")})
	}
	return out, nil
}

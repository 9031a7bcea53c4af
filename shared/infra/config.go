package infra

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
)

// Zone is a named network zone made of subnets.
type Zone struct {
	Name    string         `json:"name"`
	Subnets []netip.Prefix `json:"subnets"`
}

// Rule lets hosts of zone From reach the listed ports of hosts in zone To.
type Rule struct {
	From  string  `json:"from"`
	To    string  `json:"to"`
	Ports PortSet `json:"ports"`
}

// Policy says which zone may reach which ports of which other zone. Inside one zone everything is
// open; between two zones only what a rule lists.
type Policy struct {
	Rules []Rule `json:"rules"`
}

// Allows reports whether a host in zone from may reach port k of a host in zone to. Hosts outside
// every zone are in the zone "" and follow the same rules.
func (p Policy) Allows(from, to string, k PortKey) bool {
	if from == to {
		return true
	}
	for _, r := range p.Rules {
		if r.From == from && r.To == to && r.Ports.Contains(k) {
			return true
		}
	}
	return false
}

// HostRule gives properties to the hosts matched by Match: an address, a subnet, or a name.
type HostRule struct {
	Match      string     `json:"match"`
	Properties Properties `json:"properties"`
}

// Config is the operator's part of the model: zones, the policy between them and host properties.
type Config struct {
	Zones  []Zone     `json:"zones,omitempty"`
	Policy Policy     `json:"policy"`
	Hosts  []HostRule `json:"hosts,omitempty"`
}

// ZoneOf returns the name of the first zone holding the host's key address, or "".
func (c Config) ZoneOf(h Host) string {
	ip, ok := h.IP()
	if !ok {
		return ""
	}
	for _, z := range c.Zones {
		for _, n := range z.Subnets {
			if n.Contains(ip) {
				return z.Name
			}
		}
	}
	return ""
}

// PropertiesOf returns the properties of the last rule matching the host, so a rule for one host
// written after a rule for its subnet overrides it.
func (c Config) PropertiesOf(h Host) Properties {
	var props Properties
	ip, isIP := h.IP()
	idents := h.Idents()
	for _, r := range c.Hosts {
		m := strings.ToLower(r.Match)
		if n, err := netip.ParsePrefix(m); err == nil && isIP && n.Contains(ip) {
			props = r.Properties
		} else if slices.Contains(idents, m) {
			props = r.Properties
		}
	}
	return props
}

// Apply sets zone and properties on every host.
func (c Config) Apply(hosts []Host) {
	for i := range hosts {
		hosts[i].Zone = c.ZoneOf(hosts[i])
		hosts[i].Properties = c.PropertiesOf(hosts[i])
	}
}

// Validate checks the criticality scale and that rules name known zones.
func (c Config) Validate() error {
	zones := map[string]bool{"": true}
	for _, z := range c.Zones {
		zones[z.Name] = true
	}
	for _, r := range c.Policy.Rules {
		if !zones[r.From] || !zones[r.To] {
			return fmt.Errorf("policy rule %s -> %s: unknown zone", r.From, r.To)
		}
	}
	for _, h := range c.Hosts {
		for _, v := range []int{h.Properties.Confidentiality, h.Properties.Integrity, h.Properties.Availability} {
			if v < 0 || v > 5 {
				return fmt.Errorf("host %s: criticality %d is outside 1-5", h.Match, v)
			}
		}
	}
	return nil
}

// LoadConfig reads the zone file (zones and host properties) and the policy file, either of which
// may be "". See [Config] for the JSON shape; policy ports use the [PortSet] text form, e.g.
// {"rules":[{"from":"dmz","to":"lan","ports":"tcp:443"}]}.
func LoadConfig(zonesFile, policyFile string) (Config, error) {
	var c Config
	if zonesFile != "" {
		if err := readJSON(zonesFile, &c); err != nil {
			return Config{}, fmt.Errorf("read zones file: %w", err)
		}
	}
	if policyFile != "" {
		if err := readJSON(policyFile, &c.Policy); err != nil {
			return Config{}, fmt.Errorf("read policy file: %w", err)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("check zone config: %w", err)
	}
	return c, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// MarshalText writes the set in its text form, so policy files can say "tcp:22,443".
func (s PortSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the text form.
func (s *PortSet) UnmarshalText(b []byte) error {
	set, err := ParsePortSet(string(b))
	if err != nil {
		return err
	}
	*s = set
	return nil
}

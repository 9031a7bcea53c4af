package infra

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

func TestPortSetRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		text    string
		in, out []PortKey
		wantErr bool
	}{
		{name: "ranges", text: "tcp:1-1024,8080;udp:53", in: []PortKey{{"tcp", 1}, {"tcp", 8080}, {"udp", 53}}, out: []PortKey{{"tcp", 1025}, {"udp", 54}}},
		{name: "empty", text: "", out: []PortKey{{"tcp", 22}}},
		{name: "no_protocol", text: "22", wantErr: true},
		{name: "reversed", text: "tcp:30-20", wantErr: true},
		{name: "too_high", text: "tcp:70000", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set, err := ParsePortSet(tc.text)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if set.String() != tc.text {
				t.Errorf("String() = %q, want %q", set.String(), tc.text)
			}
			for _, k := range tc.in {
				if !set.Contains(k) {
					t.Errorf("%s not in %s", k, tc.text)
				}
			}
			for _, k := range tc.out {
				if set.Contains(k) {
					t.Errorf("%s in %s", k, tc.text)
				}
			}
		})
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	web := Service{Protocol: "tcp", Port: 80, State: "open", Product: "nginx", Version: "1.0"}
	web2 := web
	web2.Version = "1.1"
	ssh := Service{Protocol: "tcp", Port: 22, State: "open", Product: "OpenSSH"}
	cve := Vuln{Scanner: "nessus", Plugin: "1", Port: 80, Protocol: "tcp"}
	before := []Host{
		{Key: "10.0.0.1", State: StateUp, Services: []Service{web, ssh}, Vulns: []Vuln{cve}},
		{Key: "10.0.0.2", State: StateUp},
		{Key: "10.0.0.3", State: StateDown},
	}
	after := []Host{
		{Key: "10.0.0.1", State: StateUp, Services: []Service{web2}},
		{Key: "10.0.0.2", State: StateDown},
		{Key: "10.0.0.3", State: StateUp},
	}
	c := Diff(before, after)
	if len(c.NewHosts) != 1 || c.NewHosts[0].Key != "10.0.0.3" || len(c.RemovedHosts) != 1 || c.RemovedHosts[0].Key != "10.0.0.2" ||
		len(c.ClosedServices) != 1 || c.ClosedServices[0].Service.Port != 22 || len(c.ChangedServices) != 1 ||
		c.ChangedServices[0].After.Version != "1.1" || len(c.FixedVulns) != 1 || len(c.NewVulns) != 0 || len(c.NewServices) != 0 {
		t.Errorf("diff = %+v", c)
	}
	if !Diff(after, after).Empty() {
		t.Error("diff of a state with itself is not empty")
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zones := filepath.Join(dir, "zones.json")
	policy := filepath.Join(dir, "policy.json")
	os.WriteFile(zones, []byte(`{"zones":[{"name":"dmz","subnets":["192.0.2.0/24"]},{"name":"lan","subnets":["10.0.0.0/8"]}],
		"hosts":[{"match":"10.0.0.0/8","properties":{"role":"client","availability":2}},
		{"match":"dc1.corp.example","properties":{"role":"domain_controller","integrity":5}}]}`), 0o600)
	os.WriteFile(policy, []byte(`{"rules":[{"from":"dmz","to":"lan","ports":"tcp:443"}]}`), 0o600)
	cfg, err := LoadConfig(zones, policy)
	if err != nil {
		t.Fatal(err)
	}
	dc := Host{Key: "10.1.1.1", Names: []string{"dc1.corp.example"}}
	pc := Host{Key: "10.1.1.2"}
	if cfg.ZoneOf(dc) != "lan" || cfg.PropertiesOf(dc).Role != RoleDomainController || cfg.PropertiesOf(pc).Role != RoleClient {
		t.Errorf("dc %q %+v, pc %+v", cfg.ZoneOf(dc), cfg.PropertiesOf(dc), cfg.PropertiesOf(pc))
	}
	tests := []struct {
		name     string
		from, to string
		port     int
		want     bool
	}{
		{name: "allowed", from: "dmz", to: "lan", port: 443, want: true},
		{name: "other_port", from: "dmz", to: "lan", port: 22},
		{name: "reverse", from: "lan", to: "dmz", port: 443},
		{name: "inside_zone", from: "lan", to: "lan", port: 22, want: true},
	}
	for _, tc := range tests {
		if got := cfg.Policy.Allows(tc.from, tc.to, PortKey{"tcp", tc.port}); got != tc.want {
			t.Errorf("%s: Allows = %v", tc.name, got)
		}
	}
	os.WriteFile(policy, []byte(`{"rules":[{"from":"dmz","to":"nowhere","ports":"tcp:443"}]}`), 0o600)
	if _, err := LoadConfig(zones, policy); err == nil {
		t.Error("a rule naming an unknown zone was accepted")
	}
	if (Config{Zones: []Zone{{Name: "x", Subnets: []netip.Prefix{netip.MustParsePrefix("::/0")}}}}).ZoneOf(pc) != "" {
		t.Error("an IPv4 host fell into an IPv6 zone")
	}
}

func FuzzParsePortSet(f *testing.F) {
	for _, s := range []string{"tcp:1-1024,8080;udp:53", "tcp:", "x:1-", ";;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParsePortSet(s)
		if err != nil {
			return
		}
		again, err := ParsePortSet(set.String())
		if err != nil || again.String() != set.String() {
			t.Fatalf("%q -> %q does not read back: %v", s, set.String(), err)
		}
	})
}

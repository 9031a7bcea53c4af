package openc2

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

var start = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

type buildCase struct {
	name    string
	build   func() (Command, error)
	want    string // expected JSON; empty when an error is wanted
	wantErr string
}

func buildCases() []buildCase {
	pfx := netip.MustParsePrefix
	slpf := SLPFOptions{Options: Options{Start: start, Duration: 24 * time.Hour, Response: ResponseComplete},
		Direction: DirectionEgress, DropProcess: DropReject, NamedGroup: "perimeter"}
	return []buildCase{
		{name: "deny_ipv4_connection", build: func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolTCP, Src: pfx("10.1.2.42/32"), Dst: pfx("198.51.100.23/32"), DstPort: 443}, slpf)
		}, want: `{"action":"deny","target":{"ipv4_connection":{"protocol":"tcp","src_addr":"10.1.2.42/32","dst_addr":"198.51.100.23/32","dst_port":443}},
			"args":{"start_time":1748772000000,"duration":86400000,"response_requested":"complete","slpf":{"direction":"egress","drop_process":"reject"}},
			"actuator":{"slpf":{"named_group":"perimeter"}}}`},
		{name: "deny_ipv6_connection_temporary", build: func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolUDP, Dst: pfx("2001:db8::53/128"), DstPort: 53}, SLPFOptions{Temporary: true})
		}, want: `{"action":"deny","target":{"ipv6_connection":{"protocol":"udp","dst_addr":"2001:db8::53/128","dst_port":53}},
			"args":{"slpf":{"persistent":false}},"actuator":{"slpf":{}}}`},
		{name: "deny_ipv4_net", build: func() (Command, error) { return DenyNet(pfx("198.51.100.0/24"), SLPFOptions{}) },
			want: `{"action":"deny","target":{"ipv4_net":"198.51.100.0/24"},"actuator":{"slpf":{}}}`},
		{name: "allow_ipv6_net", build: func() (Command, error) {
			return AllowNet(pfx("2001:db8:1::/48"), SLPFOptions{Options: Options{Response: ResponseAck}, Hostname: "fw1.corp.example"})
		}, want: `{"action":"allow","target":{"ipv6_net":"2001:db8:1::/48"},"args":{"response_requested":"ack"},"actuator":{"slpf":{"hostname":"fw1.corp.example"}}}`},
		{name: "deny_mapped_ipv4_is_ipv4", build: func() (Command, error) { return DenyNet(pfx("::ffff:198.51.100.7/128"), SLPFOptions{}) },
			want: `{"action":"deny","target":{"ipv4_net":"198.51.100.7/32"},"actuator":{"slpf":{}}}`},
		{name: "deny_domain", build: func() (Command, error) {
			return DenyDomain("Evil-C2.Example.", Options{Duration: time.Hour})
		}, want: `{"action":"deny","target":{"domain_name":"evil-c2.example"},"args":{"duration":3600000}}`},
		{name: "contain_device", build: func() (Command, error) {
			return ContainDevice(Device{Hostname: "ws-0042.corp.example", DeviceID: "asset-0042"}, ContainOptions{
				Options:   Options{Response: ResponseComplete},
				Permitted: []netip.Prefix{pfx("10.0.0.53/32"), pfx("2001:db8::53/128")}, PermittedNames: []string{"edr.corp.example"}})
		}, want: `{"action":"contain","target":{"device":{"hostname":"ws-0042.corp.example","device_id":"asset-0042"}},
			"args":{"response_requested":"complete","er":{"device_containment":"network_isolation",
			"permitted_addresses":{"ipv4_net":["10.0.0.53/32"],"ipv6_net":["2001:db8::53/128"],"domain_name":["edr.corp.example"]}}},
			"actuator":{"er":{}}}`},
		{name: "delete_rule", build: func() (Command, error) {
			return DeleteRule(1234, SLPFOptions{Options: Options{Response: ResponseComplete}, NamedGroup: "perimeter"})
		}, want: `{"action":"delete","target":{"slpf:rule_number":1234},"args":{"response_requested":"complete"},"actuator":{"slpf":{"named_group":"perimeter"}}}`},

		{name: "host_bits_set", build: func() (Command, error) { return DenyNet(pfx("10.1.2.42/24"), SLPFOptions{}) },
			wantErr: "did you mean 10.1.2.0/24 or 10.1.2.42/32"},
		{name: "zero_prefix", build: func() (Command, error) { return DenyNet(netip.Prefix{}, SLPFOptions{}) },
			wantErr: "invalid prefix"},
		{name: "mixed_families", build: func() (Command, error) {
			return DenyConnection(Flow{Src: pfx("10.0.0.1/32"), Dst: pfx("2001:db8::1/128")}, SLPFOptions{})
		}, wantErr: "different IP versions"},
		{name: "connection_without_addresses", build: func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolTCP, DstPort: 22}, SLPFOptions{})
		}, wantErr: "needs a source or a destination"},
		{name: "icmp_with_port", build: func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolICMP, Dst: pfx("198.51.100.1/32"), DstPort: 7}, SLPFOptions{})
		}, wantErr: "icmp has no ports"},
		{name: "unknown_direction", build: func() (Command, error) {
			return DenyNet(pfx("198.51.100.0/24"), SLPFOptions{Direction: "sideways"})
		}, wantErr: `unknown slpf direction "sideways"`},
		{name: "bad_domain_underscore", build: func() (Command, error) { return DenyDomain("c2_server.example", Options{}) },
			wantErr: "has character '_'"},
		{name: "bad_domain_single_label", build: func() (Command, error) { return DenyDomain("localhost", Options{}) },
			wantErr: "single label"},
		{name: "bad_domain_hyphen", build: func() (Command, error) { return DenyDomain("-bad.example", Options{}) },
			wantErr: "starts or ends with a hyphen"},
		{name: "contain_needs_identity", build: func() (Command, error) { return ContainDevice(Device{}, ContainOptions{}) },
			wantErr: "needs a hostname or a device_id"},
		{name: "contain_bad_permitted_name", build: func() (Command, error) {
			return ContainDevice(Device{DeviceID: "x"}, ContainOptions{PermittedNames: []string{"bad name.example"}})
		}, wantErr: "permitted name"},
	}
}

func TestBuilders(t *testing.T) {
	t.Parallel()
	for _, tc := range buildCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd, err := tc.build()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertJSON(t, cmd, tc.want)
			data, _ := json.Marshal(cmd)
			back, err := ParseCommand(data)
			if err != nil {
				t.Fatalf("ParseCommand of a built command: %v", err)
			}
			if !reflect.DeepEqual(back, cmd) {
				t.Errorf("round trip changed the command:\n got %+v\nwant %+v", back, cmd)
			}
		})
	}
}

// TestBuiltCommandsValidate checks every command a builder makes against
// the schema of its profile: SLPF, ER (wrapped) or LS.
func TestBuiltCommandsValidate(t *testing.T) {
	t.Parallel()
	v := fullValidator(t)
	seen := map[Profile]bool{}
	for _, tc := range buildCases() {
		if tc.wantErr != "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cmd, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			seen[cmd.Profile()] = true
			if err := v.Validate(cmd); err != nil {
				t.Errorf("%s command fails its schema: %v", cmd.Profile(), err)
			}
		})
	}
	for _, p := range []Profile{ProfileSLPF, ProfileER, ProfileLS} {
		if !seen[p] {
			t.Errorf("no built command of profile %s was validated", p)
		}
	}
}

func assertJSON(t *testing.T, got any, want string) {
	t.Helper()
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs:\n got %s\nwant %s", data, want)
	}
}

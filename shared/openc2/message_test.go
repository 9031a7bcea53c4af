package openc2

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const sampleMessage = `{
  "headers": {"request_id": "e455fe43-e6d9-472a-9efc-decac2709f78", "created": 1748771995000,
    "from": "soar.corp.example", "to": ["oc2-consumer.corp.example"]},
  "body": {"openc2": {"request": {
    "action": "deny",
    "target": {"ipv4_connection": {"protocol": "tcp", "src_addr": "10.1.2.42", "dst_addr": "198.51.100.23", "dst_port": 443}},
    "args": {"start_time": 1748772000000, "duration": 86400000, "response_requested": "complete",
      "slpf": {"direction": "egress", "drop_process": "reject", "persistent": true}},
    "actuator": {"slpf": {"named_group": "perimeter"}}}}}
}`

func TestNewMessage(t *testing.T) {
	t.Parallel()
	cmd, err := DenyNet(netip.MustParsePrefix("198.51.100.23/32"), SLPFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 6, 1, 9, 59, 55, 0, time.UTC)
	m, err := NewMessage(cmd, "req-1", created, "soccrates", []string{"fw.corp.example"})
	if err != nil {
		t.Fatal(err)
	}
	assertJSON(t, m, `{"headers":{"request_id":"req-1","created":1748771995000,"from":"soccrates","to":["fw.corp.example"]},
		"body":{"openc2":{"request":{"action":"deny","target":{"ipv4_net":"198.51.100.23/32"},"actuator":{"slpf":{}}}}}}`)

	for _, bad := range []struct{ name, id, from string }{
		{"empty_id", "", "soccrates"}, {"space_in_id", "a b", "soccrates"}, {"empty_from", "req-1", ""},
	} {
		if _, err := NewMessage(cmd, bad.id, created, bad.from, nil); err == nil {
			t.Errorf("%s: NewMessage accepted it", bad.name)
		}
	}
	if _, err := NewMessage(Command{Action: "explode"}, "req-1", created, "soccrates", nil); err == nil {
		t.Error("NewMessage accepted an invalid command")
	}
}

func TestParseMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, data, wantErr string
	}{
		{"example_envelope", sampleMessage, ""},
		{"missing_request", `{"headers":{"request_id":"r1","created":1,"from":"x"},"body":{"openc2":{}}}`, "body.openc2.request is missing"},
		{"bad_request_id", strings.Replace(sampleMessage, "e455fe43-e6d9-472a-9efc-decac2709f78", "", 1), "bad request id"},
		{"unknown_target", strings.Replace(sampleMessage, `"ipv4_connection"`, `"file"`, 1), "unknown field"},
		{"two_targets", strings.Replace(sampleMessage, `"target": {`, `"target": {"ipv4_net": "198.51.100.0/24", `, 1), "exactly one target"},
		{"wrong_family", strings.Replace(sampleMessage, `"10.1.2.42"`, `"2001:db8::1"`, 1), "want IPv4"},
		{"unsupported_pair", strings.Replace(sampleMessage, `"action": "deny"`, `"action": "contain"`, 1), "unsupported pair contain ipv4_connection"},
		{"er_args_on_slpf", strings.Replace(sampleMessage, `"slpf": {"direction"`, `"er": {"device_containment": "disable_nic"}, "x": {"direction"`, 1), "unknown field"},
		{"trailing_data", sampleMessage + "{}", "data after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMessage([]byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := m.Body.OpenC2.Request
			if c.Target.IPv4Connection.DstPort != 443 || *c.Args.SLPF.Persistent != true || m.Headers.Created != 1748771995000 {
				t.Errorf("decoded message lost fields: %+v", m)
			}
		})
	}
}

func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(sampleMessage))
	f.Add([]byte(`{"headers":{"request_id":"r","created":0,"from":"x"},"body":{"openc2":{"request":{"action":"deny","target":{"domain_name":"a.example"}}}}}`))
	f.Add([]byte(`{"headers":{"request_id":"r","created":0,"from":"x"},"body":{"openc2":{"request":{"action":"contain","target":{"device":{"device_id":"d"}},"actuator":{"er":{}}}}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMessage(data)
		if err != nil {
			return
		}
		// What the parser accepts must survive a round trip and still
		// pass the checks that NewMessage makes.
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseMessage(out); err != nil {
			t.Fatalf("re-parse of accepted message: %v\n%s", err, out)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte(`{"action":"deny","target":{"ipv6_net":"2001:db8::/32"},"args":{"slpf":{"direction":"ingress"}},"actuator":{"slpf":{}}}`))
	f.Add([]byte(`{"action":"delete","target":{"slpf:rule_number":7}}`))
	f.Add([]byte(`{"action":"contain","target":{"device":{"hostname":"h.example"}},"args":{"er":{"permitted_addresses":{"ipv4_net":["10.0.0.53/32"]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCommand(data)
		if err != nil {
			return
		}
		if err := c.Check(); err != nil {
			t.Fatalf("accepted command fails Check: %v", err)
		}
	})
}

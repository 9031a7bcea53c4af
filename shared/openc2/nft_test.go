package openc2

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const reqID = "e455fe43-e6d9-472a-9efc-decac2709f78"

func TestRenderNftGolden(t *testing.T) {
	t.Parallel()
	pfx := netip.MustParsePrefix
	cases := []struct {
		name  string
		build func() (Command, error)
	}{
		{"deny_ipv4_connection_egress_reject", func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolTCP, Src: pfx("10.1.2.42/32"), Dst: pfx("198.51.100.23/32"), DstPort: 443},
				SLPFOptions{Direction: DirectionEgress, DropProcess: DropReject})
		}},
		{"deny_ipv4_net_both", func() (Command, error) { return DenyNet(pfx("198.51.100.0/24"), SLPFOptions{}) }},
		{"deny_ipv6_net_ingress", func() (Command, error) {
			return DenyNet(pfx("2001:db8:bad::/48"), SLPFOptions{Direction: DirectionIngress, DropProcess: DropNone})
		}},
		{"allow_ipv4_net_egress", func() (Command, error) {
			return AllowNet(pfx("203.0.113.10/32"), SLPFOptions{Direction: DirectionEgress})
		}},
		{"deny_ports_without_protocol", func() (Command, error) {
			return DenyConnection(Flow{Dst: pfx("198.51.100.9/32"), SrcPort: 1024, DstPort: 8443}, SLPFOptions{Direction: DirectionIngress})
		}},
		{"deny_icmpv6", func() (Command, error) {
			return DenyConnection(Flow{Protocol: ProtocolICMP, Src: pfx("2001:db8::66/128")}, SLPFOptions{Direction: DirectionIngress})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			lines, err := RenderNft(cmd, reqID)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(lines, "\n") + "\n"
			golden(t, filepath.Join("testdata", "nft", tc.name+".nft"), got)
			for _, l := range lines[len(nftSetup):] {
				if !strings.HasSuffix(l, `comment "soccrates:`+reqID+`"`) {
					t.Errorf("rule without the request id comment: %s", l)
				}
			}
		})
	}
}

func TestRenderNftRefuses(t *testing.T) {
	t.Parallel()
	pfx := netip.MustParsePrefix
	rule := int64(5)
	cases := []struct {
		name    string
		cmd     func() (Command, error)
		id      string
		wantErr string
	}{
		{"false_ack", func() (Command, error) {
			return DenyNet(pfx("198.51.100.0/24"), SLPFOptions{DropProcess: DropFalseAck})
		}, reqID, "false_ack"},
		{"domain", func() (Command, error) { return DenyDomain("c2.example", Options{}) }, reqID, "not a packet-filter target"},
		{"contain", func() (Command, error) { return ContainDevice(Device{DeviceID: "a"}, ContainOptions{}) }, reqID, "not a packet-filter rule"},
		{"delete", func() (Command, error) { return DeleteRule(3, SLPFOptions{}) }, reqID, "RenderNftUndo"},
		{"insert_rule", func() (Command, error) {
			c, err := DenyNet(pfx("198.51.100.0/24"), SLPFOptions{Direction: DirectionIngress})
			c.Args.SLPF.InsertRule = &rule
			return c, err
		}, reqID, "insert_rule"},
		{"quote_in_request_id", func() (Command, error) { return DenyNet(pfx("198.51.100.0/24"), SLPFOptions{}) }, `x" drop; flush ruleset #`, "bad request id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd, err := tc.cmd()
			if err != nil {
				t.Fatal(err)
			}
			_, err = RenderNft(cmd, tc.id)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// listing is shaped like `nft -j list table inet soccrates` output.
const listing = `{"nftables": [
 {"metainfo": {"version": "1.0.9", "release_name": "Old Doc Yak #3", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "soccrates", "handle": 3}},
 {"chain": {"family": "inet", "table": "soccrates", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
 {"rule": {"family": "inet", "table": "soccrates", "chain": "output", "handle": 9, "comment": "soccrates:` + reqID + `", "expr": [{"drop": null}]}},
 {"rule": {"family": "inet", "table": "soccrates", "chain": "input", "handle": 7, "comment": "soccrates:` + reqID + `", "expr": [{"drop": null}]}},
 {"rule": {"family": "inet", "table": "soccrates", "chain": "input", "handle": 8, "comment": "soccrates:other-request", "expr": [{"drop": null}]}},
 {"rule": {"family": "inet", "table": "other", "chain": "input", "handle": 2, "comment": "soccrates:` + reqID + `", "expr": [{"drop": null}]}},
 {"rule": {"family": "inet", "table": "soccrates", "chain": "forward", "handle": 11, "expr": [{"accept": null}]}}
]}`

func TestRenderNftUndo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		listing string
		id      string
		want    []string
		wantErr string
	}{
		{name: "finds_own_rules", listing: listing, id: reqID, want: []string{
			"delete rule inet soccrates input handle 7",
			"delete rule inet soccrates output handle 9",
		}},
		{name: "other_request", listing: listing, id: "other-request", want: []string{"delete rule inet soccrates input handle 8"}},
		{name: "nothing_left", listing: listing, id: "gone", want: []string{}},
		{name: "hostile_chain", id: "r1",
			listing: `{"nftables":[{"rule":{"family":"inet","table":"soccrates","chain":"input; flush ruleset","handle":1,"comment":"soccrates:r1"}}]}`,
			wantErr: "chain"},
		{name: "not_json", listing: "table inet soccrates {", id: reqID, wantErr: "read nft listing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := RenderNftUndo([]byte(tc.listing), tc.id)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func FuzzRenderNftUndo(f *testing.F) {
	f.Add([]byte(listing), reqID)
	f.Add([]byte(`{"nftables":[{"rule":null}]}`), "a")
	f.Add([]byte(`[]`), "a")
	f.Fuzz(func(t *testing.T, data []byte, id string) {
		lines, err := RenderNftUndo(data, id)
		if err != nil {
			return
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "delete rule inet soccrates ") || strings.ContainsAny(l, ";\n\"") {
				t.Fatalf("unsafe delete line %q", l)
			}
		}
	})
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

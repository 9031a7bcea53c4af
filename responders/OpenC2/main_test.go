package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

// artifactJob is TheHive's case_artifact job (the reference input) with another observable and config.
func artifactJob(t *testing.T, dataType, value string, config map[string]any) cortextest.Job {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "shared/job/testdata/cortex/responder-thehive-case_artifact.input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in map[string]any
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	data := in["data"].(map[string]any)
	data["dataType"], data["data"] = dataType, value
	cfg := in["config"].(map[string]any)
	for k, v := range config {
		cfg[k] = v
	}
	out, _ := json.Marshal(in)
	return cortextest.Job{Input: out}
}

func validator(t *testing.T) *openc2.Validator {
	t.Helper()
	s, err := openc2.LoadSchemas(os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")),
		os.DirFS(testenv.Outside(t, testenv.OASISOpenC2Schemas)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := openc2.NewValidator(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDryRunDeny(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./responders/OpenC2")
	v := validator(t)
	tests := []struct {
		name, dataType, value string
		wantNft               []string // substrings of the rendered rules; none for names
	}{
		{"ipv4_address", "ip", "198.51.100.23", []string{"input ip saddr 198.51.100.23 drop", "output ip daddr 198.51.100.23 drop"}},
		{"ipv4_network", "ip", "203.0.113.0/24", []string{"ip saddr 203.0.113.0/24 drop"}},
		{"ipv6_address", "ip", "2001:db8::66", []string{"ip6 saddr 2001:db8::66 drop"}},
		{"fqdn", "fqdn", "c2.evil.example", nil},
		{"domain", "domain", "evil.example", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run := cortextest.RunProcess(t, bin, artifactJob(t, tt.dataType, tt.value, nil))
			rep := run.Check(t, cortextest.Responder)
			run.CheckOperationsFor(t, "thehive:case_artifact")
			if !rep.Success {
				t.Fatalf("error report: %s", rep.ErrorMessage)
			}
			if rep.Full["mode"] != "dry-run" {
				t.Errorf("mode %v, want dry-run", rep.Full["mode"])
			}
			cmds := rep.Full["commands"].([]any)
			if len(cmds) != 1 {
				t.Fatalf("%d commands", len(cmds))
			}
			body, _ := json.Marshal(cmds[0].(map[string]any)["body"].(map[string]any)["openc2"].(map[string]any)["request"])
			if err := v.ValidateJSON(body); err != nil {
				t.Errorf("the OpenC2 command does not validate against its schema: %v\n%s", err, body)
			}
			nft, _ := json.Marshal(rep.Full["nft"])
			for _, want := range tt.wantNft {
				if !strings.Contains(string(nft), want) {
					t.Errorf("nft rules %s lack %q", nft, want)
				}
			}
			if tt.wantNft == nil && (string(nft) != "[]" || !strings.Contains(rep.Full["note"].(string), "DNS-layer actuator")) {
				t.Errorf("a name gets no nft rule and a DNS-layer note: nft %s note %v", nft, rep.Full["note"])
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./responders/OpenC2")
	tests := []struct {
		name, dataType, value string
		config                map[string]any
		want                  string
	}{
		{"loopback", "ip", "127.0.0.1", nil, "refusing to block 127.0.0.1/32"},
		{"loopback_v6", "ip", "::1", nil, "refusing to block ::1/128"},
		{"link_local", "ip", "169.254.10.1", nil, "refusing to block 169.254.10.1/32"},
		{"protected_dns", "ip", "10.0.0.53", map[string]any{"protected_networks": []string{"10.0.0.53/32 dns"}}, "protected network 10.0.0.53/32 (dns)"},
		{"network_covering_protected", "ip", "10.0.0.0/8", map[string]any{"protected_networks": []string{"10.0.0.53 dns"}}, "(dns)"},
		{"not_an_address", "ip", "server-17", nil, "not an IP address or network"},
		{"unsupported_type", "hash", "d41d8cd98f00b204e9800998ecf8427e", nil, "blocks ip, domain and fqdn observables"},
		{"enforcement_refused", "ip", "198.51.100.23", map[string]any{"dry_run": false}, "dry-run only"},
		{"bad_name", "fqdn", "not a name!", nil, "OpenC2 deny for not a name!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, artifactJob(t, tt.dataType, tt.value, tt.config)).Check(t, cortextest.Responder)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success=%v errorMessage=%q, want it to say %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
}

func TestStdinMode(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./responders/OpenC2")
	rep := cortextest.RunStdin(t, bin, artifactJob(t, "ip", "198.51.100.23", nil)).Check(t, cortextest.Responder)
	if !rep.Success || len(rep.Operations) != 1 || rep.Operations[0].Type != "AddTagToArtifact" {
		t.Errorf("stdin mode: success=%v operations=%v %s", rep.Success, rep.Operations, rep.ErrorMessage)
	}
}

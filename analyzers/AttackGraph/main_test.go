package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

const remote = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

// threeHosts: the internet reaches a web server in the DMZ on 443; the DMZ reaches an
// application server and a critical database in the LAN; all three have remote exploits.
func threeHosts() ([]infra.Host, infra.Config) {
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	svc := func(port int) []infra.Service { return []infra.Service{{Protocol: "tcp", Port: port, State: "open"}} }
	vuln := func(port int) []infra.Vuln {
		return []infra.Vuln{{Scanner: "nessus", Plugin: fmt.Sprint(port), Protocol: "tcp", Port: port, CVSS3Vector: remote}}
	}
	addr := func(ip string) []infra.Address { return []infra.Address{{Addr: ip, Type: "ipv4"}} }
	hosts := []infra.Host{
		{Key: "10.0.1.10", State: "up", Addresses: addr("10.0.1.10"), Names: []string{"web.example.org"}, Services: svc(443), Vulns: vuln(443)},
		{Key: "10.0.2.30", State: "up", Addresses: addr("10.0.2.30"), Services: svc(8080), Vulns: vuln(8080)},
		{Key: "10.0.2.20", State: "up", Addresses: addr("10.0.2.20"), Services: svc(5432), Vulns: vuln(5432)},
	}
	cfg := infra.Config{
		Zones: []infra.Zone{{Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}},
			{Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}},
			{Name: "internet", Subnets: []netip.Prefix{pfx("0.0.0.0/0")}}},
		Policy: infra.Policy{Rules: []infra.Rule{{From: "internet", To: "dmz", Ports: ports("tcp:443")},
			{From: "dmz", To: "lan", Ports: ports("tcp:5432,8080")}}},
		Hosts: []infra.HostRule{{Match: "10.0.2.20", Properties: infra.Properties{Criticality: infra.Criticality{Confidentiality: 5}, Role: infra.RoleDatabaseServer}}},
	}
	return hosts, cfg
}

func modelFile(t *testing.T) string {
	t.Helper()
	hosts, cfg := threeHosts()
	cfg.Apply(hosts)
	b, err := json.Marshal(infra.Model{Hosts: hosts, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func input(dataType, data, params, config string) []byte {
	d, _ := json.Marshal(data)
	return []byte(fmt.Sprintf(`{"data":%s,"dataType":%q,"tlp":2,"pap":2,"message":"","parameters":{%s},"config":{"samples":300,%s}}`,
		d, dataType, params, config))
}

func TestModes(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackGraph")
	file := fmt.Sprintf(`"model_file":%q`, modelFile(t))
	tests := []struct {
		name      string
		job       []byte
		level     string
		verdict   string // in the TTC taxonomy
		artifacts []string
	}{
		{"onward_from_web", input("ip", "10.0.1.10", "", file), "malicious", "p=1.00", []string{"10.0.2.20", "10.0.2.30"}},
		{"onward_by_name", input("fqdn", "web.example.org", "", file), "malicious", "p=1.00", []string{"10.0.2.20", "10.0.2.30"}},
		{"towards_critical", input("other", "*", "", `"mode":"towards",`+file), "malicious", "10.0.2.20", []string{"10.0.1.10"}},
		{"adversary_without_exploits", input("other", "*", `"mode":"adversary","techniques":"T1078,T1110"`, file), "safe", "nothing reached", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: tt.job}).Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatalf("error report: %s", rep.ErrorMessage)
			}
			tax := rep.Summary.Taxonomies
			if len(tax) == 0 || tax[0].Predicate != "TTC" || tax[0].Level != tt.level || !strings.Contains(fmt.Sprint(tax[0].Value), tt.verdict) {
				t.Errorf("taxonomies %+v, want TTC %s containing %q", tax, tt.level, tt.verdict)
			}
			var got []string
			for _, a := range rep.Artifacts {
				got = append(got, a.Data)
			}
			for _, want := range tt.artifacts {
				if !strings.Contains(strings.Join(got, " "), want) {
					t.Errorf("artifacts %v lack %s", got, want)
				}
			}
			if targets, _ := rep.Full["targets"].([]any); len(targets) == 0 {
				t.Errorf("full report has no targets: %v", rep.Full)
			}
			reached, total := rep.Full["targets_reached"].(float64), len(rep.Full["targets"].([]any))
			if want := fmt.Sprintf("%.0f/%d", reached, total); len(tax) < 2 || tax[1].Value != want || tt.level != "safe" && reached == 0 {
				t.Errorf("Reachable taxonomy %+v, want %s with something reached", tax, want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackGraph")
	file := fmt.Sprintf(`"model_file":%q`, modelFile(t))
	tests := []struct {
		name string
		job  []byte
		want string
	}{
		{"unknown_host", input("ip", "10.9.9.9", "", file), "SOCCRATES_InfraModel"},
		{"bad_mode", input("ip", "10.0.1.10", `"mode":"sideways"`, file), "not onward, towards or adversary"},
		{"adversary_without_techniques", input("other", "*", `"mode":"adversary"`, file), "techniques"},
		{"unknown_entry_zone", input("other", "*", `"mode":"towards"`, `"entry_zones":["wan"],`+file), "entry_zones"},
		{"missing_model_file", input("ip", "10.0.1.10", "", `"model_file":"/nonexistent/model.json"`), "model_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: tt.job}).Check(t, cortextest.Analyzer)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success %v, error %q; want an error mentioning %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
}

// TestFromKnowledgeStore reads the model from a SQLite store, as in a Cortex installation.
func TestFromKnowledgeStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "knowledge.db")
	ctx := context.Background()
	st, err := knowledge.Open(ctx, knowledge.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	hosts, cfg := threeHosts()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := st.SetInfraConfig(ctx, cfg, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	ports, _ := infra.ParsePortSet("tcp:1-65535")
	if _, err := st.Ingest(ctx, infra.Observation{Source: "nessus", ObservedAt: at, Digest: "d1", Hosts: hosts, Ports: ports, VulnScan: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	bin := cortextest.Build(t, "./analyzers/AttackGraph")
	rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: input("ip", "10.0.1.10", "", fmt.Sprintf(`"store":%q`, path))}).Check(t, cortextest.Analyzer)
	if !rep.Success {
		t.Fatalf("error report: %s", rep.ErrorMessage)
	}
	if steps, _ := rep.Full["steps"].(float64); steps == 0 {
		t.Errorf("no steps compiled from the store: %v", rep.Full)
	}
	if len(rep.Artifacts) == 0 {
		t.Error("no hosts on critical paths")
	}
}

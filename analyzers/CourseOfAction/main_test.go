package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

const remote = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

// modelFile: the internet reaches a web server in the DMZ on 443, the DMZ a critical
// database in the LAN on 5432; both have remote exploits.
func modelFile(t *testing.T) string {
	t.Helper()
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	host := func(ip, zone string, port int) infra.Host {
		return infra.Host{Key: ip, State: "up", Zone: zone, Addresses: []infra.Address{{Addr: ip, Type: "ipv4"}},
			Services: []infra.Service{{Protocol: "tcp", Port: port, State: "open"}},
			Vulns:    []infra.Vuln{{Scanner: "nessus", Plugin: fmt.Sprint(port), Protocol: "tcp", Port: port, CVSS3Vector: remote}}}
	}
	db := host("10.0.2.20", "lan", 5432)
	db.Properties.Role = infra.RoleDatabaseServer
	m := infra.Model{Hosts: []infra.Host{host("10.0.1.10", "dmz", 443), db},
		Config: infra.Config{
			Zones: []infra.Zone{{Name: "internet"}, {Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}},
				{Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}}},
			Policy: infra.Policy{Rules: []infra.Rule{{From: "internet", To: "dmz", Ports: ports("tcp:443")},
				{From: "dmz", To: "lan", Ports: ports("tcp:5432")}}}}}
	return writeJSON(t, "model.json", m)
}

func writeJSON(t *testing.T, name string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func input(data, params, config string) []byte {
	d, _ := json.Marshal(data)
	return []byte(fmt.Sprintf(`{"data":%s,"dataType":"other","tlp":2,"pap":2,"message":"","parameters":{%s},"config":{"screen_samples":100,"final_samples":300,%s}}`,
		d, params, config))
}

func TestProposals(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/CourseOfAction")
	file := fmt.Sprintf(`"model_file":%q`, modelFile(t))
	costs := writeJSON(t, "costs.json", map[string]any{"currency": "SEK",
		"defences": map[string]any{"ConnectionRule.restricted": map[string]float64{"cost": 20000, "days": 1}}})
	validator, err := cacao.NewValidator(cacao.SchemaSource{Bundled: os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")),
		OpenC2: os.DirFS(testenv.Outside(t, testenv.OASISOpenC2Schemas))})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		job      []byte
		metric   string
		currency string
		want     string // a defence the largest budget's proposal holds
	}{
		{"ttc_with_defaults", input("*", "", file), "ttc", "EUR", "rule:dmz->lan:5432/tcp.restricted"},
		{"own_cost_table", input("*", `"budget":"3000"`, fmt.Sprintf(`"cost_table_file":%q,`, costs)+file), "ttc", "SEK", ".notPresent"},
		{"risk_with_impact", input("*", "", `"impact_by_host":["10.0.2.20=250000"],`+file), "risk", "EUR", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: tt.job}).Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatalf("error report: %s", rep.ErrorMessage)
			}
			var res struct {
				Metric    string `json:"metric"`
				Currency  string `json:"currency"`
				Proposals []struct {
					Defences []string        `json:"defences"`
					Cost     float64         `json:"cost"`
					Budget   float64         `json:"budget"`
					Gain     float64         `json:"gain"`
					Playbook json.RawMessage `json:"playbook"`
				} `json:"proposals"`
			}
			b, _ := json.Marshal(rep.Full)
			if err := json.Unmarshal(b, &res); err != nil || len(res.Proposals) == 0 {
				t.Fatalf("full report %s: %v", b, err)
			}
			last := res.Proposals[len(res.Proposals)-1]
			if res.Metric != tt.metric || res.Currency != tt.currency || last.Gain <= 0 || last.Cost > last.Budget {
				t.Errorf("metric %s %s, last proposal %+v", res.Metric, res.Currency, last)
			}
			if !strings.Contains(strings.Join(last.Defences, " "), tt.want) {
				t.Errorf("defences %v lack %s", last.Defences, tt.want)
			}
			if err := validator.Validate(last.Playbook); err != nil {
				t.Errorf("playbook: %v", err)
			}
			if tax := rep.Summary.Taxonomies; len(tax) != 2 || tax[0].Predicate != "CoA" {
				t.Errorf("taxonomies %+v", tax)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/CourseOfAction")
	file := fmt.Sprintf(`"model_file":%q`, modelFile(t))
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"items":{"a.x":{"cost":-5}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		job  []byte
		want string
	}{
		{"bad_mode", input("*", `"mode":"sideways"`, file), "not towards or onward"},
		{"onward_without_host", input("*", `"mode":"onward"`, file), "compromised host"},
		{"bad_budget", input("*", `"budget":"lots"`, file), "parameter budget"},
		{"bad_impact", input("*", "", `"impact_by_host":["db"],`+file), "host=amount"},
		{"unknown_impact_host", input("*", "", `"impact_by_host":["10.9.9.9=5"],`+file), "SOCCRATES_InfraModel"},
		{"bad_cost_table", input("*", "", fmt.Sprintf(`"cost_table_file":%q,`, bad)+file), "cost_table_file"},
		{"missing_model_file", input("*", "", `"model_file":"/nonexistent/model.json"`), "model_file"},
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

package coa

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

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

const remote = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

// enterprise: a web server in the DMZ open to the internet on 443, a database in the LAN
// open to the DMZ on 5432, both with a remote exploit; the database is critical.
func enterprise() infra.Model {
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	return infra.Model{
		Hosts: []infra.Host{
			{Key: "10.0.1.10", State: "up", Zone: "dmz", Services: []infra.Service{{Protocol: "tcp", Port: 443, State: "open"}},
				Vulns: []infra.Vuln{{Scanner: "nessus", Plugin: "p1", CVEs: []string{"CVE-2026-0001"}, Protocol: "tcp", Port: 443, CVSS3Vector: remote}}},
			{Key: "10.0.2.20", State: "up", Zone: "lan", Services: []infra.Service{{Protocol: "tcp", Port: 5432, State: "open"}},
				Vulns:      []infra.Vuln{{Scanner: "nessus", Plugin: "p2", Protocol: "tcp", Port: 5432, CVSS3Vector: remote}},
				Properties: infra.Properties{Criticality: infra.Criticality{Confidentiality: 5}}},
		},
		Config: infra.Config{
			Zones: []infra.Zone{{Name: "internet"}, {Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}},
				{Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}}},
			Policy: infra.Policy{Rules: []infra.Rule{{From: "internet", To: "dmz", Ports: ports("tcp:443")},
				{From: "dmz", To: "lan", Ports: ports("tcp:5432")}}},
		},
	}
}

func fixedPlaybook() PlaybookOptions {
	n := 0
	return PlaybookOptions{Now: func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) },
		NewID: func() string { n++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }}
}

func TestGenerateOnInfrastructure(t *testing.T) {
	t.Parallel()
	p, err := FromInfra(enterprise(), infragraph.Config{Mode: infragraph.Towards}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(context.Background(), p, Config{Budgets: []float64{0, 600, 5000}, ScreenSamples: 100,
		FinalSamples: 300, Playbook: fixedPlaybook()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Metric != "ttc" || res.ScreenSamples != 100 || res.FinalSamples != 300 || len(res.Proposals) != 3 {
		t.Fatalf("metric %s, samples %d/%d, %d proposals", res.Metric, res.ScreenSamples, res.FinalSamples, len(res.Proposals))
	}
	kinds := map[string]bool{}
	for _, c := range res.Candidates {
		kinds[c.Kind] = true
	}
	if !kinds["ConnectionRule.restricted"] || !kinds["SoftwareVulnerability.notPresent"] {
		t.Errorf("candidate kinds %v, want firewall filters and patches", kinds)
	}
	for _, prop := range res.Proposals {
		if prop.Cost > prop.Budget {
			t.Errorf("budget %v: cost %v over budget", prop.Budget, prop.Cost)
		}
		if prop.Gain < -1e-9 {
			t.Errorf("budget %v: negative gain %v", prop.Budget, prop.Gain)
		}
	}
	if len(res.Proposals[0].Defences) != 0 || res.Proposals[0].Playbook != nil {
		t.Errorf("zero budget proposes %v", res.Proposals[0].Defences)
	}
	full := res.Proposals[2]
	if full.Gain <= 0 || full.Method != "exact" || len(full.Changes) != len(full.Defences) {
		t.Errorf("budget 5000: gain %v by %s, %d changes for %d defences", full.Gain, full.Method, len(full.Changes), len(full.Defences))
	}
	validate(t, full.Playbook)
}

// validate checks a playbook against the bundled CACAO schemas.
func validate(t *testing.T, pb json.RawMessage) {
	t.Helper()
	if pb == nil {
		t.Fatal("no playbook")
	}
	src := cacao.SchemaSource{Bundled: os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas"))}
	if err := cacao.Validate(pb, src); err != nil {
		t.Fatalf("playbook does not validate: %v\n%s", err, pb)
	}
}

func TestRestrictionBecomesOpenC2(t *testing.T) {
	t.Parallel()
	m := enterprise()
	ch := infraDescriber(m)(Candidate{Ref: "rule:dmz->lan:5432/tcp.restricted", Kind: "ConnectionRule.restricted"})
	if len(ch.Flows) != 1 || ch.Flows[0].Src.String() != "10.0.1.0/24" || ch.Flows[0].Dst.String() != "10.0.2.0/24" || ch.Flows[0].DstPort != 5432 {
		t.Fatalf("flows %+v", ch.Flows)
	}
	patch := infraDescriber(m)(Candidate{Ref: "vuln:10.0.1.10|nessus/p1/443/tcp#0.notPresent", Kind: "SoftwareVulnerability.notPresent"})
	if !strings.Contains(patch.Text, "CVE-2026-0001") || !strings.Contains(patch.Text, "10.0.1.10") {
		t.Errorf("patch text %q", patch.Text)
	}
	prop := Proposal{Budget: 1000, Method: "exact", Defences: []string{"rule:dmz->lan:5432/tcp.restricted", "vuln:x.notPresent"}}
	pb, err := playbook(fixedPlaybook(), prop, []Change{ch, patch}, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	validate(t, pb)
	parsed, err := cacao.Parse(pb)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := parsed.Messages()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%d OpenC2 messages (%v), want the one deny", len(msgs), err)
	}
}

func TestRiskMetric(t *testing.T) {
	t.Parallel()
	p, err := FromInfra(enterprise(), infragraph.Config{Mode: infragraph.Towards}, map[string]float64{"10.0.2.20": 100000})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(context.Background(), p, Config{Budgets: []float64{3000}, ScreenSamples: 100, FinalSamples: 200,
		Playbook: fixedPlaybook()})
	if err != nil {
		t.Fatal(err)
	}
	prop := res.Proposals[0]
	if res.Metric != "risk" || res.Before.Risk == nil || prop.After.Risk == nil {
		t.Fatalf("metric %s, risk before %v after %v", res.Metric, res.Before.Risk, prop.After.Risk)
	}
	if *res.Before.Risk <= 0 || *prop.After.Risk >= *res.Before.Risk {
		t.Errorf("risk %v -> %v, want a reduction from a positive risk", *res.Before.Risk, *prop.After.Risk)
	}
	if _, err := FromInfra(enterprise(), infragraph.Config{Mode: infragraph.Towards}, map[string]float64{"10.9.9.9": 1}); err == nil {
		t.Error("impact for an unknown host accepted")
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	g, err := attackgraph.NewBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		p    Problem
		cfg  Config
		want string
	}{
		{"no_graph", Problem{}, Config{Budgets: []float64{1}}, "no attack graph"},
		{"no_targets", Problem{Graph: g}, Config{Budgets: []float64{1}}, "no target"},
		{"no_budget", Problem{Graph: g, Sim: attackgraph.Config{Targets: []attackgraph.StepID{0}}}, Config{}, "no budget"},
		{"too_many_candidates", Problem{Graph: g, Sim: attackgraph.Config{Targets: []attackgraph.StepID{0}}},
			Config{Budgets: []float64{1}, MaxCandidates: 65}, "above 64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Generate(context.Background(), tc.p, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

package main

import (
	"context"
	"encoding/json"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// seedStore writes a two-host infrastructure (a web server in the DMZ that reaches a database
// in the LAN through a remote exploit) and a business model (online sales on the web server,
// billing on the database) into a SQLite store, through the writers InfraModel and
// BusinessImpact use.
func seedStore(t *testing.T, withBusiness bool) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "knowledge.db")
	st, err := knowledge.Open(ctx, knowledge.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	cfg := infra.Config{Zones: []infra.Zone{{Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}},
		{Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}}},
		Policy: infra.Policy{Rules: []infra.Rule{{From: "dmz", To: "lan", Ports: ports("tcp:5432")}}}}
	if err := st.SetInfraConfig(ctx, cfg, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	host := func(addr string, port int, vuln bool) infra.Host {
		h := infra.Host{State: "up", Addresses: []infra.Address{{Addr: addr, Type: "ipv4"}},
			Services: []infra.Service{{Protocol: "tcp", Port: port, State: "open"}}}
		if vuln {
			h.Vulns = []infra.Vuln{{Scanner: "nessus", Plugin: "p2", Protocol: "tcp", Port: port,
				CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
		}
		h.Key = infra.HostKey(h.Addresses, nil)
		return h
	}
	obs := infra.Observation{Source: "nessus", ObservedAt: at, Digest: "seed-1", VulnScan: true,
		Hosts: []infra.Host{host("10.0.1.10", 443, false), host("10.0.2.20", 5432, true)}}
	if _, err := st.Ingest(ctx, obs); err != nil {
		t.Fatal(err)
	}
	if !withBusiness {
		return path
	}
	el := func(id, typ, props string) knowledge.BusinessElement {
		return knowledge.BusinessElement{ID: id, Type: typ, Name: id, Properties: json.RawMessage(props)}
	}
	bm := knowledge.BusinessModel{ValidFrom: at, Source: "hand",
		Elements: []knowledge.BusinessElement{el("web-node", "Node", `{}`), el("db-node", "Node", `{}`),
			el("Online sales", "BusinessProcess", `{"loss_per_hour":"1000","criticality":"5"}`),
			el("Billing", "BusinessProcess", `{"loss_per_hour":"400","criticality":"3"}`)},
		Relations: []knowledge.BusinessRelation{{ID: "r1", Type: "Serving", Source: "web-node", Target: "Online sales"},
			{ID: "r2", Type: "Serving", Source: "db-node", Target: "Billing"}},
		Assets: []knowledge.AssetLink{{Element: "web-node", Host: "10.0.1.10"}, {Element: "db-node", Host: "10.0.2.20"}}}
	if _, err := st.PutBusinessModel(ctx, bm); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRORIFromTheStore(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/ResponsePlanner")
	victim := `{"ip":"10.0.1.10","stage":{"shortname":"lateral-movement"},"attackers":["198.51.100.23"],"c2_names":["c2.evil.example"]}`
	store, _ := json.Marshal(seedStore(t, true))
	rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: input("other", victim,
		`"store":`+string(store)+`,"samples":300,"aiv":1000,"currency":"EUR"`)}).Check(t, cortextest.Analyzer)
	if !rep.Success {
		t.Fatalf("error report: %s", rep.ErrorMessage)
	}
	var full struct {
		RORI struct {
			Computed    bool    `json:"computed"`
			ALE         float64 `json:"ale"`
			LossPerHour float64 `json:"loss_per_hour"`
		} `json:"rori"`
		CoAs []struct {
			Kind string `json:"kind"`
			Rank int    `json:"rank"`
			RORI struct {
				RORI        *float64 `json:"rori"`
				ARC         float64  `json:"arc"`
				SideEffects []struct {
					Process string `json:"process"`
				} `json:"side_effects"`
			} `json:"rori"`
		} `json:"coas"`
	}
	b, _ := json.Marshal(rep.Full)
	if err := json.Unmarshal(b, &full); err != nil {
		t.Fatal(err)
	}
	if !full.RORI.Computed || full.RORI.LossPerHour != 400 || full.RORI.ALE <= 0 {
		t.Fatalf("rori %+v: want computed, billing's 400 per hour at stake", full.RORI)
	}
	if len(full.CoAs) != 3 {
		t.Fatalf("%d CoAs, want 3", len(full.CoAs))
	}
	for i, c := range full.CoAs {
		if c.RORI.RORI == nil || c.Rank != i+1 || i > 0 && *full.CoAs[i-1].RORI.RORI < *c.RORI.RORI {
			t.Errorf("CoA %d %s (rank %d, rori %v) is not in RORI order", i, c.Kind, c.Rank, c.RORI.RORI)
		}
		if c.Kind == "contain_host" && (len(c.RORI.SideEffects) != 1 || c.RORI.SideEffects[0].Process != "Online sales" || c.RORI.ARC != 24500) {
			t.Errorf("contain_host %+v: want online sales lost for 24 h on top of the cost, ARC 24500", c.RORI)
		}
	}
	tax, _ := json.Marshal(rep.Summary.Taxonomies)
	if !strings.Contains(string(tax), `"RORI"`) || !strings.Contains(string(tax), full.CoAs[0].Kind) {
		t.Errorf("taxonomies %s: want the best RORI, of %s", tax, full.CoAs[0].Kind)
	}
}

func TestRORINotComputedSaysWhy(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/ResponsePlanner")
	victim := `{"ip":"10.0.1.10","stage":{"shortname":"lateral-movement"},"attackers":["198.51.100.23"]}`
	noBusiness, _ := json.Marshal(seedStore(t, false))
	tests := []struct {
		name, config, want string
	}{
		{"no_store", "", "no knowledge store is configured"},
		{"no_business_model", `"store":` + string(noBusiness), "no business model"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: input("other", victim, tc.config)}).Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatalf("error report: %s", rep.ErrorMessage)
			}
			rori, _ := rep.Full["rori"].(map[string]any)
			if rori["computed"] != false || !strings.Contains(rori["reason"].(string), tc.want) {
				t.Errorf("rori %v: want not computed, saying %q", rori, tc.want)
			}
			for _, c := range rep.Full["coas"].([]any) {
				if _, ok := c.(map[string]any)["rori"]; ok {
					t.Errorf("CoA %v carries a RORI that was not computed", c)
				}
			}
		})
	}
}

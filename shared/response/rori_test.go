package response

import (
	"context"
	"encoding/json"
	"math"
	"net/netip"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

func TestRORIWorkedExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   RORIInputs
		want float64
	}{
		// (10000 × 0.9 − 500) / (500 + 0) × 100 = 8500 / 500 × 100
		{"no_infrastructure_value", RORIInputs{ALE: 10000, RM: 0.9, ARC: 500}, 1700},
		// (10000 × 0.5 − 1000) / (1000 + 9000) × 100 = 4000 / 10000 × 100
		{"with_infrastructure_value", RORIInputs{ALE: 10000, RM: 0.5, ARC: 1000, AIV: 9000}, 40},
		// (0 − 200) / (200 + 800) × 100: nothing at stake, the cost is lost
		{"nothing_at_stake", RORIInputs{ALE: 0, RM: 1, ARC: 200, AIV: 800}, -20},
		// (2400 × 0.25 − 600) / 600 × 100: break-even
		{"break_even", RORIInputs{ALE: 2400, RM: 0.25, ARC: 600}, 0},
		// only the infrastructure value in the denominator: (1000 × 1 − 0) / 4000 × 100
		{"free_response", RORIInputs{ALE: 1000, RM: 1, AIV: 4000}, 25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := RORI(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("RORI(%+v) = %g, want %g", tc.in, got, tc.want)
			}
		})
	}
}

func TestRORIRefusesMeaninglessInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   RORIInputs
		want string
	}{
		{"zero_denominator", RORIInputs{ALE: 100, RM: 1}, "ARC + AIV is 0"},
		{"rm_above_one", RORIInputs{ALE: 100, RM: 1.5, ARC: 1}, "outside 0 to 1"},
		{"negative_ale", RORIInputs{ALE: -1, RM: 0.5, ARC: 1}, "must not be negative"},
		{"nan", RORIInputs{ALE: math.NaN(), RM: 0.5, ARC: 1}, "finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := RORI(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("RORI(%+v) error %v, want one containing %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestParseCosts(t *testing.T) {
	t.Parallel()
	got, err := ParseCosts([]string{"contain_host=800, 2, 0.9", ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Cost{Cost: 800, DeployHours: 2, Effectiveness: 0.9}); got[KindContainHost] != want {
		t.Errorf("contain_host = %+v, want %+v", got[KindContainHost], want)
	}
	if got[KindDenyAttacker] != DefaultCosts[KindDenyAttacker] {
		t.Errorf("deny_attacker = %+v, want the default %+v", got[KindDenyAttacker], DefaultCosts[KindDenyAttacker])
	}
	for _, bad := range []string{"patch_host=1,1,1", "contain_host=1,1", "contain_host=1,-1,0.5", "contain_host=1,1,1.5", "contain_host"} {
		if _, err := ParseCosts([]string{bad}); err == nil {
			t.Errorf("ParseCosts(%q) accepted it", bad)
		}
	}
}

func FuzzParseCosts(f *testing.F) {
	for _, s := range []string{"contain_host=500,1,0.95", "deny_attacker=0,0,0", "block_c2_name=1e3,0.5,1", "x=1,2,3", "=,,", "contain_host=NaN,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		costs, err := ParseCosts([]string{line})
		if err != nil {
			return
		}
		for k, c := range costs {
			if c.Cost < 0 || c.DeployHours < 0 || c.Effectiveness < 0 || c.Effectiveness > 1 || math.IsNaN(c.Cost) {
				t.Fatalf("%q gave %s %+v", line, k, c)
			}
		}
	})
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	times := []float64{1, 2, 3, 4}
	tests := []struct {
		name  string
		times []float64
		delay float64
		want  float64
	}{
		{"before_everything", times, 0, 1},
		{"between", times, 2.5, 0.5},
		{"at_a_sample", times, 2, 0.5},
		{"too_late", times, 5, 0},
		{"never_reached", nil, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := coverage(tc.times, tc.delay); got != tc.want {
				t.Errorf("coverage(%v, %g) = %g, want %g", tc.times, tc.delay, got, tc.want)
			}
		})
	}
}

func TestRankCoAsOrdersByRORI(t *testing.T) {
	t.Parallel()
	v := func(x float64) *CoARORI { return &CoARORI{RORI: &x} }
	coas := []CoA{{ID: "a", RORI: v(-10)}, {ID: "b", RORI: &CoARORI{}}, {ID: "c", RORI: v(300)}, {ID: "d"}, {ID: "e", RORI: v(40)}}
	rankCoAs(coas)
	var got []string
	for i, c := range coas {
		got = append(got, c.ID)
		if c.Rank != i+1 {
			t.Errorf("%s has rank %d at place %d", c.ID, c.Rank, i+1)
		}
	}
	if strings.Join(got, "") != "ceabd" {
		t.Errorf("order %v, want c e a, then b d in planned order", got)
	}
}

// rankInfra: the compromised web server 10.0.1.10 in the DMZ, and a
// database 10.0.2.20 in the LAN that it reaches through a remote exploit.
func rankInfra() infra.Model {
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	remote := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	return infra.Model{
		Version: 3,
		Hosts: []infra.Host{
			{Key: "10.0.1.10", State: "up", Zone: "dmz", Addresses: []infra.Address{{Addr: "10.0.1.10", Type: "ipv4"}},
				Services: []infra.Service{{Protocol: "tcp", Port: 443, State: "open"}}},
			{Key: "10.0.2.20", State: "up", Zone: "lan", Addresses: []infra.Address{{Addr: "10.0.2.20", Type: "ipv4"}},
				Services: []infra.Service{{Protocol: "tcp", Port: 5432, State: "open"}},
				Vulns:    []infra.Vuln{{Plugin: "p2", Protocol: "tcp", Port: 5432, CVSS3Vector: remote}}},
		},
		Config: infra.Config{
			Zones: []infra.Zone{{Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}},
				{Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}}},
			Policy: infra.Policy{Rules: []infra.Rule{{From: "dmz", To: "lan", Ports: ports("tcp:5432")}}},
		},
	}
}

// rankBusiness: online sales (1,000 an hour) runs on the web server,
// billing (400 an hour) on the database.
func rankBusiness(webMapped bool) knowledge.BusinessModel {
	el := func(id, typ, props string) knowledge.BusinessElement {
		return knowledge.BusinessElement{ID: id, Type: typ, Name: id, Properties: json.RawMessage(props)}
	}
	m := knowledge.BusinessModel{Version: 7, Source: "hand",
		Elements: []knowledge.BusinessElement{el("web-node", "Node", `{}`), el("db-node", "Node", `{}`),
			el("Online sales", "BusinessProcess", `{"loss_per_hour":"1000","criticality":"5"}`),
			el("Billing", "BusinessProcess", `{"loss_per_hour":"400","criticality":"3"}`)},
		Relations: []knowledge.BusinessRelation{{ID: "r1", Type: "Serving", Source: "web-node", Target: "Online sales"},
			{ID: "r2", Type: "Serving", Source: "db-node", Target: "Billing"}},
		Assets: []knowledge.AssetLink{{Element: "db-node", Host: "10.0.2.20"}},
	}
	if webMapped {
		m.Assets = append(m.Assets, knowledge.AssetLink{Element: "web-node", Host: "10.0.1.10"})
	}
	return m
}

func rankedPlan(t *testing.T, m Models, cfg RORIConfig) *Result {
	t.Helper()
	res, err := Plan(context.Background(), Incident{Host: "10.0.1.10", Stage: "lateral-movement",
		Attackers: []string{"198.51.100.23"}, C2Names: []string{"c2.evil.example"}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Rank(context.Background(), res, m, cfg); err != nil {
		t.Fatal(err)
	}
	return res
}

func coaOf(t *testing.T, res *Result, k Kind) CoA {
	t.Helper()
	for _, c := range res.CoAs {
		if c.Kind == k {
			return c
		}
	}
	t.Fatalf("no %s CoA in %+v", k, res.CoAs)
	return CoA{}
}

func TestRankWithSideEffects(t *testing.T) {
	t.Parallel()
	res := rankedPlan(t, Models{Infra: rankInfra(), Business: rankBusiness(true)}, RORIConfig{Samples: 400, Seed: 1, AIV: 1000})
	a := res.RORI
	if !a.Computed || len(a.Reached) != 1 || a.Reached[0].Host != "10.0.2.20" || a.Reached[0].TTCHours == nil {
		t.Fatalf("assessment %+v: want the database reached, with a median", a)
	}
	// Only billing is lost onward: the web server's own processes are already the attacker's.
	if a.LossPerHour != 400 || math.Abs(a.ALE-400**a.Reached[0].TTCHours) > 1e-6 || a.TTCHours != *a.Reached[0].TTCHours {
		t.Errorf("ALE %g from %g per hour × %g h, want 400 per hour × the database's median", a.ALE, a.LossPerHour, a.TTCHours)
	}

	// Isolating the web server stops online sales for 24 hours: 24,000 on top of its cost of 500.
	contain := coaOf(t, res, KindContainHost).RORI
	if len(contain.SideEffects) != 1 || contain.SideEffects[0].Process != "Online sales" || contain.SideEffectLoss != 24000 {
		t.Errorf("side effects %+v (loss %g), want online sales for 24 000", contain.SideEffects, contain.SideEffectLoss)
	}
	if contain.ARC != 24500 || contain.AIV != 1000 {
		t.Errorf("contain_host ARC %g AIV %g, want 24500 and 1000", contain.ARC, contain.AIV)
	}
	for _, c := range res.CoAs {
		r := c.RORI
		if r == nil || r.RORI == nil {
			t.Fatalf("%s has no RORI: %+v", c.Kind, r)
		}
		want := (r.ALE*r.RM - r.ARC) / (r.ARC + r.AIV) * 100
		if math.Abs(*r.RORI-want) > 1e-9 || math.Abs(r.RM-r.Coverage*r.Cost.Effectiveness) > 1e-12 {
			t.Errorf("%s RORI %g from inputs %+v, want %g", c.Kind, *r.RORI, r.RORIInputs, want)
		}
		if r.Coverage <= 0 || r.Coverage > 1 {
			t.Errorf("%s coverage %g, want in (0, 1]", c.Kind, r.Coverage)
		}
	}

	// The cheap denials outrank the isolation that halts the main revenue.
	if res.CoAs[len(res.CoAs)-1].Kind != KindContainHost {
		t.Errorf("ranking %v: want contain_host last", kinds(res))
	}
	for i := 1; i < len(res.CoAs); i++ {
		if *res.CoAs[i-1].RORI.RORI < *res.CoAs[i].RORI.RORI || res.CoAs[i].Rank != i+1 {
			t.Errorf("CoA %d (%s, rank %d) is out of RORI order", i, res.CoAs[i].Kind, res.CoAs[i].Rank)
		}
	}
}

func TestRankUnmappedHostHasNoSideEffect(t *testing.T) {
	t.Parallel()
	res := rankedPlan(t, Models{Infra: rankInfra(), Business: rankBusiness(false)}, RORIConfig{Samples: 200, Seed: 2, AIV: 100000})
	contain := coaOf(t, res, KindContainHost).RORI
	if contain.SideEffectLoss != 0 || len(contain.SideEffects) != 0 || !strings.Contains(contain.Note, "no element") {
		t.Errorf("contain_host %+v: want no side effect and a note saying why", contain)
	}
	if contain.ARC != DefaultCosts[KindContainHost].Cost {
		t.Errorf("ARC %g, want the table's %g", contain.ARC, DefaultCosts[KindContainHost].Cost)
	}
	// Without side effects, and with an infrastructure value that dwarfs the costs, the most
	// effective response ranks first.
	if res.CoAs[0].Kind != KindContainHost {
		t.Errorf("ranking %v: want contain_host first", kinds(res))
	}
}

func TestRankHostOutsideTheModel(t *testing.T) {
	t.Parallel()
	m := rankInfra()
	m.Hosts = m.Hosts[1:]
	res := rankedPlan(t, Models{Infra: m, Business: rankBusiness(true)}, RORIConfig{})
	if res.RORI.Computed || !strings.Contains(res.RORI.Reason, "not in the infrastructure model") {
		t.Errorf("assessment %+v: want not computed, with the reason", res.RORI)
	}
	for i, c := range res.CoAs {
		if c.RORI != nil || c.Rank != 0 || c.ID != "coa-"+string(rune('1'+i)) {
			t.Errorf("CoA %+v changed although RORI was not computed", c)
		}
	}
}

func TestRankCoAWithoutCommands(t *testing.T) {
	t.Parallel()
	res, err := Plan(context.Background(), Incident{Host: "10.0.1.10", Stage: "command-and-control"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Rank(context.Background(), res, Models{Infra: rankInfra(), Business: rankBusiness(true)}, RORIConfig{Samples: 200}); err != nil {
		t.Fatal(err)
	}
	block := coaOf(t, res, KindBlockC2Name)
	if block.RORI.RORI != nil || block.RORI.Reason == "" || block.Rank != len(res.CoAs) {
		t.Errorf("block_c2_name without names: %+v rank %d, want no RORI, a reason, ranked last", block.RORI, block.Rank)
	}
}

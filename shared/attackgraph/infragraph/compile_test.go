package infragraph

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"sort"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/mal"
	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// smallModel: a web server in the DMZ reachable from the internet on 443 with a remote
// exploit, and a database in the LAN reachable from the DMZ on 5432 with dbVector.
func smallModel(dbVector string) infra.Model {
	pfx := netip.MustParsePrefix
	ports := func(s string) infra.PortSet { p, _ := infra.ParsePortSet(s); return p }
	return infra.Model{
		Hosts: []infra.Host{
			{Key: "10.0.1.10", State: "up", Zone: "dmz", Services: []infra.Service{{Protocol: "tcp", Port: 443, State: "open"}},
				Vulns: []infra.Vuln{{Plugin: "p1", Protocol: "tcp", Port: 443, CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}},
			{Key: "10.0.2.20", State: "up", Zone: "lan", Services: []infra.Service{{Protocol: "tcp", Port: 5432, State: "open"}},
				Vulns:      []infra.Vuln{{Plugin: "p2", Protocol: "tcp", Port: 5432, CVSS3Vector: dbVector}},
				Properties: infra.Properties{Criticality: infra.Criticality{Confidentiality: 5}}},
		},
		Config: infra.Config{
			Zones: []infra.Zone{{Name: "internet", Subnets: []netip.Prefix{pfx("0.0.0.0/0")}},
				{Name: "dmz", Subnets: []netip.Prefix{pfx("10.0.1.0/24")}}, {Name: "lan", Subnets: []netip.Prefix{pfx("10.0.2.0/24")}}},
			Policy: infra.Policy{Rules: []infra.Rule{{From: "internet", To: "dmz", Ports: ports("tcp:443")},
				{From: "dmz", To: "lan", Ports: ports("tcp:5432")}}},
		},
	}
}

const remote = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

func TestCompileObjectsAndLinks(t *testing.T) {
	t.Parallel()
	c, err := Compile(smallModel(remote))
	if err != nil {
		t.Fatal(err)
	}
	var objs []string
	for _, o := range c.Model.Objects {
		objs = append(objs, o.Type+" "+o.Name)
	}
	sort.Strings(objs)
	want := []string{
		"Application host:10.0.1.10", "Application host:10.0.2.20",
		"Application service:10.0.1.10|443/tcp", "Application service:10.0.2.20|5432/tcp",
		"ConnectionRule rule:dmz->lan:5432/tcp", "ConnectionRule rule:internet->dmz:443/tcp",
		"Data data:10.0.2.20",
		"Network zone:", "Network zone:dmz", "Network zone:internet", "Network zone:lan",
		"SoftwareVulnerability vuln:10.0.1.10|/p1/443/tcp#0", "SoftwareVulnerability vuln:10.0.2.20|/p2/5432/tcp#0",
	}
	if !reflect.DeepEqual(objs, want) {
		t.Errorf("objects\n got %q\nwant %q", objs, want)
	}
	if len(c.Model.Links) != 14 {
		t.Errorf("%d links, want 14: %+v", len(c.Model.Links), c.Model.Links)
	}
	if s := c.Report.Summary(); len(s) != 0 {
		t.Errorf("unmapped: %v", s)
	}

	// Every object contributes exactly its coreLang steps.
	lang, _ := mal.CoreLang()
	steps := 0
	for _, o := range c.Model.Objects {
		a, _ := lang.Asset(o.Type)
		steps += len(a.StepNames())
	}
	if c.Graph.Len() != steps {
		t.Errorf("%d steps, want %d", c.Graph.Len(), steps)
	}
}

func TestCompileEdges(t *testing.T) {
	t.Parallel()
	c, err := Compile(smallModel(remote))
	if err != nil {
		t.Fatal(err)
	}
	web, db := "service:10.0.1.10|443/tcp", "service:10.0.2.20|5432/tcp"
	vuln := "vuln:10.0.1.10|/p1/443/tcp#0"
	cases := []struct {
		from, fromStep, to, toStep string
		want                       bool
	}{
		{"zone:internet", "accessUninspected", "rule:internet->dmz:443/tcp", "attemptConnectToApplicationsUninspected", true},
		{"rule:internet->dmz:443/tcp", "connectToApplicationsUninspected", web, "networkConnectUninspected", true},
		{web, "networkConnectUninspected", vuln, "networkAccessAchieved", true},
		{vuln, "networkAccessRequired", vuln, "networkAccessAchieved", true},
		{vuln, "read", web, "read", true},
		{web, "fullAccess", "host:10.0.1.10", "localConnect", true},
		{"zone:dmz", "accessUninspected", "rule:dmz->lan:5432/tcp", "attemptConnectToApplicationsUninspected", true},
		{"zone:internet", "accessUninspected", db, "networkConnectUninspected", false},
		{"zone:internet", "accessUninspected", "rule:dmz->lan:5432/tcp", "attemptConnectToApplicationsUninspected", false},
	}
	for _, tc := range cases {
		from, ok1 := c.Graph.Lookup(tc.from, tc.fromStep)
		to, ok2 := c.Graph.Lookup(tc.to, tc.toStep)
		if !ok1 || !ok2 {
			t.Errorf("%s.%s or %s.%s missing", tc.from, tc.fromStep, tc.to, tc.toStep)
			continue
		}
		has := false
		for _, ch := range c.Graph.Children(from) {
			has = has || attackgraph.StepID(ch) == to
		}
		if has != tc.want {
			t.Errorf("edge %s.%s -> %s.%s: %v, want %v", tc.from, tc.fromStep, tc.to, tc.toStep, has, tc.want)
		}
	}
}

func TestCompiledReachability(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		dbVector string
		restrict bool
		reached  bool
	}{
		{"remote_exploit_reaches_db", remote, false, true},
		{"privileges_required_stop_it", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", false, false},
		{"restricted_rule_needs_bypass", remote, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(smallModel(tc.dbVector))
			if err != nil {
				t.Fatal(err)
			}
			entry, _ := c.ZoneStep("internet", "accessUninspected")
			target, _ := c.Graph.Lookup("service:10.0.2.20|5432/tcp", "fullAccess")
			def := attackgraph.Defences{}
			if tc.restrict {
				r, _ := c.Graph.Lookup("rule:dmz->lan:5432/tcp", "restricted")
				def[r] = true
			}
			s, err := attackgraph.NewSimulator(c.Graph, attackgraph.Config{Samples: 400, Seed: 1,
				Entries: []attackgraph.StepID{entry}, Targets: []attackgraph.StepID{target}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Run(context.Background(), def)
			if err != nil {
				t.Fatal(err)
			}
			tr := res.Targets[0]
			if (tr.Probability > 0) != tc.reached {
				t.Fatalf("probability %v, reached want %v", tr.Probability, tc.reached)
			}
			if !tc.reached {
				return
			}
			// Two exploits of 1 day mean each: the median of their sum is about 1.68 days; a
			// restricted rule adds a bypass (VeryHardAndUncertain), far slower and often impossible.
			if !tc.restrict && (tr.P50 < 1.2 || tr.P50 > 2.2 || tr.Probability != 1) {
				t.Errorf("median %.2f probability %.2f, want about 1.68 and 1", tr.P50, tr.Probability)
			}
			if tc.restrict && tr.Probability > 0.5 {
				t.Errorf("probability %.2f with the rule restricted, want under 0.5", tr.Probability)
			}
		})
	}
}

func TestExploitTTC(t *testing.T) {
	t.Parallel()
	cases := []struct {
		vector string
		mean   float64
		ok     bool
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 1, true},
		{"CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", 32.1, true},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 2.14, true},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 1, false},
		{"", 1, false},
	}
	for _, tc := range cases {
		ttc, ok := ExploitTTC(tc.vector)
		if ok != tc.ok {
			t.Errorf("%q: ok %v", tc.vector, ok)
		}
		var rate float64
		if _, err := fmt.Sscanf(ttc.String(), "Exponential(%g)", &rate); err != nil {
			t.Fatalf("%q: %v", ttc, err)
		}
		if mean := 1 / rate; math.Abs(mean-tc.mean) > 0.01*tc.mean {
			t.Errorf("%q: mean %.3f days, want %.3f", tc.vector, mean, tc.mean)
		}
	}
}

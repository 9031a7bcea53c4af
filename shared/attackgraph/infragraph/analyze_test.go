package infragraph

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/mal"
)

func TestAnalyzeModes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		cfg     Config
		first   string  // host of the fastest target
		reached bool    // whether the db's full access is reached at all
		maxP50  float64 // bound on the db's median when reached
	}{
		{"onward_from_web", Config{Mode: Onward, Asset: "10.0.1.10"}, "10.0.2.20", true, 1.5},
		{"towards_from_internet", Config{Mode: Towards}, "10.0.2.20", true, 2.5},
		{"adversary_with_exploits", Config{Mode: Adversary, Techniques: []string{"T1190", "T1210.001"}}, "10.0.2.20", true, 2.5},
		{"adversary_without_exploits", Config{Mode: Adversary, Techniques: []string{"T1078"}}, "10.0.2.20", false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Sim = attackgraph.Config{Samples: 300, Seed: 4}
			rep, err := Analyze(context.Background(), smallModel(remote), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Targets) == 0 || rep.Targets[0].Host != tc.first {
				t.Fatalf("targets %+v, want %s first", rep.Targets, tc.first)
			}
			var db *Target
			for i := range rep.Targets {
				if rep.Targets[i].Step == "data:10.0.2.20.read" {
					db = &rep.Targets[i]
				}
			}
			if db == nil {
				t.Fatal("db data read not among the targets")
			}
			if (db.Probability > 0) != tc.reached {
				t.Fatalf("db probability %v, want reached %v", db.Probability, tc.reached)
			}
			if tc.reached && (db.P50 == nil || *db.P50 > tc.maxP50 || len(db.CriticalPath) < 3) {
				t.Errorf("db median %v, path %d steps; want under %v with a path", db.P50, len(db.CriticalPath), tc.maxP50)
			}
			if !tc.reached && db.P50 != nil {
				t.Errorf("unreached db has median %v", *db.P50)
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	t.Parallel()
	if _, err := Analyze(context.Background(), smallModel(remote), Config{Mode: Onward, Asset: "10.9.9.9"}); !errors.Is(err, ErrUnknownAsset) {
		t.Errorf("unknown asset: %v", err)
	}
	_, err := Analyze(context.Background(), smallModel(remote), Config{Mode: Towards, EntryZones: []string{"nowhere"}})
	if err == nil || !strings.Contains(err.Error(), "entry_zones") {
		t.Errorf("unknown entry zone: %v", err)
	}
}

// TestTechniqueTableNamesCoreLangSteps keeps the ATT&CK table in step with coreLang.
func TestTechniqueTableNamesCoreLangSteps(t *testing.T) {
	t.Parallel()
	lang, err := mal.CoreLang()
	if err != nil {
		t.Fatal(err)
	}
	for key, techs := range Techniques {
		typ, step, _ := strings.Cut(key, ".")
		a, ok := lang.Asset(typ)
		if !ok {
			t.Errorf("%s: no asset %s", key, typ)
			continue
		}
		if d, ok := a.Steps[step]; !ok || d.Kind > attackgraph.And {
			t.Errorf("%s: no attack step %s", key, step)
		}
		for _, tech := range techs {
			if len(tech) != 5 || tech[0] != 'T' {
				t.Errorf("%s: bad technique id %q", key, tech)
			}
		}
	}
}

// TestScenarioDefences is the course-of-action generator's loop: compile once, then ask how
// much each defence set improves the time to the database's data.
func TestScenarioDefences(t *testing.T) {
	t.Parallel()
	sc, err := NewScenario(smallModel(remote), Config{Mode: Towards, Sim: attackgraph.Config{Samples: 400, Seed: 9, SkipPaths: true}})
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]attackgraph.StepID{}
	for _, d := range sc.Compiled.Defences() {
		defs[d.Ref] = d.Step
	}
	patch, ok1 := defs["vuln:10.0.1.10|/p1/443/tcp#0.notPresent"]
	filter, ok2 := defs["rule:dmz->lan:5432/tcp.restricted"]
	if !ok1 || !ok2 {
		t.Fatalf("defences missing from %d listed", len(defs))
	}
	data, _ := sc.Compiled.DataStep("10.0.2.20", "read")
	median := func(def attackgraph.Defences) (float64, float64) {
		t.Helper()
		res, err := sc.Run(context.Background(), def)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range res.Targets {
			if tr.Step == data {
				return tr.Probability, tr.P50
			}
		}
		t.Fatal("data read not a target")
		return 0, 0
	}
	p0, m0 := median(nil)
	p1, _ := median(attackgraph.Defences{patch: true})
	p2, m2 := median(attackgraph.Defences{filter: true})
	if p0 != 1 || p1 != 0 {
		t.Errorf("probability %v without defences, %v with the web server patched; want 1 and 0", p0, p1)
	}
	if p2 >= p0 && m2 <= m0 {
		t.Errorf("restricting the rule changed nothing: p %v median %v against %v %v", p2, m2, p0, m0)
	}
}

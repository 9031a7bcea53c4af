package mal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

func readKTH(t testing.TB, nodes int) *KTHModel {
	t.Helper()
	path := filepath.Join(testenv.RepoRoot(t), "testdata", "mal", "corelang010_scalability_"+strconv.Itoa(nodes)+".json.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	k, err := ReadKTH(f)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func loadKTH(t testing.TB, nodes int) (*attackgraph.Graph, *KTHModel, *Report) {
	t.Helper()
	k := readKTH(t, nodes)
	lang, err := CoreLang()
	if err != nil {
		t.Fatal(err)
	}
	g, rep, err := Instantiate(lang, k.Model)
	if err != nil {
		t.Fatal(err)
	}
	return g, k, rep
}

func refs(t testing.TB, g *attackgraph.Graph, rs []StepRef) []attackgraph.StepID {
	t.Helper()
	var out []attackgraph.StepID
	for _, r := range rs {
		id, ok := g.Lookup(r.Object, r.Step)
		if !ok {
			t.Fatalf("step %s.%s not in graph", r.Object, r.Step)
		}
		out = append(out, id)
	}
	return out
}

// TestKTHModels reads the seven models and checks what the PROVENANCE note says of them
// (objects without the attacker, entry points, targets); the three smallest are also
// instantiated, to check that the mapping leaves out only what the package doc says (the
// four larger ones take too long under -race; the bench instantiates them).
func TestKTHModels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		nodes, objects, entries, targets int
	}{
		{400, 408, 4, 3}, {800, 816, 4, 3}, {1600, 1632, 4, 3}, {2400, 2446, 5, 3},
		{4000, 4078, 5, 3}, {6000, 6113, 5, 3}, {8000, 8153, 5, 3},
	}
	allowed := map[string]bool{"defence ConnectionRule.Disabled": true, "field Application.clientAccessNetworks": true,
		"field Network.clientApplications": true, "defence Data.Authenticated": true,
		"defence Identity.TwoFactorAuthentication": true}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.nodes), func(t *testing.T) {
			t.Parallel()
			k := readKTH(t, tc.nodes)
			if len(k.Model.Objects) != tc.objects || len(k.Entries) != tc.entries || len(k.Targets) != tc.targets {
				t.Errorf("objects %d entries %d targets %d, want %d %d %d", len(k.Model.Objects), len(k.Entries), len(k.Targets),
					tc.objects, tc.entries, tc.targets)
			}
			for u := range k.Unmapped {
				if !allowed[u] {
					t.Errorf("unexpected unmapped 0.1.0 name %s", u)
				}
			}
			if tc.nodes > 1600 {
				return
			}
			g, _, rep := loadKTH(t, tc.nodes)
			if s := rep.Summary(); len(s) != 0 {
				t.Errorf("coreLang 1.0 mapping incomplete: %v", s)
			}
			refs(t, g, k.Entries)
			refs(t, g, k.Targets)
		})
	}
}

// TestKTHSimulates runs the smallest model with and without restricted connection rules.
// With the defaults coreLang 1.0 lets the attacker move instantly (no vulnerabilities, and
// credentials in reachable data); restricting every rule forces the random bypasses.
func TestKTHSimulates(t *testing.T) {
	t.Parallel()
	g, k, _ := loadKTH(t, 400)
	s, err := attackgraph.NewSimulator(g, attackgraph.Config{Entries: refs(t, g, k.Entries), Targets: refs(t, g, k.Targets), Samples: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	def := attackgraph.Defences{}
	for _, id := range g.Find("", "restricted") {
		def[id] = true
	}
	closed, err := s.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if open.Targets[0].Probability != 1 || open.Targets[0].P95 != 0 {
		t.Errorf("defaults: %+v, want reached at once", open.Targets[0])
	}
	entry := map[string]bool{}
	for _, e := range k.Entries {
		entry[e.Object+"."+e.Step] = true
	}
	if path := open.Targets[0].CriticalPath; len(path) < 5 || !entry[path[0].Ref] {
		t.Errorf("critical path %v does not start at an entry point", path)
	}
	if closed.Targets[0].P50 <= open.Targets[0].P50 || closed.Live == 0 {
		t.Errorf("restricted rules: median %v (live %d), want slower than %v", closed.Targets[0].P50, closed.Live, open.Targets[0].P50)
	}
}

package mal

import (
	"bytes"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

func TestParseReach(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, step string
		local    bool
		err      bool
	}{
		{"fullAccess", "fullAccess", true, false},
		{"hostApp.localConnect", "localConnect", false, false},
		{`(networks \/ outNetworks).attemptReverseReach`, "attemptReverseReach", false, false},
		{"allVulnerabilities().attemptAbuse", "attemptAbuse", false, false},
		{"credentials*.identities.users.oneCredentialCompromised", "oneCredentialCompromised", false, false},
		{"members[Identity].assume", "assume", false, false},
		{"a.(b)", "", false, true},
		{"a.", "", false, true},
		{"(a", "", false, true},
		{"a b", "", false, true},
	}
	for _, tc := range cases {
		r, err := parseReach(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: err %v", tc.in, err)
			continue
		}
		if err == nil && (r.step != tc.step || (r.path == nil) != tc.local) {
			t.Errorf("%q: step %q local %v", tc.in, r.step, r.path == nil)
		}
	}
}

func TestInheritance(t *testing.T) {
	t.Parallel()
	lang, err := CoreLang()
	if err != nil {
		t.Fatal(err)
	}
	idps, _ := lang.Asset("IDPS")
	app, _ := lang.Asset("Application")
	if len(idps.StepNames()) != len(app.StepNames())+3 {
		t.Errorf("IDPS has %d steps, want Application's %d plus effectiveness, bypassEffectiveness, effectivenessBypassed",
			len(idps.StepNames()), len(app.StepNames()))
	}
	// IDPS redeclares fullAccess with +>: Application's reaches come first, then its own.
	if a, i := len(app.Steps["fullAccess"].reaches), len(idps.Steps["fullAccess"].reaches); i <= a {
		t.Errorf("IDPS.fullAccess has %d reaches, Application.fullAccess %d: append lost", i, a)
	}
	// Identity inherits IAMObject's assume and appends to it.
	id, _ := lang.Asset("Identity")
	var reaches []string
	for _, r := range id.Steps["assume"].reaches {
		reaches = append(reaches, r.text)
	}
	if !strings.Contains(strings.Join(reaches, " "), "execPrivApps.authenticate") || !strings.Contains(strings.Join(reaches, " "), "parentId.attemptAssume") {
		t.Errorf("Identity.assume reaches %v", reaches)
	}
	if !id.HasField("execPrivApps") || id.HasField("nonsense") {
		t.Error("Identity fields wrong")
	}
}

// TestInstantiateSmall: credentials stored in data that an application holds. The edges out
// of the data's read and the credentials' use are exactly what coreLang says.
func TestInstantiateSmall(t *testing.T) {
	t.Parallel()
	lang, _ := CoreLang()
	m := Model{
		Objects: []Object{{Name: "app", Type: "Application"}, {Name: "db", Type: "Data"},
			{Name: "pw", Type: "Credentials", Defences: map[string]float64{"notDisclosed": 0.25}}, {Name: "admin", Type: "Identity"},
			{Name: "ghost", Type: "Martian"}},
		Links: []Link{{"app", "containedData", "db", "containingApp"}, {"db", "information", "pw", "containerData"},
			{"pw", "identities", "admin", "credentials"}, {"admin", "execPrivApps", "app", "executionPrivIAMs"},
			{"app", "nonsenseField", "db", "containingApp"}},
	}
	g, rep, err := Instantiate(lang, m)
	if err != nil {
		t.Fatal(err)
	}
	children := func(obj, step string) []string {
		id, ok := g.Lookup(obj, step)
		if !ok {
			t.Fatalf("no %s.%s", obj, step)
		}
		var out []string
		for _, c := range g.Children(id) {
			out = append(out, g.Step(attackgraph.StepID(c)).Ref())
		}
		sort.Strings(out)
		return out
	}
	cases := []struct {
		obj, step string
		want      []string
	}{
		{"db", "read", []string{"db.extract", "pw.read"}},
		{"pw", "read", []string{"db.read", "pw.attemptUse"}}, // Information.read, then +> attemptUse
		{"pw", "use", []string{"admin.attemptAssume", "pw.attemptPropagateOneCredentialCompromised"}},
		{"admin", "assume", []string{"app.authenticate"}},
		{"app", "read", []string{"db.attemptRead"}},
	}
	for _, tc := range cases {
		if got := children(tc.obj, tc.step); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s.%s -> %v, want %v", tc.obj, tc.step, got, tc.want)
		}
	}
	nd, _ := g.Lookup("pw", "notDisclosed")
	if g.Step(nd).Enabled != 0.25 {
		t.Errorf("notDisclosed enabled %v, want the model's 0.25", g.Step(nd).Enabled)
	}
	// The not-exist condition on the data's encryption holds (no encryption credentials).
	enc, _ := g.Lookup("db", "dataEncrypted")
	if !g.Step(enc).Holds {
		t.Error("db.dataEncrypted does not hold without encryption credentials")
	}
	if rep.UnknownTypes["Martian"] != 1 || rep.UnmappedLinks["Application.nonsenseField"] != 1 {
		t.Errorf("report %v", rep.Summary())
	}
}

func TestInstantiateErrors(t *testing.T) {
	t.Parallel()
	lang, _ := CoreLang()
	if _, _, err := Instantiate(lang, Model{Objects: []Object{{Name: "a", Type: "Application"}, {Name: "a", Type: "Data"}}}); err == nil {
		t.Error("duplicate object name accepted")
	}
	if _, _, err := Instantiate(lang, Model{Links: []Link{{"x", "f", "y", "g"}}}); err == nil {
		t.Error("link to unknown objects accepted")
	}
}

func FuzzParseReach(f *testing.F) {
	for _, s := range []string{"a.b", `(a \/ b).c`, "x().y", "a*.b[T].c", `(a /\ b - c).d`, "((((", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := parseReach(s); err == nil && r.step == "" {
			t.Errorf("%q parsed without a step", s)
		}
		_, _ = parseSet(s)
	})
}

func FuzzReadKTH(f *testing.F) {
	f.Add([]byte(`{"objects":[{"id":1,"type":"Attacker"},{"id":2,"type":"Application","defenses":{"Disabled":null}}],` +
		`"associations":[],"entryPoints":[{"object":2,"step":"fullAccess"}]}`))
	f.Add([]byte(`{"objects":[{"id":2,"type":"Application"}],"associations":[{"source":2,"sourceField":"x","target":3,"targetField":"y"}]}`))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ReadKTH(bytes.NewReader(b))
		if err != nil {
			return
		}
		lang, _ := CoreLang()
		_, _, _ = Instantiate(lang, k.Model)
	})
}

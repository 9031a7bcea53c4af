package impact

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// handModel builds a business model from lines "id Type" (an element named after its id) and
// "id Type source target" (a relation); props gives elements their properties as JSON.
func handModel(t testing.TB, spec string, props map[string]string) knowledge.BusinessModel {
	t.Helper()
	m := knowledge.BusinessModel{Version: 1, Source: "hand"}
	for _, line := range strings.Split(strings.TrimSpace(spec), "\n") {
		f := strings.Fields(line)
		switch len(f) {
		case 0:
		case 2:
			e := knowledge.BusinessElement{ID: f[0], Type: f[1], Name: f[0]}
			if p, ok := props[f[0]]; ok {
				e.Properties = json.RawMessage(p)
			}
			m.Elements = append(m.Elements, e)
		case 4:
			m.Relations = append(m.Relations, knowledge.BusinessRelation{ID: f[0], Type: f[1], Source: f[2], Target: f[3]})
		default:
			t.Fatalf("bad model line %q", line)
		}
	}
	return m
}

func compile(t testing.TB, m knowledge.BusinessModel) *Graph {
	t.Helper()
	g, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// affected renders which elements lost which aspects as "id:CIA" sorted, assets excluded.
func affected(res *Result) string {
	var out []string
	add := func(a Affected) {
		code := ""
		for _, n := range []string{"confidentiality", "integrity", "availability"} {
			for _, x := range a.Aspects {
				if x == n {
					code += strings.ToUpper(n[:1])
				}
			}
		}
		out = append(out, a.ID+":"+code)
	}
	for _, p := range res.Processes {
		add(p.Affected)
	}
	for _, a := range res.Affected {
		add(a)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

const chain = `
n1 Node
ts TechnologyService
app ApplicationComponent
as ApplicationService
bp BusinessProcess
r1 Realization n1 ts
r2 Serving ts app
r3 Realization app as
r4 Serving as bp`

const redundant = `
n1 Node
n2 Node
db Node
ts TechnologyService
app ApplicationComponent
bp BusinessProcess
r1 Realization n1 ts
r2 Realization n2 ts
r3 Serving ts app
r4 Serving app bp
r5 Serving db n2`

const access = `
app ApplicationComponent
d DataObject
reader BusinessProcess
writer BusinessProcess
both BusinessProcess
w1 Access/Write app d
rd Access/Read reader d
wr Access/Write writer d
rw Access both d`

const sharedData = `
d DataObject
d2 DataObject
p BusinessProcess
q BusinessProcess
r1 Access/Read p d
r2 Access/Read p d2
r3 Access/Read q d2`

const relOnRel = `
net Node
ns TechnologyService
app ApplicationComponent
bp BusinessProcess
other BusinessProcess
r1 Realization net ns
link Serving app bp
q Serving ns link
q2 Serving link other`

const junctions = `
n1 Node
n2 Node
n3 Node
n4 Node
or OrJunction
and AndJunction
tsOr TechnologyService
tsAnd TechnologyService
s1 Serving n1 or
s2 Serving n2 or
s3 Serving or tsOr
a1 Realization n3 and
a2 Realization n4 and
a3 Realization and tsAnd`

const structure = `
host Node
sw SystemSoftware
ts TechnologyService
fn BusinessFunction
sub BusinessProcess
next BusinessProcess
c1 Composition host sw
c2 Realization sw ts
c3 Serving ts sub
c4 Composition fn sub
t1 Triggering sub next
loop1 Serving sub next2
next2 BusinessProcess
loop2 Serving next2 sub`

func TestPropagation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		model   string
		assets  []string
		aspects Aspect
		want    string
	}{
		{"chain_all_aspects", chain, []string{"n1"}, All, "app:CIA as:CIA bp:CIA ts:CIA"},
		{"chain_availability_only", chain, []string{"n1"}, Availability, "app:A as:A bp:A ts:A"},
		{"chain_from_the_middle", chain, []string{"app"}, Integrity, "as:I bp:I"},
		// Two independent nodes realise ts: losing one keeps it available, but a leak is a leak.
		{"redundancy_survives_one", redundant, []string{"n1"}, All, "app:CI bp:CI ts:CI"},
		{"redundancy_availability_only", redundant, []string{"n1"}, Availability, ""},
		{"redundancy_both_lost", redundant, []string{"n1", "n2"}, Availability, "app:A bp:A ts:A"},
		// n2 depends on db: losing n1 and db takes both realisers down.
		{"redundancy_not_independent", redundant, []string{"n1", "db"}, Availability, "app:A bp:A n2:A ts:A"},
		// A writer's integrity loss corrupts the object; readers (and read-write users) get it,
		// pure writers do not; availability of the object reaches every accessor.
		{"access_write_integrity", access, []string{"app"}, Integrity, "both:I d:I reader:I"},
		{"access_write_cannot_leak", access, []string{"app"}, Confidentiality, ""},
		{"access_object_lost", access, []string{"d"}, All, "app:CA both:CIA reader:CIA writer:CA"},
		{"access_reader_leaks", access, []string{"reader"}, Confidentiality, "app:C both:C d:C writer:C"},
		// A leaked object discloses its readers' information; they do not leak their other data.
		{"leak_does_not_chain_through_readers", sharedData, []string{"d"}, Confidentiality, "p:C"},
		{"compromised_reader_leaks_all_it_reads", sharedData, []string{"p"}, Confidentiality, "d2:C d:C q:C"},
		// ns serves the relationship "app serves bp"; a relationship served from that link.
		{"relationship_on_relationship", relOnRel, []string{"net"}, Availability, "bp:A ns:A other:A"},
		{"or_junction_one_input", junctions, []string{"n1"}, Availability, ""},
		{"or_junction_all_inputs", junctions, []string{"n1", "n2"}, Availability, "or:A tsOr:A"},
		{"and_junction_one_input", junctions, []string{"n3"}, Availability, "and:A tsAnd:A"},
		{"hosted_software_and_whole_from_part", structure, []string{"host"}, Availability, "fn:A next2:A sub:A sw:A ts:A"},
		{"part_does_not_take_its_host", structure, []string{"sw"}, Availability, "fn:A next2:A sub:A ts:A"},
		{"triggering_carries_nothing", structure, []string{"sub"}, All, "fn:CIA next2:CIA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := compile(t, handModel(t, tt.model, nil))
			res, err := g.Impact(tt.assets, Config{Aspects: tt.aspects, HorizonHours: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got := affected(res); got != tt.want {
				t.Errorf("affected %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		model  string
		asset  string
		target string
		want   string
	}{
		{"chain", chain, "n1", "bp",
			"n1 (Node) -[Realization]-> ts (TechnologyService) -[Serving]-> app (ApplicationComponent) -[Realization]-> as (ApplicationService) -[Serving]-> bp (BusinessProcess)"},
		{"access_back_to_reader", access, "app", "reader",
			"app (ApplicationComponent) -[Access]-> d (DataObject) -[Access]-> reader (BusinessProcess)"},
		{"through_a_relationship", relOnRel, "net", "bp",
			"net (Node) -[Realization]-> ns (TechnologyService) -> [Serving relationship q] -> [Serving relationship link] -> bp (BusinessProcess)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := compile(t, handModel(t, tt.model, nil))
			res, err := g.Impact([]string{tt.asset}, Config{Aspects: Integrity | Availability})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Processes {
				if p.ID == tt.target {
					if p.PathText != tt.want {
						t.Errorf("path\n%s\nwant\n%s", p.PathText, tt.want)
					}
					if p.Path[0].ID != tt.asset || p.Path[len(p.Path)-1].ID != tt.target {
						t.Errorf("path steps %+v do not run from %s to %s", p.Path, tt.asset, tt.target)
					}
					return
				}
			}
			t.Fatalf("%s not affected: %+v", tt.target, res.Processes)
		})
	}
}

func TestQuantification(t *testing.T) {
	t.Parallel()
	model := `
app ApplicationComponent
d DataObject
p1 BusinessProcess
p2 BusinessProcess
p3 BusinessFunction
p4 BusinessProcess
s1 Serving app p1
s2 Serving app p2
s3 Serving app p3
w Access/Write app d
r Access/Read p4 d`
	props := map[string]string{
		"p1": `{"loss_per_hour":"1000","criticality":"high"}`,
		// The availability figure wins for availability; integrity falls back to loss_per_hour.
		"p2": `{"Loss_Per_Hour":"200","loss_per_hour_availability":"5000","criticality":"2"}`,
		"p3": `{"loss_per_hour":"lots","criticality":"9"}`,
		"p4": `{"loss_per_hour_confidentiality":"300"}`, // loses integrity only: no figure applies
	}
	g := compile(t, handModel(t, model, props))
	res, err := g.Impact([]string{"app"}, Config{Aspects: Integrity | Availability, HorizonHours: 2.5, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Process{}
	var order []string
	for _, p := range res.Processes {
		got[p.ID] = p
		order = append(order, p.ID)
	}
	if strings.Join(order, ",") != "p2,p1,p3,p4" {
		t.Errorf("order %v, want by loss then criticality", order)
	}
	checks := []struct {
		id          string
		perHour     float64
		criticality int
		noFigure    bool
	}{{"p1", 1000, 4, false}, {"p2", 5000, 2, false}, {"p3", 0, 0, true}, {"p4", 0, 0, true}}
	for _, c := range checks {
		p := got[c.id]
		if p.LossPerHour != c.perHour || p.Loss != c.perHour*2.5 || p.Criticality != c.criticality || p.NoFigure != c.noFigure {
			t.Errorf("%s: %+v, want %g/h, criticality %d", c.id, p, c.perHour, c.criticality)
		}
	}
	if got["p2"].RateByAspect["integrity"] != 200 || got["p2"].RateByAspect["availability"] != 5000 {
		t.Errorf("p2 rates %v", got["p2"].RateByAspect)
	}
	if res.TotalLossPerHour != 6000 || res.TotalLoss != 15000 || res.Worst == nil || res.Worst.ID != "p2" {
		t.Errorf("total %g/h, %g, worst %+v", res.TotalLossPerHour, res.TotalLoss, res.Worst)
	}
	warned := strings.Join(res.Warnings, "\n")
	for _, want := range []string{`loss_per_hour "lots"`, `criticality "9"`} {
		if !strings.Contains(warned, want) {
			t.Errorf("warnings %q do not mention %s", warned, want)
		}
	}
}

func TestImpactInputs(t *testing.T) {
	t.Parallel()
	g := compile(t, handModel(t, chain+"\ndup1 Node\ndup2 Device", nil))
	if _, err := g.Impact(nil, Config{}); err == nil {
		t.Error("no asset accepted")
	}
	if _, err := g.Impact([]string{"r1"}, Config{}); err == nil || !strings.Contains(err.Error(), "r1 is not in business model") {
		t.Errorf("a relationship as asset: %v", err)
	}
	if _, err := g.Impact([]string{"n1"}, Config{HorizonHours: -1}); err == nil {
		t.Error("negative horizon accepted")
	}
	if e, err := g.Lookup("BP"); err != nil || e.ID != "bp" {
		t.Errorf("lookup by name: %+v, %v", e, err)
	}
	if _, err := g.Lookup("nothing"); err == nil {
		t.Error("lookup of an unknown name succeeded")
	}
	if _, err := Compile(handModel(t, "a Node\nr Serving a zz", nil)); err == nil {
		t.Error("compiled a relation with a missing end")
	}
}

func TestParseAspects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Aspect
		err  bool
	}{
		{"CIA", All, false}, {"a", Availability, false}, {"ci", Confidentiality | Integrity, false},
		{"availability, integrity", Availability | Integrity, false}, {"", 0, true}, {"x", 0, true},
		{"availability,money", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAspects(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseAspects(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

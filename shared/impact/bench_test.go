package impact

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// layer is one kind of element in a generated model and its share of the elements.
type layer struct {
	typ   string
	share float64
}

var generatedLayers = []layer{
	{"Node", 0.10}, {"SystemSoftware", 0.15}, {"TechnologyService", 0.15}, {"ApplicationComponent", 0.15},
	{"ApplicationService", 0.12}, {"DataObject", 0.10}, {"BusinessService", 0.10}, {"BusinessProcess", 0.13},
}

// generated builds a layered enterprise model of about n elements with the shape of real ones:
// software on nodes, services realised by one or two nodes, components served by a few technology
// services, processes served by a few application and business services and reading data. Every
// node is mapped to a host 10.x.y.z. The seed fixes the model.
func generated(n int, seed uint64) knowledge.BusinessModel {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := knowledge.BusinessModel{Version: 1, Source: fmt.Sprintf("generated-%d", n)}
	ids := map[string][]string{}
	for _, l := range generatedLayers {
		for i := range int(float64(n) * l.share) {
			id := fmt.Sprintf("%s-%d", l.typ, i)
			e := knowledge.BusinessElement{ID: id, Type: l.typ, Name: fmt.Sprintf("%s %d", l.typ, i)}
			if l.typ == "BusinessProcess" {
				e.Properties = []byte(fmt.Sprintf(`{"loss_per_hour":"%d","criticality":"%d"}`, 100+rng.IntN(10000), 1+rng.IntN(5)))
			}
			m.Elements = append(m.Elements, e)
			ids[l.typ] = append(ids[l.typ], id)
		}
	}
	rel := func(typ, from, to string) {
		m.Relations = append(m.Relations, knowledge.BusinessRelation{ID: fmt.Sprintf("r%d", len(m.Relations)), Type: typ, Source: from, Target: to})
	}
	pick := func(typ string) string { return ids[typ][rng.IntN(len(ids[typ]))] }
	for i, sw := range ids["SystemSoftware"] {
		rel("Composition", ids["Node"][i%len(ids["Node"])], sw) // every node runs some software
	}
	wire := []struct {
		typ, from, to string
		min, max      int
	}{
		{"Realization", "SystemSoftware", "TechnologyService", 1, 2},
		{"Serving", "TechnologyService", "ApplicationComponent", 1, 3},
		{"Realization", "ApplicationComponent", "ApplicationService", 1, 2},
		{"Access/Write", "ApplicationComponent", "DataObject", 1, 1},
		{"Realization", "ApplicationService", "BusinessService", 1, 1},
		{"Serving", "ApplicationService", "BusinessProcess", 1, 3},
		{"Serving", "BusinessService", "BusinessProcess", 0, 2},
	}
	for _, w := range wire {
		for _, to := range ids[w.to] {
			for range w.min + rng.IntN(w.max-w.min+1) {
				rel(w.typ, pick(w.from), to)
			}
		}
	}
	for _, p := range ids["BusinessProcess"] {
		rel("Access/Read", p, pick("DataObject"))
	}
	for i, node := range ids["Node"] {
		m.Assets = append(m.Assets, knowledge.AssetLink{Element: node, Host: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)})
	}
	return m
}

func TestGeneratedModelIsConnected(t *testing.T) {
	t.Parallel()
	g := compile(t, generated(5000, 7))
	hit := 0
	for i := range 20 {
		assets := g.HostElements(fmt.Sprintf("10.0.0.%d", i))
		res, err := g.Impact([]string{assets[0].ID}, Config{HorizonHours: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Processes) > 0 {
			hit++
		}
	}
	// A benchmark on a model where nodes reach no process would measure nothing.
	if hit < 10 {
		t.Errorf("only %d of 20 nodes reach a business process", hit)
	}
}

// BenchmarkImpact100k measures the impact of one host (all aspects) on a generated model of
// 100,000 elements, compiled once; the goal is under 50 ms per asset.
func BenchmarkImpact100k(b *testing.B) {
	g, err := Compile(generated(100_000, 42))
	if err != nil {
		b.Fatal(err)
	}
	nodes := int(100_000 * generatedLayers[0].share)
	affected, processes, i := 0, 0, 0
	for b.Loop() {
		i++
		host := fmt.Sprintf("10.%d.%d.%d", i%nodes>>16&255, i%nodes>>8&255, i%nodes&255)
		res, err := g.Impact([]string{g.HostElements(host)[0].ID}, Config{HorizonHours: 24})
		if err != nil {
			b.Fatal(err)
		}
		processes += len(res.Processes)
		for _, n := range res.AffectedByType {
			affected += n
		}
	}
	b.ReportMetric(float64(affected)/float64(i), "affected/op")
	b.ReportMetric(float64(processes)/float64(i), "processes/op")
}

// BenchmarkCompile100k measures building the graph of the same model, done once per job.
func BenchmarkCompile100k(b *testing.B) {
	m := generated(100_000, 42)
	for b.Loop() {
		if _, err := Compile(m); err != nil {
			b.Fatal(err)
		}
	}
}

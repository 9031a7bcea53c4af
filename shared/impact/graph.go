package impact

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// Aspect is a set of security aspects: confidentiality, integrity, availability.
type Aspect uint8

// The three aspects, and all of them.
const (
	Confidentiality Aspect = 1 << iota
	Integrity
	Availability
	All = Confidentiality | Integrity | Availability
)

// disclosed is confidentiality lost second-hand: the element's information is out because a data
// object it uses leaked. It is reported as confidentiality and travels like it, except that it
// does not let an accessor leak the other objects it reads, which would spread a leak through
// every process sharing any object with another.
const disclosed Aspect = 1 << 3

// aspectOrder is the order paths are chosen in and aspects listed in.
var aspectOrder = [3]Aspect{Availability, Integrity, Confidentiality}

var aspectNames = map[Aspect]string{Confidentiality: "confidentiality", Integrity: "integrity", Availability: "availability"}

// Names lists the aspects in a set, availability first.
func (a Aspect) Names() []string {
	out := []string{}
	if a&disclosed != 0 {
		a |= Confidentiality
	}
	for _, x := range aspectOrder {
		if a&x != 0 {
			out = append(out, aspectNames[x])
		}
	}
	return out
}

// ParseAspects reads a set of aspects: letters of "CIA" ("A", "CI") or names separated by commas.
func ParseAspects(s string) (Aspect, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	var a Aspect
	if s != "" && strings.Trim(s, "cia") == "" {
		for _, r := range s {
			a |= map[rune]Aspect{'c': Confidentiality, 'i': Integrity, 'a': Availability}[r]
		}
		return a, nil
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		found := false
		for x, n := range aspectNames {
			if f == n {
				a, found = a|x, true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown aspect %q: use C, I, A or confidentiality, integrity, availability", f)
		}
	}
	if a == 0 {
		return 0, fmt.Errorf("no aspect given: use C, I, A or confidentiality, integrity, availability")
	}
	return a, nil
}

// edge is one dependency: to loses the aspects in mask that its source lost. alt marks one of
// several alternatives for the target's availability; disclose turns confidentiality into
// disclosed.
type edge struct {
	to       int32
	via      int32 // the relationship vertex the edge comes from
	mask     Aspect
	alt      bool
	disclose bool
}

// Graph is a business model compiled for impact propagation. It is immutable and safe for
// concurrent use.
type Graph struct {
	Version   int64
	Source    string
	ValidFrom time.Time

	ids      []string
	names    []string
	types    []string
	isRel    []bool
	props    [][]byte
	index    map[string]int32
	outStart []int32 // edges of vertex v are edges[outStart[v]:outStart[v+1]]
	edges    []edge
	altIn    []int32 // alternative in-edges carrying availability, per vertex
	byName   map[string][]int32
	byHost   map[string][]int32
}

// Compile builds the dependency graph of a stored business model.
func Compile(m knowledge.BusinessModel) (*Graph, error) {
	n := len(m.Elements) + len(m.Relations)
	g := &Graph{Version: m.Version, Source: m.Source, ValidFrom: m.ValidFrom,
		ids: make([]string, 0, n), names: make([]string, 0, n), types: make([]string, 0, n),
		isRel: make([]bool, 0, n), props: make([][]byte, 0, n), index: make(map[string]int32, n),
		byName: map[string][]int32{}, byHost: map[string][]int32{}}
	for _, e := range m.Elements {
		if err := g.add(e.ID, e.Name, e.Type, e.Properties, false); err != nil {
			return nil, err
		}
		g.byName[strings.ToLower(e.Name)] = append(g.byName[strings.ToLower(e.Name)], g.index[e.ID])
	}
	for _, r := range m.Relations {
		if err := g.add(r.ID, "", r.Type, nil, true); err != nil {
			return nil, err
		}
	}
	var all []fromEdge
	for _, r := range m.Relations {
		s, okS := g.index[r.Source]
		t, okT := g.index[r.Target]
		if !okS || !okT {
			return nil, fmt.Errorf("compile business model %d: relation %s: an end is not in the model", m.Version, r.ID)
		}
		all = g.relationEdges(all, g.index[r.ID], s, t, r.Type)
	}
	g.link(all)
	for _, a := range m.Assets {
		if v, ok := g.index[a.Element]; ok {
			g.byHost[strings.ToLower(a.Host)] = append(g.byHost[strings.ToLower(a.Host)], v)
		}
	}
	return g, nil
}

func (g *Graph) add(id, name, typ string, props []byte, rel bool) error {
	if _, dup := g.index[id]; dup {
		return fmt.Errorf("compile business model: identifier %s used twice", id)
	}
	g.index[id] = int32(len(g.ids))
	g.ids, g.names, g.types, g.isRel, g.props = append(g.ids, id), append(g.names, name), append(g.types, typ),
		append(g.isRel, rel), append(g.props, props)
	return nil
}

// fromEdge is an edge with its source, before link lays the edges out by source.
type fromEdge struct {
	from int32
	edge
}

// relationEdges appends the dependency edges of relationship r from s to t.
func (g *Graph) relationEdges(all []fromEdge, r, s, t int32, typ string) []fromEdge {
	base, mode, _ := strings.Cut(typ, "/")
	add := func(from, to int32, mask Aspect, alt bool) {
		if mask&Confidentiality != 0 {
			mask |= disclosed
		}
		all = append(all, fromEdge{from, edge{to: to, via: r, mask: mask, alt: alt}})
	}
	switch base {
	case "Realization", "Assignment":
		add(s, r, All, false)
		add(r, t, All, g.alternative(t, true))
	case "Serving":
		add(s, r, All, false)
		add(r, t, All, g.alternative(t, false))
	case "Access":
		read := mode != "Write"
		write := mode != "Read"
		var fwd Aspect
		if read {
			fwd |= Confidentiality
		}
		if write {
			fwd |= Integrity
		}
		// Only a first-hand leak (not disclosed) lets an accessor leak what it reads.
		all = append(all, fromEdge{s, edge{to: r, via: r, mask: fwd}}, fromEdge{r, edge{to: t, via: r, mask: fwd}})
		back := Availability | Confidentiality
		if read {
			back |= Integrity
		}
		add(t, s, back, false)
		all[len(all)-1].disclose = true
	case "Composition", "Aggregation":
		if hosting[g.types[s]] {
			add(s, r, All, false)
			add(r, t, All, g.alternative(t, false))
		} else {
			add(t, r, All, false)
			add(r, s, All, g.alternative(s, false))
		}
	}
	return all
}

// hosting are the element types whose parts depend on them rather than the other way round.
var hosting = map[string]bool{"Node": true, "Device": true, "SystemSoftware": true}

// alternative says whether an input into v counts as one of several alternatives for availability:
// the junction type decides at a junction, the relationship type elsewhere.
func (g *Graph) alternative(v int32, byType bool) bool {
	switch g.types[v] {
	case "OrJunction":
		return true
	case "AndJunction":
		return false
	}
	return byType
}

// link lays the edges out by source vertex.
func (g *Graph) link(all []fromEdge) {
	n := len(g.ids)
	sort.SliceStable(all, func(i, j int) bool { return all[i].from < all[j].from })
	g.outStart = make([]int32, n+1)
	g.edges = make([]edge, len(all))
	g.altIn = make([]int32, n)
	for i, a := range all {
		e := a.edge
		g.edges[i] = e
		g.outStart[a.from+1]++
		if e.alt && e.mask&Availability != 0 {
			g.altIn[e.to]++
		}
	}
	for v := range n {
		g.outStart[v+1] += g.outStart[v]
	}
}

// Element returns the element with the given identifier.
func (g *Graph) Element(id string) (ElementRef, bool) {
	v, ok := g.index[id]
	if !ok || g.isRel[v] {
		return ElementRef{}, false
	}
	return g.ref(v), true
}

func (g *Graph) ref(v int32) ElementRef {
	return ElementRef{ID: g.ids[v], Name: g.names[v], Type: g.types[v]}
}

// Lookup finds the elements a reference names: an identifier, or a name (case-insensitive) that
// exactly one element has. A name several elements share is an error listing them.
func (g *Graph) Lookup(ref string) (ElementRef, error) {
	ref = strings.TrimSpace(ref)
	if e, ok := g.Element(ref); ok {
		return e, nil
	}
	vs := g.byName[strings.ToLower(ref)]
	switch len(vs) {
	case 1:
		return g.ref(vs[0]), nil
	case 0:
		return ElementRef{}, fmt.Errorf("no element of business model %d has the identifier or name %q", g.Version, ref)
	}
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = g.ids[v] + " (" + g.types[v] + ")"
	}
	return ElementRef{}, fmt.Errorf("the name %q belongs to %d elements: %s; give the identifier", ref, len(vs), strings.Join(ids, ", "))
}

// HostElements returns the elements mapped to any of the given host idents (case-insensitive),
// in model order, each once.
func (g *Graph) HostElements(idents ...string) []ElementRef {
	seen := map[int32]bool{}
	var vs []int32
	for _, id := range idents {
		for _, v := range g.byHost[strings.ToLower(strings.TrimSpace(id))] {
			if !seen[v] {
				seen[v] = true
				vs = append(vs, v)
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	out := make([]ElementRef, len(vs))
	for i, v := range vs {
		out[i] = g.ref(v)
	}
	return out
}

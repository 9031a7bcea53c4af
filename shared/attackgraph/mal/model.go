package mal

import (
	"fmt"
	"sort"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// Model is an instance model: objects of the language's asset types and the association
// links between them.
type Model struct {
	Objects []Object
	Links   []Link
}

// Object is one asset instance. Name must be unique in the model; it becomes Step.Asset.
type Object struct {
	Name string
	Type string
	// Defences sets the probability that a defence is on, by step name; unset ones keep the
	// language's default.
	Defences map[string]float64
	// TTC overrides the language's TTC of attack steps, by step name: a model may know more
	// than the language (an exploit's difficulty from its CVSS vector, say).
	TTC map[string]attackgraph.TTC
}

// Link connects object From, through its field FromField, to object To; the reverse field
// ToField is implied (MAL associations are navigable both ways).
type Link struct {
	From, FromField string
	To, ToField     string
}

// Report lists what Instantiate could not map, with counts, so that nothing is dropped silently.
type Report struct {
	Objects, Steps, Edges int
	UnknownTypes          map[string]int // object types the language lacks
	UnmappedLinks         map[string]int // "Type.field" absent from the language
	UnmappedDefences      map[string]int // "Type.defence" absent from the language
	MissingSteps          map[string]int // reaches to a step the target's type lacks
}

func newReport() *Report {
	return &Report{UnknownTypes: map[string]int{}, UnmappedLinks: map[string]int{},
		UnmappedDefences: map[string]int{}, MissingSteps: map[string]int{}}
}

// Summary is the report in one line per kind of problem, sorted, for logs and notes.
func (r *Report) Summary() []string {
	var out []string
	for _, kind := range []struct {
		name string
		m    map[string]int
	}{{"unknown type", r.UnknownTypes}, {"unmapped link", r.UnmappedLinks},
		{"unmapped defence", r.UnmappedDefences}, {"missing step", r.MissingSteps}} {
		keys := make([]string, 0, len(kind.m))
		for k := range kind.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, fmt.Sprintf("%s %s (%d)", kind.name, k, kind.m[k]))
		}
	}
	return out
}

// instance is the model during instantiation, with links indexed per object and field.
type instance struct {
	lang  *Language
	objs  []Object
	types []*Asset
	links []map[string][]int32
	base  []attackgraph.StepID // first step of each object; its steps follow in Asset.order
}

// Instantiate builds the attack graph of a model: every step of every object, and an edge
// for every object a reach expression leads to. Objects of unknown types and links over
// unknown fields are left out and counted in the report.
func Instantiate(lang *Language, m Model) (*attackgraph.Graph, *Report, error) {
	in, rep, err := index(lang, m)
	if err != nil {
		return nil, nil, err
	}
	b := attackgraph.NewBuilder()
	steps := 0
	for _, a := range in.types {
		if a != nil {
			steps += len(a.order)
		}
	}
	b.Grow(steps, steps*2)
	in.base = make([]attackgraph.StepID, len(in.objs))
	for i, o := range in.objs {
		if in.types[i] != nil {
			in.addSteps(b, i, o, rep)
		}
	}
	for i, o := range in.objs {
		if in.types[i] != nil {
			in.addEdges(b, int32(i), o, rep)
		}
	}
	g, err := b.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("instantiate model: %w", err)
	}
	rep.Objects, rep.Steps, rep.Edges = len(in.objs), g.Len(), g.Edges()
	return g, rep, nil
}

func index(lang *Language, m Model) (*instance, *Report, error) {
	rep := newReport()
	in := &instance{lang: lang, objs: m.Objects, types: make([]*Asset, len(m.Objects)),
		links: make([]map[string][]int32, len(m.Objects))}
	byName := map[string]int32{}
	for i, o := range m.Objects {
		if _, dup := byName[o.Name]; dup {
			return nil, nil, fmt.Errorf("instantiate model: object name %q used twice", o.Name)
		}
		byName[o.Name] = int32(i)
		in.links[i] = map[string][]int32{}
		a, ok := lang.assets[o.Type]
		if !ok || a.Abstract {
			rep.UnknownTypes[o.Type]++
			continue
		}
		in.types[i] = a
	}
	for _, l := range m.Links {
		from, fok := byName[l.From]
		to, tok := byName[l.To]
		if !fok || !tok {
			return nil, nil, fmt.Errorf("instantiate model: link %s.%s -> %s: unknown object", l.From, l.FromField, l.To)
		}
		in.link(from, l.FromField, to, rep)
		in.link(to, l.ToField, from, rep)
	}
	return in, rep, nil
}

// link adds to as a member of from's field, if the language knows the field.
func (in *instance) link(from int32, field string, to int32, rep *Report) {
	a := in.types[from]
	if a == nil || in.types[to] == nil {
		return
	}
	if typ, ok := a.fields[field]; !ok || !in.lang.isA(in.objs[to].Type, typ) {
		rep.UnmappedLinks[in.objs[from].Type+"."+field]++
		return
	}
	in.links[from][field] = append(in.links[from][field], to)
}

func (in *instance) addSteps(b *attackgraph.Builder, i int, o Object, rep *Report) {
	a := in.types[i]
	for name := range o.Defences {
		if d, ok := a.Steps[name]; !ok || d.Kind != attackgraph.Defense {
			rep.UnmappedDefences[o.Type+"."+name]++
		}
	}
	for name := range o.TTC {
		if d, ok := a.Steps[name]; !ok || d.Kind > attackgraph.And {
			rep.MissingSteps[o.Type+"."+name]++
		}
	}
	for k, name := range a.order {
		d := a.Steps[name]
		s := attackgraph.Step{Asset: o.Name, AssetType: o.Type, Name: name, Kind: d.Kind, TTC: d.TTC, Tags: d.Tags}
		if t, ok := o.TTC[name]; ok && d.Kind <= attackgraph.And {
			s.TTC = t
		}
		switch d.Kind {
		case attackgraph.Defense:
			s.Enabled, _ = d.TTC.Probability()
			if p, ok := o.Defences[name]; ok {
				s.Enabled = p
			}
			s.TTC = attackgraph.TTC{}
		case attackgraph.Exist, attackgraph.NotExist:
			s.Holds = in.holds(int32(i), d)
		}
		if id := b.Add(s); k == 0 {
			in.base[i] = id
		}
	}
}

// holds evaluates an exist condition (true when any requirement leads to an object) or a
// not-exist condition (true when none does).
func (in *instance) holds(i int32, d *StepDef) bool {
	found := false
	for _, r := range d.requires {
		if len(in.eval(i, r, 0)) > 0 {
			found = true
		}
	}
	return found == (d.Kind == attackgraph.Exist)
}

func (in *instance) addEdges(b *attackgraph.Builder, i int32, o Object, rep *Report) {
	a := in.types[i]
	self := []int32{i}
	for k, name := range a.order {
		from := in.base[i] + attackgraph.StepID(k)
		for _, r := range a.Steps[name].reaches {
			targets := self
			if r.path != nil {
				targets = in.eval(i, r.path, 0)
			}
			for _, t := range targets {
				pos, ok := in.types[t].pos[r.step]
				if !ok {
					rep.MissingSteps[in.objs[t].Type+"."+r.step]++
					continue
				}
				b.Connect(from, in.base[t]+attackgraph.StepID(pos))
			}
		}
	}
}

// eval returns the set of objects e leads to from object i, without duplicates, in order.
func (in *instance) eval(i int32, e *expr, depth int) []int32 {
	if depth > 40 {
		return nil
	}
	switch e.op {
	case exField:
		return in.links[i][e.name]
	case exVar:
		v, ok := in.types[i].vars[e.name]
		if !ok {
			return nil
		}
		return in.eval(i, v, depth+1)
	case exPath:
		cur := []int32{i}
		for _, step := range e.path {
			var next []int32
			for _, o := range cur {
				next = append(next, in.eval(o, step, depth+1)...)
			}
			cur = dedupe(next)
		}
		return cur
	case exTrans:
		return in.closure(i, e.l, depth)
	case exSub:
		var out []int32
		for _, o := range in.eval(i, e.l, depth+1) {
			if in.lang.isA(in.objs[o].Type, e.name) {
				out = append(out, o)
			}
		}
		return out
	}
	return setOp(e.op, in.eval(i, e.l, depth+1), in.eval(i, e.r, depth+1))
}

// closure follows e one or more times (MAL's transitive step).
func (in *instance) closure(i int32, e *expr, depth int) []int32 {
	seen := map[int32]bool{}
	var out []int32
	frontier := []int32{i}
	for len(frontier) > 0 {
		var next []int32
		for _, o := range frontier {
			for _, n := range in.eval(o, e, depth+1) {
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
					next = append(next, n)
				}
			}
		}
		frontier = next
	}
	return out
}

func setOp(op exprOp, l, r []int32) []int32 {
	if op == exUnion {
		return dedupe(append(append([]int32(nil), l...), r...))
	}
	inR := map[int32]bool{}
	for _, o := range r {
		inR[o] = true
	}
	var out []int32
	for _, o := range l {
		if inR[o] == (op == exInter) {
			out = append(out, o)
		}
	}
	return out
}

func dedupe(s []int32) []int32 {
	if len(s) < 2 {
		return s
	}
	seen := make(map[int32]bool, len(s))
	out := s[:0]
	for _, o := range s {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// lowerFirst turns a securiCAD step name (FullAccess) into MAL's spelling (fullAccess).
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

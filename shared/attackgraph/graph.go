package attackgraph

import (
	"fmt"
	"slices"
)

// Kind is the MAL type of a step.
type Kind uint8

// The step kinds. Or and And are attack steps; a Defense is on or off; Exist and NotExist are
// conditions on the model, decided when the graph is built.
const (
	Or Kind = iota
	And
	Defense
	Exist
	NotExist
)

var kindNames = [...]string{"or", "and", "defense", "exist", "notExist"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseKind reads a kind as MAL writes it (|, &, #, E, !E) or by its name.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "or", "|":
		return Or, nil
	case "and", "&":
		return And, nil
	case "defense", "defence", "#":
		return Defense, nil
	case "exist", "E":
		return Exist, nil
	case "notExist", "!E":
		return NotExist, nil
	}
	return 0, fmt.Errorf("unknown step kind %q", s)
}

// StepID identifies a step in a Graph.
type StepID int32

// Step is one node of the attack graph: a MAL step of one asset (object) of the model.
type Step struct {
	Asset     string // the object's unique name in the model
	AssetType string // its MAL asset type, e.g. Application
	Name      string // the step name, e.g. fullAccess
	Kind      Kind
	TTC       TTC // attack steps only
	// Enabled is, for a Defense, the probability that it is on when the caller says nothing.
	Enabled float64
	// Holds is, for Exist and NotExist, whether the condition is true in the model.
	Holds bool
	Tags  []string
}

// Ref returns "asset.step", the name the reports use.
func (s *Step) Ref() string { return s.Asset + "." + s.Name }

// Builder collects steps and edges; Build freezes them into a Graph.
type Builder struct {
	steps []Step
	edges [][2]StepID
	index assetIndex
}

// assetIndex finds steps by asset, then by name among the asset's steps: one map entry per
// asset rather than per step, which matters at millions of steps. An asset with many steps
// (a generated graph) gets a map of its own.
type assetIndex map[string]*assetSteps

type assetSteps struct {
	ids    []StepID
	byName map[string]StepID // only past manySteps
}

const manySteps = 64

func (x assetIndex) find(steps []Step, asset, name string) (StepID, bool) {
	a := x[asset]
	if a == nil {
		return 0, false
	}
	if a.byName != nil {
		id, ok := a.byName[name]
		return id, ok
	}
	for _, id := range a.ids {
		if steps[id].Name == name {
			return id, true
		}
	}
	return 0, false
}

func (x assetIndex) add(steps []Step, id StepID) {
	s := &steps[id]
	a := x[s.Asset]
	if a == nil {
		a = &assetSteps{}
		x[s.Asset] = a
	}
	a.ids = append(a.ids, id)
	if a.byName == nil && len(a.ids) > manySteps {
		a.byName = make(map[string]StepID, 2*len(a.ids))
		for _, i := range a.ids {
			a.byName[steps[i].Name] = i
		}
	} else if a.byName != nil {
		a.byName[s.Name] = id
	}
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{index: assetIndex{}} }

// Grow makes room for n more steps and e more edges.
func (b *Builder) Grow(n, e int) {
	b.steps = append(make([]Step, 0, len(b.steps)+n), b.steps...)
	b.edges = append(make([][2]StepID, 0, len(b.edges)+e), b.edges...)
}

// Add adds a step and returns its id. Adding a step twice (same asset and name) returns the
// first id and keeps the first definition.
func (b *Builder) Add(s Step) StepID {
	if id, ok := b.index.find(b.steps, s.Asset, s.Name); ok {
		return id
	}
	id := StepID(len(b.steps))
	b.steps = append(b.steps, s)
	b.index.add(b.steps, id)
	return id
}

// Lookup finds a step added earlier.
func (b *Builder) Lookup(asset, name string) (StepID, bool) {
	return b.index.find(b.steps, asset, name)
}

// Connect adds the edge parent -> child: reaching parent lets the attacker try child.
func (b *Builder) Connect(parent, child StepID) { b.edges = append(b.edges, [2]StepID{parent, child}) }

// Build checks the edges and returns the immutable Graph. Duplicate edges are merged.
func (b *Builder) Build() (*Graph, error) {
	n := len(b.steps)
	slices.SortFunc(b.edges, func(x, y [2]StepID) int {
		if x[0] != y[0] {
			return int(x[0] - y[0])
		}
		return int(x[1] - y[1])
	})
	g := &Graph{steps: b.steps, index: b.index, childStart: make([]int32, n+1), parentStart: make([]int32, n+1)}
	for i, e := range b.edges {
		if e[0] < 0 || int(e[0]) >= n || e[1] < 0 || int(e[1]) >= n {
			return nil, fmt.Errorf("build attack graph: edge %d: step out of range", i)
		}
		if i > 0 && e == b.edges[i-1] {
			continue
		}
		if k := b.steps[e[1]].Kind; k == Defense || k == Exist || k == NotExist {
			return nil, fmt.Errorf("build attack graph: %s reaches %s, a %s", b.steps[e[0]].Ref(), b.steps[e[1]].Ref(), k)
		}
		g.child = append(g.child, int32(e[1]))
		g.childStart[e[0]+1]++
		g.parentStart[e[1]+1]++
	}
	g.finish()
	return g, nil
}

// Graph is a compiled attack graph in a flat layout: steps in a slice, edges as offsets into
// one child array and one parent array. It is immutable and safe for concurrent use.
type Graph struct {
	steps       []Step
	index       assetIndex
	childStart  []int32
	child       []int32
	parentStart []int32
	parent      []int32
}

func (g *Graph) finish() {
	n := len(g.steps)
	for i := 0; i < n; i++ {
		g.childStart[i+1] += g.childStart[i]
		g.parentStart[i+1] += g.parentStart[i]
	}
	g.parent = make([]int32, len(g.child))
	fill := append([]int32(nil), g.parentStart[:n]...)
	for p := 0; p < n; p++ {
		for _, c := range g.child[g.childStart[p]:g.childStart[p+1]] {
			g.parent[fill[c]] = int32(p)
			fill[c]++
		}
	}
}

// Len is the number of steps.
func (g *Graph) Len() int { return len(g.steps) }

// Edges is the number of edges.
func (g *Graph) Edges() int { return len(g.child) }

// Step returns the step with the given id.
func (g *Graph) Step(id StepID) *Step { return &g.steps[id] }

// Lookup finds a step by asset and step name.
func (g *Graph) Lookup(asset, name string) (StepID, bool) { return g.index.find(g.steps, asset, name) }

// AssetSteps returns the ids of an asset's steps; the slice must not be modified.
func (g *Graph) AssetSteps(asset string) []StepID {
	if a := g.index[asset]; a != nil {
		return a.ids
	}
	return nil
}

// Children returns the steps that id reaches; the slice must not be modified.
func (g *Graph) Children(id StepID) []int32 { return g.child[g.childStart[id]:g.childStart[id+1]] }

// Parents returns the steps that reach id; the slice must not be modified.
func (g *Graph) Parents(id StepID) []int32 { return g.parent[g.parentStart[id]:g.parentStart[id+1]] }

// Find returns the ids of the steps whose asset and name match; an empty asset matches any.
func (g *Graph) Find(asset, name string) []StepID {
	var out []StepID
	for i := range g.steps {
		if (asset == "" || g.steps[i].Asset == asset) && g.steps[i].Name == name {
			out = append(out, StepID(i))
		}
	}
	return out
}

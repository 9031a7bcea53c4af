package bpmn

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// parseDiagram keeps the parts of a BPMNDiagram that CheckDiagram looks at; anything else in it
// (labels, styles) is ignored, as the engine never reads DI.
func parseDiagram(n *xnode) Diagram {
	d := Diagram{ID: n.attr("", "id"), Line: n.line}
	for _, c := range n.children {
		if c.name.Space != nsBPMNDI || c.name.Local != "BPMNPlane" {
			continue
		}
		p := Plane{ID: c.attr("", "id"), Element: c.attr("", "bpmnElement"), Line: c.line}
		for _, e := range c.children {
			switch {
			case e.name.Space == nsBPMNDI && e.name.Local == "BPMNShape":
				p.Shapes = append(p.Shapes, Shape{ID: e.attr("", "id"), Element: e.attr("", "bpmnElement"),
					Line: e.line, HasBounds: hasChild(e, nsDC, "Bounds")})
			case e.name.Space == nsBPMNDI && e.name.Local == "BPMNEdge":
				p.Edges = append(p.Edges, Edge{ID: e.attr("", "id"), Element: e.attr("", "bpmnElement"),
					Line: e.line, Waypoints: countChildren(e, nsDI, "waypoint")})
			}
		}
		d.Planes = append(d.Planes, p)
	}
	return d
}

func hasChild(n *xnode, space, local string) bool { return countChildren(n, space, local) > 0 }

func countChildren(n *xnode, space, local string) int {
	k := 0
	for _, c := range n.children {
		if c.name.Space == space && c.name.Local == local {
			k++
		}
	}
	return k
}

// CheckDiagram checks that d's diagram interchange is complete, as bpmn-js needs it to render the
// file: a plane for the process, every flow node with exactly one BPMNShape with bounds, every sequence
// flow with exactly one BPMNEdge of at least two waypoints, and no shape or edge for an unknown element.
func CheckDiagram(d *Definitions) error {
	var probs []problem
	add := func(line int, id, format string, args ...any) {
		probs = append(probs, problem{line: line, id: id, msg: fmt.Sprintf(format, args...)})
	}
	nodes, flows := map[string]int{}, map[string]int{}
	for _, p := range d.Processes {
		collectIDs(&p.Scope, nodes, flows)
	}
	shapes, edges, planes := map[string]int{}, map[string]int{}, map[string]bool{}
	for _, dg := range d.Diagrams {
		for _, pl := range dg.Planes {
			planes[pl.Element] = true
			for _, s := range pl.Shapes {
				shapes[s.Element]++
				if _, ok := nodes[s.Element]; !ok {
					add(s.Line, s.ID, "BPMNShape for %q, which is not a flow node", s.Element)
				}
				if !s.HasBounds {
					add(s.Line, s.ID, "BPMNShape without dc:Bounds")
				}
			}
			for _, e := range pl.Edges {
				edges[e.Element]++
				if _, ok := flows[e.Element]; !ok {
					add(e.Line, e.ID, "BPMNEdge for %q, which is not a sequence flow", e.Element)
				}
				if e.Waypoints < 2 {
					add(e.Line, e.ID, "BPMNEdge with %d waypoints, want at least 2", e.Waypoints)
				}
			}
		}
	}
	for _, p := range d.Processes {
		if !planes[p.ID] {
			add(p.Line, p.ID, "no BPMNPlane for the process (bpmn-js cannot render the file)")
		}
	}
	missing(nodes, shapes, "BPMNShape", add)
	missing(flows, edges, "BPMNEdge", add)
	return joinProblems("check diagram", probs)
}

// missing reports each element with no or several diagram elements.
func missing(want map[string]int, have map[string]int, kind string, add func(int, string, string, ...any)) {
	for id, line := range want {
		switch have[id] {
		case 0:
			add(line, id, "no %s", kind)
		case 1:
		default:
			add(line, id, "%d %ss, want one", have[id], kind)
		}
	}
}

// collectIDs maps the ids of all flow nodes and sequence flows in sc, nested scopes included, to lines.
func collectIDs(sc *Scope, nodes, flows map[string]int) {
	for _, n := range sc.Nodes {
		nodes[n.ID] = n.Line
		if n.Sub != nil {
			collectIDs(n.Sub, nodes, flows)
		}
	}
	for _, f := range sc.Flows {
		flows[f.ID] = f.Line
	}
}

// joinProblems sorts problems by line and joins them into one error, one problem a line.
func joinProblems(what string, probs []problem) error {
	if len(probs) == 0 {
		return nil
	}
	sort.SliceStable(probs, func(i, j int) bool {
		a, b := probs[i], probs[j]
		if a.line != b.line {
			return a.line < b.line
		}
		return a.id < b.id
	})
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = errors.New(p.String())
	}
	return fmt.Errorf("%s: %d problem(s):\n%w", what, len(probs), errors.Join(errs...))
}

func (p problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", p.line)
	if p.id != "" {
		fmt.Fprintf(&b, ": %q", p.id)
	}
	b.WriteString(": ")
	b.WriteString(p.msg)
	return b.String()
}

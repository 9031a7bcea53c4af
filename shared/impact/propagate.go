package impact

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Config says what was lost and over how long it is counted.
type Config struct {
	Aspects      Aspect  // what the assets lose; 0: all three
	HorizonHours float64 // how long the loss lasts, e.g. the attack graph's median time to compromise
	Currency     string  // shown beside the figures only
	// MaxAffected caps the list of affected elements other than processes (0: 200); the counts
	// per type always cover all of them.
	MaxAffected int
}

// Result is the impact of losing some elements.
type Result struct {
	Model            ModelRef       `json:"model"`
	Assets           []ElementRef   `json:"assets"`
	Aspects          []string       `json:"aspects"`
	HorizonHours     float64        `json:"horizon_hours"`
	Currency         string         `json:"currency,omitempty"`
	Processes        []Process      `json:"processes"`
	Affected         []Affected     `json:"affected"`
	AffectedOmitted  int            `json:"affected_omitted"`
	AffectedByType   map[string]int `json:"affected_by_type"`
	TotalLossPerHour float64        `json:"total_loss_per_hour"`
	TotalLoss        float64        `json:"total_loss"`
	Worst            *Process       `json:"worst,omitempty"`
	Warnings         []string       `json:"warnings"`
}

// ModelRef names the business model version an impact was computed on.
type ModelRef struct {
	Version   int64  `json:"version"`
	Source    string `json:"source"`
	ValidFrom string `json:"valid_from"`
}

// Affected is an element that lost some aspects.
type Affected struct {
	ElementRef
	Aspects []string `json:"aspects"`
}

// Process is an affected business process, function or interaction, with its loss.
type Process struct {
	Affected
	Criticality  int                `json:"criticality"`
	LossPerHour  float64            `json:"loss_per_hour"`
	Loss         float64            `json:"loss"`
	RateByAspect map[string]float64 `json:"rate_by_aspect,omitempty"`
	NoFigure     bool               `json:"no_loss_figure,omitempty"`
	PathAspect   string             `json:"path_aspect"`
	Path         []Step             `json:"path"`
	PathText     string             `json:"path_text"`
}

// Step is one vertex on a path from an asset: an element, or a relationship the path runs through.
type Step struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	Type         string `json:"type"`
	Relationship bool   `json:"relationship,omitempty"`
}

// businessBehaviour are the element types that are quantified.
var businessBehaviour = map[string]bool{"BusinessProcess": true, "BusinessFunction": true, "BusinessInteraction": true}

// Impact propagates the loss of cfg.Aspects of the given elements (identifiers) through the model
// and quantifies it.
func (g *Graph) Impact(assets []string, cfg Config) (*Result, error) {
	if len(assets) == 0 {
		return nil, errors.New("no asset to start from")
	}
	if cfg.Aspects == 0 {
		cfg.Aspects = All
	}
	if cfg.HorizonHours < 0 {
		return nil, fmt.Errorf("horizon of %g hours: must not be negative", cfg.HorizonHours)
	}
	starts := make([]int32, 0, len(assets))
	for _, id := range assets {
		v, ok := g.index[id]
		if !ok || g.isRel[v] {
			return nil, fmt.Errorf("element %s is not in business model %d", id, g.Version)
		}
		starts = append(starts, v)
	}
	p := g.propagate(starts, cfg.Aspects)
	return g.result(p, starts, cfg), nil
}

// spread is the state of one propagation.
type spread struct {
	lost   []Aspect
	fallen []int32            // alternatives lost so far, per vertex
	pred   map[int64][3]int32 // (vertex, aspect bit) -> (predecessor, relationship, its aspect); -1 at an asset
	order  []int32            // vertices in the order they first lost anything
}

func predKey(v int32, a Aspect) int64 { return int64(v)<<4 | int64(a) }

// propagate runs a breadth-first spread of lost aspects: each (vertex, aspect) is lost at most
// once, and each edge is looked at once per aspect its source loses, so the work is linear in the
// part of the model reached.
func (g *Graph) propagate(starts []int32, aspects Aspect) *spread {
	n := len(g.ids)
	p := &spread{lost: make([]Aspect, n), fallen: make([]int32, n), pred: map[int64][3]int32{}}
	type item struct {
		v int32
		a Aspect
	}
	var queue []item
	mark := func(v int32, a Aspect, from, via int32, fromAspect Aspect) {
		if p.lost[v] == 0 {
			p.order = append(p.order, v)
		}
		p.lost[v] |= a
		p.pred[predKey(v, a)] = [3]int32{from, via, int32(fromAspect)}
		queue = append(queue, item{v, a})
	}
	for _, s := range starts {
		for _, a := range aspectOrder {
			if aspects&a != 0 && p.lost[s]&a == 0 {
				mark(s, a, -1, -1, 0)
			}
		}
	}
	for head := 0; head < len(queue); head++ {
		it := queue[head]
		for _, e := range g.edges[g.outStart[it.v]:g.outStart[it.v+1]] {
			if e.mask&it.a == 0 {
				continue
			}
			b := it.a
			if e.disclose && b == Confidentiality {
				b = disclosed
			}
			if p.lost[e.to]&b != 0 || (b == disclosed && p.lost[e.to]&Confidentiality != 0) {
				continue
			}
			if b == Availability && e.alt {
				p.fallen[e.to]++
				if p.fallen[e.to] < g.altIn[e.to] {
					continue
				}
			}
			mark(e.to, b, it.v, e.via, it.a)
		}
	}
	return p
}

// path follows the predecessors of (v, a) back to an asset.
func (g *Graph) path(p *spread, v int32, a Aspect) []Step {
	if a == Confidentiality && p.lost[v]&Confidentiality == 0 {
		a = disclosed
	}
	var rev []int32
	for cur := v; cur >= 0 && len(rev) <= len(g.ids); {
		rev = append(rev, cur)
		pr := p.pred[predKey(cur, a)]
		if pr[1] >= 0 && pr[1] != cur && pr[1] != pr[0] {
			rev = append(rev, pr[1]) // an edge that bypasses its relationship (Access back to the accessor)
		}
		cur, a = pr[0], Aspect(pr[2])
	}
	steps := make([]Step, len(rev))
	for i, x := range rev {
		steps[len(rev)-1-i] = Step{ID: g.ids[x], Name: g.names[x], Type: g.types[x], Relationship: g.isRel[x]}
	}
	return steps
}

// PathText renders a path as "A (Node) -[Realization]-> B (TechnologyService)"; a relationship
// next to another relationship is shown as a stop of its own.
func PathText(steps []Step) string {
	var b strings.Builder
	arrow := true // the text so far ends with an arrow (or is empty)
	for i, s := range steps {
		if s.Relationship && i > 0 && i < len(steps)-1 && !steps[i-1].Relationship && !steps[i+1].Relationship {
			base, _, _ := strings.Cut(s.Type, "/")
			fmt.Fprintf(&b, " -[%s]-> ", base)
			arrow = true
			continue
		}
		if !arrow {
			b.WriteString(" -> ")
		}
		if s.Relationship {
			fmt.Fprintf(&b, "[%s relationship %s]", s.Type, s.ID)
		} else {
			fmt.Fprintf(&b, "%s (%s)", s.Name, s.Type)
		}
		arrow = false
	}
	return b.String()
}

func sortProcesses(ps []Process) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Loss != ps[j].Loss {
			return ps[i].Loss > ps[j].Loss
		}
		if ps[i].Criticality != ps[j].Criticality {
			return ps[i].Criticality > ps[j].Criticality
		}
		return ps[i].Name < ps[j].Name
	})
}

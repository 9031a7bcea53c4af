package impact

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Property names read from business elements.
const (
	PropLossPerHour = "loss_per_hour"
	PropCriticality = "criticality"
)

// result turns a propagation into the report: processes with their losses and paths, the other
// affected elements, the totals.
func (g *Graph) result(p *spread, starts []int32, cfg Config) *Result {
	res := &Result{
		Model:        ModelRef{Version: g.Version, Source: g.Source, ValidFrom: g.ValidFrom.UTC().Format("2006-01-02T15:04:05Z07:00")},
		Aspects:      cfg.Aspects.Names(),
		HorizonHours: cfg.HorizonHours,
		Currency:     cfg.Currency,
		Processes:    []Process{}, Affected: []Affected{}, AffectedByType: map[string]int{}, Warnings: []string{},
	}
	isStart := map[int32]bool{}
	for _, s := range starts {
		isStart[s] = true
		res.Assets = append(res.Assets, g.ref(s))
	}
	limit := cfg.MaxAffected
	if limit <= 0 {
		limit = 200
	}
	for _, v := range p.order {
		if g.isRel[v] || isStart[v] {
			continue
		}
		res.AffectedByType[g.types[v]]++
		aff := Affected{ElementRef: g.ref(v), Aspects: p.lost[v].Names()}
		if businessBehaviour[g.types[v]] {
			res.Processes = append(res.Processes, g.process(p, v, aff, cfg.HorizonHours, &res.Warnings))
			continue
		}
		if len(res.Affected) < limit {
			res.Affected = append(res.Affected, aff)
		} else {
			res.AffectedOmitted++
		}
	}
	sortProcesses(res.Processes)
	for _, pr := range res.Processes {
		res.TotalLossPerHour += pr.LossPerHour
		res.TotalLoss += pr.Loss
	}
	if len(res.Processes) > 0 {
		w := res.Processes[0]
		res.Worst = &w
	}
	return res
}

func (g *Graph) process(p *spread, v int32, aff Affected, horizon float64, warnings *[]string) Process {
	pr := Process{Affected: aff}
	props := g.properties(v, warnings)
	pr.Criticality = g.criticality(v, props, warnings)
	lost := p.lost[v]
	pr.RateByAspect = map[string]float64{}
	found := false
	if lost&disclosed != 0 {
		lost |= Confidentiality
	}
	for _, a := range aspectOrder {
		if lost&a == 0 {
			continue
		}
		rate, ok := g.rate(v, props, a, warnings)
		if !ok {
			continue
		}
		found = true
		pr.RateByAspect[aspectNames[a]] = rate
		pr.LossPerHour = math.Max(pr.LossPerHour, rate)
	}
	pr.NoFigure = !found
	if !found {
		pr.RateByAspect = nil
	}
	pr.Loss = pr.LossPerHour * horizon
	for _, a := range aspectOrder {
		if lost&a != 0 {
			pr.PathAspect = aspectNames[a]
			pr.Path = g.path(p, v, a)
			break
		}
	}
	pr.PathText = PathText(pr.Path)
	return pr
}

// properties decodes an element's stored properties, keyed by lower-case name.
func (g *Graph) properties(v int32, warnings *[]string) map[string]string {
	if len(g.props[v]) == 0 {
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal(g.props[v], &raw); err != nil {
		*warnings = append(*warnings, fmt.Sprintf("element %s (%s): stored properties unreadable: %v", g.ids[v], g.names[v], err))
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, val := range raw {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(fmt.Sprint(val))
	}
	return out
}

// rate is the loss per hour of an aspect: its own figure, else loss_per_hour.
func (g *Graph) rate(v int32, props map[string]string, a Aspect, warnings *[]string) (float64, bool) {
	for _, name := range []string{PropLossPerHour + "_" + aspectNames[a], PropLossPerHour} {
		s, ok := props[name]
		if !ok || s == "" {
			continue
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			*warnings = append(*warnings, fmt.Sprintf("element %s (%s): property %s %q is not a non-negative number; ignored", g.ids[v], g.names[v], name, s))
			continue
		}
		return f, true
	}
	return 0, false
}

var criticalityWords = map[string]int{"very low": 1, "low": 2, "medium": 3, "high": 4, "critical": 5, "very high": 5}

func (g *Graph) criticality(v int32, props map[string]string, warnings *[]string) int {
	s, ok := props[PropCriticality]
	if !ok || s == "" {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 5 {
		return n
	}
	if n, ok := criticalityWords[strings.ToLower(s)]; ok {
		return n
	}
	*warnings = append(*warnings, fmt.Sprintf("element %s (%s): criticality %q is neither 1 to 5 nor low, medium, high, critical; ignored", g.ids[v], g.names[v], s))
	return 0
}

// Summary is a one-line account of the result: processes affected, worst first, and the total.
func (r *Result) Summary() string {
	if len(r.Processes) == 0 {
		return "no business process affected"
	}
	names := make([]string, 0, 3)
	for i, p := range r.Processes {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(r.Processes)-3))
			break
		}
		names = append(names, p.Name)
	}
	return fmt.Sprintf("%d business processes affected (%s); %.2f %s over %g h", len(r.Processes),
		strings.Join(names, ", "), r.TotalLoss, r.Currency, r.HorizonHours)
}

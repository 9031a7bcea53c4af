package coa

import (
	"math"
	"sort"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

// candidates lists the priced defences that guard steps on the baseline's critical paths or
// hot steps (their defence parents, directly or through coreLang's "xBypassed" steps, and the
// defences of a vulnerability on the path), most
// often on a path first, and counts the unpriced ones. A defence already on for certain (by
// default or in fixed) is no change, and a defence of a target's own asset (removing what is
// to be protected) no protection: both are left out.
func candidates(g *attackgraph.Graph, base *attackgraph.Result, costs CostTable, fixed attackgraph.Defences) ([]Candidate, int) {
	share := map[attackgraph.StepID]float64{}
	targets := map[string]bool{}
	for _, t := range base.Targets {
		targets[g.Step(t.Step).Asset] = true
	}
	note := func(id attackgraph.StepID, s float64) {
		st := g.Step(id)
		if st.Kind != attackgraph.Defense || st.Enabled >= 1 || fixed[id] || targets[st.Asset] {
			return
		}
		share[id] = math.Max(share[id], s)
	}
	guard := func(ss attackgraph.StepShare) {
		for _, p := range g.Parents(ss.Step) {
			note(attackgraph.StepID(p), ss.Share)
			// coreLang guards through an Or step "xBypassed" fed by the defence x.
			if strings.HasSuffix(g.Step(attackgraph.StepID(p)).Name, "Bypassed") {
				for _, q := range g.Parents(attackgraph.StepID(p)) {
					note(attackgraph.StepID(q), ss.Share)
				}
			}
		}
		// A vulnerability's patch (notPresent) is on its asset, not always a parent of the exploit.
		if st := g.Step(ss.Step); strings.HasSuffix(st.AssetType, "Vulnerability") {
			for _, id := range g.AssetSteps(st.Asset) {
				note(id, ss.Share)
			}
		}
	}
	for _, t := range base.Targets {
		for _, ss := range t.CriticalPath {
			guard(ss)
		}
	}
	for _, ss := range base.HotSteps {
		guard(ss)
	}
	var out []Candidate
	unpriced := 0
	for id, s := range share {
		st := g.Step(id)
		kind := st.AssetType + "." + st.Name
		p, ok := costs.price(st.Ref(), kind)
		if !ok {
			unpriced++
			continue
		}
		out = append(out, Candidate{Step: id, Ref: st.Ref(), Kind: kind, Share: s, Cost: p.Cost, Days: p.Days})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Share != out[j].Share {
			return out[i].Share > out[j].Share
		}
		return out[i].Ref < out[j].Ref
	})
	return out, unpriced
}

// effect reads a simulation result in the terms of the objective.
func effect(p Problem, r *attackgraph.Result) Effect {
	e := Effect{Targets: make([]TargetEffect, 0, len(r.Targets))}
	for _, t := range r.Targets {
		e.Targets = append(e.Targets, TargetEffect{Step: t.Ref, Probability: t.Probability, P5: finite(t.P5), P50: finite(t.P50)})
	}
	e.Score = score(p, r)
	if len(p.Impact) > 0 {
		risk := -e.Score
		e.Risk = &risk
	}
	return e
}

// score is the objective, higher is better: the mean over targets of the capped 5th and
// 50th percentile TTC, or minus the risk when impact figures are given.
func score(p Problem, r *attackgraph.Result) float64 {
	if len(p.Impact) > 0 {
		risk := 0.0
		for _, t := range r.Targets {
			risk += t.Probability * p.Impact[t.Step]
		}
		return -risk
	}
	if len(r.Targets) == 0 {
		return 0
	}
	sum := 0.0
	for _, t := range r.Targets {
		sum += (math.Min(t.P5, r.Horizon) + math.Min(t.P50, r.Horizon)) / 2
	}
	return sum / float64(len(r.Targets))
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// shortlist keeps the limit best candidates by screening gain per unit price (per day when
// free), those that gain nothing alone last: they may still help together with another.
func shortlist(cands []Candidate, limit int) []Candidate {
	eff := func(c Candidate) float64 {
		switch {
		case c.Gain <= eps:
			return 0
		case c.Cost > 0:
			return c.Gain / c.Cost
		case c.Days > 0:
			return c.Gain / c.Days * 1e6
		}
		return c.Gain * 1e12
	}
	out := append([]Candidate(nil), cands...)
	sort.SliceStable(out, func(i, j int) bool { return eff(out[i]) > eff(out[j]) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

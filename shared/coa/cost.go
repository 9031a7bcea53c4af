package coa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

// Price is what one defence costs in money and in days of work to deploy it.
type Price struct {
	Cost float64 `json:"cost"`
	Days float64 `json:"days"`
	// Volume lists the unit prices when at least From defences of the kind are bought
	// together (KTH's same_type_dependency); the tier with the largest From that applies wins.
	Volume []Tier `json:"volume,omitempty"`
}

// Tier is a volume price: the unit cost and days when at least From of a kind are bought.
type Tier struct {
	From int     `json:"from"`
	Cost float64 `json:"cost"`
	Days float64 `json:"days"`
}

// CostTable prices defences and says which go together. Defences are priced by kind
// ("AssetType.defence") or, overriding the kind, by their reference ("object.defence").
type CostTable struct {
	Currency string           `json:"currency,omitempty"`
	Kinds    map[string]Price `json:"defences,omitempty"`
	Items    map[string]Price `json:"items,omitempty"`
	// Prerequisites: a defence (by reference) may be chosen only with all of these.
	Prerequisites map[string][]string `json:"prerequisites,omitempty"`
	// Exclusive: a defence (by reference) may not be chosen with any of these.
	Exclusive map[string][]string `json:"exclusive,omitempty"`
}

// DefaultCosts is the table used when the caller gives none, and under the caller's entries
// otherwise: this project's rough prices in euros and working days, for a mid-sized
// organisation. A firewall filter is cheap and quick; a patch costs a test cycle and is
// cheaper in bulk; removing an application or a data store is a project.
func DefaultCosts() CostTable {
	return CostTable{
		Currency: "EUR",
		Kinds: map[string]Price{
			"ConnectionRule.restricted":           {Cost: 500, Days: 1, Volume: []Tier{{From: 5, Cost: 400, Days: 0.8}}},
			"ConnectionRule.payloadInspection":    {Cost: 6000, Days: 10},
			"SoftwareVulnerability.notPresent":    {Cost: 1000, Days: 3, Volume: []Tier{{From: 3, Cost: 700, Days: 2}, {From: 10, Cost: 650, Days: 1.8}}},
			"HardwareVulnerability.notPresent":    {Cost: 5000, Days: 20},
			"Application.notPresent":              {Cost: 20000, Days: 30},
			"Application.supplyChainAuditing":     {Cost: 15000, Days: 40},
			"Credentials.notDisclosed":            {Cost: 1500, Days: 2},
			"Credentials.notGuessable":            {Cost: 800, Days: 2},
			"Credentials.unique":                  {Cost: 800, Days: 2},
			"Credentials.notPhishable":            {Cost: 3000, Days: 10},
			"Data.notPresent":                     {Cost: 8000, Days: 15},
			"Identity.notPresent":                 {Cost: 300, Days: 0.5},
			"Network.networkAccessControl":        {Cost: 10000, Days: 20},
			"Network.eavesdropDefense":            {Cost: 6000, Days: 10},
			"Network.adversaryInTheMiddleDefense": {Cost: 6000, Days: 10},
			"User.securityAwareness":              {Cost: 4000, Days: 30},
			"User.noPasswordReuse":                {Cost: 1000, Days: 5},
			"User.noRemovableMediaUsage":          {Cost: 1000, Days: 5},
		},
	}
}

// ParseCostTable reads a cost table in JSON and puts it over DefaultCosts: the caller's
// kinds and items replace the defaults of the same name.
func ParseCostTable(r io.Reader) (CostTable, error) {
	var in CostTable
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return CostTable{}, fmt.Errorf("read cost table: %w", err)
	}
	t := DefaultCosts()
	if in.Currency != "" {
		t.Currency = in.Currency
	}
	t.Items = map[string]Price{}
	for k, p := range in.Kinds {
		t.Kinds[k] = p
	}
	for k, p := range in.Items {
		t.Items[k] = p
	}
	t.Prerequisites, t.Exclusive = in.Prerequisites, in.Exclusive
	if err := t.Check(); err != nil {
		return CostTable{}, fmt.Errorf("read cost table: %w", err)
	}
	return t, nil
}

// Check refuses prices that are negative or not finite, and volume tiers under which buying
// one more of a kind would lower the total: the exact search prunes on cost and needs a total
// that never falls as defences are added.
func (t CostTable) Check() error {
	for _, m := range []map[string]Price{t.Kinds, t.Items} {
		for name, p := range m {
			if err := p.check(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

func (p Price) check() error {
	finite := func(v float64) bool { return v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
	if !finite(p.Cost) || !finite(p.Days) {
		return errors.New("cost and days must be finite and not negative")
	}
	for _, v := range p.Volume {
		if v.From < 2 || !finite(v.Cost) || !finite(v.Days) {
			return errors.New("a volume tier needs from of at least 2 and finite, non-negative cost and days")
		}
		prevCost, prevDays := p.unit(v.From - 1)
		if float64(v.From)*v.Cost < float64(v.From-1)*prevCost || float64(v.From)*v.Days < float64(v.From-1)*prevDays {
			return fmt.Errorf("volume tier from %d makes %d cheaper in total than %d", v.From, v.From, v.From-1)
		}
	}
	return nil
}

// unit is the unit price when n of the kind are bought.
func (p Price) unit(n int) (cost, days float64) {
	cost, days = p.Cost, p.Days
	best := 0
	for _, v := range p.Volume {
		if v.From <= n && v.From > best {
			best, cost, days = v.From, v.Cost, v.Days
		}
	}
	return cost, days
}

// price looks a defence up: by its reference first, then by its kind.
func (t CostTable) price(ref, kind string) (Price, bool) {
	if p, ok := t.Items[ref]; ok {
		return p, true
	}
	p, ok := t.Kinds[kind]
	return p, ok
}

// total is the cost and days of a set of candidates, with volume prices per kind. A defence
// priced by its reference is outside its kind's volume.
func (t CostTable) total(cands []Candidate, mask uint64) (cost, days float64) {
	counts := map[string]int{}
	for i := range cands {
		if mask&(1<<i) == 0 {
			continue
		}
		if p, ok := t.Items[cands[i].Ref]; ok {
			cost, days = cost+p.Cost, days+p.Days
			continue
		}
		counts[cands[i].Kind]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds) // a fixed order keeps the float sum reproducible
	for _, k := range kinds {
		c, d := t.Kinds[k].unit(counts[k])
		cost += float64(counts[k]) * c
		days += float64(counts[k]) * d
	}
	return cost, days
}

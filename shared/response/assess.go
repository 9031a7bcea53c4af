package response

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/impact"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// Defaults of RORIConfig.
const (
	DefaultHorizonDays  = 30.0
	DefaultContainHours = 24.0
	DefaultSamples      = 1000
)

// Method says in the report how RM and ALE were reached.
const Method = "ALE = business loss per hour of the hosts the attack reaches in at least half the samples " +
	"within the horizon (one propagation over all of them, so shared processes count once) × the largest of " +
	"their median times to compromise, onward from the compromised host. RM = coverage × effectiveness: " +
	"coverage is the loss-weighted share of the attacker's successes within the horizon that come after the " +
	"response takes effect (the cost table's deploy_hours), the same samples with and without the response; " +
	"effectiveness is the cost table's. ARC = the cost table's cost + the business loss of the response's side " +
	"effects (an isolated host's own loss of availability for contain_hours)."

// RORIConfig holds the figures RORI needs besides the models; the zero
// value is usable.
type RORIConfig struct {
	// Costs is the cost table; nil means DefaultCosts, a missing kind its
	// default.
	Costs map[Kind]Cost
	// AIV is the annual infrastructure value.
	AIV float64
	// HorizonDays bounds the attack simulation; 0 means
	// DefaultHorizonDays.
	HorizonDays float64
	// ContainHours is how long an isolated host stays isolated; 0 means
	// DefaultContainHours.
	ContainHours float64
	Samples      int // attack graph samples; 0 means DefaultSamples
	Seed         uint64
	Currency     string
	Logger       *slog.Logger
}

// Models are the knowledge RORI is computed from.
type Models struct {
	Infra    infra.Model
	Business knowledge.BusinessModel
}

// Assessment is the incident-wide part of RORI, shown in the report.
// When Computed is false, Reason says why and no CoA carries a RORI.
type Assessment struct {
	Computed        bool       `json:"computed"`
	Reason          string     `json:"reason,omitempty"`
	Method          string     `json:"method,omitempty"`
	Currency        string     `json:"currency,omitempty"`
	AIV             float64    `json:"aiv"`
	HorizonDays     float64    `json:"horizon_days,omitempty"`
	Samples         int        `json:"samples,omitempty"`
	InfraVersion    int64      `json:"infra_version,omitempty"`
	BusinessVersion int64      `json:"business_version,omitempty"`
	ALE             float64    `json:"ale"`
	LossPerHour     float64    `json:"loss_per_hour"`
	TTCHours        float64    `json:"ttc_hours"`
	Reached         []Exposure `json:"reached"`
}

// Exposure is one host the attack reaches from the compromised host.
type Exposure struct {
	Host        string   `json:"host"`
	Probability float64  `json:"probability"`
	TTCHours    *float64 `json:"ttc_p50_hours"` // nil: reached in fewer than half the samples
	LossPerHour float64  `json:"loss_per_hour"`
	Processes   []string `json:"processes"`
	times       []float64
}

// CoARORI is one CoA's RORI with the inputs beside it. RORI is nil when it
// could not be computed, and Reason says why.
type CoARORI struct {
	RORI   *float64 `json:"rori"`
	Reason string   `json:"reason,omitempty"`
	RORIInputs
	Cost           Cost         `json:"cost_table"`
	Coverage       float64      `json:"coverage"`
	SideEffects    []SideEffect `json:"side_effects"`
	SideEffectLoss float64      `json:"side_effect_loss"`
	Note           string       `json:"note,omitempty"`
}

// SideEffect is a business process the response itself harms.
type SideEffect struct {
	Process     string  `json:"process"`
	Type        string  `json:"type"`
	Criticality int     `json:"criticality"`
	LossPerHour float64 `json:"loss_per_hour"`
	Hours       float64 `json:"hours"`
	Loss        float64 `json:"loss"`
	Path        string  `json:"path"`
}

// Rank computes every CoA's RORI from the attack graph onward from the
// host and the business model, and orders res.CoAs by it. When the models
// do not cover the host it leaves the plan as it was and says why in
// res.RORI; it fails only on a model that cannot be compiled or simulated.
func Rank(ctx context.Context, res *Result, m Models, cfg RORIConfig) error {
	cfg = cfg.withDefaults()
	a := &Assessment{Method: Method, Currency: cfg.Currency, AIV: cfg.AIV, HorizonDays: cfg.HorizonDays,
		Samples: cfg.Samples, InfraVersion: m.Infra.Version, BusinessVersion: m.Business.Version, Reached: []Exposure{}}
	res.RORI = a
	host, ok := m.Infra.Host(res.Host)
	if !ok {
		a.Reason = fmt.Sprintf("host %s is not in the infrastructure model (version %d): run SOCCRATES_InfraModel on a scan that covers it", res.Host, m.Infra.Version)
		return nil
	}
	g, err := impact.Compile(m.Business)
	if err != nil {
		return fmt.Errorf("rank responses: %w", err)
	}
	if err := exposures(ctx, a, m.Infra, host, g, cfg); err != nil {
		return fmt.Errorf("rank responses: %w", err)
	}
	for i := range res.CoAs {
		res.CoAs[i].RORI = coaRORI(res.CoAs[i], a, host, g, cfg)
	}
	a.Computed = true
	rankCoAs(res.CoAs)
	cfg.Logger.Debug("responses ranked", "host", res.Host, "ale", a.ALE, "reached", len(a.Reached))
	return nil
}

func (c RORIConfig) withDefaults() RORIConfig {
	if c.Costs == nil {
		c.Costs = DefaultCosts
	}
	if c.HorizonDays <= 0 {
		c.HorizonDays = DefaultHorizonDays
	}
	if c.ContainHours <= 0 {
		c.ContainHours = DefaultContainHours
	}
	if c.Samples <= 0 {
		c.Samples = DefaultSamples
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// exposures simulates the attack onward from host and fills a with the
// hosts it reaches, their losses and the ALE.
func exposures(ctx context.Context, a *Assessment, m infra.Model, host infra.Host, g *impact.Graph, cfg RORIConfig) error {
	if len(m.Hosts) < 2 {
		return nil // nothing to move on to: ALE 0
	}
	sc, err := infragraph.NewScenario(m, infragraph.Config{Mode: infragraph.Onward, Asset: host.Key,
		Sim: attackgraph.Config{Samples: cfg.Samples, Seed: cfg.Seed, Horizon: cfg.HorizonDays, SkipPaths: true, KeepTimes: true}})
	if err != nil {
		return fmt.Errorf("attack graph onward from %s: %w", host.Key, err)
	}
	run, err := sc.Run(ctx, nil)
	if err != nil {
		return fmt.Errorf("attack graph onward from %s: %w", host.Key, err)
	}
	var reachedIDs []string
	for _, e := range fastestPerHost(sc.Compiled.Graph, run) {
		if err := e.price(m, g, cfg); err != nil {
			return err
		}
		a.Reached = append(a.Reached, e)
		if e.TTCHours != nil {
			a.TTCHours = math.Max(a.TTCHours, *e.TTCHours)
			reachedIDs = append(reachedIDs, hostElementIDs(m, g, e.Host)...)
		}
	}
	if len(reachedIDs) == 0 {
		return nil
	}
	all, err := g.Impact(reachedIDs, impact.Config{Aspects: impact.All, HorizonHours: 1})
	if err != nil {
		return fmt.Errorf("business impact of the reached hosts: %w", err)
	}
	a.LossPerHour = all.TotalLossPerHour
	a.ALE = a.LossPerHour * a.TTCHours
	return nil
}

// fastestPerHost keeps, for each host the simulation reached, the target
// step reached most often (a host has several: its own, its services',
// its data's).
func fastestPerHost(g *attackgraph.Graph, run *attackgraph.Result) []Exposure {
	var out []Exposure
	index := map[string]int{}
	for _, t := range run.Targets {
		if t.Probability == 0 {
			continue
		}
		h := infragraph.HostOf(g.Step(t.Step).Asset)
		e := Exposure{Host: h, Probability: t.Probability, Processes: []string{}, times: t.Times}
		if !math.IsInf(t.P50, 1) {
			hours := t.P50 * 24
			e.TTCHours = &hours
		}
		i, seen := index[h]
		if !seen {
			index[h] = len(out)
			out = append(out, e)
			continue
		}
		if e.Probability > out[i].Probability || e.Probability == out[i].Probability && faster(e, out[i]) {
			out[i] = e
		}
	}
	return out
}

func faster(a, b Exposure) bool {
	return a.TTCHours != nil && (b.TTCHours == nil || *a.TTCHours < *b.TTCHours)
}

// price sets the business loss per hour of the host's compromise.
func (e *Exposure) price(m infra.Model, g *impact.Graph, cfg RORIConfig) error {
	ids := hostElementIDs(m, g, e.Host)
	if len(ids) == 0 {
		return nil
	}
	r, err := g.Impact(ids, impact.Config{Aspects: impact.All, HorizonHours: 1, Currency: cfg.Currency})
	if err != nil {
		return fmt.Errorf("business impact of %s: %w", e.Host, err)
	}
	e.LossPerHour = r.TotalLossPerHour
	for _, p := range r.Processes {
		e.Processes = append(e.Processes, p.Name)
	}
	return nil
}

// hostElementIDs are the business model elements mapped to any name the
// infrastructure model knows the host by.
func hostElementIDs(m infra.Model, g *impact.Graph, key string) []string {
	idents := []string{key}
	if h, ok := m.Host(key); ok {
		idents = h.Idents()
	}
	var ids []string
	for _, e := range g.HostElements(idents...) {
		ids = append(ids, e.ID)
	}
	return ids
}

// coaRORI computes one CoA's RORI against the incident's assessment.
func coaRORI(c CoA, a *Assessment, host infra.Host, g *impact.Graph, cfg RORIConfig) *CoARORI {
	cost, ok := cfg.Costs[c.Kind]
	if !ok {
		cost = DefaultCosts[c.Kind]
	}
	r := &CoARORI{Cost: cost, SideEffects: []SideEffect{}}
	if len(c.Commands) == 0 {
		r.Reason = "the CoA has no command to enforce (its targets were refused or none were given), so it mitigates nothing"
		return r
	}
	r.Coverage = weightedCoverage(a.Reached, cost.DeployHours/24)
	if c.Kind == KindContainHost {
		if err := containSideEffects(r, host, g, cfg); err != nil {
			r.Reason = err.Error()
			return r
		}
	} else {
		r.Note = "side effects not modelled: the business model has no element for external addresses or names"
	}
	r.RORIInputs = RORIInputs{ALE: a.ALE, RM: r.Coverage * cost.Effectiveness, ARC: cost.Cost + r.SideEffectLoss, AIV: cfg.AIV}
	v, err := RORI(r.RORIInputs)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	r.RORI = &v
	return r
}

// weightedCoverage is the coverage of a response in effect after
// delayDays, over the hosts reached in at least half the samples,
// weighted by their loss per hour (unweighted when none has a loss).
func weightedCoverage(reached []Exposure, delayDays float64) float64 {
	var sum, weight, plain float64
	n := 0
	for _, e := range reached {
		if e.TTCHours == nil {
			continue
		}
		c := coverage(e.times, delayDays)
		sum += c * e.LossPerHour
		weight += e.LossPerHour
		plain += c
		n++
	}
	switch {
	case n == 0:
		return 0
	case weight == 0:
		return plain / float64(n)
	}
	return sum / weight
}

// containSideEffects prices the isolated host's own loss of availability.
func containSideEffects(r *CoARORI, host infra.Host, g *impact.Graph, cfg RORIConfig) error {
	var ids []string
	for _, e := range g.HostElements(host.Idents()...) {
		ids = append(ids, e.ID)
	}
	if len(ids) == 0 {
		r.Note = "no element of the business model is mapped to " + host.Key + ": isolating it harms no modelled process"
		return nil
	}
	res, err := g.Impact(ids, impact.Config{Aspects: impact.Availability, HorizonHours: cfg.ContainHours, Currency: cfg.Currency})
	if err != nil {
		return fmt.Errorf("side effects of isolating %s: %w", host.Key, err)
	}
	for _, p := range res.Processes {
		r.SideEffects = append(r.SideEffects, SideEffect{Process: p.Name, Type: p.Type, Criticality: p.Criticality,
			LossPerHour: p.LossPerHour, Hours: cfg.ContainHours, Loss: p.Loss, Path: p.PathText})
	}
	r.SideEffectLoss = res.TotalLoss
	return nil
}

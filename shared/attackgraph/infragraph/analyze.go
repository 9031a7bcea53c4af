package infragraph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// Mode is the question the analysis answers.
type Mode string

// The modes. Onward: what is at risk next from a compromised host (UC1). Towards: how fast
// the critical assets fall from the entry zones (UC3–5). Adversary: Towards, restricted to
// the techniques of one adversary (UC2).
const (
	Onward    Mode = "onward"
	Towards   Mode = "towards"
	Adversary Mode = "adversary"
)

// Config says what to analyse.
type Config struct {
	Mode Mode
	// Asset is a host (key, address or name): the compromised host in Onward mode; in the
	// other modes an optional extra target, the host a new finding or change is about.
	Asset      string
	EntryZones []string // Towards and Adversary; default ["internet"]
	Techniques []string // Adversary: the ATT&CK techniques the adversary uses
	// Critical is the criticality (1–5, any of C, I, A) from which a host is a critical
	// asset; default 4. Hosts with role database_server or domain_controller are critical too.
	Critical   int
	MaxTargets int // targets reported, fastest first; default 10
	Sim        attackgraph.Config
	Logger     *slog.Logger
}

// Report is the outcome, in the shape the analyzer puts in `full`.
type Report struct {
	Mode      Mode       `json:"mode"`
	Entries   []string   `json:"entries"`
	Samples   int        `json:"samples"`
	Seed      uint64     `json:"seed"`
	Horizon   float64    `json:"horizon_days"`
	Targets   []Target   `json:"targets"`
	Omitted   int        `json:"targets_omitted"`
	Reached   int        `json:"targets_reached"` // of all candidate targets, reported or not
	HotSteps  []PathStep `json:"hot_steps"`
	Steps     int        `json:"steps"`
	Edges     int        `json:"edges"`
	Live      int        `json:"live_steps"`
	Forbidden int        `json:"forbidden_steps,omitempty"`
	Notes     []string   `json:"notes,omitempty"`
	Duration  string     `json:"duration"`
}

// Target is one target step with its time to compromise in days. A percentile is nil when
// that share of samples did not reach the target within the horizon.
type Target struct {
	Host        string   `json:"host"`
	Step        string   `json:"step"`
	Probability float64  `json:"probability"`
	P5          *float64 `json:"ttc_p5"`
	P50         *float64 `json:"ttc_p50"`
	P95         *float64 `json:"ttc_p95"`
	// Hosts are the hosts along the critical path, in order, each once.
	Hosts        []string   `json:"path_hosts"`
	CriticalPath []PathStep `json:"critical_path"`
}

// PathStep is a step on a critical path, or a hot step, with its share of samples.
type PathStep struct {
	Step       string   `json:"step"`
	Host       string   `json:"host,omitempty"`
	Share      float64  `json:"share"`
	Techniques []string `json:"techniques,omitempty"`
}

// ErrUnknownAsset is returned when Config.Asset is not a host of the model.
var ErrUnknownAsset = errors.New("asset not in the infrastructure model")

// Analyze compiles the model and runs the simulation the mode asks for.
func Analyze(ctx context.Context, m infra.Model, cfg Config) (*Report, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sc, err := NewScenario(m, cfg)
	if err != nil {
		return nil, err
	}
	c := sc.Compiled
	rep := &Report{Mode: cfg.Mode, Steps: c.Graph.Len(), Edges: c.Graph.Edges(), Entries: sc.entryNames,
		Forbidden: len(sc.Config.Forbidden), Notes: sc.notes}
	log.Debug("attack graph compiled", "steps", rep.Steps, "edges", rep.Edges, "targets", len(sc.Config.Targets))
	res, reached, err := simulate(ctx, c, sc.Config, cfg.MaxTargets)
	if err != nil {
		return nil, err
	}
	rep.Reached = reached
	fill(c, rep, res, len(sc.Config.Targets))
	rep.Duration = time.Since(start).Round(time.Millisecond).String()
	return rep, nil
}

// Scenario is a compiled model with the entry points, targets and forbidden steps of one
// question: what the course-of-action generator simulates again and again with different
// defences (Run), after compiling once.
type Scenario struct {
	Compiled   *Compiled
	Config     attackgraph.Config // the simulation: cfg.Sim with entries, targets, forbidden steps
	sim        *attackgraph.Simulator
	entryNames []string
	notes      []string
}

// NewScenario compiles m and picks the entry points and targets cfg's mode asks for.
func NewScenario(m infra.Model, cfg Config) (*Scenario, error) {
	c, err := Compile(m)
	if err != nil {
		return nil, err
	}
	sc := &Scenario{Compiled: c, Config: cfg.Sim}
	for _, a := range c.Assumed {
		sc.notes = append(sc.notes, "no CVSS v3 vector, exploit assumed remote and easy: "+a)
	}
	var asset string
	if cfg.Asset != "" {
		h, ok := m.Host(cfg.Asset)
		if _, compiled := c.hosts[h.Key]; !ok || !compiled {
			return nil, fmt.Errorf("%w: %s", ErrUnknownAsset, cfg.Asset)
		}
		asset = h.Key
	}
	if sc.Config.Entries, sc.entryNames, err = entries(c, cfg, asset); err != nil {
		return nil, err
	}
	if sc.Config.Targets = targets(c, m, cfg, asset, &sc.notes); len(sc.Config.Targets) == 0 {
		return nil, fmt.Errorf("no target steps: the model has no other host")
	}
	if cfg.Mode == Adversary {
		sc.Config.Forbidden = Forbidden(c.Graph, cfg.Techniques)
	}
	return sc, nil
}

// Run simulates the scenario with the given defences switched on or off; the first call
// prepares the simulator, later ones reuse it and see the same random numbers.
func (sc *Scenario) Run(ctx context.Context, def attackgraph.Defences) (*attackgraph.Result, error) {
	if sc.sim == nil {
		s, err := attackgraph.NewSimulator(sc.Compiled.Graph, sc.Config)
		if err != nil {
			return nil, err
		}
		sc.sim = s
	}
	return sc.sim.Run(ctx, def)
}

// Defence is a defence of the compiled model a course of action can switch on or off.
type Defence struct {
	Step    attackgraph.StepID
	Ref     string  // e.g. rule:dmz->lan:5432/tcp.restricted, vuln:...|....notPresent (a patch)
	Host    string  // the host it belongs to, "" for zones and rules
	Enabled float64 // its default: the probability it is on
}

// Defences lists the defences of the compiled model, in step order.
func (c *Compiled) Defences() []Defence {
	var out []Defence
	for i := 0; i < c.Graph.Len(); i++ {
		s := c.Graph.Step(attackgraph.StepID(i))
		if s.Kind == attackgraph.Defense {
			out = append(out, Defence{Step: attackgraph.StepID(i), Ref: s.Ref(), Host: HostOf(s.Asset), Enabled: s.Enabled})
		}
	}
	return out
}

func entries(c *Compiled, cfg Config, asset string) ([]attackgraph.StepID, []string, error) {
	if cfg.Mode == Onward {
		if asset == "" {
			return nil, nil, errors.New("onward mode needs the compromised host")
		}
		id, _ := c.HostStep(asset, "fullAccess")
		return []attackgraph.StepID{id}, []string{hostObject(asset) + ".fullAccess"}, nil
	}
	zones := cfg.EntryZones
	if len(zones) == 0 {
		zones = []string{"internet"}
	}
	var ids []attackgraph.StepID
	var names []string
	for _, z := range zones {
		if id, ok := c.ZoneStep(z, "accessUninspected"); ok {
			ids = append(ids, id)
			names = append(names, zoneObject(z)+".accessUninspected")
		}
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("none of the entry zones %q is a zone of the model; name the internet-facing zones in entry_zones", zones)
	}
	return ids, names, nil
}

// targets picks the target steps: full access to hosts and to their services, and reading
// their data. In Onward
// mode every other host is a candidate; otherwise the critical ones and the asset.
func targets(c *Compiled, m infra.Model, cfg Config, asset string, notes *[]string) []attackgraph.StepID {
	critical := cfg.Critical
	if critical <= 0 {
		critical = 4
	}
	var keys []string
	for _, h := range m.Hosts {
		if _, ok := c.hosts[h.Key]; !ok {
			continue
		}
		crit := isCritical(h, critical)
		if cfg.Mode == Onward && h.Key != asset || cfg.Mode != Onward && (crit || h.Key == asset) {
			keys = append(keys, h.Key)
		}
	}
	if len(keys) == 0 && cfg.Mode != Onward {
		*notes = append(*notes, fmt.Sprintf("no host has criticality %d or more, or a critical role: every host is a target", critical))
		for k := range c.hosts {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var ids []attackgraph.StepID
	for _, k := range keys {
		if id, ok := c.HostStep(k, "fullAccess"); ok {
			ids = append(ids, id)
		}
		ids = append(ids, c.ServiceSteps(k, "fullAccess")...)
		if id, ok := c.DataStep(k, "read"); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func isCritical(h infra.Host, threshold int) bool {
	p := h.Properties
	return max(p.Confidentiality, p.Integrity, p.Availability) >= threshold ||
		p.Role == infra.RoleDatabaseServer || p.Role == infra.RoleDomainController
}

// simulate runs without paths over all targets, keeps the fastest, and runs again with
// paths for those only. The second run sees the same random numbers, so its times agree.
// It also returns how many of all the targets were reached at all.
func simulate(ctx context.Context, c *Compiled, sim attackgraph.Config, limit int) (*attackgraph.Result, int, error) {
	if limit <= 0 {
		limit = 10
	}
	reached := -1
	if len(sim.Targets) > limit {
		first := sim
		first.SkipPaths = true
		res, err := attackgraph.Simulate(ctx, c.Graph, first)
		if err != nil {
			return nil, 0, err
		}
		sortTargets(res.Targets)
		reached = countReached(res.Targets)
		sim.Targets = nil
		for _, t := range res.Targets[:limit] {
			sim.Targets = append(sim.Targets, t.Step)
		}
	}
	res, err := attackgraph.Simulate(ctx, c.Graph, sim)
	if err != nil {
		return nil, 0, err
	}
	sortTargets(res.Targets)
	if reached < 0 {
		reached = countReached(res.Targets)
	}
	return res, reached, nil
}

func countReached(ts []attackgraph.TargetResult) int {
	n := 0
	for _, t := range ts {
		if t.Probability > 0 {
			n++
		}
	}
	return n
}

// sortTargets puts the fastest first: by median, then by probability, then by name.
func sortTargets(ts []attackgraph.TargetResult) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.P50 != b.P50 {
			return a.P50 < b.P50
		}
		if a.Probability != b.Probability {
			return a.Probability > b.Probability
		}
		return a.Ref < b.Ref
	})
}

func fill(c *Compiled, rep *Report, res *attackgraph.Result, candidates int) {
	rep.Samples, rep.Seed, rep.Horizon, rep.Live = res.Samples, res.Seed, res.Horizon, res.Live
	rep.Omitted = candidates - len(res.Targets)
	for _, t := range res.Targets {
		s := c.Graph.Step(t.Step)
		path := pathSteps(c, t.CriticalPath)
		rep.Targets = append(rep.Targets, Target{Host: HostOf(s.Asset), Step: t.Ref, Probability: t.Probability,
			P5: finite(t.P5), P50: finite(t.P50), P95: finite(t.P95), Hosts: hostsOf(path), CriticalPath: path})
	}
	rep.HotSteps = pathSteps(c, res.HotSteps)
}

func pathSteps(c *Compiled, in []attackgraph.StepShare) []PathStep {
	out := make([]PathStep, 0, len(in))
	for _, p := range in {
		s := c.Graph.Step(p.Step)
		out = append(out, PathStep{Step: p.Ref, Host: HostOf(s.Asset), Share: math.Round(p.Share*1000) / 1000,
			Techniques: TechniquesOf(s.AssetType, s.Name)})
	}
	return out
}

func hostsOf(path []PathStep) []string {
	out := []string{}
	for _, p := range path {
		if p.Host != "" && !slices.Contains(out, p.Host) {
			out = append(out, p.Host)
		}
	}
	return out
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	r := math.Round(v*1000) / 1000
	return &r
}

package coa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// Problem is what the generator works on: a compiled attack graph with its entry points
// and targets, and optionally what each target's compromise costs the business.
type Problem struct {
	Graph *attackgraph.Graph
	// Sim holds the entries, targets, forbidden steps, seed and horizon; Samples and
	// SkipPaths are set by the generator.
	Sim attackgraph.Config
	// Impact is the business loss when a target is reached, by target step. When any is
	// given the metric is risk; targets without a figure then do not count.
	Impact map[attackgraph.StepID]float64
	// Fixed are defences switched on or off in every run, whatever the candidates: what is
	// deployed already and the graph's defaults do not say.
	Fixed attackgraph.Defences
	// Describe says in words, and where it can as firewall flows, what switching a
	// defence on means; nil describes it by its reference.
	Describe func(Candidate) Change
}

// Change is a defence as a planned change: text for the person who makes it, and the flows
// an OpenC2 packet filter can deny to enforce it (empty when it cannot be automated).
type Change struct {
	Text  string
	Flows []openc2.Flow
}

// Config says how to search.
type Config struct {
	Costs CostTable
	// Budgets are the money budgets to propose for, each giving one proposal; at least one.
	Budgets []float64
	// TimeBudget caps the days to deploy a proposal; 0 means no cap.
	TimeBudget float64
	// ScreenSamples is the sample count of the search (default 200), FinalSamples that of
	// the baseline and the final check of each proposal (default 1,000).
	ScreenSamples, FinalSamples int
	// MaxCandidates bounds the defences searched, most often on a fastest path first
	// (default 20, at most 64).
	MaxCandidates int
	// ExactLimit is the largest candidate set the exact search takes on (default 12);
	// MaxRuns caps its simulations (default 4,000), after which greedy's answer stands.
	ExactLimit, MaxRuns int
	Playbook            PlaybookOptions
	Logger              *slog.Logger
}

// Result is the outcome, in the shape the analyzer puts in `full`.
type Result struct {
	Metric        string      `json:"metric"` // ttc or risk
	Currency      string      `json:"currency"`
	ScreenSamples int         `json:"screen_samples"`
	FinalSamples  int         `json:"final_samples"`
	Before        Effect      `json:"before"`
	Candidates    []Candidate `json:"candidates"`
	// Unpriced counts the defences on critical paths the cost table does not price;
	// Dropped those beyond MaxCandidates.
	Unpriced  int        `json:"unpriced_defences"`
	Dropped   int        `json:"dropped_candidates"`
	Proposals []Proposal `json:"proposals"`
	Runs      int        `json:"simulation_runs"`
	Duration  string     `json:"duration"`
}

// Candidate is a defence the generator may switch on.
type Candidate struct {
	Step  attackgraph.StepID `json:"-"`
	Ref   string             `json:"defence"` // object.defence
	Kind  string             `json:"kind"`    // AssetType.defence
	Share float64            `json:"path_share"`
	Cost  float64            `json:"cost"` // unit price, before volume tiers
	Days  float64            `json:"days"`
	Gain  float64            `json:"screen_gain"` // alone, on the screening samples
}

// Proposal is the best set found for one budget.
type Proposal struct {
	Budget   float64  `json:"budget"`
	Method   string   `json:"method"` // exact, greedy, or greedy (exact search stopped)
	Defences []string `json:"defences"`
	Changes  []string `json:"changes"`
	Cost     float64  `json:"cost"`
	Days     float64  `json:"days_to_deploy"`
	After    Effect   `json:"after"`
	// Gain is the improvement of the objective on the final samples (days of TTC, or risk).
	Gain     float64         `json:"gain"`
	Playbook json.RawMessage `json:"playbook,omitempty"`
	mask     uint64
}

// Effect is the state of the targets under one defence set, on the final samples.
type Effect struct {
	Score   float64        `json:"score"` // the objective: mean capped TTC in days, or -risk
	Risk    *float64       `json:"risk,omitempty"`
	Targets []TargetEffect `json:"targets"`
}

// TargetEffect is one target's time to compromise in days (nil beyond the horizon).
type TargetEffect struct {
	Step        string   `json:"step"`
	Probability float64  `json:"probability"`
	P5          *float64 `json:"ttc_p5"`
	P50         *float64 `json:"ttc_p50"`
}

// Generate finds the candidates, proposes a set for each budget and checks each on the
// final samples.
func Generate(ctx context.Context, p Problem, cfg Config) (*Result, error) {
	start := time.Now()
	cfg = defaults(cfg)
	if err := check(p, cfg); err != nil {
		return nil, err
	}
	final, err := newSim(p, cfg.FinalSamples, false)
	if err != nil {
		return nil, fmt.Errorf("prepare final simulation: %w", err)
	}
	screen, err := newSim(p, cfg.ScreenSamples, true)
	if err != nil {
		return nil, fmt.Errorf("prepare screening simulation: %w", err)
	}
	base, err := final.Run(ctx, p.Fixed)
	if err != nil {
		return nil, fmt.Errorf("simulate baseline: %w", err)
	}
	res := &Result{Metric: metric(p), Currency: cfg.Costs.Currency, ScreenSamples: cfg.ScreenSamples,
		FinalSamples: cfg.FinalSamples, Before: effect(p, base), Runs: 1}
	cands, unpriced := candidates(p.Graph, base, cfg.Costs, p.Fixed)
	res.Unpriced = unpriced
	s, dropped, err := screenCandidates(ctx, p, cfg, screen, cands)
	if err != nil {
		return nil, err
	}
	res.Dropped = dropped
	for _, b := range cfg.Budgets {
		prop, err := s.propose(b)
		if err != nil {
			return nil, err
		}
		if err := finish(ctx, p, cfg, final, s, &prop, res.Before); err != nil {
			return nil, err
		}
		res.Runs++
		res.Proposals = append(res.Proposals, prop)
	}
	res.Candidates, res.Runs = s.cands, res.Runs+s.runs+s.screenRuns
	res.Duration = time.Since(start).Round(time.Millisecond).String()
	cfg.Logger.Info("courses of action generated", "candidates", len(cands), "runs", res.Runs, "duration", res.Duration)
	return res, nil
}

// screenCandidates screens up to three times MaxCandidates candidates alone, the most
// often on a path first, and returns the search over the MaxCandidates best of them.
func screenCandidates(ctx context.Context, p Problem, cfg Config, screen *attackgraph.Simulator, cands []Candidate) (*search, int, error) {
	dropped := 0
	if wide := min(3*cfg.MaxCandidates, 64); len(cands) > wide {
		dropped, cands = len(cands)-wide, cands[:wide]
	}
	all := newSearch(ctx, p, cfg, screen, cands)
	if err := all.screenSingles(); err != nil {
		return nil, 0, err
	}
	short := shortlist(all.cands, cfg.MaxCandidates)
	dropped += len(all.cands) - len(short)
	s := newSearch(ctx, p, cfg, screen, short)
	s.screenRuns = all.runs
	return s, dropped, nil
}

func defaults(cfg Config) Config {
	if cfg.Costs.Kinds == nil && cfg.Costs.Items == nil {
		cfg.Costs = DefaultCosts()
	}
	if cfg.ScreenSamples == 0 {
		cfg.ScreenSamples = 200
	}
	if cfg.FinalSamples == 0 {
		cfg.FinalSamples = 1000
	}
	if cfg.MaxCandidates == 0 {
		cfg.MaxCandidates = 20
	}
	if cfg.ExactLimit == 0 {
		cfg.ExactLimit = 12
	}
	if cfg.MaxRuns == 0 {
		cfg.MaxRuns = 4000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

func check(p Problem, cfg Config) error {
	switch {
	case p.Graph == nil:
		return errors.New("no attack graph")
	case len(p.Sim.Targets) == 0:
		return attackgraph.ErrNoTargets
	case len(cfg.Budgets) == 0:
		return errors.New("no budget")
	case cfg.MaxCandidates > 64:
		return fmt.Errorf("max candidates %d is above 64", cfg.MaxCandidates)
	case cfg.ScreenSamples < 1 || cfg.FinalSamples < 1:
		return errors.New("sample counts must be positive")
	}
	for _, b := range cfg.Budgets {
		if b < 0 || math.IsNaN(b) {
			return fmt.Errorf("budget %v is negative", b)
		}
	}
	return cfg.Costs.Check()
}

func newSim(p Problem, samples int, skipPaths bool) (*attackgraph.Simulator, error) {
	c := p.Sim
	c.Samples, c.SkipPaths, c.KeepTimes = samples, skipPaths, false
	return attackgraph.NewSimulator(p.Graph, c)
}

func metric(p Problem) string {
	if len(p.Impact) > 0 {
		return "risk"
	}
	return "ttc"
}

// finish checks a proposal on the final samples and writes its changes and playbook.
func finish(ctx context.Context, p Problem, cfg Config, final *attackgraph.Simulator, s *search, prop *Proposal, before Effect) error {
	r, err := final.Run(ctx, s.defences(prop.mask))
	if err != nil {
		return fmt.Errorf("final check of the proposal for budget %v: %w", prop.Budget, err)
	}
	prop.After = effect(p, r)
	prop.Gain = prop.After.Score - before.Score
	var changes []Change
	for i, c := range s.cands {
		if prop.mask&(1<<i) != 0 {
			ch := describe(p, c)
			prop.Defences = append(prop.Defences, c.Ref)
			prop.Changes = append(prop.Changes, ch.Text)
			changes = append(changes, ch)
		}
	}
	if len(changes) == 0 {
		return nil
	}
	pb, err := playbook(cfg.Playbook, *prop, changes, cfg.Costs.Currency)
	if err != nil {
		return fmt.Errorf("playbook for budget %v: %w", prop.Budget, err)
	}
	prop.Playbook = pb
	return nil
}

func describe(p Problem, c Candidate) Change {
	if p.Describe != nil {
		if ch := p.Describe(c); ch.Text != "" {
			return ch
		}
	}
	return Change{Text: "Switch on " + c.Ref + " (" + c.Kind + ")."}
}

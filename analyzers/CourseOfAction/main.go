// Command CourseOfAction is the Cortex analyzer SOCCRATES_CourseOfAction: it compiles the
// infrastructure model into a coreLang attack graph once and proposes, per budget, the
// defences that most delay the attacker towards the critical assets (or most lower the risk
// when business impact figures are given), each with its effect, cost, time to deploy and a
// CACAO playbook. The logic lives in package coa; this file only connects it to the job.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/coa"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/workerstore"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_CourseOfAction"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	icfg, err := question(j)
	if err != nil {
		return nil, err
	}
	cfg, err := config(j)
	if err != nil {
		return nil, err
	}
	impact, err := impacts(j.Config.Strings("impact_by_host"))
	if err != nil {
		return nil, err
	}
	m, err := workerstore.InfraModel(ctx, j)
	if err != nil {
		return nil, err
	}
	p, err := coa.FromInfra(m, icfg, impact)
	if errors.Is(err, infragraph.ErrUnknownAsset) {
		return nil, fmt.Errorf("%v; run SOCCRATES_InfraModel on a scan that covers the host first", err)
	}
	if err != nil {
		return nil, err
	}
	res, err := coa.Generate(ctx, p, cfg)
	if err != nil {
		return nil, err
	}
	return &job.Report{Taxonomies: taxonomies(res), Artifacts: []job.Artifact{}, Full: res}, nil
}

// question is what the attack graph is asked: from where, towards what.
func question(j *job.Job) (infragraph.Config, error) {
	mode := infragraph.Mode(j.Setting("mode"))
	cfg := infragraph.Config{Mode: mode, EntryZones: j.Config.Strings("entry_zones"),
		Critical: j.Config.Int("critical_level", 4), Logger: j.Log,
		Sim: attackgraph.Config{Seed: uint64(j.Config.Int("seed", 1)), Horizon: j.Config.Float("horizon_days", 100)}}
	if d := strings.TrimSpace(j.Data()); d != "*" {
		cfg.Asset = d
	}
	switch {
	case mode != infragraph.Onward && mode != infragraph.Towards:
		return cfg, fmt.Errorf("mode %q is not towards or onward", mode)
	case mode == infragraph.Onward && cfg.Asset == "":
		return cfg, errors.New("onward mode needs the compromised host as the observable")
	}
	return cfg, nil
}

// config reads the search settings and the cost table.
func config(j *job.Job) (coa.Config, error) {
	cfg := coa.Config{TimeBudget: j.Config.Float("time_budget_days", 0),
		ScreenSamples: j.Config.Int("screen_samples", 200), FinalSamples: j.Config.Int("final_samples", 1000),
		MaxCandidates: j.Config.Int("max_candidates", 20), ExactLimit: j.Config.Int("exact_limit", 12),
		Playbook: coa.PlaybookOptions{ActuatorURL: j.Config.String("actuator_url")}, Logger: j.Log}
	for _, n := range []struct {
		name string
		v    int
		max  int
	}{{"screen_samples", cfg.ScreenSamples, 100000}, {"final_samples", cfg.FinalSamples, 100000}, {"max_candidates", cfg.MaxCandidates, 64}} {
		if n.v < 1 || n.v > n.max {
			return cfg, fmt.Errorf("configuration item %s: %d is outside 1 to %d", n.name, n.v, n.max)
		}
	}
	budgets, err := budgets(j)
	if err != nil {
		return cfg, err
	}
	cfg.Budgets = budgets
	cfg.Costs = coa.DefaultCosts()
	if path := j.Config.String("cost_table_file"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return cfg, fmt.Errorf("configuration item cost_table_file: %w", err)
		}
		defer f.Close()
		if cfg.Costs, err = coa.ParseCostTable(f); err != nil {
			return cfg, fmt.Errorf("configuration item cost_table_file %s: %w", path, err)
		}
	}
	return cfg, nil
}

// budgets reads the budget parameter, or else the budgets configuration item.
func budgets(j *job.Job) ([]float64, error) {
	if p := strings.TrimSpace(j.Parameter("budget")); p != "" {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("parameter budget %q is not a non-negative number", p)
		}
		return []float64{v}, nil
	}
	out := j.Config.Floats("budgets")
	if len(out) == 0 {
		return nil, errors.New("configuration item budgets: give at least one budget, e.g. [2000, 10000]")
	}
	for _, v := range out {
		if v < 0 {
			return nil, fmt.Errorf("configuration item budgets: %v is not a non-negative number", v)
		}
	}
	return out, nil
}

// impacts reads host=amount lines.
func impacts(lines []string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, l := range lines {
		host, amount, ok := strings.Cut(l, "=")
		v, err := strconv.ParseFloat(strings.TrimSpace(amount), 64)
		if !ok || err != nil || v < 0 || strings.TrimSpace(host) == "" {
			return nil, fmt.Errorf("configuration item impact_by_host: %q is not host=amount (e.g. 10.0.2.20=250000)", l)
		}
		out[strings.TrimSpace(host)] = v
	}
	return out, nil
}

// model reads the infrastructure from model_file when set (a JSON infra.Model), else from
// the knowledge store as it is now.

// taxonomies summarise the proposal of the largest budget: what it costs and what it gains.
func taxonomies(res *coa.Result) []job.Taxonomy {
	if len(res.Proposals) == 0 {
		return nil
	}
	p := res.Proposals[len(res.Proposals)-1]
	lvl := job.Info
	if len(p.Defences) == 0 {
		lvl = job.Suspicious // nothing affordable helps
	}
	gain := fmt.Sprintf("+%.1f d TTC", p.Gain)
	if res.Metric == "risk" {
		gain = fmt.Sprintf("-%.0f %s risk", p.Gain, res.Currency)
	}
	return []job.Taxonomy{
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "CoA", Value: fmt.Sprintf("%d changes, %.0f %s, %.1f d", len(p.Defences), p.Cost, res.Currency, p.Days)},
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "Gain", Value: gain},
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/impact"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

var timeZero time.Time

// assessReport is the full report of a look-up: the impact, and how the observable was resolved.
type assessReport struct {
	Observable string `json:"observable"`
	Summary    string `json:"summary"`
	*impact.Result
}

func assess(ctx context.Context, j *job.Job, store *knowledge.Store) (*job.Report, error) {
	cfg, err := impactConfig(j)
	if err != nil {
		return nil, err
	}
	bm, err := store.BusinessModel(ctx, timeZero)
	if errors.Is(err, knowledge.ErrNotFound) {
		return nil, errors.New("the knowledge store holds no business model yet: run SOCCRATES_BusinessImpact on the ArchiMate model (a file observable) first")
	}
	if err != nil {
		return nil, err
	}
	g, err := impact.Compile(bm)
	if err != nil {
		return nil, err
	}
	assets, err := resolve(ctx, j, store, g)
	if err != nil {
		return nil, err
	}
	obs := strings.TrimSpace(j.Data())
	if len(assets) == 0 {
		return noElement(obs, g), nil
	}
	ids := make([]string, len(assets))
	for i, a := range assets {
		ids[i] = a.ID
	}
	res, err := g.Impact(ids, cfg)
	if err != nil {
		return nil, fmt.Errorf("impact of %s: %w", obs, err)
	}
	j.Log.Info("impact assessed", "observable", obs, "assets", len(ids), "processes", len(res.Processes), "total_loss", res.TotalLoss)
	tax := impactTaxonomies(res, j.Config.Float("high_loss", 100000))
	return &job.Report{Taxonomies: tax, Artifacts: []job.Artifact{}, Full: assessReport{Observable: obs, Summary: res.Summary(), Result: res}}, nil
}

// impactConfig reads the aspects and horizon from the job's parameters, else its configuration.
func impactConfig(j *job.Job) (impact.Config, error) {
	cfg := impact.Config{Currency: j.Config.String("currency"), MaxAffected: j.Config.Int("max_affected", 200)}
	text := j.Setting("aspects")
	if text == "" {
		text = "CIA"
	}
	a, err := impact.ParseAspects(text)
	if err != nil {
		return cfg, fmt.Errorf("aspects: %w", err)
	}
	cfg.Aspects = a
	cfg.HorizonHours = j.Config.Float("horizon_hours", 24)
	if p := j.Parameter("horizon_hours"); p != "" {
		h, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || h < 0 {
			return cfg, fmt.Errorf("parameter horizon_hours %q: want a number of hours, 0 or more", p)
		}
		cfg.HorizonHours = h
	}
	if cfg.HorizonHours < 0 {
		return cfg, fmt.Errorf("configuration item horizon_hours %g: must not be negative", cfg.HorizonHours)
	}
	return cfg, nil
}

// resolve finds the model elements of the observable: for a host, every element mapped to any
// name or address the infrastructure model knows it by; for 'other', one element by id or name.
func resolve(ctx context.Context, j *job.Job, store *knowledge.Store, g *impact.Graph) ([]impact.ElementRef, error) {
	obs := strings.TrimSpace(j.Data())
	if j.DataType == "other" {
		e, err := g.Lookup(obs)
		if err != nil {
			return nil, err
		}
		return []impact.ElementRef{e}, nil
	}
	idents := []string{obs}
	if h, err := store.Host(ctx, obs, timeZero); err == nil {
		idents = append(idents, h.Host.Idents()...)
	} else if !errors.Is(err, knowledge.ErrNotFound) {
		return nil, err
	}
	return g.HostElements(idents...), nil
}

func noElement(obs string, g *impact.Graph) *job.Report {
	return &job.Report{
		Taxonomies: []job.Taxonomy{{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Impact", Value: "unmapped"}},
		Artifacts:  []job.Artifact{},
		Full: map[string]any{"observable": obs, "model": map[string]any{"version": g.Version, "source": g.Source},
			"summary": fmt.Sprintf("no element of business model %d is mapped to %s: give technology elements an ip or hostname property, or list them in the mapping file, and import the model again", g.Version, obs)},
	}
}

// impactTaxonomies rate the worst impact: a process of high criticality (4 or 5) or a total at or
// above highLoss is malicious, any other affected process suspicious, none safe.
func impactTaxonomies(res *impact.Result, highLoss float64) []job.Taxonomy {
	if len(res.Processes) == 0 {
		return []job.Taxonomy{{Level: job.Safe, Namespace: "SOCCRATES", Predicate: "Impact", Value: "none"}}
	}
	level := job.Suspicious
	worstCrit := 0
	for _, p := range res.Processes {
		worstCrit = max(worstCrit, p.Criticality)
	}
	if worstCrit >= 4 || (highLoss > 0 && res.TotalLoss >= highLoss) {
		level = job.Malicious
	}
	return []job.Taxonomy{
		{Level: level, Namespace: "SOCCRATES", Predicate: "Impact", Value: fmt.Sprintf("%.0f %s in %g h", res.TotalLoss, res.Currency, res.HorizonHours)},
		{Level: level, Namespace: "SOCCRATES", Predicate: "Processes", Value: len(res.Processes)},
		{Level: level, Namespace: "SOCCRATES", Predicate: "Worst", Value: res.Worst.Name},
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
	"github.com/soccrates-cortex/soccrates/shared/response"
	"github.com/soccrates-cortex/soccrates/shared/workerstore"
)

// rank computes the CoAs' RORI from the knowledge store when one is configured. Without a
// store, or with one that holds no model to rank on, the plan keeps its stage order and
// plan.RORI says why; a store that is configured and cannot be opened is an error.
func rank(ctx context.Context, j *job.Job, plan *response.Result) error {
	cfg, err := roriConfig(j)
	if err != nil {
		return err
	}
	if !workerstore.Configured(j) {
		plan.RORI = notComputed("no knowledge store is configured (configuration items store or store_dsn), so there is " +
			"no attack graph or business model to compute it from; the CoAs keep the order of the attack stage")
		return nil
	}
	st, err := workerstore.Open(ctx, j)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := models(ctx, st)
	if err != nil {
		var reason notFound
		if errors.As(err, &reason) {
			plan.RORI = notComputed(string(reason))
			return nil
		}
		return err
	}
	if err := response.Rank(ctx, plan, m, cfg); err != nil {
		return err
	}
	j.Log.Info("responses ranked", "computed", plan.RORI.Computed, "ale", plan.RORI.ALE, "reason", plan.RORI.Reason)
	return nil
}

// notFound is a model missing from the store: a reason not to rank, not an error.
type notFound string

func (n notFound) Error() string { return string(n) }

func models(ctx context.Context, st *knowledge.Store) (response.Models, error) {
	var now time.Time
	m, err := st.Model(ctx, now)
	if err != nil {
		return response.Models{}, fmt.Errorf("read infrastructure model: %w", err)
	}
	if len(m.Hosts) == 0 {
		return response.Models{}, notFound("the knowledge store holds no hosts: ingest a scan with SOCCRATES_InfraModel first")
	}
	bm, err := st.BusinessModel(ctx, now)
	if errors.Is(err, knowledge.ErrNotFound) {
		return response.Models{}, notFound("the knowledge store holds no business model: import the ArchiMate model with SOCCRATES_BusinessImpact first")
	}
	if err != nil {
		return response.Models{}, fmt.Errorf("read business model: %w", err)
	}
	return response.Models{Infra: m, Business: bm}, nil
}

func notComputed(why string) *response.Assessment {
	return &response.Assessment{Reason: "RORI not computed: " + why, Reached: []response.Exposure{}}
}

// roriConfig reads the cost table and the figures RORI needs from the configuration.
func roriConfig(j *job.Job) (response.RORIConfig, error) {
	costs, err := response.ParseCosts(j.Config.Strings("costs"))
	if err != nil {
		return response.RORIConfig{}, fmt.Errorf("configuration item costs: %w", err)
	}
	cfg := response.RORIConfig{Costs: costs, AIV: j.Config.Float("aiv", 0), HorizonDays: j.Config.Float("horizon_days", response.DefaultHorizonDays),
		ContainHours: j.Config.Float("contain_hours", response.DefaultContainHours), Samples: j.Config.Int("samples", response.DefaultSamples),
		Seed: uint64(j.Config.Int("seed", 1)), Currency: j.Config.String("currency"), Logger: j.Log}
	switch {
	case cfg.AIV < 0:
		return cfg, fmt.Errorf("configuration item aiv %g: must not be negative", cfg.AIV)
	case cfg.HorizonDays <= 0 || cfg.ContainHours <= 0:
		return cfg, errors.New("configuration items horizon_days and contain_hours must be above 0")
	case cfg.Samples < 1 || cfg.Samples > 100000:
		return cfg, fmt.Errorf("configuration item samples: %d is outside 1 to 100000", cfg.Samples)
	}
	return cfg, nil
}

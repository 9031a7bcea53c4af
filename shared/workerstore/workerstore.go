// Package workerstore connects a Cortex job to the knowledge store: it opens the store the worker's
// configuration names (items store, a SQLite file, and store_dsn, a PostgreSQL connection string that
// wins when set) and reads the infrastructure model the job asks about (item model_file, or the store
// as of the as_of parameter or configuration item).
//
// It decides nothing about the knowledge itself; errors name the configuration item to fix.
package workerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// Configured reports whether the job's configuration names a store at all.
func Configured(j *job.Job) bool {
	return j.Config.String("store") != "" || j.Config.String("store_dsn") != ""
}

// Open opens the store of the job's configuration (the default SQLite path when neither item is set).
func Open(ctx context.Context, j *job.Job) (*knowledge.Store, error) {
	cfg := knowledge.Config{Path: j.Config.String("store"), DSN: j.Config.String("store_dsn"), Logger: j.Log}
	st, err := knowledge.Open(ctx, cfg)
	if err != nil {
		item := "store"
		if cfg.DSN != "" {
			item = "store_dsn"
		}
		return nil, fmt.Errorf("configuration item %s: %w", item, err)
	}
	return st, nil
}

// AsOf returns the time the job asks about: the as_of parameter, else the as_of configuration item,
// as RFC 3339; the zero time (now) when neither is set.
func AsOf(j *job.Job) (time.Time, error) {
	s := j.Setting("as_of")
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("as_of %q is not an RFC 3339 time such as 2026-12-03T10:00:00Z", s)
	}
	return t, nil
}

// InfraModel returns the infrastructure model the job works on: the JSON file named by model_file,
// else the store's model as of AsOf. An empty store is an error that says how to fill it.
func InfraModel(ctx context.Context, j *job.Job) (infra.Model, error) {
	if path := j.Config.String("model_file"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return infra.Model{}, fmt.Errorf("configuration item model_file: %w", err)
		}
		var m infra.Model
		if err := json.Unmarshal(b, &m); err != nil {
			return infra.Model{}, fmt.Errorf("configuration item model_file: %s is not an infrastructure model: %w", path, err)
		}
		return m, nil
	}
	at, err := AsOf(j)
	if err != nil {
		return infra.Model{}, err
	}
	st, err := Open(ctx, j)
	if err != nil {
		return infra.Model{}, err
	}
	defer st.Close()
	m, err := st.Model(ctx, at)
	if err != nil {
		return infra.Model{}, fmt.Errorf("read infrastructure model: %w", err)
	}
	if len(m.Hosts) == 0 {
		return m, errors.New("the knowledge store holds no hosts; ingest a scan with SOCCRATES_InfraModel first")
	}
	return m, nil
}

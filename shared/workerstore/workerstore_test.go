package workerstore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/job"
)

var testManifest = &manifests.Manifest{Name: "Test_Store", Version: "1.0", Kind: manifests.Analyzer,
	Command: "TestStore/TestStore", DataTypeList: []string{"ip"}}

// runWith runs fn inside a real Cortex job with the given config and parameters.
func runWith(t *testing.T, config, params map[string]any, fn func(context.Context, *job.Job) (any, error)) map[string]any {
	t.Helper()
	input, _ := json.Marshal(map[string]any{"dataType": "ip", "data": "10.0.0.5", "config": config, "parameters": params})
	spec := job.Spec{Manifest: testManifest, Analyze: func(ctx context.Context, j *job.Job) (*job.Report, error) {
		v, err := fn(ctx, j)
		if err != nil {
			return nil, err
		}
		return &job.Report{Full: map[string]any{"value": v}}, nil
	}}
	var stdout, stderr bytes.Buffer
	job.Run(context.Background(), spec, []string{"w", filepath.Join(t.TempDir(), "none")}, bytes.NewReader(input), &stdout, &stderr)
	var r map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("no report: %v %s", err, stderr.String())
	}
	return r
}

func TestAsOf(t *testing.T) {
	t.Parallel()
	asOf := func(ctx context.Context, j *job.Job) (any, error) { return AsOf(j) }
	r := runWith(t, map[string]any{"as_of": "2020-01-01T00:00:00Z"}, map[string]any{"as_of": "2024-06-01T12:00:00Z"}, asOf)
	if v := r["full"].(map[string]any)["value"]; v != "2024-06-01T12:00:00Z" {
		t.Errorf("the parameter must win over the config item: %v", r)
	}
	r = runWith(t, map[string]any{"as_of": "yesterday"}, nil, asOf)
	if msg, _ := r["errorMessage"].(string); !strings.Contains(msg, "not an RFC 3339 time") {
		t.Errorf("bad as_of: %v", r)
	}
	r = runWith(t, nil, nil, asOf)
	if v := r["full"].(map[string]any)["value"]; v != (time.Time{}).Format(time.RFC3339) {
		t.Errorf("no as_of must mean now (the zero time): %v", v)
	}
}

func TestInfraModel(t *testing.T) {
	t.Parallel()
	model := func(ctx context.Context, j *job.Job) (any, error) {
		m, err := InfraModel(ctx, j)
		return len(m.Hosts), err
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	if err := os.WriteFile(file, []byte(`{"hosts":[{"key":"10.0.0.5","state":"up"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runWith(t, map[string]any{"model_file": file}, nil, model); r["full"].(map[string]any)["value"] != 1.0 {
		t.Errorf("model_file: %v", r)
	}
	r := runWith(t, map[string]any{"store": filepath.Join(dir, "sub", "k.db")}, nil, model)
	if msg, _ := r["errorMessage"].(string); !strings.Contains(msg, "ingest a scan with SOCCRATES_InfraModel first") {
		t.Errorf("empty store: %v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "k.db")); err != nil {
		t.Errorf("the SQLite store's folder was not created: %v", err)
	}
	r = runWith(t, map[string]any{"store_dsn": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}, nil, model)
	if msg, _ := r["errorMessage"].(string); !strings.Contains(msg, "configuration item store_dsn") {
		t.Errorf("unreachable PostgreSQL must name store_dsn: %v", r)
	}
}

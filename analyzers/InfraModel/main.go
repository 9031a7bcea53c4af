// Command InfraModel is the Cortex analyzer SOCCRATES_InfraModel: on a scanner report it adds a
// version to the infrastructure model in the knowledge store and reports the change; on an ip,
// hostname or fqdn it returns the host as of a time, with its history. The logic lives in package
// inframodel; this file only connects it to the Cortex job.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/inframodel"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/workerstore"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_InfraModel"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	if j.DataType == "file" {
		return ingest(ctx, j)
	}
	return lookup(ctx, j)
}

// ingest reads and checks everything the job brings before it opens the store, so that a bad
// scan or configuration file leaves the store as it was.
func ingest(ctx context.Context, j *job.Job) (*job.Report, error) {
	f, err := j.OpenFile()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	obs, err := inframodel.ReadScan(f, j.Data())
	if err != nil {
		return nil, err
	}
	cfg := inframodel.IngestConfig{Logger: j.Log}
	if zones, policy := j.Config.String("zones_file"), j.Config.String("policy_file"); zones != "" || policy != "" {
		ic, err := infra.LoadConfig(zones, policy)
		if err != nil {
			return nil, fmt.Errorf("configuration items zones_file and policy_file: %w", err)
		}
		cfg.Infra = &ic
	}
	st, err := workerstore.Open(ctx, j)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	res, err := inframodel.Ingest(ctx, st, obs, cfg)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", j.Data(), err)
	}
	return res.Report(), nil
}

func lookup(ctx context.Context, j *job.Job) (*job.Report, error) {
	at, err := workerstore.AsOf(j)
	if err != nil {
		return nil, err
	}
	st, err := workerstore.Open(ctx, j)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	res, err := inframodel.Lookup(ctx, st, j.Data(), at)
	if err != nil {
		return nil, err
	}
	return res.Report(), nil
}

// openStore opens the store the configuration names; its error names the item in use, never its
// value, which may hold a password.

// Command BusinessImpact is the Cortex analyzer SOCCRATES_BusinessImpact. On a file observable it
// imports an ArchiMate exchange model into the knowledge store, of which it is the business model's
// one writer; on an ip, hostname or other (element identifier or name) it reports what losing that
// asset means for the business processes of the stored model. Parsing is in package archimate,
// mapping and propagation in package impact; this file connects them to the job and the store.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/archimate"
	"github.com/soccrates-cortex/soccrates/shared/impact"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
	"github.com/soccrates-cortex/soccrates/shared/workerstore"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_BusinessImpact"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	store, err := workerstore.Open(ctx, j)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if j.DataType == "file" {
		return importModel(ctx, j, store)
	}
	return assess(ctx, j, store)
}

// importReport is the full report of an import.
type importReport struct {
	Version   int64  `json:"version"`
	Source    string `json:"source"`
	ValidFrom string `json:"valid_from"`
	Model     string `json:"model_name"`
	*impact.ImportResult
}

func importModel(ctx context.Context, j *job.Job, store *knowledge.Store) (*job.Report, error) {
	f, err := j.OpenFile()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := archimate.Parse(f)
	if err != nil {
		return nil, explain(err, j.Data())
	}
	mapping, err := readMapping(j.Config.String("mapping_file"))
	if err != nil {
		return nil, err
	}
	res, err := impact.Import(m, impact.ImportConfig{Source: j.Data(), Mapping: mapping, HostKnown: known(ctx, store)})
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", j.Data(), err)
	}
	stored, err := store.PutBusinessModel(ctx, res.Model)
	if err != nil {
		return nil, err
	}
	j.Log.Info("business model imported", "version", stored.Version, "elements", res.Elements,
		"mapped", len(res.Mapped), "unmapped", len(res.Unmapped))
	full := importReport{Version: stored.Version, Source: stored.Source, ValidFrom: stored.ValidFrom.Format("2006-01-02T15:04:05.000Z07:00"),
		Model: m.Name, ImportResult: res}
	return &job.Report{Taxonomies: importTaxonomies(res, stored.Version), Artifacts: []job.Artifact{}, Full: full}, nil
}

// explain turns a parse error into a message that says what to submit instead.
func explain(err error, filename string) error {
	switch {
	case errors.Is(err, archimate.ErrVersion):
		return fmt.Errorf("%s: %v", filename, err)
	case errors.Is(err, archimate.ErrNotArchiMate):
		return fmt.Errorf("%s is not an ArchiMate model (%v); submit the model exported from Archi with File > Export > Model to Open Exchange File", filename, err)
	}
	return fmt.Errorf("read ArchiMate model %s: %w", filename, err)
}

func readMapping(path string) ([]impact.MappingEntry, error) {
	if strings.TrimSpace(path) == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("configuration item mapping_file: %w", err)
	}
	defer f.Close()
	entries, err := impact.ParseMapping(f)
	if err != nil {
		return nil, fmt.Errorf("configuration item mapping_file %s: %w", path, err)
	}
	return entries, nil
}

// known asks the infrastructure model whether it has seen a host; a store without any
// infrastructure yet knows none, which the report then lists.
func known(ctx context.Context, store *knowledge.Store) func(string) bool {
	return func(ident string) bool {
		_, err := store.Host(ctx, ident, timeZero)
		return err == nil
	}
}

func importTaxonomies(res *impact.ImportResult, version int64) []job.Taxonomy {
	unmapped := job.Safe
	if len(res.Unmapped) > 0 || len(res.Warnings) > 0 {
		unmapped = job.Suspicious
	}
	return []job.Taxonomy{
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "BusinessModel", Value: fmt.Sprintf("version %d", version)},
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Elements", Value: res.Elements},
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Mapped", Value: len(res.Mapped)},
		{Level: unmapped, Namespace: "SOCCRATES", Predicate: "Unmapped", Value: len(res.Unmapped)},
	}
}

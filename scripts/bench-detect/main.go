// Command bench-detect measures package detect and prints tables: on the
// AIT alert data set (workload reduction, false positives suppressed,
// attack alerts kept, phases surfaced and their stage), on the CPTC-2017
// files (episodes and stages per team against SAGE's figures), and
// throughput and peak memory on one core.
//
// The AIT labels (time_label) are read here, by the scorer, from the CSV
// itself; the detector gets the same bytes through package alerts, which
// never reads the label columns. The AIT data is GPL-3.0 in its
// repository and is not in this repository: point -ait (or SOCCRATES_AIT_ZIP)
// at alerts_csv.zip from https://github.com/ait-aecid/alert-data-set or
// Zenodo record 8263181.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-detect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ait := fs.String("ait", envOr("SOCCRATES_AIT_ZIP", "../shared/data/alerts/ait-ads/alerts_csv.zip"), "AIT alerts_csv.zip")
	cptc := fs.String("cptc", "testdata/alerts", "folder with the CPTC-2017 NationalTeam*.json.gz files")
	scen := fs.String("scenarios", "", "comma-separated AIT scenarios to run (default all in the zip)")
	only := fs.String("only", "ait,cptc,speed", "which tables: ait, cptc, speed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	runtime.GOMAXPROCS(1)
	ctx := context.Background()
	want := set(strings.Split(*only, ","))
	if want["ait"] {
		if err := aitTable(ctx, stdout, *ait, *scen); err != nil {
			fmt.Fprintln(stderr, "bench-detect:", err)
			return 1
		}
	}
	if want["cptc"] {
		if err := cptcTable(ctx, stdout, *cptc); err != nil {
			fmt.Fprintln(stderr, "bench-detect:", err)
			return 1
		}
	}
	if want["speed"] {
		if err := speedTable(ctx, stdout, *cptc, *ait); err != nil {
			fmt.Fprintln(stderr, "bench-detect:", err)
			return 1
		}
	}
	return 0
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func set(v []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}

// scenarios returns the AIT scenario files of the zip by scenario name.
func scenarios(path string) (map[string][]byte, []string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open AIT data (get alerts_csv.zip from github.com/ait-aecid/alert-data-set): %w", err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		base := f.Name[strings.LastIndex(f.Name, "/")+1:]
		name, ok := strings.CutSuffix(base, "_alerts.txt")
		if !ok {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", f.Name, err)
		}
		out[name] = b
		names = append(names, name)
	}
	return out, names, nil
}

func table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
}

func pct(x float64) string { return fmt.Sprintf("%.2f %%", 100*x) }

var _ = bytes.NewReader

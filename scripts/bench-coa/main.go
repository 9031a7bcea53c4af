// Command bench-coa measures the course-of-action generator and prints a table: for KTH's
// coreLang scalability models (with their defence defaults), a proposal per budget with
// this project's default cost table, as the issue asks (the models carry no costs). With
// -restricted the models are also run with every connection rule restricted. Each row
// loads and compiles the model once, then runs the whole generator: baseline, screening of
// the candidates, greedy (and branch and bound when the candidates are few), final check.
//
//	go run ./scripts/bench-coa [-nodes 8000] [-screen 200] [-final 1000] [-budgets 5000,20000,60000] [-restricted]
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/mal"
	"github.com/soccrates-cortex/soccrates/shared/coa"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	nodes         []int
	screen, final int
	budgets       []float64
	dir           string
	restricted    bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-coa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodes := fs.String("nodes", "8000", "KTH models by size, comma-separated (400,800,1600,2400,4000,6000,8000)")
	screen := fs.Int("screen", 200, "samples per candidate set while searching")
	final := fs.Int("final", 1000, "samples of the baseline and the final check")
	budgets := fs.String("budgets", "5000,20000,60000", "money budgets in EUR, comma-separated")
	dir := fs.String("models", "", "folder of the KTH models (default testdata/mal of the repository)")
	restricted := fs.Bool("restricted", false, "also every model with all connection rules restricted (then the targets lie beyond the horizon and nothing is proposed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o := options{screen: *screen, final: *final, dir: *dir, restricted: *restricted}
	var err error
	if o.nodes, err = ints(*nodes); err == nil {
		o.budgets, err = floats(*budgets)
	}
	if err == nil && o.dir == "" {
		o.dir, err = modelDir()
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench-coa:", err)
		return 2
	}
	return table(ctx, o, stdout, stderr)
}

func table(ctx context.Context, o options, stdout, stderr io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tsteps\tcompile s\tcandidates\tbudget €\tmethod\tdefences\tcost €\tdays\tscore before d\tscore after d\tscreen samples\tfinal samples\truns\tgenerate s\t\n")
	status := 0
	for _, n := range o.nodes {
		variants := []bool{false}
		if o.restricted {
			variants = append(variants, true)
		}
		for _, restricted := range variants {
			if err := row(ctx, tw, o, n, restricted); err != nil {
				fmt.Fprintf(stderr, "bench-coa: KTH %d: %v\n", n, err)
				status = 1
			}
		}
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nscore: mean over targets of the 5th and 50th percentile TTC, capped at the 100-day horizon\n")
	fmt.Fprintf(stdout, "%s, %d CPUs (GOMAXPROCS %d), %s\n", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	return status
}

func row(ctx context.Context, w io.Writer, o options, n int, restricted bool) error {
	start := time.Now()
	p, err := problem(o.dir, n, restricted)
	if err != nil {
		return err
	}
	compile := time.Since(start)
	start = time.Now()
	res, err := coa.Generate(ctx, p, coa.Config{Budgets: o.budgets, ScreenSamples: o.screen, FinalSamples: o.final})
	if err != nil {
		return err
	}
	gen := time.Since(start)
	name := fmt.Sprintf("KTH %d", n)
	if restricted {
		name += " restricted"
	}
	for _, prop := range res.Proposals {
		fmt.Fprintf(w, "%s\t%d\t%.2f\t%d\t%.0f\t%s\t%d\t%.0f\t%.1f\t%.2f\t%.2f\t%d\t%d\t%d\t%.2f\t\n", name, p.Graph.Len(), compile.Seconds(),
			len(res.Candidates), prop.Budget, prop.Method, len(prop.Defences), prop.Cost, prop.Days, res.Before.Score, prop.After.Score,
			res.ScreenSamples, res.FinalSamples, res.Runs, gen.Seconds())
	}
	return nil
}

// problem loads a KTH model with the securiCAD attacker's entry points and targets; restricted
// switches every connection rule's filter on in every run.
func problem(dir string, nodes int, restricted bool) (coa.Problem, error) {
	f, err := os.Open(filepath.Join(dir, fmt.Sprintf("corelang010_scalability_%d.json.gz", nodes)))
	if err != nil {
		return coa.Problem{}, err
	}
	defer f.Close()
	k, err := mal.ReadKTH(f)
	if err != nil {
		return coa.Problem{}, err
	}
	lang, err := mal.CoreLang()
	if err != nil {
		return coa.Problem{}, err
	}
	g, _, err := mal.Instantiate(lang, k.Model)
	if err != nil {
		return coa.Problem{}, err
	}
	p := coa.Problem{Graph: g, Sim: attackgraph.Config{Seed: 1}}
	for _, set := range []struct {
		refs []mal.StepRef
		ids  *[]attackgraph.StepID
	}{{k.Entries, &p.Sim.Entries}, {k.Targets, &p.Sim.Targets}} {
		for _, r := range set.refs {
			id, ok := g.Lookup(r.Object, r.Step)
			if !ok {
				return coa.Problem{}, fmt.Errorf("no step %s.%s", r.Object, r.Step)
			}
			*set.ids = append(*set.ids, id)
		}
	}
	if restricted {
		p.Fixed = attackgraph.Defences{}
		for _, id := range g.Find("", "restricted") {
			p.Fixed[id] = true
		}
	}
	return p, nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("-nodes: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("-budgets: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// modelDir is testdata/mal of the repository the command runs in.
func modelDir() (string, error) {
	root, err := testenv.FindRoot()
	if err != nil {
		return "", fmt.Errorf("%w; pass -models", err)
	}
	return filepath.Join(root, "testdata", "mal"), nil
}

// Command bench-attackgraph measures the attack-graph simulator and prints a table: for each
// of KTH's seven coreLang scalability models (with the defence defaults, and with every
// connection rule restricted so that the attacker needs the random bypasses), for a
// synthetic enterprise of 10,000 hosts compiled from the infrastructure model, and for
// random graphs in which every step has a random TTC (the sampler's worst case, to show
// that the cost grows with samples × steps). Each row runs in a child process of its own,
// so that its peak memory (maximum resident set) is its own.
//
//	go run ./scripts/bench-attackgraph [-samples 1000] [-hosts 10000] [-rows kth,synthetic,random]
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// row is one measurement; the child prints its fields tab-separated on one line.
type row struct {
	name, kind string
	param      int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-attackgraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.Int("samples", 1000, "Monte Carlo samples per run")
	hosts := fs.Int("hosts", 10000, "hosts of the synthetic enterprise")
	rows := fs.String("rows", "kth,synthetic,random", "which groups of rows to run")
	one := fs.String("one", "", "internal: run one row (kind:param) and print its result")
	dir := fs.String("models", "", "folder of the KTH models (default testdata/mal of the repository)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		root, err := testenv.FindRoot()
		if err != nil {
			fmt.Fprintln(stderr, "bench-attackgraph:", err)
			return 1
		}
		*dir = filepath.Join(root, "testdata", "mal")
	}
	if *one != "" {
		if err := measure(ctx, *one, *dir, *samples, stdout); err != nil {
			fmt.Fprintln(stderr, "bench-attackgraph:", err)
			return 1
		}
		return 0
	}
	return table(ctx, plan(*rows, *hosts), *dir, *samples, stdout, stderr)
}

func plan(groups string, hosts int) []row {
	var out []row
	for _, g := range strings.Split(groups, ",") {
		switch g {
		case "kth":
			for _, n := range []int{400, 800, 1600, 2400, 4000, 6000, 8000} {
				out = append(out, row{fmt.Sprintf("KTH %d", n), "kth", n}, row{fmt.Sprintf("KTH %d restricted", n), "kthr", n})
			}
		case "synthetic":
			out = append(out, row{fmt.Sprintf("synthetic %d hosts", hosts), "synthetic", hosts})
		case "random":
			for _, n := range []int{10000, 100000, 1000000} {
				out = append(out, row{fmt.Sprintf("random %d steps", n), "random", n})
			}
		}
	}
	return out
}

func table(ctx context.Context, rows []row, dir string, samples int, stdout, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "bench-attackgraph:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tobjects\tsteps\tedges\tlive steps\tbuild s\tsamples\tsimulate s\tsamples/s\tlive steps×samples/s\tpeak RSS MiB\t\n")
	status := 0
	for _, r := range rows {
		cmd := exec.CommandContext(ctx, self, "-one", fmt.Sprintf("%s:%d", r.kind, r.param), "-models", dir, "-samples", fmt.Sprint(samples))
		cmd.Stderr = stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(stderr, "bench-attackgraph: %s: %v\n", r.name, err)
			status = 1
			continue
		}
		rss := 0.0
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = float64(ru.Maxrss) / 1024 // kilobytes on Linux
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t\n", r.name, strings.TrimSpace(string(out)), rss)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\n%s, %d CPUs (GOMAXPROCS %d), %s\n", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	return status
}

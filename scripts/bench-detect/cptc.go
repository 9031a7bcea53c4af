package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
	"github.com/soccrates-cortex/soccrates/shared/detect"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

// sageAfterFilter is what SAGE printed after its 1 s duplicate filter on
// each team file (team_stats.csv in the data's provenance).
var sageAfterFilter = map[string]int{"NationalTeam2": 2904, "NationalTeam5": 1890, "NationalTeam9": 2199}

func cptcTable(ctx context.Context, w io.Writer, dir string) error {
	fmt.Fprintln(w, "CPTC-2017 (SAGE: 330k alerts -> 93 attack graphs over its data; its 1 s filter removes about 10 % on CPTC-2017)")
	tw := table(w)
	fmt.Fprintln(tw, "team\talerts\tepisodes\tshown\treduction\tSAGE 1 s filter reduction\tvictims\tmost advanced\tcurrent stage (p)\t")
	for _, f := range alertstest.CPTCFiles {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			return err
		}
		res, err := detect.Analyze(ctx, bytes.NewReader(data), detect.Config{})
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		team := f.Name[:len(f.Name)-len(".json.gz")]
		top, cur := "-", "-"
		if len(res.Victims) > 0 {
			v := res.Victims[0]
			top = v.Stage.Shortname + " on " + v.IP
			cur = fmt.Sprintf("%s (%.2f)", v.CurrentStage.Shortname, v.CurrentStage.Probability)
		}
		n := res.Stats.AlertsRead
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t\n", team, n, res.Stats.EpisodesShown+res.Stats.EpisodesSuppressed, res.Stats.EpisodesShown,
			pct(1-float64(res.Stats.EpisodesShown)/float64(n)), pct(1-float64(sageAfterFilter[team])/float64(n)),
			len(res.Victims), top, cur)
	}
	tw.Flush()
	fmt.Fprintln(w)
	return nil
}

// cptcRepeats is how often the CPTC speed rows read the three team files:
// once they take well under a tenth of a second, too short to be stable.
const cptcRepeats = 30

// speedCase is one row of the speed table: inputs, each read by its own
// Analyze call.
type speedCase struct {
	name   string
	inputs func() []io.Reader
}

// speedTable measures alerts per second and peak heap on one core.
func speedTable(ctx context.Context, w io.Writer, dir, ait string) error {
	gzipped, plain, lines, err := loadCPTC(dir)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Throughput on one core (GOMAXPROCS=1); peak heap sampled every 2 ms, above the heap before the run")
	tw := table(w)
	fmt.Fprintln(tw, "input\talerts\tseconds\talerts/s\tpeak heap MiB\t")
	cases := []speedCase{
		{fmt.Sprintf("CPTC team files 2+5+9 x %d, one Analyze per file (gzip Splunk export, as shipped)", cptcRepeats),
			repeated(gzipped, cptcRepeats)},
		{fmt.Sprintf("CPTC team files 2+5+9 x %d, one Analyze per file (decompressed: the same Splunk JSON, read from memory)", cptcRepeats),
			repeated(plain, cptcRepeats)},
		{"CPTC EVE lines x 1M (generated, streamed, each copy a day later: new episodes)", func() []io.Reader { return []io.Reader{alertstest.NewRepeater(lines, 1_000_000)} }},
		{"CPTC EVE lines x 4M (generated, streamed, each copy a day later: new episodes)", func() []io.Reader { return []io.Reader{alertstest.NewRepeater(lines, 4_000_000)} }},
		{"CPTC EVE lines x 1M (generated, streamed, copies at the same times: same episodes)", func() []io.Reader {
			return []io.Reader{alertstest.NewSameDayRepeater(lines, 1_000_000)}
		}},
		{"CPTC EVE lines x 4M (generated, streamed, copies at the same times: same episodes)", func() []io.Reader {
			return []io.Reader{alertstest.NewSameDayRepeater(lines, 4_000_000)}
		}},
	}
	if files, _, err := scenarios(ait); err == nil {
		if b, ok := files["wilson"]; ok {
			cases = append(cases, speedCase{"AIT wilson (largest scenario here, CSV)",
				func() []io.Reader { return []io.Reader{bytes.NewReader(b)} }})
		}
	}
	for _, c := range cases {
		n, took, peak, err := measure(ctx, c.inputs())
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.1f\t\n", c.name, n, took.Seconds(), float64(n)/took.Seconds(), float64(peak)/(1<<20))
	}
	tw.Flush()
	return nil
}

// loadCPTC reads the team files as shipped, decompressed, and as the EVE
// lines of their records.
func loadCPTC(dir string) (gzipped, plain, lines [][]byte, err error) {
	for _, f := range alertstest.CPTCFiles {
		p := filepath.Join(dir, f.Name)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, nil, err
		}
		gzipped = append(gzipped, b)
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		u, err := io.ReadAll(zr)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		plain = append(plain, u)
		l, err := alertstest.LoadSplunkEVE(p)
		if err != nil {
			return nil, nil, nil, err
		}
		lines = append(lines, l...)
	}
	return gzipped, plain, lines, nil
}

// repeated returns the files as readers, all of them n times over.
func repeated(files [][]byte, n int) func() []io.Reader {
	return func() []io.Reader {
		var rs []io.Reader
		for range n {
			for _, b := range files {
				rs = append(rs, bytes.NewReader(b))
			}
		}
		return rs
	}
}

// measure runs one Analyze per reader and returns the alerts read, the
// time taken and the peak heap above the heap before the run.
func measure(ctx context.Context, readers []io.Reader) (int, time.Duration, uint64, error) {
	runtime.GC()
	before := testenv.HeapObjects()
	stop := testenv.SamplePeakHeap(2 * time.Millisecond)
	start := time.Now()
	n := 0
	var err error
	for _, r := range readers {
		var res *detect.Result
		if res, err = detect.Analyze(ctx, r, detect.Config{}); err != nil {
			break
		}
		n += res.Stats.AlertsRead
	}
	took := time.Since(start)
	peak := max(stop(), before)
	return n, took, peak - before, err
}

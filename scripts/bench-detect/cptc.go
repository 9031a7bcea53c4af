package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
	"github.com/soccrates-cortex/soccrates/shared/detect"
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
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t\n", team, n, len(res.Episodes), res.Stats.EpisodesShown,
			pct(1-float64(res.Stats.EpisodesShown)/float64(n)), pct(1-float64(sageAfterFilter[team])/float64(n)),
			len(res.Victims), top, cur)
	}
	tw.Flush()
	fmt.Fprintln(w)
	return nil
}

// speedTable measures alerts per second and peak heap on one core.
func speedTable(ctx context.Context, w io.Writer, dir, ait string) error {
	var cptc [][]byte
	var lines [][]byte
	for _, f := range alertstest.CPTCFiles {
		p := filepath.Join(dir, f.Name)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		cptc = append(cptc, b)
		l, err := alertstest.LoadSplunkEVE(p)
		if err != nil {
			return err
		}
		lines = append(lines, l...)
	}
	fmt.Fprintln(w, "Throughput on one core (GOMAXPROCS=1); peak heap sampled every 2 ms, above the heap before the run")
	tw := table(w)
	fmt.Fprintln(tw, "input\talerts\tseconds\talerts/s\tpeak heap MiB\t")
	cases := []struct {
		name string
		open func() io.Reader
	}{
		{"CPTC team files 2+5+9 (gzip Splunk export, as shipped)", func() io.Reader {
			var rs []io.Reader
			for _, b := range cptc {
				rs = append(rs, bytes.NewReader(b))
			}
			return &multi{rs: rs}
		}},
		{"CPTC EVE lines x 1M (generated, streamed)", func() io.Reader { return alertstest.NewRepeater(lines, 1_000_000) }},
		{"CPTC EVE lines x 4M (generated, streamed)", func() io.Reader { return alertstest.NewRepeater(lines, 4_000_000) }},
	}
	if files, _, err := scenarios(ait); err == nil {
		if b, ok := files["wilson"]; ok {
			cases = append(cases, struct {
				name string
				open func() io.Reader
			}{"AIT wilson (largest scenario here, CSV)", func() io.Reader { return bytes.NewReader(b) }})
		}
	}
	for _, c := range cases {
		n, took, peak, err := measure(ctx, c.open)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.1f\t\n", c.name, n, took.Seconds(), float64(n)/took.Seconds(), float64(peak)/(1<<20))
	}
	tw.Flush()
	return nil
}

// multi reads several gzip files one after the other, each a whole
// stream: Analyze is run once per reader, so it is a list, not a concat.
type multi struct{ rs []io.Reader }

func (m *multi) Read([]byte) (int, error) { return 0, io.EOF }

func measure(ctx context.Context, open func() io.Reader) (int, time.Duration, uint64, error) {
	runtime.GC()
	before := heap()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, heap())
			}
		}
	}()
	start := time.Now()
	n := 0
	r := open()
	readers := []io.Reader{r}
	if m, ok := r.(*multi); ok {
		readers = m.rs
	}
	var err error
	for _, r := range readers {
		var res *detect.Result
		if res, err = detect.Analyze(ctx, r, detect.Config{}); err != nil {
			break
		}
		n += res.Stats.AlertsRead
	}
	took := time.Since(start)
	close(done)
	wg.Wait()
	peak = max(peak, heap())
	if peak < before {
		peak = before
	}
	return n, took, peak - before, err
}

func heap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

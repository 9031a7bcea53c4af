package detect

import (
	"context"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

// TestRecordSizes holds the per-episode records to the sizes the package
// doc states: there is one of each per episode, so a field added to them
// costs memory in proportion to the input.
func TestRecordSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		{"episodeAcc", unsafe.Sizeof(episodeAcc{}), 64},
		{"scored", unsafe.Sizeof(scored{}), 32},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, more than the %d the package doc states", c.name, c.size, c.max)
		}
	}
}

// BenchmarkEpisodeMemory measures what one more episode costs. It runs
// Analyze on n and on 2n generated alerts (the CPTC lines, each copy a day
// later, so that episodes grow with the input while the alerts are not
// held) and reports the growth of the peak heap divided by the growth in
// episodes (peak-B/episode), and the bytes the Result keeps per episode
// (result-B/episode). The peak is sampled every millisecond, so it includes
// garbage not yet collected, as a process's would. It runs with the
// defaults, where most of those episodes are learned as background, and
// with suppression off, where every episode is left to read.
func BenchmarkEpisodeMemory(b *testing.B) {
	lines, err := alertstest.CPTCEVE()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cfg  Config
	}{{"defaults", Config{}}, {"no_suppression", Config{SuppressAt: -1}}} {
		b.Run(c.name, func(b *testing.B) {
			const n = 200_000
			var small, large memoryRun
			for b.Loop() {
				small = measureRun(b, lines, n, c.cfg)
				large = measureRun(b, lines, 2*n, c.cfg)
			}
			if large.episodes <= small.episodes {
				b.Fatalf("%d episodes from %d alerts, %d from %d: the generator no longer makes new episodes",
					small.episodes, n, large.episodes, 2*n)
			}
			b.ReportMetric(float64(large.peak-small.peak)/float64(large.episodes-small.episodes), "peak-B/episode")
			b.ReportMetric(float64(large.result)/float64(large.episodes), "result-B/episode")
			b.ReportMetric(float64(large.episodes), "episodes")
			b.ReportMetric(float64(large.peak)/(1<<20), "peak-MiB")
		})
	}
}

// memoryRun is what one Analyze run held: its peak heap above the heap
// before it, the bytes its Result keeps, and its episodes (suppressed ones
// included).
type memoryRun struct {
	peak, result int64
	episodes     int
}

func measureRun(b *testing.B, lines [][]byte, n int, cfg Config) memoryRun {
	b.Helper()
	runtime.GC()
	before := testenv.HeapObjects()
	stop := testenv.SamplePeakHeap(time.Millisecond)
	res, err := Analyze(context.Background(), alertstest.NewRepeater(lines, n), cfg)
	peak := stop()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	kept := testenv.HeapObjects()
	runtime.KeepAlive(res)
	return memoryRun{peak: int64(peak) - int64(before), result: int64(kept) - int64(before),
		episodes: res.Stats.EpisodesShown + res.Stats.EpisodesSuppressed}
}

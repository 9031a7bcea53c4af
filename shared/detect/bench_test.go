package detect

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

func BenchmarkAnalyzeCPTC(b *testing.B) {
	for _, f := range alertstest.CPTCFiles {
		path, err := alertstest.CPTCPath(f.Name)
		if err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(f.Name, ".json.gz"), func(b *testing.B) {
			b.ReportAllocs()
			alerts := 0
			for b.Loop() {
				res, err := Analyze(context.Background(), bytes.NewReader(data), Config{})
				if err != nil {
					b.Fatal(err)
				}
				alerts += res.Stats.AlertsRead
			}
			b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
		})
	}
}

// BenchmarkAnalyzeSynthetic1M analyses about a million alerts built from
// the three CPTC files, streamed from a generator (each repetition a day
// later, so episodes grow with the input while the alerts are not held).
func BenchmarkAnalyzeSynthetic1M(b *testing.B) {
	lines, err := alertstest.CPTCEVE()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	alerts := 0
	for b.Loop() {
		res, err := Analyze(context.Background(), alertstest.NewRepeater(lines, 1_000_000), Config{})
		if err != nil {
			b.Fatal(err)
		}
		alerts += res.Stats.AlertsRead
	}
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
}

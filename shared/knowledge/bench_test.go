package knowledge

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// bench10k generates the 10,000-host nmap report: three open tcp ports per host.
func bench10k(start time.Time, version string, offset int) []byte {
	return nmapXML(start, "1-1024", hostNames(10000, offset),
		func(i int) []int { return []int{22, 80, 443 + i%3} }, func(int) string { return version })
}

// BenchmarkIngest10k parses and ingests a 10,000-host nmap report into an empty SQLite store.
// hosts/s is the figure the goal (5,000 hosts/s) is about; run with -benchmem for memory, or
// under /usr/bin/time -v for the peak resident size.
func BenchmarkIngest10k(b *testing.B) {
	data := bench10k(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "1.0", 0)
	b.SetBytes(int64(len(data)))
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		s := openStore(b, Config{Path: filepath.Join(b.TempDir(), "k.db")})
		b.StartTimer()
		start := time.Now()
		obs := mustParse(b, data)
		if _, err := s.Ingest(context.Background(), obs); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(10000*b.N)/elapsed.Seconds(), "hosts/s")
}

// BenchmarkHostAsOf looks one host up, as of a time in the middle of the history, in a store
// holding 100 versions of the 10,000-host network: a full scan first, then 99 scans that each
// rescan a tenth of it with a changed version on every host, so that each host has 11 versions.
func BenchmarkHostAsOf(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			s := openStore(b, be.open(b))
			at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			ingest(b, s, mustParse(b, bench10k(at, "0", 0)))
			for v := 1; v < 100; v++ {
				part := (v % 10) * 1000
				data := nmapXML(at.Add(time.Duration(v)*time.Hour), "1-1024", hostNames(1000, part),
					func(i int) []int { return []int{22, 80, 443 + i%3} }, func(int) string { return fmt.Sprint(v) })
				ingest(b, s, mustParse(b, data))
			}
			if s.postgres {
				// What autovacuum does on a running server after bulk inserts; without statistics
				// the planner scans whole tables.
				if _, err := s.db.Exec("ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			mid := at.Add(50*time.Hour + time.Minute)
			for b.Loop() {
				hh, err := s.Host(context.Background(), "10.0.19.133", mid)
				if err != nil || len(hh.Host.Services) != 3 {
					b.Fatalf("look-up = %+v, %v", hh.Host, err)
				}
			}
		})
	}
}

package alerts

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

func FuzzRead(f *testing.F) {
	f.Add([]byte(eveAlert1 + "\n" + eveDNS + "\n" + eveAlert2))
	f.Add([]byte("[" + eveAlert1 + ",\n" + eveAlert2 + "]"))
	f.Add([]byte(`[{"preview":false,"result":{"_raw":"{\"event_type\":\"alert\",\"timestamp\":\"2017-11-04T13:17:10Z\",\"src_ip\":\"a\",\"dest_ip\":\"b\",\"alert\":{}}"}}]`))
	f.Add([]byte("[1, \"x\", [2], {\"a\": \"]\\\"\"}]"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte("{oops\n" + eveAlert1))
	f.Add([]byte("[" + eveAlert1[:50]))
	f.Add([]byte(aitCSV))
	f.Add([]byte("time,name\n\"1\",\"a\"\"b\"\n2,\n"))
	f.Add([]byte(`{"timestamp":"2024-03-04T10:03:09.004+0000","rule":{"level":3,"description":"x","id":"5402","mitre":{"id":["T1548"],"tactic":["Privilege Escalation"]},"groups":["a","b"]},"agent":{"id":"002","name":"h","ip":"10.0.0.1"},"data":{"srcip":"1.2.3.4","srcport":"22"}}`))
	f.Add(tarOf(f, map[string]string{"a.json": eveAlert1, "b.csv": aitCSV}))
	f.Add(zipOf(f, map[string]string{"a.json": eveAlert1, "b.txt": "hello"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := 0
		st, err := Read(bytes.NewReader(data), func(a *Alert) error {
			calls++
			if a.Time.IsZero() || a.Signature == "" && a.Tool != "suricata" ||
				a.SrcIP == "" && a.DestIP == "" && a.Host == "" && a.HostIP == "" {
				t.Fatalf("alert passed on without time, signature or any address: %+v", a)
			}
			return nil
		})
		if calls != st.Alerts {
			t.Fatalf("%d callbacks, stats say %d alerts", calls, st.Alerts)
		}
		if err == nil && st.Alerts == 0 {
			t.Fatal("no error although no alert was read")
		}
		if st.Records < st.Alerts+st.Skipped {
			t.Fatalf("stats inconsistent: %+v", st)
		}
	})
}

// BenchmarkReadCPTC reads each CPTC file as shipped (gzip) and
// decompressed, to tell the decompression's share from the decoding's.
func BenchmarkReadCPTC(b *testing.B) {
	for _, f := range alertstest.CPTCFiles {
		path, err := alertstest.CPTCPath(f.Name)
		if err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range []struct {
			form string
			data []byte
		}{{"gzip", data}, {"json", plain}} {
			b.Run(strings.TrimSuffix(f.Name, ".json.gz")+"/"+in.form, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(plain)))
				alerts := 0
				for b.Loop() {
					st, err := Read(bytes.NewReader(in.data), func(*Alert) error { return nil })
					if err != nil {
						b.Fatal(err)
					}
					alerts += st.Alerts
				}
				b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
			})
		}
	}
}

// BenchmarkReadSynthetic1M streams about a million EVE lines built from
// the three CPTC files from a generator, so memory stays flat.
func BenchmarkReadSynthetic1M(b *testing.B) {
	lines := cptcLines(b)
	const total = 1_000_000
	b.ReportAllocs()
	alerts := 0
	for b.Loop() {
		st, err := Read(alertstest.NewRepeater(lines, total), func(*Alert) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		alerts += st.Alerts
	}
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
}

func cptcLines(tb testing.TB) [][]byte {
	tb.Helper()
	lines, err := alertstest.CPTCEVE()
	if err != nil {
		tb.Fatal(err)
	}
	return lines
}

var _ io.Reader = (*alertstest.Repeater)(nil)

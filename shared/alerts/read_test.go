package alerts

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

const (
	eveAlert1 = `{"timestamp":"2017-11-04T13:17:10.045822+0000","flow_id":1228084658746110,"event_type":"alert","src_ip":"10.0.254.30","src_port":54041,"dest_ip":"10.0.0.23","dest_port":3306,"proto":"TCP","alert":{"signature_id":2010937,"signature":"ET POLICY Suspicious inbound to mySQL port 3306","category":"Potentially Bad Traffic","severity":2}}`
	eveDNS    = `{"timestamp":"2017-11-04T13:17:11.000000+0000","event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.1","dns":{"rrname":"example.org"}}`
	eveAlert2 = `{"timestamp":"2017-11-04T13:18:00.5+0000","event_type":"alert","src_ip":"10.0.0.100","src_port":445,"dest_ip":"10.0.254.32","dest_port":56718,"proto":"TCP","alert":{"signature_id":2017025,"signature":"ET ATTACK_RESPONSE Net User Command Response","category":"Successful User Privilege Gain","severity":1},"app_proto":"smb"}`
)

// splunk wraps an EVE line the way the CPTC export does.
func splunk(t *testing.T, eve string) string {
	t.Helper()
	raw, err := json.Marshal(eve)
	if err != nil {
		t.Fatal(err)
	}
	return `{"preview": false, "offset": 1, "result": {"_raw": ` + string(raw) + `, "host": "sensor"}}`
}

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// collect reads input and returns copies of the alerts and the stats.
func collect(t *testing.T, input string) ([]Alert, Stats, error) {
	t.Helper()
	var got []Alert
	st, err := Read(strings.NewReader(input), func(a *Alert) error {
		c := *a
		c.Hostnames = append([]string(nil), a.Hostnames...)
		c.TechniqueIDs = slices.Clone(a.TechniqueIDs)
		c.Techniques = slices.Clone(a.Techniques)
		c.Tactics = slices.Clone(a.Tactics)
		got = append(got, c)
		return nil
	})
	return got, st, err
}

func TestReadForms(t *testing.T) {
	t.Parallel()
	lines := eveAlert1 + "\n" + eveDNS + "\n" + eveAlert2 + "\n"
	array := "[" + eveAlert1 + ",\n" + eveDNS + ",\n" + eveAlert2 + "]\n"
	sp := []string{splunk(t, eveAlert1), splunk(t, eveDNS), splunk(t, eveAlert2)}
	cases := []struct {
		name, input string
	}{
		{"json_lines", lines},
		{"json_lines_crlf_blank", "\r\n" + eveAlert1 + "\r\n\r\n" + eveDNS + "\r\n" + eveAlert2},
		{"json_array", array},
		{"json_array_indented", "  [\n  " + eveAlert1 + "\n  ,\n  " + eveDNS + "\n , " + eveAlert2 + "\n]"},
		{"splunk_array", "[" + strings.Join(sp, "\n,") + "]"},
		{"splunk_lines", strings.Join(sp, "\n")},
		{"gzip_lines", gz(t, lines)},
		{"gzip_array", gz(t, array)},
		{"utf8_bom", "\xef\xbb\xbf" + lines},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, st, err := collect(t, tc.input)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			// The splitter must not depend on how the reader chunks its data.
			for _, r := range []io.Reader{iotest.OneByteReader(strings.NewReader(tc.input)),
				iotest.DataErrReader(strings.NewReader(tc.input))} {
				if st2, err := Read(r, func(*Alert) error { return nil }); err != nil || !reflect.DeepEqual(st2, st) {
					t.Errorf("chunked read: %+v, %v; want %+v", st2, err, st)
				}
			}
			want := Stats{Records: 3, Alerts: 2, Skipped: 1, Files: 1, Formats: map[string]int{FormatEVE: 2}}
			if !reflect.DeepEqual(st, want) {
				t.Errorf("stats = %+v, want %+v", st, want)
			}
			if len(got) != 2 || got[0].SignatureID != 2010937 || got[1].SignatureID != 2017025 {
				t.Fatalf("alerts = %+v", got)
			}
			if got[0].Record != 1 || got[1].Record != 3 {
				t.Errorf("record numbers = %d, %d, want 1, 3", got[0].Record, got[1].Record)
			}
		})
	}
}

func TestReadFields(t *testing.T) {
	t.Parallel()
	rich := `{"timestamp":"2023-05-01T10:00:00.123456+0200","flow_id":42,"event_type":"alert",` +
		`"src_ip":"192.0.2.1","src_port":80,"dest_ip":"198.51.100.7","dest_port":50000,"proto":"TCP",` +
		`"direction":"to_client","app_proto":"http",` +
		`"flow":{"src_ip":"198.51.100.7","dest_ip":"192.0.2.1","src_port":50000,"dest_port":80},` +
		`"alert":{"signature_id":7,"signature":"TEST sig","category":"Web Application Attack","severity":1,` +
		`"source":{"ip":"198.51.100.7","port":50000},"target":{"ip":"192.0.2.1","port":80}},` +
		`"http":{"hostname":"www.example.com"},"tls":{"sni":"www.example.com"},` +
		`"dns":{"queries":[{"rrname":"a.example"}],"query":[{"rrname":"b.example"}]}}`
	got, _, err := collect(t, rich)
	if err != nil {
		t.Fatal(err)
	}
	want := Alert{
		Time: time.Date(2023, 5, 1, 8, 0, 0, 123456000, time.UTC), Tool: "suricata",
		SignatureID: 7, Signature: "TEST sig", Category: "Web Application Attack", Severity: 1,
		Proto: "TCP", AppProto: "http", SrcIP: "192.0.2.1", SrcPort: 80, DestIP: "198.51.100.7", DestPort: 50000,
		FlowID: 42, Hostnames: []string{"www.example.com", "a.example", "b.example"},
		Source: Endpoint{"198.51.100.7", 50000}, Target: Endpoint{"192.0.2.1", 80},
		Direction: "to_client", FlowSrc: Endpoint{"198.51.100.7", 50000}, FlowDest: Endpoint{"192.0.2.1", 80},
		Record: 1,
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("alert =\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		input   string
		is      error  // nil: any error
		message string // substring of the error
	}{
		{"not_json", "hello world\n", ErrNotEVE, "starts with 'h'"},
		{"csv_other_header", "when,what,where\n1,2,3\n", ErrUnknownFormat, "CSV header with time and name"},
		{"binary_one_line", "\x00\x01" + strings.Repeat("x", 70<<10), ErrUnknownFormat, "no CSV header"},
		{"json_not_eve", `{"name":"x"}` + "\n" + eveAlert1, ErrNotEVE, "record 1 at line 1"},
		{"array_of_numbers", "[1,2,3]", ErrNotEVE, "record 1"},
		{"first_record_bad_json", "\n\n{\"event_type\":\"alert\",\n" + eveAlert1, nil, "record 1 at line 3: malformed JSON"},
		{"empty", "", ErrNoAlerts, "empty"},
		{"blank", "  \n\n ", ErrNoAlerts, "empty"},
		{"only_other_events", eveDNS + "\n" + eveDNS, ErrNoAlerts, "2 records, 2 of them other"},
		{"data_after_array", "[" + eveAlert1 + "] {}", nil, "data after the closing ]"},
		{"truncated_gzip_header", gz(t, eveAlert1)[:5], nil, "open gzip"},
		{"splunk_without_raw", `{"preview":false,"result":{"host":"x"}}`, ErrNotEVE, "without result._raw"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := collect(t, tc.input)
			if err == nil {
				t.Fatal("Read succeeded, want an error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not mention %q", err, tc.message)
			}
		})
	}
}

// TestReadTruncatedGzip: a compressed file cut short keeps the alerts
// before the cut and reports the cut, for JSON lines and CSV alike.
func TestReadTruncatedGzip(t *testing.T) {
	t.Parallel()
	var csvRows strings.Builder
	csvRows.WriteString("time,name,ip,host,short\n")
	for i := range 2000 {
		fmt.Fprintf(&csvRows, "%d,Wazuh: IDS event %d.,10.0.0.%d,h,W\n", 1642213952+i, i%97, i%200)
	}
	var eve strings.Builder
	for i := range 2000 {
		eve.WriteString(strings.Replace(eveAlert1, "10.0.0.23", fmt.Sprintf("10.0.%d.%d", i/200, i%200), 1) + "\n")
	}
	for name, whole := range map[string]string{"eve_lines": eve.String(), "ait_csv": csvRows.String()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			z := gz(t, whole)
			got, st, err := collect(t, z[:len(z)/2])
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			// The record cut in two, if the cut fell inside one, is malformed.
			if len(got) == 0 || len(got) >= 2000 || !st.Truncated || st.Malformed > 1 || st.Records != st.Alerts+st.Malformed {
				t.Errorf("alerts %d, records %d, malformed %d, truncated %v: want some but not all alerts, the cut reported",
					len(got), st.Records, st.Malformed, st.Truncated)
			}
			if !slices.ContainsFunc(st.MalformedSamples, func(s string) bool { return strings.Contains(s, "input ends early") }) {
				t.Errorf("samples %q do not say the input ends early", st.MalformedSamples)
			}
		})
	}
}

func TestReadMalformedCounted(t *testing.T) {
	t.Parallel()
	noTime := `{"event_type":"alert","src_ip":"1.2.3.4","dest_ip":"5.6.7.8","alert":{"signature":"x"}}`
	noAddr := `{"timestamp":"2017-11-04T13:17:10.045822+0000","event_type":"alert","alert":{"signature":"x"}}`
	cases := []struct {
		name      string
		input     string
		alerts    int
		malformed int
		sample    string
	}{
		{"bad_json_line", eveAlert1 + "\n{oops\n" + eveAlert2, 2, 1, "record 2 at line 2: malformed JSON"},
		{"no_timestamp", eveAlert1 + "\n" + noTime, 1, 1, "without a timestamp"},
		{"no_addresses", eveAlert1 + "\n" + noAddr, 1, 1, "without src_ip"},
		{"bad_timestamp", eveAlert1 + "\n" + strings.Replace(eveAlert2, "2017-11-04T", "yesterday ", 1), 1, 1, "bad timestamp"},
		{"not_event_later", eveAlert1 + "\n" + `{"a":1}`, 1, 1, "no event_type"},
		{"truncated_array", "[" + eveAlert1 + ",\n" + eveAlert2[:40], 1, 1, "record 2 at line 2"},
		{"stray_brace", "[" + eveAlert1 + ",}]", 1, 1, "record 2"},
		{"unclosed_array", "[" + eveAlert1 + ",\n", 1, 0, "truncated"}, // the cut is noted, not counted
		{"alert_not_object", eveAlert1 + "\n" + `{"timestamp":"2017-11-04T13:17:10Z","event_type":"alert","alert":3}`, 1, 1, "without an alert object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, st, err := collect(t, tc.input)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(got) != tc.alerts || st.Alerts != tc.alerts || st.Malformed != tc.malformed {
				t.Errorf("alerts %d (stats %d), malformed %d; want %d, %d", len(got), st.Alerts, st.Malformed, tc.alerts, tc.malformed)
			}
			if len(st.MalformedSamples) == 0 || !strings.Contains(st.MalformedSamples[0], tc.sample) {
				t.Errorf("samples %q do not mention %q", st.MalformedSamples, tc.sample)
			}
		})
	}
}

func TestReadSamplesBounded(t *testing.T) {
	t.Parallel()
	input := eveAlert1 + strings.Repeat("\n{bad", 50)
	_, st, err := collect(t, input)
	if err != nil {
		t.Fatal(err)
	}
	if st.Malformed != 50 || len(st.MalformedSamples) != maxSamples {
		t.Errorf("malformed %d with %d samples, want 50 with %d", st.Malformed, len(st.MalformedSamples), maxSamples)
	}
}

func TestReadCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	calls := 0
	st, err := Read(strings.NewReader(eveAlert1+"\n"+eveAlert2), func(*Alert) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 || st.Alerts != 1 {
		t.Errorf("err %v after %d calls, %d alerts; want stop after 1", err, calls, st.Alerts)
	}
}

func TestReadCPTC(t *testing.T) {
	t.Parallel()
	for _, f := range alertstest.CPTCFiles {
		t.Run(strings.TrimSuffix(f.Name, ".json.gz"), func(t *testing.T) {
			t.Parallel()
			path, err := alertstest.CPTCPath(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := alertstest.LoadSplunkEVE(path)
			if err != nil {
				t.Fatal(err)
			}
			want := independentCounts(t, lines)
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			got := map[string]int{}
			st, err := Read(fh, func(a *Alert) error {
				if a.Time.Year() != 2017 || a.SrcIP == "" || a.DestIP == "" || a.Tool != "suricata" {
					t.Errorf("record %d: incomplete alert %+v", a.Record, a)
				}
				got[a.Signature]++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if st.Records != f.Records || st.Alerts != f.Records || st.Malformed != 0 {
				t.Errorf("stats %+v, want %d records, all alerts", st, f.Records)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("signature counts differ from encoding/json's")
			}
		})
	}
}

// independentCounts counts signatures with encoding/json.
func independentCounts(t *testing.T, lines [][]byte) map[string]int {
	t.Helper()
	m := map[string]int{}
	for i, l := range lines {
		var e struct {
			Alert struct{ Signature string } `json:"alert"`
		}
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		m[e.Alert.Signature]++
	}
	return m
}

func TestRepeaterStreams(t *testing.T) {
	t.Parallel()
	r := alertstest.NewRepeater([][]byte{[]byte(eveAlert1), []byte(eveAlert2)}, 5)
	var days []int
	st, err := Read(r, func(a *Alert) error {
		days = append(days, a.Time.Day())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Alerts != 5 || !reflect.DeepEqual(days, []int{4, 4, 5, 5, 6}) {
		t.Errorf("%d alerts on days %v, want 5 on 4 4 5 5 6", st.Alerts, days)
	}
}

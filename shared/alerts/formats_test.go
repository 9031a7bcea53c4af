package alerts

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

const aitCSV = "time,name,ip,host,short,time_label,event_label\n" +
	"1642723347,Wazuh: ClamAV database update,172.19.130.4,mail,W-Sys-Cav,false_positive,-\n" +
	"1642723352,Suricata: Alert - ET SCAN Possible Nmap User-Agent Observed,172.19.130.68,webserver,S-Flw-Nmp,service_scans,-\n" +
	"1642723360,AMiner: New event type.,10.143.2.4,intranet_server,A-All-Evt,dirb,-\n"

func TestReadWazuh(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/wazuh_alerts.json")
	if err != nil {
		t.Fatal(err)
	}
	got, st, err := collect(t, string(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := independentWazuh(t, raw)
	if len(got) != len(want) || st.Formats[FormatWazuh] != len(want) {
		t.Fatalf("%d alerts (formats %v), the file holds %d", len(got), st.Formats, len(want))
	}
	for i, a := range got {
		w := want[i]
		if a.Tool != "wazuh" || a.Signature != w.Rule.Description || a.Severity != w.Rule.Level ||
			a.Host != w.Agent.Name || a.HostIP != w.Agent.IP || !slices.Equal(a.Tactics, w.Rule.Mitre.Tactic) ||
			!slices.Equal(a.TechniqueIDs, w.Rule.Mitre.ID) || a.Category != strings.Join(w.Rule.Groups, ",") {
			t.Errorf("alert %d = %+v, want %+v", i+1, a, w)
		}
	}
	// The brute force line carries srcip and a string port; the Suricata
	// line through Wazuh's JSON decoder keeps EVE's field names.
	if got[2].SrcIP != "10.143.2.200" || got[2].SrcPort != 51234 || got[2].SignatureID != 5712 {
		t.Errorf("brute force alert = %+v", got[2])
	}
	if got[4].SrcIP != "10.143.2.200" || got[4].DestIP != "172.19.130.68" || got[4].DestPort != 80 {
		t.Errorf("suricata-through-wazuh alert = %+v", got[4])
	}
	if !got[0].Time.Equal(time.Date(2024, 3, 4, 8, 15, 2, 331e6, time.UTC)) {
		t.Errorf("time = %v", got[0].Time)
	}
}

type wazuhLine struct {
	Rule struct {
		Description string   `json:"description"`
		Level       int      `json:"level"`
		Groups      []string `json:"groups"`
		Mitre       struct {
			ID     []string `json:"id"`
			Tactic []string `json:"tactic"`
		} `json:"mitre"`
	} `json:"rule"`
	Agent struct {
		Name string `json:"name"`
		IP   string `json:"ip"`
	} `json:"agent"`
}

func independentWazuh(t *testing.T, raw []byte) []wazuhLine {
	t.Helper()
	var out []wazuhLine
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var w wazuhLine
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

func TestReadAITCSV(t *testing.T) {
	t.Parallel()
	got, st, err := collect(t, aitCSV)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3 || st.Alerts != 3 || st.Formats[FormatAITCSV] != 3 {
		t.Fatalf("stats %+v", st)
	}
	cases := []struct{ tool, sig, host, ip, short string }{
		{"wazuh", "ClamAV database update", "mail", "172.19.130.4", "W-Sys-Cav"},
		{"suricata", "ET SCAN Possible Nmap User-Agent Observed", "webserver", "172.19.130.68", "S-Flw-Nmp"},
		{"aminer", "New event type.", "intranet_server", "10.143.2.4", "A-All-Evt"},
	}
	for i, c := range cases {
		a := got[i]
		if a.Tool != c.tool || a.Signature != c.sig || a.Host != c.host || a.HostIP != c.ip || a.Category != c.short {
			t.Errorf("row %d = %+v, want %+v", i+1, a, c)
		}
	}
	if got[0].Time.Unix() != 1642723347 || got[2].Record != 3 {
		t.Errorf("time %v, record %d", got[0].Time, got[2].Record)
	}
}

// TestReadAITNeverSeesLabels checks that the label columns cannot reach an
// alert: two files that differ only in their labels read the same.
func TestReadAITNeverSeesLabels(t *testing.T) {
	t.Parallel()
	relabelled := strings.NewReplacer("false_positive", "dnsteal", "service_scans", "false_positive", "dirb", "cracking").Replace(aitCSV)
	a, _, err := collect(t, aitCSV)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := collect(t, relabelled)
	if err != nil {
		t.Fatal(err)
	}
	if relabelled == aitCSV || !reflect.DeepEqual(a, b) {
		t.Error("alerts differ when only the labels differ")
	}
}

func TestReadAITMalformedRows(t *testing.T) {
	t.Parallel()
	in := aitCSV + "yesterday,Wazuh: x,1.2.3.4,h,s,-,-\n" + "1642723400,,1.2.3.4,h,s,-,-\n" + "1642723401,Wazuh: y,,,s,-,-\n"
	got, st, err := collect(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || st.Malformed != 3 || !strings.Contains(st.MalformedSamples[0], "row 4 at line 5") {
		t.Errorf("%d alerts, stats %+v", len(got), st)
	}
}

func TestReadAITDataSet(t *testing.T) {
	t.Parallel()
	zipPath := testenv.Outside(t, "../shared/data/alerts/ait-ads/alerts_csv.zip")
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "_alerts.txt") {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(f.Name), "_alerts.txt"), func(t *testing.T) {
			head := firstLines(t, f, 2000)
			got, st, err := collect(t, head)
			if err != nil {
				t.Fatal(err)
			}
			if st.Alerts != 1999 || st.Malformed != 0 || got[0].Time.Year() < 2021 {
				t.Errorf("stats %+v, first %+v", st, got[0])
			}
			for _, a := range got {
				if a.Tool != "wazuh" && a.Tool != "suricata" && a.Tool != "aminer" {
					t.Fatalf("row %d: tool %q", a.Record, a.Tool)
				}
			}
		})
	}
}

func firstLines(t *testing.T, f *zip.File, n int) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b strings.Builder
	sc := bufio.NewScanner(rc)
	for i := 0; i < n && sc.Scan(); i++ {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}

func tarOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, name := range sortedKeys(files) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[name]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range sortedKeys(files) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sortedKeys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func TestReadContainers(t *testing.T) {
	t.Parallel()
	wazuh, err := os.ReadFile("testdata/wazuh_alerts.json")
	if err != nil {
		t.Fatal(err)
	}
	mixed := map[string]string{
		"sensor/eve.json":        eveAlert1 + "\n" + eveDNS + "\n" + eveAlert2 + "\n",
		"manager/alerts.json":    string(wazuh),
		"ait/russell_alerts.txt": aitCSV,
		"README.txt":             "alerts collected on Monday\n",
		"__MACOSX/._eve.json":    "\x00\x05\x16\x07",
		"sensor/eve-old.json.gz": gz(t, eveAlert1+"\n"),
	}
	wantFormats := map[string]int{FormatEVE: 3, FormatWazuh: 6, FormatAITCSV: 3}
	inner := zipOf(t, mixed)
	cases := []struct {
		name  string
		input []byte
	}{
		{"tar", tarOf(t, mixed)},
		{"tar_gz", []byte(gz(t, string(tarOf(t, mixed))))},
		{"zip", inner},
		{"zip_in_tar", tarOf(t, map[string]string{"bundle.zip": string(inner)})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, st, err := collect(t, string(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(st.Formats, wantFormats) || st.SkippedFiles != 1 || st.Files != 5 {
				t.Errorf("stats %+v, want formats %v, 1 skipped file, 5 files", st, wantFormats)
			}
			files := map[string]bool{}
			for _, a := range got {
				files[filepath.Base(a.File)] = true
			}
			if !files["eve.json"] || !files["alerts.json"] || !files["russell_alerts.txt"] {
				t.Errorf("alerts came from %v", files)
			}
		})
	}
}

func TestReadPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/eve.json", eveAlert1+"\n")
	write("b/ait.csv", aitCSV)
	write("notes.md", "# nothing\n")
	write(".hidden/eve.json", eveAlert2+"\n")
	var files []string
	st, err := ReadPath(dir, func(a *Alert) error {
		files = append(files, a.File)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Alerts != 4 || st.SkippedFiles != 1 || files[0] != filepath.Join("a", "eve.json") {
		t.Errorf("stats %+v, files %v", st, files)
	}
	if _, err := ReadPath(filepath.Join(dir, "notes.md"), func(*Alert) error { return nil }); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("a single non-alert file: %v, want ErrUnknownFormat", err)
	}
	if _, err := ReadPath(filepath.Join(dir, "missing"), func(*Alert) error { return nil }); err == nil {
		t.Error("a missing path read without error")
	}
}

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
)

const attachment = "attachment7353962451834129017"

func fileJob(t *testing.T, filename string, content []byte, extra string) cortextest.Job {
	t.Helper()
	input := fmt.Sprintf(`{"file":%q,"filename":%q,"contentType":"application/gzip","dataType":"file","tlp":2,"pap":2,
		"message":"42","parameters":{"organisation":"soc","user":"analyst"},
		"config":{"jobTimeout":5,"check_tlp":true,"max_tlp":2,"auto_extract_artifacts":false%s}}`, attachment, filename, extra)
	return cortextest.Job{Input: []byte(input), Attachments: map[string][]byte{attachment: content}}
}

// countAlerts counts the EVE alerts of a CPTC Splunk export independently of package alerts.
func countAlerts(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var records []struct {
		Result struct {
			Raw string `json:"_raw"`
		} `json:"result"`
	}
	if err := json.NewDecoder(zr).Decode(&records); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range records {
		var eve struct {
			EventType string `json:"event_type"`
		}
		if json.Unmarshal([]byte(r.Result.Raw), &eve) == nil && eve.EventType == "alert" {
			n++
		}
	}
	return n
}

func TestCPTCFilesAsCortexRunsThem(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackDetection")
	for _, team := range []string{"NationalTeam2", "NationalTeam5", "NationalTeam9"} {
		t.Run(team, func(t *testing.T) {
			t.Parallel()
			path := "../../testdata/alerts/" + team + ".json.gz"
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			j := fileJob(t, team+".json.gz", content, "")
			for mode, run := range map[string]func(testing.TB, string, cortextest.Job) *cortextest.Run{
				"process": cortextest.RunProcess, "stdin": cortextest.RunStdin,
			} {
				if mode == "stdin" {
					j = stdinJob(t, j)
				}
				r := run(t, bin, j)
				rep := r.Check(t, cortextest.Analyzer)
				if !rep.Success {
					t.Fatalf("%s mode: %s", mode, rep.ErrorMessage)
				}
				stats := rep.Full["stats"].(map[string]any)
				if got, want := int(stats["alerts_read"].(float64)), countAlerts(t, path); got != want {
					t.Errorf("%s mode: alerts_read %d, the file holds %d alerts", mode, got, want)
				}
				checkVerdict(t, rep, content)
			}
		})
	}
}

// stdinJob turns a folder job into a legacy stdin job, where the attachment is named by its path.
func stdinJob(t *testing.T, j cortextest.Job) cortextest.Job {
	t.Helper()
	path := filepath.Join(t.TempDir(), attachment)
	if err := os.WriteFile(path, j.Attachments[attachment], 0o644); err != nil {
		t.Fatal(err)
	}
	return cortextest.Job{Input: bytes.Replace(j.Input, []byte(`"`+attachment+`"`), []byte(strconv.Quote(path)), 1)}
}

// checkVerdict asserts what the CPTC data is known to hold: the red team's 10.0.254.x hosts are
// among the attackers, every attacker is an address of the file, and the headline stage is the
// first victim's.
func checkVerdict(t *testing.T, rep *cortextest.Report, gz []byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	redTeam := 0
	for _, a := range rep.Artifacts {
		if len(a.Tags) > 0 && a.Tags[0] == "soccrates:attacker" {
			if strings.HasPrefix(a.Data, "10.0.254.") {
				redTeam++
			}
			if !bytes.Contains(raw, []byte(`\"`+a.Data+`\"`)) {
				t.Errorf("attacker %s is no address of the alert file", a.Data)
			}
		}
	}
	if redTeam == 0 {
		t.Error("none of CPTC's 10.0.254.x red-team hosts is reported as an attacker")
	}
	victims := rep.Full["victims"].([]any)
	if len(victims) == 0 {
		t.Fatal("no victims")
	}
	first := victims[0].(map[string]any)
	stage := first["stage"].(map[string]any)["shortname"].(string)
	var headline string
	for _, tx := range rep.Summary.Taxonomies {
		if tx.Predicate == "Stage" {
			headline = fmt.Sprint(tx.Value)
			if tx.Level != "malicious" && tx.Level != "suspicious" {
				t.Errorf("stage taxonomy level %s on an attacked network", tx.Level)
			}
		}
	}
	if want := stage + " on " + first["ip"].(string); headline != want {
		t.Errorf("Stage taxonomy %q, want %q", headline, want)
	}
}

func TestBadInputGivesErrorReport(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackDetection")
	tests := []struct {
		name string
		job  cortextest.Job
		want string
	}{
		{"malformed_json", cortextest.Job{Input: []byte(`{"dataType": "file", `)}, "not valid JSON"},
		{"missing_datatype", cortextest.Job{Input: []byte(`{"data":"x","config":{}}`)}, "Missing dataType field"},
		{"tlp_above_max", func() cortextest.Job {
			j := fileJob(t, "a.json", []byte("{}"), "")
			j.Input = []byte(strings.Replace(string(j.Input), `"tlp":2`, `"tlp":3`, 1))
			return j
		}(), "TLP is higher than allowed."},
		{"not_an_alert_file", fileJob(t, "notes.txt", []byte("Dear SOC,\nplease look at this.\n"), ""), "is not an alert file"},
		{"json_without_alerts", fileJob(t, "dns.json", []byte(`{"timestamp":"2017-11-04T13:17:10.045822+0000","event_type":"dns","src_ip":"10.0.0.1"}`+"\n"), ""), "holds no alerts"},
		{"binary_garbage", fileJob(t, "x.bin", []byte{0x00, 0xff, 0x13, 0x37, 0x89, 0x50}, ""), "is not an alert file"},
		{"wrong_data_type", cortextest.Job{Input: []byte(`{"dataType":"hash","data":"d41d8cd98f00b204e9800998ecf8427e"}`)}, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, tt.job).Check(t, cortextest.Analyzer)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success=%v errorMessage=%q, want it to say %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
}

// TestHostObservableReadsAlertSource runs an ip and a hostname job against a folder of mixed
// alert files; the report must cover that host only.
func TestHostObservableReadsAlertSource(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackDetection")
	dir := t.TempDir()
	wazuh, err := os.ReadFile("../../shared/alerts/testdata/wazuh_alerts.json")
	if err != nil {
		t.Fatal(err)
	}
	csv := "time,name,ip,host,short\n1709546589,Wazuh: Successful sudo to ROOT executed.,10.143.2.5,other_server,W-Aut-Sud\n"
	for name, content := range map[string][]byte{"manager/alerts.json": wazuh, "ait/other.csv": []byte(csv)} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ dataType, data string }{{"ip", "10.143.2.4"}, {"hostname", "intranet_server"}} {
		t.Run(tc.dataType, func(t *testing.T) {
			t.Parallel()
			input := fmt.Sprintf(`{"data":%q,"dataType":%q,"tlp":2,"pap":2,"config":{"alert_source":%q,"check_tlp":true,"max_tlp":2}}`,
				tc.data, tc.dataType, dir)
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: []byte(input)}).Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatal(rep.ErrorMessage)
			}
			victims := rep.Full["victims"].([]any)
			if len(victims) != 1 || victims[0].(map[string]any)["ip"] != "10.143.2.4" {
				t.Fatalf("victims %v, want 10.143.2.4 alone", victims)
			}
			// The netstat rule (a new listener) maps to command-and-control, above sudo and brute force.
			if got := victims[0].(map[string]any)["stage"].(map[string]any)["shortname"]; got != "command-and-control" {
				t.Errorf("stage %v", got)
			}
			stats := rep.Full["stats"].(map[string]any)
			if stats["outside_host"].(float64) < 2 {
				t.Errorf("stats %v: the other hosts' alerts were not left out", stats)
			}
		})
	}
	// A host no alert names is a clean report that says so; an ip
	// observable that is no address is an error.
	for _, tc := range []struct{ data, want string }{{"192.0.2.1", "none names 192.0.2.1"}, {"not-an-ip", "not an IP address"}} {
		t.Run(tc.data, func(t *testing.T) {
			t.Parallel()
			input := fmt.Sprintf(`{"data":%q,"dataType":"ip","tlp":2,"pap":2,"config":{"alert_source":%q}}`, tc.data, dir)
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: []byte(input)}).Check(t, cortextest.Analyzer)
			got := rep.ErrorMessage
			if rep.Success {
				got, _ = rep.Full["summary"].(string)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("success=%v, %q: want it to say %q", rep.Success, got, tc.want)
			}
		})
	}
}

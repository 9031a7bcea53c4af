package suite

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readInput decodes the input.json the suite wrote for a job.
func readInput(t *testing.T, jobDir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(jobDir, "input", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in map[string]any
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

func readLog(t *testing.T, jobDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(jobDir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAnalyze(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		config     string // the AttackDetection entry of the suite config, "" for no file
		wantToken  string
		wantCode   int
		wantLog    string
		wantConfig string // a key the worker's config must hold
	}{
		{name: "malicious", wantToken: "malicious", wantLog: "fakeworker AttackDetection"},
		{name: "configured-level", config: `{"level": "safe"}`, wantToken: "safe", wantConfig: "level"},
		{name: "suspicious", config: `{"level": "suspicious"}`, wantToken: "suspicious"},
		{name: "no-taxonomies", config: `{"level": "-"}`, wantToken: "info"},
		{name: "failure-report", config: `{"fake": "fail"}`, wantToken: "error", wantCode: 1, wantLog: "fake failure"},
		{name: "garbled-report", config: `{"fake": "garbled"}`, wantToken: "error", wantCode: 1, wantLog: "not a JSON object"},
		{name: "missing-report", config: `{"fake": "none"}`, wantToken: "error", wantCode: 1, wantLog: "no such file"},
		{name: "noisy-worker", config: `{"fake": "noisy"}`, wantToken: "malicious", wantLog: strings.Repeat("x", 100_000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := ""
			if tc.config != "" {
				cfg = writeFile(t, dir, "suite.json", `{"AttackDetection": `+tc.config+`}`)
			}
			job := filepath.Join(dir, "detect")
			r := runSuite(t, cfg, "analyze", "AttackDetection", "ip", "10.0.0.5", job)
			if r.stdout != tc.wantToken || r.code != tc.wantCode {
				t.Fatalf("got token %q exit %d, want %q exit %d (stderr %q)", r.stdout, r.code, tc.wantToken, tc.wantCode, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr must stay empty in step mode, got %q", r.stderr)
			}
			if log := readLog(t, job); !strings.Contains(log, tc.wantLog) {
				t.Errorf("log lacks %q:\n%.400s", tc.wantLog, log)
			}
			in := readInput(t, job)
			if in["data"] != "10.0.0.5" || in["dataType"] != "ip" || in["tlp"] != 2.0 || in["pap"] != 2.0 || in["message"] != "" {
				t.Errorf("input.json = %v", in)
			}
			if cfgObj, _ := in["config"].(map[string]any); tc.wantConfig != "" && cfgObj[tc.wantConfig] == nil {
				t.Errorf("config %v lacks %q", cfgObj, tc.wantConfig)
			}
		})
	}
}

func TestAnalyzeFileObservable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	content := `{"event_type":"alert"}` + "\n"
	alerts := writeFile(t, dir, "eve.json", content)
	job := filepath.Join(dir, "detect")
	if r := runSuite(t, "", "analyze", "AttackDetection", "file", alerts, job); r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	in := readInput(t, job)
	if in["file"] != "attachment1" || in["filename"] != "eve.json" || in["contentType"] != "application/json" {
		t.Errorf("file fields = %v", in)
	}
	if _, ok := in["data"]; ok {
		t.Errorf("a file job must have no data, got %v", in["data"])
	}
	r := runSuite(t, "", "get", job, "attachment_bytes")
	if want := strconv.Itoa(len(content)); r.stdout != want {
		t.Errorf("worker saw an attachment of %q bytes, want %s", r.stdout, want)
	}
	if r := runSuite(t, "", "get", job, "stdin_bytes"); r.stdout != "0" {
		t.Errorf("worker read %q bytes from stdin, want 0", r.stdout)
	}
}

func TestAnalyzeSetupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	foreign := writeFile(t, dir, "mine/notes.txt", "keep me")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "too-few-arguments", args: []string{"analyze", "AttackDetection", "ip"}, wantCode: 2, wantErr: "want 4 arguments"},
		{name: "unknown-worker", args: []string{"analyze", "NoSuchWorker", "ip", "1.2.3.4", filepath.Join(dir, "x")}, wantCode: 1},
		{name: "bad-worker-name", args: []string{"analyze", "../AttackDetection", "ip", "1.2.3.4", filepath.Join(dir, "y")}, wantCode: 1},
		{name: "foreign-folder", args: []string{"analyze", "AttackDetection", "ip", "1.2.3.4", filepath.Dir(foreign)}, wantCode: 1, wantErr: "not made by soccrates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, "", tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("got exit %d stderr %q, want exit %d with %q", r.code, r.stderr, tc.wantCode, tc.wantErr)
			}
		})
	}
	if b, err := os.ReadFile(foreign); err != nil || string(b) != "keep me" {
		t.Errorf("a folder the suite did not make was touched: %q %v", b, err)
	}
}

// detectJob runs the fake AttackDetection and returns its job folder.
func detectJob(t *testing.T, dir string) string {
	t.Helper()
	job := filepath.Join(dir, "detect")
	if r := runSuite(t, "", "analyze", "AttackDetection", "ip", "10.0.0.5", job); r.code != 0 {
		t.Fatalf("detect: exit %d %q", r.code, r.stderr)
	}
	return job
}

func TestAnalyzeReference(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	detect := detectJob(t, dir)
	tests := []struct {
		name      string
		ref       string
		wantCode  int
		wantData  string // prefix of the data the planner was given
		wantInLog string
	}{
		{name: "object", ref: "@" + detect + ":victims.0", wantData: `{"attackers":["203.0.113.9"`},
		{name: "string", ref: "@" + detect + ":victims.1.ip", wantData: "10.0.0.7"},
		{name: "number", ref: "@" + detect + ":victims.0.stage.order", wantData: "9"},
		{name: "unknown-key", ref: "@" + detect + ":victims.0.nope", wantCode: 1, wantInLog: `no key \"nope\"`},
		{name: "index-out-of-range", ref: "@" + detect + ":victims.5", wantCode: 1, wantInLog: "outside a list of 2"},
		{name: "missing-job", ref: "@" + filepath.Join(dir, "absent") + ":victims.0", wantCode: 1, wantInLog: "no such file"},
		{name: "no-path", ref: "@" + detect, wantCode: 1, wantInLog: "want @<jobDir>:<path>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job := filepath.Join(dir, "plan-"+tc.name)
			r := runSuite(t, "", "analyze", "ResponsePlanner", "other", tc.ref, job)
			if r.code != tc.wantCode {
				t.Fatalf("exit %d (token %q), want %d", r.code, r.stdout, tc.wantCode)
			}
			if tc.wantCode != 0 {
				if r.stdout != "error" || !strings.Contains(readLog(t, job), tc.wantInLog) {
					t.Errorf("token %q, log:\n%s", r.stdout, readLog(t, job))
				}
				return
			}
			if data, _ := readInput(t, job)["data"].(string); !strings.HasPrefix(data, tc.wantData) {
				t.Errorf("data = %q, want prefix %q", data, tc.wantData)
			}
		})
	}
}

func TestAnalyzeReferenceToItsOwnFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	detect := detectJob(t, dir)
	// The value is read before the folder is cleared for the new job.
	r := runSuite(t, "", "analyze", "AttackDetection", "ip", "@"+detect+":victims.1.ip", detect)
	if r.code != 0 || readInput(t, detect)["data"] != "10.0.0.7" {
		t.Errorf("exit %d, input %v", r.code, readInput(t, detect))
	}
}

func TestRespond(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan")
	if r := runSuite(t, "", "analyze", "ResponsePlanner", "other", "@"+detectJob(t, dir)+":victims.0", plan); r.code != 0 {
		t.Fatalf("plan: exit %d", r.code)
	}
	empty := filepath.Join(dir, "empty-plan")
	cfgEmpty := writeFile(t, dir, "empty.json", `{"ResponsePlanner": {"full": {"deny_addresses": []}}}`)
	if r := runSuite(t, cfgEmpty, "analyze", "ResponsePlanner", "ip", "10.0.0.5", empty); r.code != 0 {
		t.Fatalf("empty plan: exit %d", r.code)
	}
	tests := []struct {
		name       string
		config     string // the OpenC2 entry of the suite config
		observable string
		wantToken  string
		wantCode   int
		wantJobs   map[string][2]string // job folder (relative) -> artifact dataType, data
	}{
		{name: "list-dry-run", observable: "@" + plan + ":deny_addresses", wantToken: "dryrun",
			wantJobs: map[string][2]string{"1": {"ip", "203.0.113.9"}, "2": {"ip", "198.51.100.7"}}},
		{name: "list-live", config: `{"full": {"mode": "live"}}`, observable: "@" + plan + ":deny_addresses", wantToken: "done"},
		{name: "one-element-fails", config: `{"fail_on": "203.0.113.9"}`, observable: "@" + plan + ":deny_addresses",
			wantToken: "error", wantCode: 1, wantJobs: map[string][2]string{"2": {"ip", "198.51.100.7"}}},
		{name: "empty-list", observable: "@" + empty + ":deny_addresses", wantToken: "none"},
		{name: "scalar-fqdn", observable: "c2.evil.example", wantToken: "dryrun",
			wantJobs: map[string][2]string{".": {"fqdn", "c2.evil.example"}}},
		{name: "worker-fails", config: `{"fake": "fail"}`, observable: "evil.example", wantToken: "error", wantCode: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ""
			if tc.config != "" {
				cfg = writeFile(t, t.TempDir(), "suite.json", `{"OpenC2": `+tc.config+`}`)
			}
			job := filepath.Join(dir, "respond-"+tc.name)
			r := runSuite(t, cfg, "respond", "OpenC2", "auto", tc.observable, job)
			if r.stdout != tc.wantToken || r.code != tc.wantCode {
				t.Fatalf("got %q exit %d, want %q exit %d (stderr %q)", r.stdout, r.code, tc.wantToken, tc.wantCode, r.stderr)
			}
			for sub, want := range tc.wantJobs {
				in := readInput(t, filepath.Join(job, sub))
				art, _ := in["data"].(map[string]any)
				parent, _ := art["case"].(map[string]any)
				if in["dataType"] != "thehive:case_artifact" || art["_type"] != "case_artifact" ||
					art["dataType"] != want[0] || art["data"] != want[1] || parent["_type"] != "case" {
					t.Errorf("job %s: input %v", sub, in)
				}
			}
		})
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	detect := detectJob(t, t.TempDir())
	tests := []struct {
		path, want string
		wantCode   int
	}{
		{path: "victims.0.ip", want: "10.0.0.5"},
		{path: "full.victims.1.stage.shortname", want: "discovery"},
		{path: "victims.length", want: "2"},
		{path: "victims.0.stage.order", want: "9"},
		{path: "summary.taxonomies.length", want: "2"},
		{path: "summary.taxonomies.1.level", want: "malicious"},
		{path: "success", want: "true"},
		{path: "victims.0", want: "error", wantCode: 1},
		{path: "nope", want: "error", wantCode: 1},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, "", "get", detect, tc.path)
			if r.stdout != tc.want || r.code != tc.wantCode {
				t.Errorf("got %q exit %d, want %q exit %d", r.stdout, r.code, tc.want, tc.wantCode)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan")
	detect := detectJob(t, dir)
	runSuite(t, "", "analyze", "AttackGraph", "ip", "@"+detect+":victims.0.ip", filepath.Join(dir, "graph"))
	runSuite(t, "", "analyze", "BusinessImpact", "ip", "@"+detect+":victims.0.ip", filepath.Join(dir, "impact"))
	runSuite(t, "", "analyze", "CourseOfAction", "ip", "@"+detect+":victims.0.ip", filepath.Join(dir, "coa"))
	runSuite(t, "", "analyze", "ResponsePlanner", "other", "@"+detect+":victims.0", plan)
	runSuite(t, "", "respond", "OpenC2", "auto", "@"+plan+":deny_addresses", filepath.Join(dir, "respond"))
	r := runSuite(t, "", "summary", dir)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"victim 10.0.0.5: reached lateral-movement (Lateral Movement, order 9)",
		"stages: discovery > lateral-movement",
		"onward from host:10.0.0.5.fullAccess, 100 samples, horizon 30 days",
		"target 10.0.0.9 data:10.0.0.9.read: p=0.75, TTC p50 1.25 days (via 10.0.0.5 > 10.0.0.9)",
		"assets: Web server (Node); losing availability for 24 h",
		"process Sell tickets (BusinessProcess, criticality 4): 1000 EUR/h, 24000 EUR",
		"path: Web server (Node) -[Serving]-> Sell tickets (BusinessProcess)",
		"total: 1000 EUR/h, 24000 EUR over 24 h",
		"metric ttc, 1 candidate defences (3 unpriced, 0 dropped), 1000 final samples",
		"budget 2000 EUR (exact): 1 changes, cost 500 EUR, 1.0 days to deploy",
		"effect: mean capped TTC 20.50 -> 27.75 days (+7.25 days)",
		"change: Restrict the firewall between zones: deny 5432/tcp from dmz to servers.",
		"RORI: not in the report",
		"CoA coa-1 [deny_attacker] Deny 203.0.113.9",
		"deny addresses: 203.0.113.9, 198.51.100.7",
		"Response 2 (OpenC2) for ip 198.51.100.7",
		`would send: {"action":"deny","target":"198.51.100.7"}`,
		"nft: add rule inet soccrates deny ip saddr 203.0.113.9 drop",
		filepath.Join(dir, "playbook.json"),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	var pb map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "playbook.json"))
	if err != nil || json.Unmarshal(b, &pb) != nil || pb["spec_version"] != "cacao-2.0" {
		t.Errorf("playbook.json: %v %s", err, b)
	}
}

func TestSummaryOfPartialRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "suite.json", `{"AttackDetection": {"full": {"attackers": []}}}`)
	runSuite(t, cfg, "analyze", "AttackDetection", "ip", "10.0.0.5", filepath.Join(dir, "detect"))
	r := runSuite(t, "", "summary", dir)
	for _, want := range []string{`the report has no "victims" list`, "Attack graph (AttackGraph)", "Business impact (BusinessImpact)",
		"Defences within budget (CourseOfAction)", "Plan (ResponsePlanner)", "not run"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, summary lacks %q:\n%s", r.code, want, r.stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	if r := runSuite(t, "", "--version"); r.code != 0 || !strings.Contains(r.stdout, "test") {
		t.Errorf("got %+v", r)
	}
}

package job

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/manifests"
)

var update = flag.Bool("update", false, "rewrite the golden output files in testdata/cortex")

func TestMain(m *testing.M) {
	grace = 200 * time.Millisecond
	// The goldens must not depend on the machine's CA bundle setting.
	os.Unsetenv("REQUESTS_CA_BUNDLE")
	os.Exit(m.Run())
}

// testAnalyzer and testResponder are the small workers the contract is tested through, apart from
// any real worker. Their behaviour depends on the data type, so each reference input exercises a path.
var testAnalyzer = &manifests.Manifest{
	Name: "Test_Analyzer", Version: "1.0", Kind: manifests.Analyzer, Command: "TestAnalyzer/TestAnalyzer",
	DataTypeList: []string{"ip", "domain", "fqdn", "file", "mail-subject", "mail_subject"},
	Config:       map[string]any{"service": "from-manifest"},
	ConfigurationItems: []manifests.Item{
		{Name: "key", Type: "string"},
		{Name: "max_size_mb", Type: "number", DefaultValue: json.Number("10")},
		{Name: "resolvers", Type: "string", Multi: true},
		{Name: "verbose_report", Type: "boolean", DefaultValue: false},
	},
}

var testResponder = &manifests.Manifest{
	Name: "Test_Responder", Version: "1.0", Kind: manifests.Responder, Command: "TestResponder/TestResponder",
	DataTypeList: []string{"thehive:case", "thehive:case_artifact", "thehive:alert", "thehive:case_task"},
}

func analyze(_ context.Context, j *Job) (*Report, error) {
	full := map[string]any{
		"observable":   j.Data(),
		"data_type":    j.DataType,
		"case":         j.Message,
		"organisation": j.Parameter("organisation"),
		"service":      j.Config.String("service"),
		"max_size_mb":  j.Config.Int("max_size_mb", -1),
		"resolvers":    j.Config.Strings("resolvers"),
		"proxy_https":  j.proxy("https"),
		"cacerts":      len(j.cacerts) > 0,
	}
	switch j.DataType {
	case "mail-subject":
		// A careless worker quoting its secrets: the error report must not carry them.
		return nil, fmt.Errorf("lookup of %q failed with api_Pass=%s token=%s key=%s via https://u:%s@lookup.example.net/?apikey=%s",
			j.Data(), j.Config.String("api_Pass"), j.Config.String("token"), j.Config.String("key"),
			j.Config.String("Password"), j.Config.String("apikey"))
	case "file":
		b, err := os.ReadFile(j.file)
		if err != nil {
			return nil, err
		}
		_, name, ctype := j.File()
		full["bytes"], full["filename"], full["content_type"] = len(b), name, ctype
		full["first_line"] = strings.SplitN(string(b), "\n", 2)[0]
	case "fqdn":
		full["seen"] = []any{"203.0.113.9", "https://intel.example.net/x", "d41d8cd98f00b204e9800998ecf8427e",
			"www.mail.example.net", "other.example.org", "evil.example", "HKLM\\Software\\Run", "ops@example.org",
			"Mozilla/5.0 (X11)", "2001:db8::7", "plain words", "ftp://files.example.org/a"}
	}
	level := Suspicious
	if j.DataType == "domain" {
		level = "weird" // not a TheHive level: must come out as info
	}
	return &Report{Taxonomies: []Taxonomy{{level, "Test", "Seen", 3}}, Full: full}, nil
}

func respond(_ context.Context, j *Job) (*ResponderReport, error) {
	obj := j.Object()
	full := map[string]any{"entity": obj["_type"], "title": obj["title"], "data": obj["data"]}
	var ops []Operation
	switch j.DataType {
	case "thehive:case_artifact":
		ops = []Operation{AddTagToArtifact("tested")}
	case "thehive:case":
		ops = []Operation{AddTagToCase("tested"), CreateTask("Check", "made by the test responder")}
	case "thehive:alert":
		ops = []Operation{AddTagToAlert("tested"), MarkAlertAsRead()}
	default:
		ops = []Operation{AddTagToCase("tested")}
	}
	return &ResponderReport{Full: full, Operations: ops}, nil
}

func specFor(name string) Spec {
	if strings.HasPrefix(name, "responder") {
		return Spec{Manifest: testResponder, Respond: respond}
	}
	return Spec{Manifest: testAnalyzer, Analyze: analyze}
}

// jobDir lays out a Cortex job folder for a reference input and returns its path.
func jobDir(t *testing.T, input []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "input")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "output"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(in, "input.json"), input)
	var probe struct{ File string }
	_ = json.Unmarshal(input, &probe)
	if probe.File == "attachment7353962451834129017" {
		writeFile(t, filepath.Join(in, probe.File), readFile(t, "testdata/cortex/analyzer-file.attachment"))
	}
	return dir
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runFolder runs spec on a job folder as Cortex's process runner would and returns the report.
func runFolder(t *testing.T, spec Spec, dir string) (int, []byte, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), spec, []string{"worker", dir}, strings.NewReader(""), &stdout, &stderr)
	if stdout.Len() != 0 {
		t.Errorf("folder mode wrote to stdout: %q", stdout.String())
	}
	out, err := os.ReadFile(filepath.Join(dir, "output", "output.json"))
	if err != nil {
		t.Fatalf("no output.json (exit %d, stderr %s)", code, stderr.String())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "output"))
	for _, e := range entries {
		if e.Name() != "output.json" {
			t.Errorf("output/ holds %s besides output.json", e.Name())
		}
	}
	return code, out, stderr.String()
}

// runStdin runs spec in legacy mode: the job on stdin, the report on stdout.
func runStdin(t *testing.T, spec Spec, input []byte) (int, []byte) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), spec, []string{"worker", filepath.Join(t.TempDir(), "nothing-here")}, bytes.NewReader(input), &stdout, &stderr)
	return code, stdout.Bytes()
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("report is not a JSON object: %v\n%s", err, b)
	}
	return v
}

func referenceInputs(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/cortex/*.input.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no reference inputs: %v", err)
	}
	sort.Strings(names)
	return names
}

func TestGolden(t *testing.T) {
	for _, path := range referenceInputs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".input.json")
		t.Run(name, func(t *testing.T) {
			input := readFile(t, path)
			dir := jobDir(t, input)
			code, out, _ := runFolder(t, specFor(name), dir)
			got := decode(t, out)
			if want := map[bool]int{true: 0, false: 1}[got["success"] == true]; code != want {
				t.Errorf("exit code %d after a report with success=%v", code, got["success"])
			}
			golden := strings.TrimSuffix(path, ".input.json") + ".output.json"
			if *update {
				pretty, _ := json.MarshalIndent(got, "", "  ")
				writeFile(t, golden, append(pretty, '\n'))
			}
			want := decode(t, readFile(t, golden))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("folder mode report differs from %s\n got: %s", golden, out)
			}

			// The same job on stdin gives the same report; the attachment is then named by its path.
			var obj map[string]any
			_ = json.Unmarshal(input, &obj)
			if f, ok := obj["file"].(string); ok {
				obj["file"] = filepath.Join(dir, "input", f)
			}
			stdinInput, _ := json.Marshal(obj)
			code2, out2 := runStdin(t, specFor(name), stdinInput)
			if code2 != code || !reflect.DeepEqual(decode(t, out2), want) {
				t.Errorf("stdin mode (exit %d) differs from folder mode (exit %d):\n%s", code2, code, out2)
			}
		})
	}
}

// secretValues lists what must never appear in an error report of this input: every string under a
// key IsSecretKey names, at any depth, and the password of any URL.
func secretValues(t *testing.T, input []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(input, &v); err != nil {
		t.Fatal(err)
	}
	_, secrets := Redact(v)
	return secrets
}

func TestNoSecretSurvivesAnErrorReport(t *testing.T) {
	leaky := func(_ context.Context, j *Job) (*Report, error) {
		b, _ := json.Marshal(j.input)
		return nil, errors.New("remote said no to " + string(b))
	}
	leakyResponder := func(_ context.Context, j *Job) (*ResponderReport, error) {
		b, _ := json.Marshal(j.input)
		return nil, errors.New("remote said no to " + string(b))
	}
	for _, path := range referenceInputs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".input.json")
		t.Run(name, func(t *testing.T) {
			input := readFile(t, path)
			spec := specFor(name)
			spec.Analyze, spec.Respond = leaky, nil
			if spec.Manifest.Kind == manifests.Responder {
				spec.Analyze, spec.Respond = nil, leakyResponder
			}
			_, out, stderr := runFolder(t, spec, jobDir(t, input))
			secrets := secretValues(t, input)
			for _, s := range secrets {
				if strings.Contains(string(out), s) || strings.Contains(stderr, s) {
					t.Errorf("secret %q survives in the error report or log", s)
				}
			}
			if decode(t, out)["success"] != false {
				t.Errorf("expected an error report")
			}
		})
	}
}

func TestRedactionBeatsCortexutils(t *testing.T) {
	t.Parallel()
	input := readFile(t, "testdata/cortex/analyzer-error-secret-redaction.input.json")
	_, out, _ := runFolder(t, specFor("analyzer"), jobDir(t, input))
	report := string(out)
	for _, leak := range []string{"k-123", "k-456", "k-789", "s-123", "s-456", "p-123", "cortexutils-leaks-1", "cortexutils-leaks-2"} {
		if strings.Contains(report, leak) {
			t.Errorf("%s leaks into the report: %s", leak, report)
		}
	}
	cfg := decode(t, out)["input"].(map[string]any)["config"].(map[string]any)
	if cfg["username"] != "not-a-secret-4" || cfg["API"] != "not-a-secret-3" {
		t.Errorf("over-redacted: username=%v API=%v", cfg["username"], cfg["API"])
	}
	if !strings.Contains(decode(t, out)["errorMessage"].(string), "Urgent: your mailbox is full") {
		t.Errorf("the error message lost the useful part: %s", report)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"top_level_key", `{"api_key":"abc123"}`, `{"api_key":"REMOVED"}`},
		{"nested_token", `{"proxy":{"auth":{"token":"t0k3n"}}}`, `{"proxy":{"auth":"REMOVED"}}`},
		{"author_is_not_auth", `{"author":"Jane"}`, `{"author":"Jane"}`},
		{"session_cookie_webhook", `{"SessionId":"s","Cookie":"c","slack_webhook":"w"}`, `{"SessionId":"REMOVED","Cookie":"REMOVED","slack_webhook":"REMOVED"}`},
		{"keyword_dsn", `{"store_dsn":"host=db user=s password=pw123"}`, `{"store_dsn":"REMOVED"}`},
		{"url_userinfo", `{"proxy_http":"http://bob:hunter22@proxy.example:3128"}`, `{"proxy_http":"http://REMOVED@proxy.example:3128"}`},
		{"url_query_key", `{"url":"https://x.example/api?apikey=zzzz&q=1"}`, `{"url":"https://x.example/api?apikey=REMOVED&q=1"}`},
		{"list_of_objects", `{"credentials":[{"user":"u"}],"list":[{"password":"pw12"}]}`, `{"credentials":"REMOVED","list":[{"password":"REMOVED"}]}`},
		{"null_stays_null", `{"password":null}`, `{"password":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var in, want any
			_ = json.Unmarshal([]byte(tt.in), &in)
			_ = json.Unmarshal([]byte(tt.want), &want)
			got, _ := Redact(in)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Redact(%s) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

func TestStartupChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"malformed_json", "{\"dataType\": \"ip\",\n \"data\": }", "job input is not valid JSON: line 2"},
		{"not_an_object", `["ip"]`, "job input is a list, not a JSON object"},
		{"empty", ``, "job input is empty"},
		{"missing_datatype", `{"data":"1.2.3.4","tlp":3,"config":{"check_tlp":true}}`, "Missing dataType field"},
		{"tlp_before_pap", `{"dataType":"ip","data":"x","tlp":3,"pap":3,"config":{"check_tlp":true,"check_pap":true}}`, "TLP is higher than allowed."},
		{"pap_above_max", `{"dataType":"ip","data":"x","pap":3,"config":{"check_pap":true,"max_pap":2}}`, "PAP is higher than allowed."},
		{"tlp_unchecked", `{"dataType":"hash","data":"x","tlp":3,"config":{"check_tlp":false}}`, "This datatype is not supported by this analyzer."},
		{"tlp_not_integer", `{"dataType":"ip","data":"x","tlp":"red"}`, "tlp must be an integer"},
		{"missing_data", `{"dataType":"ip"}`, "Missing data field"},
		{"missing_filename", `{"dataType":"file","file":"attachment1"}`, "Missing filename."},
		{"missing_attachment", `{"dataType":"file","file":"attachment1","filename":"a.txt"}`, "cannot be read"},
		{"config_wrong_type", `{"dataType":"ip","data":"x","config":{"max_size_mb":"lots"}}`, "configuration item max_size_mb: expected a number, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, _ := runFolder(t, specFor("analyzer"), jobDir(t, []byte(tt.input)))
			r := decode(t, out)
			if code != 1 || r["success"] != false {
				t.Fatalf("exit %d, report %s: want an error report and exit 1", code, out)
			}
			if msg, _ := r["errorMessage"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("errorMessage %q does not say %q", msg, tt.want)
			}
			if _, ok := r["input"].(map[string]any); !ok {
				t.Errorf("input echo is not an object: %s", out)
			}
		})
	}
}

func TestResponderChecks(t *testing.T) {
	t.Parallel()
	spec := specFor("responder")
	code, out, _ := runFolder(t, spec, jobDir(t, []byte(`{"dataType":"thehive:case","data":"not an object"}`)))
	if msg := decode(t, out)["errorMessage"]; code != 1 || !strings.Contains(fmt.Sprint(msg), "TheHive object") {
		t.Errorf("string data for a responder: exit %d, %s", code, out)
	}
	spec.Respond = func(context.Context, *Job) (*ResponderReport, error) {
		return &ResponderReport{Operations: []Operation{MarkAlertAsRead()}}, nil
	}
	input := readFile(t, "testdata/cortex/responder-thehive-case_artifact.input.json")
	code, out, _ = runFolder(t, spec, jobDir(t, input))
	if msg := decode(t, out)["errorMessage"]; code != 1 || !strings.Contains(fmt.Sprint(msg), "MarkAlertAsRead does not apply") {
		t.Errorf("an alert operation on an artifact must not reach TheHive: exit %d, %s", code, out)
	}
}

func TestFullMustBeAnObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		full any
		want string
	}{
		{"array", []int{1, 2}, "not a JSON object"},
		{"scalar", "text", "not a JSON object"},
		{"nil_is_empty_object", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := Spec{Manifest: testAnalyzer, Analyze: func(context.Context, *Job) (*Report, error) {
				return &Report{Full: tt.full}, nil
			}}
			_, out, _ := runFolder(t, spec, jobDir(t, []byte(`{"dataType":"ip","data":"198.51.100.1"}`)))
			r := decode(t, out)
			if tt.want == "" {
				if full, ok := r["full"].(map[string]any); !ok || len(full) != 0 || r["success"] != true {
					t.Errorf("nil full: %s", out)
				}
				return
			}
			if msg := fmt.Sprint(r["errorMessage"]); r["success"] != false || !strings.Contains(msg, tt.want) {
				t.Errorf("full %v: %s", tt.full, out)
			}
		})
	}
}

func TestPanicBecomesErrorReport(t *testing.T) {
	t.Parallel()
	spec := Spec{Manifest: testAnalyzer, Analyze: func(context.Context, *Job) (*Report, error) {
		counts := lookupCounts()
		counts["boom"]++ // a nil-map write: a real bug, not a panic(...) call
		return nil, nil
	}}
	code, out := runStdin(t, spec, []byte(`{"dataType":"ip","data":"198.51.100.1"}`))
	r := decode(t, out)
	if code != 1 || r["success"] != false || !strings.Contains(fmt.Sprint(r["errorMessage"]), "internal error in Test_Analyzer") {
		t.Errorf("exit %d, stdout %s", code, out)
	}
	if bytes.Contains(out, []byte("goroutine")) {
		t.Errorf("stack trace on stdout: %s", out)
	}
}

// lookupCounts stands for a lookup that forgot to make its map.
func lookupCounts() map[string]int { return nil }

func TestDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		worker func(ctx context.Context, j *Job) (*Report, error)
		want   string
	}{
		{"worker_honours_context", func(ctx context.Context, _ *Job) (*Report, error) {
			<-ctx.Done()
			return nil, fmt.Errorf("query intel API: %w", context.Cause(ctx))
		}, "query intel API: the job ran out of time"},
		{"worker_ignores_context", func(context.Context, *Job) (*Report, error) {
			time.Sleep(time.Hour)
			return nil, nil
		}, "job stopped: the job ran out of time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := Spec{Manifest: testAnalyzer, Analyze: tt.worker}
			start := time.Now()
			// jobTimeout 0.002 min = 120 ms, so the deadline is half of it.
			code, out := runStdin(t, spec, []byte(`{"dataType":"ip","data":"198.51.100.1","config":{"jobTimeout":0.002}}`))
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if msg := fmt.Sprint(decode(t, out)["errorMessage"]); code != 1 || !strings.Contains(msg, tt.want) {
				t.Errorf("exit %d, message %q, want %q", code, msg, tt.want)
			}
		})
	}
}

func TestDeadlineFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minutes float64
		want    time.Duration
	}{
		{30, 30*time.Minute - 30*time.Second},
		{1, 54 * time.Second},
		{0, 30*time.Minute - 30*time.Second},
		{0.05, 3*time.Second - 0}, // 3 s total: a 5 s margin would not fit, so half of it
	}
	for _, tt := range tests {
		want := tt.want
		if tt.minutes == 0.05 {
			want = 1500 * time.Millisecond
		}
		if got := deadlineFor(tt.minutes); got != want {
			t.Errorf("deadlineFor(%v) = %v, want %v", tt.minutes, got, want)
		}
	}
}

func TestInputIsNeverWritten(t *testing.T) {
	t.Parallel()
	input := readFile(t, "testdata/cortex/analyzer-file.input.json")
	dir := jobDir(t, input)
	before := listing(t, filepath.Join(dir, "input"))
	runFolder(t, specFor("analyzer"), dir)
	if after := listing(t, filepath.Join(dir, "input")); !reflect.DeepEqual(before, after) {
		t.Errorf("input/ changed:\nbefore %v\nafter  %v", before, after)
	}
}

func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %d %s", p, fi.Size(), fi.ModTime().Format(time.RFC3339Nano)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFileArtifact(t *testing.T) {
	t.Parallel()
	spec := Spec{Manifest: testAnalyzer, Analyze: func(_ context.Context, j *Job) (*Report, error) {
		a, err := j.FileArtifact(strings.NewReader("playbook"), "/tmp/x/playbook.json", "application/json")
		if err != nil {
			return nil, err
		}
		return &Report{Artifacts: []Artifact{a, NewArtifact("ip", "198.51.100.2").WithTags("attacker").WithTLP(7)}}, nil
	}}
	dir := jobDir(t, []byte(`{"dataType":"ip","data":"198.51.100.1"}`))
	// A job folder without output/ (laid out by hand or by another SOAR) still gets its files.
	if err := os.Remove(filepath.Join(dir, "output")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), spec, []string{"w", dir}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	r := decode(t, readFile(t, filepath.Join(dir, "output", "output.json")))
	arts := r["artifacts"].([]any)
	file := arts[0].(map[string]any)
	if file["filename"] != "playbook.json" || file["contentType"] != "application/json" {
		t.Errorf("file artifact %v", file)
	}
	if b := readFile(t, filepath.Join(dir, "output", file["file"].(string))); string(b) != "playbook" {
		t.Errorf("file content %q", b)
	}
	ip := arts[1].(map[string]any)
	if ip["tlp"] != 3.0 || len(ip) != 4 {
		t.Errorf("ip artifact %v: tlp must be clamped to 3 and only dataType, data, tlp, tags set", ip)
	}
}

func TestExtract(t *testing.T) {
	t.Parallel()
	full := map[string]any{
		"a": []any{"198.51.100.7", "198.51.100.7", "1.2.3.4/24 text", "setup.exe", "https://x.example/p",
			"not an artifact", map[string]any{"k": "d41d8cd98f00b204e9800998ecf8427e"}, "observable.example.net seen"},
		"198.51.100.9": "keys are never tested",
	}
	got := map[string]string{}
	for _, a := range Extract(full, "observable.example.net") {
		got[a.Data()] = a.DataType()
	}
	want := map[string]string{
		"198.51.100.7": "ip", "1.2.3.4/24 text": "ip", "setup.exe": "domain", "https://x.example/p": "url",
		"d41d8cd98f00b204e9800998ecf8427e": "hash",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Extract = %v, want %v", got, want)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"w", "a", "b"}, {"w", "--bogus"}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), specFor("analyzer"), args, strings.NewReader(""), &stdout, &stderr); code != 2 || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q: want exit 2 and no report", args, code, stdout.String())
		}
	}
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), specFor("analyzer"), []string{"w", "--version"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := stdout.String(); got != "Test_Analyzer 1.0 (SOCCRATES suite dev)\n" {
		t.Errorf("--version printed %q", got)
	}
}

// FuzzJobInput feeds arbitrary bytes as the job: the worker must always answer with one JSON
// report whose success is a boolean, and exit 0 or 1, never panic.
func FuzzJobInput(f *testing.F) {
	for _, p := range []string{"analyzer-ip", "analyzer-file", "responder-thehive-case", "analyzer-error-secret-redaction"} {
		b, err := os.ReadFile("testdata/cortex/" + p + ".input.json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"dataType":"ip","data":"x","tlp":1e400}`))
	f.Add([]byte(`{"dataType":"ip","data":"x","config":{"proxy":{"http":"http://a:b@c"},"jobTimeout":-1}}`))
	f.Add([]byte(`{"dataType":"file","file":"../../etc/passwd","filename":"p"}`))
	f.Fuzz(func(t *testing.T, input []byte) {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), Spec{Manifest: testAnalyzer, Analyze: analyze},
			[]string{"w", "/nonexistent-job-dir"}, bytes.NewReader(input), &stdout, &stderr)
		var r map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatalf("stdout is not one JSON object: %v: %q", err, stdout.Bytes())
		}
		ok, isBool := r["success"].(bool)
		if !isBool || (ok && code != 0) || (!ok && code != 1) {
			t.Fatalf("success=%v exit=%d", r["success"], code)
		}
	})
}

func TestConfigFloats(t *testing.T) {
	t.Parallel()
	m := &manifests.Manifest{ConfigurationItems: []manifests.Item{
		{Name: "budgets", Type: "number", Multi: true, DefaultValue: []any{2000.0, 10000.0}},
	}}
	var values map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"budgets":[500, "750", 1e3]}`))
	dec.UseNumber() // as decodeInput reads Cortex's JSON
	if err := dec.Decode(&values); err != nil {
		t.Fatal(err)
	}
	if got := newConfig(values, m).Floats("budgets"); !reflect.DeepEqual(got, []float64{500, 750, 1000}) {
		t.Errorf("Floats from the job = %v", got)
	}
	if got := newConfig(nil, m).Floats("budgets"); !reflect.DeepEqual(got, []float64{2000, 10000}) {
		t.Errorf("Floats from the manifest default = %v", got)
	}
}

package cortextest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testPEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"

// TestRunProcessLikeCortex checks the job folder, command line, working directory, stdin and
// environment the worker sees, through what the fake worker reports of them.
func TestRunProcessLikeCortex(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	input := fakeInput(t, "good-analyzer", map[string]any{"cacerts": testPEM})
	run := RunProcess(t, bin, Job{
		Input:       input,
		Attachments: map[string][]byte{"attachment123": []byte("attached bytes")},
		Env:         []string{"FAKE_EXTRA=from-job"},
	})
	rep := run.Check(t, Analyzer)

	if !filepath.IsAbs(run.JobDir) || !strings.HasPrefix(filepath.Base(run.JobDir), "job-") {
		t.Errorf("job folder %q, want an absolute <tmp>/job-N", run.JobDir)
	}
	want := map[string]any{
		"cwd":        filepath.Dir(filepath.Dir(bin)),
		"stdin":      "",
		"ca_bundle":  filepath.Join(run.JobDir, "input", "cacerts"),
		"ca_text":    testPEM,
		"extra_env":  "from-job",
		"attachment": "",
	}
	if argv, _ := rep.Full["argv"].([]any); len(argv) != 2 || argv[0] != bin || argv[1] != run.JobDir {
		t.Errorf("argv %v, want [%s %s]", rep.Full["argv"], bin, run.JobDir)
	}
	for key, v := range want {
		if key != "attachment" && rep.Full[key] != v {
			t.Errorf("worker saw %s = %q, want %q", key, rep.Full[key], v)
		}
	}
	assertMode(t, filepath.Join(run.JobDir, "input"), 0o555|os.ModeDir)
	for _, name := range []string{"input.json", "attachment123", "cacerts"} {
		assertMode(t, filepath.Join(run.JobDir, "input", name), 0o444)
	}
	data, err := os.ReadFile(filepath.Join(run.JobDir, "input", "attachment123"))
	if err != nil || string(data) != "attached bytes" {
		t.Errorf("attachment holds %q (%v), want the job's bytes", data, err)
	}
}

func TestReportDecoded(t *testing.T) {
	t.Parallel()
	run := RunProcess(t, Build(t, fakeWorker), Job{Input: fakeInput(t, "good-analyzer", nil)})
	rep := run.Check(t, Analyzer)
	if !rep.Success || len(rep.Summary.Taxonomies) != 2 || rep.Summary.Taxonomies[1].Value != float64(7) {
		t.Fatalf("summary decoded as %+v", rep.Summary)
	}
	if len(rep.Artifacts) != 2 || rep.Artifacts[0].TLP != 2 || rep.Artifacts[0].Tags[0] != "x" || rep.Artifacts[1].TLP != -1 {
		t.Fatalf("artifacts decoded as %+v", rep.Artifacts)
	}
	if got, err := os.ReadFile(rep.Artifacts[1].Path); err != nil || string(got) != "extracted" {
		t.Errorf("file artifact path %q holds %q (%v)", rep.Artifacts[1].Path, got, err)
	}
	if len(rep.Operations) != 1 || rep.Operations[0].Type != "AddTagToArtifact" || rep.Operations[0].Fields["tag"] != "seen-by-fake" {
		t.Errorf("operations decoded as %+v", rep.Operations)
	}
	if rep.Full["ca_bundle"] != os.Getenv("REQUESTS_CA_BUNDLE") {
		t.Errorf("REQUESTS_CA_BUNDLE set to %q without cacerts", rep.Full["ca_bundle"])
	}
}

func TestCACertsOnlyWhenNonBlank(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	tests := []struct {
		name    string
		cacerts any
		want    bool
	}{
		{"pem", testPEM, true},
		{"null", nil, false},
		{"empty", "", false},
		{"blank", " \n\t", false},
		{"not_a_string", 42, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run := RunProcess(t, bin, Job{Input: fakeInput(t, "good-analyzer", map[string]any{"cacerts": tt.cacerts})})
			_, err := os.Stat(filepath.Join(run.JobDir, "input", "cacerts"))
			if got := err == nil; got != tt.want {
				t.Errorf("input/cacerts written: %v, want %v", got, tt.want)
			}
			bundle, _ := run.Check(t, Analyzer).Full["ca_bundle"].(string)
			if tt.want != strings.HasSuffix(bundle, filepath.Join("input", "cacerts")) {
				t.Errorf("REQUESTS_CA_BUNDLE %q with cacerts written: %v", bundle, tt.want)
			}
		})
	}
}

func TestRunStdin(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	run := RunStdin(t, bin, Job{Input: fakeInput(t, "good-analyzer", nil), Env: []string{"FAKE_EXTRA=stdin"}})
	rep := run.Check(t, Analyzer)
	if argv, _ := rep.Full["argv"].([]any); len(argv) != 1 {
		t.Errorf("argv %v, want the command alone", rep.Full["argv"])
	}
	if rep.Full["extra_env"] != "stdin" || run.OutputDir != "" || string(run.OutputJSON) != string(run.Stdout) {
		t.Errorf("stdin run: env %v, output dir %q", rep.Full["extra_env"], run.OutputDir)
	}
}

func TestTimeoutKills(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	start := time.Now()
	var run *Run
	rec := recording(t, func(tb testing.TB) {
		run = RunProcess(tb, bin, Job{Input: fakeInput(t, "sleep", nil), Timeout: 300 * time.Millisecond})
	})
	if took := time.Since(start); took > killGrace {
		t.Errorf("took %v, want the worker killed soon after 300ms", took)
	}
	assertRecorded(t, rec, "still running after 300ms: killed", false)
	if !run.TimedOut || run.ExitCode != -1 {
		t.Errorf("TimedOut %v, exit code %d; want true, -1", run.TimedOut, run.ExitCode)
	}
}

// TestWriteIntoInput: as a normal user the read-only modes stop the write; as root (most
// containers) they cannot, and the harness must notice the change instead.
func TestWriteIntoInput(t *testing.T) {
	t.Parallel()
	run := RunProcess(t, Build(t, fakeWorker), Job{Input: fakeInput(t, "write-input", nil)})
	if os.Geteuid() == 0 {
		rec := recording(t, func(tb testing.TB) { run.Check(tb, Analyzer) })
		assertRecorded(t, rec, "the worker wrote into input/ (created scratch)", false)
		return
	}
	rep := run.Check(t, Analyzer)
	if rep.Success || !strings.Contains(rep.ErrorMessage, "permission denied") {
		t.Errorf("write into input/ was not refused: %+v", rep)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	first, second := Build(t, fakeWorker), Build(t, fakeWorker)
	if first != second {
		t.Errorf("two builds of one package: %q and %q, want one cached build", first, second)
	}
	if !filepath.IsAbs(first) || !strings.HasSuffix(first, filepath.Join("analyzers", "fakeworker", "fakeworker")) {
		t.Errorf("binary at %q, want an absolute <tmp>/analyzers/fakeworker/fakeworker", first)
	}
	if info, err := os.Stat(first); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("binary %q is not an executable file: %v", first, err)
	}

	rec := recording(t, func(tb testing.TB) { Build(tb, "./shared/cortextest/testdata/no-such-worker") })
	assertRecorded(t, rec, "go build", true)
}

func TestBadAttachmentName(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	for _, name := range []string{"../escape", "sub/file", "input.json", "cacerts"} {
		rec := recording(t, func(tb testing.TB) {
			RunProcess(tb, bin, Job{Input: []byte("{}"), Attachments: map[string][]byte{name: nil}})
		})
		assertRecorded(t, rec, "attachment name", true)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Errorf("stat %s: %v", path, err)
		return
	}
	if got := info.Mode() & (os.ModeDir | os.ModePerm); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

// FuzzCheck feeds arbitrary bytes to the report parser and the rules: no panic, and whatever
// parses as a report decodes.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"full":{},"summary":{"taxonomies":[{"level":"info","namespace":"a","predicate":"b","value":1}]}}`,
		`{"success":true,"full":{},"summary":{},"artifacts":[{"dataType":"ip","data":"1","tlp":9,"tags":[1]},"x"]}`,
		`{"success":true,"full":{},"artifacts":[{"dataType":"file","file":"../x","filename":2}]}`,
		`{"success":true,"full":{},"operations":[{"type":"AddArtifactToCase","tlp":"2"},{"type":7},null]}`,
		`{"success":false,"errorMessage":"","input":[]}`,
		`{"success":"yes"}`, `[]`, `{} {}`, "\xff", `{"summary":{"taxonomies":{}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run := &Run{OutputJSON: data, stdinMode: true}
		doc, fatal := run.document()
		if fatal != "" {
			return
		}
		for _, kind := range []Kind{Analyzer, Responder} {
			run.problems(doc, kind)
		}
		if decodeLenient(data, "") == nil {
			t.Errorf("strict parse accepted %q but the lenient decode did not", data)
		}
	})
}

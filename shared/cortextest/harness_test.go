package cortextest

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const fakeWorker = "./shared/cortextest/testdata/fakeworker"

// recorder is a testing.TB that records failures instead of failing, so a test can assert that
// the harness fails where it should. Fatal ends the calling goroutine, as in testing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	msgs   []string
	fatal  bool
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
	r.failed = true
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fail()             { r.Errorf("Fail called") }
func (r *recorder) FailNow()          { r.Fatalf("FailNow called") }
func (r *recorder) Failed() bool      { return r.failed }

// recording runs fn with a recorder on its own goroutine and returns what was recorded.
func recording(t *testing.T, fn func(tb testing.TB)) *recorder {
	t.Helper()
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec
}

// fakeInput is an analyzer input.json selecting the fake worker's behaviour.
func fakeInput(t *testing.T, behaviour string, extraConfig map[string]any) []byte {
	t.Helper()
	config := map[string]any{"fake": behaviour}
	for k, v := range extraConfig {
		config[k] = v
	}
	in, err := json.Marshal(map[string]any{
		"data": "203.0.113.7", "dataType": "ip", "tlp": 2, "pap": 2, "message": "", "parameters": map[string]any{},
		"config": config,
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCheck(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	tests := []struct {
		name      string
		behaviour string
		stdin     bool
		kind      Kind
		want      string // "" for a clean report, else part of one recorded failure
		fatal     bool
	}{
		{"good_analyzer", "good-analyzer", false, Analyzer, "", false},
		{"good_analyzer_stdin", "good-analyzer", true, Analyzer, "", false},
		{"good_responder", "good-responder", false, Responder, "", false},
		{"good_error", "good-error", false, Analyzer, "", false},
		{"good_error_stdin", "good-error", true, Responder, "", false},
		{"logs_on_stdout_allowed", "stdout-logs", false, Analyzer, "", false},
		{"success_not_boolean", "success-string", false, Analyzer, "success is a string, want a JSON boolean", false},
		{"full_not_object", "full-not-object", false, Analyzer, "full is an array, want an object", false},
		{"full_missing", "no-full", false, Analyzer, "full is null or missing", false},
		{"summary_missing", "no-summary", false, Analyzer, "analyzer report has no summary", false},
		{"summary_not_object", "summary-not-object", false, Analyzer, "summary is a string", false},
		{"bad_level", "bad-level", false, Analyzer, `taxonomies[0].level is "high"`, false},
		{"namespace_not_string", "namespace-number", false, Analyzer, "taxonomies[0].namespace is a number", false},
		{"taxonomy_without_value", "taxonomy-no-value", false, Analyzer, "taxonomies[0].value is null", false},
		{"extra_artifact_key", "extra-artifact-key", false, Analyzer, `artifacts[0] has key "ioc"`, false},
		{"data_not_string", "data-not-string", false, Analyzer, "artifacts[0].data is a number", false},
		{"tlp_out_of_range", "tlp-out-of-range", false, Analyzer, "artifacts[0].tlp is 4", false},
		{"tlp_not_integer", "tlp-not-integer", false, Analyzer, "artifacts[0].tlp is 1.5", false},
		{"tags_not_strings", "tags-not-strings", false, Analyzer, "artifacts[0].tags is an array, want an array of strings", false},
		{"artifact_without_datatype", "no-datatype", false, Analyzer, "artifacts[0].dataType is null", false},
		{"artifact_not_object", "artifact-not-object", false, Analyzer, "artifacts[2] is a string", false},
		{"artifacts_not_array", "artifacts-not-array", false, Analyzer, "artifacts is an object, want an array", false},
		{"file_artifact_missing", "file-missing", false, Analyzer, `file "nope.bin" is not a regular file`, false},
		{"file_artifact_in_subfolder", "file-in-subdir", false, Analyzer, `file "sub/x.bin" is not directly in output/`, false},
		{"file_artifact_in_stdin_mode", "file-missing", true, Analyzer, "in stdin mode there is no output/", false},
		{"temp_file_left", "temp-file-left", false, Analyzer, "output/ holds .output.json.tmp", false},
		{"responder_with_artifacts", "good-analyzer", false, Responder, "responder report has artifacts", false},
		{"unknown_operation", "unknown-op", false, Analyzer, `operations[0].type is "DeleteCase"`, false},
		{"operation_missing_field", "op-missing-field", false, Analyzer, "(AddTagToCase).tag is null or missing", false},
		{"operation_field_wrong_type", "op-wrong-field-type", false, Analyzer, "(AddArtifactToCase).tlp is a string", false},
		{"operation_not_object", "op-not-object", false, Responder, "operations[0] is a string", false},
		{"error_without_message", "error-no-message", false, Analyzer, "errorMessage is a string, want a non-empty string", false},
		{"error_input_not_object", "error-input-not-object", false, Analyzer, "input is a string", false},
		{"exit_0_after_error", "exit0-after-error", false, Analyzer, "exit code 0 after an error report, want 1", false},
		{"exit_1_after_success", "exit1-after-success", false, Analyzer, "exit code 1 after a success report, want 0", false},
		{"junk_on_stdout", "stdout-junk", false, Analyzer, "stdout line 1 is not a log line", false},
		{"report_on_stdout", "stdout-report", false, Analyzer, "stdout line 1 is not a log line", false},
		{"junk_on_stdout_stdin", "stdout-junk", true, Analyzer, "stdout is not JSON", true},
		{"two_documents_stdin", "two-documents", true, Analyzer, "stdout holds more than one JSON document", true},
		{"two_documents", "two-documents", false, Analyzer, "output.json holds more than one JSON document", true},
		{"not_json", "not-json", false, Analyzer, "output/output.json is not JSON", true},
		{"not_utf8", "not-utf8", false, Analyzer, "not valid UTF-8", true},
		{"no_output", "no-output", false, Analyzer, "no report in output/output.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			job := Job{Input: fakeInput(t, tt.behaviour, nil)}
			var run *Run
			if tt.stdin {
				run = RunStdin(t, bin, job)
			} else {
				run = RunProcess(t, bin, job)
			}
			rec := recording(t, func(tb testing.TB) { run.Check(tb, tt.kind) })
			assertRecorded(t, rec, tt.want, tt.fatal)
		})
	}
}

// assertRecorded checks that rec holds no failure when want is "", else one containing want.
func assertRecorded(t *testing.T, rec *recorder, want string, fatal bool) {
	t.Helper()
	if want == "" {
		if len(rec.msgs) > 0 {
			t.Fatalf("harness failed a good run:\n%s", strings.Join(rec.msgs, "\n"))
		}
		return
	}
	found := false
	for _, m := range rec.msgs {
		found = found || strings.Contains(m, want)
	}
	if !found {
		t.Errorf("harness did not report %q; it reported:\n%s", want, strings.Join(rec.msgs, "\n"))
	}
	if rec.fatal != fatal {
		t.Errorf("fatal = %v, want %v", rec.fatal, fatal)
	}
}

func TestCheckOperationsFor(t *testing.T) {
	t.Parallel()
	bin := Build(t, fakeWorker)
	tests := []struct {
		name, behaviour, entity, want string
		fatal                         bool
	}{
		{"tag_artifact_on_observable", "good-analyzer", "thehive:case_artifact", "", false},
		{"tag_artifact_on_case", "good-analyzer", "thehive:case", "AddTagToArtifact does not apply to thehive:case", false},
		{"alert_ops_on_alert", "ops-for-alert", "thehive:alert", "", false},
		{"alert_ops_on_case", "ops-for-alert", "thehive:case", "AddTagToAlert does not apply to thehive:case", false},
		{"case_ops_on_observable", "ops-for-case", "thehive:case_artifact", "", false},
		{"case_ops_on_task", "ops-for-case", "thehive:case_task", "", false},
		{"case_ops_on_alert", "ops-for-case", "thehive:alert", "AddArtifactToCase does not apply to thehive:alert", false},
		{"task_log_ops_on_task_log", "ops-for-task-log", "thehive:case_task_log", "", false},
		{"task_log_ops_on_task", "ops-for-task-log", "thehive:case_task", "CloseTask does not apply to thehive:case_task", false},
		{"unknown_type", "unknown-op", "thehive:case", `"DeleteCase" is not an operation`, false},
		{"unknown_entity", "good-analyzer", "thehive:observable", "unknown entity type", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run := RunProcess(t, bin, Job{Input: fakeInput(t, tt.behaviour, nil)})
			rec := recording(t, func(tb testing.TB) { run.CheckOperationsFor(tb, tt.entity) })
			assertRecorded(t, rec, tt.want, tt.fatal)
		})
	}
}

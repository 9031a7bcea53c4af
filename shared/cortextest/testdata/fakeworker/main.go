// Command fakeworker is a stand-in Cortex worker for the cortextest package's own tests. The
// input's config.fake names a behaviour, good or faulty, that the harness must accept or catch.
// In process mode (a job folder argument) it reads input/input.json and writes
// output/output.json; in stdin mode it reads stdin and writes the report to stdout.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// worker is one run's context.
type worker struct {
	jobDir string // "" in stdin mode
	input  map[string]any
	stdin  []byte // what stdin held in process mode (Cortex closes it)
}

func main() {
	os.Exit(run())
}

func run() int {
	w := &worker{}
	var raw []byte
	var err error
	if len(os.Args) > 1 {
		w.jobDir = os.Args[1]
		raw, err = os.ReadFile(filepath.Join(w.jobDir, "input", "input.json"))
		w.stdin, _ = io.ReadAll(os.Stdin)
	} else {
		raw, err = io.ReadAll(os.Stdin)
	}
	if err == nil {
		err = json.Unmarshal(raw, &w.input)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeworker: read input:", err)
		return 2
	}
	config, _ := w.input["config"].(map[string]any)
	behaviour, _ := config["fake"].(string)
	return w.behave(behaviour)
}

// behave writes the report for behaviour and returns the exit code.
func (w *worker) behave(behaviour string) int {
	rep := w.goodAnalyzer()
	switch behaviour {
	case "good-analyzer":
	case "good-responder":
		rep = map[string]any{"success": true, "full": map[string]any{"done": true},
			"operations": []any{map[string]any{"type": "AddTagToCase", "tag": "handled"}}}
	case "good-error":
		return w.write(errorReport(w.input, "something was wrong with the input"), 1)
	case "exit0-after-error":
		return w.write(errorReport(w.input, "something was wrong"), 0)
	case "exit1-after-success":
		return w.write(rep, 1)
	case "write-input":
		if err := os.WriteFile(filepath.Join(w.jobDir, "input", "scratch"), []byte("x"), 0o644); err != nil {
			return w.write(errorReport(w.input, "write input: "+err.Error()), 1)
		}
	case "sleep":
		time.Sleep(time.Minute)
	case "no-output":
		fmt.Println("fakeworker: crashed before writing a report")
		return 1
	default:
		if code, done := w.faulty(behaviour, rep); done {
			return code
		}
	}
	return w.write(rep, 0)
}

// faulty applies the faults that only change the report or the files around it.
func (w *worker) faulty(behaviour string, rep map[string]any) (int, bool) {
	if mutate, ok := reportFaults[behaviour]; ok {
		mutate(rep)
		return 0, false
	}
	switch behaviour {
	case "not-json":
		return w.writeRaw([]byte(`{"success": true, "full": {`), 0), true
	case "not-utf8":
		return w.writeRaw([]byte("{\"success\": true, \"full\": {\"x\": \"\xff\"}, \"summary\": {}}"), 0), true
	case "two-documents":
		b, _ := json.Marshal(rep)
		return w.writeRaw(append(append(b, '\n'), b...), 0), true
	case "stdout-junk":
		fmt.Println("hello from the worker")
	case "stdout-logs":
		fmt.Println(`{"time":"2024-01-01T00:00:00Z","level":"INFO","msg":"job started","worker":"fake"}`)
		fmt.Println(`time=2024-01-01T00:00:00Z level=INFO msg="job done"`)
	case "stdout-report":
		b, _ := json.Marshal(rep)
		fmt.Println(string(b))
	case "temp-file-left":
		os.WriteFile(filepath.Join(w.jobDir, "output", ".output.json.tmp"), []byte("{}"), 0o644)
	case "file-in-subdir":
		os.MkdirAll(filepath.Join(w.jobDir, "output", "sub"), 0o755)
		os.WriteFile(filepath.Join(w.jobDir, "output", "sub", "x.bin"), []byte("x"), 0o444)
		rep["artifacts"] = []any{map[string]any{"dataType": "file", "file": "sub/x.bin", "filename": "x.bin"}}
	default:
		fmt.Fprintf(os.Stderr, "fakeworker: unknown behaviour %q\n", behaviour)
		return 2, true
	}
	return 0, false
}

// reportFaults break one rule of the report.
var reportFaults = map[string]func(map[string]any){
	"success-string":     func(r map[string]any) { r["success"] = "true" },
	"full-not-object":    func(r map[string]any) { r["full"] = []any{} },
	"no-full":            func(r map[string]any) { delete(r, "full") },
	"no-summary":         func(r map[string]any) { delete(r, "summary") },
	"summary-not-object": func(r map[string]any) { r["summary"] = "clean" },
	"bad-level":          func(r map[string]any) { taxonomy(r)["level"] = "high" },
	"namespace-number":   func(r map[string]any) { taxonomy(r)["namespace"] = 7 },
	"taxonomy-no-value":  func(r map[string]any) { delete(taxonomy(r), "value") },
	"extra-artifact-key": func(r map[string]any) { artifact(r)["ioc"] = true },
	"data-not-string":    func(r map[string]any) { artifact(r)["data"] = 42 },
	"tlp-out-of-range":   func(r map[string]any) { artifact(r)["tlp"] = 4 },
	"tlp-not-integer":    func(r map[string]any) { artifact(r)["tlp"] = 1.5 },
	"tags-not-strings":   func(r map[string]any) { artifact(r)["tags"] = []any{1} },
	"no-datatype":        func(r map[string]any) { delete(artifact(r), "dataType") },
	"artifact-not-object": func(r map[string]any) {
		r["artifacts"] = append(r["artifacts"].([]any), "203.0.113.9")
	},
	"artifacts-not-array": func(r map[string]any) { r["artifacts"] = map[string]any{} },
	"file-missing": func(r map[string]any) {
		r["artifacts"] = []any{map[string]any{"dataType": "file", "file": "nope.bin", "filename": "nope.bin"}}
	},
	"unknown-op":          func(r map[string]any) { r["operations"] = []any{map[string]any{"type": "DeleteCase"}} },
	"op-missing-field":    func(r map[string]any) { r["operations"] = []any{map[string]any{"type": "AddTagToCase"}} },
	"op-wrong-field-type": func(r map[string]any) { r["operations"] = []any{addArtifactOp("2")} },
	"op-not-object":       func(r map[string]any) { r["operations"] = []any{"AddTagToCase"} },
	"ops-for-alert": func(r map[string]any) {
		r["operations"] = []any{map[string]any{"type": "AddTagToAlert", "tag": "x"}, map[string]any{"type": "MarkAlertAsRead"}}
	},
	"ops-for-case": func(r map[string]any) {
		r["operations"] = []any{
			map[string]any{"type": "AddTagToCase", "tag": "x"}, addArtifactOp(2),
			map[string]any{"type": "CreateTask", "title": "t", "description": "d"},
			map[string]any{"type": "AddCustomFields", "name": "n", "tpe": "string", "value": "v"},
			map[string]any{"type": "AssignCase", "owner": "analyst"},
		}
	},
	"ops-for-task-log": func(r map[string]any) {
		r["operations"] = []any{map[string]any{"type": "CloseTask"}, map[string]any{"type": "AddLogToTask", "content": "done"}}
	},
	"error-no-message": func(r map[string]any) { r["success"], r["errorMessage"] = false, "" },
	"error-input-not-object": func(r map[string]any) {
		r["success"], r["errorMessage"], r["input"] = false, "bad", "x"
	},
}

func addArtifactOp(tlp any) map[string]any {
	return map[string]any{"type": "AddArtifactToCase", "data": "203.0.113.7", "dataType": "ip", "message": "m", "tlp": tlp}
}

func taxonomy(r map[string]any) map[string]any {
	return r["summary"].(map[string]any)["taxonomies"].([]any)[0].(map[string]any)
}

func artifact(r map[string]any) map[string]any {
	return r["artifacts"].([]any)[0].(map[string]any)
}

// goodAnalyzer is a report Cortex accepts, with what the worker saw of its environment in full.
func (w *worker) goodAnalyzer() map[string]any {
	cwd, _ := os.Getwd()
	full := map[string]any{
		"argv": os.Args, "cwd": cwd, "stdin": string(w.stdin),
		"ca_bundle": os.Getenv("REQUESTS_CA_BUNDLE"), "extra_env": os.Getenv("FAKE_EXTRA"),
	}
	if ca, err := os.ReadFile(os.Getenv("REQUESTS_CA_BUNDLE")); err == nil {
		full["ca_text"] = string(ca)
	}
	artifacts := []any{map[string]any{"dataType": "ip", "data": "203.0.113.7", "tags": []any{"x"}, "tlp": 2, "message": "seen"}}
	if file, _ := w.input["file"].(string); file != "" && w.jobDir != "" {
		data, _ := os.ReadFile(filepath.Join(w.jobDir, "input", file))
		full["attachment"] = string(data)
	}
	if w.jobDir != "" {
		artifacts = append(artifacts, map[string]any{
			"dataType": "file", "file": "report.txt", "filename": "report.txt", "contentType": "text/plain",
		})
	}
	return map[string]any{
		"success": true,
		"summary": map[string]any{"taxonomies": []any{
			map[string]any{"level": "info", "namespace": "Fake", "predicate": "Check", "value": "ok"},
			map[string]any{"level": "malicious", "namespace": "Fake", "predicate": "Score", "value": 7},
		}},
		"artifacts":  artifacts,
		"operations": []any{map[string]any{"type": "AddTagToArtifact", "tag": "seen-by-fake"}},
		"full":       full,
	}
}

func errorReport(input map[string]any, msg string) map[string]any {
	return map[string]any{"success": false, "input": input, "errorMessage": msg}
}

func (w *worker) write(rep map[string]any, code int) int {
	for _, a := range asList(rep["artifacts"]) {
		if obj, _ := a.(map[string]any); obj["file"] == "report.txt" {
			os.WriteFile(filepath.Join(w.jobDir, "output", "report.txt"), []byte("extracted"), 0o444)
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeworker:", err)
		return 2
	}
	return w.writeRaw(b, code)
}

func (w *worker) writeRaw(b []byte, code int) int {
	if w.jobDir == "" {
		os.Stdout.Write(b)
		return code
	}
	if err := os.WriteFile(filepath.Join(w.jobDir, "output", "output.json"), b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "fakeworker:", err)
		return 2
	}
	return code
}

func asList(v any) []any {
	list, _ := v.([]any)
	return list
}

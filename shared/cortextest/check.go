package cortextest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// Check validates the report as Cortex 4.1 and TheHive 4 would read it for a worker of kind
// and returns it decoded. Each problem is reported with t.Errorf, so a test sees all of them;
// t.Fatalf when there is no report to read at all.
func (r *Run) Check(t testing.TB, kind Kind) *Report {
	t.Helper()
	if kind != Analyzer && kind != Responder {
		t.Fatalf("cortextest: Check: unknown kind %d", kind)
	}
	doc, fatal := r.document()
	if fatal != "" {
		t.Fatalf("cortextest: %s (exit code %d, stderr: %s)", fatal, r.ExitCode, tail(r.Stderr))
	}
	for _, p := range r.problems(doc, kind) {
		t.Errorf("cortextest: %s", p)
	}
	return r.Report
}

// document parses the report strictly: UTF-8, exactly one JSON object, numbers kept exact.
func (r *Run) document() (map[string]any, string) {
	where := "output/output.json"
	if r.stdinMode {
		where = "stdout"
	}
	if r.outputErr != nil {
		return nil, fmt.Sprintf("read %s: %v", where, r.outputErr)
	}
	if len(bytes.TrimSpace(r.OutputJSON)) == 0 {
		return nil, fmt.Sprintf("no report in %s: Cortex would report the captured output as the error", where)
	}
	if !utf8.Valid(r.OutputJSON) {
		return nil, fmt.Sprintf("%s is not valid UTF-8", where)
	}
	dec := json.NewDecoder(bytes.NewReader(r.OutputJSON))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Sprintf("%s is not JSON: %v", where, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Sprintf("%s holds more than one JSON document", where)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("%s is %s, not a JSON object", where, describe(v))
	}
	return doc, ""
}

// problems lists everything Cortex or TheHive would reject or silently drop.
func (r *Run) problems(doc map[string]any, kind Kind) []string {
	var ps []string
	success, ok := doc["success"].(bool)
	if !ok {
		ps = append(ps, fmt.Sprintf("success is %s, want a JSON boolean", describe(doc["success"])))
	} else if success {
		ps = append(ps, checkSuccess(doc, kind, r.OutputDir)...)
	} else {
		ps = append(ps, checkFailure(doc)...)
	}
	if ok && success && r.ExitCode != 0 {
		ps = append(ps, fmt.Sprintf("exit code %d after a success report, want 0", r.ExitCode))
	}
	if ok && !success && r.ExitCode != 1 {
		ps = append(ps, fmt.Sprintf("exit code %d after an error report, want 1", r.ExitCode))
	}
	for _, change := range r.inputModified {
		ps = append(ps, "the worker wrote into input/ ("+change+"); Kubernetes mounts it read-only")
	}
	if !r.stdinMode {
		ps = append(ps, checkStdoutIsLogs(r.Stdout)...)
		ps = append(ps, checkOutputDir(r.OutputDir, doc)...)
	}
	return ps
}

func checkFailure(doc map[string]any) []string {
	var ps []string
	if msg, ok := doc["errorMessage"].(string); !ok || strings.TrimSpace(msg) == "" {
		ps = append(ps, fmt.Sprintf("error report: errorMessage is %s, want a non-empty string", describe(doc["errorMessage"])))
	}
	if _, ok := doc["input"].(map[string]any); !ok {
		ps = append(ps, fmt.Sprintf("error report: input is %s, want the input echo as an object", describe(doc["input"])))
	}
	return ps
}

func checkSuccess(doc map[string]any, kind Kind, outputDir string) []string {
	var ps []string
	if _, ok := doc["full"].(map[string]any); !ok {
		ps = append(ps, fmt.Sprintf("full is %s, want an object: Cortex's report parsing throws", describe(doc["full"])))
	}
	summary, present := doc["summary"]
	switch {
	case !present && kind == Analyzer:
		ps = append(ps, "analyzer report has no summary object")
	case present:
		ps = append(ps, checkSummary(summary)...)
	}
	if artifacts, present := doc["artifacts"]; present {
		if kind == Responder && len(asList(artifacts)) > 0 {
			ps = append(ps, "responder report has artifacts, which Cortex ignores")
		}
		ps = append(ps, checkList("artifacts", artifacts, func(i int, a map[string]any) []string {
			return checkArtifact(i, a, outputDir)
		})...)
	}
	if ops, present := doc["operations"]; present {
		ps = append(ps, checkList("operations", ops, checkOperation)...)
	}
	return ps
}

func checkSummary(v any) []string {
	summary, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("summary is %s, want an object", describe(v))}
	}
	taxonomies, present := summary["taxonomies"]
	if !present {
		return nil
	}
	return checkList("summary.taxonomies", taxonomies, checkTaxonomy)
}

// checkList checks that v is an array of objects, one non-object voiding the whole array in
// Cortex, and runs each through check.
func checkList(name string, v any, check func(int, map[string]any) []string) []string {
	list, ok := v.([]any)
	if !ok {
		return []string{fmt.Sprintf("%s is %s, want an array", name, describe(v))}
	}
	var ps []string
	for i, e := range list {
		obj, ok := e.(map[string]any)
		if !ok {
			ps = append(ps, fmt.Sprintf("%s[%d] is %s, want an object: Cortex drops the whole array", name, i, describe(e)))
			continue
		}
		ps = append(ps, check(i, obj)...)
	}
	return ps
}

var levels = map[string]bool{"info": true, "safe": true, "suspicious": true, "malicious": true}

func checkTaxonomy(i int, tax map[string]any) []string {
	var ps []string
	if level, _ := tax["level"].(string); !levels[level] {
		ps = append(ps, fmt.Sprintf("summary.taxonomies[%d].level is %s, want info, safe, suspicious or malicious",
			i, describeValue(tax["level"])))
	}
	for _, key := range []string{"namespace", "predicate"} {
		if _, ok := tax[key].(string); !ok {
			ps = append(ps, fmt.Sprintf("summary.taxonomies[%d].%s is %s, want a string", i, key, describe(tax[key])))
		}
	}
	switch tax["value"].(type) {
	case string, json.Number, bool:
	default:
		ps = append(ps, fmt.Sprintf("summary.taxonomies[%d].value is %s, want a string, number or boolean",
			i, describe(tax["value"])))
	}
	return ps
}

// stdLogLine matches the standard log package's default prefix.
var stdLogLine = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `)

// checkStdoutIsLogs allows on stdout only lines that look like log records (slog JSON or text,
// or the log package's default); in process mode the report belongs in output.json.
func checkStdoutIsLogs(stdout []byte) []string {
	var ps []string
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || isLogLine(line) {
			continue
		}
		ps = append(ps, fmt.Sprintf(
			"stdout line %d is not a log line (in process mode the report goes to output.json): %.120q", n, line))
		if len(ps) == 3 {
			break
		}
	}
	return ps
}

func isLogLine(line string) bool {
	var rec map[string]any
	if json.Unmarshal([]byte(line), &rec) == nil {
		_, hasLevel := rec["level"]
		_, hasMsg := rec["msg"]
		return hasLevel && hasMsg
	}
	if strings.Contains(line, "level=") && strings.Contains(line, "msg=") {
		return true
	}
	return stdLogLine.MatchString(line)
}

// checkOutputDir finds what a worker left in output/ besides output.json and the files its
// artifacts reference: temporary files of a write that was not done once, or subfolders.
func checkOutputDir(outputDir string, doc map[string]any) []string {
	entries, err := os.ReadDir(outputDir)
	if err != nil {
		return []string{fmt.Sprintf("read output/: %v", err)}
	}
	referenced := map[string]bool{"output.json": true}
	for _, a := range asList(doc["artifacts"]) {
		if obj, ok := a.(map[string]any); ok {
			if file, ok := obj["file"].(string); ok {
				referenced[file] = true
			}
		}
	}
	var stray []string
	for _, e := range entries {
		if !referenced[e.Name()] || e.IsDir() {
			stray = append(stray, e.Name())
		}
	}
	if len(stray) == 0 {
		return nil
	}
	sort.Strings(stray)
	return []string{fmt.Sprintf("output/ holds %s, which no artifact references (left-over temporary files?)",
		strings.Join(stray, ", "))}
}

// Command fakeworker stands in for the SOCCRATES workers in the suite's tests. It follows the Cortex
// job-folder contract and answers as the worker it is named after (AttackDetection, AttackGraph,
// BusinessImpact, CourseOfAction, ResponsePlanner, OpenC2), with report shapes like the real ones. The job's config steers it:
//
//	"fake": "fail" | "garbled" | "none" | "noisy"   failure report, broken JSON, no report, 100 KB of log
//	"level": "safe"                                  taxonomy level of an analyzer (default malicious)
//	"full": {...}                                    the report's full object, replacing the default
//	"fail_on": "x"                                   a responder fails for the observable x
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type input struct {
	Data     json.RawMessage `json:"data"`
	File     string          `json:"file"`
	DataType string          `json:"dataType"`
	Config   struct {
		Fake   string         `json:"fake"`
		Level  string         `json:"level"`
		Full   map[string]any `json:"full"`
		FailOn string         `json:"fail_on"`
	} `json:"config"`
}

func main() {
	dir := os.Args[1]
	// Reading stdin shows that the suite gives workers /dev/null: a pipe left open would hang here.
	stdin, _ := io.ReadAll(os.Stdin)
	b, err := os.ReadFile(filepath.Join(dir, "input", "input.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var in input
	if err := json.Unmarshal(b, &in); err != nil {
		fail(dir, "bad input: "+err.Error())
	}
	fmt.Fprintf(os.Stderr, "fakeworker %s: %s job\n", filepath.Base(os.Args[0]), in.DataType)
	switch in.Config.Fake {
	case "fail":
		fail(dir, "fake failure")
	case "garbled":
		write(dir, []byte("{not json"))
		return
	case "none":
		return
	case "noisy":
		fmt.Print(strings.Repeat("x", 100_000))
	}
	full := in.Config.Full
	if full == nil {
		full = defaultFull(filepath.Base(os.Args[0]), in, dir)
	}
	full["stdin_bytes"] = len(stdin)
	report := map[string]any{"success": true, "full": full, "artifacts": []any{}, "operations": []any{}}
	if in.Config.Level != "-" {
		level := in.Config.Level
		if level == "" {
			level = "malicious"
		}
		report["summary"] = map[string]any{"taxonomies": []any{
			map[string]any{"level": "info", "namespace": "Fake", "predicate": "Info", "value": 1},
			map[string]any{"level": level, "namespace": "Fake", "predicate": "Level", "value": level},
		}}
	}
	out, _ := json.Marshal(report)
	write(dir, out)
}

func defaultFull(name string, in input, dir string) map[string]any {
	switch name {
	case "AttackDetection":
		return map[string]any{"victims": []any{
			map[string]any{"ip": "10.0.0.5", "attackers": []any{"203.0.113.9", "198.51.100.7"},
				"stage":  map[string]any{"id": "TA0008", "shortname": "lateral-movement", "name": "Lateral Movement", "order": 9},
				"stages": []any{map[string]any{"tactic": map[string]any{"shortname": "discovery"}}, "lateral-movement"}},
			map[string]any{"ip": "10.0.0.7", "attackers": []any{"203.0.113.9"},
				"stage": map[string]any{"id": "TA0007", "shortname": "discovery", "name": "Discovery", "order": 8}},
		}, "attackers": []any{"203.0.113.9", "198.51.100.7"}, "attachment_bytes": attachmentSize(dir, in.File)}
	case "AttackGraph":
		return map[string]any{"mode": "onward", "entries": []any{"host:" + observable(in) + ".fullAccess"},
			"samples": 100, "horizon_days": 30, "targets": []any{
				map[string]any{"host": "10.0.0.9", "step": "data:10.0.0.9.read", "probability": 0.75, "ttc_p50": 1.25,
					"path_hosts": []any{observable(in), "10.0.0.9"}},
			}}
	case "BusinessImpact":
		return map[string]any{"observable": observable(in), "currency": "EUR", "horizon_hours": 24,
			"aspects": []any{"availability"}, "assets": []any{map[string]any{"name": "Web server", "type": "Node"}},
			"processes": []any{map[string]any{"name": "Sell tickets", "type": "BusinessProcess", "criticality": 4,
				"loss_per_hour": 1000, "loss": 24000, "path_text": "Web server (Node) -[Serving]-> Sell tickets (BusinessProcess)"}},
			"total_loss_per_hour": 1000, "total_loss": 24000}
	case "CourseOfAction":
		return map[string]any{"metric": "ttc", "currency": "EUR", "screen_samples": 200, "final_samples": 1000,
			"before": map[string]any{"score": 20.5, "targets": []any{}}, "unpriced_defences": 3, "dropped_candidates": 0,
			"candidates": []any{map[string]any{"defence": "rule:dmz->servers:5432/tcp.restricted", "kind": "ConnectionRule.restricted"}},
			"proposals": []any{map[string]any{"budget": 2000, "method": "exact",
				"defences": []any{"rule:dmz->servers:5432/tcp.restricted"},
				"changes":  []any{"Restrict the firewall between zones: deny 5432/tcp from dmz to servers."},
				"cost":     500, "days_to_deploy": 1, "after": map[string]any{"score": 27.75, "targets": []any{}}, "gain": 7.25}},
			"simulation_runs": 12, "duration": "5ms"}
	case "ResponsePlanner":
		var victim any
		_ = json.Unmarshal(in.Data, &victim)
		return map[string]any{"victim": victim, "coas": []any{
			map[string]any{"id": "coa-1", "kind": "deny_attacker", "title": "Deny 203.0.113.9", "rationale": "attacker",
				"targets": []any{"203.0.113.9"}, "openc2": []any{map[string]any{"action": "deny"}}},
		}, "deny_addresses": []any{"203.0.113.9", "198.51.100.7"}, "block_names": []any{},
			"playbook": map[string]any{"type": "playbook", "spec_version": "cacao-2.0", "id": "playbook--fake"}}
	}
	var artifact struct{ Data string }
	_ = json.Unmarshal(in.Data, &artifact)
	if in.Config.FailOn != "" && artifact.Data == in.Config.FailOn {
		fail(dir, "refused "+artifact.Data)
	}
	return map[string]any{"mode": "dry-run", "commands": []any{map[string]any{"action": "deny", "target": artifact.Data}},
		"nft": []any{"add rule inet soccrates deny ip saddr " + artifact.Data + " drop"}, "refused": []any{}}
}

// observable is an analyzer job's observable as text ("" when it is not a string).
func observable(in input) string {
	var data string
	_ = json.Unmarshal(in.Data, &data)
	return data
}

func attachmentSize(dir, file string) int {
	if file == "" {
		return -1
	}
	st, err := os.Stat(filepath.Join(dir, "input", file))
	if err != nil {
		return -1
	}
	return int(st.Size())
}

func fail(dir, msg string) {
	out, _ := json.Marshal(map[string]any{"success": false, "errorMessage": msg, "input": map[string]any{}})
	write(dir, out)
	os.Exit(1)
}

func write(dir string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, "output", "output.json"), b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

package suite

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// The job folders of a UC1 run inside its work folder, as the UC1 process names them.
const (
	detectDir  = "detect"
	graphDir   = "graph"
	impactDir  = "impact"
	coaDir     = "coa"
	planDir    = "plan"
	respondDir = "respond"
)

func (s *suite) summaryCmd(c *cli.Context) error {
	if err := usageError(c, 1); err != nil {
		return err
	}
	workDir := c.Args().First()
	w := s.cfg.Stdout
	fmt.Fprintf(w, "SOCCRATES UC1 run in %s\n\n", workDir)
	summariseDetect(w, filepath.Join(workDir, detectDir))
	summariseGraph(w, filepath.Join(workDir, graphDir))
	summariseImpact(w, filepath.Join(workDir, impactDir))
	summariseCoA(w, filepath.Join(workDir, coaDir))
	if err := summarisePlan(w, workDir); err != nil {
		return &exitError{code: ExitStep, err: fmt.Errorf("summary: %w", err)}
	}
	summariseRespond(w, filepath.Join(workDir, respondDir))
	return nil
}

// sectionReport prints a section heading and returns the job's success report, or nil after saying why
// there is none.
func sectionReport(w io.Writer, title, dir string) *report {
	fmt.Fprintf(w, "%s  (%s)\n", title, reportFile(dir))
	r, err := readReport(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintln(w, "  not run")
		return nil
	case err != nil:
		fmt.Fprintf(w, "  unreadable: %v\n", err)
		return nil
	case !r.success:
		fmt.Fprintf(w, "  failed: %s\n", r.errorMessage)
		return nil
	}
	return r
}

// summaryVictims is how many victims the summary lists; the report holds them all.
const summaryVictims = 8

func summariseDetect(w io.Writer, dir string) {
	r := sectionReport(w, "Detection (AttackDetection)", dir)
	if r == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "  level: %s\n", analyzerToken(r))
	if line, ok := r.full["summary"].(string); ok && line != "" {
		fmt.Fprintf(w, "  %s\n", line)
	}
	victims, ok := r.full["victims"].([]any)
	omitted, _ := strconv.Atoi(text(r.full["victims_omitted"]))
	if !ok {
		fmt.Fprintln(w, `  the report has no "victims" list`)
	}
	if ok && len(victims) == 0 {
		fmt.Fprintln(w, "  no victim hosts found")
	}
	for i, v := range victims {
		if i == summaryVictims {
			fmt.Fprintf(w, "  ... %d more victims in the report", len(victims)-i)
			if omitted > 0 {
				fmt.Fprintf(w, ", and %d more victims the report leaves out (max_victims)", omitted)
			}
			fmt.Fprintln(w)
			break
		}
		summariseVictim(w, v)
	}
	fmt.Fprintln(w)
}

func summariseVictim(w io.Writer, v any) {
	stage := field(v, "stage")
	fmt.Fprintf(w, "  victim %s: reached %s (%s, order %s)\n", text(field(v, "ip")),
		text(field(stage, "shortname")), text(field(stage, "name")), text(field(stage, "order")))
	if attackers := texts(field(v, "attackers")); len(attackers) > 0 {
		fmt.Fprintf(w, "    attackers: %s\n", strings.Join(attackers, ", "))
	}
	var stages []string
	list, _ := field(v, "stages").([]any)
	for _, st := range list {
		stages = append(stages, stageName(st))
	}
	if len(stages) > 0 {
		fmt.Fprintf(w, "    stages: %s\n", strings.Join(stages, " > "))
	}
}

// stageName names one entry of a victim's stage list: a tactic object, an entry holding one, or a
// plain name.
func stageName(st any) string {
	for _, path := range []string{"tactic.shortname", "shortname"} {
		if v := field(st, path); v != nil {
			return text(v)
		}
	}
	return text(st)
}

// summarisePlan prints the courses of action and writes the CACAO playbook to <workDir>/playbook.json.
func summarisePlan(w io.Writer, workDir string) error {
	r := sectionReport(w, "Plan (ResponsePlanner)", filepath.Join(workDir, planDir))
	if r == nil {
		fmt.Fprintln(w)
		return nil
	}
	coas, ok := r.full["coas"].([]any)
	if !ok {
		fmt.Fprintln(w, `  the report has no "coas" list`)
	}
	summariseRORI(w, r.full["rori"])
	summariseCoAs(w, coas)
	fmt.Fprintf(w, "  deny addresses: %s\n", listLine(r.full["deny_addresses"]))
	fmt.Fprintf(w, "  block names: %s\n", listLine(r.full["block_names"]))
	for _, ref := range texts(r.full["refused"]) {
		fmt.Fprintf(w, "  refused: %s\n", ref)
	}
	pb, ok := r.full["playbook"].(map[string]any)
	if !ok {
		fmt.Fprintf(w, "  the report has no CACAO playbook\n\n")
		return nil
	}
	b, err := json.MarshalIndent(pb, "", "  ")
	if err != nil {
		return fmt.Errorf("encode playbook: %v", err)
	}
	path := filepath.Join(workDir, "playbook.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write playbook: %w", err)
	}
	fmt.Fprintf(w, "  CACAO playbook: %s\n\n", path)
	return nil
}

// summariseCoAs prints the courses of action in the order of their rank (by RORI when the planner
// computed it), each with its RORI inputs, rationale and targets.
func summariseCoAs(w io.Writer, coas []any) {
	for _, c := range rankedCoAs(coas) {
		rank := ""
		if field(c, "rank") != nil {
			rank = "#" + text(field(c, "rank")) + " "
		}
		fmt.Fprintf(w, "  CoA %s%s [%s] %s\n", rank, text(field(c, "id")), text(field(c, "kind")), text(field(c, "title")))
		summariseCoARORI(w, c)
		fmt.Fprintf(w, "      why: %s\n", text(field(c, "rationale")))
		fmt.Fprintf(w, "      targets: %s\n", strings.Join(texts(field(c, "targets")), ", "))
	}
}

// summariseRespond covers both layouts of a respond step: one job in the folder, or one per list
// element in numbered sub-folders.
func summariseRespond(w io.Writer, dir string) {
	if _, err := os.Stat(reportFile(dir)); err == nil {
		summariseResponse(w, "Response (OpenC2)", dir)
		return
	}
	var found bool
	for i := 1; ; i++ {
		sub := filepath.Join(dir, strconv.Itoa(i))
		if _, err := os.Stat(sub); err != nil {
			break
		}
		found = true
		summariseResponse(w, fmt.Sprintf("Response %d (OpenC2)", i), sub)
	}
	if !found {
		fmt.Fprintf(w, "Response (OpenC2)  (%s)\n  not run\n", dir)
	}
}

func summariseResponse(w io.Writer, title, dir string) {
	if in, err := os.ReadFile(filepath.Join(dir, "input", "input.json")); err == nil {
		var job struct {
			Data struct{ DataType, Data string }
		}
		if json.Unmarshal(in, &job) == nil {
			title = fmt.Sprintf("%s for %s %s", title, job.Data.DataType, job.Data.Data)
		}
	}
	r := sectionReport(w, title, dir)
	if r == nil {
		return
	}
	mode := text(r.full["mode"])
	fmt.Fprintf(w, "  mode: %s\n", mode)
	verb := "sent"
	if mode == "dry-run" {
		verb = "would send"
	}
	for _, c := range texts(r.full["commands"]) {
		fmt.Fprintf(w, "  %s: %s\n", verb, c)
	}
	for _, line := range texts(r.full["nft"]) {
		// The table and chain set-up lines are the same for every rule; the report keeps them.
		if strings.HasPrefix(line, "add table ") || strings.HasPrefix(line, "add chain ") {
			continue
		}
		fmt.Fprintf(w, "  nft: %s\n", line)
	}
	for _, ref := range texts(r.full["refused"]) {
		fmt.Fprintf(w, "  refused: %s\n", ref)
	}
}

// field is the value at a dotted path, nil when there is none.
func field(v any, path string) any {
	x, err := lookup(v, path)
	if err != nil {
		return nil
	}
	return x
}

// text renders any value on one line; a missing value shows as "?".
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "?"
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// texts renders each element of a list (or a single value, such as a multi-line string) on its line.
func texts(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, text(e))
		}
		return out
	case string:
		return strings.Split(strings.TrimRight(x, "\n"), "\n")
	}
	return []string{text(v)}
}

func listLine(v any) string {
	if l := texts(v); len(l) > 0 {
		return strings.Join(l, ", ")
	}
	return "none"
}

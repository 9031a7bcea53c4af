package suite

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/bpmn"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

// uc1File is the committed UC1 process, relative to this package.
var uc1File = filepath.Join("..", "..", "manifests", "bpmn", "processes", "uc1OngoingAttack.bpmn20.xml")

func parseUC1(t *testing.T) *bpmn.Definitions {
	t.Helper()
	d, err := bpmn.ParseFile(uc1File)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestUC1ProcessFile(t *testing.T) {
	t.Parallel()
	d := parseUC1(t)
	if err := d.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
	if err := bpmn.CheckDiagram(d); err != nil {
		t.Errorf("diagram: %v", err)
	}
	if d.TargetNamespace != "https://soccrates-cortex.example/processes" || len(d.Processes) != 1 ||
		d.Processes[0].ID != "uc1OngoingAttack" {
		t.Errorf("namespace %q, processes %d", d.TargetNamespace, len(d.Processes))
	}
	// Every shell task must call the installed suite command with at most five arguments, or Activiti
	// would ignore the rest.
	for _, n := range d.Processes[0].Nodes {
		if n.Shell == nil {
			continue
		}
		if f := n.Shell.Fields["command"]; f.Value != committedCommand || f.IsExpression {
			t.Errorf("%s: command %+v", n.ID, f)
		}
		if _, ok := n.Shell.Fields["arg6"]; ok {
			t.Errorf("%s has an arg6", n.ID)
		}
	}
}

// skipOrFail skips a test whose outside resource is missing, except in CI where it must be present.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// TestUC1ProcessXSD checks the file as Activiti does at deploy time. The OMG schemas are not copied into
// the repository (their licence is not Apache-2.0); they are read from ../shared beside the checkout.
func TestUC1ProcessXSD(t *testing.T) {
	t.Parallel()
	if err := testenv.ValidateBPMN(t, uc1File); err != nil {
		t.Error(err)
	}
}

// TestUC1DiagramGeometry checks what CheckDiagram does not: every edge starts on its source's shape and
// ends on its target's, so the committed coordinates draw a connected picture.
func TestUC1DiagramGeometry(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(uc1File)
	if err != nil {
		t.Fatal(err)
	}
	var doc diagramDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	shapes := map[string]bounds{}
	for _, s := range doc.Diagram.Plane.Shapes {
		shapes[s.Element] = s.Bounds
	}
	if len(doc.Process.Flows) == 0 || len(doc.Diagram.Plane.Edges) != len(doc.Process.Flows) {
		t.Fatalf("%d flows, %d edges", len(doc.Process.Flows), len(doc.Diagram.Plane.Edges))
	}
	flows := map[string][2]string{}
	for _, f := range doc.Process.Flows {
		flows[f.ID] = [2]string{f.Source, f.Target}
	}
	for _, e := range doc.Diagram.Plane.Edges {
		ends, ok := flows[e.Element]
		if !ok || len(e.Points) < 2 {
			t.Errorf("edge %s: flow %v, %d waypoints", e.Element, ok, len(e.Points))
			continue
		}
		if p := e.Points[0]; !shapes[ends[0]].onBorder(p) {
			t.Errorf("edge %s starts at %v, off its source %s %v", e.Element, p, ends[0], shapes[ends[0]])
		}
		if p := e.Points[len(e.Points)-1]; !shapes[ends[1]].onBorder(p) {
			t.Errorf("edge %s ends at %v, off its target %s %v", e.Element, p, ends[1], shapes[ends[1]])
		}
	}
}

type diagramDoc struct {
	Process struct {
		Flows []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"sourceRef,attr"`
			Target string `xml:"targetRef,attr"`
		} `xml:"sequenceFlow"`
	} `xml:"process"`
	Diagram struct {
		Plane struct {
			Shapes []struct {
				Element string `xml:"bpmnElement,attr"`
				Bounds  bounds `xml:"Bounds"`
			} `xml:"BPMNShape"`
			Edges []struct {
				Element string  `xml:"bpmnElement,attr"`
				Points  []point `xml:"waypoint"`
			} `xml:"BPMNEdge"`
		} `xml:"BPMNPlane"`
	} `xml:"BPMNDiagram"`
}

type bounds struct {
	X      float64 `xml:"x,attr"`
	Y      float64 `xml:"y,attr"`
	Width  float64 `xml:"width,attr"`
	Height float64 `xml:"height,attr"`
}

type point struct {
	X float64 `xml:"x,attr"`
	Y float64 `xml:"y,attr"`
}

// onBorder says p lies on the rectangle's outline (gateways and events are drawn inside their bounds,
// and an edge meets them at the middle of a side, which is on the outline too).
func (b bounds) onBorder(p point) bool {
	if b.Width == 0 {
		return false
	}
	inX := p.X >= b.X && p.X <= b.X+b.Width
	inY := p.Y >= b.Y && p.Y <= b.Y+b.Height
	onX := math.Abs(p.X-b.X) < 0.5 || math.Abs(p.X-b.X-b.Width) < 0.5
	onY := math.Abs(p.Y-b.Y) < 0.5 || math.Abs(p.Y-b.Y-b.Height) < 0.5
	return (inX && onY) || (inY && onX)
}

// fakeSteps answers the UC1 shell tasks with fixed tokens and exit codes, keyed by worker, and keeps
// the arguments it was called with.
type fakeSteps struct {
	answers map[string]fakeAnswer
	mu      sync.Mutex
	calls   [][]string
}

type fakeAnswer struct {
	token string
	code  int
}

func (f *fakeSteps) Run(_ context.Context, cmd bpmn.ShellCommand) (string, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, append([]string{cmd.Command}, cmd.Args...))
	if len(cmd.Args) != 4+1 {
		return "", 0, fmt.Errorf("want 5 arguments, got %q", cmd.Args)
	}
	a, ok := f.answers[cmd.Args[1]]
	if !ok {
		return "", 0, fmt.Errorf("unexpected worker %q", cmd.Args[1])
	}
	return a.token, a.code, nil
}

// waitApprover never answers, so that the boundary timer decides.
type waitApprover struct{}

func (waitApprover) Complete(ctx context.Context, _ bpmn.UserTask, _ bpmn.Vars) (map[string]any, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// instantClock fires every timer at once.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Unix(0, 0) }
func (instantClock) After(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Unix(0, 0)
	return c
}

// uc1Answers are the answers of a run where every worker succeeds and an attack is found; over
// replaces some of them.
func uc1Answers(over map[string]fakeAnswer) map[string]fakeAnswer {
	ok := func(token string) fakeAnswer { return fakeAnswer{token: token} }
	a := map[string]fakeAnswer{"AttackDetection": ok("malicious"), "AttackGraph": ok("malicious"),
		"BusinessImpact": ok("suspicious"), "CourseOfAction": ok("info"), "ResponsePlanner": ok("info"),
		"OpenC2": ok("dryrun")}
	maps.Copy(a, over)
	return a
}

func TestUC1Branches(t *testing.T) {
	t.Parallel()
	ok := func(token string) fakeAnswer { return fakeAnswer{token: token} }
	failed := fakeAnswer{token: "error", code: 1}
	approve := decisionApprover{decided: true, approve: true}
	all := []string{"AttackDetection", "AttackGraph", "BusinessImpact", "CourseOfAction", "ResponsePlanner", "OpenC2"}
	tests := []struct {
		name     string
		answers  map[string]fakeAnswer
		approver bpmn.Approver
		clock    bpmn.Clock
		wantEnd  string
		wantRuns []string // workers called, in order
	}{
		{name: "approved", answers: uc1Answers(nil), approver: approve, wantEnd: "endResponded", wantRuns: all},
		{name: "suspicious-approved", approver: approve,
			answers: uc1Answers(map[string]fakeAnswer{"AttackDetection": ok("suspicious"), "OpenC2": ok("done")}),
			wantEnd: "endResponded", wantRuns: all},
		// No failed attack graph, business impact or defence proposal holds up containment.
		{name: "graph-failed", answers: uc1Answers(map[string]fakeAnswer{"AttackGraph": failed}), approver: approve,
			wantEnd: "endResponded", wantRuns: []string{"AttackDetection", "AttackGraph", "ResponsePlanner", "OpenC2"}},
		{name: "impact-failed", answers: uc1Answers(map[string]fakeAnswer{"BusinessImpact": failed}), approver: approve,
			wantEnd: "endResponded", wantRuns: all},
		{name: "coa-failed", answers: uc1Answers(map[string]fakeAnswer{"CourseOfAction": failed}), approver: approve,
			wantEnd: "endResponded", wantRuns: all},
		{name: "impact-and-coa-failed", approver: approve,
			answers: uc1Answers(map[string]fakeAnswer{"BusinessImpact": failed, "CourseOfAction": failed}),
			wantEnd: "endResponded", wantRuns: all},
		{name: "graph-safe", answers: uc1Answers(map[string]fakeAnswer{"AttackGraph": ok("safe")}), approver: approve,
			wantEnd: "endResponded", wantRuns: all},
		{name: "rejected", answers: uc1Answers(nil), approver: decisionApprover{decided: true, approve: false},
			wantEnd: "endRejected", wantRuns: all[:5]},
		{name: "timed-out", answers: uc1Answers(nil), approver: waitApprover{}, clock: instantClock{},
			wantEnd: "endTimedOut", wantRuns: all[:5]},
		{name: "no-attack", answers: map[string]fakeAnswer{"AttackDetection": ok("safe")},
			wantEnd: "endNoAttack", wantRuns: all[:1]},
		{name: "info-only", answers: map[string]fakeAnswer{"AttackDetection": ok("info")},
			wantEnd: "endNoAttack", wantRuns: all[:1]},
		{name: "detect-failed", answers: map[string]fakeAnswer{"AttackDetection": failed},
			wantEnd: "endDetectFailed", wantRuns: all[:1]},
		{name: "plan-failed", answers: uc1Answers(map[string]fakeAnswer{"ResponsePlanner": failed}),
			wantEnd: "endPlanFailed", wantRuns: all[:5]},
		{name: "graph-and-plan-failed", answers: uc1Answers(map[string]fakeAnswer{"AttackGraph": failed, "ResponsePlanner": failed}),
			wantEnd: "endPlanFailed", wantRuns: []string{"AttackDetection", "AttackGraph", "ResponsePlanner"}},
	}
	d := parseUC1(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			steps := &fakeSteps{answers: tc.answers}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := bpmn.Run(ctx, d, bpmn.Vars{"alertFile": "/in/eve.json", "workDir": "/w"},
				bpmn.Options{Runner: steps, Approver: tc.approver, Clock: tc.clock})
			if err != nil {
				t.Fatal(err)
			}
			if res.EndID != tc.wantEnd {
				t.Errorf("ended at %s, want %s; path %v", res.EndID, tc.wantEnd, res.Path)
			}
			var runs []string
			for _, c := range steps.calls {
				runs = append(runs, c[2])
			}
			if !slices.Equal(runs, tc.wantRuns) {
				t.Errorf("workers run %v, want %v", runs, tc.wantRuns)
			}
			checkUC1Calls(t, steps.calls)
		})
	}
}

// checkUC1Calls checks the command lines the tasks build from the start variables.
func checkUC1Calls(t *testing.T, calls [][]string) {
	t.Helper()
	want := map[string]string{
		"AttackDetection": committedCommand + " analyze AttackDetection file /in/eve.json /w/detect",
		"AttackGraph":     committedCommand + " analyze AttackGraph ip @/w/detect:victims.0.ip /w/graph",
		"BusinessImpact":  committedCommand + " analyze BusinessImpact ip @/w/detect:victims.0.ip /w/impact",
		"CourseOfAction":  committedCommand + " analyze CourseOfAction ip @/w/detect:victims.0.ip /w/coa",
		"ResponsePlanner": committedCommand + " analyze ResponsePlanner other @/w/detect:victims.0 /w/plan",
		"OpenC2":          committedCommand + " respond OpenC2 auto @/w/plan:deny_addresses /w/respond",
	}
	for _, c := range calls {
		if got := strings.Join(c, " "); got != want[c[2]] {
			t.Errorf("command line %q, want %q", got, want[c[2]])
		}
	}
}

// TestRunVerb runs the committed process end to end: the engine calls the built suite command, which
// runs the fake workers.
func TestRunVerb(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		config     string
		flags      []string
		wantCode   int
		wantOut    []string
		wantFiles  []string
		wantAbsent []string // job folders the run must not create
	}{
		{name: "approve", flags: []string{"--approve"}, wantOut: []string{"ended at endResponded (Response sent)",
			`shell    respond: token "dryrun", exit code 0`, `respondResult = "dryrun"`, "approved = true"},
			wantFiles: []string{"graph/output/output.json", "impact/output/output.json", "coa/output/output.json", "respond/1/output/output.json",
				"respond/2/output/output.json"}},
		{name: "graph-fails", config: `{"AttackGraph": {"fake": "fail"}}`, flags: []string{"--approve"},
			wantOut:   []string{"ended at endResponded", `graphExit = "1"`, "gateway  gwGraph took f_graph_failed"},
			wantFiles: []string{"plan/output/output.json", "respond/1/output/output.json"}, wantAbsent: []string{"impact", "coa"}},
		{name: "impact-fails", config: `{"BusinessImpact": {"fake": "fail"}}`, flags: []string{"--approve"},
			wantOut:   []string{"ended at endResponded", `impactExit = "1"`, `graphResult = "malicious"`, `coaExit = "0"`},
			wantFiles: []string{"coa/output/output.json", "plan/output/output.json", "respond/1/output/output.json"}},
		{name: "coa-fails", config: `{"CourseOfAction": {"fake": "fail"}}`, flags: []string{"--approve"},
			wantOut:   []string{"ended at endResponded", `coaExit = "1"`, `coaResult = "error"`, `impactExit = "0"`},
			wantFiles: []string{"plan/output/output.json", "respond/1/output/output.json"}},
		{name: "reject", flags: []string{"--reject"}, wantOut: []string{"ended at endRejected", "approved = false"},
			wantFiles: []string{"plan/output/output.json"}},
		{name: "no-attack", config: `{"AttackDetection": {"level": "safe"}}`, flags: []string{"--approve"},
			wantOut: []string{"ended at endNoAttack", `detectResult = "safe"`}},
		{name: "detect-fails", config: `{"AttackDetection": {"fake": "fail"}}`, flags: []string{"--approve"},
			wantOut: []string{"ended at endDetectFailed", `detectExit = "1"`}},
		{name: "no-decision", wantCode: 1, wantOut: []string{"wait     approve"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			alerts := writeFile(t, dir, "eve.json", "{}\n")
			work := filepath.Join(dir, "work")
			cfg := ""
			if tc.config != "" {
				cfg = writeFile(t, dir, "suite.json", tc.config)
			}
			args := append([]string{"run", uc1File, "--var", "alertFile=" + alerts, "--var", "workDir=" + work}, tc.flags...)
			r := runSuite(t, cfg, args...)
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantCode, r.stdout, r.stderr)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
			for _, f := range tc.wantFiles {
				if _, err := os.Stat(filepath.Join(work, f)); err != nil {
					t.Errorf("missing %s: %v", f, err)
				}
			}
			for _, f := range tc.wantAbsent {
				if _, err := os.Stat(filepath.Join(work, f)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s exists or cannot be checked: %v", f, err)
				}
			}
		})
	}
}

func TestRunVerbRejectsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.bpmn20.xml", `<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <parallelGateway id="g"/><sequenceFlow id="f2" sourceRef="g" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>`)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "outside-subset", args: []string{"run", bad, "--approve"}, wantErr: "parallel gateways are outside the subset"},
		{name: "approve-and-reject", args: []string{"run", uc1File, "--approve", "--reject"}, wantErr: "exclude each other"},
		{name: "bad-var", args: []string{"run", uc1File, "--var", "novalue"}, wantErr: "want name=value"},
		{name: "missing-file", args: []string{"run", filepath.Join(dir, "absent.xml")}, wantErr: "read process"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, "", tc.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d with %q", r.code, r.stderr, ExitUsage, tc.wantErr)
			}
		})
	}
}

func TestApprovalVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		props []bpmn.FormProperty
		want  string
	}{
		{name: "none", want: "approved"},
		{name: "boolean", props: []bpmn.FormProperty{{ID: "note", Type: "string"}, {ID: "ok", Type: "boolean"}}, want: "ok"},
		{name: "variable", props: []bpmn.FormProperty{{ID: "ok", Type: "boolean", Variable: "go"}}, want: "go"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := approvalVariable(bpmn.UserTask{FormProperties: tc.props}); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestInstallScript installs the built suite command and a dist folder under a temporary prefix.
func TestInstallScript(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		skipOrFail(t, "bash not installed")
	}
	dir := t.TempDir()
	dist := filepath.Join(dir, "dist")
	writeFile(t, dist, "analyzers/Fake/Fake.json", `{"command": "Fake/Fake"}`)
	writeFile(t, dist, "analyzers/Fake/Fake", "binary")
	prefix := filepath.Join(dir, "opt")
	cmd := exec.Command(bash, filepath.Join(testenv.RepoRoot(t), "scripts", "install.sh"))
	cmd.Env = append(os.Environ(), "PREFIX="+prefix, "BIN="+binDir, "DIST="+dist)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	for _, f := range []string{"bin/soccrates", "analyzers/Fake/Fake", "analyzers/Fake/Fake.json", "processes/uc1OngoingAttack.bpmn20.xml"} {
		if _, err := os.Stat(filepath.Join(prefix, f)); err != nil {
			t.Errorf("not installed: %s\n%s", f, out)
		}
	}
	if st, err := os.Stat(filepath.Join(prefix, "bin", "soccrates")); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("soccrates not executable: %v", err)
	}
	if !strings.Contains(string(out), "install: "+filepath.Join(prefix, "bin", "soccrates")) {
		t.Errorf("install.sh does not say what it did:\n%s", out)
	}
}

// TestUC1ExtensionsDeclareVariables checks that the extensions file Activiti 7 reads declares exactly
// the process's variables: the two start variables, every shell task's output and exit-code variable,
// and the approval form's field.
func TestUC1ExtensionsDeclareVariables(t *testing.T) {
	t.Parallel()
	want := map[string]string{"alertFile": "string", "workDir": "string"}
	for _, n := range parseUC1(t).Processes[0].Nodes {
		if n.Shell != nil {
			want[n.Shell.Fields["outputVariable"].Value] = "string"
			want[n.Shell.Fields["errorCodeVariable"].Value] = "string"
		}
		if n.User != nil {
			for _, p := range n.User.FormProperties {
				want[p.ID] = p.Type
			}
		}
	}
	b, err := os.ReadFile(strings.TrimSuffix(uc1File, ".bpmn20.xml") + "-extensions.json")
	if err != nil {
		t.Fatal(err)
	}
	var ext struct {
		Extensions map[string]struct {
			Properties map[string]struct{ ID, Name, Type string }
		}
	}
	if err := json.Unmarshal(b, &ext); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for key, p := range ext.Extensions["uc1OngoingAttack"].Properties {
		if key != p.ID || p.ID != p.Name+"-id" {
			t.Errorf("property %s: id %q, name %q", key, p.ID, p.Name)
		}
		got[p.Name] = p.Type
	}
	if !maps.Equal(got, want) {
		t.Errorf("declared %v, the process uses %v", got, want)
	}
}

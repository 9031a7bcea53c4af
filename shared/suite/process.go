package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/soccrates-cortex/soccrates/shared/bpmn"
)

// committedCommand is the suite command's path in the committed process files (scripts/install.sh
// puts it there); a local run maps it to the running executable.
const committedCommand = "/opt/soccrates/bin/soccrates"

type runFlags struct {
	vars            cli.StringSlice
	approve, reject bool
	binDir, config  string
}

func (s *suite) runCommand() *cli.Command {
	f := &runFlags{}
	return &cli.Command{
		Name:      "run",
		Usage:     "run a use-case process with the embedded engine",
		ArgsUsage: "<process.bpmn20.xml>",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "var", Usage: "start variable k=v (repeat)", Destination: &f.vars},
			&cli.BoolFlag{Name: "approve", Usage: "approve every user task", Destination: &f.approve},
			&cli.BoolFlag{Name: "reject", Usage: "reject every user task", Destination: &f.reject},
			&cli.StringFlag{Name: "bin", Usage: "folder of worker executables", Destination: &f.binDir},
			&cli.StringFlag{Name: "config", Usage: "suite config file", Destination: &f.config},
		},
		Action: func(c *cli.Context) error { return s.runCmd(c, f) },
	}
}

func (s *suite) runCmd(c *cli.Context, f *runFlags) error {
	if err := usageError(c, 1); err != nil {
		return err
	}
	d, vars, approver, err := s.runSetup(c.Args().First(), f)
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	out := s.cfg.Stdout
	runner := &suiteRunner{next: bpmn.ExecRunner{}, exe: s.cfg.Executable, flags: s.childFlags(d)}
	opt := bpmn.Options{
		Runner:     runner,
		Approver:   approver,
		Progress:   func(e bpmn.Event) { printEvent(out, e, runner) },
		CommandMap: map[string]string{committedCommand: s.cfg.Executable},
	}
	res, err := bpmn.Run(c.Context, d, vars, opt)
	if err != nil {
		return &exitError{code: ExitStep, err: fmt.Errorf("run %s: %w", c.Args().First(), err)}
	}
	printResult(out, d, res)
	return nil
}

// runSetup reads and validates the process and turns the flags into start variables and an approver.
func (s *suite) runSetup(file string, f *runFlags) (*bpmn.Definitions, bpmn.Vars, bpmn.Approver, error) {
	if f.approve && f.reject {
		return nil, nil, nil, errors.New("run: --approve and --reject exclude each other")
	}
	if s.cfg.Executable == "" {
		return nil, nil, nil, errors.New("run: the path of the soccrates executable is unknown")
	}
	if f.binDir != "" {
		s.binDir = f.binDir
	}
	if f.config != "" {
		s.configArg = f.config
	}
	d, err := bpmn.ParseFile(file)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read process: %w", err)
	}
	if err := d.Validate(); err != nil {
		return nil, nil, nil, fmt.Errorf("process %s uses something the embedded engine does not run:\n%w", file, err)
	}
	vars, err := startVars(f.vars.Value())
	if err != nil {
		return nil, nil, nil, err
	}
	var approver bpmn.Approver = decisionApprover{}
	switch {
	case f.approve || f.reject:
		approver = decisionApprover{decided: true, approve: f.approve}
	case s.cfg.Interactive:
		approver = briefedApprover{next: &bpmn.PromptApprover{In: s.cfg.Stdin, Out: s.cfg.Stderr}, out: s.cfg.Stderr}
	}
	return d, vars, approver, nil
}

// briefedApprover shows the analyst the plan before asking for the decision, so nobody approves blind.
type briefedApprover struct {
	next bpmn.Approver
	out  io.Writer
}

func (a briefedApprover) Complete(ctx context.Context, task bpmn.UserTask, vars bpmn.Vars) (map[string]any, error) {
	if workDir, ok := vars["workDir"].(string); ok && workDir != "" {
		fmt.Fprintln(a.out, "\nThe plan to decide on:")
		if err := summarisePlan(a.out, workDir); err != nil {
			fmt.Fprintf(a.out, "  (no plan to show: %v)\n", err)
		}
		fmt.Fprintln(a.out)
	}
	return a.next.Complete(ctx, task, vars)
}

// startVars parses k=v pairs; values stay strings, as a REST client of Activiti would send them.
func startVars(pairs []string) (bpmn.Vars, error) {
	vars := bpmn.Vars{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("run: --var %q: want name=value", p)
		}
		vars[k] = v
	}
	return vars, nil
}

// childFlags are the global flags every step of the run is given, so that the steps find the same
// workers and config as the run itself. Paths are made absolute since a task may set its directory.
func (s *suite) childFlags(d *bpmn.Definitions) []string {
	var flags []string
	for _, f := range []struct{ name, path string }{{"--bin", s.binDir}, {"--config", s.configArg}} {
		if f.path == "" {
			continue
		}
		if abs, err := filepath.Abs(f.path); err == nil {
			f.path = abs
		}
		flags = append(flags, f.name, f.path)
	}
	if len(d.Processes) > 0 && d.Processes[0].Name != "" {
		flags = append(flags, "--case-title", d.Processes[0].Name)
	}
	return flags
}

// decisionApprover answers every user task with one decision, or fails when none was given and there
// is no terminal to ask on.
type decisionApprover struct {
	decided, approve bool
}

func (a decisionApprover) Complete(_ context.Context, task bpmn.UserTask, _ bpmn.Vars) (map[string]any, error) {
	if !a.decided {
		return nil, fmt.Errorf("user task %s needs a decision: pass --approve or --reject (stdin is not a terminal)", task.ID)
	}
	return map[string]any{approvalVariable(task): a.approve}, nil
}

// approvalVariable is the task's first boolean form property, "approved" when it declares none.
func approvalVariable(task bpmn.UserTask) string {
	for _, p := range task.FormProperties {
		if p.Type == "boolean" {
			if p.Variable != "" {
				return p.Variable
			}
			return p.ID
		}
	}
	return "approved"
}

// suiteRunner passes the run's global flags to steps that call the suite command and keeps the last
// step's output for the progress line. The engine runs one task at a time.
type suiteRunner struct {
	next     bpmn.Runner
	exe      string
	flags    []string
	lastOut  string
	lastCode int
}

func (r *suiteRunner) Run(ctx context.Context, cmd bpmn.ShellCommand) (string, int, error) {
	if cmd.Command == r.exe && len(r.flags) > 0 {
		cmd.Args = append(append([]string{}, r.flags...), cmd.Args...)
	}
	stdout, code, err := r.next.Run(ctx, cmd)
	r.lastOut, r.lastCode = stdout, code
	return stdout, code, err
}

func printEvent(w io.Writer, e bpmn.Event, r *suiteRunner) {
	switch e.Kind {
	case "leave", "end": // the end is printed with the result
		return
	case "enter":
		fmt.Fprintf(w, "%-8s %s (%s)\n", e.Kind, e.ElementID, e.Name)
	case "shell":
		fmt.Fprintf(w, "%-8s %s: token %q, exit code %d\n", e.Kind, e.ElementID, shorten(r.lastOut, 40), r.lastCode)
	default:
		fmt.Fprintf(w, "%-8s %s %s\n", e.Kind, e.ElementID, shorten(e.Detail, 200))
	}
}

func printResult(w io.Writer, d *bpmn.Definitions, res *bpmn.Result) {
	fmt.Fprintf(w, "\nended at %s (%s)\n", res.EndID, nodeName(d, res.EndID))
	fmt.Fprintf(w, "path: %s\n", strings.Join(res.Path, " > "))
	fmt.Fprintln(w, "variables:")
	keys := make([]string, 0, len(res.Vars))
	for k := range res.Vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s = %#v\n", k, res.Vars[k])
	}
}

func nodeName(d *bpmn.Definitions, id string) string {
	for _, p := range d.Processes {
		for _, n := range p.Nodes {
			if n.ID == id {
				return n.Name
			}
		}
	}
	return ""
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

package bpmn

import (
	"context"
	"log/slog"
	"time"
)

// Vars are process variables: string, bool, int64, float64 or nil.
type Vars map[string]any

// Event reports one step of a run to Options.Progress.
type Event struct {
	Kind      string // "enter", "leave", "shell", "gateway", "wait", "timer", "error" (caught), "end"
	ElementID string
	Name      string
	Detail    string
	Time      time.Time
}

// Clock is the time source of boundary timers. A nil Clock in Options means the real clock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Options are the dependencies of a run.
type Options struct {
	Runner   Runner       // shell tasks; nil = ExecRunner{}
	Approver Approver     // user tasks; nil = every user task fails the run
	Progress func(Event)  // optional
	Clock    Clock        // boundary timers; nil = real clock
	Logger   *slog.Logger // debug logs for each decision; nil = discard

	// CommandMap rewrites a shell task's command (after evaluation): committed files name
	// /opt/soccrates/bin/soccrates, local runs point it at ./bin/soccrates.
	CommandMap map[string]string

	// MaxSteps bounds the number of flow nodes entered (loop guard); 0 means 10000.
	MaxSteps int
}

// Result is what a finished run leaves: the visited flow node ids in order, the final variables and
// the end event that ended the process.
type Result struct {
	Path  []string
	Vars  Vars
	EndID string
}

// ShellCommand is one shell task invocation after its fields were evaluated.
type ShellCommand struct {
	Command       string
	Args          []string
	Dir           string
	CleanEnv      bool
	RedirectError bool
}

// Runner runs a shell task's command. exitCode is the command's exit status; a non-zero status is not
// an error. err is an engine error: the command could not start, or its output would hang Activiti.
type Runner interface {
	Run(ctx context.Context, cmd ShellCommand) (stdout string, exitCode int, err error)
}

// Approver completes user tasks. The returned variables are set on the process instance.
type Approver interface {
	Complete(ctx context.Context, task UserTask, vars Vars) (map[string]any, error)
}

// FixedApprover completes every user task at once with the same variables.
type FixedApprover struct {
	Vars map[string]any
}

// Complete implements Approver.
func (a FixedApprover) Complete(ctx context.Context, task UserTask, vars Vars) (map[string]any, error) {
	out := make(map[string]any, len(a.Vars))
	for k, v := range a.Vars {
		out[k] = v
	}
	return out, nil
}

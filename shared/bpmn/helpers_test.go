package bpmn

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRunner answers shell tasks from a function and records the commands.
type fakeRunner struct {
	mu    sync.Mutex
	calls []ShellCommand
	reply func(ShellCommand) (string, int, error)
}

func (f *fakeRunner) Run(_ context.Context, c ShellCommand) (string, int, error) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return f.reply(c)
}

// byVerb is a reply function keyed on the first argument (analyze, respond).
func byVerb(replies map[string]reply) func(ShellCommand) (string, int, error) {
	return func(c ShellCommand) (string, int, error) {
		if len(c.Args) == 0 {
			return "", 127, nil
		}
		r := replies[c.Args[0]]
		return r.out, r.code, r.err
	}
}

type reply struct {
	out  string
	code int
	err  error
}

// fireClock is a Clock whose timers fire at once.
type fireClock struct{ now time.Time }

func (c fireClock) Now() time.Time { return c.now }
func (c fireClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// neverClock is a Clock whose timers never fire.
type neverClock struct{}

func (neverClock) Now() time.Time                       { return time.Time{} }
func (neverClock) After(time.Duration) <-chan time.Time { return nil }

// silentApprover never answers: it returns when its context ends, as an analyst who is away.
type silentApprover struct{}

func (silentApprover) Complete(ctx context.Context, _ UserTask, _ Vars) (map[string]any, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func mustParseFile(t testing.TB, path string) *Definitions {
	t.Helper()
	d, err := ParseFile(path)
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	return d
}

func mustParse(t testing.TB, xml string) *Definitions {
	t.Helper()
	d, err := Parse(strings.NewReader(xml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// sharedDir returns ../shared/<rel> beside the repository, skipping when it is absent (failing
// instead when CI=true, where the reference material must be present).
func sharedDir(t testing.TB, rel string) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", rel)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference material missing: %v", err)
		}
		t.Skipf("reference material missing (%v); it lives beside the repository in ../shared", err)
	}
	return dir
}

// validateXSD checks a process file against the OMG BPMN 2.0 schemas with xmllint, as Activiti does
// at deploy time. It skips when xmllint or the schemas are missing, unless CI=true.
func validateXSD(t *testing.T, file string) error {
	t.Helper()
	xsd := filepath.Join(sharedDir(t, "reference/bpmn/xsd"), "BPMN20.xsd")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint missing (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint missing (apt-get install libxml2-utils)")
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, file).CombinedOutput()
	if err != nil {
		return &xsdError{out: string(out)}
	}
	return nil
}

type xsdError struct{ out string }

func (e *xsdError) Error() string { return "xsd validation: " + e.out }

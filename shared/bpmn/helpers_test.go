package bpmn

import (
	"context"
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

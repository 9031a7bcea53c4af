package bpmn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
)

// userTask waits for the approver; with a boundary timer on the task, whichever comes first wins,
// and a timer that fires cancels the task (cancelActivity="true") and moves to the boundary event.
func (r *run) userTask(ctx context.Context, sc *Scope, n *Node) (*Node, error) {
	if r.opt.Approver == nil {
		return nil, errors.New("user task needs an approver (Options.Approver is nil)")
	}
	timer := r.boundaryTimer(sc, n)
	r.emit("wait", n, "waiting for "+taskAudience(n.User))
	if timer == nil {
		vals, err := r.opt.Approver.Complete(ctx, *n.User, maps.Clone(r.vars))
		if err != nil {
			return nil, fmt.Errorf("complete user task: %w", err)
		}
		if err := r.setAll(vals); err != nil {
			return nil, err
		}
		return r.follow(sc, n)
	}
	return r.raceTimer(ctx, sc, n, timer)
}

// raceTimer runs the approver against the boundary timer.
func (r *run) raceTimer(ctx context.Context, sc *Scope, n, timer *Node) (*Node, error) {
	d, err := parseISODuration(timer.Timer.Duration)
	if err != nil {
		return nil, fmt.Errorf("boundary timer %q: %w", timer.ID, err)
	}
	fired := r.clock.After(d)
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		vals map[string]any
		err  error
	}
	done := make(chan answer, 1)
	task, vars := *n.User, maps.Clone(r.vars)
	go func() {
		vals, err := r.opt.Approver.Complete(actx, task, vars)
		done <- answer{vals, err}
	}()
	select {
	case a := <-done:
		if a.err != nil {
			return nil, fmt.Errorf("complete user task: %w", a.err)
		}
		if err := r.setAll(a.vals); err != nil {
			return nil, err
		}
		return r.follow(sc, n)
	case <-fired:
		r.emit("timer", timer, "fired after "+timer.Timer.Duration)
		r.log.Debug("boundary timer fired", "element", timer.ID, "task", n.ID)
		return timer, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for user task: %w", ctx.Err())
	}
}

func (r *run) boundaryTimer(sc *Scope, n *Node) *Node {
	for _, b := range sc.Nodes {
		if b.Kind == KindBoundaryEvent && b.Timer != nil && b.AttachedTo == n.ID {
			return b
		}
	}
	return nil
}

// setAll stores the variables a completed task returned, as taskService.complete(id, vars).
func (r *run) setAll(vals map[string]any) error {
	for _, k := range sortedKeys(vals) {
		v, err := normalize(vals[k])
		if err != nil {
			return fmt.Errorf("user task variable %s: %w", k, err)
		}
		r.vars[k] = v
	}
	return nil
}

func taskAudience(t *UserTask) string {
	switch {
	case t.Assignee != "":
		return "assignee " + t.Assignee
	case t.CandidateGroups != "":
		return "group " + t.CandidateGroups
	case t.CandidateUsers != "":
		return "users " + t.CandidateUsers
	}
	return "anyone"
}

// DecisionVariable is the variable a yes/no answer to the task sets: its first boolean form
// property (the property's variable attribute if given, else its id), or "approved".
func DecisionVariable(t UserTask) string {
	for _, fp := range t.FormProperties {
		if fp.Type == "boolean" && fp.Variable != "" {
			return fp.Variable
		}
		if fp.Type == "boolean" {
			return fp.ID
		}
	}
	return "approved"
}

// PromptApprover asks on Out and reads a y/n answer line from In; it returns the task's
// DecisionVariable as true or false. It asks again after an answer it does not understand and fails
// when In ends. Use one PromptApprover per In: it reads ahead in lines.
type PromptApprover struct {
	In  io.Reader
	Out io.Writer

	once  sync.Once
	lines chan string
}

// Complete implements Approver.
func (a *PromptApprover) Complete(ctx context.Context, task UserTask, vars Vars) (map[string]any, error) {
	a.once.Do(a.startReader)
	name := task.Name
	if name == "" {
		name = task.ID
	}
	for {
		fmt.Fprintf(a.Out, "%s (%s)? [y/n] ", name, task.ID)
		var line string
		var ok bool
		select {
		case line, ok = <-a.lines:
		case <-ctx.Done():
			fmt.Fprintln(a.Out)
			return nil, ctx.Err()
		}
		if !ok {
			return nil, fmt.Errorf("no answer for user task %q: input ended", task.ID)
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return map[string]any{DecisionVariable(task): true}, nil
		case "n", "no":
			return map[string]any{DecisionVariable(task): false}, nil
		}
		fmt.Fprintln(a.Out, "please answer y or n")
	}
}

// startReader reads In line by line in the background, so that a timer or a cancelled context can
// end a wait that a blocked Read could not.
func (a *PromptApprover) startReader() {
	a.lines = make(chan string)
	go func() {
		defer close(a.lines)
		sc := bufio.NewScanner(a.In)
		for sc.Scan() {
			a.lines <- sc.Text()
		}
	}()
}

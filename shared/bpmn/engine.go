package bpmn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

const defaultMaxSteps = 10000

// Run validates d and executes its process from the none start event with the start variables. On
// an error the Result still holds the path walked and the variables up to the failure.
func Run(ctx context.Context, d *Definitions, start Vars, opt Options) (*Result, error) {
	return runFrom(ctx, d, start, opt, func(n *Node) bool { return n.MessageRef == "" }, "none start event")
}

// StartByMessage is Run starting at the message start event whose message has the given name, as
// Activiti's startProcessInstanceByMessage.
func StartByMessage(ctx context.Context, d *Definitions, name string, start Vars, opt Options) (*Result, error) {
	ids := map[string]bool{}
	for _, m := range d.Messages {
		if m.Name == name {
			ids[m.ID] = true
		}
	}
	isStart := func(n *Node) bool { return ids[n.MessageRef] }
	return runFrom(ctx, d, start, opt, isStart, "start event for message "+strconv.Quote(name))
}

// runFrom runs the process from the first top-level start event that isStart accepts.
func runFrom(ctx context.Context, d *Definitions, start Vars, opt Options,
	isStart func(*Node) bool, what string) (*Result, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	p := d.Processes[0]
	vars, err := normalizeVars(start)
	if err != nil {
		return nil, fmt.Errorf("run process %s: start variables: %w", p.ID, err)
	}
	var first *Node
	for _, n := range p.Nodes {
		if n.Kind == KindStartEvent && isStart(n) {
			first = n
			break
		}
	}
	if first == nil {
		return nil, fmt.Errorf("run process %s: no %s", p.ID, what)
	}
	r := newRun(d, opt, vars)
	end, err := r.scope(ctx, &p.Scope, first)
	res := &Result{Path: r.path, Vars: r.vars}
	if err != nil {
		return res, fmt.Errorf("run process %s: %w", p.ID, err)
	}
	if end.IsError {
		return res, fmt.Errorf("run process %s: error end event %q is not caught", p.ID, end.ID)
	}
	res.EndID = end.ID
	r.emit("end", end, "process ended")
	r.log.Info("process ended", "process", p.ID, "end", end.ID, "steps", r.steps)
	return res, nil
}

// run is the state of one process instance: one token, one variable map for the whole instance (as
// Activiti; sub-processes write to the same variables).
type run struct {
	d       *Definitions
	opt     Options
	vars    Vars
	path    []string
	steps   int
	clock   Clock
	log     *slog.Logger
	indexes map[*Scope]*scopeIndex
}

func newRun(d *Definitions, opt Options, vars Vars) *run {
	r := &run{d: d, opt: opt, vars: vars, clock: opt.Clock, log: opt.Logger, indexes: map[*Scope]*scopeIndex{}}
	if r.opt.Runner == nil {
		r.opt.Runner = ExecRunner{}
	}
	if r.opt.MaxSteps <= 0 {
		r.opt.MaxSteps = defaultMaxSteps
	}
	if r.clock == nil {
		r.clock = realClock{}
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return r
}

func (r *run) index(sc *Scope) *scopeIndex {
	ix, ok := r.indexes[sc]
	if !ok {
		ix = indexScope(sc)
		r.indexes[sc] = ix
	}
	return ix
}

func (r *run) emit(kind string, n *Node, detail string) {
	if r.opt.Progress != nil {
		r.opt.Progress(Event{Kind: kind, ElementID: n.ID, Name: n.Name, Detail: detail, Time: r.clock.Now()})
	}
}

// scope moves the token through sc from node until it reaches an end event, which it returns.
func (r *run) scope(ctx context.Context, sc *Scope, node *Node) (*Node, error) {
	for {
		if err := r.enter(ctx, node); err != nil {
			return nil, err
		}
		if node.Kind == KindEndEvent {
			return node, nil
		}
		next, err := r.execute(ctx, sc, node)
		if err != nil {
			return nil, fmt.Errorf("%s %q (line %d): %w", node.Kind, node.ID, node.Line, err)
		}
		r.emit("leave", node, "")
		node = next
	}
}

func (r *run) enter(ctx context.Context, n *Node) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before %q: %w", n.ID, err)
	}
	r.steps++
	if r.steps > r.opt.MaxSteps {
		return fmt.Errorf("more than %d steps: the process loops (stopped at %q)", r.opt.MaxSteps, n.ID)
	}
	r.path = append(r.path, n.ID)
	r.emit("enter", n, string(n.Kind))
	r.log.Debug("enter", "element", n.ID, "kind", string(n.Kind))
	return nil
}

// execute performs node's behaviour and returns the node the token moves to.
func (r *run) execute(ctx context.Context, sc *Scope, n *Node) (*Node, error) {
	switch n.Kind {
	case KindServiceTask:
		if err := r.shell(ctx, n); err != nil {
			return nil, err
		}
	case KindUserTask:
		return r.userTask(ctx, sc, n)
	case KindExclusiveGateway:
		return r.gateway(sc, n)
	case KindSubProcess:
		return r.subProcess(ctx, sc, n)
	}
	return r.follow(sc, n)
}

// follow takes the single outgoing flow of n (the validator guarantees there is exactly one).
func (r *run) follow(sc *Scope, n *Node) (*Node, error) {
	ix := r.index(sc)
	out := ix.out[n.ID]
	if len(out) != 1 {
		return nil, fmt.Errorf("want one outgoing flow, found %d", len(out))
	}
	return ix.byID[out[0].Target], nil
}

// gateway is ExclusiveGatewayActivityBehavior: the first flow in document order whose condition is
// true (a flow without a condition counts as true), else the default flow, else an error.
func (r *run) gateway(sc *Scope, n *Node) (*Node, error) {
	ix := r.index(sc)
	var chosen *SequenceFlow
	for _, f := range ix.out[n.ID] {
		if f.ID == n.Default {
			continue
		}
		ok, err := r.condition(f)
		if err != nil {
			return nil, fmt.Errorf("sequence flow %q: %w", f.ID, err)
		}
		if ok {
			chosen = f
			break
		}
	}
	if chosen == nil {
		for _, f := range ix.out[n.ID] {
			if f.ID == n.Default {
				chosen = f
			}
		}
	}
	if chosen == nil {
		return nil, errors.New("no outgoing sequence flow of the exclusive gateway could be selected: " +
			"no condition is true and there is no default flow")
	}
	r.emit("gateway", n, "took "+chosen.ID)
	r.log.Debug("gateway decision", "element", n.ID, "flow", chosen.ID)
	return ix.byID[chosen.Target], nil
}

func (r *run) condition(f *SequenceFlow) (bool, error) {
	if f.Condition == "" {
		return true, nil
	}
	x, err := parseCondition(f.Condition)
	if err != nil {
		return false, err
	}
	return evalCondition(x, f.Condition, r.vars)
}

// subProcess runs the embedded scope; an error end event inside leaves through the boundary error
// event on the sub-process that catches its error code.
func (r *run) subProcess(ctx context.Context, sc *Scope, n *Node) (*Node, error) {
	var start *Node
	for _, s := range n.Sub.Nodes {
		if s.Kind == KindStartEvent {
			start = s
			break
		}
	}
	if start == nil {
		return nil, errors.New("sub-process without a start event")
	}
	end, err := r.scope(ctx, n.Sub, start)
	if err != nil {
		return nil, err
	}
	if !end.IsError {
		return r.follow(sc, n)
	}
	if b := r.catcher(sc, n, end); b != nil {
		r.emit("error", end, "caught by "+b.ID)
		return b, nil
	}
	return nil, fmt.Errorf("no boundary error event catches error end event %q", end.ID)
}

// catcher finds the boundary error event on host that catches the error thrown by end.
func (r *run) catcher(sc *Scope, host, end *Node) *Node {
	code := errorCode(r.d, end.ErrorRef)
	for _, b := range sc.Nodes {
		if b.Kind == KindBoundaryEvent && b.IsError && b.AttachedTo == host.ID &&
			(b.ErrorRef == "" || errorCode(r.d, b.ErrorRef) == code) {
			return b
		}
	}
	return nil
}

// normalizeVars copies vars, turning Go's other integer and float types into int64 and float64 and
// refusing types a JUEL condition could not compare.
func normalizeVars(in map[string]any) (Vars, error) {
	out := make(Vars, len(in))
	for k, v := range in {
		n, err := normalize(v)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

func normalize(v any) (any, error) {
	switch t := v.(type) {
	case nil, string, bool, int64, float64:
		return t, nil
	case int:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case float32:
		return float64(t), nil
	}
	return nil, fmt.Errorf("type %T is not a string, bool, int64 or float64", v)
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// describe renders a command line for events and logs.
func describe(c ShellCommand) string {
	parts := append([]string{c.Command}, c.Args...)
	for i, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t\n'\"") {
			parts[i] = strconv.Quote(p)
		}
	}
	return strings.Join(parts, " ")
}

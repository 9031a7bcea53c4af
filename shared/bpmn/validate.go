package bpmn

import (
	"fmt"
	"regexp"
	"slices"
)

// Validate checks that d uses only the subset the engine executes and that Activiti would accept it
// as the engine runs it. It reports every problem found, sorted by line, each naming the element id.
func (d *Definitions) Validate() error {
	v := &validator{d: d, probs: slices.Clone(d.problems), ids: map[string]int{}}
	v.definitions()
	return joinProblems("validate bpmn", v.probs)
}

type validator struct {
	d     *Definitions
	probs []problem
	ids   map[string]int // id -> line of first use
}

func (v *validator) add(line int, id, format string, args ...any) {
	v.probs = append(v.probs, problem{line: line, id: id, msg: fmt.Sprintf(format, args...)})
}

// id records an element id and reports a missing or duplicate one.
func (v *validator) id(line int, id, what string) {
	switch first, dup := v.ids[id]; {
	case id == "":
		v.add(line, "", "%s without an id", what)
	case dup:
		v.add(line, id, "id used twice (first on line %d)", first)
	default:
		v.ids[id] = line
	}
}

func (v *validator) definitions() {
	for _, m := range v.d.Messages {
		v.id(m.Line, m.ID, "message")
		if m.Name == "" {
			v.add(m.Line, m.ID, "message without a name (a message start is triggered by name)")
		}
	}
	for _, e := range v.d.Errors {
		v.id(e.Line, e.ID, "error")
	}
	if len(v.d.Processes) != 1 {
		v.add(1, v.d.ID, "want exactly one process, found %d", len(v.d.Processes))
	}
	for _, p := range v.d.Processes {
		v.id(p.Line, p.ID, "process")
		if !p.IsExecutable {
			v.add(p.Line, p.ID, `process is not executable (isExecutable="false")`)
		}
		v.scope(&p.Scope, nil, nil)
	}
}

// scopeIndex is a scope's nodes by id and its flows by source and target, in document order.
type scopeIndex struct {
	byID    map[string]*Node
	in, out map[string][]*SequenceFlow
}

func indexScope(sc *Scope) *scopeIndex {
	ix := &scopeIndex{byID: map[string]*Node{}, in: map[string][]*SequenceFlow{}, out: map[string][]*SequenceFlow{}}
	for _, n := range sc.Nodes {
		ix.byID[n.ID] = n
	}
	for _, f := range sc.Flows {
		ix.out[f.Source] = append(ix.out[f.Source], f)
		ix.in[f.Target] = append(ix.in[f.Target], f)
	}
	return ix
}

// scope checks one process or sub-process; host is the sub-process node and parent its scope.
func (v *validator) scope(sc *Scope, host *Node, parent *Scope) {
	ix := indexScope(sc)
	for _, f := range sc.Flows {
		v.flow(f, ix)
	}
	v.startEvents(sc, host)
	for _, n := range sc.Nodes {
		v.id(n.Line, n.ID, string(n.Kind))
		v.refs(n, ix)
		v.node(n, ix, sc, host, parent)
	}
	v.reachable(sc, ix)
}

func (v *validator) flow(f *SequenceFlow, ix *scopeIndex) {
	v.id(f.Line, f.ID, "sequenceFlow")
	for _, end := range [][2]string{{"sourceRef", f.Source}, {"targetRef", f.Target}} {
		if ix.byID[end[1]] == nil {
			v.add(f.Line, f.ID, "%s %q is not a flow node of the same (sub-)process", end[0], end[1])
		}
	}
	if f.Condition == "" {
		return
	}
	if src := ix.byID[f.Source]; src != nil && src.Kind != KindExclusiveGateway {
		v.add(f.ConditionLine, f.ID, "a condition on a flow that does not leave an exclusive gateway is outside the subset")
	}
	if _, err := parseCondition(f.Condition); err != nil {
		v.add(f.ConditionLine, f.ID, "condition %s: %v", f.Condition, err)
	}
}

// startEvents checks that the engine knows where to start: one none start event (a process may
// instead or also have message starts; a sub-process has exactly one none start).
func (v *validator) startEvents(sc *Scope, host *Node) {
	none, message := 0, 0
	for _, n := range sc.Nodes {
		if n.Kind == KindStartEvent && n.MessageRef == "" {
			none++
		} else if n.Kind == KindStartEvent {
			message++
		}
	}
	line, id := 1, ""
	if host != nil {
		line, id = host.Line, host.ID
	}
	switch {
	case host != nil && (none != 1 || message != 0):
		v.add(line, id, "a sub-process needs exactly one none start event (found %d none, %d message)", none, message)
	case none > 1:
		v.add(line, id, "more than one none start event")
	case none+message == 0:
		v.add(line, id, "no start event")
	}
}

// refs checks the declared incoming/outgoing references against the flows that really connect the
// node: bpmnlint and bpmn-auto-layout follow the references, the engine follows the flows.
func (v *validator) refs(n *Node, ix *scopeIndex) {
	for _, dir := range []struct {
		name, prep string
		declared   []string
		actual     []*SequenceFlow
	}{{"incoming", "into", n.Incoming, ix.in[n.ID]}, {"outgoing", "out of", n.Outgoing, ix.out[n.ID]}} {
		if len(dir.declared) == 0 {
			continue
		}
		var ids []string
		for _, f := range dir.actual {
			ids = append(ids, f.ID)
		}
		for _, id := range dir.declared {
			if !slices.Contains(ids, id) {
				v.add(n.Line, n.ID, "%s %q is not a sequence flow %s this node", dir.name, id, dir.prep)
			}
		}
		for _, id := range ids {
			if !slices.Contains(dir.declared, id) {
				v.add(n.Line, n.ID, "sequence flow %q is missing from the node's <%s> list", id, dir.name)
			}
		}
	}
}

func (v *validator) node(n *Node, ix *scopeIndex, sc *Scope, host *Node, parent *Scope) {
	in, out := len(ix.in[n.ID]), len(ix.out[n.ID])
	switch n.Kind {
	case KindStartEvent:
		v.degree(n, in, out, 0, 0, 1, 1)
		if n.MessageRef != "" && !slices.ContainsFunc(v.d.Messages, func(m Message) bool { return m.ID == n.MessageRef }) {
			v.add(n.Line, n.ID, "messageRef %q names no message", n.MessageRef)
		}
	case KindEndEvent:
		v.degree(n, in, out, 1, -1, 0, 0)
		if n.IsError {
			v.errorEnd(n, host, parent)
		}
	case KindServiceTask, KindUserTask, KindSubProcess:
		v.degree(n, in, out, 1, -1, 1, 1)
	case KindExclusiveGateway:
		v.degree(n, in, out, 1, -1, 1, -1)
		v.gateway(n, ix)
	case KindBoundaryEvent:
		v.degree(n, in, out, 0, 0, 1, 1)
		v.boundary(n, ix, sc)
	}
	if n.Shell != nil {
		v.shell(n)
	}
	if n.Sub != nil {
		v.scope(n.Sub, n, sc)
	}
}

// degree checks the number of incoming and outgoing flows against bounds (-1: no upper bound).
func (v *validator) degree(n *Node, in, out, minIn, maxIn, minOut, maxOut int) {
	check := func(k, lo, hi int, dir string) {
		switch {
		case k < lo && lo == 1:
			v.add(n.Line, n.ID, "%s needs an %s sequence flow", n.Kind, dir)
		case hi == 0 && k > 0:
			v.add(n.Line, n.ID, "%s cannot have %s sequence flows", n.Kind, dir)
		case hi > 0 && k > hi && dir == "outgoing":
			v.add(n.Line, n.ID, "%s has %d outgoing flows: more than one forks the token (a parallel split), "+
				"outside the subset; use an exclusive gateway", n.Kind, k)
		}
	}
	check(in, minIn, maxIn, "incoming")
	check(out, minOut, maxOut, "outgoing")
}

func (v *validator) gateway(n *Node, ix *scopeIndex) {
	out := ix.out[n.ID]
	if n.Default != "" && !slices.ContainsFunc(out, func(f *SequenceFlow) bool { return f.ID == n.Default }) {
		v.add(n.Line, n.ID, "default flow %q is not an outgoing flow of the gateway", n.Default)
	}
	for _, f := range out {
		switch {
		case f.ID == n.Default && f.Condition != "":
			v.add(f.Line, f.ID, "the default flow of gateway %q must not have a condition", n.ID)
		case f.ID != n.Default && f.Condition == "" && len(out) > 1:
			v.add(f.Line, f.ID, "flow out of gateway %q needs a condition (or be the gateway's default)", n.ID)
		}
	}
}

// errorKey is what an error event throws or catches: the error's errorCode, or, as in Activiti, the
// reference itself when no error element has that id.
func (v *validator) errorKey(ref string) (string, bool) {
	for _, e := range v.d.Errors {
		if e.ID == ref && e.ErrorCode != "" {
			return e.ErrorCode, true
		}
		if e.ID == ref {
			return e.ID, true
		}
	}
	return ref, false
}

// errorCode is errorKey for the engine.
func errorCode(d *Definitions, ref string) string {
	code, _ := (&validator{d: d}).errorKey(ref)
	return code
}

// errorEnd checks that an error end event sits in a sub-process with a boundary event that catches it.
func (v *validator) errorEnd(n *Node, host *Node, parent *Scope) {
	code, ok := v.errorKey(n.ErrorRef)
	if !ok {
		v.add(n.Line, n.ID, "errorRef %q names no error", n.ErrorRef)
	}
	if host == nil {
		v.add(n.Line, n.ID, "an error end event is allowed only inside a sub-process whose boundary error event catches it")
		return
	}
	for _, b := range parent.Nodes {
		if b.Kind == KindBoundaryEvent && b.IsError && b.AttachedTo == host.ID {
			if c, _ := v.errorKey(b.ErrorRef); b.ErrorRef == "" || c == code {
				return
			}
		}
	}
	v.add(n.Line, n.ID, "no boundary error event on sub-process %q catches error %q", host.ID, code)
}

func (v *validator) boundary(n *Node, ix *scopeIndex, sc *Scope) {
	host := ix.byID[n.AttachedTo]
	if host == nil {
		v.add(n.Line, n.ID, "attachedToRef %q is not a flow node of the same (sub-)process", n.AttachedTo)
		return
	}
	switch {
	case n.Timer != nil:
		v.timerBoundary(n, host, sc)
	case n.IsError:
		if host.Kind != KindSubProcess {
			v.add(n.Line, n.ID, "a boundary error event is allowed only on a sub-process "+
				"(Activiti never raises a BPMN error from a shell task)")
		}
		if _, ok := v.errorKey(n.ErrorRef); n.ErrorRef != "" && !ok {
			v.add(n.Line, n.ID, "errorRef %q names no error", n.ErrorRef)
		}
	}
}

func (v *validator) timerBoundary(n, host *Node, sc *Scope) {
	if host.Kind != KindUserTask {
		v.add(n.Line, n.ID, "a boundary timer is allowed only on a user task")
	}
	if !n.CancelActivity {
		v.add(n.Line, n.ID, `a non-interrupting timer (cancelActivity="false") is outside the subset`)
	}
	if _, err := parseISODuration(n.Timer.Duration); err != nil {
		v.add(n.Timer.Line, n.ID, "timeDuration: %v", err)
	}
	for _, o := range sc.Nodes {
		if o != n && o.Kind == KindBoundaryEvent && o.Timer != nil && o.AttachedTo == host.ID {
			v.add(n.Line, n.ID, "user task %q has more than one boundary timer", host.ID)
			return
		}
	}
}

// reachable reports nodes that no path from a start event reaches; a boundary event is reached with
// its host.
func (v *validator) reachable(sc *Scope, ix *scopeIndex) {
	seen := map[string]bool{}
	var queue []*Node
	for _, n := range sc.Nodes {
		if n.Kind == KindStartEvent {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		for _, f := range ix.out[n.ID] {
			if t := ix.byID[f.Target]; t != nil {
				queue = append(queue, t)
			}
		}
		for _, b := range sc.Nodes {
			if b.Kind == KindBoundaryEvent && b.AttachedTo == n.ID {
				queue = append(queue, b)
			}
		}
	}
	for _, n := range sc.Nodes {
		if !seen[n.ID] && n.Kind != KindStartEvent {
			v.add(n.Line, n.ID, "not reachable from a start event")
		}
	}
}

// shellFields are the fields ShellActivityBehavior reads; flags must be literal true or false.
var (
	shellFields = []string{"command", "arg1", "arg2", "arg3", "arg4", "arg5", "wait", "redirectError",
		"cleanEnv", "directory", "outputVariable", "errorCodeVariable"}
	shellFlags = []string{"wait", "redirectError", "cleanEnv"}
	argN       = regexp.MustCompile(`^arg[0-9]+$`)
)

func (v *validator) shell(n *Node) {
	if _, ok := n.Shell.Fields["command"]; !ok {
		v.add(n.Line, n.ID, "shell task without a command field")
	}
	for _, name := range sortedKeys(n.Shell.Fields) {
		f := n.Shell.Fields[name]
		switch {
		case argN.MatchString(name) && !slices.Contains(shellFields, name):
			v.add(f.Line, n.ID, "field %s: Activiti passes only arg1..arg5 and silently drops the rest", name)
		case !slices.Contains(shellFields, name):
			v.add(f.Line, n.ID, "unknown shell task field %q (Activiti ignores it silently)", name)
		case slices.Contains(shellFlags, name):
			v.shellFlag(n, f)
		case f.IsExpression:
			if _, err := parseTemplate(f.Value); err != nil {
				v.add(f.Line, n.ID, "field %s: expression %s: %v", name, f.Value, err)
			}
		case containsEL(f.Value):
			v.add(f.Line, n.ID, "field %s: Activiti uses a stringValue literally, ${...} included; use expression=", name)
		}
	}
}

func (v *validator) shellFlag(n *Node, f Field) {
	switch {
	case f.IsExpression:
		v.add(f.Line, n.ID, "field %s must be a literal stringValue true or false (Activiti's validator)", f.Name)
	case f.Value != "true" && f.Value != "false":
		v.add(f.Line, n.ID, "field %s must be true or false, not %q", f.Name, f.Value)
	case f.Name == "wait" && f.Value == "false":
		v.add(f.Line, n.ID, "wait=false is outside the subset: Activiti would set neither the output nor the exit code")
	}
}

var elStart = regexp.MustCompile(`[$#]\{`)

func containsEL(s string) bool { return elStart.MatchString(s) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

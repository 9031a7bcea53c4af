package bpmn

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Parse reads a BPMN 2.0 XML document into the model. It fails only on malformed XML or a root that is
// not a BPMN definitions element; elements and attributes outside the subset are recorded, with their
// lines, and reported by Validate.
func Parse(r io.Reader) (*Definitions, error) {
	root, err := readTree(r)
	if err != nil {
		return nil, fmt.Errorf("parse bpmn: %w", err)
	}
	if root.name.Space != nsModel || root.name.Local != "definitions" {
		return nil, fmt.Errorf("parse bpmn: line %d: root element is {%s}%s, want definitions in namespace %s",
			root.line, root.name.Space, root.name.Local, nsModel)
	}
	b := &builder{d: &Definitions{}}
	b.definitions(root)
	return b.d, nil
}

// ParseFile is Parse on a file; errors name the file.
func ParseFile(path string) (*Definitions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// builder turns the element tree into the model, noting what lies outside the subset.
type builder struct {
	d *Definitions
}

func (b *builder) problem(n *xnode, format string, args ...any) {
	b.d.problems = append(b.d.problems, problem{line: n.line, id: n.attr("", "id"), msg: fmt.Sprintf(format, args...)})
}

// outside reports an element the subset does not have, with a reason where one helps.
func (b *builder) outside(n *xnode) {
	if n.name.Space != nsModel {
		b.problem(n, "element {%s}%s is outside the subset", n.name.Space, n.name.Local)
		return
	}
	why := map[string]string{
		"parallelGateway":  "parallel gateways are outside the subset (the engine runs a single token)",
		"inclusiveGateway": "inclusive gateways are outside the subset (the engine runs a single token)",
		"scriptTask":       "script tasks are outside the subset (use a shell service task)",
		"sendTask":         "send tasks need Java code in the Activiti application",
		"businessRuleTask": "business rule tasks need Java code in the Activiti application",
		"task":             "tasks without a type do nothing in Activiti; use a shell service task",
	}[n.name.Local]
	if why == "" {
		why = "element <" + n.name.Local + "> is outside the subset"
	}
	b.problem(n, "%s", why)
}

// activitiHints explain why common Activiti attributes are rejected.
var activitiHints = map[string]string{
	"class":              "needs Java code in the Activiti application",
	"delegateExpression": "needs a Java bean in the Activiti application",
	"expression":         "needs a Java bean in the Activiti application",
	"async":              "asynchronous continuations are outside the subset",
}

// checkAttrs records every attribute that is not in plain (unprefixed) or activiti (activiti:).
func (b *builder) checkAttrs(n *xnode, plain, activiti []string) {
	for _, a := range n.attrs {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space == "":
			if a.Name.Local != "id" && !slices.Contains(plain, a.Name.Local) {
				b.problem(n, "attribute %s on <%s> is outside the subset", a.Name.Local, n.name.Local)
			}
		case a.Name.Space == nsActiviti:
			if slices.Contains(activiti, a.Name.Local) {
				continue
			}
			hint := activitiHints[a.Name.Local]
			if hint == "" {
				hint = "unknown to the subset (Activiti ignores a misspelt name silently)"
			}
			b.problem(n, "attribute activiti:%s on <%s>: %s", a.Name.Local, n.name.Local, hint)
		default:
			b.problem(n, "attribute {%s}%s on <%s> is outside the subset", a.Name.Space, a.Name.Local, n.name.Local)
		}
	}
}

func (b *builder) definitions(n *xnode) {
	b.d.ID = n.attr("", "id")
	b.d.TargetNamespace = n.attr("", "targetNamespace")
	b.checkAttrs(n, []string{"name", "targetNamespace", "expressionLanguage", "typeLanguage",
		"exporter", "exporterVersion"}, nil)
	for _, c := range n.children {
		switch {
		case c.name.Space == nsBPMNDI && c.name.Local == "BPMNDiagram":
			b.d.Diagrams = append(b.d.Diagrams, parseDiagram(c))
		case c.name.Space != nsModel:
			b.outside(c)
		case c.name.Local == "process":
			b.process(c)
		case c.name.Local == "message":
			b.checkAttrs(c, []string{"name"}, nil)
			b.d.Messages = append(b.d.Messages, Message{ID: c.attr("", "id"), Name: c.attr("", "name"), Line: c.line})
		case c.name.Local == "error":
			b.checkAttrs(c, []string{"name", "errorCode"}, nil)
			b.d.Errors = append(b.d.Errors, ErrorDef{ID: c.attr("", "id"), Name: c.attr("", "name"),
				ErrorCode: c.attr("", "errorCode"), Line: c.line})
		case c.name.Local == "documentation":
		default:
			b.outside(c)
		}
	}
}

func (b *builder) process(n *xnode) {
	b.checkAttrs(n, []string{"name", "isExecutable"}, []string{"candidateStarterUsers", "candidateStarterGroups"})
	p := &Process{ID: n.attr("", "id"), Name: n.attr("", "name"), Line: n.line, IsExecutable: true}
	switch v, _ := n.lookup("", "isExecutable"); v {
	case "", "true":
	case "false":
		p.IsExecutable = false
	default:
		b.problem(n, "isExecutable must be true or false, not %q", v)
	}
	b.scope(n, &p.Scope, nil)
	b.d.Processes = append(b.d.Processes, p)
}

// scope reads the flow elements of a process or sub-process; host is the sub-process node, whose own
// incoming/outgoing references sit among its flow elements.
func (b *builder) scope(n *xnode, sc *Scope, host *Node) {
	for _, c := range n.children {
		if c.name.Space != nsModel {
			b.outside(c)
			continue
		}
		switch c.name.Local {
		case "documentation":
		case "incoming", "outgoing":
			if host == nil {
				b.outside(c)
				continue
			}
			b.ref(host, c)
		case "sequenceFlow":
			sc.Flows = append(sc.Flows, b.flow(c))
		default:
			if node := b.node(c); node != nil {
				sc.Nodes = append(sc.Nodes, node)
			}
		}
	}
}

// node reads one flow node, or returns nil for an element outside the subset.
func (b *builder) node(n *xnode) *Node {
	node := &Node{Kind: NodeKind(n.name.Local), ID: n.attr("", "id"), Name: n.attr("", "name"), Line: n.line}
	switch node.Kind {
	case KindStartEvent:
		b.startEvent(n, node)
	case KindEndEvent:
		b.endEvent(n, node)
	case KindBoundaryEvent:
		b.boundaryEvent(n, node)
	case KindServiceTask:
		b.serviceTask(n, node)
	case KindUserTask:
		b.userTask(n, node)
	case KindExclusiveGateway:
		b.checkAttrs(n, []string{"name", "default", "gatewayDirection"}, nil)
		node.Default = n.attr("", "default")
		b.children(n, node, nil)
	case KindSubProcess:
		b.checkAttrs(n, []string{"name", "triggeredByEvent"}, nil)
		if v := n.attr("", "triggeredByEvent"); v == "true" {
			b.problem(n, "event sub-processes are outside the subset")
		}
		node.Sub = &Scope{}
		b.scope(n, node.Sub, node)
	default:
		b.outside(n)
		return nil
	}
	return node
}

// ref appends an <incoming> or <outgoing> reference to node.
func (b *builder) ref(node *Node, c *xnode) {
	id := strings.TrimSpace(c.text.String())
	if c.name.Local == "incoming" {
		node.Incoming = append(node.Incoming, id)
	} else {
		node.Outgoing = append(node.Outgoing, id)
	}
}

// children reads the children every flow node may have (incoming, outgoing, documentation) and hands
// the others to other; with other nil they are outside the subset.
func (b *builder) children(n *xnode, node *Node, other func(c *xnode)) {
	for _, c := range n.children {
		switch {
		case c.name.Space == nsModel && (c.name.Local == "incoming" || c.name.Local == "outgoing"):
			b.ref(node, c)
		case c.name.Space == nsModel && c.name.Local == "documentation":
		case other != nil:
			other(c)
		default:
			b.outside(c)
		}
	}
}

// localRef strips a namespace prefix from a QName reference such as tns:msgAlert.
func localRef(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func (b *builder) startEvent(n *xnode, node *Node) {
	b.checkAttrs(n, []string{"name", "isInterrupting"}, nil)
	b.children(n, node, func(c *xnode) {
		if c.name.Space == nsModel && c.name.Local == "messageEventDefinition" && node.MessageRef == "" {
			b.checkAttrs(c, []string{"messageRef"}, nil)
			node.MessageRef = localRef(c.attr("", "messageRef"))
			if node.MessageRef == "" {
				b.problem(c, "messageEventDefinition needs a messageRef")
			}
			return
		}
		b.problem(c, "start event definition <%s> is outside the subset (none or one message only)", c.name.Local)
	})
}

func (b *builder) endEvent(n *xnode, node *Node) {
	b.checkAttrs(n, []string{"name"}, nil)
	b.children(n, node, func(c *xnode) {
		if c.name.Space == nsModel && c.name.Local == "errorEventDefinition" && !node.IsError {
			b.checkAttrs(c, []string{"errorRef"}, nil)
			node.IsError, node.ErrorRef = true, localRef(c.attr("", "errorRef"))
			return
		}
		b.problem(c, "end event definition <%s> is outside the subset (none or one error only)", c.name.Local)
	})
}

func (b *builder) boundaryEvent(n *xnode, node *Node) {
	b.checkAttrs(n, []string{"name", "attachedToRef", "cancelActivity"}, nil)
	node.AttachedTo = n.attr("", "attachedToRef")
	switch v, _ := n.lookup("", "cancelActivity"); v {
	case "", "true":
		node.CancelActivity = true
	case "false":
	default:
		b.problem(n, "cancelActivity must be true or false, not %q", v)
	}
	defs := 0
	b.children(n, node, func(c *xnode) {
		defs++
		switch {
		case defs > 1:
			b.problem(c, "a boundary event may have only one event definition")
		case c.name.Space == nsModel && c.name.Local == "errorEventDefinition":
			b.checkAttrs(c, []string{"errorRef"}, nil)
			node.IsError, node.ErrorRef = true, localRef(c.attr("", "errorRef"))
		case c.name.Space == nsModel && c.name.Local == "timerEventDefinition":
			node.Timer = b.timer(c)
		default:
			b.problem(c, "boundary event definition <%s> is outside the subset (timer or error only)", c.name.Local)
		}
	})
	if defs == 0 {
		b.problem(n, "boundary event without an event definition")
	}
}

func (b *builder) timer(n *xnode) *Timer {
	b.checkAttrs(n, nil, nil)
	t := &Timer{Line: n.line}
	for _, c := range n.children {
		if c.name.Space == nsModel && c.name.Local == "timeDuration" && t.Duration == "" {
			t.Duration = strings.TrimSpace(c.text.String())
			continue
		}
		b.problem(c, "timer <%s> is outside the subset (one timeDuration only)", c.name.Local)
	}
	return t
}

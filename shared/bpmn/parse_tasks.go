package bpmn

import (
	"regexp"
	"strings"
)

func (b *builder) flow(n *xnode) *SequenceFlow {
	b.checkAttrs(n, []string{"name", "sourceRef", "targetRef"}, nil)
	f := &SequenceFlow{ID: n.attr("", "id"), Name: n.attr("", "name"), Line: n.line,
		Source: n.attr("", "sourceRef"), Target: n.attr("", "targetRef")}
	for _, c := range n.children {
		switch {
		case c.name.Space == nsModel && c.name.Local == "documentation":
		case c.name.Space == nsModel && c.name.Local == "conditionExpression" && f.ConditionLine == 0:
			b.condition(c, f)
		default:
			b.problem(c, "element <%s> in a sequence flow is outside the subset", c.name.Local)
		}
	}
	return f
}

func (b *builder) condition(n *xnode, f *SequenceFlow) {
	f.ConditionLine = n.line
	// Activiti trims the condition text before handing it to JUEL.
	f.Condition = strings.TrimSpace(n.text.String())
	for _, a := range n.attrs {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space == nsXSI && a.Name.Local == "type":
			if localRef(a.Value) != "tFormalExpression" {
				b.problem(n, "conditionExpression xsi:type must be tFormalExpression, not %q", a.Value)
			}
		case a.Name.Space == "" && a.Name.Local == "language":
			b.problem(n, "a condition with a language attribute is a script, outside the subset")
		default:
			b.problem(n, "attribute %s on <conditionExpression> is outside the subset", a.Name.Local)
		}
	}
	if _, ok := n.lookup(nsXSI, "type"); !ok {
		b.problem(n, `conditionExpression needs xsi:type="tFormalExpression"`)
	}
	if f.Condition == "" {
		b.problem(n, "empty conditionExpression")
	}
	for _, c := range n.children {
		b.problem(c, "element <%s> inside a condition is outside the subset", c.name.Local)
	}
}

func (b *builder) serviceTask(n *xnode, node *Node) {
	b.checkAttrs(n, []string{"name"}, []string{"type"})
	switch typ := n.attr(nsActiviti, "type"); typ {
	case "shell":
		node.Shell = &ShellTask{Fields: map[string]Field{}}
	case "":
		b.problem(n, `service task without activiti:type="shell" is outside the subset`)
	default:
		b.problem(n, `service task type %q is outside the subset (shell only)`, typ)
	}
	b.children(n, node, func(c *xnode) {
		if c.name.Space != nsModel || c.name.Local != "extensionElements" {
			b.outside(c)
			return
		}
		for _, e := range c.children {
			if e.name.Space != nsActiviti || e.name.Local != "field" {
				b.problem(e, "extension element <%s> of a service task is outside the subset (activiti:field only)", e.name.Local)
				continue
			}
			if node.Shell != nil {
				b.field(e, node.Shell)
			}
		}
	})
}

// field reads one activiti:field. Activiti keeps a stringValue as it is and evaluates an expression.
func (b *builder) field(n *xnode, st *ShellTask) {
	b.checkAttrs(n, []string{"name", "stringValue", "expression"}, nil)
	f := Field{Name: n.attr("", "name"), Line: n.line}
	values := 0
	if v, ok := n.lookup("", "stringValue"); ok {
		f.Value, values = v, values+1
	}
	if v, ok := n.lookup("", "expression"); ok {
		f.Value, f.IsExpression, values = v, true, values+1
	}
	for _, c := range n.children {
		if c.name.Space != nsActiviti || c.name.Local != "string" && c.name.Local != "expression" {
			b.problem(c, "element <%s> in activiti:field is outside the subset", c.name.Local)
			continue
		}
		b.checkAttrs(c, nil, nil)
		f.Value, f.IsExpression, values = strings.TrimSpace(c.text.String()), c.name.Local == "expression", values+1
	}
	switch {
	case f.Name == "":
		b.problem(n, "activiti:field without a name")
	case values != 1:
		b.problem(n, "field %s needs exactly one value (stringValue, expression, or one child)", f.Name)
	case st.Fields[f.Name].Line != 0:
		b.problem(n, "field %s given twice", f.Name)
	default:
		st.Fields[f.Name] = f
	}
}

func (b *builder) userTask(n *xnode, node *Node) {
	b.checkAttrs(n, []string{"name"}, []string{"assignee", "candidateUsers", "candidateGroups", "formKey"})
	node.User = &UserTask{ID: node.ID, Name: node.Name, Assignee: n.attr(nsActiviti, "assignee"),
		CandidateUsers: n.attr(nsActiviti, "candidateUsers"), CandidateGroups: n.attr(nsActiviti, "candidateGroups"),
		FormKey: n.attr(nsActiviti, "formKey")}
	b.children(n, node, func(c *xnode) {
		if c.name.Space != nsModel || c.name.Local != "extensionElements" {
			b.outside(c)
			return
		}
		for _, e := range c.children {
			if e.name.Space != nsActiviti || e.name.Local != "formProperty" {
				b.problem(e, "extension element <%s> of a user task is outside the subset (activiti:formProperty only)", e.name.Local)
				continue
			}
			node.User.FormProperties = append(node.User.FormProperties, b.formProperty(e))
		}
	})
}

// formTypes are the form property types Activiti 6 knows without custom Java types.
var formTypes = regexp.MustCompile(`^(|string|long|boolean|enum|date)$`)

func (b *builder) formProperty(n *xnode) FormProperty {
	b.checkAttrs(n, []string{"name", "type", "required", "readable", "writable", "variable", "default", "datePattern"}, nil)
	fp := FormProperty{ID: n.attr("", "id"), Name: n.attr("", "name"), Type: n.attr("", "type"),
		Variable: n.attr("", "variable"), Required: n.attr("", "required") == "true"}
	if fp.ID == "" {
		b.problem(n, "activiti:formProperty without an id")
	}
	if !formTypes.MatchString(fp.Type) {
		b.problem(n, "form property type %q is outside the subset (string, long, boolean, enum, date)", fp.Type)
	}
	for _, c := range n.children {
		if c.name.Space != nsActiviti || c.name.Local != "value" {
			b.problem(c, "element <%s> in activiti:formProperty is outside the subset", c.name.Local)
			continue
		}
		b.checkAttrs(c, []string{"name"}, nil)
	}
	return fp
}

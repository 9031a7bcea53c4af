package mal

import (
	"fmt"
	"strings"
)

// expr is a MAL set expression: what a step reaches (`a.b.step`), what a condition requires,
// or a variable's value. It evaluates, on one object, to a set of objects.
type expr struct {
	op   exprOp
	name string // field, variable or subtype name
	l, r *expr  // operands; l alone for trans and sub
	path []*expr
}

type exprOp uint8

const (
	exField exprOp = iota
	exVar
	exPath
	exUnion
	exInter
	exDiff
	exTrans
	exSub
)

// reach is a parsed `->` target: a path of objects and the step reached on each of them.
type reach struct {
	path *expr // nil: the step on the same object
	step string
	text string
}

// parseReach parses "a.b.(c \/ d).step"; the last component is the step.
func parseReach(s string) (reach, error) {
	p := &exprParser{src: s}
	e, err := p.steps()
	if err == nil && p.skip() < len(p.src) {
		err = fmt.Errorf("unexpected %q", p.src[p.pos:])
	}
	if err != nil {
		return reach{}, fmt.Errorf("parse %q: %w", s, err)
	}
	last := e.path[len(e.path)-1]
	if last.op != exField {
		return reach{}, fmt.Errorf("parse %q: does not end in a step name", s)
	}
	r := reach{step: last.name, text: s}
	if len(e.path) > 1 {
		r.path = &expr{op: exPath, path: e.path[:len(e.path)-1]}
	}
	return r, nil
}

// parseSet parses a whole set expression (requirements and variables).
func parseSet(s string) (*expr, error) {
	p := &exprParser{src: s}
	e, err := p.expr()
	if err == nil && p.skip() < len(p.src) {
		err = fmt.Errorf("unexpected %q", p.src[p.pos:])
	}
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", s, err)
	}
	return e, nil
}

type exprParser struct {
	src   string
	pos   int
	depth int
}

func (p *exprParser) skip() int {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
	return p.pos
}

func (p *exprParser) eat(tok string) bool {
	if strings.HasPrefix(p.src[p.skip():], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

// expr = steps {(\/ | /\ | -) steps}, left-associative.
func (p *exprParser) expr() (*expr, error) {
	l, err := p.steps()
	for err == nil {
		var op exprOp
		switch {
		case p.eat(`\/`):
			op = exUnion
		case p.eat(`/\`):
			op = exInter
		case p.eat("-"):
			op = exDiff
		default:
			return l, nil
		}
		var r *expr
		if r, err = p.steps(); err == nil {
			l = &expr{op: op, l: l, r: r}
		}
	}
	return nil, err
}

// steps = unit {. unit}
func (p *exprParser) steps() (*expr, error) {
	e := &expr{op: exPath}
	for {
		u, err := p.unit()
		if err != nil {
			return nil, err
		}
		e.path = append(e.path, u)
		if !p.eat(".") {
			return e, nil
		}
	}
}

// unit = (expr) | name() | name, then any number of * and [Type].
func (p *exprParser) unit() (*expr, error) {
	if p.depth++; p.depth > 50 {
		return nil, fmt.Errorf("nested too deeply")
	}
	defer func() { p.depth-- }()
	var u *expr
	if p.eat("(") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, fmt.Errorf("missing )")
		}
		u = e
	} else {
		name := p.ident()
		if name == "" {
			return nil, fmt.Errorf("expected a name at offset %d", p.pos)
		}
		u = &expr{op: exField, name: name}
		if p.eat("()") {
			u.op = exVar
		}
	}
	for {
		switch {
		case p.eat("*"):
			u = &expr{op: exTrans, l: u}
		case p.eat("["):
			name := p.ident()
			if name == "" || !p.eat("]") {
				return nil, fmt.Errorf("bad subtype at offset %d", p.pos)
			}
			u = &expr{op: exSub, name: name, l: u}
		default:
			return u, nil
		}
	}
}

func (p *exprParser) ident() string {
	start := p.skip()
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

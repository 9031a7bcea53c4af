package bpmn

import (
	"fmt"
	"strconv"
	"strings"
)

// expr is a parsed JUEL expression node.
type expr interface {
	eval(e *evalEnv) (any, error)
}

type (
	litExpr   struct{ v any }
	varExpr   struct{ name string }
	unaryExpr struct {
		op string // "!", "-", "empty"
		x  expr
	}
	binaryExpr struct {
		op   string // normalised: "==", "!=", "<", ">", "<=", ">=", "&&", "||"
		l, r expr
	}
	callExpr struct {
		recv   expr
		method string
		args   []expr
	}
)

// keywordOps maps EL's word operators to their symbols.
var keywordOps = map[string]string{
	"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=",
	"lt": "<", "gt": ">", "le": "<=", "ge": ">=",
}

// unsupportedWords are EL reserved words outside the subset.
var unsupportedWords = map[string]bool{"div": true, "mod": true, "instanceof": true}

// parser is a recursive-descent parser over EL's precedence levels, lowest first:
// or, and, equality, relational, unary, method call, primary.
type parser struct {
	lx  lexer
	tok token
}

// parseEmbedded parses the expression that starts at offset pos of src (just after "${") and returns
// it with the offset after its closing brace.
func parseEmbedded(src string, pos int) (expr, int, error) {
	p := &parser{lx: lexer{src: src, pos: pos}}
	if err := p.advance(); err != nil {
		return nil, 0, err
	}
	x, err := p.or()
	if err != nil {
		return nil, 0, err
	}
	if p.tok.kind != tokEnd {
		return nil, 0, p.unsupportedOr("'}'")
	}
	return x, p.lx.pos, nil
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) unexpected(want string) error {
	switch p.tok.kind {
	case tokEOF:
		return fmt.Errorf("unexpected end of expression, want %s", want)
	case tokString:
		return fmt.Errorf("unexpected string at offset %d, want %s", p.tok.pos, want)
	}
	return fmt.Errorf("unexpected %q at offset %d, want %s", p.tok.text, p.tok.pos, want)
}

// binaryOp returns the normalised operator if the current token is one of ops.
func (p *parser) binaryOp(ops ...string) (string, bool) {
	text := p.tok.text
	if p.tok.kind == tokIdent {
		text = keywordOps[text]
	} else if p.tok.kind != tokOp {
		return "", false
	}
	for _, op := range ops {
		if text == op {
			return op, true
		}
	}
	return "", false
}

// level parses one left-associative binary precedence level.
func (p *parser) level(next func() (expr, error), ops ...string) (expr, error) {
	l, err := next()
	if err != nil {
		return nil, err
	}
	for {
		op, ok := p.binaryOp(ops...)
		if !ok {
			return l, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := next()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{op: op, l: l, r: r}
	}
}

func (p *parser) or() (expr, error)  { return p.level(p.and, "||") }
func (p *parser) and() (expr, error) { return p.level(p.equality, "&&") }
func (p *parser) equality() (expr, error) {
	return p.level(p.relational, "==", "!=")
}
func (p *parser) relational() (expr, error) {
	return p.level(p.unary, "<", ">", "<=", ">=")
}

func (p *parser) unary() (expr, error) {
	op := ""
	switch {
	case p.tok.kind == tokOp && (p.tok.text == "!" || p.tok.text == "-"):
		op = p.tok.text
	case p.tok.kind == tokIdent && (p.tok.text == "not" || p.tok.text == "empty"):
		op = p.tok.text
		if op == "not" {
			op = "!"
		}
	default:
		return p.postfix()
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &unaryExpr{op: op, x: x}, nil
}

// postfix parses method calls on a primary: verdict.trim().equals('x').
func (p *parser) postfix() (expr, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOp && p.tok.text == "." {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tokIdent {
			return nil, p.unexpected("a method name")
		}
		name := p.tok.text
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tokOp || p.tok.text != "(" {
			return nil, fmt.Errorf("property access .%s is not supported: variables are plain strings, numbers or booleans", name)
		}
		args, err := p.args()
		if err != nil {
			return nil, err
		}
		x = &callExpr{recv: x, method: name, args: args}
	}
	return x, nil
}

// args parses a parenthesised argument list; the current token is "(".
func (p *parser) args() ([]expr, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	var args []expr
	for !(p.tok.kind == tokOp && p.tok.text == ")") {
		if len(args) > 0 {
			if p.tok.kind != tokOp || p.tok.text != "," {
				return nil, p.unexpected("',' or ')'")
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	return args, p.advance()
}

func (p *parser) primary() (expr, error) {
	t := p.tok
	var x expr
	switch t.kind {
	case tokString:
		x = &litExpr{v: t.text}
	case tokInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("integer literal %s out of range", t.text)
		}
		x = &litExpr{v: n}
	case tokFloat:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad decimal literal %s", t.text)
		}
		x = &litExpr{v: f}
	case tokIdent:
		return p.word(t)
	case tokOp:
		if t.text != "(" {
			return nil, p.unsupportedOr("a value")
		}
		return p.paren()
	default:
		return nil, p.unexpected("a value")
	}
	return x, p.advance()
}

// word parses an identifier: a literal keyword or a variable reference.
func (p *parser) word(t token) (expr, error) {
	var x expr
	switch t.text {
	case "true", "false":
		x = &litExpr{v: t.text == "true"}
	case "null":
		x = &litExpr{v: nil}
	default:
		if unsupportedWords[t.text] {
			return nil, fmt.Errorf("operator %q is not in the supported subset", t.text)
		}
		if _, isOp := keywordOps[t.text]; isOp || t.text == "empty" {
			return nil, p.unexpected("a value")
		}
		x = &varExpr{name: t.text}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokOp && p.tok.text == "(" {
		return nil, fmt.Errorf("function %s() is not in the supported subset", t.text)
	}
	return x, nil
}

func (p *parser) paren() (expr, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokOp || p.tok.text != ")" {
		return nil, p.unsupportedOr("')'")
	}
	return x, p.advance()
}

// unsupportedOr names an EL operator outside the subset, or else reports an unexpected token.
func (p *parser) unsupportedOr(want string) error {
	if p.tok.kind == tokOp && strings.Contains("+-*/%?:[]", p.tok.text) ||
		p.tok.kind == tokIdent && unsupportedWords[p.tok.text] {
		return fmt.Errorf("operator %q is not in the supported subset", p.tok.text)
	}
	return p.unexpected(want)
}

// template is a field value: literal text mixed with ${...} expressions, as EL composite expressions.
type template struct {
	src   string
	parts []tplPart
}

type tplPart struct {
	lit string
	x   expr // nil for a literal part
}

// parseTemplate splits s into literal and expression parts. As in EL, \${ and \#{ are literal, and
// ${...} and #{...} may not be mixed in one value.
func parseTemplate(s string) (*template, error) {
	t := &template{src: s}
	var lit strings.Builder
	var marker byte
	for i := 0; i < len(s); {
		switch {
		case s[i] == '\\' && i+2 < len(s) && (s[i+1] == '$' || s[i+1] == '#') && s[i+2] == '{':
			lit.WriteString(s[i+1 : i+3])
			i += 3
		case (s[i] == '$' || s[i] == '#') && i+1 < len(s) && s[i+1] == '{':
			if marker != 0 && marker != s[i] {
				return nil, fmt.Errorf("cannot mix ${} and #{} in one expression")
			}
			marker = s[i]
			x, end, err := parseEmbedded(s, i+2)
			if err != nil {
				return nil, err
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, tplPart{lit: lit.String()})
				lit.Reset()
			}
			t.parts = append(t.parts, tplPart{x: x})
			i = end
		default:
			lit.WriteByte(s[i])
			i++
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, tplPart{lit: lit.String()})
	}
	return t, nil
}

// parseCondition parses a sequence flow condition, which must be exactly one ${...} (or #{...}).
func parseCondition(s string) (expr, error) {
	t, err := parseTemplate(strings.TrimSpace(s))
	if err != nil {
		return nil, err
	}
	if len(t.parts) != 1 || t.parts[0].x == nil {
		return nil, fmt.Errorf("condition %q must be a single ${...} expression", s)
	}
	return t.parts[0].x, nil
}

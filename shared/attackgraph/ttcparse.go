package attackgraph

import (
	"fmt"
	"math"
	"strconv"
)

// ttcParser is a recursive-descent parser over MAL's TTC grammar:
// expr = term {(+|-) term}; term = factor {(*|/) factor};
// factor = number | Name | Name(args) | (expr).
type ttcParser struct {
	src   string
	pos   int
	nodes []ttcNode
	depth int
}

type distSpec struct {
	op    ttcOp
	arity int
	check func(a, b float64) bool
}

var distributions = map[string]distSpec{
	"Bernoulli":       {opBernoulli, 1, func(p, _ float64) bool { return p >= 0 && p <= 1 }},
	"Binomial":        {opBinomial, 2, func(n, p float64) bool { return n >= 0 && n <= 1e6 && p >= 0 && p <= 1 }},
	"Exponential":     {opExponential, 1, func(l, _ float64) bool { return l > 0 }},
	"Gamma":           {opGamma, 2, func(k, th float64) bool { return k > 0 && th > 0 }},
	"LogNormal":       {opLogNormal, 2, func(_, s float64) bool { return s >= 0 }},
	"Pareto":          {opPareto, 2, func(m, a float64) bool { return m > 0 && a > 0 }},
	"TruncatedNormal": {opTruncNormal, 2, func(_, s float64) bool { return s > 0 }},
	"Uniform":         {opUniform, 2, func(a, b float64) bool { return a >= 0 && b >= a }},
}

func (p *ttcParser) skip() int {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
	return p.pos
}

func (p *ttcParser) add(n ttcNode) int32 {
	p.nodes = append(p.nodes, n)
	return int32(len(p.nodes) - 1)
}

func (p *ttcParser) peek() byte {
	if p.skip() < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *ttcParser) expr(level int) (int32, error) {
	ops := map[byte]ttcOp{'+': opAdd, '-': opSub}
	next := func() (int32, error) { return p.expr(1) }
	if level == 1 {
		ops = map[byte]ttcOp{'*': opMul, '/': opDiv}
		next = p.factor
	}
	l, err := next()
	for err == nil {
		op, ok := ops[p.peek()]
		if !ok {
			return l, nil
		}
		p.pos++
		var r int32
		if r, err = next(); err == nil {
			l = p.add(ttcNode{op: op, l: l, r: r})
		}
	}
	return l, err
}

func (p *ttcParser) factor() (int32, error) {
	if p.depth++; p.depth > 50 {
		return 0, fmt.Errorf("expression nested too deeply")
	}
	defer func() { p.depth-- }()
	c := p.peek()
	switch {
	case c == '(':
		p.pos++
		i, err := p.expr(0)
		if err == nil && p.peek() != ')' {
			err = fmt.Errorf("missing ) at offset %d", p.pos)
		}
		p.pos++
		return i, err
	case c >= '0' && c <= '9' || c == '.':
		f, err := strconv.ParseFloat(p.number(), 64)
		if err != nil {
			return 0, err
		}
		return p.add(ttcNode{op: opConst, a: f}), nil
	case isLetter(c):
		return p.named(p.word(isLetter))
	}
	return 0, fmt.Errorf("unexpected %q at offset %d", string(c), p.pos)
}

func (p *ttcParser) named(name string) (int32, error) {
	if name == "Infinity" {
		return p.add(ttcNode{op: opInf}), nil
	}
	if text, ok := namedTTC[name]; ok {
		sub := &ttcParser{src: text, nodes: p.nodes}
		i, err := sub.expr(0)
		p.nodes = sub.nodes
		return i, err
	}
	spec, ok := distributions[name]
	if !ok {
		return 0, fmt.Errorf("unknown distribution %q", name)
	}
	args, err := p.args()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if len(args) != spec.arity {
		return 0, fmt.Errorf("%s takes %d parameters, got %d", name, spec.arity, len(args))
	}
	args = append(args, 0)
	if !spec.check(args[0], args[1]) || math.IsNaN(args[0]) || math.IsNaN(args[1]) {
		return 0, fmt.Errorf("%s: parameters %v out of range", name, args[:spec.arity])
	}
	return p.add(ttcNode{op: spec.op, a: args[0], b: args[1]}), nil
}

func (p *ttcParser) args() ([]float64, error) {
	if p.peek() != '(' {
		return nil, fmt.Errorf("missing parameters")
	}
	p.pos++
	var out []float64
	for {
		f, err := strconv.ParseFloat(p.number(), 64)
		if err != nil {
			return nil, fmt.Errorf("parameter %d: %w", len(out)+1, err)
		}
		out = append(out, f)
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return out, nil
		default:
			return nil, fmt.Errorf("expected , or ) at offset %d", p.pos)
		}
	}
}

func (p *ttcParser) word(ok func(byte) bool) string {
	start := p.skip()
	for p.pos < len(p.src) && ok(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// number scans a decimal number with an optional sign and exponent.
func (p *ttcParser) number() string {
	start := p.skip()
	digits := func() {
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
	}
	if p.pos < len(p.src) && p.src[p.pos] == '-' {
		p.pos++
	}
	digits()
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '-' || p.src[p.pos] == '+') {
			p.pos++
		}
		digits()
	}
	return p.src[start:p.pos]
}

package attackgraph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TTC is a time-to-compromise distribution in days, as a MAL attack step declares it: a named
// distribution (EasyAndCertain ...), a parametric one (Exponential(0.1)), a number, or a
// combination of these with + - * / as MAL's compiler allows. The zero value is instantaneous.
type TTC struct {
	nodes []ttcNode
	text  string
}

type ttcOp uint8

const (
	opConst ttcOp = iota
	opInf
	opBernoulli
	opBinomial
	opExponential
	opGamma
	opLogNormal
	opPareto
	opTruncNormal
	opUniform
	opAdd
	opSub
	opMul
	opDiv
)

// ttcNode is one node of the expression; operators refer to their operands by index, and
// the root is the last node. neutral is what a successful Bernoulli contributes: 1 as a factor,
// 0 as a term, so that Bernoulli(0.5)*Exponential(0.1) means "possible with p 0.5, then the
// exponential" and Bernoulli(0.5) alone means "possible with p 0.5, then instantaneous".
type ttcNode struct {
	op      ttcOp
	a, b    float64
	l, r    int32
	neutral float64
}

// namedTTC is MAL's table of named distributions (malcompiler Distributions.java).
var namedTTC = map[string]string{
	"EasyAndCertain":       "Exponential(1.0)",
	"EasyAndUncertain":     "Bernoulli(0.5)",
	"HardAndCertain":       "Exponential(0.1)",
	"HardAndUncertain":     "Bernoulli(0.5)*Exponential(0.1)",
	"VeryHardAndCertain":   "Exponential(0.01)",
	"VeryHardAndUncertain": "Bernoulli(0.5)*Exponential(0.01)",
	"Enabled":              "Bernoulli(1.0)",
	"Disabled":             "Bernoulli(0.0)",
	"Zero":                 "0",
	"Infinity":             "Infinity",
}

// Exponential returns the exponential distribution with the given rate per day.
func Exponential(rate float64) TTC {
	return TTC{nodes: []ttcNode{{op: opExponential, a: rate}}, text: "Exponential(" + num(rate) + ")"}
}

// Infinity is the TTC of a step that never succeeds.
func Infinity() TTC { return TTC{nodes: []ttcNode{{op: opInf}}, text: "Infinity"} }

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// ParseTTC reads a MAL TTC expression. An empty string is instantaneous.
func ParseTTC(s string) (TTC, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return TTC{}, nil
	}
	p := &ttcParser{src: s}
	root, err := p.expr(0)
	if err == nil && p.skip() < len(p.src) {
		err = fmt.Errorf("unexpected %q at offset %d", p.src[p.pos:], p.pos)
	}
	if err != nil {
		return TTC{}, fmt.Errorf("parse ttc %q: %w", s, err)
	}
	t := TTC{nodes: p.nodes, text: s}
	t.setNeutral(root, 0)
	return t.reroot(root), nil
}

// MustParseTTC is ParseTTC for expressions written in code; it panics on an error.
func MustParseTTC(s string) TTC {
	t, err := ParseTTC(s)
	if err != nil {
		panic(err)
	}
	return t
}

// String returns the expression as written.
func (t TTC) String() string {
	if len(t.nodes) == 0 {
		return "Zero"
	}
	return t.text
}

// Instantaneous says whether the TTC is always zero, the case the simulator treats fastest.
func (t TTC) Instantaneous() bool {
	for _, n := range t.nodes {
		if n.op != opConst && n.op != opAdd && n.op != opMul && n.op != opSub && n.op != opDiv {
			return false
		}
	}
	return len(t.nodes) == 0 || t.constValue() == 0
}

// Impossible says whether the step never succeeds (Infinity, or a Bernoulli(0) gate).
func (t TTC) Impossible() bool {
	if len(t.nodes) == 0 {
		return false
	}
	root := t.nodes[len(t.nodes)-1]
	return root.op == opInf || (root.op == opBernoulli && root.a <= 0)
}

// Probability returns p for Bernoulli(p), Enabled and Disabled: a defence's chance of being on.
func (t TTC) Probability() (float64, bool) {
	if len(t.nodes) != 1 || t.nodes[0].op != opBernoulli {
		return 0, false
	}
	return t.nodes[0].a, true
}

func (t TTC) constValue() float64 {
	v, _ := t.eval(newDrawer(), int32(len(t.nodes)-1))
	return v
}

// sample draws one TTC; ok is false when the step is impossible in this sample.
func (t *TTC) sample(r *drawer) (float64, bool) {
	if len(t.nodes) == 0 {
		return 0, true
	}
	v, ok := t.eval(r, int32(len(t.nodes)-1))
	if !ok || math.IsInf(v, 1) || math.IsNaN(v) {
		return math.Inf(1), false
	}
	return math.Max(v, 0), true
}

func (t *TTC) eval(r *drawer, i int32) (float64, bool) {
	n := &t.nodes[i]
	if n.op < opAdd {
		return n.draw(r)
	}
	x, okx := t.eval(r, n.l)
	y, oky := t.eval(r, n.r)
	if !okx || !oky {
		return math.Inf(1), false
	}
	switch n.op {
	case opAdd:
		return x + y, true
	case opSub:
		return x - y, true
	case opMul:
		return x * y, true
	}
	return x / y, true
}

// draw samples a leaf: a number, Infinity or a distribution.
func (n *ttcNode) draw(r *drawer) (float64, bool) {
	switch n.op {
	case opConst:
		return n.a, true
	case opBernoulli:
		return n.neutral, r.float() < n.a
	case opBinomial:
		k := 0.0
		for j := 0; j < int(n.a); j++ {
			if r.float() < n.b {
				k++
			}
		}
		return k, true
	case opExponential:
		return r.exp(n.a), true
	case opGamma:
		return r.gamma(n.a, n.b), true
	case opLogNormal:
		return math.Exp(n.a + n.b*r.normal()), true
	case opPareto:
		return n.a / math.Pow(r.float(), 1/n.b), true
	case opTruncNormal:
		// Inverse CDF on the part above 0: rejection would loop for a mean far below 0.
		lo := 0.5 * math.Erfc(n.a/(n.b*math.Sqrt2))
		u := lo + (1-lo)*r.float()
		if u >= 1 {
			return 0, true
		}
		return math.Max(0, n.a-n.b*math.Sqrt2*math.Erfcinv(2*u)), true
	case opUniform:
		return n.a + (n.b-n.a)*r.float(), true
	}
	return math.Inf(1), false // opInf
}

// setNeutral tells each Bernoulli what it contributes when it succeeds, from the operator above it.
func (t *TTC) setNeutral(i int32, neutral float64) {
	n := &t.nodes[i]
	switch n.op {
	case opBernoulli:
		n.neutral = neutral
	case opMul, opDiv:
		t.setNeutral(n.l, 1)
		t.setNeutral(n.r, 1)
	case opAdd, opSub:
		t.setNeutral(n.l, 0)
		t.setNeutral(n.r, 0)
	}
}

// reroot moves the root to the end, where sample expects it.
func (t TTC) reroot(root int32) TTC {
	if int(root) == len(t.nodes)-1 {
		return t
	}
	t.nodes = append(t.nodes, t.nodes[root])
	return t
}

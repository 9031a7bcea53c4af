package bpmn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// evalEnv is what an expression is evaluated against: the variables, and the source text for errors.
type evalEnv struct {
	vars Vars
	src  string
}

// UnknownPropertyError is Activiti's error for a name that is not a process variable (and, as JUEL
// reports a method called on null as a missing property, for that too). Activiti does not treat it as
// false: the process instance fails.
type UnknownPropertyError struct {
	Expr   string // the expression text
	Name   string // the variable, when one was missing
	Detail string
}

// Error keeps Activiti's wording so that messages can be compared with an Activiti log.
func (e *UnknownPropertyError) Error() string {
	msg := "Unknown property used in expression: " + e.Expr
	if e.Name != "" {
		msg += ": variable " + strconv.Quote(e.Name) + " is not set"
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (x *litExpr) eval(*evalEnv) (any, error) { return x.v, nil }

func (x *varExpr) eval(e *evalEnv) (any, error) {
	v, ok := e.vars[x.name]
	if !ok {
		return nil, &UnknownPropertyError{Expr: e.src, Name: x.name}
	}
	return v, nil
}

func (x *unaryExpr) eval(e *evalEnv) (any, error) {
	v, err := x.x.eval(e)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "!":
		b, err := toBool(v)
		return !b, err
	case "empty":
		return v == nil || v == "", nil
	}
	return negate(v)
}

// negate is unary minus with EL's coercion: a string is a Double if it looks like one, else a Long.
func negate(v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return int64(0), nil
	case float64:
		return -t, nil
	case int64:
		return -t, nil
	case string:
		if strings.ContainsAny(t, ".eE") {
			f, err := toDouble(t)
			return -f, err
		}
		n, err := toLong(t)
		return -n, err
	}
	return nil, coerceError(v, "Number")
}

func (x *binaryExpr) eval(e *evalEnv) (any, error) {
	l, err := x.l.eval(e)
	if err != nil {
		return nil, err
	}
	if x.op == "&&" || x.op == "||" {
		return x.logical(e, l)
	}
	r, err := x.r.eval(e)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "==":
		return elEquals(l, r)
	case "!=":
		eq, err := elEquals(l, r)
		return !eq, err
	}
	return elCompare(x.op, l, r)
}

// logical evaluates && and || with short-circuit, both sides coerced to Boolean.
func (x *binaryExpr) logical(e *evalEnv, l any) (any, error) {
	lb, err := toBool(l)
	if err != nil {
		return nil, err
	}
	if x.op == "&&" && !lb || x.op == "||" && lb {
		return lb, nil
	}
	r, err := x.r.eval(e)
	if err != nil {
		return nil, err
	}
	return toBool(r)
}

// elEquals is EL's == : null only equals null; otherwise the first rule that applies of Double, Long,
// Boolean, String coerces both sides to that type.
func elEquals(a, b any) (bool, error) {
	if a == nil || b == nil {
		return a == nil && b == nil, nil
	}
	switch {
	case isDouble(a) || isDouble(b):
		x, y, err := bothDouble(a, b)
		return javaDoubleEquals(x, y), err
	case isLong(a) || isLong(b):
		x, err := toLong(a)
		if err != nil {
			return false, err
		}
		y, err := toLong(b)
		return x == y, err
	case isBool(a) || isBool(b):
		x, err := toBool(a)
		if err != nil {
			return false, err
		}
		y, err := toBool(b)
		return x == y, err
	}
	return toStr(a) == toStr(b), nil
}

// elCompare is EL's relational operators: null compares false (except null <= null), then Double,
// Long, String, and finally Boolean's natural order.
func elCompare(op string, a, b any) (bool, error) {
	if a == nil || b == nil {
		return a == nil && b == nil && (op == "<=" || op == ">="), nil
	}
	var c int
	switch {
	case isDouble(a) || isDouble(b):
		x, y, err := bothDouble(a, b)
		if err != nil || math.IsNaN(x) || math.IsNaN(y) {
			return false, err
		}
		c = cmpOrdered(x, y)
	case isLong(a) || isLong(b):
		x, err := toLong(a)
		if err != nil {
			return false, err
		}
		y, err := toLong(b)
		if err != nil {
			return false, err
		}
		c = cmpOrdered(x, y)
	case isString(a) || isString(b):
		c = strings.Compare(toStr(a), toStr(b))
	default:
		x, y := a.(bool), b.(bool)
		c = cmpOrdered(boolInt(x), boolInt(y))
	}
	switch op {
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	}
	return c >= 0, nil
}

func cmpOrdered[T int | int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func bothDouble(a, b any) (float64, float64, error) {
	x, err := toDouble(a)
	if err != nil {
		return 0, 0, err
	}
	y, err := toDouble(b)
	return x, y, err
}

// javaDoubleEquals is Double.equals: NaN equals NaN, 0.0 does not equal -0.0.
func javaDoubleEquals(x, y float64) bool {
	if math.IsNaN(x) && math.IsNaN(y) {
		return true
	}
	return math.Float64bits(x) == math.Float64bits(y)
}

func isDouble(v any) bool { _, ok := v.(float64); return ok }
func isLong(v any) bool   { _, ok := v.(int64); return ok }
func isBool(v any) bool   { _, ok := v.(bool); return ok }
func isString(v any) bool { _, ok := v.(string); return ok }

// javaType names a value's Java class, as EL error messages do.
func javaType(v any) string {
	switch v.(type) {
	case string:
		return "String"
	case bool:
		return "Boolean"
	case int64:
		return "Long"
	case float64:
		return "Double"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func coerceError(v any, to string) error {
	return fmt.Errorf("cannot coerce %s of type %s to %s", quoteValue(v), javaType(v), to)
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return toStr(v)
}

// toLong is EL's coercion to Long: null and "" are 0, a string must be a decimal integer.
func toLong(v any) (int64, error) {
	switch t := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return t, nil
	case float64:
		return int64(t), nil
	case string:
		if t == "" {
			return 0, nil
		}
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, coerceError(v, "Long")
}

// toDouble is EL's coercion to Double (Double.valueOf accepts surrounding blanks).
func toDouble(v any) (float64, error) {
	switch t := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return float64(t), nil
	case float64:
		return t, nil
	case string:
		if t == "" {
			return 0, nil
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil {
			return f, nil
		}
	}
	return 0, coerceError(v, "Double")
}

// toBool is EL's coercion to Boolean: null and "" are false, a string is true only if it is "true"
// in any case (Boolean.valueOf), a number is an error.
func toBool(v any) (bool, error) {
	switch t := v.(type) {
	case nil:
		return false, nil
	case bool:
		return t, nil
	case string:
		return strings.EqualFold(t, "true"), nil
	}
	return false, coerceError(v, "Boolean")
}

// toStr is EL's coercion to String (null is ""), with Java's toString for numbers.
func toStr(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return javaDouble(t)
	}
	return fmt.Sprint(v)
}

// javaDouble formats f as Double.toString: plain notation with at least one fraction digit between
// 10^-3 and 10^7, computerised scientific notation (1.0E10) outside.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64)
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-0")
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}

func (x *callExpr) eval(e *evalEnv) (any, error) {
	recv, err := x.recv.eval(e)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		if args[i], err = a.eval(e); err != nil {
			return nil, err
		}
	}
	if recv == nil {
		return nil, &UnknownPropertyError{Expr: e.src, Detail: "cannot call " + x.method + "() on null"}
	}
	if x.method == "equals" {
		if err := arity(x.method, args, 1); err != nil {
			return nil, err
		}
		return javaEquals(recv, args[0]), nil
	}
	s, ok := recv.(string)
	if !ok {
		return nil, fmt.Errorf("method %s() not found on %s", x.method, javaType(recv))
	}
	return stringMethod(s, x.method, args)
}

// javaEquals is Object.equals on the boxed values: same class and same value, no coercion.
func javaEquals(a, b any) bool {
	if x, ok := a.(float64); ok {
		y, ok := b.(float64)
		return ok && javaDoubleEquals(x, y)
	}
	return a == b
}

// stringMethod implements the String methods of the subset.
func stringMethod(s, method string, args []any) (any, error) {
	switch method {
	case "trim":
		// String.trim removes every character up to and including the space.
		return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }), arity(method, args, 0)
	case "isEmpty":
		return s == "", arity(method, args, 0)
	case "startsWith":
		if err := arity(method, args, 1); err != nil {
			return nil, err
		}
		return strings.HasPrefix(s, toStr(args[0])), nil
	case "contains":
		if err := arity(method, args, 1); err != nil {
			return nil, err
		}
		sub, ok := args[0].(string)
		if !ok {
			return nil, coerceError(args[0], "CharSequence")
		}
		return strings.Contains(s, sub), nil
	}
	return nil, fmt.Errorf("method %s() is not in the supported subset (trim, isEmpty, equals, startsWith, contains)", method)
}

func arity(method string, args []any, n int) error {
	if len(args) != n {
		return fmt.Errorf("method %s() takes %d argument(s), got %d", method, n, len(args))
	}
	return nil
}

// evalCondition evaluates a sequence flow condition; as UelExpressionCondition, a result that is not
// a Boolean is an error.
func evalCondition(x expr, src string, vars Vars) (bool, error) {
	v, err := x.eval(&evalEnv{vars: vars, src: src})
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		if v == nil {
			return false, fmt.Errorf("condition expression returns null")
		}
		return false, fmt.Errorf("condition expression returns non-Boolean: %s (%s)", toStr(v), javaType(v))
	}
	return b, nil
}

// evalTemplate evaluates a field value. A value that is one expression keeps its type (null stays
// null); a composite value is the concatenation of its parts as strings.
func evalTemplate(t *template, vars Vars) (any, error) {
	env := &evalEnv{vars: vars, src: t.src}
	if len(t.parts) == 1 && t.parts[0].x != nil {
		return t.parts[0].x.eval(env)
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.x == nil {
			b.WriteString(p.lit)
			continue
		}
		v, err := p.x.eval(env)
		if err != nil {
			return nil, err
		}
		b.WriteString(toStr(v))
	}
	return b.String(), nil
}

package bpmn

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestJUEL(t *testing.T) {
	t.Parallel()
	vars := Vars{"s": "abc", "zero": "0", "pad": "  malicious\n", "blank": "", "n": int64(3), "f": 2.5,
		"yes": true, "no": false, "nil": nil, "exit": "0", "ten": "10"}
	tests := []struct {
		expr    string
		want    any
		wantErr string
	}{
		// Coercion of == between strings and numbers, as in NOTES.md and the EL specification.
		{expr: "'0' == 0", want: true},
		{expr: "zero == 0", want: true},
		{expr: "'' == 0", want: true},
		{expr: "'abc' == 1", wantErr: `cannot coerce "abc" of type String to Long`},
		{expr: "'1.5' == 1", wantErr: "to Long"},
		{expr: "'1.5' == 1.5", want: true},
		{expr: "1 == 1.0", want: true},
		{expr: "n == 3", want: true},
		{expr: "n eq '3'", want: true},
		{expr: "f > n", want: false},
		{expr: "true == 1", wantErr: "of type Boolean to Long"},
		{expr: "yes == 'true'", want: true},
		{expr: "yes == 'TRUE'", want: true},
		{expr: "yes == 'yes'", want: false},
		{expr: "no == ''", want: true},
		{expr: "'a' == 'a'", want: true},
		{expr: `"a" != 'b'`, want: true},
		{expr: "exit != '0'", want: false},
		{expr: "exit ne '0'", want: false},
		// null handling.
		{expr: "null == null", want: true},
		{expr: "nil == null", want: true},
		{expr: "nil == ''", want: false},
		{expr: "nil == 0", want: false},
		{expr: "nil < 3", want: false},
		{expr: "3 > null", want: false},
		{expr: "null <= null", want: true},
		{expr: "null lt null", want: false},
		{expr: "!nil", want: true},
		{expr: "empty nil", want: true},
		{expr: "empty ''", want: true},
		{expr: "empty s", want: false},
		{expr: "not empty s", want: true},
		// Relational operators.
		{expr: "ten < 9", want: false},
		{expr: "ten gt 9", want: true},
		{expr: "'10' < '9'", want: true},
		{expr: "'a' lt 'b'", want: true},
		{expr: "2 <= 2", want: true},
		{expr: "2 ge 3", want: false},
		{expr: "-1 < 0", want: true},
		{expr: "-'2' == -2", want: true},
		{expr: "no < yes", want: true},
		{expr: "'abc' < 1", wantErr: "to Long"},
		{expr: "1e3 == 1000", want: true},
		// Logic, precedence and short-circuit.
		{expr: "yes && no", want: false},
		{expr: "yes and !no", want: true},
		{expr: "no || yes", want: true},
		{expr: "no or no", want: false},
		{expr: "not yes", want: false},
		{expr: "yes || missing", want: true},
		{expr: "no && missing", want: false},
		{expr: "no || missing", wantErr: "Unknown property used in expression"},
		{expr: "yes || no && no", want: true},
		{expr: "(yes || no) && no", want: false},
		{expr: "exit == '0' && s == 'abc'", want: true},
		{expr: "'true' && 'TRUE'", want: true},
		{expr: "'x' && yes", want: false},
		{expr: "n && yes", wantErr: "of type Long to Boolean"},
		{expr: "!'true'", want: false},
		// String methods.
		{expr: "pad.trim() == 'malicious'", want: true},
		{expr: "pad.trim().equals('malicious')", want: true},
		{expr: "s.equals(1)", want: false},
		{expr: "n.equals(3)", want: true},
		{expr: "f.equals(2.5)", want: true},
		{expr: "s.startsWith('ab')", want: true},
		{expr: "s.contains('bc')", want: true},
		{expr: "s.contains(1)", wantErr: "to CharSequence"},
		{expr: "blank.isEmpty()", want: true},
		{expr: "empty.isEmpty()", wantErr: "want a value"},
		{expr: "s.isEmpty()", want: false},
		{expr: "s.trim('x')", wantErr: "takes 0 argument(s)"},
		{expr: "s.length()", wantErr: "not in the supported subset"},
		{expr: "n.trim()", wantErr: "not found on Long"},
		{expr: "nil.trim()", wantErr: "cannot call trim() on null"},
		// Values that are not Booleans.
		{expr: "s", want: "abc"},
		{expr: "n", want: int64(3)},
		{expr: "2.50", want: 2.5},
		{expr: `'it\'s'`, want: "it's"},
		// Errors.
		{expr: "missing == 'x'", wantErr: `variable "missing" is not set`},
		{expr: "a.b == 1", wantErr: "property access .b is not supported"},
		{expr: "1 + 1", wantErr: `operator "+" is not in the supported subset`},
		{expr: "yes ? 1 : 2", wantErr: `operator "?"`},
		{expr: "n div 2", wantErr: `operator "div"`},
		{expr: "now()", wantErr: "function now() is not in the supported subset"},
		{expr: "(1 == 1", wantErr: "want ')'"},
		{expr: "'open", wantErr: "unterminated string"},
		{expr: "1 == ", wantErr: "unexpected"},
		{expr: "a @ b", wantErr: "unexpected character"},
		{expr: "99999999999999999999", wantErr: "out of range"},
	}
	for _, tc := range tests {
		t.Run(strings.NewReplacer(" ", "_", "'", "").Replace(tc.expr), func(t *testing.T) {
			t.Parallel()
			src := "${" + tc.expr + "}"
			tpl, err := parseTemplate(src)
			var got any
			if err == nil {
				got, err = evalTemplate(tpl, vars)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: err = %v, want %q (value %#v)", src, err, tc.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if got != tc.want {
				t.Errorf("%s = %#v, want %#v", src, got, tc.want)
			}
		})
	}
}

func TestUnknownPropertyError(t *testing.T) {
	t.Parallel()
	x, err := parseCondition("${verdict == 'x'}")
	if err != nil {
		t.Fatal(err)
	}
	_, err = evalCondition(x, "${verdict == 'x'}", Vars{})
	var upe *UnknownPropertyError
	if !errors.As(err, &upe) || upe.Name != "verdict" || upe.Expr != "${verdict == 'x'}" {
		t.Errorf("err = %#v, want UnknownPropertyError for verdict", err)
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	vars := Vars{"workDir": "/w", "n": int64(7), "f": 1.0, "b": true, "nil": nil}
	tests := []struct {
		name, src string
		want      any
	}{
		{"composite", "${workDir}/detect", "/w/detect"},
		{"two_parts", "${workDir}-${n}", "/w-7"},
		{"single_keeps_type", "${n}", int64(7)},
		{"double_java_format", "x${f}", "x1.0"},
		{"boolean", "x${b}y", "xtruey"},
		{"null_single", "${nil}", nil},
		{"null_in_text", "[${nil}]", "[]"},
		{"deferred_syntax", "#{workDir}", "/w"},
		{"escaped", `\${workDir}`, "${workDir}"},
		{"literal", "plain", "plain"},
		{"brace_in_string", "${'}'}", "}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := parseTemplate(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := evalTemplate(tpl, vars)
			if err != nil || got != tc.want {
				t.Errorf("%s = %#v, %v; want %#v", tc.src, got, err, tc.want)
			}
		})
	}
	if _, err := parseTemplate("${a}#{b}"); err == nil {
		t.Error("mixing ${} and #{} was accepted")
	}
}

func TestJavaDouble(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {2.5, "2.5"}, {-0.5, "-0.5"}, {0, "0.0"}, {math.Copysign(0, -1), "-0.0"},
		{1e7, "1.0E7"}, {1.5e10, "1.5E10"}, {1e-4, "1.0E-4"}, {0.001, "0.001"}, {9999999, "9999999.0"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	}
	for _, tc := range tests {
		if got := javaDouble(tc.f); got != tc.want {
			t.Errorf("javaDouble(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestParseISODuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT4H", 4 * time.Hour, true}, {"PT1S", time.Second, true}, {"PT0.5S", 500 * time.Millisecond, true},
		{"P1DT30M", 24*time.Hour + 30*time.Minute, true}, {"P2W", 14 * 24 * time.Hour, true},
		{"PT", 0, false}, {"P", 0, false}, {"P1M", 0, false}, {"P1Y", 0, false}, {"4h", 0, false},
		{"PT99999999999999999999H", 0, false},
	}
	for _, tc := range tests {
		got, err := parseISODuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseISODuration(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

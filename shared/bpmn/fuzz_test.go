package bpmn

import (
	"context"
	"os"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/triage.bpmn20.xml", "testdata/events.bpmn20.xml"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	f.Add(simple(`<userTask id="x"/>`))
	f.Add(simple(`<subProcess id="x"><startEvent id="ss"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/><endEvent id="se"><errorEventDefinition errorRef="errX"/></endEvent></subProcess>`))
	f.Add(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"/></process></definitions>`)
	f.Add("<a><b>")
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Parse(strings.NewReader(src))
		if err != nil {
			return
		}
		verr := d.Validate()
		_ = CheckDiagram(d)
		if verr != nil {
			return
		}
		// A valid process must run without panicking, whatever the shell tasks answer.
		fr := &fakeRunner{reply: func(ShellCommand) (string, int, error) { return "malicious", 0, nil }}
		_, _ = Run(context.Background(), d, Vars{}, Options{Runner: fr, Approver: FixedApprover{}, Clock: neverClock{}, MaxSteps: 200})
	})
}

func FuzzJUEL(f *testing.F) {
	for _, s := range []string{"${a == '0'}", "${a.trim().equals('x') && !empty b}", "x${a}y", "${(1 lt 2) or not c}",
		"${-'2' == -2}", `\${a}`, "${'}' == \"}\"}", "#{a}", "${a.b}", "${1e3 >= 9.5}", "${"} {
		f.Add(s)
	}
	vars := Vars{"a": " x ", "b": "", "c": true, "n": int64(1), "f": 0.5, "z": nil}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := parseTemplate(src)
		if err != nil {
			return
		}
		v, err := evalTemplate(tpl, vars)
		if err != nil {
			return
		}
		if _, err := normalize(v); err != nil {
			t.Fatalf("%q evaluated to %T, outside the value types", src, v)
		}
		if x, err := parseCondition(src); err == nil {
			_, _ = evalCondition(x, src, vars)
		}
	})
}

func BenchmarkRunTriage(b *testing.B) {
	d := mustParseFile(b, "testdata/triage.bpmn20.xml")
	fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": {out: "malicious"}, "respond": {out: "done"}})}
	opt := Options{Runner: fr, Approver: FixedApprover{Vars: map[string]any{"approved": true}}, Clock: neverClock{}}
	for b.Loop() {
		fr.calls = fr.calls[:0]
		if _, err := Run(context.Background(), d, triageStart, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFile(b *testing.B) {
	for b.Loop() {
		mustParseFile(b, "testdata/triage.bpmn20.xml")
	}
}

func BenchmarkCondition(b *testing.B) {
	src := "${analyzeExit == '0' && verdict.trim() == 'malicious'}"
	vars := Vars{"analyzeExit": "0", "verdict": "malicious\n"}
	for b.Loop() {
		x, err := parseCondition(src)
		if err != nil {
			b.Fatal(err)
		}
		if ok, err := evalCondition(x, src, vars); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

package bpmn

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var triageStart = Vars{"observable": "evil.example", "dataType": "domain", "workDir": "/tmp/w"}

func TestRunTriage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		analyze   reply
		approver  Approver
		clock     Clock
		wantEnd   string
		wantPath  []string
		wantVars  Vars
		wantCalls int
	}{
		{
			name: "approved", analyze: reply{out: "malicious"}, approver: FixedApprover{Vars: map[string]any{"approved": true}},
			wantEnd:  "endResponded",
			wantPath: []string{"start", "analyze", "gwVerdict", "approve", "gwApproved", "respond", "endResponded"},
			wantVars: Vars{"verdict": "malicious", "analyzeExit": "0", "approved": true, "responseStatus": "done", "respondExit": "0"}, wantCalls: 2,
		},
		{
			name: "rejected", analyze: reply{out: "malicious"}, approver: FixedApprover{Vars: map[string]any{"approved": false}},
			wantEnd: "endRejected", wantPath: []string{"start", "analyze", "gwVerdict", "approve", "gwApproved", "endRejected"},
			wantVars: Vars{"approved": false}, wantCalls: 1,
		},
		{
			name: "trailing_newline_trimmed", analyze: reply{out: "malicious\n"}, approver: FixedApprover{Vars: map[string]any{"approved": true}},
			wantEnd: "endResponded", wantVars: Vars{"verdict": "malicious\n"}, wantCalls: 2,
		},
		{
			name: "benign_takes_default", analyze: reply{out: "safe"}, approver: FixedApprover{},
			wantEnd: "endBenign", wantPath: []string{"start", "analyze", "gwVerdict", "endBenign"}, wantCalls: 1,
		},
		{
			name: "exit_code_branch", analyze: reply{out: "malicious", code: 3}, approver: FixedApprover{},
			wantEnd: "endFailed", wantVars: Vars{"analyzeExit": "3"}, wantCalls: 1,
		},
		{
			name: "timer_fires_first", analyze: reply{out: "malicious"}, approver: silentApprover{}, clock: fireClock{},
			wantEnd:  "endTimedOut",
			wantPath: []string{"start", "analyze", "gwVerdict", "approve", "approvalTimeout", "endTimedOut"}, wantCalls: 1,
		},
		{
			name: "approver_beats_idle_timer", analyze: reply{out: "malicious"}, approver: FixedApprover{Vars: map[string]any{"approved": true}},
			clock: neverClock{}, wantEnd: "endResponded", wantCalls: 2,
		},
	}
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": tc.analyze, "respond": {out: "done"}})}
			res, err := Run(context.Background(), d, triageStart, Options{Runner: fr, Approver: tc.approver, Clock: tc.clock})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.EndID != tc.wantEnd {
				t.Errorf("EndID = %q, want %q (path %v)", res.EndID, tc.wantEnd, res.Path)
			}
			if tc.wantPath != nil && !slices.Equal(res.Path, tc.wantPath) {
				t.Errorf("Path = %v, want %v", res.Path, tc.wantPath)
			}
			for k, want := range tc.wantVars {
				if got, ok := res.Vars[k]; !ok || got != want {
					t.Errorf("Vars[%s] = %#v, want %#v", k, got, want)
				}
			}
			if len(fr.calls) != tc.wantCalls {
				t.Errorf("%d shell calls, want %d", len(fr.calls), tc.wantCalls)
			}
		})
	}
}

func TestRunShellArguments(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": {out: "malicious"}, "respond": {out: "done"}})}
	opt := Options{Runner: fr, Approver: FixedApprover{Vars: map[string]any{"approved": true}},
		CommandMap: map[string]string{"/opt/soccrates/bin/soccrates": "./bin/soccrates"}}
	if _, err := Run(context.Background(), d, triageStart, opt); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []ShellCommand{
		{Command: "./bin/soccrates", Args: []string{"analyze", "SOCCRATES_DGA", "domain", "evil.example", "/tmp/w/analyze"}},
		{Command: "./bin/soccrates", Args: []string{"respond", "SOCCRATES_OpenC2", "domain", "evil.example", "/tmp/w/respond"}},
	}
	if len(fr.calls) != len(want) {
		t.Fatalf("calls = %+v, want %+v", fr.calls, want)
	}
	for i := range want {
		if fr.calls[i].Command != want[i].Command || !slices.Equal(fr.calls[i].Args, want[i].Args) ||
			fr.calls[i].CleanEnv || fr.calls[i].RedirectError {
			t.Errorf("call %d = %+v, want %+v", i, fr.calls[i], want[i])
		}
	}
}

func TestRunProgress(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": {out: "safe"}})}
	var kinds []string
	opt := Options{Runner: fr, Approver: FixedApprover{}, Progress: func(e Event) { kinds = append(kinds, e.Kind+":"+e.ElementID) }}
	if _, err := Run(context.Background(), d, triageStart, opt); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{"enter:start", "shell:analyze", "gateway:gwVerdict", "end:endBenign"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("events %v lack %s", kinds, want)
		}
	}
}

// proc wraps flow elements in a definitions/process skeleton.
func proc(body string) string {
	return `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:activiti="http://activiti.org/bpmn"
 xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
<error id="errX" errorCode="X"/>
<process id="p" isExecutable="true">
` + body + `
</process></definitions>`
}

// shellTask is a shell service task with the given fields.
func shellTask(id, fields string) string {
	return `<serviceTask id="` + id + `" activiti:type="shell"><extensionElements>` + fields + `</extensionElements></serviceTask>`
}

const echoFields = `<activiti:field name="command" stringValue="/bin/echo"/>
<activiti:field name="outputVariable" stringValue="out"/><activiti:field name="errorCodeVariable" stringValue="code"/>`

// gatewayProc is start → task → gateway with the given outgoing flows → ends a and b.
func gatewayProc(flows string, dflt string) string {
	attr := ""
	if dflt != "" {
		attr = ` default="` + dflt + `"`
	}
	return proc(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/>` +
		shellTask("t", echoFields) + `<sequenceFlow id="f1" sourceRef="t" targetRef="g"/>
<exclusiveGateway id="g"` + attr + `/>` + flows + `<endEvent id="a"/><endEvent id="b"/>`)
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	cond := func(id, target, c string) string {
		return `<sequenceFlow id="` + id + `" sourceRef="g" targetRef="` + target + `"><conditionExpression xsi:type="tFormalExpression">` + c + `</conditionExpression></sequenceFlow>`
	}
	tests := []struct {
		name    string
		xml     string
		reply   reply
		start   Vars
		opt     Options
		want    string
		unknown bool // want an *UnknownPropertyError
	}{
		{name: "unknown_variable", xml: gatewayProc(cond("fa", "a", "${verdic == 'x'}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			want: `Unknown property used in expression: ${verdic == 'x'}: variable "verdic" is not set`, unknown: true},
		{name: "no_matching_flow_without_default", xml: gatewayProc(cond("fa", "a", "${out == 'x'}")+cond("fb", "b", "${out == 'y'}"), ""),
			reply: reply{out: "z"}, want: `exclusiveGateway "g"`},
		{name: "non_boolean_condition", xml: gatewayProc(cond("fa", "a", "${out}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			reply: reply{out: "z"}, want: "condition expression returns non-Boolean: z (String)"},
		{name: "null_condition", xml: gatewayProc(cond("fa", "a", "${nothing}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			start: Vars{"nothing": nil}, want: "condition expression returns null"},
		{name: "coercion_error", xml: gatewayProc(cond("fa", "a", "${out == 1}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			reply: reply{out: "abc"}, want: `cannot coerce "abc" of type String to Long`},
		{name: "command_cannot_start", xml: gatewayProc(cond("fa", "a", "${true}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			reply: reply{err: errors.New("could not execute shell command /bin/echo: boom")}, want: `serviceTask "t" (line 6): could not execute shell command`},
		{name: "bad_start_variable", xml: gatewayProc(cond("fa", "a", "${true}")+`<sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
			start: Vars{"x": []string{"no"}}, want: "start variables: variable x: type []string"},
		{name: "loop_guard", xml: proc(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/>` + shellTask("t", echoFields) +
			`<sequenceFlow id="f1" sourceRef="t" targetRef="g"/><exclusiveGateway id="g" default="fe"/>
<sequenceFlow id="fl" sourceRef="g" targetRef="t"><conditionExpression xsi:type="tFormalExpression">${true}</conditionExpression></sequenceFlow>
<sequenceFlow id="fe" sourceRef="g" targetRef="e"/><endEvent id="e"/>`), opt: Options{MaxSteps: 50}, want: "more than 50 steps"},
		{name: "no_approver", xml: proc(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="u"/><userTask id="u"/>
<sequenceFlow id="f1" sourceRef="u" targetRef="e"/><endEvent id="e"/>`), want: "Options.Approver is nil"},
		{name: "unknown_variable_in_field", xml: proc(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/>` +
			shellTask("t", `<activiti:field name="command" stringValue="/bin/echo"/><activiti:field name="arg1" expression="${workDir}/x"/>`) +
			`<sequenceFlow id="f1" sourceRef="t" targetRef="e"/><endEvent id="e"/>`), want: "field arg1: Unknown property", unknown: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := mustParse(t, tc.xml)
			opt := tc.opt
			opt.Runner = &fakeRunner{reply: func(ShellCommand) (string, int, error) { return tc.reply.out, tc.reply.code, tc.reply.err }}
			start := tc.start
			if start == nil {
				start = Vars{}
			}
			_, err := Run(context.Background(), d, start, opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run error = %v, want it to contain %q", err, tc.want)
			}
			var upe *UnknownPropertyError
			if got := errors.As(err, &upe); got != tc.unknown {
				t.Errorf("errors.As(UnknownPropertyError) = %v, want %v", got, tc.unknown)
			}
		})
	}
}

func TestRunNullArgumentDropped(t *testing.T) {
	t.Parallel()
	d := mustParse(t, proc(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/>`+
		shellTask("t", `<activiti:field name="command" stringValue="/bin/echo"/><activiti:field name="arg2" stringValue="two"/>
<activiti:field name="arg1" expression="${none}"/><activiti:field name="arg3" expression="n=${none}"/>`)+
		`<sequenceFlow id="f1" sourceRef="t" targetRef="e"/><endEvent id="e"/>`))
	fr := &fakeRunner{reply: func(ShellCommand) (string, int, error) { return "", 0, nil }}
	if _, err := Run(context.Background(), d, Vars{"none": nil}, Options{Runner: fr}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := fr.calls[0].Args, []string{"two", "n="}; !slices.Equal(got, want) {
		t.Errorf("Args = %q, want %q (a null expression drops the argument, null in text is empty)", got, want)
	}
}

func TestStartByMessage(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/events.bpmn20.xml")
	tests := []struct {
		name     string
		analyze  reply
		approver Approver
		clock    Clock
		wantEnd  string
		wantPath []string
	}{
		{name: "analysis_ok_approved", analyze: reply{out: "malicious"}, approver: FixedApprover{}, wantEnd: "endDone",
			wantPath: []string{"start", "sub", "subStart", "analyze", "subGw", "subEnd", "approve", "endDone"}},
		{name: "error_caught_on_subprocess", analyze: reply{code: 2}, approver: FixedApprover{}, wantEnd: "endFailed",
			wantPath: []string{"start", "sub", "subStart", "analyze", "subGw", "subErrEnd", "onAnalyzeError", "endFailed"}},
		{name: "approval_times_out", analyze: reply{out: "x"}, approver: silentApprover{}, clock: fireClock{now: time.Unix(0, 0)}, wantEnd: "endTimedOut"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": tc.analyze})}
			res, err := StartByMessage(context.Background(), d, "securityAlert", Vars{"observable": "x"},
				Options{Runner: fr, Approver: tc.approver, Clock: tc.clock})
			if err != nil {
				t.Fatalf("StartByMessage: %v", err)
			}
			if res.EndID != tc.wantEnd {
				t.Errorf("EndID = %q, want %q (path %v)", res.EndID, tc.wantEnd, res.Path)
			}
			if tc.wantPath != nil && !slices.Equal(res.Path, tc.wantPath) {
				t.Errorf("Path = %v, want %v", res.Path, tc.wantPath)
			}
		})
	}
}

func TestStartEventChoice(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/events.bpmn20.xml")
	opt := Options{Runner: &fakeRunner{reply: byVerb(nil)}, Approver: FixedApprover{}}
	if _, err := Run(context.Background(), d, Vars{}, opt); err == nil || !strings.Contains(err.Error(), "no none start event") {
		t.Errorf("Run on a message-only process: err = %v, want no none start event", err)
	}
	if _, err := StartByMessage(context.Background(), d, "other", Vars{}, opt); err == nil || !strings.Contains(err.Error(), `message "other"`) {
		t.Errorf("StartByMessage with an unknown name: err = %v", err)
	}
}

func TestRunContextCancelled(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	fr := &fakeRunner{reply: byVerb(map[string]reply{"analyze": {out: "malicious"}})}
	res, err := Run(ctx, d, triageStart, Options{Runner: fr, Approver: silentApprover{}, Clock: neverClock{}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if res == nil || res.Path[len(res.Path)-1] != "approve" {
		t.Errorf("partial result %+v, want the path to end at approve", res)
	}
}

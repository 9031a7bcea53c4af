package bpmn

import (
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateTestdata(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"triage.bpmn20.xml", "events.bpmn20.xml"} {
		t.Run(strings.TrimSuffix(f, ".bpmn20.xml"), func(t *testing.T) {
			t.Parallel()
			d := mustParseFile(t, filepath.Join("testdata", f))
			if err := d.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if err := CheckDiagram(d); err != nil {
				t.Errorf("CheckDiagram: %v", err)
			}
			if err := testenv.ValidateBPMN(t, filepath.Join("testdata", f)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestParseModel(t *testing.T) {
	t.Parallel()
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	p := d.Processes[0]
	if p.ID != "testTriage" || len(p.Nodes) != 12 || len(p.Flows) != 10 {
		t.Fatalf("process %s: %d nodes, %d flows; want testTriage, 12, 10", p.ID, len(p.Nodes), len(p.Flows))
	}
	var analyze, approve *Node
	for _, n := range p.Nodes {
		switch n.ID {
		case "analyze":
			analyze = n
		case "approve":
			approve = n
		}
	}
	if f := analyze.Shell.Fields["arg4"]; !f.IsExpression || f.Value != "${observable}" {
		t.Errorf("arg4 from an activiti:expression child = %+v", f)
	}
	if f := analyze.Shell.Fields["arg2"]; f.IsExpression || f.Value != "SOCCRATES_DGA" {
		t.Errorf("arg2 stringValue = %+v", f)
	}
	if analyze.Line != 9 {
		t.Errorf("analyze on line %d, want 9", analyze.Line)
	}
	u := approve.User
	if u.CandidateGroups != "soc-analysts" || u.FormKey != "approve-response" || len(u.FormProperties) != 1 ||
		u.FormProperties[0].Type != "boolean" || !u.FormProperties[0].Required {
		t.Errorf("user task = %+v", u)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, xml, want string }{
		{"not_xml", "hello", "no root element"},
		{"truncated", "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process>", "line 2"},
		{"wrong_root", `<process xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>`, "root element is"},
		{"wrong_namespace", `<definitions/>`, "want definitions in namespace"},
		{"too_deep", strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100), "nested deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tc.xml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want %q", err, tc.want)
			}
		})
	}
}

// simple is start → body → end; body is one node with id "x" and flows f1 (in) and f2 (out).
func simple(node string) string {
	return proc(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/>` + node +
		`<sequenceFlow id="f2" sourceRef="x" targetRef="e"/><endEvent id="e"/>`)
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	shell := func(fields string) string {
		return shellTask("x", `<activiti:field name="command" stringValue="/bin/echo"/>`+fields)
	}
	sub := func(inner, boundary string) string {
		return simple(`<subProcess id="x"><startEvent id="ss"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/>` + inner + `</subProcess>` + boundary)
	}
	tests := []struct{ name, xml, want string }{
		{"parallel_gateway", simple(`<parallelGateway id="x"/>`), `"x": parallel gateways are outside the subset`},
		{"inclusive_gateway", simple(`<inclusiveGateway id="x"/>`), `"x": inclusive gateways`},
		{"script_task", simple(`<scriptTask id="x" scriptFormat="groovy"><script>1</script></scriptTask>`), `"x": script tasks`},
		{"java_class", simple(`<serviceTask id="x" activiti:class="org.Foo"/>`), "activiti:class on <serviceTask>: needs Java code"},
		{"delegate_expression", simple(`<serviceTask id="x" activiti:delegateExpression="${bean}"/>`), "activiti:delegateExpression"},
		{"expression_task", simple(`<serviceTask id="x" activiti:expression="${bean.go()}"/>`), "activiti:expression on <serviceTask>"},
		{"mail_task", simple(`<serviceTask id="x" activiti:type="mail"/>`), `service task type "mail"`},
		{"no_type", simple(`<serviceTask id="x"/>`), `without activiti:type="shell"`},
		{"arg6", simple(shell(`<activiti:field name="arg6" stringValue="a"/>`)), "field arg6: Activiti passes only arg1..arg5"},
		{"unknown_field", simple(shell(`<activiti:field name="outputVar" stringValue="a"/>`)), `unknown shell task field "outputVar"`},
		{"no_command", simple(shellTask("x", `<activiti:field name="arg1" stringValue="a"/>`)), "without a command field"},
		{"flag_expression", simple(shell(`<activiti:field name="cleanEnv" expression="${x}"/>`)), "must be a literal stringValue"},
		{"flag_value", simple(shell(`<activiti:field name="redirectError" stringValue="yes"/>`)), `must be true or false, not "yes"`},
		{"wait_false", simple(shell(`<activiti:field name="wait" stringValue="false"/>`)), "wait=false is outside the subset"},
		{"literal_el", simple(shell(`<activiti:field name="arg1" stringValue="${x}"/>`)), "uses a stringValue literally"},
		{"bad_field_expression", simple(shell(`<activiti:field name="arg1" expression="${x +}"/>`)), `operator "+" is not in the supported subset`},
		{"two_values", simple(shell(`<activiti:field name="arg1" stringValue="a" expression="${b}"/>`)), "needs exactly one value"},
		{"execution_listener", simple(shellTask("x", `<activiti:executionListener class="a"/>`)), "activiti:field only"},
		{"task_listener", simple(`<userTask id="x"><extensionElements><activiti:taskListener event="create" class="a"/></extensionElements></userTask>`), "activiti:formProperty only"},
		{"misspelt_attribute", simple(`<userTask id="x" activiti:candidateGroup="soc"/>`), "activiti:candidateGroup on <userTask>: unknown to the subset"},
		{"foreign_attribute", simple(`<userTask id="x" camunda:assignee="a"/>`), "{http://camunda.org/schema/1.0/bpmn}assignee"},
		{"async", simple(`<userTask id="x" activiti:async="true"/>`), "asynchronous continuations"},
		{"condition_language", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"><conditionExpression xsi:type="tFormalExpression" language="javascript">true</conditionExpression></sequenceFlow><sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"), "language attribute is a script"},
		{"condition_not_single", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"><conditionExpression xsi:type="tFormalExpression">x ${a}</conditionExpression></sequenceFlow><sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"), "must be a single ${...} expression"},
		{"condition_xsi_type", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"><conditionExpression>${a}</conditionExpression></sequenceFlow><sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"), `needs xsi:type="tFormalExpression"`},
		{"condition_off_gateway", proc(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="e"><conditionExpression xsi:type="tFormalExpression">${a}</conditionExpression></sequenceFlow><endEvent id="e"/>`), "does not leave an exclusive gateway"},
		{"gateway_flow_without_condition", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"/><sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"), `"fa": flow out of gateway "g" needs a condition`},
		{"default_with_condition", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"/><sequenceFlow id="fb" sourceRef="g" targetRef="b"><conditionExpression xsi:type="tFormalExpression">${a}</conditionExpression></sequenceFlow>`, "fb"), "default flow of gateway"},
		{"default_not_outgoing", gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"><conditionExpression xsi:type="tFormalExpression">${a}</conditionExpression></sequenceFlow><sequenceFlow id="fb" sourceRef="g" targetRef="b"><conditionExpression xsi:type="tFormalExpression">${b}</conditionExpression></sequenceFlow>`, "f0"), `default flow "f0" is not an outgoing flow`},
		{"error_end_top_level", proc(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/><endEvent id="x"><errorEventDefinition errorRef="errX"/></endEvent>`), "allowed only inside a sub-process"},
		{"error_end_uncaught", sub(`<endEvent id="se"><errorEventDefinition errorRef="errX"/></endEvent>`, ""), `no boundary error event on sub-process "x" catches error "X"`},
		{"error_ref_unknown", sub(`<endEvent id="se"><errorEventDefinition errorRef="nope"/></endEvent>`, `<boundaryEvent id="be" attachedToRef="x"><errorEventDefinition/></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), `errorRef "nope" names no error`},
		{"error_boundary_on_shell", simple(shell("") + `<boundaryEvent id="be" attachedToRef="x"><errorEventDefinition errorRef="errX"/></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "boundary error event is allowed only on a sub-process"},
		{"timer_on_shell", simple(shell("") + `<boundaryEvent id="be" attachedToRef="x"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "boundary timer is allowed only on a user task"},
		{"timer_non_interrupting", simple(`<userTask id="x"/><boundaryEvent id="be" attachedToRef="x" cancelActivity="false"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "non-interrupting timer"},
		{"timer_cycle", simple(`<userTask id="x"/><boundaryEvent id="be" attachedToRef="x"><timerEventDefinition><timeCycle>R3/PT1H</timeCycle></timerEventDefinition></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "timer <timeCycle> is outside the subset"},
		{"timer_bad_duration", simple(`<userTask id="x"/><boundaryEvent id="be" attachedToRef="x"><timerEventDefinition><timeDuration>4 hours</timeDuration></timerEventDefinition></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "is not an ISO-8601 duration"},
		{"signal_boundary", simple(`<userTask id="x"/><boundaryEvent id="be" attachedToRef="x"><signalEventDefinition/></boundaryEvent><sequenceFlow id="fbe" sourceRef="be" targetRef="e"/>`), "boundary event definition <signalEventDefinition>"},
		{"terminate_end", proc(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/><endEvent id="x"><terminateEventDefinition/></endEvent>`), "end event definition <terminateEventDefinition>"},
		{"timer_start", proc(`<startEvent id="x"><timerEventDefinition/></startEvent><sequenceFlow id="f1" sourceRef="x" targetRef="e"/><endEvent id="e"/>`), "start event definition <timerEventDefinition>"},
		{"event_subprocess", simple(`<subProcess id="x" triggeredByEvent="true"><startEvent id="ss"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/><endEvent id="se"/></subProcess>`), "event sub-processes"},
		{"two_processes", strings.Replace(simple(`<userTask id="x"/>`), "</definitions>", `<process id="q"/></definitions>`, 1), "want exactly one process, found 2"},
		{"not_executable", strings.Replace(simple(`<userTask id="x"/>`), `isExecutable="true"`, `isExecutable="false"`, 1), "process is not executable"},
		{"duplicate_id", simple(`<userTask id="x"/><userTask id="x"/>`), "id used twice"},
		{"fork", simple(`<userTask id="x"/><sequenceFlow id="f3" sourceRef="x" targetRef="e"/>`), "more than one forks the token"},
		{"unreachable", simple(`<userTask id="x"/><userTask id="y"/><sequenceFlow id="f3" sourceRef="y" targetRef="e"/>`), `"y": userTask needs an incoming sequence flow`},
		{"dangling_flow", simple(`<userTask id="x"/><sequenceFlow id="f3" sourceRef="x" targetRef="nowhere"/>`), `targetRef "nowhere" is not a flow node`},
		{"incoming_mismatch", simple(`<userTask id="x"><incoming>f9</incoming></userTask>`), `incoming "f9" is not a sequence flow into this node`},
		{"outgoing_missing", simple(`<userTask id="x"><incoming>f1</incoming><outgoing>f1</outgoing></userTask>`), `sequence flow "f2" is missing from the node's <outgoing> list`},
		{"unknown_element", simple(`<userTask id="x"/><dataObject id="do"/>`), "element <dataObject> is outside the subset"},
		{"foreign_element", simple(`<userTask id="x"/><camunda:thing id="c"/>`), "element {http://camunda.org/schema/1.0/bpmn}thing"},
		{"two_none_starts", simple(`<userTask id="x"/><startEvent id="s2"/><sequenceFlow id="f4" sourceRef="s2" targetRef="x"/>`), "more than one none start event"},
		{"form_type", simple(`<userTask id="x"><extensionElements><activiti:formProperty id="a" type="money"/></extensionElements></userTask>`), `form property type "money"`},
		{"message_ref_unknown", proc(`<startEvent id="x"><messageEventDefinition messageRef="m"/></startEvent><sequenceFlow id="f1" sourceRef="x" targetRef="e"/><endEvent id="e"/>`), `messageRef "m" names no message`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := mustParse(t, tc.xml)
			err := d.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate error = %v\nwant it to contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error names no line: %v", err)
			}
		})
	}
}

// TestValidateAcceptsSimple guards the skeleton the rejection cases are built on.
func TestValidateAcceptsSimple(t *testing.T) {
	t.Parallel()
	for name, xml := range map[string]string{
		"user_task":   simple(`<userTask id="x" activiti:assignee="bob"/>`),
		"shell_task":  simple(shellTask("x", `<activiti:field name="command" stringValue="/bin/echo"/>`)),
		"gateway_ok":  gatewayProc(`<sequenceFlow id="fa" sourceRef="g" targetRef="a"><conditionExpression xsi:type="tFormalExpression">${out == 'x'}</conditionExpression></sequenceFlow><sequenceFlow id="fb" sourceRef="g" targetRef="b"/>`, "fb"),
		"sub_process": simple(`<subProcess id="x"><startEvent id="ss"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/><endEvent id="se"/></subProcess>`),
	} {
		if err := mustParse(t, xml).Validate(); err != nil {
			t.Errorf("%s: Validate: %v", name, err)
		}
	}
}

func TestValidateReportsAll(t *testing.T) {
	t.Parallel()
	err := mustParse(t, simple(`<parallelGateway id="x"/><scriptTask id="y"/>`)).Validate()
	if err == nil || !strings.Contains(err.Error(), "parallel gateways") || !strings.Contains(err.Error(), "script tasks") {
		t.Errorf("Validate = %v, want both problems", err)
	}
}

func TestCheckDiagram(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/triage.bpmn20.xml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	tests := []struct{ name, from, to, want string }{
		{"missing_shape", `<bpmndi:BPMNShape id="respond_di" bpmnElement="respond">`, `<bpmndi:BPMNShape id="respond_di" bpmnElement="other">`, `"respond": no BPMNShape`},
		{"missing_edge", `bpmnElement="f_rejected">`, `bpmnElement="f_x">`, `"f_rejected": no BPMNEdge`},
		{"no_bounds", `<dc:Bounds x="62" y="52" width="36" height="36" />`, ``, "BPMNShape without dc:Bounds"},
		{"no_plane", `bpmnElement="testTriage"`, `bpmnElement="otherProcess"`, "no BPMNPlane for the process"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(src, tc.from) {
				t.Fatalf("test data lacks %q", tc.from)
			}
			err := CheckDiagram(mustParse(t, strings.Replace(src, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckDiagram = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReferenceExamples(t *testing.T) {
	t.Parallel()
	dir := testenv.Outside(t, "../shared/reference/bpmn/examples")
	for _, tc := range []struct {
		file      string
		diagramOK bool
	}{{"sample-triage.di.bpmn20.xml", true}, {"sample-events.bpmn20.xml", false}} {
		d := mustParseFile(t, filepath.Join(dir, tc.file))
		if err := d.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tc.file, err)
		}
		if err := CheckDiagram(d); (err == nil) != tc.diagramOK {
			t.Errorf("%s: CheckDiagram = %v, want ok=%v", tc.file, err, tc.diagramOK)
		}
	}
}

func TestXSDRejectsOrder(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/triage.bpmn20.xml")
	if err != nil {
		t.Fatal(err)
	}
	// Activiti's deploy-time XSD check: extensionElements must come before incoming/outgoing.
	from := "      </extensionElements>\n      <incoming>f_start</incoming>\n"
	to := "      </extensionElements>\n"
	src := strings.Replace(string(raw), "<extensionElements>\n        <activiti:field name=\"command\" stringValue=\"/opt/soccrates/bin/soccrates\" />\n        <activiti:field name=\"arg1\" stringValue=\"analyze\" />",
		"<incoming>f_start</incoming>\n      <extensionElements>\n        <activiti:field name=\"command\" stringValue=\"/opt/soccrates/bin/soccrates\" />\n        <activiti:field name=\"arg1\" stringValue=\"analyze\" />", 1)
	if !strings.Contains(src, from) {
		t.Fatal("test data changed: cannot move <incoming>")
	}
	src = strings.Replace(src, from, to, 1)
	file := filepath.Join(t.TempDir(), "bad.bpmn20.xml")
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := testenv.ValidateBPMN(t, file); err == nil {
		t.Error("xmllint accepted <incoming> before <extensionElements>")
	}
	// The engine itself does not care about the order.
	if err := mustParse(t, src).Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

package cacao

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// buildSample builds a two-step containment playbook: an SLPF deny and an
// ER contain, the shape the response planner writes.
func buildSample(t testing.TB) *Playbook {
	t.Helper()
	ids := sequentialIDs()
	b := NewPlaybook(Options{Name: "Contain 10.1.2.42", Description: "test playbook", Labels: []string{"test"},
		Now: fixedClock, NewID: ids})
	agent, path, err := HTTPAgent("OpenC2 consumer", "https://openc2.example.internal/openc2")
	if err != nil {
		t.Fatal(err)
	}
	agentID := b.AddAgent(agent)
	hostID := b.AddTarget(NetAddress("ws-0042", []netip.Addr{netip.MustParseAddr("10.1.2.42")}, []string{"ws-0042.corp.example"}))

	deny, err := openc2.DenyNet(netip.MustParsePrefix("198.51.100.23/32"), openc2.SLPFOptions{Direction: openc2.DirectionBoth})
	if err != nil {
		t.Fatal(err)
	}
	contain, err := openc2.ContainDevice(openc2.Device{Hostname: "ws-0042.corp.example"}, openc2.ContainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range []struct {
		name string
		cmd  openc2.Command
		act  string
	}{{"Deny attacker", deny, "restrict-access"}, {"Contain host", contain, "disconnect-system"}} {
		msg, err := openc2.NewMessage(step.cmd, ids(), fixedClock(), "soccrates", []string{"openc2.example.internal"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := OpenC2HTTP(msg, path, step.name, step.act)
		if err != nil {
			t.Fatal(err)
		}
		a := Action{Name: step.name, Commands: []Command{c}, Agent: agentID, Timeout: time.Minute}
		if i == 1 {
			a.Targets = []string{hostID}
		}
		b.AddAction(a)
	}
	pb, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

func sampleJSON(t testing.TB) []byte {
	t.Helper()
	data, err := buildSample(t).JSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBuildGolden(t *testing.T) {
	t.Parallel()
	got := sampleJSON(t)
	path := filepath.Join("testdata", "sample.playbook.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (go test -update creates it): %v", err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("built playbook differs from %s (go test -update refreshes it):\n%s", path, got)
	}
	if again := sampleJSON(t); string(again) != string(got) {
		t.Error("two builds with the same clock and ids differ")
	}
}

func TestBuiltPlaybookValidates(t *testing.T) {
	t.Parallel()
	for _, src := range []struct {
		name string
		src  func(testing.TB) SchemaSource
	}{{"bundled_only", bundledSource}, {"with_oasis", fullSource}} {
		t.Run(src.name, func(t *testing.T) {
			t.Parallel()
			if err := Validate(sampleJSON(t), src.src(t)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	dir := testenv.Outside(t, "../shared/reference/examples")
	v, err := NewValidator(fullSource(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cacao-containment-openc2-http.playbook.json", "cacao-triage-manual-if-condition.playbook.json"} {
		t.Run(strings.TrimSuffix(name, ".playbook.json"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(data); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// mutate applies f to the generic form of the sample playbook.
func mutate(t *testing.T, f func(pb map[string]any)) []byte {
	t.Helper()
	var pb map[string]any
	if err := json.Unmarshal(sampleJSON(t), &pb); err != nil {
		t.Fatal(err)
	}
	f(pb)
	data, err := json.Marshal(pb)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// firstCommand is the openc2-http command of the first action step.
func firstCommand(pb map[string]any) map[string]any {
	step := pb["workflow"].(map[string]any)["action--00000000-0000-4000-8000-000000000005"].(map[string]any)
	return step["commands"].([]any)[0].(map[string]any)
}

func encodeBody(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestBrokenPlaybooks(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(bundledSource(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		edit    func(pb map[string]any)
		wantErr string
	}{
		{"missing_workflow_start", func(pb map[string]any) { delete(pb, "workflow_start") }, "workflow_start"},
		{"start_is_not_a_start_step", func(pb map[string]any) {
			pb["workflow_start"] = "action--00000000-0000-4000-8000-000000000005"
		}, "is a action step, want start"},
		{"dangling_on_completion", func(pb map[string]any) {
			step := pb["workflow"].(map[string]any)["action--00000000-0000-4000-8000-000000000005"].(map[string]any)
			step["on_completion"] = "end--99999999-0000-4000-8000-000000000000"
		}, "not in the workflow"},
		{"unknown_agent", func(pb map[string]any) {
			step := pb["workflow"].(map[string]any)["action--00000000-0000-4000-8000-000000000005"].(map[string]any)
			step["agent"] = "http-api--99999999-0000-4000-8000-000000000000"
		}, "not in agent_definitions"},
		{"wrong_command_type", func(pb map[string]any) { firstCommand(pb)["type"] = "manual" }, `property "content_b64" is not defined for type manual`},
		{"unknown_command_type", func(pb map[string]any) { firstCommand(pb)["type"] = "openc2" }, `unknown command type "openc2"`},
		{"missing_content", func(pb map[string]any) { delete(firstCommand(pb), "content_b64") }, "content_b64"},
		{"bad_base64", func(pb map[string]any) { firstCommand(pb)["content_b64"] = "not base64!" }, "content_b64: illegal base64"},
		{"bad_openc2_inside", func(pb map[string]any) {
			firstCommand(pb)["content_b64"] = encodeBody(`{"headers":{"request_id":"00000000-0000-4000-8000-000000000004","created":1,"from":"x"},
				"body":{"openc2":{"request":{"action":"deny","target":{"ipv4_net":"10.1.2.42/8"}}}}}`)
		}, "host bits set"},
		{"request_id_mismatch", func(pb map[string]any) {
			firstCommand(pb)["headers"].(map[string]any)["X-Request-ID"] = []any{"someone-else"}
		}, "differs from request_id"},
		{"get_instead_of_post", func(pb map[string]any) { firstCommand(pb)["command"] = "GET /openc2 HTTP/1.1" }, "must POST"},
		{"bad_timestamp", func(pb map[string]any) { pb["created"] = "2025-06-01 09:00" }, "validate playbook"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := v.Validate(mutate(t, tc.edit))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	msgs, err := buildSample(t).Messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	if a := msgs[0].Message.Body.OpenC2.Request.Action; a != openc2.ActionDeny {
		t.Errorf("first message is %s, want deny (workflow order)", a)
	}
	if a := msgs[1].Message.Body.OpenC2.Request.Action; a != openc2.ActionContain {
		t.Errorf("second message is %s, want contain", a)
	}
}

func TestBuilderErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{"bad_id_source", func() error {
			_, err := NewPlaybook(Options{Name: "x", NewID: func() string { return "nope" }}).Build()
			return err
		}, "not an RFC 4122 UUID"},
		{"no_actions", func() error { _, err := NewPlaybook(Options{Name: "x"}).Build(); return err }, "at least one action"},
		{"unknown_agent", func() error {
			b := NewPlaybook(Options{Name: "x"})
			b.AddAction(Action{Name: "a", Commands: []Command{Manual("do it", "", "")}, Agent: "individual--x"})
			_, err := b.Build()
			return err
		}, "was not added"},
		{"no_name", func() error {
			b := NewPlaybook(Options{})
			id := b.AddAgent(AgentTarget{Type: "individual", Name: "me"})
			b.AddAction(Action{Name: "a", Commands: []Command{Manual("do it", "", "")}, Agent: id})
			_, err := b.Build()
			return err
		}, "needs a name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.run(); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sampleJSON(f))
	f.Add([]byte(`{"type":"playbook","workflow_start":"start--1","workflow":{"start--1":{"type":"start","on_completion":"start--1"}}}`))
	f.Add([]byte(`{"type":"playbook","workflow":{"a":{"commands":[{"type":"openc2-http","content_b64":"e30="}]}},"workflow_start":"a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := Parse(data)
		if err != nil {
			return
		}
		// Messages must end (cycles) and must not panic on any workflow.
		_, _ = pb.Messages()
	})
}

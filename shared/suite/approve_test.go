package suite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/bpmn"
)

type recordingApprover struct{ called bool }

func (r *recordingApprover) Complete(context.Context, bpmn.UserTask, bpmn.Vars) (map[string]any, error) {
	r.called = true
	return map[string]any{"approved": false}, nil
}

// TestPromptShowsThePlan: the analyst sees the courses of action before the question.
func TestPromptShowsThePlan(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	out := filepath.Join(work, planDir, "output")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	report := `{"success":true,"summary":{"taxonomies":[]},"artifacts":[],"operations":[],"full":{
		"coas":[{"id":"coa-1","kind":"deny_attacker","title":"Deny the attackers","rationale":"they attack","targets":["10.0.254.30/32"]}],
		"deny_addresses":["10.0.254.30/32"],"block_names":[],"refused":[],"playbook":{"type":"playbook"}}}`
	if err := os.WriteFile(filepath.Join(out, "output.json"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	var shown bytes.Buffer
	next := &recordingApprover{}
	a := briefedApprover{next: next, out: &shown}
	got, err := a.Complete(context.Background(), bpmn.UserTask{}, bpmn.Vars{"workDir": work})
	if err != nil || !next.called || got["approved"] != false {
		t.Fatalf("decision not delegated: %v %v", got, err)
	}
	for _, want := range []string{"Deny the attackers", "10.0.254.30/32", "they attack"} {
		if !strings.Contains(shown.String(), want) {
			t.Errorf("the prompt does not show %q:\n%s", want, shown.String())
		}
	}
}

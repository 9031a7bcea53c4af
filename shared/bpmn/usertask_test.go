package bpmn

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestPromptApprover(t *testing.T) {
	t.Parallel()
	task := UserTask{ID: "approve", Name: "Approve response", FormProperties: []FormProperty{{ID: "ok", Type: "boolean"}}}
	tests := []struct {
		name, in string
		want     map[string]any
		wantErr  string
		wantOut  string
	}{
		{name: "yes", in: "y\n", want: map[string]any{"ok": true}, wantOut: "Approve response (approve)? [y/n] "},
		{name: "no_word", in: "No\n", want: map[string]any{"ok": false}},
		{name: "asks_again", in: "maybe\nyes\n", want: map[string]any{"ok": true}, wantOut: "please answer y or n"},
		{name: "input_ends", in: "", wantErr: "input ended"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			a := &PromptApprover{In: strings.NewReader(tc.in), Out: &out}
			got, err := a.Complete(context.Background(), task, Vars{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(got) != 1 || got["ok"] != tc.want["ok"] {
				t.Errorf("Complete = %v, %v; want %v", got, err, tc.want)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("prompt %q lacks %q", out.String(), tc.wantOut)
			}
		})
	}
}

func TestPromptApproverCancel(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	defer w.Close()
	a := &PromptApprover{In: r, Out: io.Discard}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := a.Complete(ctx, UserTask{ID: "u"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
}

func TestPromptApproverTwoTasks(t *testing.T) {
	t.Parallel()
	a := &PromptApprover{In: strings.NewReader("y\nn\n"), Out: io.Discard}
	first, err1 := a.Complete(context.Background(), UserTask{ID: "a"}, nil)
	second, err2 := a.Complete(context.Background(), UserTask{ID: "b"}, nil)
	if err1 != nil || err2 != nil || first["approved"] != true || second["approved"] != false {
		t.Errorf("answers %v %v, errors %v %v", first, second, err1, err2)
	}
}

func TestDecisionVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		props []FormProperty
		want  string
	}{
		{"default", nil, "approved"},
		{"first_boolean", []FormProperty{{ID: "note", Type: "string"}, {ID: "go", Type: "boolean"}, {ID: "x", Type: "boolean"}}, "go"},
		{"variable_attribute", []FormProperty{{ID: "go", Type: "boolean", Variable: "proceed"}}, "proceed"},
		{"no_boolean", []FormProperty{{ID: "note", Type: "string"}}, "approved"},
	}
	for _, tc := range tests {
		if got := DecisionVariable(UserTask{FormProperties: tc.props}); got != tc.want {
			t.Errorf("%s: DecisionVariable = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestApproverVariablesNormalised(t *testing.T) {
	t.Parallel()
	d := mustParse(t, simple(`<userTask id="x"/>`))
	res, err := Run(context.Background(), d, Vars{}, Options{Approver: FixedApprover{Vars: map[string]any{"score": 7, "bad": nil}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Vars["score"] != int64(7) {
		t.Errorf("score = %#v, want int64(7)", res.Vars["score"])
	}
	_, err = Run(context.Background(), d, Vars{}, Options{Approver: FixedApprover{Vars: map[string]any{"m": map[string]int{}}}})
	if err == nil || !strings.Contains(err.Error(), "user task variable m") {
		t.Errorf("err = %v, want a type error for m", err)
	}
}

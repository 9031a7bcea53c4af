package bpmn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExecRunner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		cmd      ShellCommand
		wantOut  string
		wantCode int
		wantErr  string
	}{
		{name: "echo_keeps_newline", cmd: ShellCommand{Command: "/bin/echo", Args: []string{"hello", "a b"}}, wantOut: "hello a b\n"},
		{name: "argv_not_a_shell", cmd: ShellCommand{Command: "/bin/echo", Args: []string{"$HOME", "*"}}, wantOut: "$HOME *\n"},
		{name: "nonzero_exit_is_not_an_error", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "printf bad; exit 3"}}, wantOut: "bad", wantCode: 3},
		{name: "signal_is_128_plus", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "kill -9 $$"}}, wantCode: 137},
		{name: "stderr_dropped", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "echo out; echo err >&2"}}, wantOut: "out\n"},
		{name: "stderr_redirected", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "echo out; echo err >&2"}, RedirectError: true}, wantOut: "out\nerr\n"},
		{name: "directory", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "pwd"}, Dir: dir}, wantOut: dir + "\n"},
		{name: "relative_command_in_directory", cmd: ShellCommand{Command: "./tok.sh", Dir: dir}, wantOut: "malicious"},
		{name: "clean_env", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "echo ${HOME-unset}"}, CleanEnv: true}, wantOut: "unset\n"},
		{name: "env_kept", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "echo ${PATH:+set}"}}, wantOut: "set\n"},
		{name: "exactly_64KiB_is_fine", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "head -c 65536 /dev/zero"}}, wantOut: strings.Repeat("\x00", 65536)},
		{name: "stdout_over_64KiB", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "head -c 70000 /dev/zero"}}, wantErr: "more than 65536 bytes to stdout: Activiti would hang"},
		{name: "stderr_over_64KiB", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "head -c 70000 /dev/zero >&2"}}, wantErr: "to stderr: Activiti would hang"},
		{name: "redirected_stderr_counts_on_stdout", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", "head -c 40000 /dev/zero; head -c 40000 /dev/zero >&2"}, RedirectError: true}, wantErr: "to stdout"},
		{name: "missing_command", cmd: ShellCommand{Command: filepath.Join(dir, "nope")}, wantErr: "could not execute shell command"},
		{name: "missing_directory", cmd: ShellCommand{Command: "/bin/echo", Dir: filepath.Join(dir, "nope")}, wantErr: "could not execute shell command"},
		{name: "invalid_utf8_replaced", cmd: ShellCommand{Command: "/bin/sh", Args: []string{"-c", `printf 'a\377b'`}}, wantOut: "a\uFFFDb"},
	}
	if err := os.WriteFile(filepath.Join(dir, "tok.sh"), []byte("#!/bin/sh\nprintf malicious\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			out, code, err := ExecRunner{}.Run(ctx, tc.cmd)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if out != tc.wantOut || code != tc.wantCode {
				t.Errorf("Run = %q (%d bytes), %d; want %q, %d", truncate(out), len(out), code, truncate(tc.wantOut), tc.wantCode)
			}
		})
	}
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// TestExecRunnerStdin: stdin is left open, so a command that does not read it ends normally, and one
// that reads it runs until the context ends, with an error that says why.
func TestExecRunnerStdin(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := ExecRunner{}.Run(ctx, ShellCommand{Command: "/bin/cat"})
	if err == nil || !strings.Contains(err.Error(), "did not finish") || !strings.Contains(err.Error(), "stdin open") {
		t.Fatalf("cat: err = %v, want did not finish ... stdin open", err)
	}
	if elapsed := time.Since(start); elapsed < 250*time.Millisecond {
		t.Errorf("cat returned after %v: stdin was not left open", elapsed)
	}
	out, _, err := ExecRunner{}.Run(context.Background(), ShellCommand{Command: "/bin/sh", Args: []string{"-c", "read -t 0 x; echo done"}})
	if err != nil || out != "done\n" {
		t.Errorf("command that does not block on stdin: %q, %v", out, err)
	}
}

// TestRunWithExecRunner runs the triage process end to end with real scripts standing in for the CLI.
func TestRunWithExecRunner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cli := filepath.Join(dir, "soccrates")
	script := "#!/bin/sh\ncase \"$1\" in analyze) printf '%s' \"$4\" | grep -q evil && printf malicious || printf safe;;\n" +
		"respond) echo \"$5\" > \"" + dir + "/responded\"; printf done;; esac\n"
	if err := os.WriteFile(cli, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	d := mustParseFile(t, "testdata/triage.bpmn20.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := Run(ctx, d, Vars{"observable": "evil.example", "dataType": "domain", "workDir": dir},
		Options{Approver: FixedApprover{Vars: map[string]any{"approved": true}}, CommandMap: map[string]string{"/opt/soccrates/bin/soccrates": cli}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.EndID != "endResponded" || res.Vars["verdict"] != "malicious" || res.Vars["responseStatus"] != "done" {
		t.Errorf("result %+v", res)
	}
	got, err := os.ReadFile(filepath.Join(dir, "responded"))
	if err != nil || string(got) != dir+"/respond\n" {
		t.Errorf("responder got %q, %v; want the composite job folder", got, err)
	}
}

package bpmn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// shell runs a shell task as ShellActivityBehavior: evaluate the fields, run the command, store
// stdout and the exit code as strings. A non-zero exit code is not an error.
func (r *run) shell(ctx context.Context, n *Node) error {
	cmd, outVar, codeVar, err := r.shellCommand(n)
	if err != nil {
		return err
	}
	if mapped, ok := r.opt.CommandMap[cmd.Command]; ok {
		cmd.Command = mapped
	}
	r.log.Debug("shell task", "element", n.ID, "command", describe(cmd))
	stdout, code, err := r.opt.Runner.Run(ctx, cmd)
	if err != nil {
		return err
	}
	if outVar != "" {
		r.vars[outVar] = stdout
	}
	if codeVar != "" {
		r.vars[codeVar] = strconv.Itoa(code)
	}
	r.emit("shell", n, fmt.Sprintf("%s: exit %d", describe(cmd), code))
	return nil
}

// shellCommand evaluates the fields of a shell task. As Activiti, an argument whose expression is
// null is left out, and arguments come in the order arg1..arg5 whatever the order of the fields.
func (r *run) shellCommand(n *Node) (cmd ShellCommand, outVar, codeVar string, err error) {
	vals := map[string]string{}
	for _, name := range sortedKeys(n.Shell.Fields) {
		v, isNull, err := r.field(n.Shell.Fields[name])
		if err != nil {
			return cmd, "", "", fmt.Errorf("field %s: %w", name, err)
		}
		if !isNull {
			vals[name] = v
		}
	}
	command, ok := vals["command"]
	if !ok {
		return cmd, "", "", errors.New("could not execute shell command: the command field is null")
	}
	cmd = ShellCommand{Command: command, Dir: vals["directory"],
		CleanEnv: vals["cleanEnv"] == "true", RedirectError: vals["redirectError"] == "true"}
	for i := 1; i <= 5; i++ {
		if a, ok := vals["arg"+strconv.Itoa(i)]; ok {
			cmd.Args = append(cmd.Args, a)
		}
	}
	return cmd, vals["outputVariable"], vals["errorCodeVariable"], nil
}

// field returns a field's value as Activiti's getStringFromField: a stringValue as it is, an
// expression evaluated and toString'ed, null when the expression is null.
func (r *run) field(f Field) (string, bool, error) {
	if !f.IsExpression {
		return f.Value, false, nil
	}
	t, err := parseTemplate(f.Value)
	if err != nil {
		return "", false, err
	}
	v, err := evalTemplate(t, r.vars)
	if err != nil {
		return "", false, err
	}
	if v == nil {
		return "", true, nil
	}
	return toStr(v), false, nil
}

// pipeBuffer is the Linux pipe capacity. ShellCommandExecutor calls waitFor() before it reads stdout
// and never reads stderr, so a command that writes more than this to either blocks forever.
const pipeBuffer = 64 << 10

// ExecRunner runs commands with os/exec as Activiti's ShellCommandExecutor does: argv only (no
// shell), stdin a pipe that is never written nor closed, stdout kept whole, stderr discarded unless
// redirected. Where Activiti would hang it fails instead: more than 64 KiB on stdout or stderr is an
// error, and a command still running when ctx ends (one that reads stdin never ends in Activiti) is
// killed and reported.
type ExecRunner struct {
	// MaxOutput is the number of bytes on a stream beyond which Activiti would hang; 0 means 64 KiB.
	MaxOutput int
}

// Run implements Runner.
func (e ExecRunner) Run(ctx context.Context, sc ShellCommand) (string, int, error) {
	limit := e.MaxOutput
	if limit <= 0 {
		limit = pipeBuffer
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := exec.CommandContext(ctx, sc.Command, sc.Args...)
	c.Dir = sc.Dir
	if sc.CleanEnv {
		c.Env = []string{}
	}
	c.WaitDelay = 2 * time.Second
	stdout := &capWriter{limit: limit, overflow: cancel}
	stderr := &capWriter{limit: limit, overflow: cancel, discard: true}
	c.Stdout, c.Stderr = stdout, stderr
	if sc.RedirectError {
		c.Stderr = stdout
	}

	// Activiti's child gets a pipe for stdin that nobody writes to; keep the write end open until the
	// command is done so that a read blocks as it would there, instead of seeing end of file.
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return "", 0, fmt.Errorf("could not execute shell command %s: %w", sc.Command, err)
	}
	defer stdinW.Close()
	c.Stdin = stdinR
	err = c.Start()
	stdinR.Close()
	if err != nil {
		return "", 0, fmt.Errorf("could not execute shell command %s: %w", sc.Command, err)
	}
	err = c.Wait()
	return finish(ctx, sc, stdout, stderr, err)
}

// finish turns the outcome of Wait into Activiti's result or the reason Activiti would hang.
func finish(ctx context.Context, sc ShellCommand, stdout, stderr *capWriter, err error) (string, int, error) {
	switch {
	case stdout.exceeded:
		return "", 0, fmt.Errorf("command %s wrote more than %d bytes to stdout: Activiti would hang, "+
			"as it reads stdout only after the command exits; keep the output in a file, print a short token",
			sc.Command, stdout.limit)
	case stderr.exceeded:
		return "", 0, fmt.Errorf("command %s wrote more than %d bytes to stderr: Activiti would hang, "+
			"as it never reads stderr unless redirectError; log to a file", sc.Command, stderr.limit)
	case ctx.Err() != nil:
		return "", 0, fmt.Errorf("command %s did not finish: %w (Activiti leaves stdin open: "+
			"a command that reads stdin never ends there)", sc.Command, context.Cause(ctx))
	}
	// Java decodes stdout as UTF-8, replacing malformed bytes.
	out := strings.ToValidUTF8(stdout.b.String(), "\uFFFD")
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out, exitCode(exit), nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("command %s: %w", sc.Command, err)
	}
	return out, 0, nil
}

// exitCode is the status Java's Process.waitFor reports: 128+signal for a command killed by a signal.
func exitCode(e *exec.ExitError) int {
	if ws, ok := e.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return e.ExitCode()
}

// capWriter keeps up to limit bytes and calls overflow (which kills the command) when more come.
type capWriter struct {
	b        strings.Builder
	n        int
	limit    int
	discard  bool
	exceeded bool
	overflow func()
}

func (w *capWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > w.limit && !w.exceeded {
		w.exceeded = true
		w.overflow()
	}
	if !w.discard && !w.exceeded {
		w.b.Write(p)
	}
	return len(p), nil
}

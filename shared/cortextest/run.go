package cortextest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// jobCounter numbers job folders (job-1, job-2, ...) across the test binary.
var jobCounter atomic.Int64

// killGrace is how long a worker has between SIGTERM and SIGKILL at the timeout.
const killGrace = 5 * time.Second

// RunProcess runs bin in Cortex process mode on job: it creates the absolute job folder
// <tmp>/job-N with input/input.json, the attachments and input/cacerts (when config.cacerts is a
// non-blank string), and an empty output/; makes input/ read-only (0555, files 0444); runs bin
// with the job folder as its only argument, from the analyzers root (the parent of bin's
// folder), stdin closed, with os.Environ, REQUESTS_CA_BUNDLE when cacerts was written, and
// job.Env. At the timeout the worker gets SIGTERM, then SIGKILL, and the test fails.
func RunProcess(t testing.TB, bin string, job Job) *Run {
	t.Helper()
	bin = absBinary(t, bin)
	jobDir := filepath.Join(t.TempDir(), fmt.Sprintf("job-%d", jobCounter.Add(1)))
	caBundle, err := layOut(jobDir, job)
	if err != nil {
		t.Fatalf("cortextest: lay out job folder: %v", err)
	}
	inputDir := filepath.Join(jobDir, "input")
	// Let t.TempDir's cleanup, which runs after this one, delete inside input/.
	t.Cleanup(func() { os.Chmod(inputDir, 0o755) })
	before, err := snapshot(inputDir)
	if err != nil {
		t.Fatalf("cortextest: read input folder: %v", err)
	}

	env := os.Environ()
	if caBundle != "" {
		env = append(env, "REQUESTS_CA_BUNDLE="+caBundle)
	}
	run := execute(t, bin, []string{jobDir}, nil, append(env, job.Env...), job.Timeout)
	run.JobDir = jobDir
	run.OutputDir = filepath.Join(jobDir, "output")

	after, err := snapshot(inputDir)
	if err != nil {
		t.Fatalf("cortextest: read input folder after the run: %v", err)
	}
	run.inputModified = diffSnapshots(before, after)
	run.OutputJSON, err = os.ReadFile(filepath.Join(run.OutputDir, "output.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		run.outputErr = err // e.g. the worker made output.json a folder: Check reports it
	}
	run.Report = decodeLenient(run.OutputJSON, run.OutputDir)
	return run
}

// RunStdin runs bin in legacy mode: no argument, job.Input on stdin, the report expected on
// stdout; working directory and environment as in RunProcess (without REQUESTS_CA_BUNDLE).
func RunStdin(t testing.TB, bin string, job Job) *Run {
	t.Helper()
	if len(job.Attachments) > 0 {
		t.Fatalf("cortextest: RunStdin has no job folder to put attachments in")
	}
	bin = absBinary(t, bin)
	run := execute(t, bin, nil, bytes.NewReader(job.Input), append(os.Environ(), job.Env...), job.Timeout)
	run.stdinMode = true
	run.OutputJSON = run.Stdout
	run.Report = decodeLenient(run.Stdout, "")
	return run
}

func absBinary(t testing.TB, bin string) string {
	t.Helper()
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatalf("cortextest: %v", err)
	}
	return abs
}

// layOut creates the job folder as Cortex does and returns the cacerts path, "" when none.
func layOut(jobDir string, job Job) (string, error) {
	inputDir, outputDir := filepath.Join(jobDir, "input"), filepath.Join(jobDir, "output")
	for _, dir := range []string{inputDir, outputDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	files := map[string][]byte{"input.json": job.Input}
	for name, data := range job.Attachments {
		if name != filepath.Base(name) || name == "." || name == ".." || name == "input.json" || name == "cacerts" {
			return "", fmt.Errorf("attachment name %q: want a plain file name other than input.json and cacerts", name)
		}
		files[name] = data
	}
	caBundle := ""
	if pem := configCACerts(job.Input); pem != "" {
		files["cacerts"] = []byte(pem)
		caBundle = filepath.Join(inputDir, "cacerts")
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(inputDir, name), data, 0o444); err != nil {
			return "", err
		}
	}
	return caBundle, os.Chmod(inputDir, 0o555)
}

// configCACerts returns config.cacerts when it is a non-blank string. Input that is not JSON is
// allowed (a test may feed garbage on purpose) and has no cacerts.
func configCACerts(input []byte) string {
	var in struct {
		Config map[string]any `json:"config"`
	}
	if json.Unmarshal(input, &in) != nil {
		return ""
	}
	pem, _ := in.Config["cacerts"].(string)
	if strings.TrimSpace(pem) == "" {
		return ""
	}
	return pem
}

// execute runs the worker and collects what it left; only a harness failure stops the test.
func execute(t testing.TB, bin string, args []string, stdin io.Reader, env []string, timeout time.Duration) *Run {
	t.Helper()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // as Cortex does
	cmd.WaitDelay = killGrace
	cmd.Dir = filepath.Dir(filepath.Dir(bin))
	cmd.Env = env
	cmd.Stdin = stdin // nil: the null device
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && cmd.ProcessState == nil {
		t.Fatalf("cortextest: start %s: %v", bin, err)
	}
	run := &Run{ExitCode: cmd.ProcessState.ExitCode(), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if ctx.Err() != nil {
		run.TimedOut = true
		t.Errorf("cortextest: %s still running after %v: killed (stderr: %s)", filepath.Base(bin), timeout, tail(run.Stderr))
	}
	return run
}

// fileState is what snapshot records of one entry in input/.
type fileState struct {
	mode os.FileMode
	sum  [sha256.Size]byte
}

func snapshot(dir string) (map[string]fileState, error) {
	states := map[string]fileState{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{mode: info.Mode()}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			st.sum = sha256.Sum256(data)
		}
		rel, _ := filepath.Rel(dir, path)
		states[rel] = st
		return nil
	})
	return states, err
}

func diffSnapshots(before, after map[string]fileState) []string {
	var changes []string
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			changes = append(changes, "removed "+name)
		case a != b:
			changes = append(changes, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			changes = append(changes, "created "+name)
		}
	}
	sort.Strings(changes)
	return changes
}

// tail returns the end of a worker's stderr for a failure message.
func tail(b []byte) string {
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return strings.TrimSpace(string(b))
}

package suite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// binDir holds the fake workers (one build of testdata/fakeworker under each worker's name) and a build
// of the real suite command, made once for all tests.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "suite-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	err = buildBinaries(dir)
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "build test binaries:", err)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildBinaries(dir string) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	builds := [][]string{
		{"build", "-o", filepath.Join(dir, "fakeworker"), "./testdata/fakeworker/main.go"},
		{"build", "-o", filepath.Join(dir, "soccrates"), "../../scripts/soccrates"},
	}
	for _, args := range builds {
		out, err := exec.Command(gobin, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go %v: %v\n%s", args, err, out)
		}
	}
	fake, err := os.ReadFile(filepath.Join(dir, "fakeworker"))
	if err != nil {
		return err
	}
	for _, name := range []string{"AttackDetection", "AttackGraph", "BusinessImpact", "CourseOfAction", "ResponsePlanner", "OpenC2"} {
		if err := os.WriteFile(filepath.Join(dir, name), fake, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// result is what one invocation of the suite command left.
type result struct {
	code           int
	stdout, stderr string
}

// runSuite runs the suite in-process with the fake workers and the given config file ("" for none).
func runSuite(t *testing.T, config string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	full := append([]string{"soccrates", "--bin", binDir}, args...)
	if config != "" {
		full = append([]string{"soccrates", "--bin", binDir, "--config", config}, args...)
	}
	code := Run(ctx, full, Config{
		Version:    "test",
		Executable: filepath.Join(binDir, "soccrates"),
		Stdin:      bytes.NewReader(nil),
		Stdout:     &stdout,
		Stderr:     &stderr,
	})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// writeFile writes content to name under dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

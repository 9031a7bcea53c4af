package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// jobMarker is written into every job folder the suite makes, so that a rerun may clear it and nothing
// else is ever removed.
const jobMarker = ".soccrates-job"

// jobInput is a Cortex input/input.json as the suite writes it.
type jobInput struct {
	Data        any             `json:"data,omitempty"`
	File        string          `json:"file,omitempty"`
	Filename    string          `json:"filename,omitempty"`
	ContentType string          `json:"contentType,omitempty"`
	DataType    string          `json:"dataType"`
	TLP         int             `json:"tlp"`
	PAP         int             `json:"pap"`
	Message     string          `json:"message"`
	Parameters  map[string]any  `json:"parameters"`
	Config      json.RawMessage `json:"config"`
}

func newJobInput(dataType string, data any, config json.RawMessage) jobInput {
	return jobInput{Data: data, DataType: dataType, TLP: 2, PAP: 2, Parameters: map[string]any{}, Config: config}
}

// prepareJobDir makes an empty job folder, with input/ and output/ when withIO (a respond step over a
// list holds only numbered job folders). A folder left by an earlier run of
// the suite is cleared; any other non-empty folder is refused rather than emptied.
func prepareJobDir(dir string, withIO bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("prepare job folder: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, jobMarker)); err != nil {
			return fmt.Errorf("prepare job folder: %s is not empty and was not made by soccrates", dir)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("prepare job folder: %w", err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("prepare job folder: %w", err)
	}
	for _, sub := range []string{"input", "output"} {
		if !withIO {
			break
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("prepare job folder: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, jobMarker), nil, 0o644); err != nil {
		return fmt.Errorf("prepare job folder: %w", err)
	}
	return nil
}

// addAttachment copies a file observable into input/ and fills the file fields as Cortex does.
func addAttachment(dir, src string, in *jobInput) error {
	const name = "attachment1"
	s, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy attachment: %w", err)
	}
	defer s.Close()
	d, err := os.Create(filepath.Join(dir, "input", name))
	if err != nil {
		return fmt.Errorf("copy attachment: %w", err)
	}
	if _, err := io.Copy(d, s); err != nil {
		d.Close()
		return fmt.Errorf("copy attachment %s: %w", src, err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("copy attachment: %w", err)
	}
	in.Data = nil
	in.File, in.Filename = name, filepath.Base(src)
	in.ContentType = mime.TypeByExtension(filepath.Ext(src))
	if in.ContentType == "" {
		in.ContentType = "application/octet-stream"
	}
	return nil
}

func writeJobInput(dir string, in jobInput) error {
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return fmt.Errorf("write input.json: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "input", "input.json"), b, 0o644); err != nil {
		return fmt.Errorf("write input.json: %w", err)
	}
	return nil
}

// runWorker runs a worker on a job folder the way Cortex's process runner does: the folder is the only
// argument, stdin is /dev/null (a worker that reads stdin would otherwise wait for ever), and both
// output streams go to the log.
func runWorker(ctx context.Context, path, dir string, log io.Writer, logger *slog.Logger) error {
	start := time.Now()
	cmd := exec.CommandContext(ctx, path, dir)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	logger.Info("worker finished", "duration", time.Since(start).Round(time.Millisecond), "err", err)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return fmt.Errorf("run worker %s: %w", path, err)
	}
	// A non-zero exit goes with an error report; the report, not the code, says what happened.
	return nil
}

var workerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// locateWorker finds a worker executable: in binDir when given, else beside the suite command
// (bin/ layout), else in the dist layout next to that folder.
func locateWorker(name, binDir, exe string) (string, error) {
	name = shortName(name)
	if !workerName.MatchString(name) {
		return "", fmt.Errorf("locate worker: %q is not a worker name", name)
	}
	var candidates []string
	if binDir != "" {
		candidates = append(candidates, filepath.Join(binDir, name))
	}
	if exe != "" {
		here := filepath.Dir(exe)
		candidates = append(candidates,
			filepath.Join(here, name),
			filepath.Join(here, "..", "analyzers", name, name),
			filepath.Join(here, "..", "responders", name, name))
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("locate worker %s: not found in %v (build it, or pass --bin)", name, candidates)
}

// cortexPrefix starts every Cortex name of this suite's workers (SOCCRATES_AttackDetection).
const cortexPrefix = "SOCCRATES_"

// shortName accepts a worker's Cortex name as well as its folder name.
func shortName(name string) string { return strings.TrimPrefix(name, cortexPrefix) }

// workerConfig returns the worker's object from the suite config file, {} when there is no file or no
// entry for the worker.
func workerConfig(path, worker string) (json.RawMessage, error) {
	if path == "" {
		return json.RawMessage("{}"), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read suite config: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("read suite config %s: want {\"<Worker>\": {...}}: %v", path, err)
	}
	c, ok := all[shortName(worker)]
	if !ok {
		c, ok = all[cortexPrefix+shortName(worker)]
	}
	if !ok {
		return json.RawMessage("{}"), nil
	}
	var obj map[string]any
	if err := json.Unmarshal(c, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("read suite config %s: entry %q is not an object", path, worker)
	}
	return c, nil
}

package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/version"
)

// Spec is what a worker hands to Run: its manifest and exactly one of Analyze or Respond.
type Spec struct {
	Manifest *manifests.Manifest
	Analyze  func(ctx context.Context, j *Job) (*Report, error)
	Respond  func(ctx context.Context, j *Job) (*ResponderReport, error)
}

// DefaultJobDir is where the Docker runner mounts the job when no argument is given.
const DefaultJobDir = "/job"

// grace is how long Run waits for a worker that ignores its expired context before reporting.
var grace = 3 * time.Second

// Run is the whole life of a worker process: it parses the command line (args[0] is the program
// name), finds and reads the job, runs the checks, calls the worker, writes the report and returns
// the exit code for os.Exit.
func Run(ctx context.Context, spec Spec, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code := 0
	app := &cli.App{
		Name:      spec.Manifest.Folder(),
		Usage:     spec.Manifest.Description,
		UsageText: spec.Manifest.Folder() + " [--verbose] [JOB_FOLDER]",
		// urfave/cli's built-in help and version flags are package globals written on every parse,
		// which races when several workers run in one process (tests); these are per app.
		HideHelp:    true,
		HideVersion: true,
		Reader:      stdin,
		// Usage messages and help go to stderr: stdout carries the report and nothing else.
		Writer:    stderr,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Usage: "log debug lines (each outbound request, each decision) to stderr"},
			&cli.BoolFlag{Name: "version", Usage: "print the worker's and the suite's version"},
			&cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show this help"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.Bool("version"):
				fmt.Fprintf(stdout, "%s %s (SOCCRATES suite %s)\n", spec.Manifest.Name, spec.Manifest.Version, version.Version)
				return nil
			case c.Bool("help"):
				return cli.ShowAppHelp(c)
			}
			if c.NArg() > 1 {
				return fmt.Errorf("one job folder at most, got %d arguments; usage: %s", c.NArg(), c.App.UsageText)
			}
			dir := DefaultJobDir
			if c.NArg() > 0 {
				dir = c.Args().First()
			}
			code = runJob(ctx, spec, dir, c.Bool("verbose"), stdin, stdout, stderr)
			return nil
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	if err := app.Run(args); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", spec.Manifest.Folder(), err)
		return 2
	}
	return code
}

// sink is where the report goes: output/output.json in folder mode, stdout otherwise.
type sink struct {
	dir    string // job folder, "" for stdout
	stdout io.Writer
}

func (s sink) write(report []byte) error {
	if s.dir == "" {
		_, err := s.stdout.Write(append(report, '\n'))
		return err
	}
	out := filepath.Join(s.dir, "output")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	tmp, err := os.CreateTemp(out, ".output-*.json")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(report); err != nil {
		tmp.Close()
		return fmt.Errorf("write report: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return os.Rename(tmp.Name(), filepath.Join(out, "output.json"))
}

func runJob(ctx context.Context, spec Spec, dir string, verbose bool, stdin io.Reader, stdout, stderr io.Writer) int {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("worker", spec.Manifest.Name)
	start := time.Now()

	out, in, err := open(dir, stdin, stdout)
	if err != nil {
		return fail(out, log, err, nil, nil)
	}
	input, err := decodeInput(in)
	if c, ok := in.(io.Closer); ok && in != stdin {
		c.Close()
	}
	if err != nil {
		return fail(out, log, err, nil, nil)
	}
	echo, secrets := Redact(input)
	j, err := prepare(spec, out.dir, input, log)
	if err != nil {
		return fail(out, log, err, echo, secrets)
	}
	log.Info("job started", "data_type", j.DataType, "job_dir", out.dir)

	report, err := execute(ctx, spec, j)
	if err != nil {
		log.Error("job failed", "duration", time.Since(start).Round(time.Millisecond), "err", Scrub(err.Error(), secrets))
		return fail(out, nil, err, echo, secrets)
	}
	if err := out.write(report); err != nil {
		log.Error("write report", "err", err)
		return 1
	}
	log.Info("job finished", "duration", time.Since(start).Round(time.Millisecond))
	return 0
}

// open chooses the mode as cortexutils does and returns where the input comes from.
func open(dir string, stdin io.Reader, stdout io.Writer) (sink, io.Reader, error) {
	path := filepath.Join(dir, "input", "input.json")
	if f, err := os.Open(path); err == nil {
		abs, _ := filepath.Abs(dir)
		return sink{dir: abs}, f, nil
	}
	out := sink{stdout: stdout}
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return out, nil, badInput("Input file doesnt exist: give a job folder holding input/input.json, or the job JSON on stdin")
		}
	}
	return out, stdin, nil
}

// fail writes an error report and returns exit code 1.
func fail(out sink, log *slog.Logger, err error, echo any, secrets []string) int {
	msg := Scrub(message(err), secrets)
	if log != nil {
		log.Error("job failed", "err", msg)
	}
	input, _ := echo.(map[string]any)
	if werr := out.write(marshalError(msg, input)); werr != nil && log != nil {
		log.Error("write report", "err", werr)
	}
	return 1
}

// message is the errorMessage for err: input errors as they are, others prefixed by what failed.
func message(err error) string {
	var ie *inputError
	if errors.As(err, &ie) {
		return ie.msg
	}
	return err.Error()
}

// prepare runs the start-up checks in Cortex's order and builds the Job.
func prepare(spec Spec, dir string, input map[string]any, log *slog.Logger) (*Job, error) {
	dataType, ok := stringField(input, "dataType")
	if !ok || dataType == "" {
		return nil, badInput("Missing dataType field")
	}
	rawCfg, _ := input["config"].(map[string]any)
	if rawCfg == nil {
		rawCfg = map[string]any{}
	}
	j := &Job{Dir: dir, Manifest: spec.Manifest, DataType: dataType, Log: log.With("data_type", dataType), input: input}
	var err error
	if j.TLP, err = intField(input, "tlp", 2); err != nil {
		return nil, err
	}
	if j.PAP, err = intField(input, "pap", 2); err != nil {
		return nil, err
	}
	if err := tlpCheck(rawCfg, "TLP", j.TLP); err != nil {
		return nil, err
	}
	if err := tlpCheck(rawCfg, "PAP", j.PAP); err != nil {
		return nil, err
	}
	if !slices.Contains(spec.Manifest.DataTypeList, dataType) {
		return nil, badInput("This datatype is not supported by this %s.", spec.Manifest.Kind)
	}
	j.Message, _ = stringField(input, "message")
	j.Config = newConfig(rawCfg, spec.Manifest)
	if err := j.readObservable(spec); err != nil {
		return nil, err
	}
	if err := j.Config.check(); err != nil {
		return nil, badInput("%v", err)
	}
	return j, j.readCACerts()
}

func (j *Job) readObservable(spec Spec) error {
	if spec.Manifest.Kind == manifests.Responder {
		obj, ok := j.input["data"].(map[string]any)
		if !ok {
			if _, present := j.input["data"]; present {
				return badInput("data must be the TheHive object (case, artifact, alert or task) for a responder")
			}
			return badInput("Missing data field")
		}
		j.object = obj
		return nil
	}
	if j.DataType != "file" {
		s, ok := stringField(j.input, "data")
		if !ok {
			return badInput("Missing data field")
		}
		j.data = s
		return nil
	}
	name, ok := stringField(j.input, "filename")
	if !ok || name == "" {
		return badInput("Missing filename.")
	}
	file, ok := stringField(j.input, "file")
	if !ok || file == "" {
		return badInput("Missing file field: the job names no attachment")
	}
	if !filepath.IsAbs(file) && j.Dir != "" {
		file = filepath.Join(j.Dir, "input", file)
	}
	fi, err := os.Stat(file)
	if err != nil || !fi.Mode().IsRegular() {
		return badInput("the attachment %s of this file job cannot be read", filepath.Base(file))
	}
	j.file, j.name, j.data = file, name, name
	j.ctype, _ = stringField(j.input, "contentType")
	return nil
}

// readCACerts takes the CA bundle from the config text, else input/cacerts, else REQUESTS_CA_BUNDLE.
func (j *Job) readCACerts() error {
	if s := j.Config.String("cacerts"); strings.TrimSpace(s) != "" {
		j.cacerts = []byte(s)
		return nil
	}
	var path string
	if j.Dir != "" {
		path = filepath.Join(j.Dir, "input", "cacerts")
	}
	if _, err := os.Stat(path); path == "" || err != nil {
		path = os.Getenv("REQUESTS_CA_BUNDLE")
	}
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return badInput("read the CA bundle %s: %v", path, err)
	}
	j.cacerts = b
	return nil
}

// execute runs the worker with the job's deadline, turns a panic into an error and builds the report.
func execute(parent context.Context, spec Spec, j *Job) ([]byte, error) {
	ctx, cancel := context.WithTimeoutCause(parent, j.Deadline(), errors.New("the job ran out of time (jobTimeout)"))
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	type result struct {
		report []byte
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				j.Log.Error("worker panicked", "err", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("internal error in %s: %v; please report this with the job's log", spec.Manifest.Name, p)}
			}
		}()
		b, err := build(ctx, spec, j)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.report, r.err
	case <-ctx.Done():
	}
	select {
	case r := <-done:
		return r.report, r.err
	case <-time.After(grace):
		return nil, fmt.Errorf("job stopped: %v", context.Cause(ctx))
	}
}

func build(ctx context.Context, spec Spec, j *Job) ([]byte, error) {
	if spec.Respond != nil {
		r, err := spec.Respond(ctx, j)
		if err != nil {
			return nil, err
		}
		if err := checkOperations(r.Operations, j.DataType); err != nil {
			return nil, fmt.Errorf("internal error in %s: %w", spec.Manifest.Name, err)
		}
		return marshalResponder(r)
	}
	r, err := spec.Analyze(ctx, j)
	if err != nil {
		return nil, err
	}
	if err := checkOperations(r.Operations, "thehive:case_artifact"); err != nil {
		return nil, fmt.Errorf("internal error in %s: %w", spec.Manifest.Name, err)
	}
	artifacts := r.Artifacts
	if artifacts == nil && j.autoExtract() {
		artifacts, err = extractFrom(r.Full, j.data)
		if err != nil {
			return nil, err
		}
	}
	return marshalAnalyzer(r, artifacts)
}

// autoExtract reads auto_extract, else auto_extract_artifacts, else true, as cortexutils does.
func (j *Job) autoExtract() bool {
	for _, k := range []string{"auto_extract", "auto_extract_artifacts"} {
		if b, ok := j.Config.values[k].(bool); ok {
			return b
		}
	}
	return true
}

func extractFrom(full any, observable string) ([]Artifact, error) {
	raw, err := fullObject(full)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return Extract(v, observable), nil
}

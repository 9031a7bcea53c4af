package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// Config is what the suite command takes from its surroundings; main fills it from the process.
type Config struct {
	Version string
	// Executable is the absolute path of the running soccrates binary. The run verb maps the committed
	// command path to it, and workers are looked up beside it.
	Executable string
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	// Getenv reads SOCCRATES_BIN, SOCCRATES_CONFIG and SOCCRATES_CASE_TITLE; nil reads nothing.
	Getenv func(string) string
	// Interactive says Stdin is a terminal, so the run verb may ask for an approval.
	Interactive bool
}

// Exit codes of the suite command.
const (
	ExitOK    = 0 // the step succeeded; its token is on stdout
	ExitStep  = 1 // the step failed; token "error", the reason in the job's log and report
	ExitUsage = 2 // wrong command line or set-up; a message on stderr
)

// exitError carries an exit code out of a cli action. quiet errors are already recorded in a job log
// and must not reach stderr, which a BPMN engine may not drain.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string { return e.err.Error() }

// suite holds one invocation's configuration and the global flags.
type suite struct {
	cfg       Config
	binDir    string
	configArg string
	caseTitle string
	timeout   time.Duration
}

// Run executes the suite command with args (args[0] is the program name) and returns its exit code.
func Run(ctx context.Context, args []string, cfg Config) int {
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	s := &suite{cfg: cfg}
	err := s.app().RunContext(ctx, hoistFlags(args))
	var ee *exitError
	switch {
	case err == nil || errors.Is(err, errDone):
		return ExitOK
	case errors.As(err, &ee):
		if !ee.quiet {
			fmt.Fprintf(cfg.Stderr, "soccrates: %v\n", ee.err)
		}
		return ee.code
	default:
		fmt.Fprintf(cfg.Stderr, "soccrates: %v\n", err)
		return ExitUsage
	}
}

func (s *suite) app() *cli.App {
	app := &cli.App{
		Name:      "soccrates",
		Usage:     "run SOCCRATES workers and use-case processes",
		Version:   s.cfg.Version,
		Writer:    s.cfg.Stdout,
		ErrWriter: s.cfg.Stderr,
		Reader:    s.cfg.Stdin,
		// urfave/cli's own help and version flags are package globals that every parse writes to;
		// this app brings its own so that two Runs in one process do not race.
		HideHelp:       true,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // Run maps errors to exit codes, never os.Exit
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bin", Usage: "folder of worker executables (env SOCCRATES_BIN)", Destination: &s.binDir},
			&cli.StringFlag{Name: "config", Usage: `suite config file {"<Worker>": {...}} (env SOCCRATES_CONFIG)`, Destination: &s.configArg},
			&cli.StringFlag{Name: "case-title", Usage: "title of the case given to responders (env SOCCRATES_CASE_TITLE)", Destination: &s.caseTitle},
			&cli.DurationFlag{Name: "timeout", Value: 30 * time.Minute, Usage: "limit for one worker run", Destination: &s.timeout},
			&cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version"},
			&cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show help"},
		},
		Before: s.before,
		Commands: []*cli.Command{
			{Name: "analyze", Usage: "run an analyzer, print its highest taxonomy level", ArgsUsage: "<Worker> <dataType> <observable|@jobDir:path> <jobDir>", Action: s.analyzeCmd},
			{Name: "respond", Usage: "run a responder once per value, print dryrun, done, none or error", ArgsUsage: "<Responder> <artifactType|auto> <observable|@jobDir:path> <jobDir>", Action: s.respondCmd},
			{Name: "get", Usage: "print one value of a job's report", ArgsUsage: "<jobDir> <path>", Action: s.getCmd},
			s.runCommand(),
			{Name: "summary", Usage: "print a readable summary of a UC1 run", ArgsUsage: "<workDir>", Action: s.summaryCmd},
		},
	}
	for _, c := range app.Commands {
		c.HideHelp = true
		c.Flags = append(c.Flags, &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show help"})
		c.Action = withHelp(c.Action)
	}
	return app
}

// errDone stops a run after --help or --version with exit code 0.
var errDone = errors.New("done")

func (s *suite) before(c *cli.Context) error {
	s.fromEnv()
	switch {
	case c.Bool("version"):
		fmt.Fprintf(s.cfg.Stdout, "soccrates version %s\n", s.cfg.Version)
		return errDone
	case c.Bool("help"):
		if err := cli.ShowAppHelp(c); err != nil {
			return err
		}
		return errDone
	}
	return nil
}

// withHelp answers a command's --help with its usage instead of running it.
func withHelp(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if !c.Bool("help") {
			return action(c)
		}
		w := c.App.Writer
		fmt.Fprintf(w, "usage: soccrates %s %s\n\n%s\n\n", c.Command.Name, c.Command.ArgsUsage, c.Command.Usage)
		for _, f := range c.Command.Flags {
			fmt.Fprintf(w, "   %s\n", f)
		}
		return nil
	}
}

func (s *suite) fromEnv() {
	for _, f := range []struct {
		dst *string
		env string
	}{{&s.binDir, "SOCCRATES_BIN"}, {&s.configArg, "SOCCRATES_CONFIG"}, {&s.caseTitle, "SOCCRATES_CASE_TITLE"}} {
		if *f.dst == "" {
			*f.dst = s.cfg.Getenv(f.env)
		}
	}
	if s.caseTitle == "" {
		s.caseTitle = "SOCCRATES automated response"
	}
}

func usageError(c *cli.Context, want int) error {
	if c.NArg() == want {
		return nil
	}
	return &exitError{code: ExitUsage, err: fmt.Errorf("%s: want %d arguments %s, got %d",
		c.Command.Name, want, c.Command.ArgsUsage, c.NArg())}
}

// printToken writes the step's single token; nothing else may reach stdout in step mode.
func (s *suite) printToken(token string) {
	fmt.Fprint(s.cfg.Stdout, token)
}

// stepLog opens <dir>/log for the suite's own records and the worker's output.
func stepLog(dir string, attrs ...any) (*os.File, *slog.Logger, error) {
	f, err := os.OpenFile(filepath.Join(dir, "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("open job log: %w", err)
	}
	return f, slog.New(slog.NewTextHandler(f, nil)).With(attrs...), nil
}

// failStep prints the error token and returns the step failure; the reason goes to the job log.
func (s *suite) failStep(logger *slog.Logger, err error) error {
	logger.Error("step failed", "err", err)
	s.printToken("error")
	return &exitError{code: ExitStep, err: err, quiet: true}
}

// failEarly is failStep for errors before a job log exists: the short reason goes to stderr.
func (s *suite) failEarly(err error) error {
	s.printToken("error")
	return &exitError{code: ExitStep, err: err}
}

// hoistFlags moves the flags of the run verb before its process file, since the command line is
// written "run <file> --approve" and urfave/cli stops reading flags at the first argument.
func hoistFlags(args []string) []string {
	valued := map[string]bool{"--var": true, "-var": true, "--bin": true, "-bin": true, "--config": true,
		"-config": true, "--case-title": true, "-case-title": true, "--timeout": true, "-timeout": true}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		if valued[args[i]] {
			i++
		}
		i++
	}
	if i >= len(args) || args[i] != "run" {
		return args
	}
	out := append([]string{}, args[:i+1]...)
	var positional []string
	for j := i + 1; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--":
			positional = append(positional, args[j+1:]...)
			j = len(args)
		case strings.HasPrefix(a, "-") && valued[a] && j+1 < len(args):
			out = append(out, a, args[j+1])
			j++
		case strings.HasPrefix(a, "-") && len(a) > 1:
			out = append(out, a)
		default:
			positional = append(positional, a)
		}
	}
	return append(append(out, "--"), positional...)
}

func (s *suite) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.timeout)
}

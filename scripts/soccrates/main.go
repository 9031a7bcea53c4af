// Command soccrates runs SOCCRATES workers as steps of a BPMN process and runs whole processes locally.
// See package shared/suite for the verbs and the exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/soccrates-cortex/soccrates/shared/suite"
	"github.com/soccrates-cortex/soccrates/shared/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := suite.Run(ctx, os.Args, suite.Config{
		Version:     version.Version,
		Executable:  executable(),
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		Interactive: isTerminal(os.Stdin),
	})
	stop()
	os.Exit(code)
}

// executable is the resolved path of this binary, "" when the system cannot tell.
func executable() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}

// isTerminal reports whether f is a character device other than /dev/null, which is enough to decide
// whether to prompt for an approval.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

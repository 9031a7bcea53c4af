// Package testenv finds the files tests need: the repository root, and the reference material that
// sits beside the checkout in ../shared because its licence keeps it out of the repository.
//
// A test that needs such a file skips with a message on a developer's machine that lacks it, but
// fails when CI=true, so CI cannot pass by skipping.
package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// OASISOpenC2Schemas is where the OASIS SLPF and Language Specification command schemas are, relative
// to the repository root. They are under OASIS's non-assertion IPR terms, not an open-source licence.
const OASISOpenC2Schemas = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

// FindRoot returns the folder holding go.mod, walking up from the working directory; bench commands
// and test-support packages that have no testing.TB use it.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// RepoRoot returns the folder holding go.mod, above the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Outside returns the path rel (relative to the repository root, e.g. "../shared/...") when it
// exists; otherwise it skips the test, or fails it when CI=true.
func Outside(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing and CI=true: CI must not pass by skipping (%v)", p, err)
		}
		t.Skipf("%s not found: it cannot ship in the repository; run beside the reference folder", p)
	}
	return p
}

// BPMNSchema is the OMG BPMN 2.0 schema Activiti validates deployments against, beside the checkout
// (the OMG licence keeps it out of the repository).
const BPMNSchema = "../shared/reference/bpmn/xsd/BPMN20.xsd"

// Tool returns the path of an executable the test needs, e.g. "xmllint"; when it is not installed
// it skips the test with the install hint, or fails it when CI=true.
func Tool(t testing.TB, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed and CI=true (%s)", name, hint)
		}
		t.Skipf("%s is not installed (%s)", name, hint)
	}
	return p
}

// ValidateBPMN checks a process file against the OMG BPMN 2.0 schemas with xmllint, as Activiti does
// at deploy time, and returns xmllint's complaint as the error.
func ValidateBPMN(t testing.TB, file string) error {
	t.Helper()
	xmllint := Tool(t, "xmllint", "apt-get install libxml2-utils")
	xsd := Outside(t, BPMNSchema)
	if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, file).CombinedOutput(); err != nil {
		return fmt.Errorf("xsd validation of %s: %s", file, out)
	}
	return nil
}

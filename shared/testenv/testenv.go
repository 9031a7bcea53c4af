// Package testenv finds the files tests need: the repository root, and the reference material that
// sits beside the checkout in ../shared because its licence keeps it out of the repository.
//
// A test that needs such a file skips with a message on a developer's machine that lacks it, but
// fails when CI=true, so CI cannot pass by skipping.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// OASISOpenC2Schemas is where the OASIS SLPF and Language Specification command schemas are, relative
// to the repository root. They are under OASIS's non-assertion IPR terms, not an open-source licence.
const OASISOpenC2Schemas = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

// RepoRoot returns the folder holding go.mod, above the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test folder")
		}
		dir = parent
	}
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

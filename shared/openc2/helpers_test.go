package openc2

import (
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// oasisSchemaDir is where the OASIS SLPF and LS schemas sit beside the
// checkout; their licence keeps them out of the repository.
const oasisSchemaDir = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

// oasisFS returns the OASIS schema folder, skipping the test when it is
// absent unless CI=true, where its absence is a failure.
func oasisFS(t testing.TB) fs.FS {
	t.Helper()
	dir := filepath.Join(testenv.RepoRoot(t), oasisSchemaDir)
	if _, err := os.Stat(filepath.Join(dir, SLPFSchemaPath)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("OASIS OpenC2 schemas missing at %s (CI=true): %v", dir, err)
		}
		t.Skipf("OASIS OpenC2 schemas not found at %s; they cannot ship in the repository", dir)
	}
	return os.DirFS(dir)
}

// fullValidator has the bundled ER schema and the OASIS SLPF and LS ones.
func fullValidator(t testing.TB) *Validator {
	t.Helper()
	oasis := oasisFS(t)
	s, err := LoadSchemas(os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")), oasis)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewValidator(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

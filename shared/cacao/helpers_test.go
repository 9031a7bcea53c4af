package cacao

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const oasisSchemaDir = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

func repoRoot(t testing.TB) string {
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

// outside returns a path beside the checkout (../shared/...), skipping the
// test when it is absent unless CI=true.
func outside(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing (CI=true): %v", p, err)
		}
		t.Skipf("%s not found; it cannot ship in the repository", p)
	}
	return p
}

// fullSource has the bundled schemas and the OASIS SLPF/LS ones.
func fullSource(t testing.TB) SchemaSource {
	t.Helper()
	return SchemaSource{
		Bundled: os.DirFS(filepath.Join(repoRoot(t), "testdata", "schemas")),
		OpenC2:  os.DirFS(outside(t, oasisSchemaDir)),
	}
}

func bundledSource(t testing.TB) SchemaSource {
	t.Helper()
	return SchemaSource{Bundled: os.DirFS(filepath.Join(repoRoot(t), "testdata", "schemas"))}
}

// fixedClock and sequentialIDs make built playbooks reproducible.
func fixedClock() time.Time { return time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC) }

func sequentialIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

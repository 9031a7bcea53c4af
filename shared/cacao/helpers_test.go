package cacao

import (
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const oasisSchemaDir = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

// fullSource has the bundled schemas and the OASIS SLPF/LS ones.
func fullSource(t testing.TB) SchemaSource {
	t.Helper()
	return SchemaSource{
		Bundled: os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")),
		OpenC2:  os.DirFS(testenv.Outside(t, oasisSchemaDir)),
	}
}

func bundledSource(t testing.TB) SchemaSource {
	t.Helper()
	return SchemaSource{Bundled: os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas"))}
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

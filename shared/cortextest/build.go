package cortextest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

// builds caches one build per pkg for the life of the test binary.
var builds sync.Map // pkg → *build

type build struct {
	once sync.Once
	bin  string
	err  error
}

// Build compiles the main package pkg (an import path, or a folder relative to the repository
// root such as "./analyzers/AttackDetection") with -trimpath into <tmp>/analyzers/<Folder>/<Folder>
// and returns the absolute binary path. Each pkg is built once per test binary run; the binary
// lives in a folder shared by later runs (keyed by pkg), so repeated runs do not fill the disk.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() { b.bin, b.err = buildOnce(pkg) })
	if b.err != nil {
		t.Fatalf("cortextest: build %s: %v", pkg, b.err)
	}
	return b.bin
}

func buildOnce(pkg string) (string, error) {
	root, err := testenv.FindRoot()
	if err != nil {
		return "", err
	}
	folder := path.Base(filepath.ToSlash(pkg))
	if folder == "." || folder == "/" || folder == "" {
		return "", errors.New("package path has no last element to name the folder")
	}
	sum := sha256.Sum256([]byte(root + "\x00" + pkg))
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("soccrates-cortextest-%d", os.Getuid()),
		hex.EncodeToString(sum[:6]), "analyzers", folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}

	// Build beside the final name and rename: another test binary may be running the previous
	// build of the same package right now, and rename never changes a file being executed.
	tmp, err := os.MkdirTemp(dir, ".build-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, folder)
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, msg)
	}
	bin := filepath.Join(dir, folder)
	if err := os.Rename(out, bin); err != nil {
		return "", err
	}
	return bin, nil
}

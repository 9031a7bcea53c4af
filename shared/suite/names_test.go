package suite

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCortexNamesAreAccepted: the suite takes SOCCRATES_AttackDetection as well as AttackDetection.
func TestCortexNamesAreAccepted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "AttackDetection")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"AttackDetection", "SOCCRATES_AttackDetection"} {
		got, err := locateWorker(name, dir, "")
		if err != nil || got != bin {
			t.Errorf("locateWorker(%s) = %q, %v", name, got, err)
		}
	}
	cfg := filepath.Join(dir, "suite.json")
	if err := os.WriteFile(cfg, []byte(`{"SOCCRATES_AttackDetection":{"max_victims":3}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := workerConfig(cfg, "AttackDetection")
	if err != nil || string(c) != `{"max_victims":3}` {
		t.Errorf("workerConfig by Cortex name = %s, %v", c, err)
	}
}

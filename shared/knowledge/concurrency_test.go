package knowledge

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/scan"
)

func TestConcurrentIngests(t *testing.T) {
	t.Parallel()
	const writers, perScan = 20, 50
	at := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			cfg := be.open(t)
			results := make([]IngestResult, writers)
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					// Each writer is its own store, as each Cortex job is its own process.
					s, err := Open(context.Background(), cfg)
					if err != nil {
						errs[w] = err
						return
					}
					defer s.Close()
					data := nmapXML(at.Add(time.Duration(w)*time.Minute), "80,443", hostNames(perScan, w*perScan),
						func(int) []int { return []int{80, 443} }, func(int) string { return fmt.Sprint(w) })
					obs := mustParse(t, data)
					results[w], errs[w] = s.Ingest(context.Background(), obs)
				})
			}
			wg.Wait()
			for w, err := range errs {
				if err != nil {
					t.Fatalf("writer %d: %v", w, err)
				}
				if n := len(results[w].Change.NewHosts); n != perScan {
					t.Errorf("writer %d: %d new hosts, want %d", w, n, perScan)
				}
			}
			s := openStore(t, cfg)
			vs, err := s.Versions(context.Background())
			if err != nil || len(vs) != writers {
				t.Fatalf("versions = %d, %v; want %d", len(vs), err, writers)
			}
			for i, v := range vs {
				if v.Hosts != perScan || (i > 0 && vs[i-1].ObservedAt.After(v.ObservedAt)) {
					t.Errorf("version %d = %+v", i, v)
				}
			}
			m, err := s.Model(context.Background(), time.Time{})
			if err != nil || len(m.Hosts) != writers*perScan {
				t.Fatalf("model has %d hosts, %v; want %d", len(m.Hosts), err, writers*perScan)
			}
			for _, h := range m.Hosts {
				if len(h.Services) != 2 {
					t.Fatalf("host %s has %d services", h.Key, len(h.Services))
				}
			}
		})
	}
}

// TestKilledIngest kills a real child process in the middle of an ingest transaction and checks
// that no part of its version is left.
func TestKilledIngest(t *testing.T) {
	if os.Getenv("SOCCRATES_KILL_CHILD") != "" {
		killChild()
		return
	}
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			cfg := be.open(t)
			s := openStore(t, cfg)
			first := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml"))

			marker := filepath.Join(t.TempDir(), "in-transaction")
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledIngest$")
			cmd.Env = append(os.Environ(), "SOCCRATES_KILL_CHILD="+marker,
				"SOCCRATES_KILL_PATH="+cfg.Path, "SOCCRATES_KILL_DSN="+cfg.DSN)
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, marker, cmd)
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()

			vs, err := s.Versions(context.Background())
			if err != nil || len(vs) != 1 || vs[0].ID != first.Version.ID {
				t.Fatalf("versions after the kill = %+v, %v; want only version %d", vs, err, first.Version.ID)
			}
			var rows int
			if err := s.db.QueryRow(`SELECT COUNT(*) FROM infra_host_seen`).Scan(&rows); err != nil || rows != 1 {
				t.Errorf("host rows after the kill = %d, %v; want 1", rows, err)
			}
			// The store takes the killed child's scan afterwards as if it had never been tried.
			r := ingest(t, s, sample(t, killedScan))
			if r.Duplicate || len(r.Change.NewServices) != 1 {
				t.Errorf("ingest after the kill = %+v", r)
			}
		})
	}
}

const killedScan = "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml"

// killChild runs in the child process: it ingests and stops inside the transaction, after the
// version's rows are written, until the parent kills it.
func killChild() {
	s, err := Open(context.Background(), Config{Path: os.Getenv("SOCCRATES_KILL_PATH"), DSN: os.Getenv("SOCCRATES_KILL_DSN")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	s.midIngest = func() {
		os.WriteFile(os.Getenv("SOCCRATES_KILL_CHILD"), nil, 0o600)
		select {} // wait to be killed
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", killedScan))
	if err != nil {
		os.Exit(2)
	}
	obs, err := scan.ParseBytes(b)
	if err != nil {
		os.Exit(2)
	}
	s.Ingest(context.Background(), obs)
	os.Exit(3) // not reached unless the hook failed
}

func waitFor(t *testing.T, path string, cmd *exec.Cmd) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if cmd.ProcessState != nil {
			t.Fatal("child exited before it reached the transaction")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("child did not reach the middle of its transaction in 30s")
}

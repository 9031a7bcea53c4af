package knowledge

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// bannerServer answers every connection with an SSH banner, which nmap -sV identifies.
type bannerServer struct {
	ln     net.Listener
	banner atomic.Value
}

func listenBanner(t *testing.T, addr, banner string) *bannerServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &bannerServer{ln: ln}
	srv.banner.Store(banner)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%s\r\n", srv.banner.Load())
			time.AfterFunc(2*time.Second, func() { c.Close() })
		}
	}()
	return srv
}

func (b *bannerServer) port() int { return b.ln.Addr().(*net.TCPAddr).Port }

// runNmap scans exactly the given loopback ports, never nmap's default list.
func runNmap(t *testing.T, ports string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "scan.xml")
	cmd := exec.Command("nmap", "-sT", "-sV", "-Pn", "-n", "--version-light", "-p", ports, "-oX", out, "127.0.0.1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nmap: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestNmapLive scans listeners of its own with the real nmap, changes one banner and opens a new
// port, scans again, and checks that the store reports exactly that change.
func TestNmapLive(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("nmap"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nmap is not installed but CI=true (apt-get install -y nmap)")
		}
		t.Skip("nmap is not installed (apt-get install -y nmap)")
	}
	ssh := listenBanner(t, "127.0.0.1:0", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1")
	spare, err := net.Listen("tcp", "127.0.0.1:0") // a free port, closed during the first scan
	if err != nil {
		t.Fatal(err)
	}
	newPort := spare.Addr().(*net.TCPAddr).Port
	spare.Close()
	ports := fmt.Sprintf("%d,%d", ssh.port(), newPort)

	s := openStore(t, Config{Path: filepath.Join(t.TempDir(), "k.db")})
	first := ingest(t, s, mustParse(t, runNmap(t, ports)))
	if len(first.Change.NewHosts) != 1 || len(first.Change.NewHosts[0].Services) != 1 {
		t.Fatalf("first scan change = %+v", first.Change)
	}

	ssh.banner.Store("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5")
	listenBanner(t, fmt.Sprintf("127.0.0.1:%d", newPort), "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5")
	time.Sleep(time.Second) // a later scan start than the first, to the second nmap records
	second := ingest(t, s, mustParse(t, runNmap(t, ports)))

	c := second.Change
	if len(c.NewHosts)+len(c.RemovedHosts)+len(c.ClosedServices)+len(c.NewVulns)+len(c.FixedVulns) != 0 ||
		len(c.NewServices) != 1 || c.NewServices[0].Service.Port != newPort ||
		len(c.ChangedServices) != 1 || c.ChangedServices[0].After.Port != ssh.port() {
		t.Fatalf("second scan change = %+v", c)
	}
	before, after := c.ChangedServices[0].Before.Version, c.ChangedServices[0].After.Version
	if !strings.HasPrefix(before, "8.9p1") || !strings.HasPrefix(after, "9.6p1") {
		t.Errorf("version change %q -> %q, want 8.9p1 -> 9.6p1", before, after)
	}
}

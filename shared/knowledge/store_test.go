package knowledge

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

func TestIngestSequence(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			r0 := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml"))
			if len(r0.Change.NewHosts) != 1 || r0.Change.NewHosts[0].Key != "127.0.0.1" {
				t.Fatalf("t0 change = %+v", r0.Change)
			}
			r1 := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml"))
			c := r1.Change
			if len(c.NewServices) != 1 || c.NewServices[0].Service.Port != 18081 || len(c.NewHosts)+len(c.ChangedServices)+len(c.ClosedServices) != 0 {
				t.Fatalf("t1 change = %+v", c)
			}
			r2 := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t2_ssh_version_changed.xml"))
			c = r2.Change
			if len(c.ChangedServices) != 1 || c.ChangedServices[0].After.Version != "9.6p1 Ubuntu 3ubuntu13.5" || len(c.NewServices) != 0 {
				t.Fatalf("t2 change = %+v", c)
			}

			// A scan of one port made before t0 arrives last: it goes first in the history and
			// changes nothing now.
			late := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_single_port.xml"))
			if len(late.Change.NewHosts) != 1 {
				t.Errorf("late change = %+v, want the host new at its own time", late.Change)
			}
			vs, err := s.Versions(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 4 || vs[0].ID != late.Version.ID || vs[3].ID != r2.Version.ID {
				t.Errorf("versions = %+v", vs)
			}
			m, err := s.Model(context.Background(), time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			h, ok := m.Host("localhost")
			if !ok || len(h.Services) != 2 || h.Services[1].Version != "9.6p1 Ubuntu 3ubuntu13.5" || m.Version != r2.Version.ID {
				t.Errorf("model now = %+v", m)
			}

			// The diff between stored versions matches what the ingest reported.
			d, err := s.Diff(context.Background(), r0.Version.ID, r1.Version.ID)
			if err != nil || len(d.NewServices) != 1 {
				t.Errorf("diff = %+v, %v", d, err)
			}
			if dup := ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml")); !dup.Duplicate || dup.Version.ID != r0.Version.ID {
				t.Errorf("second ingest of t0 = %+v", dup)
			}
		})
	}
}

func TestHostAsOf(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			obs := []infra.Observation{
				sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml"),
				sample(t, "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml"),
				sample(t, "nmap/generated/localhost_sV_O_t2_ssh_version_changed.xml"),
			}
			for _, o := range obs {
				ingest(t, s, o)
			}
			tests := []struct {
				name     string
				at       time.Time
				services int
				ssh      string
			}{
				{name: "at_t0", at: obs[0].ObservedAt, services: 1},
				{name: "between_t1_t2", at: obs[1].ObservedAt.Add(time.Second), services: 2, ssh: "8.9p1 Ubuntu 3ubuntu0.1"},
				{name: "now", services: 2, ssh: "9.6p1 Ubuntu 3ubuntu13.5"},
			}
			for _, tc := range tests {
				hh, err := s.Host(context.Background(), "LOCALHOST", tc.at)
				if err != nil {
					t.Fatal(err)
				}
				got := hh.Host.Services
				if len(got) != tc.services || (tc.ssh != "" && got[1].Version != tc.ssh) {
					t.Errorf("%s: services = %+v", tc.name, got)
				}
			}
			hh, err := s.Host(context.Background(), "127.0.0.1", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			ssh := hh.Services[1]
			if len(ssh.Intervals) != 1 || !ssh.Intervals[0].From.Equal(obs[1].ObservedAt) || !ssh.Intervals[0].To.IsZero() || len(hh.Versions) != 3 {
				t.Errorf("history = %+v", hh)
			}
			if _, err := s.Host(context.Background(), "127.0.0.1", obs[0].ObservedAt.Add(-time.Hour)); !errors.Is(err, ErrNotFound) {
				t.Errorf("before the first scan: err = %v, want not found", err)
			}
		})
	}
}

// TestCoverage checks that scans only speak for what they looked at.
func TestCoverage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	all := func(int) []int { return []int{22, 80} }
	only80 := func(int) []int { return []int{80} }
	v := func(int) string { return "1.0" }
	hosts := []string{"10.0.0.1", "10.0.0.2"}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			ingest(t, s, mustParse(t, nmapXML(at, "1-1000", hosts, all, v)))

			// A scan of port 80 alone says nothing of port 22.
			r := ingest(t, s, mustParse(t, nmapXML(at.Add(time.Hour), "80", hosts, only80, v)))
			if !r.Change.Empty() {
				t.Errorf("port-list scan change = %+v, want none", r.Change)
			}
			// A full scan that no longer finds port 22 closes it.
			r = ingest(t, s, mustParse(t, nmapXML(at.Add(2*time.Hour), "1-1000", hosts[:1], only80, v)))
			if len(r.Change.ClosedServices) != 1 || r.Change.ClosedServices[0].Host != "10.0.0.1" || len(r.Change.RemovedHosts) != 0 {
				t.Errorf("full scan change = %+v", r.Change)
			}
			// A scan of the /24 that does not find 10.0.0.2 marks it down.
			obs := mustParse(t, nmapXML(at.Add(3*time.Hour), "80", hosts[:1], only80, v))
			obs.Networks = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}
			r = ingest(t, s, obs)
			if len(r.Change.RemovedHosts) != 1 || r.Change.RemovedHosts[0].Key != "10.0.0.2" {
				t.Errorf("subnet scan change = %+v", r.Change)
			}
		})
	}
}

func TestVulnerabilities(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			full := sample(t, "nessus/nessus_with_cvssv3.nessus")
			r := ingest(t, s, full)
			if len(r.Change.NewHosts) != 1 || len(r.Change.NewHosts[0].Vulns) != 25 {
				t.Fatalf("first nessus change: %d new hosts", len(r.Change.NewHosts))
			}
			// The next scan no longer reports the first finding: it is fixed.
			next := full
			next.Digest, next.ObservedAt = "next", full.ObservedAt.Add(24*time.Hour)
			h := next.Hosts[0]
			fixed := h.Vulns[0]
			h.Vulns = h.Vulns[1:]
			next.Hosts = []infra.Host{h}
			r = ingest(t, s, next)
			if len(r.Change.FixedVulns) != 1 || r.Change.FixedVulns[0].Vuln.Key() != fixed.Key() || len(r.Change.NewVulns) != 0 {
				t.Errorf("second nessus change = %+v", r.Change)
			}
			// An nmap scan of the host says nothing of Nessus findings.
			nm := mustParse(t, nmapXML(next.ObservedAt.Add(time.Hour), "80", []string{"44.228.249.3"},
				func(int) []int { return []int{80} }, func(int) string { return "1.19.0" }))
			nm.VulnScan = true
			r = ingest(t, s, nm)
			if len(r.Change.FixedVulns) != 0 || len(r.Change.NewServices) != 1 {
				t.Errorf("nmap after nessus change = %+v", r.Change)
			}
		})
	}
}

func TestRejectsBadObservation(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			good := sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml")
			bad := good
			bad.Hosts = append([]infra.Host{}, good.Hosts[0], good.Hosts[0])
			if _, err := s.Ingest(context.Background(), bad); err == nil {
				t.Fatal("ingest of a host reported twice succeeded")
			}
			vs, err := s.Versions(context.Background())
			if err != nil || len(vs) != 0 {
				t.Errorf("versions after a rejected ingest = %v, %v", vs, err)
			}
		})
	}
}

func TestConfigApplied(t *testing.T) {
	t.Parallel()
	cfg := infra.Config{
		Zones:  []infra.Zone{{Name: "loopback", Subnets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}},
		Policy: infra.Policy{Rules: []infra.Rule{{From: "", To: "loopback", Ports: infra.PortSet{{Protocol: "tcp", From: 443, To: 443}}}}},
		Hosts:  []infra.HostRule{{Match: "localhost", Properties: infra.Properties{Role: infra.RoleWebServer, Criticality: infra.Criticality{Confidentiality: 4}}}},
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			ingest(t, s, sample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml"))
			if err := s.SetInfraConfig(context.Background(), cfg, time.Time{}); err != nil {
				t.Fatal(err)
			}
			m, err := s.Model(context.Background(), time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			h := m.Hosts[0]
			if h.Zone != "loopback" || h.Properties.Role != infra.RoleWebServer || h.Properties.Confidentiality != 4 {
				t.Errorf("host = %+v", h)
			}
			if !m.Config.Policy.Allows("", "loopback", infra.PortKey{Protocol: "tcp", Port: 443}) ||
				m.Config.Policy.Allows("", "loopback", infra.PortKey{Protocol: "tcp", Port: 22}) {
				t.Errorf("policy = %+v", m.Config.Policy)
			}
		})
	}
}

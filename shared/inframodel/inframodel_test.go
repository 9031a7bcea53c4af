package inframodel

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

const (
	t0          = "nmap/generated/localhost_sV_O_t0_http_only.xml"
	t1          = "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml"
	t2          = "nmap/generated/localhost_sV_O_t2_ssh_version_changed.xml"
	nessusCVSS3 = "nessus/nessus_with_cvssv3.nessus"
)

func readSample(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newStore(t testing.TB) *knowledge.Store {
	t.Helper()
	st, err := knowledge.Open(context.Background(), knowledge.Config{Path: filepath.Join(t.TempDir(), "sub", "k.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ingestFile(t testing.TB, st Store, rel string, cfg IngestConfig) *IngestResult {
	t.Helper()
	obs, err := ReadScan(strings.NewReader(string(readSample(t, rel))), filepath.Base(rel))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Ingest(context.Background(), st, obs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// nessusCVEs counts the distinct CVEs of the findings of severity above 0, reading the file
// independently of package scan.
func nessusCVEs(t *testing.T, data []byte) int {
	t.Helper()
	var doc struct {
		Items []struct {
			Severity int      `xml:"severity,attr"`
			CVEs     []string `xml:"cve"`
		} `xml:"Report>ReportHost>ReportItem"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, it := range doc.Items {
		for _, c := range it.CVEs {
			if it.Severity > 0 {
				seen[strings.TrimSpace(c)] = true
			}
		}
	}
	return len(seen)
}

func TestIngestTriggers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		files              []string
		uc3, uc4, uc5, dup bool
		newServices        []string
		changedServices    []string
		previous           int64
	}{
		{name: "first_scan_is_a_new_system", files: []string{t0}, uc5: true},
		{name: "new_ssh_service", files: []string{t0, t1}, uc4: true, newServices: []string{"127.0.0.1 18081/tcp"}, previous: 1},
		{name: "ssh_version_changed", files: []string{t0, t1, t2}, uc4: true, changedServices: []string{"127.0.0.1 18081/tcp"}, previous: 2},
		{name: "same_report_twice", files: []string{t0, t0}, dup: true},
		{name: "late_older_scan_is_placed_before", files: []string{t2, t0}, uc5: true},
		{name: "nessus_gives_new_vulns", files: []string{nessusCVSS3}, uc3: true, uc5: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			var res *IngestResult
			for _, f := range tt.files {
				res = ingestFile(t, st, f, IngestConfig{})
			}
			if res.UC3.Triggered != tt.uc3 || res.UC4.Triggered != tt.uc4 || res.UC5.Triggered != tt.uc5 || res.Duplicate != tt.dup {
				t.Errorf("uc3=%v uc4=%v uc5=%v duplicate=%v, want %v %v %v %v",
					res.UC3.Triggered, res.UC4.Triggered, res.UC5.Triggered, res.Duplicate, tt.uc3, tt.uc4, tt.uc5, tt.dup)
			}
			if !slices.Equal(res.UC4.NewServices, orEmpty(tt.newServices)) || !slices.Equal(res.UC4.ChangedServices, orEmpty(tt.changedServices)) {
				t.Errorf("uc4 new %v changed %v, want %v %v", res.UC4.NewServices, res.UC4.ChangedServices, tt.newServices, tt.changedServices)
			}
			if res.PreviousVersion != tt.previous {
				t.Errorf("previous version %d, want %d", res.PreviousVersion, tt.previous)
			}
			if res.Versions != len(slices.Compact(slices.Clone(tt.files))) {
				t.Errorf("store holds %d versions after ingesting %v", res.Versions, tt.files)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestNessusFindingsOfNewHostAreNew(t *testing.T) {
	t.Parallel()
	res := ingestFile(t, newStore(t), nessusCVSS3, IngestConfig{})
	if want := nessusCVEs(t, readSample(t, nessusCVSS3)); len(res.UC3.CVEs) != want {
		t.Errorf("uc3 lists %d CVEs, the file's findings name %d", len(res.UC3.CVEs), want)
	}
	if !res.UC3.Critical || res.UC3.MaxCVSS < CriticalCVSS {
		t.Errorf("max CVSS %.1f critical=%v; the file has CVSS 10 findings", res.UC3.MaxCVSS, res.UC3.Critical)
	}
	if res.Counts.NewVulns != len(res.Change.NewHosts[0].Vulns) {
		t.Errorf("new_vulns %d, the new host has %d findings", res.Counts.NewVulns, len(res.Change.NewHosts[0].Vulns))
	}
	rep := res.Report()
	if len(rep.Artifacts) != 1 || !slices.Equal(artTags(rep.Artifacts[0]), []string{TagNewHost, TagNewVuln}) {
		t.Errorf("artifacts %+v, want the one host with both tags", rep.Artifacts)
	}
}

func artTags(a job.Artifact) []string {
	var v struct{ Tags []string }
	b, _ := a.MarshalJSON()
	if err := json.Unmarshal(b, &v); err != nil {
		panic(err)
	}
	return v.Tags
}

func TestTaxonomyLevels(t *testing.T) {
	t.Parallel()
	host := infra.Host{Key: "10.0.0.5", State: infra.StateUp, Addresses: []infra.Address{{Addr: "10.0.0.5", Type: "ipv4"}}}
	vuln := func(score float64, sev string) infra.Change {
		return infra.Change{NewVulns: []infra.HostVuln{{Host: "10.0.0.5", Vuln: infra.Vuln{Plugin: "1", CVSS3Score: score, Severity: sev}}}}
	}
	tests := []struct {
		name   string
		change infra.Change
		want   map[string]job.Level
	}{
		{"nothing_new_is_safe", infra.Change{}, map[string]job.Level{"NewHosts": job.Safe, "NewServices": job.Safe, "ChangedServices": job.Safe, "NewVulns": job.Safe}},
		{"new_host_is_suspicious", infra.Change{NewHosts: []infra.Host{host}}, map[string]job.Level{"NewHosts": job.Suspicious, "NewVulns": job.Safe}},
		{"critical_vuln_is_malicious", vuln(9.8, "critical"), map[string]job.Level{"NewVulns": job.Malicious}},
		{"medium_vuln_is_suspicious", vuln(5.3, "medium"), map[string]job.Level{"NewVulns": job.Suspicious}},
		{"critical_word_without_score", vuln(0, "critical"), map[string]job.Level{"NewVulns": job.Malicious}},
		{"new_service_is_suspicious", infra.Change{NewServices: []infra.HostService{{Host: "10.0.0.5", Service: infra.Service{Protocol: "tcp", Port: 22}}}},
			map[string]job.Level{"NewServices": job.Suspicious, "ClosedServices": ""}},
		{"removed_host_is_info", infra.Change{RemovedHosts: []infra.Host{host}}, map[string]job.Level{"RemovedHosts": job.Info, "NewHosts": job.Safe}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &IngestResult{Version: knowledge.Version{ID: 7}, Change: tt.change, Counts: countChange(tt.change), UC3: newVulnTrigger(tt.change)}
			got := map[string]job.Level{}
			for _, tx := range r.Report().Taxonomies {
				got[tx.Predicate] = tx.Level
			}
			if got["Version"] != job.Info {
				t.Errorf("Version taxonomy level %q", got["Version"])
			}
			for p, want := range tt.want {
				if got[p] != want {
					t.Errorf("%s: level %q, want %q", p, got[p], want)
				}
			}
		})
	}
}

func TestArtifactsPerHost(t *testing.T) {
	t.Parallel()
	c := infra.Change{
		NewHosts: []infra.Host{
			{Key: "10.0.0.9", Addresses: []infra.Address{{Addr: "10.0.0.9", Type: "ipv4"}, {Addr: "fe80::9", Type: "ipv6"}, {Addr: "00:11:22:33:44:55", Type: "mac"}}},
			{Key: "00:11:22:33:44:66", Addresses: []infra.Address{{Addr: "00:11:22:33:44:66", Type: "mac"}}},
			{Key: "printer.lan.example"},
		},
		ChangedServices: []infra.ServiceChange{{Host: "10.0.0.1", Before: infra.Service{Protocol: "tcp", Port: 22, Version: "8.9"}, After: infra.Service{Protocol: "tcp", Port: 22, Version: "9.6"}}},
		NewVulns:        []infra.HostVuln{{Host: "10.0.0.1", Vuln: infra.Vuln{Plugin: "x", CVEs: []string{"CVE-2024-6387"}, CVSS3Score: 8.1}}},
	}
	r := &IngestResult{Version: knowledge.Version{ID: 3}, Change: c}
	got := map[string][]string{}
	var order []string
	for _, a := range r.Report().Artifacts {
		key := a.DataType() + ":" + a.Data()
		if _, dup := got[key]; dup {
			t.Errorf("artifact %s proposed twice", key)
		}
		got[key] = artTags(a)
		order = append(order, key)
	}
	want := map[string][]string{
		"ip:10.0.0.9": {TagNewHost}, "ip:fe80::9": {TagNewHost}, "fqdn:printer.lan.example": {TagNewHost},
		"ip:10.0.0.1": {TagChangedService, TagNewVuln},
	}
	if len(got) != len(want) {
		t.Errorf("artifacts %v, want %v", order, want)
	}
	for k, tags := range want {
		if !slices.Equal(got[k], tags) {
			t.Errorf("%s tags %v, want %v", k, got[k], tags)
		}
	}
}

func TestZonesAppliedToNewHosts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zones := filepath.Join(dir, "zones.json")
	os.WriteFile(zones, []byte(`{"zones":[{"name":"lab","subnets":["127.0.0.0/8"]}],
		"hosts":[{"match":"127.0.0.1","properties":{"confidentiality":4,"role":"web_server"}}]}`), 0o644)
	cfg, err := infra.LoadConfig(zones, "")
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	res := ingestFile(t, st, t0, IngestConfig{Infra: &cfg})
	if h := res.Change.NewHosts[0]; h.Zone != "lab" || h.Properties.Role != "web_server" {
		t.Errorf("new host zone %q role %q, want lab web_server", h.Zone, h.Properties.Role)
	}
	lr, err := Lookup(context.Background(), st, "localhost", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if lr.Host.Zone != "lab" || lr.Host.Properties.Confidentiality != 4 {
		t.Errorf("look-up zone %q confidentiality %d: the stored configuration was not applied", lr.Host.Zone, lr.Host.Properties.Confidentiality)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	empty := newStore(t)
	var seen []time.Time
	for _, f := range []string{t0, t1, t2} {
		seen = append(seen, ingestFile(t, st, f, IngestConfig{}).Scan.ObservedAt)
	}
	between := seen[1].Add(seen[2].Sub(seen[1]) / 2)
	tests := []struct {
		name    string
		store   Store
		ident   string
		at      time.Time
		version string // of 18081/tcp; "" when the look-up must fail
		errHas  string
	}{
		{name: "now", store: st, ident: "127.0.0.1", version: "9.6p1 Ubuntu 3ubuntu13.5"},
		{name: "by_name_as_of_between_t1_and_t2", store: st, ident: "LOCALHOST", at: between, version: "8.9p1 Ubuntu 3ubuntu0.1"},
		{name: "before_first_version", store: st, ident: "127.0.0.1", at: seen[0].Add(-time.Minute), errHas: "first appears in version 1"},
		{name: "unknown_host", store: st, ident: "10.9.9.9", errHas: "none of the 3 versions"},
		{name: "empty_store", store: empty, ident: "127.0.0.1", errHas: "holds no versions yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Lookup(context.Background(), tt.store, tt.ident, tt.at)
			if tt.errHas != "" {
				if !errors.Is(err, knowledge.ErrNotFound) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err %v, want not found saying %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(r.Host.Services, func(s infra.Service) bool { return s.Port == 18081 })
			if i < 0 || r.Host.Services[i].Version != tt.version {
				t.Fatalf("services %+v, want 18081/tcp at version %q", r.Host.Services, tt.version)
			}
			if r.OpenServices != 2 {
				t.Errorf("open services %d, want 2 (http and ssh)", r.OpenServices)
			}
		})
	}
}

func TestReadScanErrors(t *testing.T) {
	t.Parallel()
	full := string(readSample(t, t1))
	tests := []struct {
		name, input, want string
	}{
		{"truncated_nmap", full[:len(full)/2], "line "},
		{"not_xml", "Dear SOC,\nplease scan this.\n", "no XML element found"},
		{"other_xml", "<?xml version=\"1.0\"?>\n<catalog/>", "root element <catalog>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadScan(strings.NewReader(tt.input), "scan.xml")
			if !errors.Is(err, ErrNotAScan) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "scan.xml ") {
				t.Errorf("err %v, want ErrNotAScan naming scan.xml and %q", err, tt.want)
			}
		})
	}
}

// FuzzReadAndIngest checks that whatever a file holds, it is either read and stored as one
// version, or refused with ErrNotAScan (or an ingest error) and leaves the store as it was.
func FuzzReadAndIngest(f *testing.F) {
	small := string(readSample(f, t0))
	for _, s := range []string{small, small[:len(small)/3], "", "<nmaprun>", "<NessusClientData_v2><Report/></NessusClientData_v2>",
		"<report><results/></report>", "\xff\xfe<x/>"} {
		f.Add([]byte(s))
	}
	st := newStore(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := st.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		obs, err := ReadScan(strings.NewReader(string(data)), "fuzz.xml")
		if err != nil {
			if !errors.Is(err, ErrNotAScan) {
				t.Fatalf("read error %v does not wrap ErrNotAScan", err)
			}
		} else if res, err := Ingest(ctx, st, obs, IngestConfig{}); err == nil {
			if res.Version.ID == 0 || !res.Duplicate && res.Versions != len(before)+1 {
				t.Fatalf("ingest gave version %d, %d versions after %d", res.Version.ID, res.Versions, len(before))
			}
			return
		}
		after, err := st.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("a refused file changed the store from %d to %d versions", len(before), len(after))
		}
	})
}

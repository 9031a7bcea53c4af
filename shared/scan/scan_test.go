package scan

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

func readSample(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		file      string
		source    string
		at        string
		hosts     int
		services  int
		vulns     int
		cves      int
		vulnScan  bool
		networks  int
		checkHost func(t *testing.T, obs infra.Observation)
	}{
		{name: "nmap_new_ssh", file: "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml", source: FormatNmap,
			at: "2026-12-03T18:40:33Z", hosts: 1, services: 2, networks: 1,
			checkHost: func(t *testing.T, obs infra.Observation) {
				h := obs.Hosts[0]
				if h.Key != "127.0.0.1" || h.Names[0] != "localhost" || h.OS == nil || h.OS.Name != "Linux 5.0 - 5.2" {
					t.Errorf("host = %+v", h)
				}
				ssh := h.Services[1]
				if ssh.Port != 18081 || ssh.Product != "OpenSSH" || ssh.Version != "8.9p1 Ubuntu 3ubuntu0.1" ||
					ssh.CPE[0] != "cpe:/a:openbsd:openssh:8.9p1" {
					t.Errorf("ssh = %+v", ssh)
				}
				if !obs.Ports.Contains(infra.PortKey{Protocol: "tcp", Port: 18082}) || obs.Ports.Contains(infra.PortKey{Protocol: "tcp", Port: 22}) {
					t.Errorf("ports = %s", obs.Ports)
				}
			}},
		{name: "nmap_vulners", file: "nmap/defectdojo/issue4406.xml", source: FormatNmap,
			at: "2021-04-29T09:26:36Z", hosts: 1, services: 25, vulns: 9, cves: 9, vulnScan: true, networks: 1},
		{name: "nmap_down_hosts", file: "nmap/python-libnmap/os_scan6.xml", source: FormatNmap,
			at: "2014-05-08T21:55:36Z", hosts: 256, services: 11, networks: 1,
			checkHost: func(t *testing.T, obs infra.Observation) {
				down := 0
				for _, h := range obs.Hosts {
					if h.State == infra.StateDown {
						down++
					}
				}
				if down < 250 {
					t.Errorf("down hosts = %d, want most of the /24", down)
				}
			}},
		{name: "nmap_several_names", file: "nmap/defectdojo/issue12411.xml", source: FormatNmap,
			at: "2025-05-07T13:26:27Z", hosts: 2, services: 4,
			checkHost: func(t *testing.T, obs infra.Observation) {
				if len(obs.Hosts[0].Names) < 2 {
					t.Errorf("names = %v, want several", obs.Hosts[0].Names)
				}
			}},
		{name: "nessus_cvss3", file: "nessus/nessus_with_cvssv3.nessus", source: FormatNessus,
			at: "2022-03-23T13:31:51Z", hosts: 1, vulns: 25, cves: 135, vulnScan: true, // the 136th CVE is on an informational item
			checkHost: func(t *testing.T, obs infra.Observation) {
				h := obs.Hosts[0]
				if h.Key != "44.228.249.3" || h.Names[0] != "testphp.vulnweb.com" {
					t.Errorf("host = %s %v", h.Key, h.Names)
				}
				for _, v := range h.Vulns {
					if v.Plugin == "40984" && (v.CVSS3Score != 5.3 || !strings.HasPrefix(v.CVSS3Vector, "CVSS:3.0/AV:N")) {
						t.Errorf("plugin 40984 = %+v", v)
					}
				}
			}},
		{name: "nessus_info_only", file: "nessus/nessus_many_vuln.nessus.xml", source: FormatNessus,
			at: "2013-06-25T10:32:42Z", hosts: 1, vulnScan: true},
		{name: "openvas_many", file: "openvas/many_vuln.xml", source: FormatOpenVAS,
			at: "2023-09-26T10:50:34Z", hosts: 1, vulns: 44, vulnScan: true},
		{name: "openvas_cvss3", file: "openvas/report_detail_v2.xml", source: FormatOpenVAS,
			at: "2025-08-22T13:01:38Z", hosts: 1, vulns: 1, vulnScan: true,
			checkHost: func(t *testing.T, obs infra.Observation) {
				v := obs.Hosts[0].Vulns[0]
				if v.CVSS3Score != 9.8 || v.Port != 42 || v.Protocol != "tcp" || obs.Hosts[0].Names[0] != "server99" {
					t.Errorf("vuln = %+v", v)
				}
			}},
		{name: "openvas_none", file: "openvas/no_vuln.xml", source: FormatOpenVAS, at: "2023-09-25T10:46:09Z", vulnScan: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs, err := ParseBytes(readSample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			services, vulns, cves := 0, 0, map[string]bool{}
			for _, h := range obs.Hosts {
				services += len(h.Services)
				vulns += len(h.Vulns)
				for _, v := range h.Vulns {
					for _, c := range v.CVEs {
						cves[c] = true
					}
				}
			}
			at, _ := time.Parse(time.RFC3339, tc.at)
			if obs.Source != tc.source || !obs.ObservedAt.Equal(at) || len(obs.Hosts) != tc.hosts ||
				services != tc.services || vulns != tc.vulns || obs.VulnScan != tc.vulnScan || len(obs.Networks) != tc.networks {
				t.Errorf("got source %s at %s hosts %d services %d vulns %d vulnScan %v networks %v",
					obs.Source, obs.ObservedAt, len(obs.Hosts), services, vulns, obs.VulnScan, obs.Networks)
			}
			if tc.cves != 0 && len(cves) != tc.cves {
				t.Errorf("distinct CVEs = %d, want %d", len(cves), tc.cves)
			}
			if len(obs.Digest) != 64 {
				t.Errorf("digest = %q", obs.Digest)
			}
			if tc.checkHost != nil {
				tc.checkHost(t, obs)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	full := readSample(t, "nmap/generated/localhost_sV_O_t0_http_only.xml")
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{name: "truncated", data: full[:len(full)*2/3], want: "line "},
		{name: "truncated_in_tag", data: []byte("<nmaprun start=\"1\">\n<host>\n<address addr=\"10.0.0.1\"\n"), want: "line 4: unexpected EOF"},
		{name: "not_xml", data: []byte("hello"), want: "line 1"},
		{name: "unknown_root", data: []byte("<?xml version=\"1.0\"?>\n<foo/>"), want: "line 2: root element <foo>"},
		{name: "nmap_error", data: readSample(t, "nmap/ullaakut/scan_error_resolving_name.xml"), want: "Error resolving name"},
		{name: "nmap_bad_address", data: readSample(t, "nmap/python-libnmap/test_osclass.xml"), want: "line 13: host address \"IP\""},
		{name: "nmap_no_time", data: readSample(t, "nmap/ullaakut/scan_invalid_services.xml"), want: "no scan time"},
		{name: "nmap_bad_port", data: []byte("<nmaprun start=\"1\">\n<host><address addr=\"10.0.0.1\"/>\n<ports><port portid=\"99999\"><state state=\"open\"/></port></ports></host></nmaprun>"), want: "line 2"},
		{name: "latin1", data: []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nmaprun/>"), want: "convert the report to UTF-8"},
		{name: "empty", data: nil, want: "no XML element"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseBytes(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNmapTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args string
		want string
	}{
		{name: "port_list", args: "nmap -sV -p 18080-18082 -oX /tmp/x.xml 127.0.0.1", want: "127.0.0.1/32"},
		{name: "subnet", args: "nmap -A 192.168.1.7/24 10.0.0.1", want: "192.168.1.0/24 10.0.0.1/32"},
		{name: "exclude", args: "nmap 10.0.0.0/24 --exclude 10.0.0.5", want: ""},
		{name: "names_only", args: "nmap scanme.nmap.org", want: ""},
		{name: "source_addr", args: "nmap -S 10.9.9.9 -e eth0 10.0.0.1", want: "10.0.0.1/32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, p := range nmapTargets(tc.args) {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("targets = %v, want %q", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, rel := range []string{
		"nmap/generated/localhost_sV_O_t1_new_ssh_service.xml", "nmap/ullaakut/scan_invalid_services.xml",
		"nmap/defectdojo/nmap_script_vulners.xml", "openvas/one_vuln.xml", "nmap/python-libnmap/2_hosts.xml",
	} {
		f.Add(readSample(f, rel))
	}
	f.Add([]byte(`<NessusClientData_v2><Report><ReportHost name="10.0.0.1"><HostProperties><tag name="HOST_START_TIMESTAMP">5</tag></HostProperties><ReportItem port="22" protocol="tcp" severity="2" pluginID="1"><cvss3_base_score>x</cvss3_base_score></ReportItem></ReportHost></Report></NessusClientData_v2>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, err := ParseBytes(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "read ") {
				t.Fatalf("error %q does not say what was read", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, h := range obs.Hosts {
			if h.Key == "" || seen[h.Key] || (h.State != infra.StateUp && h.State != infra.StateDown) {
				t.Fatalf("bad host %+v", h)
			}
			seen[h.Key] = true
		}
		if !bytes.Contains(data, []byte("<")) {
			t.Fatal("parsed a report without any element")
		}
	})
}

func BenchmarkParseNessus(b *testing.B) {
	data := readSample(b, "nessus/nessus_with_cvssv3.nessus")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

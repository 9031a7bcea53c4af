package scan

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

type gmpResult struct {
	Name string `xml:"name"`
	Host struct {
		Addr     string `xml:",chardata"`
		Hostname string `xml:"hostname"`
	} `xml:"host"`
	Port string `xml:"port"`
	NVT  struct {
		OID        string `xml:"oid,attr"`
		Name       string `xml:"name"`
		Tags       string `xml:"tags"`
		Severities []struct {
			Type  string `xml:"type,attr"`
			Score string `xml:"score"`
			Value string `xml:"value"`
		} `xml:"severities>severity"`
		Refs []struct {
			ID   string `xml:"id,attr"`
			Type string `xml:"type,attr"`
		} `xml:"refs>ref"`
	} `xml:"nvt"`
	Threat      string `xml:"threat"`
	Severity    string `xml:"severity"`
	Description string `xml:"description"`
}

type gmpHost struct {
	IP    string `xml:"ip"`
	Start string `xml:"start"`
}

// openvasRun gathers an OpenVAS report while the parse streams through it. Results nest inside
// <report><report>, and the first <scan_start> or <timestamp> is the scan's time.
type openvasRun struct {
	start string
	label string
	hosts []infra.Host
	index map[string]int
}

func parseOpenVAS(data []byte) (infra.Observation, error) {
	r := &openvasRun{index: map[string]int{}}
	err := walk(data, r.element)
	if err != nil {
		return infra.Observation{}, err
	}
	if r.start == "" {
		return infra.Observation{}, errors.New("no scan time: the report has no scan_start or timestamp")
	}
	at, err := time.Parse(time.RFC3339, r.start)
	if err != nil {
		return infra.Observation{}, fmt.Errorf("scan time %q: %w", r.start, err)
	}
	return infra.Observation{ObservedAt: at.UTC(), Label: r.label, Hosts: r.hosts, VulnScan: true}, nil
}

func (r *openvasRun) element(d *xml.Decoder, se xml.StartElement) (bool, error) {
	switch se.Name.Local {
	case "scan_start", "timestamp":
		var s string
		err := d.DecodeElement(&s, &se)
		if s = strings.TrimSpace(s); s != "" && (r.start == "" || se.Name.Local == "scan_start") {
			r.start = s
		}
		return true, err
	case "task":
		return false, nil
	case "name":
		var s string
		err := d.DecodeElement(&s, &se)
		if r.label == "" {
			r.label = strings.TrimSpace(s)
		}
		return true, err
	case "result":
		var res gmpResult
		if err := d.DecodeElement(&res, &se); err != nil {
			return true, err
		}
		return true, r.addResult(res)
	case "host":
		var h gmpHost
		if err := d.DecodeElement(&h, &se); err != nil {
			return true, err
		}
		if strings.TrimSpace(h.IP) == "" {
			return true, nil // a <host> of the scanner's own settings, not a scanned host
		}
		if _, err := r.host(h.IP, ""); err != nil {
			return true, err
		}
		return true, nil
	case "ports":
		return true, d.Skip() // the summary of ports repeats hosts without their findings
	}
	return false, nil
}

// host returns the index of the host with the address, adding it when new. A host that is not
// an IP address (a name, or an address anonymised out of shape) is kept by name.
func (r *openvasRun) host(addr, name string) (int, error) {
	addr = strings.TrimSpace(addr)
	h := infra.Host{State: infra.StateUp}
	if a, err := netip.ParseAddr(addr); err == nil {
		h.Addresses = []infra.Address{{Addr: a.String(), Type: ipType(a)}}
	} else if addr != "" && !strings.ContainsAny(addr, " \t\n") {
		h.Names = []string{strings.ToLower(addr)}
	} else {
		return 0, fmt.Errorf("host %q is neither an address nor a name", addr)
	}
	h.Key = infra.HostKey(h.Addresses, h.Names)
	i, ok := r.index[h.Key]
	if !ok {
		i = len(r.hosts)
		r.index[h.Key] = i
		r.hosts = append(r.hosts, h)
	}
	if name = strings.ToLower(strings.TrimSpace(name)); name != "" && !contains(r.hosts[i].Names, name) {
		r.hosts[i].Names = append(r.hosts[i].Names, name)
	}
	return i, nil
}

func (r *openvasRun) addResult(res gmpResult) error {
	i, err := r.host(res.Host.Addr, res.Host.Hostname)
	if err != nil {
		return err
	}
	sev, _ := strconv.ParseFloat(strings.TrimSpace(res.Severity), 64)
	if sev <= 0 || strings.EqualFold(res.Threat, "log") {
		return nil // informational
	}
	port, proto, err := gmpPort(res.Port)
	if err != nil {
		return fmt.Errorf("result %q: %w", res.Name, err)
	}
	v := infra.Vuln{Scanner: FormatOpenVAS, Plugin: res.NVT.OID, Name: strings.TrimSpace(res.NVT.Name),
		Severity: strings.ToLower(res.Threat), Protocol: proto, Port: port,
		Evidence: strings.TrimSpace(res.Description)}
	for _, ref := range res.NVT.Refs {
		if strings.EqualFold(ref.Type, "cve") {
			v.CVEs = append(v.CVEs, ref.ID)
		}
	}
	gmpCVSS3(&v, res)
	h := &r.hosts[i]
	h.Vulns = dedupVulns(append(h.Vulns, v))
	return nil
}

// gmpCVSS3 takes the CVSS v3 vector and score from <severities>, or from the tags of older
// reports, which hold only the vector.
func gmpCVSS3(v *infra.Vuln, res gmpResult) {
	for _, s := range res.NVT.Severities {
		if strings.HasPrefix(s.Type, "cvss_base_v3") {
			v.CVSS3Vector = strings.TrimSpace(s.Value)
			v.CVSS3Score, _ = strconv.ParseFloat(strings.TrimSpace(s.Score), 64)
			return
		}
	}
	for tag := range strings.SplitSeq(res.NVT.Tags, "|") {
		if val, ok := strings.CutPrefix(tag, "cvss_base_vector="); ok && strings.HasPrefix(val, "CVSS:3") {
			v.CVSS3Vector = strings.TrimSpace(val)
		}
	}
}

// gmpPort reads "443/tcp" or "general/tcp" (a finding on the host, port 0).
func gmpPort(s string) (int, string, error) {
	portText, proto, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, "", fmt.Errorf("port %q is not port/protocol", s)
	}
	if portText == "general" || portText == "" {
		return 0, proto, nil
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return 0, "", fmt.Errorf("port %q is not a port number", s)
	}
	return port, proto, nil
}

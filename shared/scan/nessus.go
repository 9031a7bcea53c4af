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

type nessusHost struct {
	Name string `xml:"name,attr"`
	Tags []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"HostProperties>tag"`
	Items []struct {
		Port        string   `xml:"port,attr"`
		Protocol    string   `xml:"protocol,attr"`
		Severity    int      `xml:"severity,attr"`
		PluginID    string   `xml:"pluginID,attr"`
		PluginName  string   `xml:"pluginName,attr"`
		CVEs        []string `xml:"cve"`
		CVSS3Vector string   `xml:"cvss3_vector"`
		CVSS3Score  string   `xml:"cvss3_base_score"`
		RiskFactor  string   `xml:"risk_factor"`
		Output      string   `xml:"plugin_output"`
	} `xml:"ReportItem"`
}

func parseNessus(data []byte) (infra.Observation, error) {
	obs := infra.Observation{VulnScan: true}
	var first int64
	seen := map[string]bool{}
	err := walk(data, func(d *xml.Decoder, se xml.StartElement) (bool, error) {
		switch se.Name.Local {
		case "policyName":
			var name string
			err := d.DecodeElement(&name, &se)
			obs.Label = strings.TrimSpace(name)
			return true, err
		case "ReportHost":
			var nh nessusHost
			if err := d.DecodeElement(&nh, &se); err != nil {
				return true, err
			}
			h, start, err := nessusToHost(nh)
			if err != nil {
				return true, err
			}
			if seen[h.Key] {
				return true, fmt.Errorf("host %s reported twice", h.Key)
			}
			seen[h.Key] = true
			if start > 0 && (first == 0 || start < first) {
				first = start
			}
			obs.Hosts = append(obs.Hosts, h)
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return infra.Observation{}, err
	}
	if first == 0 {
		return infra.Observation{}, errors.New("no scan time: no host has a HOST_START_TIMESTAMP or HOST_START tag")
	}
	obs.ObservedAt = time.Unix(first, 0).UTC()
	return obs, nil
}

func nessusToHost(nh nessusHost) (infra.Host, int64, error) {
	h := infra.Host{State: infra.StateUp}
	tags := map[string]string{}
	for _, t := range nh.Tags {
		tags[t.Name] = strings.TrimSpace(t.Value)
	}
	ip := tags["host-ip"]
	if ip == "" {
		ip = nh.Name
	}
	if a, err := netip.ParseAddr(ip); err == nil {
		h.Addresses = append(h.Addresses, infra.Address{Addr: a.String(), Type: ipType(a)})
	}
	if mac := tags["mac-address"]; mac != "" {
		h.Addresses = append(h.Addresses, infra.Address{Addr: strings.ToUpper(strings.Fields(mac)[0]), Type: "mac"})
	}
	for _, n := range []string{tags["host-fqdn"], tags["host-rdns"], tags["netbios-name"], nh.Name} {
		n = strings.ToLower(n)
		if _, err := netip.ParseAddr(n); n != "" && err != nil && !contains(h.Names, n) {
			h.Names = append(h.Names, n)
		}
	}
	if h.Key = infra.HostKey(h.Addresses, h.Names); h.Key == "" {
		return h, 0, errors.New("ReportHost has no name or host-ip")
	}
	if os := tags["operating-system"]; os != "" {
		h.OS = &infra.OS{Name: os}
		if cpe := tags["cpe"]; strings.HasPrefix(cpe, "cpe:/o:") {
			h.OS.CPE = []string{cpe}
		}
	}
	if err := nessusVulns(&h, nh); err != nil {
		return h, 0, err
	}
	return h, nessusStart(tags), nil
}

func nessusVulns(h *infra.Host, nh nessusHost) error {
	for _, it := range nh.Items {
		if it.Severity <= 0 {
			continue // informational
		}
		port, err := strconv.Atoi(it.Port)
		if err != nil || port < 0 || port > 65535 {
			return fmt.Errorf("host %s: plugin %s: port %q is not a port number", h.Key, it.PluginID, it.Port)
		}
		v := infra.Vuln{Scanner: FormatNessus, Plugin: it.PluginID, Name: it.PluginName, CVEs: it.CVEs,
			CVSS3Vector: strings.TrimSpace(it.CVSS3Vector), Severity: strings.ToLower(it.RiskFactor),
			Protocol: it.Protocol, Port: port, Evidence: strings.TrimSpace(it.Output)}
		if it.CVSS3Score != "" {
			if v.CVSS3Score, err = strconv.ParseFloat(strings.TrimSpace(it.CVSS3Score), 64); err != nil {
				return fmt.Errorf("host %s: plugin %s: cvss3_base_score %q: %w", h.Key, it.PluginID, it.CVSS3Score, err)
			}
		}
		h.Vulns = append(h.Vulns, v)
	}
	h.Vulns = dedupVulns(h.Vulns)
	return nil
}

// nessusStart is the host's scan start: the timestamp tag, else the text one Nessus also writes.
func nessusStart(tags map[string]string) int64 {
	if n, err := strconv.ParseInt(tags["HOST_START_TIMESTAMP"], 10, 64); err == nil {
		return n
	}
	if t, err := time.Parse("Mon Jan _2 15:04:05 2006", tags["HOST_START"]); err == nil {
		return t.Unix()
	}
	return 0
}

func ipType(a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return "ipv4"
	}
	return "ipv6"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

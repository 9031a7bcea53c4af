package scan

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

type nmapScanInfo struct {
	Protocol string `xml:"protocol,attr"`
	Services string `xml:"services,attr"`
}

type nmapFinished struct {
	Time     int64  `xml:"time,attr"`
	Exit     string `xml:"exit,attr"`
	ErrorMsg string `xml:"errormsg,attr"`
}

type nmapScript struct {
	ID     string `xml:"id,attr"`
	Output string `xml:"output,attr"`
}

type nmapHost struct {
	StartTime int64 `xml:"starttime,attr"`
	Status    struct {
		State string `xml:"state,attr"`
	} `xml:"status"`
	Addresses []struct {
		Addr   string `xml:"addr,attr"`
		Type   string `xml:"addrtype,attr"`
		Vendor string `xml:"vendor,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
	} `xml:"hostnames>hostname"`
	Ports []struct {
		Protocol string `xml:"protocol,attr"`
		PortID   string `xml:"portid,attr"`
		State    struct {
			State string `xml:"state,attr"`
		} `xml:"state"`
		Service struct {
			Name      string   `xml:"name,attr"`
			Product   string   `xml:"product,attr"`
			Version   string   `xml:"version,attr"`
			ExtraInfo string   `xml:"extrainfo,attr"`
			Tunnel    string   `xml:"tunnel,attr"`
			CPE       []string `xml:"cpe"`
		} `xml:"service"`
		Scripts []nmapScript `xml:"script"`
	} `xml:"ports>port"`
	OSMatches []struct {
		Name     string `xml:"name,attr"`
		Accuracy int    `xml:"accuracy,attr"`
		Classes  []struct {
			CPE []string `xml:"cpe"`
		} `xml:"osclass"`
	} `xml:"os>osmatch"`
	HostScripts []nmapScript `xml:"hostscript>script"`
}

// nmapRun is what the parse gathers while it streams through the file host by host.
type nmapRun struct {
	start    int64
	args     string
	finished *nmapFinished
	ports    infra.PortSet
	hosts    []infra.Host
	index    map[string]int
	first    int64
}

func parseNmap(data []byte) (infra.Observation, error) {
	run := &nmapRun{index: map[string]int{}}
	err := walk(data, func(d *xml.Decoder, se xml.StartElement) (bool, error) {
		return run.element(d, se)
	})
	if err != nil {
		return infra.Observation{}, err
	}
	return run.observation()
}

func (r *nmapRun) element(d *xml.Decoder, se xml.StartElement) (bool, error) {
	switch se.Name.Local {
	case "nmaprun":
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "start":
				r.start, _ = strconv.ParseInt(a.Value, 10, 64)
			case "args":
				r.args = a.Value
			}
		}
		return false, nil
	case "scaninfo":
		var si nmapScanInfo
		if err := d.DecodeElement(&si, &se); err != nil {
			return true, err
		}
		ports, err := infra.ParsePortList(si.Protocol, si.Services)
		if err != nil {
			return true, fmt.Errorf("scaninfo: %w", err)
		}
		r.ports = append(r.ports, ports...)
		return true, nil
	case "host":
		var h nmapHost
		if err := d.DecodeElement(&h, &se); err != nil {
			return true, err
		}
		return true, r.addHost(h)
	case "finished":
		r.finished = &nmapFinished{}
		return true, d.DecodeElement(r.finished, &se)
	}
	return false, nil
}

func (r *nmapRun) addHost(nh nmapHost) error {
	h, err := nmapToHost(nh)
	if err != nil {
		return err
	}
	if r.first == 0 || (nh.StartTime > 0 && nh.StartTime < r.first) {
		r.first = nh.StartTime
	}
	// nmap repeats a host when it was given twice as a target; keep the last report.
	if i, ok := r.index[h.Key]; ok {
		r.hosts[i] = h
		return nil
	}
	r.index[h.Key] = len(r.hosts)
	r.hosts = append(r.hosts, h)
	return nil
}

func (r *nmapRun) observation() (infra.Observation, error) {
	if r.finished != nil && r.finished.ErrorMsg != "" {
		return infra.Observation{}, fmt.Errorf("nmap reported an error: %s", r.finished.ErrorMsg)
	}
	at := r.start
	if at == 0 {
		at = r.first
	}
	if at == 0 && r.finished != nil {
		at = r.finished.Time
	}
	if at == 0 {
		return infra.Observation{}, errors.New("no scan time: the nmaprun element has no start attribute")
	}
	return infra.Observation{
		ObservedAt: time.Unix(at, 0).UTC(),
		Label:      r.args,
		Hosts:      r.hosts,
		Ports:      r.ports,
		Networks:   nmapTargets(r.args),
		VulnScan:   runsScripts(r.args),
	}, nil
}

func nmapToHost(nh nmapHost) (infra.Host, error) {
	var h infra.Host
	for _, a := range nh.Addresses {
		addr, typ := a.Addr, a.Type
		if typ == "" {
			typ = "ipv4"
		}
		if typ == "ipv4" || typ == "ipv6" {
			ip, err := netip.ParseAddr(addr)
			if err != nil {
				return h, fmt.Errorf("host address %q: %w", addr, err)
			}
			addr = ip.String()
		}
		h.Addresses = append(h.Addresses, infra.Address{Addr: addr, Type: typ, Vendor: a.Vendor})
	}
	for _, n := range nh.Hostnames {
		if n.Name != "" && !slices.Contains(h.Names, strings.ToLower(n.Name)) {
			h.Names = append(h.Names, strings.ToLower(n.Name))
		}
	}
	if h.Key = infra.HostKey(h.Addresses, h.Names); h.Key == "" {
		return h, errors.New("host has no address")
	}
	h.State = infra.StateDown
	if nh.Status.State == "" || nh.Status.State == infra.StateUp {
		h.State = infra.StateUp
	}
	if len(nh.OSMatches) > 0 {
		m := nh.OSMatches[0] // nmap lists the best guess first
		h.OS = &infra.OS{Name: m.Name, Accuracy: m.Accuracy}
		for _, c := range m.Classes {
			h.OS.CPE = append(h.OS.CPE, c.CPE...)
		}
	}
	return h, nmapServices(&h, nh)
}

func nmapServices(h *infra.Host, nh nmapHost) error {
	seen := map[infra.PortKey]bool{}
	for _, p := range nh.Ports {
		port, err := strconv.Atoi(p.PortID)
		if err != nil || port < 0 || port > 65535 {
			return fmt.Errorf("host %s: port %q is not a port number", h.Key, p.PortID)
		}
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if p.State.State != "open" || seen[infra.PortKey{Protocol: proto, Port: port}] {
			continue
		}
		seen[infra.PortKey{Protocol: proto, Port: port}] = true
		svc := infra.Service{Protocol: proto, Port: port, State: p.State.State, Name: p.Service.Name,
			Product: p.Service.Product, Version: p.Service.Version, ExtraInfo: p.Service.ExtraInfo,
			CPE: p.Service.CPE}
		if p.Service.Tunnel != "" {
			svc.Name = p.Service.Tunnel + "/" + svc.Name
		}
		for _, s := range p.Scripts {
			svc.Scripts = append(svc.Scripts, infra.Script{ID: s.ID, Output: s.Output})
			if s.ID == "banner" {
				svc.Banner = s.Output
			}
			h.Vulns = append(h.Vulns, scriptVulns(s, proto, port)...)
		}
		h.Services = append(h.Services, svc)
	}
	for _, s := range nh.HostScripts {
		h.Vulns = append(h.Vulns, scriptVulns(s, "", 0)...)
	}
	h.Vulns = dedupVulns(h.Vulns)
	return nil
}

var cveRE = regexp.MustCompile(`CVE-\d{4}-\d{4,}`)

// scriptVulns turns the CVE identifiers in a script's output into findings, one per CVE, with
// the output line that names it as evidence.
func scriptVulns(s nmapScript, proto string, port int) []infra.Vuln {
	var out []infra.Vuln
	for l := range strings.SplitSeq(s.Output, "\n") {
		for _, cve := range cveRE.FindAllString(l, -1) {
			out = append(out, infra.Vuln{Scanner: FormatNmap, Plugin: s.ID + ":" + cve, Name: cve,
				CVEs: []string{cve}, Protocol: proto, Port: port, Evidence: strings.TrimSpace(l)})
		}
	}
	return out
}

func dedupVulns(vs []infra.Vuln) []infra.Vuln {
	seen := map[string]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v.Key()] {
			seen[v.Key()] = true
			out = append(out, v)
		}
	}
	return out
}

// optionsWithValue are the nmap options whose next word is a value, not a target.
var optionsWithValue = map[string]bool{
	"-p": true, "-oX": true, "-oN": true, "-oG": true, "-oA": true, "-oS": true, "-oM": true,
	"-iL": true, "-iR": true, "-S": true, "-D": true, "-e": true, "-g": true, "--source-port": true,
	"--script": true, "--script-args": true, "--script-args-file": true, "--dns-servers": true,
	"-sI": true, "-b": true, "--top-ports": true, "--max-retries": true, "--host-timeout": true,
	"--min-rate": true, "--max-rate": true, "--data-length": true, "--ttl": true, "--proxies": true,
	"--spoof-mac": true, "-T": true, "--version-intensity": true, "--exclude-ports": true,
	"--datadir": true, "--stylesheet": true, "--port-ratio": true,
}

// nmapTargets returns the targets of an nmap command line that are literal addresses or CIDR
// blocks. With an exclusion or a target file the targets are unknown, and none are returned.
func nmapTargets(args string) []netip.Prefix {
	words := strings.Fields(args)
	var out []netip.Prefix
	for i := 1; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--exclude" || w == "--excludefile" || w == "-iL" || w == "-iR":
			return nil
		case optionsWithValue[w]:
			i++
			continue
		}
		if p, err := netip.ParsePrefix(w); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(w); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

// runsScripts reports whether an nmap command line ran scripts, so that its CVE findings are
// complete for the ports it probed.
func runsScripts(args string) bool {
	for _, w := range strings.Fields(args) {
		if w == "-sC" || w == "-A" || w == "--script" || strings.HasPrefix(w, "--script=") {
			return true
		}
	}
	return false
}

package job

import (
	"net/netip"
	"regexp"
	"strings"
)

// extractor is one rule of cortexutils' artifact auto-extraction, tried in this order.
type extractor struct {
	dataType string
	match    func(string) bool
}

var (
	reIPv4      = regexp.MustCompile(`^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)`)
	reIPv6Head  = regexp.MustCompile(`^[0-9A-Fa-f:.]+`)
	reURL       = regexp.MustCompile(`^https?://`)
	reDomain    = regexp.MustCompile(`^[\w\-]+\.[a-zA-Z]+$`)
	reHash      = regexp.MustCompile(`^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$`)
	reUserAgent = regexp.MustCompile(`^(?:Mozilla/[45]\.0 |AppleWebKit/[0-9]|Chrome/[0-9]|Safari/[0-9])`)
	reURIPath   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*://`)
	reRegistry  = regexp.MustCompile(`^(?:HKEY|HKLM|HKCU|HKCR|HKCC)`)
	reMail      = regexp.MustCompile(`^[\w.+\-]+@[\w\-]+\.[\w.\-]+`)
	reFQDN      = regexp.MustCompile(`^(?:[\w\-]+\.){2,}[a-zA-Z]+$`)
)

var extractors = []extractor{
	{"ip", reIPv4.MatchString},
	{"ip", isIPv6Prefix},
	{"url", reURL.MatchString},
	{"domain", reDomain.MatchString},
	{"hash", reHash.MatchString},
	{"user-agent", reUserAgent.MatchString},
	{"uri_path", reURIPath.MatchString},
	{"registry", reRegistry.MatchString},
	{"mail", reMail.MatchString},
	{"fqdn", reFQDN.MatchString},
}

func isIPv6Prefix(s string) bool {
	head := reIPv6Head.FindString(s)
	if !strings.Contains(head, ":") {
		return false
	}
	a, err := netip.ParseAddr(strings.TrimRight(head, ".:"))
	return err == nil && a.Is6()
}

// Extract finds artifacts in a decoded JSON value as cortexutils' auto-extraction does: every string
// (never an object key) is tested against the rules in order, the first that matches gives its type;
// strings that contain the job's own observable are skipped; each (type, value) pair appears once.
func Extract(v any, observable string) []Artifact {
	seen := map[[2]string]bool{}
	var out []Artifact
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(v) {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			if v == "" || (observable != "" && strings.Contains(v, observable)) {
				return
			}
			for _, e := range extractors {
				if e.match(v) {
					key := [2]string{e.dataType, v}
					if !seen[key] {
						seen[key] = true
						out = append(out, NewArtifact(e.dataType, v))
					}
					return
				}
			}
		}
	}
	walk(v)
	return out
}

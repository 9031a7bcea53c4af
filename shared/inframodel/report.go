package inframodel

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/job"
)

// Namespace is the taxonomy namespace of every SOCCRATES worker.
const Namespace = "SOCCRATES"

// Artifact tags, one per reason a host is proposed.
const (
	TagNewHost        = "soccrates:new-host"
	TagChangedService = "soccrates:changed-service"
	TagNewVuln        = "soccrates:new-vuln"
)

// Report turns an ingest into the Cortex report: the Version taxonomy, one taxonomy per kind of
// change, the hosts as artifacts, and the result itself as full.
func (r *IngestResult) Report() *job.Report {
	return &job.Report{Taxonomies: r.taxonomies(), Artifacts: r.artifacts(), Full: r}
}

func (r *IngestResult) taxonomies() []job.Taxonomy {
	tax := []job.Taxonomy{{Level: job.Info, Namespace: Namespace, Predicate: "Version", Value: r.Version.ID}}
	if r.Duplicate {
		return append(tax, job.Taxonomy{Level: job.Info, Namespace: Namespace, Predicate: "Duplicate",
			Value: fmt.Sprintf("already ingested as version %d", r.Version.ID)})
	}
	c := r.Counts
	news := []struct {
		predicate string
		n         int
		level     job.Level
	}{
		{"NewHosts", c.NewHosts, job.Suspicious},
		{"NewServices", c.NewServices, job.Suspicious},
		{"ChangedServices", c.ChangedServices, job.Suspicious},
		{"NewVulns", c.NewVulns, vulnLevel(r.UC3.MaxCVSS)},
	}
	// The four kinds of news always appear, so "nothing new" reads as four safe zeros.
	for _, k := range news {
		lvl := k.level
		if k.n == 0 {
			lvl = job.Safe
		}
		tax = append(tax, job.Taxonomy{Level: lvl, Namespace: Namespace, Predicate: k.predicate, Value: k.n})
	}
	gone := []struct {
		predicate string
		n         int
	}{{"RemovedHosts", c.RemovedHosts}, {"ClosedServices", c.ClosedServices}, {"FixedVulns", c.FixedVulns}}
	for _, k := range gone {
		if k.n > 0 {
			tax = append(tax, job.Taxonomy{Level: job.Info, Namespace: Namespace, Predicate: k.predicate, Value: k.n})
		}
	}
	return tax
}

// vulnLevel rates new findings by their highest score.
func vulnLevel(maxScore float64) job.Level {
	if maxScore >= CriticalCVSS {
		return job.Malicious
	}
	return job.Suspicious
}

// artifacts proposes each host once, with every reason as a tag and a message per reason.
func (r *IngestResult) artifacts() []job.Artifact {
	var set artifactSet
	for _, h := range r.Change.NewHosts {
		msg := fmt.Sprintf("New host %s in version %d", hostLabel(h), r.Version.ID)
		if h.OS != nil && h.OS.Name != "" {
			msg += ", OS " + h.OS.Name
		}
		for _, a := range hostObservables(h) {
			set.add(a, TagNewHost, msg)
		}
	}
	changes := r.serviceChanges()
	for _, host := range slices.Sorted(maps.Keys(changes)) {
		ports := changes[host]
		msg := fmt.Sprintf("Services changed in version %d: %s", r.Version.ID, strings.Join(ports, ", "))
		for _, a := range hostObservables(infra.Host{Key: host}) {
			set.add(a, TagChangedService, msg)
		}
	}
	findings := byHost(NewFindings(r.Change))
	for _, host := range slices.Sorted(maps.Keys(findings)) {
		found := findings[host]
		for _, a := range hostObservables(infra.Host{Key: host}) {
			set.add(a, TagNewVuln, findingsMessage(r.Version.ID, found))
		}
	}
	return set.list()
}

// serviceChanges lists, per host, the port slots that opened, changed or closed.
func (r *IngestResult) serviceChanges() map[string][]string {
	out := map[string][]string{}
	for _, hs := range r.Change.NewServices {
		out[hs.Host] = append(out[hs.Host], hs.Service.Key().String()+" new "+describe(hs.Service))
	}
	for _, sc := range r.Change.ChangedServices {
		out[sc.Host] = append(out[sc.Host], fmt.Sprintf("%s %s -> %s", sc.After.Key(), describe(sc.Before), describe(sc.After)))
	}
	for _, hs := range r.Change.ClosedServices {
		out[hs.Host] = append(out[hs.Host], hs.Service.Key().String()+" closed")
	}
	return out
}

// describe names what runs on a port: product and version, else the service name.
func describe(s infra.Service) string {
	d := strings.TrimSpace(s.Product + " " + s.Version)
	if d == "" {
		d = s.Name
	}
	if d == "" {
		d = "unknown service"
	}
	return d
}

func byHost(hvs []infra.HostVuln) map[string][]infra.Vuln {
	out := map[string][]infra.Vuln{}
	for _, hv := range hvs {
		out[hv.Host] = append(out[hv.Host], hv.Vuln)
	}
	return out
}

// findingsMessage counts a host's new findings and names the worst one.
func findingsMessage(version int64, vs []infra.Vuln) string {
	worst := vs[0]
	for _, v := range vs[1:] {
		if Score(v) > Score(worst) {
			worst = v
		}
	}
	name := worst.Name
	if len(worst.CVEs) > 0 {
		name = strings.Join(worst.CVEs[:min(3, len(worst.CVEs))], ", ")
	}
	return fmt.Sprintf("%d new findings in version %d; highest CVSS %.1f: %s", len(vs), version, Score(worst), name)
}

// hostObservables are what TheHive can hold of a host: its IP addresses, else its key as a
// name. A key that is a MAC address gives nothing.
func hostObservables(h infra.Host) []job.Artifact {
	var out []job.Artifact
	for _, a := range h.Addresses {
		if a.Type == "ipv4" || a.Type == "ipv6" {
			out = append(out, job.NewArtifact("ip", a.Addr))
		}
	}
	if len(out) > 0 {
		return out
	}
	switch {
	case isIP(h.Key):
		return []job.Artifact{job.NewArtifact("ip", h.Key)}
	case strings.Count(h.Key, ":") == 5:
		return nil
	case strings.Contains(h.Key, "."):
		return []job.Artifact{job.NewArtifact("fqdn", h.Key)}
	}
	return []job.Artifact{job.NewArtifact("hostname", h.Key)}
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// artifactSet merges the reasons for one observable into one artifact, since TheHive keeps one
// observable per type and value in a case.
type artifactSet struct {
	order []string
	byKey map[string]*merged
}

type merged struct {
	art  job.Artifact
	tags []string
	msgs []string
}

func (s *artifactSet) add(a job.Artifact, tag, msg string) {
	if s.byKey == nil {
		s.byKey = map[string]*merged{}
	}
	k := a.DataType() + "\x00" + a.Data()
	m, ok := s.byKey[k]
	if !ok {
		m = &merged{art: a}
		s.byKey[k] = m
		s.order = append(s.order, k)
	}
	m.tags = append(m.tags, tag)
	m.msgs = append(m.msgs, msg)
}

// list returns the artifacts in the order first added; never nil, so that Cortex does not
// extract artifacts from the full report.
func (s *artifactSet) list() []job.Artifact {
	out := []job.Artifact{}
	for _, k := range s.order {
		m := s.byKey[k]
		out = append(out, m.art.WithTags(m.tags...).WithMessage(strings.Join(m.msgs, "; ")))
	}
	return out
}

// Report turns a look-up into the Cortex report. It proposes no artifacts: the observable is the
// host itself.
func (r *LookupResult) Report() *job.Report {
	h := r.Host
	tax := []job.Taxonomy{
		{Level: job.Info, Namespace: Namespace, Predicate: "Host", Value: hostLabel(h)},
		{Level: job.Info, Namespace: Namespace, Predicate: "State", Value: h.State},
		{Level: job.Info, Namespace: Namespace, Predicate: "Services", Value: r.OpenServices},
	}
	lvl := job.Safe
	if r.OpenVulns > 0 {
		lvl = vulnLevel(r.MaxCVSS)
	}
	tax = append(tax, job.Taxonomy{Level: lvl, Namespace: Namespace, Predicate: "Vulns", Value: r.OpenVulns})
	if h.Zone != "" {
		tax = append(tax, job.Taxonomy{Level: job.Info, Namespace: Namespace, Predicate: "Zone", Value: h.Zone})
	}
	tax = append(tax, job.Taxonomy{Level: job.Info, Namespace: Namespace, Predicate: "Version", Value: r.LastVersion})
	return &job.Report{Taxonomies: tax, Artifacts: []job.Artifact{}, Full: r}
}

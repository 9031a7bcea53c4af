package inframodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
	"github.com/soccrates-cortex/soccrates/shared/scan"
)

// Store is what the analyzer needs of the knowledge store: it is the infrastructure's one writer
// and reads it back. *knowledge.Store is one.
type Store interface {
	knowledge.InfraReader
	knowledge.InfraWriter
}

// ErrNotAScan is wrapped by ReadScan's error when the input is not one of the supported scanner
// reports or is malformed.
var ErrNotAScan = errors.New("not a readable scan report")

// ReadScan reads a scanner report of any supported format. Its error names the file and the line
// and says what to submit instead; nothing has touched the store yet.
func ReadScan(r io.Reader, filename string) (infra.Observation, error) {
	obs, err := scan.Parse(r)
	if err != nil {
		return infra.Observation{}, fmt.Errorf("%s is %w (%v); submit complete nmap XML (nmap -oX), "+
			"a Nessus v2 .nessus export or an OpenVAS/Greenbone XML report", filename, ErrNotAScan, err)
	}
	return obs, nil
}

// IngestConfig is what an ingest needs besides the observation.
type IngestConfig struct {
	// Infra is the operator's configuration (zones, policy, host properties) to store as valid
	// from Now before the ingest; nil leaves the stored one as it is.
	Infra  *infra.Config
	Logger *slog.Logger // nil: discard
	Now    func() time.Time
}

// ScanInfo describes the report that was ingested.
type ScanInfo struct {
	Source     string    `json:"source"`
	ObservedAt time.Time `json:"observed_at"`
	Label      string    `json:"label,omitempty"`
	Hosts      int       `json:"hosts"`
	Up         int       `json:"up"`
}

// Counts are the sizes of the parts of a change, for BPMN conditions and the short report.
// NewVulns counts the findings of new hosts too (see NewFindings), so it can exceed the length of
// change.new_vulns.
type Counts struct {
	NewHosts        int `json:"new_hosts"`
	RemovedHosts    int `json:"removed_hosts"`
	NewServices     int `json:"new_services"`
	ChangedServices int `json:"changed_services"`
	ClosedServices  int `json:"closed_services"`
	NewVulns        int `json:"new_vulns"`
	FixedVulns      int `json:"fixed_vulns"`
}

// IngestResult is the analyzer's full report for a file: the version the scan became, the change
// against the state just before the scan's time, and one trigger block per use case.
type IngestResult struct {
	Scan            ScanInfo          `json:"scan"`
	Version         knowledge.Version `json:"version"`
	PreviousVersion int64             `json:"previous_version"` // 0 when the scan is the oldest
	Versions        int               `json:"versions"`         // how many the store holds now
	Duplicate       bool              `json:"duplicate"`
	Change          infra.Change      `json:"change"`
	Counts          Counts            `json:"counts"`
	UC3             NewVulnTrigger    `json:"uc3_new_vulnerability"`
	UC4             ConfigTrigger     `json:"uc4_configuration_change"`
	UC5             NewSystemTrigger  `json:"uc5_new_system"`
}

// Ingest stores the operator's configuration when given, then the observation as a new version,
// and returns the change with its use-case triggers.
func Ingest(ctx context.Context, st Store, obs infra.Observation, cfg IngestConfig) (*IngestResult, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Infra != nil {
		now := time.Now
		if cfg.Now != nil {
			now = cfg.Now
		}
		if err := st.SetInfraConfig(ctx, *cfg.Infra, now()); err != nil {
			return nil, err
		}
	}
	res, err := st.Ingest(ctx, obs)
	if err != nil {
		return nil, err
	}
	if cfg.Infra != nil {
		cfg.Infra.Apply(res.Change.NewHosts)
		cfg.Infra.Apply(res.Change.RemovedHosts)
	}
	out := &IngestResult{Scan: scanInfo(obs), Version: res.Version, Duplicate: res.Duplicate, Change: res.Change}
	if err := out.placeInHistory(ctx, st); err != nil {
		return nil, err
	}
	out.Counts = countChange(res.Change)
	out.UC3 = newVulnTrigger(res.Change)
	out.UC4 = configTrigger(res.Change)
	out.UC5 = newSystemTrigger(res.Change)
	log.Debug("change computed", "version", out.Version.ID, "duplicate", out.Duplicate,
		"uc3", out.UC3.Triggered, "uc4", out.UC4.Triggered, "uc5", out.UC5.Triggered)
	return out, nil
}

// placeInHistory finds the version just before the new one: a late scan of an older time is
// placed in the history, so the previous version is not always the last one ingested.
func (r *IngestResult) placeInHistory(ctx context.Context, st Store) error {
	vs, err := st.Versions(ctx)
	if err != nil {
		return err
	}
	r.Versions = len(vs)
	i := slices.IndexFunc(vs, func(v knowledge.Version) bool { return v.ID == r.Version.ID })
	if i > 0 {
		r.PreviousVersion = vs[i-1].ID
	}
	return nil
}

func scanInfo(obs infra.Observation) ScanInfo {
	s := ScanInfo{Source: obs.Source, ObservedAt: obs.ObservedAt.UTC(), Label: obs.Label, Hosts: len(obs.Hosts)}
	for _, h := range obs.Hosts {
		if h.State == infra.StateUp {
			s.Up++
		}
	}
	return s
}

func countChange(c infra.Change) Counts {
	return Counts{
		NewHosts: len(c.NewHosts), RemovedHosts: len(c.RemovedHosts),
		NewServices: len(c.NewServices), ChangedServices: len(c.ChangedServices), ClosedServices: len(c.ClosedServices),
		NewVulns: len(NewFindings(c)), FixedVulns: len(c.FixedVulns),
	}
}

// sortedSet returns the distinct non-empty strings, sorted; never nil, so JSON lists stay lists.
func sortedSet(in []string) []string {
	out := []string{}
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

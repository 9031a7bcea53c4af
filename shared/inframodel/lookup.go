package inframodel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// LookupResult is the analyzer's full report for an ip, hostname or fqdn: the host as of a time
// with its history, and a summary of what was present then.
type LookupResult struct {
	Ident string    `json:"ident"`
	AsOf  time.Time `json:"as_of,omitzero"` // the time asked for; zero: now
	knowledge.HostHistory
	OpenServices int     `json:"open_services"`
	OpenVulns    int     `json:"open_vulns"`
	MaxCVSS      float64 `json:"max_cvss"` // of the findings present at At, by Score
	LastVersion  int64   `json:"last_version"`
}

// Lookup returns the host named by ident as of at (zero: now). When the store has never seen it
// by then, the error wraps knowledge.ErrNotFound and says which versions there are.
func Lookup(ctx context.Context, st Store, ident string, at time.Time) (*LookupResult, error) {
	ident = strings.TrimSpace(ident)
	hh, err := st.Host(ctx, ident, at)
	if errors.Is(err, knowledge.ErrNotFound) {
		return nil, explainUnknown(ctx, st, ident, at)
	}
	if err != nil {
		return nil, err
	}
	r := &LookupResult{Ident: ident, AsOf: at, HostHistory: hh,
		OpenServices: len(hh.Host.Services), OpenVulns: len(hh.Host.Vulns)}
	for _, v := range hh.Host.Vulns {
		r.MaxCVSS = max(r.MaxCVSS, Score(v))
	}
	if n := len(hh.Versions); n > 0 {
		r.LastVersion = hh.Versions[n-1]
	}
	return r, nil
}

// unknownHostError is the analyst's explanation of a failed look-up; it matches
// knowledge.ErrNotFound.
type unknownHostError struct{ msg string }

func (e *unknownHostError) Error() string { return e.msg }
func (e *unknownHostError) Unwrap() error { return knowledge.ErrNotFound }

func unknownHost(format string, args ...any) error {
	return &unknownHostError{msg: fmt.Sprintf(format, args...)}
}

// explainUnknown says why a host was not found: an empty store, a host that appeared only after
// the time asked for, or one no version saw.
func explainUnknown(ctx context.Context, st Store, ident string, at time.Time) error {
	vs, err := st.Versions(ctx)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return unknownHost("host %q is unknown: the knowledge store holds no versions yet; "+
			"ingest a scan first (SOCCRATES_InfraModel on a file)", ident)
	}
	if !at.IsZero() {
		if later, err := st.Host(ctx, ident, time.Time{}); err == nil && len(later.Versions) > 0 {
			first := versionByID(vs, later.Versions[0])
			return unknownHost("host %q is unknown as of %s: it first appears in version %d, observed %s; "+
				"ask for a later time", ident, stamp(at), first.ID, stamp(first.ObservedAt))
		}
	}
	return unknownHost("host %q is unknown: none of the %d versions in the knowledge store saw it (%s); "+
		"check the address or name, or ingest a scan that covers it", ident, len(vs), versionList(vs))
}

func versionByID(vs []knowledge.Version, id int64) knowledge.Version {
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	return knowledge.Version{ID: id}
}

// versionList names the oldest and the newest versions, so the message stays short on a store
// holding hundreds.
func versionList(vs []knowledge.Version) string {
	const shown = 3
	name := func(v knowledge.Version) string {
		return fmt.Sprintf("%d (%s, observed %s)", v.ID, v.Source, stamp(v.ObservedAt))
	}
	var parts []string
	for i, v := range vs {
		switch {
		case i < shown || i >= len(vs)-shown:
			parts = append(parts, name(v))
		case i == shown:
			parts = append(parts, fmt.Sprintf("%d more", len(vs)-2*shown))
		}
	}
	return "versions " + strings.Join(parts, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// hostLabel names a host for people: its key with its first name, if it has one.
func hostLabel(h infra.Host) string {
	if len(h.Names) > 0 && !strings.EqualFold(h.Names[0], h.Key) {
		return h.Key + " (" + h.Names[0] + ")"
	}
	return h.Key
}

package knowledge

import (
	"context"
	"errors"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// ErrNotFound is returned when a host or version the caller named is not in the store.
var ErrNotFound = errors.New("not found")

// Version is one ingested observation, a version of the part of the model the scan covered.
type Version struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"`
	ObservedAt time.Time `json:"observed_at"`
	IngestedAt time.Time `json:"ingested_at"`
	Digest     string    `json:"digest"`
	Label      string    `json:"label,omitempty"`
	Hosts      int       `json:"hosts"`
}

// IngestResult is what an ingest did: the version it created (or found, for a report ingested
// before) and the change against the state just before the scan's time.
type IngestResult struct {
	Version   Version      `json:"version"`
	Duplicate bool         `json:"duplicate"`
	Change    infra.Change `json:"change"`
}

// Interval is a stretch of time a slot was present: from the version that first saw it to the
// version that covered it and no longer saw it. To is zero while it is still present.
type Interval struct {
	From        time.Time `json:"from"`
	FromVersion int64     `json:"from_version"`
	To          time.Time `json:"to,omitzero"`
	ToVersion   int64     `json:"to_version,omitempty"`
}

// ServiceHistory is one port slot of a host over time, with the service as last seen.
type ServiceHistory struct {
	Service   infra.Service `json:"service"`
	Intervals []Interval    `json:"intervals"`
}

// VulnHistory is one finding on a host over time, as last seen.
type VulnHistory struct {
	Vuln      infra.Vuln `json:"vuln"`
	Intervals []Interval `json:"intervals"`
}

// HostHistory is a host as of a time, with when it was up and when each service and finding
// appeared and went. Host.Services and Host.Vulns hold what was present at At, also when the host
// was down at At (then they are what it had when last seen up).
type HostHistory struct {
	At       time.Time        `json:"at"`
	Host     infra.Host       `json:"host"`
	Up       []Interval       `json:"up"`
	Services []ServiceHistory `json:"services"`
	Vulns    []VulnHistory    `json:"vulns"`
	Versions []int64          `json:"versions"` // versions that covered the host, oldest first
}

// InfraReader is what workers other than InfraModel use to read the infrastructure. A zero time
// means now.
type InfraReader interface {
	Versions(ctx context.Context) ([]Version, error)
	Model(ctx context.Context, at time.Time) (infra.Model, error)
	Host(ctx context.Context, ident string, at time.Time) (HostHistory, error)
	Diff(ctx context.Context, from, to int64) (infra.Change, error)
}

// InfraWriter is the infrastructure's one writer, the InfraModel analyzer.
type InfraWriter interface {
	Ingest(ctx context.Context, obs infra.Observation) (IngestResult, error)
	SetInfraConfig(ctx context.Context, cfg infra.Config, at time.Time) error
}

var (
	_ InfraReader    = (*Store)(nil)
	_ InfraWriter    = (*Store)(nil)
	_ BusinessReader = (*Store)(nil)
	_ CTIReader      = (*Store)(nil)
)

package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// Ingest stores an observation as a new version and returns the change it makes against the
// state just before the observation's time. A report ingested before (same digest) is not
// stored again: the result names the existing version, with Duplicate set and no change.
func (s *Store) Ingest(ctx context.Context, obs infra.Observation) (IngestResult, error) {
	if err := checkObservation(obs); err != nil {
		return IngestResult{}, fmt.Errorf("ingest observation: %w", err)
	}
	start := s.now()
	var res IngestResult
	err := s.writeTx(ctx, func(q querier) error {
		var err error
		res, err = s.ingest(ctx, q, obs)
		return err
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest %s observation of %s: %w",
			obs.Source, obs.ObservedAt.UTC().Format(time.RFC3339), err)
	}
	s.log.Info("observation ingested", "version", res.Version.ID, "source", obs.Source,
		"hosts", len(obs.Hosts), "duplicate", res.Duplicate, "duration", s.now().Sub(start))
	return res, nil
}

func checkObservation(obs infra.Observation) error {
	switch {
	case obs.Source == "":
		return errors.New("no source")
	case obs.ObservedAt.IsZero():
		return errors.New("no observation time")
	case obs.Digest == "":
		return errors.New("no digest")
	}
	keys := make(map[string]bool, len(obs.Hosts))
	for i, h := range obs.Hosts {
		if keys[h.Key] {
			return fmt.Errorf("host %s reported twice", h.Key)
		}
		keys[h.Key] = true
		if h.Key == "" {
			return fmt.Errorf("host %d has no address or name", i+1)
		}
		if h.State != infra.StateUp && h.State != infra.StateDown {
			return fmt.Errorf("host %s: state %q is neither up nor down", h.Key, h.State)
		}
	}
	return nil
}

func (s *Store) ingest(ctx context.Context, q querier, obs infra.Observation) (IngestResult, error) {
	if v, ok, err := s.versionByDigest(ctx, q, obs.Digest); err != nil || ok {
		return IngestResult{Version: v, Duplicate: ok}, err
	}
	at := obs.ObservedAt.UnixNano()
	tl, err := s.timeline(ctx, q, at)
	if err != nil {
		return IngestResult{}, err
	}
	keys, err := s.affectedHosts(ctx, q, obs)
	if err != nil {
		return IngestResult{}, err
	}
	rows, err := s.loadRows(ctx, q, keys)
	if err != nil {
		return IngestResult{}, err
	}
	before := replayAll(rows, tl)

	v, err := s.insertObservation(ctx, q, obs)
	if err != nil {
		return IngestResult{}, err
	}
	if s.midIngest != nil {
		s.midIngest()
	}

	// The state after is the replay with the new version appended: it is the last one at its
	// time, since versions of equal time are ordered by id.
	for _, h := range obs.Hosts {
		if rows[h.Key] == nil {
			rows[h.Key] = newHostRows()
		}
		rows[h.Key].add(v.ID, h)
	}
	meta := obsMeta{id: v.ID, source: obs.Source, at: at, ports: obs.Ports, networks: obs.Networks, vulnScan: obs.VulnScan}
	after := replayAll(rows, append(tl, meta))
	return IngestResult{Version: v, Change: infra.Diff(before, after)}, nil
}

// affectedHosts are the hosts the observation reports and the known hosts inside its target
// networks.
func (s *Store) affectedHosts(ctx context.Context, q querier, obs infra.Observation) ([]string, error) {
	seen := map[string]bool{}
	var keys []string
	for _, h := range obs.Hosts {
		if !seen[h.Key] {
			seen[h.Key] = true
			keys = append(keys, h.Key)
		}
	}
	if len(obs.Networks) == 0 {
		return keys, nil
	}
	err := s.eachOn(ctx, q, `SELECT DISTINCT host_key FROM infra_host_seen`, nil, func(scan func(...any) error) error {
		var k string
		if err := scan(&k); err != nil {
			return err
		}
		if !seen[k] && obs.InNetworks(infra.Host{Key: k}) {
			seen[k] = true
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find hosts in scanned networks: %w", err)
	}
	return keys, nil
}

func (s *Store) insertObservation(ctx context.Context, q querier, obs infra.Observation) (Version, error) {
	v := Version{Source: obs.Source, ObservedAt: obs.ObservedAt.UTC(), IngestedAt: s.now().UTC(),
		Digest: obs.Digest, Label: obs.Label, Hosts: len(obs.Hosts)}
	nets := make([]string, len(obs.Networks))
	for i, n := range obs.Networks {
		nets[i] = n.String()
	}
	row := q.QueryRowContext(ctx, s.q(`INSERT INTO infra_observation
		(source, observed_at, ingested_at, digest, label, ports, networks, vuln_scan, host_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		v.Source, v.ObservedAt.UnixNano(), v.IngestedAt.UnixNano(), v.Digest, v.Label,
		obs.Ports.String(), strings.Join(nets, ","), boolInt(obs.VulnScan), v.Hosts)
	if err := row.Scan(&v.ID); err != nil {
		return v, fmt.Errorf("insert version: %w", err)
	}
	if err := s.insertHosts(ctx, q, v.ID, obs.Hosts); err != nil {
		return v, fmt.Errorf("insert version %d: %w", v.ID, err)
	}
	return v, nil
}

func (s *Store) insertHosts(ctx context.Context, q querier, id int64, hosts []infra.Host) error {
	hostRows := newBatch(s, q, "infra_host_seen", "obs_id, host_key, state, body", "")
	svcRows := newBatch(s, q, "infra_service_seen", "obs_id, host_key, protocol, port, body", "")
	vulnRows := newBatch(s, q, "infra_vuln_seen", "obs_id, host_key, vuln_key, body", " ON CONFLICT DO NOTHING")
	identRows := newBatch(s, q, "infra_ident", "ident, host_key", " ON CONFLICT DO NOTHING")
	for _, h := range hosts {
		body := h
		body.Services, body.Vulns = nil, nil
		if err := hostRows.add(ctx, id, h.Key, h.State, mustJSON(body)); err != nil {
			return err
		}
		for _, sv := range h.Services {
			if err := svcRows.add(ctx, id, h.Key, sv.Protocol, sv.Port, mustJSON(sv)); err != nil {
				return err
			}
		}
		for _, vu := range h.Vulns {
			if err := vulnRows.add(ctx, id, h.Key, vu.Key(), mustJSON(vu)); err != nil {
				return err
			}
		}
		for _, ident := range h.Idents() {
			if err := identRows.add(ctx, ident, h.Key); err != nil {
				return err
			}
		}
	}
	for _, b := range []*batch{hostRows, svcRows, vulnRows, identRows} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// batch collects rows for one multi-row INSERT, which is much faster than one statement a row,
// above all over a network connection to PostgreSQL.
type batch struct {
	s      *Store
	q      querier
	table  string
	cols   string
	suffix string
	width  int
	args   []any
	rows   int
}

const batchRows = 200

func newBatch(s *Store, q querier, table, cols, suffix string) *batch {
	return &batch{s: s, q: q, table: table, cols: cols, suffix: suffix, width: strings.Count(cols, ",") + 1}
}

func (b *batch) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= batchRows {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.width), ", ") + ")"
	query := "INSERT INTO " + b.table + " (" + b.cols + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(tuple+", ", b.rows), ", ") + b.suffix
	if _, err := b.q.ExecContext(ctx, b.s.q(query), b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("knowledge: marshal %T: %v", v, err)) // only plain structs are marshalled
	}
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetInfraConfig stores the operator's zones, policy and host properties, valid from at (zero:
// now). Storing the same configuration as the one in force is a no-op.
func (s *Store) SetInfraConfig(ctx context.Context, cfg infra.Config, at time.Time) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("set infrastructure config: %w", err)
	}
	if at.IsZero() {
		at = s.now()
	}
	body := mustJSON(cfg)
	err := s.writeTx(ctx, func(q querier) error {
		var cur string
		err := q.QueryRowContext(ctx, s.q(`SELECT body FROM infra_config WHERE valid_from <= ?
			ORDER BY valid_from DESC, id DESC LIMIT 1`), at.UnixNano()).Scan(&cur)
		if err == nil && cur == body {
			return nil
		}
		if err != nil && !errors.Is(err, errSQLNoRows) {
			return err
		}
		_, err = q.ExecContext(ctx, s.q(`INSERT INTO infra_config (valid_from, body) VALUES (?, ?)`), at.UnixNano(), body)
		return err
	})
	if err != nil {
		return fmt.Errorf("set infrastructure config: %w", err)
	}
	return nil
}

func parseNetworks(text string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for n := range strings.SplitSeq(text, ",") {
		if n == "" {
			continue
		}
		p, err := netip.ParsePrefix(n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

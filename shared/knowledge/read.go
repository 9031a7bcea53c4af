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

const versionCols = `id, source, observed_at, ingested_at, digest, label, host_count`

func scanVersion(scan func(...any) error) (Version, error) {
	var v Version
	var obs, ing int64
	err := scan(&v.ID, &v.Source, &obs, &ing, &v.Digest, &v.Label, &v.Hosts)
	v.ObservedAt, v.IngestedAt = fromNanos(obs), fromNanos(ing)
	return v, err
}

// Versions lists every version in version order: by observation time, then by arrival.
func (s *Store) Versions(ctx context.Context) ([]Version, error) {
	var out []Version
	err := s.each(ctx, `SELECT `+versionCols+` FROM infra_observation ORDER BY observed_at, id`, nil,
		func(scan func(...any) error) error {
			v, err := scanVersion(scan)
			out = append(out, v)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return out, nil
}

func (s *Store) versionByDigest(ctx context.Context, q querier, digest string) (Version, bool, error) {
	row := q.QueryRowContext(ctx, s.q(`SELECT `+versionCols+` FROM infra_observation WHERE digest = ?`), digest)
	v, err := scanVersion(row.Scan)
	if errors.Is(err, errSQLNoRows) {
		return Version{}, false, nil
	}
	if err != nil {
		return Version{}, false, fmt.Errorf("look up digest: %w", err)
	}
	return v, true, nil
}

// timeline loads the versions observed at or before at, in version order.
func (s *Store) timeline(ctx context.Context, q querier, at int64) (timeline, error) {
	var tl timeline
	err := s.eachOn(ctx, q, `SELECT id, source, observed_at, ports, networks, vuln_scan FROM infra_observation
		WHERE observed_at <= ? ORDER BY observed_at, id`, []any{at}, func(scan func(...any) error) error {
		var o obsMeta
		var ports, nets string
		var vulnScan int
		if err := scan(&o.id, &o.source, &o.at, &ports, &nets, &vulnScan); err != nil {
			return err
		}
		var err error
		if o.ports, err = infra.ParsePortSet(ports); err != nil {
			return fmt.Errorf("version %d: %w", o.id, err)
		}
		if o.networks, err = parseNetworks(nets); err != nil {
			return fmt.Errorf("version %d: %w", o.id, err)
		}
		o.vulnScan = vulnScan != 0
		tl = append(tl, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	return tl, nil
}

// loadRows reads everything stored about the given hosts, or about every host when keys is nil.
func (s *Store) loadRows(ctx context.Context, q querier, keys []string) (map[string]*hostRows, error) {
	rows := map[string]*hostRows{}
	if keys == nil {
		return rows, s.loadRowsWhere(ctx, q, rows, "", nil)
	}
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		part := keys[i:min(i+chunk, len(keys))]
		args := make([]any, len(part))
		for j, k := range part {
			args[j] = k
		}
		where := " WHERE host_key IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ") + ")"
		if err := s.loadRowsWhere(ctx, q, rows, where, args); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func (s *Store) loadRowsWhere(ctx context.Context, q querier, rows map[string]*hostRows, where string, args []any) error {
	get := func(k string) *hostRows {
		if rows[k] == nil {
			rows[k] = newHostRows()
		}
		return rows[k]
	}
	err := s.eachOn(ctx, q, `SELECT obs_id, host_key, state, body FROM infra_host_seen`+where, args,
		func(scan func(...any) error) error {
			var id int64
			var key, state, body string
			var h infra.Host
			if err := scanJSON(scan, &h, &id, &key, &state, &body); err != nil {
				return err
			}
			get(key).seen[id] = seenHost{state: state, host: h}
			return nil
		})
	if err != nil {
		return fmt.Errorf("load hosts: %w", err)
	}
	err = s.eachOn(ctx, q, `SELECT obs_id, host_key, body FROM infra_service_seen`+where, args,
		func(scan func(...any) error) error {
			var id int64
			var key, body string
			var sv infra.Service
			if err := scanJSON(scan, &sv, &id, &key, &body); err != nil {
				return err
			}
			r := get(key)
			r.services[id] = append(r.services[id], sv)
			return nil
		})
	if err != nil {
		return fmt.Errorf("load services: %w", err)
	}
	err = s.eachOn(ctx, q, `SELECT obs_id, host_key, body FROM infra_vuln_seen`+where, args,
		func(scan func(...any) error) error {
			var id int64
			var key, body string
			var v infra.Vuln
			if err := scanJSON(scan, &v, &id, &key, &body); err != nil {
				return err
			}
			r := get(key)
			r.vulns[id] = append(r.vulns[id], v)
			return nil
		})
	if err != nil {
		return fmt.Errorf("load findings: %w", err)
	}
	return nil
}

// scanJSON scans a row whose last column is JSON into dst.
func scanJSON(scan func(...any) error, dst any, cols ...any) error {
	if err := scan(cols...); err != nil {
		return err
	}
	body := cols[len(cols)-1].(*string)
	if err := json.Unmarshal([]byte(*body), dst); err != nil {
		return fmt.Errorf("decode stored row: %w", err)
	}
	return nil
}

// configAt returns the operator configuration in force at at.
func (s *Store) configAt(ctx context.Context, q querier, at int64) (infra.Config, error) {
	var cfg infra.Config
	var body string
	err := q.QueryRowContext(ctx, s.q(`SELECT body FROM infra_config WHERE valid_from <= ?
		ORDER BY valid_from DESC, id DESC LIMIT 1`), at).Scan(&body)
	if errors.Is(err, errSQLNoRows) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("load zone config: %w", err)
	}
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		return cfg, fmt.Errorf("load zone config: %w", err)
	}
	return cfg, nil
}

// Model returns the whole infrastructure as of at (zero: now): the hosts that were up then, with
// their zone and properties from the configuration in force then.
func (s *Store) Model(ctx context.Context, at time.Time) (infra.Model, error) {
	m := infra.Model{At: at}
	if at.IsZero() {
		m.At = s.now().UTC()
	}
	err := s.readTx(ctx, func(q querier) error {
		tl, err := s.timeline(ctx, q, asOf(at))
		if err != nil {
			return err
		}
		rows, err := s.loadRows(ctx, q, nil)
		if err != nil {
			return err
		}
		if m.Config, err = s.configAt(ctx, q, asOf(at)); err != nil {
			return err
		}
		if len(tl) > 0 {
			m.Version = tl[len(tl)-1].id
		}
		for _, h := range replayAll(rows, tl) {
			if h.State == infra.StateUp {
				m.Hosts = append(m.Hosts, h)
			}
		}
		m.Config.Apply(m.Hosts)
		return nil
	})
	if err != nil {
		return infra.Model{}, fmt.Errorf("read model as of %s: %w", m.At.Format(time.RFC3339), err)
	}
	return m, nil
}

// Host returns the host known by ident (an address, host name or FQDN, case-insensitive) as of
// at (zero: now), with its history up to then. When several hosts carried the name, the one seen
// last wins. It returns an error wrapping ErrNotFound when no version up to at saw the host.
func (s *Store) Host(ctx context.Context, ident string, at time.Time) (HostHistory, error) {
	var hh HostHistory
	err := s.readTx(ctx, func(q querier) error {
		key, err := s.resolveIdent(ctx, q, ident, asOf(at))
		if err != nil {
			return err
		}
		tl, err := s.timeline(ctx, q, asOf(at))
		if err != nil {
			return err
		}
		rows, err := s.loadRows(ctx, q, []string{key})
		if err != nil {
			return err
		}
		var ok bool
		if hh, ok = replay(key, rows[key], tl); !ok {
			return ErrNotFound
		}
		cfg, err := s.configAt(ctx, q, asOf(at))
		if err != nil {
			return err
		}
		hosts := []infra.Host{hh.Host}
		cfg.Apply(hosts)
		hh.Host = hosts[0]
		return nil
	})
	if err != nil {
		return HostHistory{}, fmt.Errorf("look up host %q: %w", ident, err)
	}
	hh.At = at
	if at.IsZero() {
		hh.At = s.now().UTC()
	}
	return hh, nil
}

func (s *Store) resolveIdent(ctx context.Context, q querier, ident string, at int64) (string, error) {
	ident = strings.ToLower(strings.TrimSpace(ident))
	if a, err := netip.ParseAddr(ident); err == nil {
		ident = a.String() // the form the parsers store
	}
	var key string
	var last int64
	err := q.QueryRowContext(ctx, s.q(`SELECT i.host_key, MAX(o.observed_at) FROM infra_ident i
		JOIN infra_host_seen h ON h.host_key = i.host_key
		JOIN infra_observation o ON o.id = h.obs_id
		WHERE i.ident = ? AND o.observed_at <= ?
		GROUP BY i.host_key ORDER BY 2 DESC, 1 LIMIT 1`), ident, at).Scan(&key, &last)
	if errors.Is(err, errSQLNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("resolve ident: %w", err)
	}
	return key, nil
}

// Diff returns the change from the state as of version from to the state as of version to.
// from may be 0, the empty model before the first version.
func (s *Store) Diff(ctx context.Context, from, to int64) (infra.Change, error) {
	var c infra.Change
	err := s.readTx(ctx, func(q querier) error {
		all, err := s.timeline(ctx, q, asOf(time.Time{}))
		if err != nil {
			return err
		}
		var before timeline
		if from != 0 {
			var ok bool
			if before, ok = all.upTo(from); !ok {
				return fmt.Errorf("version %d: %w", from, ErrNotFound)
			}
		}
		after, ok := all.upTo(to)
		if !ok {
			return fmt.Errorf("version %d: %w", to, ErrNotFound)
		}
		rows, err := s.loadRows(ctx, q, nil)
		if err != nil {
			return err
		}
		c = infra.Diff(replayAll(rows, before), replayAll(rows, after))
		return nil
	})
	if err != nil {
		return infra.Change{}, fmt.Errorf("diff versions %d and %d: %w", from, to, err)
	}
	return c, nil
}

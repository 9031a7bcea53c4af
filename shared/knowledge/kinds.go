package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// BusinessModel is one version of the business model (ArchiMate elements and relations) with
// the links from its technology nodes to infrastructure hosts. Its one writer is the
// BusinessImpact analyzer (see PutBusinessModel).
type BusinessModel struct {
	Version   int64              `json:"version"`
	ValidFrom time.Time          `json:"valid_from"`
	Source    string             `json:"source"` // e.g. the ArchiMate file name
	Elements  []BusinessElement  `json:"elements"`
	Relations []BusinessRelation `json:"relations"`
	Assets    []AssetLink        `json:"assets"`
}

// BusinessElement is an ArchiMate element: a business process, function, application, node...
type BusinessElement struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Properties json.RawMessage `json:"properties,omitempty"`
}

// BusinessRelation is an ArchiMate relationship between two elements.
type BusinessRelation struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Source string `json:"source"`
	Target string `json:"target"`
}

// AssetLink ties a business element to a host of the infrastructure model by host ident.
type AssetLink struct {
	Element string `json:"element"`
	Host    string `json:"host"`
}

// BusinessReader reads the business model valid at a time (zero: now). It returns ErrNotFound
// when no business model was stored before that time.
type BusinessReader interface {
	BusinessModel(ctx context.Context, at time.Time) (BusinessModel, error)
}

// CTIObject is one STIX 2.1 object (or an ACT fact converted to one) as the ThreatIntel analyzer,
// its one writer, stored it.
type CTIObject struct {
	ID       string          `json:"id"` // STIX id, e.g. "indicator--…"
	Type     string          `json:"type"`
	Modified time.Time       `json:"modified"`
	Source   string          `json:"source"`
	Body     json.RawMessage `json:"body"`
}

// CTIFilter selects CTI objects; empty fields match everything.
type CTIFilter struct {
	Type  string
	Since time.Time // modified at or after
	Limit int       // 0: no limit
}

// CTIReader reads stored threat intelligence.
type CTIReader interface {
	CTIObjects(ctx context.Context, f CTIFilter) ([]CTIObject, error)
}

// BusinessModel returns the business model valid at at.
func (s *Store) BusinessModel(ctx context.Context, at time.Time) (BusinessModel, error) {
	var m BusinessModel
	var from int64
	row := s.db.QueryRowContext(ctx, s.q(`SELECT id, valid_from, source FROM business_model
		WHERE valid_from <= ? ORDER BY valid_from DESC, id DESC LIMIT 1`), asOf(at))
	if err := row.Scan(&m.Version, &from, &m.Source); err != nil {
		if errors.Is(err, errSQLNoRows) {
			return m, fmt.Errorf("read business model: %w", ErrNotFound)
		}
		return m, fmt.Errorf("read business model: %w", err)
	}
	m.ValidFrom = time.Unix(0, from).UTC()
	if err := s.businessParts(ctx, &m); err != nil {
		return m, fmt.Errorf("read business model %d: %w", m.Version, err)
	}
	return m, nil
}

func (s *Store) businessParts(ctx context.Context, m *BusinessModel) error {
	err := s.each(ctx, `SELECT element_id, type, name, properties FROM business_element WHERE model_id = ?`,
		[]any{m.Version}, func(scan func(...any) error) error {
			var e BusinessElement
			var props string
			if err := scan(&e.ID, &e.Type, &e.Name, &props); err != nil {
				return err
			}
			e.Properties = json.RawMessage(props)
			m.Elements = append(m.Elements, e)
			return nil
		})
	if err != nil {
		return err
	}
	err = s.each(ctx, `SELECT relation_id, type, source_id, target_id FROM business_relation WHERE model_id = ?`,
		[]any{m.Version}, func(scan func(...any) error) error {
			var r BusinessRelation
			if err := scan(&r.ID, &r.Type, &r.Source, &r.Target); err != nil {
				return err
			}
			m.Relations = append(m.Relations, r)
			return nil
		})
	if err != nil {
		return err
	}
	return s.each(ctx, `SELECT element_id, host_ident FROM business_asset WHERE model_id = ?`,
		[]any{m.Version}, func(scan func(...any) error) error {
			var a AssetLink
			if err := scan(&a.Element, &a.Host); err != nil {
				return err
			}
			m.Assets = append(m.Assets, a)
			return nil
		})
}

// CTIObjects returns stored CTI objects matching f, newest first.
func (s *Store) CTIObjects(ctx context.Context, f CTIFilter) ([]CTIObject, error) {
	query := `SELECT stix_id, type, modified, source, body FROM cti_object WHERE modified >= ?`
	args := []any{since(f.Since)}
	if f.Type != "" {
		query += ` AND type = ?`
		args = append(args, f.Type)
	}
	query += ` ORDER BY modified DESC, stix_id`
	if f.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	var out []CTIObject
	err := s.each(ctx, query, args, func(scan func(...any) error) error {
		var o CTIObject
		var mod int64
		var body string
		if err := scan(&o.ID, &o.Type, &mod, &o.Source, &body); err != nil {
			return err
		}
		o.Modified = time.Unix(0, mod).UTC()
		o.Body = json.RawMessage(body)
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cti objects: %w", err)
	}
	return out, nil
}

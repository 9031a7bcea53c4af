package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// BusinessWriter is the business model's one writer, the BusinessImpact analyzer.
type BusinessWriter interface {
	PutBusinessModel(ctx context.Context, m BusinessModel) (BusinessModel, error)
}

// PutBusinessModel stores m as a new, complete version of the business model, valid from
// m.ValidFrom (zero: now), and returns it with its version number and time set. The version
// replaces the one before for readers asking about a later time; earlier versions stay readable.
// Every element and relation needs an identifier unique within its kind, every relation both ends,
// and every asset link an element of the model and a host.
func (s *Store) PutBusinessModel(ctx context.Context, m BusinessModel) (BusinessModel, error) {
	if err := checkBusinessModel(m); err != nil {
		return BusinessModel{}, fmt.Errorf("store business model: %w", err)
	}
	if m.ValidFrom.IsZero() {
		m.ValidFrom = s.now()
	}
	m.ValidFrom = m.ValidFrom.UTC()
	start := s.now()
	err := s.writeTx(ctx, func(q querier) error {
		row := q.QueryRowContext(ctx, s.q(`INSERT INTO business_model (valid_from, source) VALUES (?, ?) RETURNING id`),
			m.ValidFrom.UnixNano(), m.Source)
		if err := row.Scan(&m.Version); err != nil {
			return fmt.Errorf("insert model: %w", err)
		}
		return s.insertBusinessParts(ctx, q, m)
	})
	if err != nil {
		return BusinessModel{}, fmt.Errorf("store business model from %s: %w", m.Source, err)
	}
	s.log.Info("business model stored", "version", m.Version, "source", m.Source, "elements", len(m.Elements),
		"relations", len(m.Relations), "assets", len(m.Assets), "duration", s.now().Sub(start))
	return m, nil
}

func checkBusinessModel(m BusinessModel) error {
	if m.Source == "" {
		return errors.New("no source")
	}
	elems := make(map[string]bool, len(m.Elements))
	for i, e := range m.Elements {
		if e.ID == "" {
			return fmt.Errorf("element %d has no identifier", i+1)
		}
		if elems[e.ID] {
			return fmt.Errorf("element %s given twice", e.ID)
		}
		elems[e.ID] = true
		if len(e.Properties) > 0 && !json.Valid(e.Properties) {
			return fmt.Errorf("element %s: properties are not JSON", e.ID)
		}
	}
	rels := make(map[string]bool, len(m.Relations))
	for i, r := range m.Relations {
		switch {
		case r.ID == "":
			return fmt.Errorf("relation %d has no identifier", i+1)
		case rels[r.ID]:
			return fmt.Errorf("relation %s given twice", r.ID)
		case r.Source == "" || r.Target == "":
			return fmt.Errorf("relation %s lacks an end", r.ID)
		}
		rels[r.ID] = true
	}
	for _, a := range m.Assets {
		if !elems[a.Element] || a.Host == "" {
			return fmt.Errorf("asset link %s to %q: no such element or no host", a.Element, a.Host)
		}
	}
	return nil
}

func (s *Store) insertBusinessParts(ctx context.Context, q querier, m BusinessModel) error {
	elems := newBatch(s, q, "business_element", "model_id, element_id, type, name, properties", "")
	rels := newBatch(s, q, "business_relation", "model_id, relation_id, type, source_id, target_id", "")
	assets := newBatch(s, q, "business_asset", "model_id, element_id, host_ident", " ON CONFLICT DO NOTHING")
	for _, e := range m.Elements {
		props := string(e.Properties)
		if props == "" {
			props = "{}"
		}
		if err := elems.add(ctx, m.Version, e.ID, e.Type, e.Name, props); err != nil {
			return err
		}
	}
	for _, r := range m.Relations {
		if err := rels.add(ctx, m.Version, r.ID, r.Type, r.Source, r.Target); err != nil {
			return err
		}
	}
	for _, a := range m.Assets {
		if err := assets.add(ctx, m.Version, a.Element, a.Host); err != nil {
			return err
		}
	}
	for _, b := range []*batch{elems, rels, assets} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// BusinessModels lists the stored business model versions, oldest first, without their contents.
func (s *Store) BusinessModels(ctx context.Context) ([]BusinessModel, error) {
	var out []BusinessModel
	err := s.each(ctx, `SELECT id, valid_from, source FROM business_model ORDER BY valid_from, id`, nil,
		func(scan func(...any) error) error {
			var m BusinessModel
			var from int64
			if err := scan(&m.Version, &from, &m.Source); err != nil {
				return err
			}
			m.ValidFrom = time.Unix(0, from).UTC()
			out = append(out, m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list business models: %w", err)
	}
	return out, nil
}

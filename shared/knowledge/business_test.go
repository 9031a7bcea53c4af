package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func smallBusinessModel(source string, n int) BusinessModel {
	m := BusinessModel{Source: source}
	for i := range n {
		m.Elements = append(m.Elements, BusinessElement{ID: fmt.Sprintf("e%d", i), Type: "Node",
			Name: fmt.Sprintf("node %d", i), Properties: json.RawMessage(fmt.Sprintf(`{"ip":"10.0.0.%d"}`, i%250))})
		if i > 0 {
			m.Relations = append(m.Relations, BusinessRelation{ID: fmt.Sprintf("r%d", i), Type: "Serving",
				Source: fmt.Sprintf("e%d", i-1), Target: fmt.Sprintf("e%d", i)})
		}
		m.Assets = append(m.Assets, AssetLink{Element: fmt.Sprintf("e%d", i), Host: fmt.Sprintf("10.0.0.%d", i%250)})
	}
	return m
}

func TestBusinessModelVersions(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			s := openStore(t, be.open(t))
			ctx := context.Background()
			if _, err := s.BusinessModel(ctx, time.Time{}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("empty store: %v, want ErrNotFound", err)
			}
			t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			m1 := smallBusinessModel("first.xml", 450) // more rows than one insert batch
			m1.ValidFrom = t1
			v1, err := s.PutBusinessModel(ctx, m1)
			if err != nil {
				t.Fatal(err)
			}
			m2 := smallBusinessModel("second.xml", 3)
			m2.ValidFrom = t1.Add(time.Hour)
			v2, err := s.PutBusinessModel(ctx, m2)
			if err != nil {
				t.Fatal(err)
			}
			if v1.Version == 0 || v2.Version <= v1.Version {
				t.Fatalf("versions %d, %d", v1.Version, v2.Version)
			}

			now, err := s.BusinessModel(ctx, time.Time{})
			if err != nil || now.Version != v2.Version || len(now.Elements) != 3 || len(now.Relations) != 2 || len(now.Assets) != 3 {
				t.Fatalf("now: %+v, %v", now, err)
			}
			old, err := s.BusinessModel(ctx, t1.Add(time.Minute))
			if err != nil || old.Version != v1.Version || len(old.Elements) != 450 || len(old.Relations) != 449 || old.Source != "first.xml" {
				t.Fatalf("as of t1: version %d with %d elements, %v", old.Version, len(old.Elements), err)
			}
			var props map[string]string
			if err := json.Unmarshal(old.Elements[0].Properties, &props); err != nil || props["ip"] == "" {
				t.Errorf("properties %s: %v", old.Elements[0].Properties, err)
			}
			list, err := s.BusinessModels(ctx)
			if err != nil || len(list) != 2 || list[0].Source != "first.xml" || len(list[0].Elements) != 0 {
				t.Errorf("list %+v, %v", list, err)
			}
		})
	}
}

func TestPutBusinessModelRejects(t *testing.T) {
	t.Parallel()
	s := openStore(t, backends(t)[0].open(t))
	tests := []struct {
		name   string
		change func(m *BusinessModel)
		want   string
	}{
		{"no_source", func(m *BusinessModel) { m.Source = "" }, "no source"},
		{"duplicate_element", func(m *BusinessModel) { m.Elements[1].ID = "e0" }, "element e0 given twice"},
		{"duplicate_relation", func(m *BusinessModel) { m.Relations = append(m.Relations, m.Relations[0]) }, "relation r1 given twice"},
		{"relation_without_end", func(m *BusinessModel) { m.Relations[0].Target = "" }, "lacks an end"},
		{"link_to_unknown_element", func(m *BusinessModel) { m.Assets[0].Element = "zz" }, "asset link zz"},
		{"bad_properties", func(m *BusinessModel) { m.Elements[0].Properties = json.RawMessage(`{"ip":`) }, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := smallBusinessModel("x.xml", 3)
			tt.change(&m)
			if _, err := s.PutBusinessModel(context.Background(), m); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if list, err := s.BusinessModels(context.Background()); err != nil || len(list) != 0 {
		t.Errorf("rejected models were stored: %+v, %v", list, err)
	}
}

// TestConcurrentBusinessWriters checks that imports from several connections serialise and each
// leaves a complete version.
func TestConcurrentBusinessWriters(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			cfg := be.open(t)
			const writers = 4
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for i := range writers {
				wg.Go(func() {
					s, err := Open(context.Background(), cfg)
					if err != nil {
						errs <- err
						return
					}
					defer s.Close()
					_, err = s.PutBusinessModel(context.Background(), smallBusinessModel(fmt.Sprintf("w%d.xml", i), 50+i))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			s := openStore(t, cfg)
			list, _ := s.BusinessModels(context.Background())
			if len(list) != writers {
				t.Fatalf("%d versions, want %d", len(list), writers)
			}
			for _, v := range list {
				m, err := s.BusinessModel(context.Background(), v.ValidFrom)
				var i int
				fmt.Sscanf(v.Source, "w%d.xml", &i)
				if err != nil || (m.Version == v.Version && len(m.Elements) != 50+i) {
					t.Errorf("version %d (%s): %d elements, %v", v.Version, v.Source, len(m.Elements), err)
				}
			}
		})
	}
}

package coa

import (
	"strings"
	"testing"
)

func TestParseCostTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		wantErr string
		check   func(CostTable) bool
	}{
		{"override_kind", `{"defences":{"ConnectionRule.restricted":{"cost":50,"days":0.5}}}`, "",
			func(c CostTable) bool {
				return c.Kinds["ConnectionRule.restricted"].Cost == 50 && c.Kinds["Application.notPresent"].Cost > 0
			}},
		{"item_and_constraints", `{"currency":"SEK","items":{"a.x":{"cost":3,"days":1}},"prerequisites":{"a.x":["b.x"]},"exclusive":{"a.x":["c.x"]}}`, "",
			func(c CostTable) bool {
				return c.Currency == "SEK" && c.Items["a.x"].Cost == 3 && c.Prerequisites["a.x"][0] == "b.x" && c.Exclusive["a.x"][0] == "c.x"
			}},
		{"negative_cost", `{"items":{"a.x":{"cost":-1}}}`, "not negative", nil},
		{"falling_total", `{"defences":{"K.x":{"cost":20,"volume":[{"from":2,"cost":5}]}}}`, "cheaper in total", nil},
		{"tier_from_one", `{"defences":{"K.x":{"cost":20,"volume":[{"from":1,"cost":20}]}}}`, "at least 2", nil},
		{"unknown_field", `{"costs":{}}`, "unknown field", nil},
		{"not_json", `cost: 1`, "read cost table", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCostTable(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(got) {
				t.Fatalf("table %+v, error %v", got, err)
			}
		})
	}
}

func TestDefaultCostsAreValid(t *testing.T) {
	t.Parallel()
	if err := DefaultCosts().Check(); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseCostTable(f *testing.F) {
	for _, s := range []string{`{}`, `{"defences":{"K.x":{"cost":20,"days":3,"volume":[{"from":3,"cost":15,"days":2}]}}}`,
		`{"items":{"a.x":{"cost":1e308}}}`, `{"prerequisites":{"a":["b","c"]}}`, `[`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tab, err := ParseCostTable(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := tab.Check(); err != nil {
			t.Fatalf("parsed table fails its own check: %v", err)
		}
	})
}

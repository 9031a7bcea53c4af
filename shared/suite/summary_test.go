package suite

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryRankedCoAs checks that the plan section lists the CoAs by rank, whatever their order in
// the report, each with its RORI and inputs, and says why RORI is missing when it is.
func TestSummaryRankedCoAs(t *testing.T) {
	t.Parallel()
	contain := `{"id":"coa-1","kind":"contain_host","title":"Isolate 10.0.0.5","rank":2,"targets":["10.0.0.5"],
	  "rori":{"rori":102.5,"ale":1000,"rm":0.9,"arc":800,"aiv":0,"coverage":0.95,"cost_table":{"cost":500,"effectiveness":0.95},
	    "side_effect_loss":300,"side_effects":[{"process":"Sell tickets","criticality":4,"loss":300,"hours":24}]}}`
	deny := `{"id":"coa-2","kind":"deny_attacker","title":"Deny 203.0.113.9","rank":1,"targets":["203.0.113.9"],
	  "rori":{"rori":250,"ale":1000,"rm":0.6,"arc":200,"aiv":0,"coverage":1,"cost_table":{"cost":200,"effectiveness":0.6},
	    "side_effect_loss":0,"side_effects":[],"note":"side effects not modelled"}}`
	block := `{"id":"coa-3","kind":"block_c2_name","title":"Block names","targets":[],"rori":{"rori":null,"reason":"nothing to enforce"}}`
	tests := []struct {
		name    string
		full    string
		want    []string // in this order
		wantNot []string
	}{
		{name: "ranked", full: `{"coas":[` + contain + `,` + block + `,` + deny + `],
		  "rori":{"computed":true,"currency":"EUR","ale":1000,"loss_per_hour":100,"ttc_hours":10,"aiv":0,
		    "reached":[{"host":"10.0.0.9","probability":0.8,"ttc_p50_hours":10,"loss_per_hour":100,"processes":["Sell tickets"]}]}}`,
			want: []string{
				"RORI inputs: ALE 1000 EUR = 100 EUR/h x 10.0 h",
				"reaches 10.0.0.9: p=0.80, TTC p50 10.0 h, 100 EUR/h (Sell tickets)",
				"CoA #1 coa-2 [deny_attacker]", "RORI 250.0 %: ALE 1000, RM 0.600 (coverage 1.000 x effectiveness 0.60), ARC 200",
				"note: side effects not modelled",
				"CoA #2 coa-1 [contain_host]", "ARC 800 (cost 500 + side effects 300)",
				"side effect: Sell tickets (criticality 4) loses 300 over 24 h",
				"CoA coa-3 [block_c2_name]", "RORI: none: nothing to enforce",
			}},
		{name: "not-computed", full: `{"coas":[` + block + `],"rori":{"computed":false,"reason":"the store has no business model"}}`,
			want: []string{"RORI: not computed: the store has no business model"}, wantNot: []string{"RORI inputs"}},
		{name: "no-store", full: `{"coas":[]}`, want: []string{"RORI: not in the report"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			writeFile(t, filepath.Join(work, planDir), "output/output.json", `{"success":true,"full":`+tc.full+`}`)
			var out bytes.Buffer
			if err := summarisePlan(&out, work); err != nil {
				t.Fatal(err)
			}
			rest := out.String()
			for _, want := range tc.want {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("summary lacks %q after the previous line, or has it out of order:\n%s", want, out.String())
				}
				rest = rest[i+len(want):]
			}
			for _, not := range tc.wantNot {
				if strings.Contains(out.String(), not) {
					t.Errorf("summary has %q:\n%s", not, out.String())
				}
			}
			if _, err := os.Stat(filepath.Join(work, "playbook.json")); err == nil {
				t.Errorf("playbook.json written for a report without a playbook")
			}
		})
	}
}

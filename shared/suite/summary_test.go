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

// TestSummaryCoA checks the defences section in both metrics, with the changes in words or, lacking
// them, the defences' references, and says so when a budget buys nothing or the list is missing.
func TestSummaryCoA(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		full string
		want []string // in this order
	}{
		{name: "ttc", full: `{"metric":"ttc","currency":"EUR","before":{"score":10},"candidates":[{},{}],
		  "unpriced_defences":1,"dropped_candidates":0,"final_samples":500,"proposals":[
		    {"budget":1000,"method":"greedy","defences":[],"changes":[],"cost":0,"days_to_deploy":0,"after":{"score":10},"gain":0},
		    {"budget":5000,"method":"exact","defences":["a.restricted","b.notPresent"],"changes":["Restrict a","Patch b"],
		     "cost":1500,"days_to_deploy":4,"after":{"score":12.345},"gain":2.345}]}`,
			want: []string{"metric ttc, 2 candidate defences (1 unpriced, 0 dropped), 500 final samples",
				"budget 1000 EUR (greedy): 0 changes, cost 0 EUR", "mean capped TTC 10.00 -> 10.00 days (+0.00 days)",
				"no defence within this budget helps",
				"budget 5000 EUR (exact): 2 changes, cost 1500 EUR, 4.0 days to deploy",
				"mean capped TTC 10.00 -> 12.35 days (+2.35 days)", "change: Restrict a", "change: Patch b"}},
		{name: "risk", full: `{"metric":"risk","currency":"SEK","before":{"score":-9000,"risk":9000},"proposals":[
		    {"budget":2000,"method":"greedy (exact search stopped)","defences":["a.restricted"],"cost":800,
		     "days_to_deploy":1,"after":{"score":-3000,"risk":3000},"gain":6000}]}`,
			want: []string{"metric risk, 0 candidate defences", "budget 2000 SEK (greedy (exact search stopped)): 1 changes",
				"effect: risk 9000 -> 3000 SEK (-6000 SEK)", "change: a.restricted"}},
		{name: "no-proposals", full: `{"metric":"ttc"}`, want: []string{`the report has no "proposals" list`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), coaDir)
			writeFile(t, dir, "output/output.json", `{"success":true,"full":`+tc.full+`}`)
			var out bytes.Buffer
			summariseCoA(&out, dir)
			rest := out.String()
			for _, want := range tc.want {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("summary lacks %q after the previous line, or has it out of order:\n%s", want, out.String())
				}
				rest = rest[i+len(want):]
			}
		})
	}
}

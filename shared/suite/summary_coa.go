package suite

import (
	"fmt"
	"io"
)

// summaryChanges is how many changes of one proposal the summary lists; the report holds them all.
const summaryChanges = 8

// summariseCoA prints the defences CourseOfAction proposes per budget: how each was found, what it
// changes, what it costs, and its effect on the objective against the state before any change.
func summariseCoA(w io.Writer, dir string) {
	r := sectionReport(w, "Defences within budget (CourseOfAction)", dir)
	if r == nil {
		fmt.Fprintln(w)
		return
	}
	cur := text(r.full["currency"])
	candidates, _ := r.full["candidates"].([]any)
	fmt.Fprintf(w, "  level: %s; metric %s, %d candidate defences (%s unpriced, %s dropped), %s final samples\n",
		analyzerToken(r), text(r.full["metric"]), len(candidates), text(r.full["unpriced_defences"]),
		text(r.full["dropped_candidates"]), text(r.full["final_samples"]))
	proposals, ok := r.full["proposals"].([]any)
	if !ok {
		fmt.Fprintln(w, `  the report has no "proposals" list`)
	}
	for _, p := range proposals {
		fmt.Fprintf(w, "  budget %s %s (%s): %d changes, cost %s %s, %s days to deploy\n",
			decimal(field(p, "budget"), 0), cur, text(field(p, "method")), len(texts(field(p, "defences"))),
			decimal(field(p, "cost"), 0), cur, decimal(field(p, "days_to_deploy"), 1))
		fmt.Fprintf(w, "    effect: %s\n", coaEffect(r.full, p, cur))
		summariseChanges(w, p)
	}
	fmt.Fprintln(w)
}

// coaEffect says what a proposal does to the objective: the risk before and after in the risk
// metric, else the mean capped time to compromise of the targets (the report's score, in days).
func coaEffect(full map[string]any, p any, cur string) string {
	if text(full["metric"]) == "risk" {
		return fmt.Sprintf("risk %s -> %s %s (-%s %s)", decimal(field(full, "before.risk"), 0),
			decimal(field(p, "after.risk"), 0), cur, decimal(field(p, "gain"), 0), cur)
	}
	return fmt.Sprintf("mean capped TTC %s -> %s days (+%s days)", decimal(field(full, "before.score"), 2),
		decimal(field(p, "after.score"), 2), decimal(field(p, "gain"), 2))
}

// summariseChanges lists a proposal's changes in words, or its defences' references when the report
// has no words for them.
func summariseChanges(w io.Writer, p any) {
	changes := texts(field(p, "changes"))
	if len(changes) == 0 {
		changes = texts(field(p, "defences"))
	}
	if len(changes) == 0 {
		fmt.Fprintln(w, "    no defence within this budget helps")
	}
	for i, c := range changes {
		if i == summaryChanges {
			fmt.Fprintf(w, "    ... %d more changes in the report\n", len(changes)-i)
			break
		}
		fmt.Fprintf(w, "    change: %s\n", c)
	}
}

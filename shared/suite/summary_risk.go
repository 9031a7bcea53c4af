package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// summaryTargets is how many attack graph targets the summary lists; the report holds them all.
const summaryTargets = 8

// summariseGraph prints what the attack graph says is at risk next: per target the probability of
// being reached within the horizon and the median time to compromise.
func summariseGraph(w io.Writer, dir string) {
	r := sectionReport(w, "Attack graph (AttackGraph)", dir)
	if r == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "  level: %s; %s from %s, %s samples, horizon %s days\n", analyzerToken(r),
		text(r.full["mode"]), strings.Join(texts(r.full["entries"]), ", "), text(r.full["samples"]),
		text(r.full["horizon_days"]))
	targets, ok := r.full["targets"].([]any)
	if !ok {
		fmt.Fprintln(w, `  the report has no "targets" list`)
	}
	if ok && len(targets) == 0 {
		fmt.Fprintln(w, "  no target reachable within the horizon")
	}
	for i, t := range targets {
		if i == summaryTargets {
			fmt.Fprintf(w, "  ... %d more targets in the report\n", len(targets)-i)
			break
		}
		fmt.Fprintf(w, "  target %s %s: p=%s, TTC p50 %s days", text(field(t, "host")), text(field(t, "step")),
			decimal(field(t, "probability"), 2), decimal(field(t, "ttc_p50"), 2))
		if hosts := texts(field(t, "path_hosts")); len(hosts) > 0 {
			fmt.Fprintf(w, " (via %s)", strings.Join(hosts, " > "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// summariseImpact prints the business processes the loss of the host affects, in the model's names,
// with their loss per hour and the total over the horizon.
func summariseImpact(w io.Writer, dir string) {
	r := sectionReport(w, "Business impact (BusinessImpact)", dir)
	if r == nil {
		fmt.Fprintln(w)
		return
	}
	cur := text(r.full["currency"])
	fmt.Fprintf(w, "  level: %s\n", analyzerToken(r))
	if line, ok := r.full["summary"].(string); ok && line != "" {
		fmt.Fprintf(w, "  %s\n", line)
	}
	var assets []string
	list, _ := r.full["assets"].([]any)
	for _, a := range list {
		assets = append(assets, fmt.Sprintf("%s (%s)", text(field(a, "name")), text(field(a, "type"))))
	}
	if len(assets) == 0 {
		assets = []string{"none in the business model"}
	}
	fmt.Fprintf(w, "  assets: %s; losing %s for %s h\n", strings.Join(assets, ", "), strings.Join(texts(r.full["aspects"]), ", "),
		text(r.full["horizon_hours"]))
	procs, _ := r.full["processes"].([]any)
	if len(procs) == 0 {
		fmt.Fprintln(w, "  no business process affected")
	}
	for _, p := range procs {
		fmt.Fprintf(w, "  process %s (%s, criticality %s): %s %s/h, %s %s\n", text(field(p, "name")),
			text(field(p, "type")), text(field(p, "criticality")), decimal(field(p, "loss_per_hour"), 0), cur,
			decimal(field(p, "loss"), 0), cur)
		fmt.Fprintf(w, "    path: %s\n", text(field(p, "path_text")))
	}
	fmt.Fprintf(w, "  total: %s %s/h, %s %s over %s h\n\n", decimal(r.full["total_loss_per_hour"], 0), cur,
		decimal(r.full["total_loss"], 0), cur, text(r.full["horizon_hours"]))
}

// rankedCoAs returns the CoAs in the order of their rank; unranked ones keep their report order
// after the ranked ones.
func rankedCoAs(coas []any) []any {
	out := slices.Clone(coas)
	rank := func(c any) float64 {
		if n, ok := number(field(c, "rank")); ok && n > 0 {
			return n
		}
		return math.Inf(1)
	}
	slices.SortStableFunc(out, func(a, b any) int { return cmpFloat(rank(a), rank(b)) })
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// summariseRORI prints the incident-wide inputs of RORI: why it was not computed, or the expected
// loss and the hosts it comes from.
func summariseRORI(w io.Writer, a any) {
	if a == nil {
		fmt.Fprintln(w, "  RORI: not in the report (no knowledge store configured for ResponsePlanner)")
		return
	}
	if computed, _ := field(a, "computed").(bool); !computed {
		fmt.Fprintf(w, "  RORI: not computed: %s\n", text(field(a, "reason")))
		return
	}
	cur := text(field(a, "currency"))
	fmt.Fprintf(w, "  RORI inputs: ALE %s %s = %s %s/h x %s h until the attack reaches its targets; AIV %s\n",
		decimal(field(a, "ale"), 0), cur, decimal(field(a, "loss_per_hour"), 0), cur,
		decimal(field(a, "ttc_hours"), 1), decimal(field(a, "aiv"), 0))
	reached, _ := field(a, "reached").([]any)
	for _, e := range reached {
		fmt.Fprintf(w, "    reaches %s: p=%s, TTC p50 %s h, %s %s/h (%s)\n", text(field(e, "host")),
			decimal(field(e, "probability"), 2), decimal(field(e, "ttc_p50_hours"), 1),
			decimal(field(e, "loss_per_hour"), 0), cur, strings.Join(texts(field(e, "processes")), ", "))
	}
}

// summariseCoARORI prints one CoA's RORI beside its inputs and the business processes the response
// itself harms.
func summariseCoARORI(w io.Writer, c any) {
	r := field(c, "rori")
	if r == nil {
		return
	}
	if field(r, "rori") == nil {
		fmt.Fprintf(w, "      RORI: none: %s\n", text(field(r, "reason")))
		return
	}
	fmt.Fprintf(w, "      RORI %s %%: ALE %s, RM %s (coverage %s x effectiveness %s), ARC %s (cost %s + side effects %s), AIV %s\n",
		decimal(field(r, "rori"), 1), decimal(field(r, "ale"), 0), decimal(field(r, "rm"), 3),
		decimal(field(r, "coverage"), 3), decimal(field(r, "cost_table.effectiveness"), 2),
		decimal(field(r, "arc"), 0), decimal(field(r, "cost_table.cost"), 0),
		decimal(field(r, "side_effect_loss"), 0), decimal(field(r, "aiv"), 0))
	effects, _ := field(r, "side_effects").([]any)
	for _, e := range effects {
		fmt.Fprintf(w, "      side effect: %s (criticality %s) loses %s over %s h\n", text(field(e, "process")),
			text(field(e, "criticality")), decimal(field(e, "loss"), 0), text(field(e, "hours")))
	}
	if note := field(r, "note"); note != nil {
		fmt.Fprintf(w, "      note: %s\n", text(note))
	}
}

// number is a report value as a float, when it is one.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

// decimal renders a number with the given decimals, anything else as text does.
func decimal(v any, decimals int) string {
	f, ok := number(v)
	if !ok {
		return text(v)
	}
	return strconv.FormatFloat(f, 'f', decimals, 64)
}

package detect

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

func TestViterbiKnownAnswers(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	h := newHMM(len(tb.tactics))
	// idx turns names into observations: "?" is unknown, "a|b" a set.
	idx := func(names ...string) []uint32 {
		var out []uint32
		for _, n := range names {
			var m uint32
			for _, one := range strings.Split(n, "|") {
				if one != "?" {
					m |= 1 << tb.byShort[one]
				}
			}
			out = append(out, m)
		}
		return out
	}
	states := func(names ...string) []int {
		var out []int
		for _, n := range names {
			out = append(out, tb.byShort[n])
		}
		return out
	}
	cases := []struct {
		name      string
		obs, want []string
	}{
		{"forward_story", []string{"reconnaissance", "reconnaissance", "initial-access", "execution"},
			[]string{"reconnaissance", "reconnaissance", "initial-access", "execution"}},
		{"unknown_between_same", []string{"credential-access", "?", "credential-access"},
			[]string{"credential-access", "credential-access", "credential-access"}},
		{"unknown_after_stage", []string{"discovery", "discovery", "?"}, []string{"discovery", "discovery", "discovery"}},
		{"back_and_forth", []string{"discovery", "lateral-movement", "discovery", "lateral-movement"},
			[]string{"discovery", "lateral-movement", "discovery", "lateral-movement"}},
		// A Valid Accounts episode (several tactics) takes the stage the
		// host is in when that stage is one of them, and otherwise the
		// stage the sequence leads to.
		{"set_stays_in_member_stage", []string{"privilege-escalation", "initial-access|persistence|privilege-escalation|defense-evasion"},
			[]string{"privilege-escalation", "privilege-escalation"}},
		{"set_after_foothold", []string{"initial-access", "initial-access|persistence|privilege-escalation|defense-evasion"},
			[]string{"initial-access", "initial-access"}},
		{"far_outlier_smoothed", []string{"discovery", "discovery", "impact", "discovery", "discovery"},
			[]string{"discovery", "discovery", "discovery", "discovery", "discovery"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, p := h.viterbi(idx(tc.obs...), nil)
			if !slices.Equal(path, states(tc.want...)) {
				t.Errorf("path %v, want %v", path, states(tc.want...))
			}
			if p <= 0 || p > 1 {
				t.Errorf("probability %v out of (0,1]", p)
			}
		})
	}
	// More evidence for the last stage makes it more probable.
	_, p1 := h.viterbi(idx("reconnaissance", "credential-access"), nil)
	_, p3 := h.viterbi(idx("reconnaissance", "credential-access", "credential-access", "credential-access"), nil)
	if p3 <= p1 {
		t.Errorf("p after three observations %v not above p after one %v", p3, p1)
	}
	if path, _ := h.viterbi(nil, nil); path != nil {
		t.Error("empty sequence decoded")
	}
}

func TestHMMRowsAreDistributions(t *testing.T) {
	t.Parallel()
	h := newHMM(14)
	for s := range 14 {
		var a, b float64
		for o := range 14 {
			a += math.Exp(h.logA[s][o])
			b += math.Exp(h.logB[s][o])
		}
		if a < 0.999 || a > 1.001 || b < 0.999 || b > 1.001 {
			t.Errorf("state %d: transitions sum to %v, emissions to %v", s, a, b)
		}
		if s > 0 && h.logA[s][s-1] <= h.logA[s][0] && s > 1 {
			t.Errorf("state %d: a far step back is as likely as a near one", s)
		}
	}
}

func TestAdaptiveGap(t *testing.T) {
	t.Parallel()
	at := func(sec ...int) []*episodeAcc {
		g := newGrouper(time.Minute)
		k := groupKey{victim: "v"}
		for _, s := range sec {
			g.add(k, &alerts.Alert{Time: base.Add(time.Duration(s) * time.Second), Signature: "x"}, mapping{})
		}
		return g.groups[k]
	}
	cases := []struct {
		name string
		sec  []int
		want time.Duration
	}{
		{"dense_burst_gets_min", []int{0, 1, 2, 3, 4, 5}, time.Minute},
		{"every_five_minutes", []int{0, 300, 600, 900, 1200}, 50 * time.Minute},
		{"hourly_capped", []int{0, 3600, 7200, 10800}, time.Hour},
		{"single_alert", []int{0}, time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := adaptiveGap(at(tc.sec...), 10, time.Minute, time.Hour); got != tc.want {
				t.Errorf("gap %v, want %v", got, tc.want)
			}
		})
	}
}

// background builds an AIT-style CSV: a ClamAV-like update every 10
// minutes on host mail for three days, and on the third day a burst of web
// errors and a sudo on host web, which also had a few web errors daily.
func background() string {
	b, start := steadyBackground(3)
	for d := int64(0); d < 3; d++ {
		fmt.Fprintf(b, "%d,Wazuh: Web server 400 error code.,10.0.0.5,web,W\n", start+d*86400+3600)
	}
	attack := start + 2*86400 + 7200
	for i := int64(0); i < 500; i++ {
		fmt.Fprintf(b, "%d,Wazuh: Web server 400 error code.,10.0.0.5,web,W\n", attack+i/5)
	}
	fmt.Fprintf(b, "%d,Wazuh: Successful sudo to ROOT executed.,10.0.0.5,web,W\n", attack+600)
	return b.String()
}

func TestSuppressionLearnsBackground(t *testing.T) {
	t.Parallel()
	res := analyzeLines(t, []string{background()}, Config{ListSuppressed: true})
	var clam, burst, sudo *Episode
	for i, e := range res.Episodes {
		switch sig := e.Signatures[0].Signature; {
		case strings.HasPrefix(sig, "ClamAV"):
			clam = &res.Episodes[i]
		case strings.HasPrefix(sig, "Web server") && e.Alerts > 100:
			burst = &res.Episodes[i]
		case strings.HasPrefix(sig, "Successful sudo"):
			sudo = &res.Episodes[i]
		}
	}
	if clam == nil || !clam.Suppressed || clam.NoiseScore < 0.9 || !strings.Contains(clam.NoiseReason, "10.0.0.4 in 71 other of 72 hours") {
		t.Errorf("ClamAV episode %+v: want suppressed with a high score naming the host", clam)
	}
	if burst == nil || burst.Suppressed || !strings.Contains(burst.NoiseReason, "burst") {
		t.Errorf("web error burst %+v: want kept as a burst", burst)
	}
	if sudo == nil || sudo.Suppressed || sudo.Tactic.Shortname != "privilege-escalation" {
		t.Errorf("sudo episode %+v: want kept, privilege-escalation", sudo)
	}
	if res.Victim("10.0.0.4") != nil {
		t.Error("mail, with background alone, is listed as a victim")
	}
	if v := res.Victim("10.0.0.5"); v == nil || v.Stage.Shortname != "privilege-escalation" || v.Hostnames[0] != "web" {
		t.Errorf("victim web = %+v", v)
	}
	st := res.Stats
	if st.EpisodesShown+st.EpisodesSuppressed != len(res.Episodes) || st.AlertsSuppressed < 400 {
		t.Errorf("stats %+v", st)
	}
	// Turned off, or with too little history, nothing is suppressed.
	for _, cfg := range []Config{{SuppressAt: -1}, {MinHistory: 100 * time.Hour}} {
		if r := analyzeLines(t, []string{background()}, cfg); r.Stats.EpisodesSuppressed != 0 {
			t.Errorf("config %+v: %d suppressed", cfg, r.Stats.EpisodesSuppressed)
		}
	}
}

func TestPatternsAcrossHosts(t *testing.T) {
	t.Parallel()
	const a, b, c = "10.0.254.1", "10.0.0.10", "10.0.0.11"
	lines := []string{
		eve(0, a, b, "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
		eve(10, a, b, "ET WEB_SPECIFIC_APPS Some CMS RCE", "Web Application Attack"),
		eve(20, a, c, "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
		eve(30, a, c, "ET WEB_SPECIFIC_APPS Some CMS RCE", "Web Application Attack"),
		// b, compromised, now scans a third host.
		eve(40, b, "10.0.0.12", "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
	}
	res := analyzeLines(t, lines, Config{})
	var same, lateral *Pattern
	for i, p := range res.Patterns {
		switch p.Kind {
		case "same_sequence":
			same = &res.Patterns[i]
		case "victim_became_source":
			lateral = &res.Patterns[i]
		}
	}
	if same == nil || !slices.Equal(same.Hosts, []string{b, c}) || !slices.Equal(same.Sequence, []string{"reconnaissance", "initial-access"}) {
		t.Errorf("same_sequence pattern %+v", same)
	}
	if lateral == nil || lateral.Hosts[0] != b || !slices.Equal(lateral.Targets, []string{"10.0.0.12"}) || !lateral.SourceSince.After(lateral.VictimSince) {
		t.Errorf("victim_became_source pattern %+v", lateral)
	}
}

func TestHostFilter(t *testing.T) {
	t.Parallel()
	res := analyzeLines(t, storyLines(), Config{Host: "10.0.0.7"})
	if len(res.Victims) != 1 || res.Victims[0].IP != "10.0.0.7" || res.Stats.OutsideHost != 9 {
		t.Errorf("victims %+v, outside_host %d", res.Victims, res.Stats.OutsideHost)
	}
}

// TestSuppressionNeedsEvidence: a kind seen on two nights of four is not
// the host's routine with the confidence of one seen every hour, and the
// episode being scored is not evidence for itself.
func TestSuppressionNeedsEvidence(t *testing.T) {
	t.Parallel()
	b, start := steadyBackground(4)
	rare := "AMiner: New service_stop parameter combination in Audit logs."
	fmt.Fprintf(b, "%d,%s,10.0.0.6,db,A\n", start+60, rare)            // night of day 1
	fmt.Fprintf(b, "%d,%s,10.0.0.6,db,A\n", start+2*86400+60, rare)    // night of day 3
	fmt.Fprintf(b, "%d,%s,10.0.0.6,db,A\n", start+2*86400+50000, rare) // day 3, the attack
	fmt.Fprintf(b, "%d,%s,10.0.0.7,app,A\n", start+3*86400, rare)      // once on another host
	res := analyzeLines(t, []string{b.String()}, Config{ListSuppressed: true})
	var attack, once, clam *Episode
	for i, e := range res.Episodes {
		switch {
		case e.Victim == "10.0.0.6" && e.Start.Unix() == start+2*86400+50000:
			attack = &res.Episodes[i]
		case e.Victim == "10.0.0.7":
			once = &res.Episodes[i]
		case e.Victim == "10.0.0.4":
			clam = &res.Episodes[i]
		}
	}
	if attack == nil || attack.Suppressed || !strings.Contains(attack.NoiseReason, "from 2 other occurrences") {
		t.Errorf("rare kind's third occurrence %+v: want kept, the score weighed by 2 other occurrences", attack)
	}
	if once == nil || once.Suppressed || once.NoiseScore != 0 || !strings.Contains(once.NoiseReason, "only occurrence") {
		t.Errorf("single occurrence %+v: want score 0, the only occurrence", once)
	}
	if clam == nil || !clam.Suppressed || clam.NoiseScore < 0.95 {
		t.Errorf("steady kind %+v: want suppressed, score near 1", clam)
	}
}

// TestViterbiForgetsAcrossGaps: right after an escalation an unknown
// episode is taken as part of it; days later the host starts afresh.
func TestViterbiForgetsAcrossGaps(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	h := newHMM(len(tb.tactics))
	pe, recon := tb.byShort["privilege-escalation"], tb.byShort["reconnaissance"]
	obs := []uint32{1 << pe, 0}
	cases := []struct {
		name string
		gap  time.Duration
		want int
	}{
		{"minutes_later", 10 * time.Minute, pe},
		{"days_later", 72 * time.Hour, recon},
	}
	for _, tc := range cases {
		path, _ := h.viterbi(obs, []time.Duration{0, tc.gap})
		if path[1] != tc.want {
			t.Errorf("%s: unknown decoded as %s, want %s", tc.name, tb.tactics[path[1]].Shortname, tb.tactics[tc.want].Shortname)
		}
	}
	// The faded transitions are still distributions.
	for _, gap := range []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour} {
		for r, row := range h.trans(gap) {
			var sum float64
			for _, v := range row {
				sum += math.Exp(v)
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("gap %s: row %d sums to %v", gap, r, sum)
			}
		}
	}
}

// TestSuppressionScheduledRoutine: a rare kind that comes back at the same
// time of day on other days is a scheduled routine; the same kind at
// another hour is not.
func TestSuppressionScheduledRoutine(t *testing.T) {
	t.Parallel()
	b, start := steadyBackground(10)
	job := "AMiner: New syscall parameter combination in Audit logs."
	for d := int64(0); d < 3; d++ { // nightly, days 1 to 3, a few minutes apart
		fmt.Fprintf(b, "%d,%s,10.0.0.6,db,A\n", start+d*86400+d*300, job)
	}
	fmt.Fprintf(b, "%d,%s,10.0.0.6,db,A\n", start+7*86400+6*3600, job) // day 8, six hours later
	res := analyzeLines(t, []string{b.String()}, Config{ListSuppressed: true})
	var nightly, odd *Episode
	for i, e := range res.Episodes {
		switch {
		case e.Victim == "10.0.0.6" && e.Start.Unix() == start+2*86400+600:
			nightly = &res.Episodes[i]
		case e.Victim == "10.0.0.6" && e.Start.Unix() == start+7*86400+6*3600:
			odd = &res.Episodes[i]
		}
	}
	if nightly == nil || !nightly.Suppressed || !strings.Contains(nightly.NoiseReason, "scheduled routine") {
		t.Errorf("third nightly run %+v: want suppressed as a scheduled routine", nightly)
	}
	if odd == nil || odd.Suppressed {
		t.Errorf("the same kind at another hour %+v: want kept", odd)
	}
}

// steadyBackground starts an AIT-style CSV with a ClamAV-like update every
// ten minutes on host mail for the given days, so that the input is long
// enough to learn from; it returns the builder and the first time.
func steadyBackground(days int64) (*strings.Builder, int64) {
	b := &strings.Builder{}
	b.WriteString("time,name,ip,host,short\n")
	start := base.Unix()
	for s := int64(0); s < days*86400; s += 600 {
		fmt.Fprintf(b, "%d,Wazuh: ClamAV database update,10.0.0.4,mail,W\n", start+s)
	}
	return b, start
}

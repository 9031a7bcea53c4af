package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

var base = time.Date(2017, 11, 4, 13, 0, 0, 0, time.UTC)

// eve returns one EVE alert line at base plus min minutes.
func eve(min float64, src, dest, sig, category string) string {
	ts := base.Add(time.Duration(min * float64(time.Minute))).Format("2006-01-02T15:04:05.000000-0700")
	return fmt.Sprintf(`{"timestamp":%q,"event_type":"alert","src_ip":%q,"dest_ip":%q,"proto":"TCP",`+
		`"alert":{"signature_id":1,"signature":%q,"category":%q,"severity":2},"http":{"hostname":"web.example"}}`,
		ts, src, dest, sig, category)
}

const (
	attacker = "10.0.254.30"
	victim   = "10.0.0.100"
)

// storyLines is a small attack: scans, an exploit, then the victim sends
// command output back; plus noise, benign and unknown alerts.
func storyLines() []string {
	return []string{
		eve(0, attacker, victim, "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
		eve(1, attacker, victim, "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
		eve(15, attacker, victim, "ET SCAN NMAP OS Detection Probe", "Attempted Information Leak"),
		eve(30, attacker, victim, "ET WEB_SPECIFIC_APPS Some CMS RCE", "Web Application Attack"),
		eve(40, victim, attacker, "ET ATTACK_RESPONSE Net User Command Response", "Successful User Privilege Gain"),
		eve(41, attacker, "10.0.0.7", "ET SCAN Potential SSH Scan", "Attempted Information Leak"),
		eve(42, victim, "169.254.169.254", "ET POLICY curl User-Agent Outbound", "Attempted Information Leak"),
		eve(43, victim, "10.0.0.1", "ET INFO Something", "Not Suspicious Traffic"),
		eve(44, victim, "10.0.0.1", "ET CHAT IRC JOIN command", "Misc activity"),
		eve(45, attacker, victim, "LOCAL odd rule", "Odd Class"),
	}
}

func analyzeLines(t *testing.T, lines []string, cfg Config) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), strings.NewReader(strings.Join(lines, "\n")), cfg)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return res
}

func shortnames(stages []StageReached) []string {
	var out []string
	for _, s := range stages {
		out = append(out, s.Tactic.Shortname)
	}
	return out
}

func TestAnalyzeStory(t *testing.T) {
	t.Parallel()
	res := analyzeLines(t, storyLines(), Config{})
	v := res.Victim(victim)
	if v == nil {
		t.Fatalf("no victim %s in %+v", victim, res.Victims)
	}
	if v.Stage.Shortname != "discovery" || v.Stage.ID != "TA0007" {
		t.Errorf("stage = %+v, want discovery TA0007", v.Stage)
	}
	if got, want := shortnames(v.Stages), []string{"reconnaissance", "initial-access", "discovery"}; !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	// The unmapped LOCAL rule is grouped too, as unknown.
	if !slices.Equal(v.Attackers, []string{attacker}) || v.Alerts != 6 {
		t.Errorf("attackers %v, alerts %d; want [%s], 6", v.Attackers, v.Alerts, attacker)
	}
	// SSH scans at 0 and 1 minutes, an OS probe at 15: two episodes.
	if recon := v.Stages[0]; len(recon.EpisodeIDs) != 2 || recon.Alerts != 3 {
		t.Errorf("reconnaissance %+v, want 3 alerts in 2 episodes", recon)
	}
	if res.Victims[0].IP != victim || res.Victim("10.0.0.7") == nil || res.Victim("192.0.2.99") != nil {
		t.Errorf("victims = %+v", res.Victims)
	}
	if !slices.Equal(res.Attackers, []string{attacker}) {
		t.Errorf("attackers = %v", res.Attackers)
	}
	st := res.Stats
	if st.AlertsRead != 10 || st.Noise != 2 || st.Benign != 1 || st.Unmapped != 1 || st.InEpisodes != 7 {
		t.Errorf("stats = %+v", st)
	}
	if st.DirectionBy[dirResponse] != 1 || st.MappedBy[viaOverride] != 1 || st.MappedBy[viaPrefix] != 1 {
		t.Errorf("direction_by %v, mapped_by %v", st.DirectionBy, st.MappedBy)
	}
	if len(res.Unmapped) != 1 || res.Unmapped[0].Signature != "LOCAL odd rule" {
		t.Errorf("unmapped = %+v", res.Unmapped)
	}
	if !slices.Equal(v.Hostnames, []string{"web.example"}) {
		t.Errorf("hostnames = %v", v.Hostnames)
	}
}

func TestAnalyzeConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		cfg        Config
		noise      int
		reconEps   int
		curlVictim bool // the alert to 169.254.169.254 is kept
	}{
		{"defaults", Config{}, 2, 2, false},
		{"wide_gap", Config{Gap: 20 * time.Minute}, 2, 2, false},
		{"narrow_gap", Config{Gap: 30 * time.Second, MinGap: 30 * time.Second}, 2, 3, false},
		{"keep_metadata_address", Config{NoiseAddresses: []string{}}, 1, 2, true},
		{"no_noise_filters", Config{NoiseAddresses: []string{}, NoiseCategories: []string{}}, 0, 2, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := analyzeLines(t, storyLines(), tc.cfg)
			if res.Stats.Noise != tc.noise {
				t.Errorf("noise = %d, want %d", res.Stats.Noise, tc.noise)
			}
			if got := len(res.Victim(victim).Stages[0].EpisodeIDs); got != tc.reconEps {
				t.Errorf("%d reconnaissance episodes, want %d", got, tc.reconEps)
			}
			// curl Outbound flips: 169.254.169.254 becomes the attacker.
			if got := slices.Contains(res.Attackers, "169.254.169.254"); got != tc.curlVictim {
				t.Errorf("metadata address among attackers: %v, want %v", got, tc.curlVictim)
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	t.Parallel()
	many := strings.Repeat(eve(0, attacker, victim, "ET SCAN Potential SSH Scan", "")+"\n", 3*ctxEvery)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name  string
		ctx   context.Context
		input string
		is    error
	}{
		{"not_alerts", context.Background(), "hello\n", alerts.ErrUnknownFormat},
		{"no_alerts", context.Background(), `{"event_type":"flow","timestamp":"2017-11-04T13:00:00Z"}`, alerts.ErrNoAlerts},
		{"canceled", canceled, many, context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Analyze(tc.ctx, strings.NewReader(tc.input), Config{})
			if !errors.Is(err, tc.is) || res != nil {
				t.Errorf("Analyze = %v, %v; want nil, %v", res, err, tc.is)
			}
		})
	}
}

// cptcFacts are properties of a CPTC file computed with encoding/json alone.
type cptcFacts struct {
	records, noise int
	// oneSided counts alerts with exactly one end in the attackers' range.
	oneSided int
	// neitherSrc are the sources of alerts with neither end in that range:
	// the only addresses outside it that may be called attackers.
	neitherSrc map[string]bool
}

var attackRange = netip.MustParsePrefix("10.0.254.0/24")

func inRange(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && attackRange.Contains(a)
}

func cptcIndependent(t *testing.T, path string) cptcFacts {
	t.Helper()
	lines, err := alertstest.LoadSplunkEVE(path)
	if err != nil {
		t.Fatal(err)
	}
	f := cptcFacts{records: len(lines), neitherSrc: map[string]bool{}}
	for _, l := range lines {
		var e struct {
			Src   string `json:"src_ip"`
			Dest  string `json:"dest_ip"`
			Alert struct {
				Category string `json:"category"`
			} `json:"alert"`
		}
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatal(err)
		}
		if e.Alert.Category == "Not Suspicious Traffic" || e.Src == "169.254.169.254" || e.Dest == "169.254.169.254" {
			f.noise++
			continue
		}
		switch {
		case inRange(e.Src) != inRange(e.Dest):
			f.oneSided++
		case !inRange(e.Src):
			f.neitherSrc[e.Src], f.neitherSrc[e.Dest] = true, true
		}
	}
	return f
}

func TestAnalyzeCPTC(t *testing.T) {
	t.Parallel()
	for _, file := range alertstest.CPTCFiles {
		t.Run(strings.TrimSuffix(file.Name, ".json.gz"), func(t *testing.T) {
			t.Parallel()
			path, err := alertstest.CPTCPath(file.Name)
			if err != nil {
				t.Fatal(err)
			}
			facts := cptcIndependent(t, path)
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			res, err := Analyze(context.Background(), fh, Config{})
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stats
			if facts.records != file.Records || st.Records != file.Records || st.AlertsRead != facts.records {
				t.Errorf("records %d, alerts read %d; the file holds %d", st.Records, st.AlertsRead, facts.records)
			}
			if st.Noise != facts.noise {
				t.Errorf("noise %d, encoding/json counts %d", st.Noise, facts.noise)
			}
			if st.AlertsRead-st.Noise-st.Benign-st.OutsideHomeNet-st.OutsideHost != st.InEpisodes {
				t.Errorf("alert accounting does not add up: %+v", st)
			}
			checkEpisodes(t, res, DefaultGap)
			checkVictims(t, res)
			checkAttackers(t, res, facts)
		})
	}
}

// checkEpisodes: ids rise from 1 (and are 1..n when the cap left none
// out), alerts add up with the background's, and episodes of one group are
// more than the gap apart.
func checkEpisodes(t *testing.T, res *Result, gap time.Duration) {
	t.Helper()
	total := 0
	last := map[groupKey]time.Time{}
	for i, e := range res.Episodes {
		total += e.Alerts
		sigs := 0
		for _, s := range e.Signatures {
			sigs += s.Count
		}
		idOK := e.ID > i && (i == 0 || e.ID > res.Episodes[i-1].ID) && (res.Stats.EpisodesOmitted > 0 || e.ID == i+1)
		if !idOK || sigs != e.Alerts || e.End.Before(e.Start) {
			t.Errorf("episode %+v: id or counts wrong", e)
		}
		if e.Suppressed && !res.Settings.ListSuppressed {
			t.Errorf("episode %d is suppressed but listed without ListSuppressed", e.ID)
		}
		k := groupKey{attacker: e.Attacker, victim: e.Victim, tool: e.Tool, sig: e.Signatures[0].Signature}
		if prev, ok := last[k]; ok && e.Start.Sub(prev) <= time.Duration(e.GapSeconds*float64(time.Second)) {
			t.Errorf("episode %d starts %v after the previous one of its group: should be one", e.ID, e.Start.Sub(prev))
		}
		last[k] = e.End
	}
	if want := unlistedAlerts(res); res.Stats.EpisodesOmitted == 0 && total+want != res.Stats.InEpisodes {
		t.Errorf("episodes hold %d alerts and %d are summarised as background, stats say %d",
			total, want, res.Stats.InEpisodes)
	}
}

// unlistedAlerts is the alerts of the suppressed episodes when they are
// not listed.
func unlistedAlerts(res *Result) int {
	if res.Settings.ListSuppressed {
		return 0
	}
	return res.Stats.AlertsSuppressed
}

// checkVictims: each victim's stage is the max over its episodes, and the
// victims are ranked by stage, then alerts. It needs every episode left to
// read listed.
func checkVictims(t *testing.T, res *Result) {
	t.Helper()
	if res.Stats.EpisodesOmitted > 0 {
		t.Fatalf("checkVictims needs every episode listed; %d were left out", res.Stats.EpisodesOmitted)
	}
	maxOrder, alertsOf := map[string]int{}, map[string]int{}
	for _, e := range res.Episodes {
		if e.Suppressed {
			continue
		}
		ev := e.Tactic
		if ev.Shortname == "unknown" {
			ev = e.Stage
		}
		maxOrder[e.Victim] = max(maxOrder[e.Victim], ev.Order)
		alertsOf[e.Victim] += e.Alerts
	}
	if len(res.Victims) != len(maxOrder) {
		t.Errorf("%d victims, episodes name %d", len(res.Victims), len(maxOrder))
	}
	for i, v := range res.Victims {
		if v.Stage.Order != maxOrder[v.IP] || v.Alerts != alertsOf[v.IP] {
			t.Errorf("victim %s: stage %d with %d alerts, episodes say %d with %d",
				v.IP, v.Stage.Order, v.Alerts, maxOrder[v.IP], alertsOf[v.IP])
		}
		for _, s := range v.Stages {
			for _, id := range s.EpisodeIDs {
				if id < 1 || id > len(res.Episodes) {
					t.Errorf("victim %s lists episode %d of %d", v.IP, id, len(res.Episodes))
					continue
				}
				if e := res.Episodes[id-1]; e.Victim != v.IP || e.Tactic != s.Tactic && e.Stage != s.Tactic {
					t.Errorf("victim %s stage %s lists episode %d of %s/%s", v.IP, s.Tactic.Shortname, id, e.Victim, e.Tactic.Shortname)
				}
			}
		}
		if i > 0 {
			p := res.Victims[i-1]
			if p.Stage.Order < v.Stage.Order || (p.Stage.Order == v.Stage.Order && p.Alerts < v.Alerts) {
				t.Errorf("victims %s and %s out of order", p.IP, v.IP)
			}
		}
	}
}

// checkAttackers: per PROVENANCE the attackers are 10.0.254.x; an alert
// between that range and another address must blame the range, whichever
// way the packet went.
func checkAttackers(t *testing.T, res *Result, facts cptcFacts) {
	t.Helper()
	oneSided := 0
	for _, e := range res.Episodes {
		if inRange(e.Attacker) != inRange(e.Victim) {
			oneSided += e.Alerts
			if !inRange(e.Attacker) {
				t.Errorf("episode %d: %s blamed for attacking %s (%v)", e.ID, e.Attacker, e.Victim, e.Signatures)
			}
		}
	}
	for _, a := range res.Attackers {
		if !inRange(a) && !facts.neitherSrc[a] {
			t.Errorf("attacker %s is outside 10.0.254.0/24 and not in an alert without that range", a)
		}
	}
	// Grouped one-sided alerts are at most all one-sided alerts (some are
	// benign or unmapped).
	if oneSided == 0 || oneSided > facts.oneSided {
		t.Errorf("%d one-sided alerts grouped, the file has %d", oneSided, facts.oneSided)
	}
}

func TestResultJSON(t *testing.T) {
	t.Parallel()
	res := analyzeLines(t, storyLines(), Config{})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"summary"`, `"victims"`, `"background":[]`, `"episodes_omitted":0`, `"max_episodes":5000`, `"episode_ids"`, `"first_seen"`, `"direction_by"`, `"unmapped_signatures"`, `"gap":"1h0m0s"`, `"current_stage"`, `"sequence"`, `"noise_reason"`, `"patterns"`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("report lacks %s", key)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.Victims[0].Stage != res.Victims[0].Stage {
		t.Errorf("report does not round-trip: %v", err)
	}
	if !strings.Contains(res.Summary, victim+" reached discovery") {
		t.Errorf("summary %q does not name the most advanced victim", res.Summary)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(strings.Join(storyLines(), "\n")))
	f.Add([]byte("[" + strings.Join(storyLines()[:4], ",") + "]"))
	f.Add([]byte(eve(0, "a", "b", "", "")))
	f.Add([]byte(background()))
	f.Add([]byte(`{"timestamp":"2024-03-04T10:03:09.004+0000","rule":{"level":3,"description":"Successful sudo to ROOT executed.","id":"5402","mitre":{"tactic":["Privilege Escalation"]}},"agent":{"name":"h","ip":"10.0.0.1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Analyze(context.Background(), bytes.NewReader(data), Config{Gap: time.Minute})
		if err != nil {
			return
		}
		total := 0
		for _, e := range res.Episodes {
			total += e.Alerts
		}
		if st := res.Stats; st.EpisodesOmitted == 0 && total+st.AlertsSuppressed != st.InEpisodes {
			t.Fatalf("episodes hold %d alerts, background %d, stats say %d", total, st.AlertsSuppressed, st.InEpisodes)
		}
		checkBackgroundSums(t, res)
		for _, v := range res.Victims {
			if v.Stage != v.Stages[len(v.Stages)-1].Tactic {
				t.Fatalf("victim %s: stage is not its last stage", v.IP)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
	})
}

// TestSummaryNamesUnreadableRecords: a damaged input is not a quiet one.
func TestSummaryNamesUnreadableRecords(t *testing.T) {
	t.Parallel()
	lines := []string{eve(0, "10.0.254.1", "10.0.0.10", "ET SCAN Potential SSH Scan", "Attempted Information Leak"), "{oops"}
	res := analyzeLines(t, lines, Config{})
	if res.Stats.Malformed != 1 || !strings.Contains(res.Summary, "1 records unreadable") {
		t.Errorf("malformed %d, summary %q", res.Stats.Malformed, res.Summary)
	}
	if res = analyzeLines(t, lines[:1], Config{}); strings.Contains(res.Summary, "unreadable") || strings.Contains(res.Summary, "ends early") {
		t.Errorf("summary %q names unreadable records where there are none", res.Summary)
	}
	cut, err := Analyze(context.Background(), strings.NewReader("["+lines[0]+",\n"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !cut.Stats.Truncated || !strings.Contains(cut.Summary, "input ends early") {
		t.Errorf("cut array: truncated %v, summary %q", cut.Stats.Truncated, cut.Summary)
	}
}

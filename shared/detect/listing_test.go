package detect

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

// generatedAlerts is the number of generated alerts the listing tests
// read: the CPTC lines once and then some a day later, so that much of it
// is learned as background.
const generatedAlerts = 8_000

var cptcLines = sync.OnceValues(alertstest.CPTCEVE)

// generated memoises the analyses of generated alerts by configuration
// (the tests only read the results): under -race each takes a second.
var generated sync.Map // fmt of Config -> func() (*Result, error)

func analyzeGenerated(t *testing.T, n int, cfg Config) *Result {
	t.Helper()
	run, _ := generated.LoadOrStore(fmt.Sprintf("%d %+v", n, cfg), sync.OnceValues(func() (*Result, error) {
		lines, err := cptcLines()
		if err != nil {
			return nil, err
		}
		return Analyze(context.Background(), alertstest.NewRepeater(lines, n), cfg)
	}))
	res, err := run.(func() (*Result, error))()
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return res
}

// listingInputs are inputs with and without suppressed episodes.
var listingInputs = []struct {
	name    string
	analyze func(*testing.T, Config) *Result
}{
	{"story", func(t *testing.T, cfg Config) *Result { return analyzeLines(t, storyLines(), cfg) }},
	{"background", func(t *testing.T, cfg Config) *Result { return analyzeLines(t, []string{background()}, cfg) }},
	{"generated", func(t *testing.T, cfg Config) *Result { return analyzeGenerated(t, generatedAlerts, cfg) }},
}

// TestListSuppressedListsEveryEpisode: with ListSuppressed and no cap the
// listing holds every episode, suppressed ones flagged; without it, the
// same episodes left to read, numbered on their own, and the same victims.
func TestListSuppressedListsEveryEpisode(t *testing.T) {
	t.Parallel()
	for _, in := range listingInputs {
		t.Run(in.name, func(t *testing.T) {
			t.Parallel()
			all := in.analyze(t, Config{ListSuppressed: true, MaxEpisodes: -1})
			shown := in.analyze(t, Config{MaxEpisodes: -1})
			st := all.Stats
			if in.name != "story" && st.EpisodesSuppressed == 0 {
				t.Fatalf("no episode suppressed: the input no longer tests the listing of suppressed ones")
			}
			if len(all.Episodes) != st.EpisodesShown+st.EpisodesSuppressed {
				t.Errorf("%d episodes listed; %d shown and %d suppressed", len(all.Episodes), st.EpisodesShown, st.EpisodesSuppressed)
			}
			checkEpisodes(t, all, DefaultGap)
			checkEpisodes(t, shown, DefaultGap)
			checkVictims(t, all)
			checkVictims(t, shown)
			checkBackgroundSums(t, all)
			suppressed, alerts := 0, 0
			for _, e := range all.Episodes {
				if e.Suppressed {
					suppressed++
					alerts += e.Alerts
				}
				if e.Suppressed != (e.NoiseScore >= DefaultSuppressAt) {
					t.Errorf("episode %d: score %.3f, suppressed %v", e.ID, e.NoiseScore, e.Suppressed)
				}
			}
			if suppressed != st.EpisodesSuppressed || alerts != st.AlertsSuppressed {
				t.Errorf("%d suppressed episodes with %d alerts listed; stats say %d with %d",
					suppressed, alerts, st.EpisodesSuppressed, st.AlertsSuppressed)
			}
			compareModes(t, all, shown)
		})
	}
}

// compareModes checks that shown (without ListSuppressed) is all (with it)
// less the suppressed episodes, renumbered.
func compareModes(t *testing.T, all, shown *Result) {
	t.Helper()
	renumber := map[int]int{}
	var want []Episode
	for _, e := range all.Episodes {
		if !e.Suppressed {
			renumber[e.ID] = len(want) + 1
			e.ID = len(want) + 1
			want = append(want, e)
		}
	}
	if !reflect.DeepEqual(shown.Episodes, want) {
		t.Errorf("without ListSuppressed: %d episodes, not the %d left to read of the full listing", len(shown.Episodes), len(want))
	}
	victims := slices.Clone(all.Victims)
	for i := range victims {
		v := &victims[i]
		v.Sequence, v.Stages = slices.Clone(v.Sequence), slices.Clone(v.Stages)
		for j := range v.Sequence {
			v.Sequence[j].EpisodeIDs = mapIDs(v.Sequence[j].EpisodeIDs, renumber)
		}
		for j := range v.Stages {
			v.Stages[j].EpisodeIDs = mapIDs(v.Stages[j].EpisodeIDs, renumber)
		}
	}
	if !reflect.DeepEqual(shown.Victims, victims) {
		t.Error("the victims differ with and without ListSuppressed")
	}
	if !reflect.DeepEqual(shown.Background, all.Background) || !reflect.DeepEqual(shown.Patterns, all.Patterns) ||
		!slices.Equal(shown.Attackers, all.Attackers) || shown.Stats.EpisodesShown != all.Stats.EpisodesShown {
		t.Error("background, patterns, attackers or counts differ with and without ListSuppressed")
	}
}

func mapIDs(ids []int, m map[int]int) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// evidenceOrder is how advanced an episode is for the cap: its tactic, or
// its decoded stage when no table knew it.
func evidenceOrder(e Episode) int {
	if e.Tactic.Shortname == "unknown" {
		return e.Stage.Order
	}
	return e.Tactic.Order
}

// TestMaxEpisodesKeepsTheMostAdvanced: over the cap, the listing is the
// episodes of the most advanced tactic, then with most alerts, in time
// order; the cap changes nothing but the listing.
func TestMaxEpisodesKeepsTheMostAdvanced(t *testing.T) {
	t.Parallel()
	noSuppression := Config{SuppressAt: -1, MaxEpisodes: -1}
	full := analyzeGenerated(t, generatedAlerts, noSuppression)
	cfg := noSuppression
	cfg.MaxEpisodes = 25
	checkCap(t, full, analyzeGenerated(t, generatedAlerts, cfg), 25)
	// The story's unknown LOCAL rule is decoded as discovery, which it
	// then counts as for the cap, as the victims' stages count it.
	t.Run("decoded_stage", func(t *testing.T) {
		t.Parallel()
		full := analyzeLines(t, storyLines(), Config{MaxEpisodes: -1})
		res := analyzeLines(t, storyLines(), Config{MaxEpisodes: 2})
		checkCap(t, full, res, 2)
		for _, max := range []int{1, len(full.Episodes), 0} { // 0: the default, above the story
			r := analyzeLines(t, storyLines(), Config{MaxEpisodes: max})
			checkCap(t, full, r, min(cmp.Or(max, DefaultMaxEpisodes), len(full.Episodes)))
			if want := cmp.Or(max, DefaultMaxEpisodes); r.Settings.MaxEpisodes != want {
				t.Errorf("settings say max_episodes %d, want %d", r.Settings.MaxEpisodes, want)
			}
		}
		if len(res.Episodes) != 2 || res.Episodes[1].Tactic.Shortname != "unknown" {
			t.Errorf("listed %+v: want the discovery episode and the unknown one decoded as discovery", res.Episodes)
		}
	})
}

// checkCap checks that res lists the n most advanced episodes of full.
func checkCap(t *testing.T, full, res *Result, n int) {
	t.Helper()
	want := slices.Clone(full.Episodes)
	slices.SortFunc(want, func(a, b Episode) int {
		return cmp.Or(cmp.Compare(evidenceOrder(b), evidenceOrder(a)), cmp.Compare(b.Alerts, a.Alerts), cmp.Compare(a.ID, b.ID))
	})
	want = want[:n]
	slices.SortFunc(want, func(a, b Episode) int { return cmp.Compare(a.ID, b.ID) })
	if !reflect.DeepEqual(res.Episodes, want) {
		t.Errorf("%d episodes listed; want the %d most advanced of %d", len(res.Episodes), n, len(full.Episodes))
	}
	if got, want := res.Stats.EpisodesOmitted, len(full.Episodes)-n; got != want {
		t.Errorf("episodes_omitted %d, want %d", got, want)
	}
	if !reflect.DeepEqual(res.Victims, full.Victims) || !reflect.DeepEqual(res.Patterns, full.Patterns) ||
		res.Stats.EpisodesShown != full.Stats.EpisodesShown {
		t.Error("the cap changed the victims, patterns or counts")
	}
	if n < len(full.Episodes) && !strings.Contains(res.Summary, "listed") {
		t.Errorf("summary %q does not say the listing is cut", res.Summary)
	}
}

// TestMaxEpisodesWithSuppressedListed: with ListSuppressed, the cap keeps
// the episodes left to read before any suppressed one.
func TestMaxEpisodesWithSuppressedListed(t *testing.T) {
	t.Parallel()
	full := analyzeGenerated(t, generatedAlerts, Config{ListSuppressed: true, MaxEpisodes: -1})
	shown := full.Stats.EpisodesShown
	res := analyzeGenerated(t, generatedAlerts, Config{ListSuppressed: true, MaxEpisodes: shown + 2})
	suppressed := 0
	for _, e := range res.Episodes {
		if e.Suppressed {
			suppressed++
		}
	}
	if len(res.Episodes) != shown+2 || suppressed != 2 || res.Stats.EpisodesOmitted != len(full.Episodes)-shown-2 {
		t.Errorf("%d listed, %d of them suppressed, %d omitted; want %d, 2, %d",
			len(res.Episodes), suppressed, res.Stats.EpisodesOmitted, shown+2, len(full.Episodes)-shown-2)
	}
}

// TestBackgroundSummary: the background summaries are the suppressed
// episodes of the full listing, summed per kind and victim.
func TestBackgroundSummary(t *testing.T) {
	t.Parallel()
	for _, in := range listingInputs[1:] {
		t.Run(in.name, func(t *testing.T) {
			t.Parallel()
			res := in.analyze(t, Config{ListSuppressed: true, MaxEpisodes: -1})
			want := backgroundOf(res.Episodes)
			if len(res.Background) != len(want) {
				t.Errorf("%d background summaries, the suppressed episodes make %d", len(res.Background), len(want))
			}
			for i, b := range res.Background {
				if w := want[kindKey{b.Victim, b.Tool, b.Signature}]; w == nil || !reflect.DeepEqual(b, *w) {
					t.Errorf("background %+v,\nfrom the episodes %+v", b, w)
				}
				if i > 0 && res.Background[i-1].Alerts < b.Alerts {
					t.Errorf("background not ordered by alerts at %d", i)
				}
			}
			checkBackgroundSums(t, res)
		})
	}
	// The ClamAV updates on mail are background, the sudo on web is not.
	res := analyzeLines(t, []string{background()}, Config{})
	if len(res.Background) == 0 || res.Background[0].Victim != "10.0.0.4" ||
		!strings.Contains(res.Background[0].Signature, "ClamAV") || !strings.Contains(res.Background[0].Reason, "10.0.0.4") {
		t.Errorf("background %+v: want ClamAV on 10.0.0.4 first, with its reason", res.Background)
	}
	for _, b := range res.Background {
		if strings.Contains(b.Signature, "sudo") {
			t.Errorf("the sudo is summarised as background: %+v", b)
		}
	}
}

// backgroundOf sums suppressed episodes as the report should.
func backgroundOf(eps []Episode) map[kindKey]*Background {
	out := map[kindKey]*Background{}
	attackers := map[kindKey]map[string]bool{}
	reasons := map[kindKey]map[string]int{}
	for _, e := range eps {
		if !e.Suppressed {
			continue
		}
		k := kindKey{e.Victim, e.Tool, e.Signatures[0].Signature}
		b := out[k]
		if b == nil {
			b = &Background{Victim: e.Victim, Tool: e.Tool, Signature: k.sig, First: e.Start, Last: e.End,
				MinScore: e.NoiseScore, MaxScore: e.NoiseScore}
			out[k], attackers[k], reasons[k] = b, map[string]bool{}, map[string]int{}
		}
		b.Episodes++
		b.Alerts += e.Alerts
		if e.Start.Before(b.First) {
			b.First = e.Start
		}
		if e.End.After(b.Last) {
			b.Last = e.End
		}
		b.MinScore, b.MaxScore = min(b.MinScore, e.NoiseScore), max(b.MaxScore, e.NoiseScore)
		if e.Tactic.Order >= b.Tactic.Order {
			b.Tactic = e.Tactic
		}
		if e.Attacker != "" {
			attackers[k][e.Attacker] = true
		}
		reasons[k][e.NoiseReason]++
	}
	for k, b := range out {
		b.Attackers = len(attackers[k])
		for r, n := range reasons[k] {
			if best := reasons[k][b.Reason]; n > best || n == best && r < b.Reason {
				b.Reason = r
			}
		}
	}
	return out
}

// checkBackgroundSums: the summaries add up to the suppressed counts and
// each is a plausible summary.
func checkBackgroundSums(t testing.TB, res *Result) {
	t.Helper()
	episodes, alerts := 0, 0
	for _, b := range res.Background {
		episodes += b.Episodes
		alerts += b.Alerts
		if b.Episodes < 1 || b.Alerts < b.Episodes || b.MinScore > b.MaxScore || b.Last.Before(b.First) || b.Reason == "" ||
			res.Settings.SuppressAt >= 0 && b.MinScore < res.Settings.SuppressAt-0.001 {
			t.Errorf("background %+v is not a summary of suppressed episodes", b)
		}
	}
	if st := res.Stats; episodes != st.EpisodesSuppressed || alerts != st.AlertsSuppressed {
		t.Errorf("background sums %d episodes, %d alerts; stats say %d suppressed with %d alerts",
			episodes, alerts, st.EpisodesSuppressed, st.AlertsSuppressed)
	}
}

// TestTimesOutsideNanoseconds: episodes in years that int64 nanoseconds
// do not cover are still listed in time order.
func TestTimesOutsideNanoseconds(t *testing.T) {
	t.Parallel()
	line := eve(0, attacker, victim, "ET WEB_SPECIFIC_APPS Some CMS RCE", "Web Application Attack")
	stamp := base.Format("2006-01-02T15:04:05.000000-0700")
	for _, years := range [][]int{{1500, 1000, 2000}, {2500, 3000, 2100}} {
		var lines []string
		for _, y := range years {
			lines = append(lines, strings.Replace(line, stamp, base.AddDate(y-base.Year(), 0, 0).Format("2006-01-02T15:04:05.000000-0700"), 1))
		}
		res := analyzeLines(t, lines, Config{})
		if len(res.Episodes) != len(years) {
			t.Fatalf("years %v: %d episodes", years, len(res.Episodes))
		}
		if !slices.IsSortedFunc(res.Episodes, func(a, b Episode) int { return a.Start.Compare(b.Start) }) {
			t.Errorf("years %v: episodes not in time order", years)
		}
	}
}

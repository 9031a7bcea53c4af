package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
)

// backgroundCSV is three days of AIT-style host alerts: a database update
// every ten minutes on mail and on db (background), and on the third day a
// sudo and a burst of web errors on web (the attack).
func backgroundCSV() []byte {
	var b strings.Builder
	b.WriteString("time,name,ip,host,short\n")
	const start = 1509800400 // 2017-11-04 13:00 UTC
	for s := 0; s < 3*86400; s += 600 {
		fmt.Fprintf(&b, "%d,Wazuh: ClamAV database update,10.0.0.4,mail,W\n", start+s)
		fmt.Fprintf(&b, "%d,Wazuh: ClamAV database update,10.0.0.6,db,W\n", start+s+7)
	}
	attack := start + 2*86400 + 7200
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "%d,Wazuh: Web server 400 error code.,10.0.0.5,web,W\n", attack+i/5)
	}
	fmt.Fprintf(&b, "%d,Wazuh: Successful sudo to ROOT executed.,10.0.0.5,web,W\n", attack+600)
	return []byte(b.String())
}

// TestBackgroundSummaryInReport runs a job whose input is mostly background: the report lists
// only episodes left to read, sums the suppressed ones per kind and host, and cuts both lists
// where the configuration says, counting what it left out.
func TestBackgroundSummaryInReport(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/AttackDetection")
	cases := []struct {
		name                   string
		maxEpisodes, maxBg     int
		listedBg, omittedBg    int
		wantEpisodesListedUpTo int
	}{
		{"defaults", 500, 100, 2, 0, 500},
		{"cut", 1, 1, 1, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			extra := fmt.Sprintf(`,"max_episodes":%d,"max_background":%d`, tc.maxEpisodes, tc.maxBg)
			j := fileJob(t, "alerts.csv", backgroundCSV(), extra)
			rep := cortextest.RunProcess(t, bin, j).Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatal(rep.ErrorMessage)
			}
			stats := rep.Full["stats"].(map[string]any)
			shown, suppressed := int(stats["episodes_shown"].(float64)), int(stats["episodes_suppressed"].(float64))
			if shown == 0 || suppressed == 0 {
				t.Fatalf("stats %v: want episodes both shown and suppressed", stats)
			}
			episodes := rep.Full["episodes"].([]any)
			for _, e := range episodes {
				if e.(map[string]any)["suppressed"].(bool) {
					t.Errorf("suppressed episode listed: %v", e)
				}
			}
			if want := min(shown, tc.wantEpisodesListedUpTo); len(episodes) != want ||
				int(stats["episodes_omitted"].(float64)) != shown-want {
				t.Errorf("%d episodes listed, %v omitted; want %d of %d", len(episodes), stats["episodes_omitted"], want, shown)
			}
			checkBackground(t, rep, tc.listedBg, tc.omittedBg, suppressed)
			for _, tx := range rep.Summary.Taxonomies {
				if tx.Predicate == "Episodes" && int(tx.Value.(float64)) != shown {
					t.Errorf("Episodes taxonomy %v, want the %d episodes left to read", tx.Value, shown)
				}
			}
		})
	}
}

// checkBackground: the report lists listed summaries and counts omitted more; listed in full,
// they add up to the suppressed episodes; mail's and db's updates are background, web is not.
func checkBackground(t *testing.T, rep *cortextest.Report, listed, omitted, suppressed int) {
	t.Helper()
	bg := rep.Full["background"].([]any)
	if len(bg) != listed || int(rep.Full["background_omitted"].(float64)) != omitted {
		t.Fatalf("%d background summaries, %v omitted; want %d and %d", len(bg), rep.Full["background_omitted"], listed, omitted)
	}
	sum := 0
	for _, b := range bg {
		b := b.(map[string]any)
		sum += int(b["episodes"].(float64))
		victim, _ := b["victim"].(string)
		if victim != "10.0.0.4" && victim != "10.0.0.6" || !strings.Contains(b["signature"].(string), "ClamAV") ||
			!strings.Contains(b["noise_reason"].(string), victim) {
			t.Errorf("background %v: want the ClamAV updates of mail or db, with a reason naming the host", b)
		}
	}
	if omitted == 0 && sum != suppressed {
		t.Errorf("background sums %d episodes, %d suppressed", sum, suppressed)
	}
}

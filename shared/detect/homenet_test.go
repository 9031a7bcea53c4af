package detect

import (
	"context"
	"os"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
)

func TestHomeNet(t *testing.T) {
	t.Parallel()
	h, err := ParseHomeNet([]string{"10.0.0.0/16", "!10.0.254.0/24", "2001:db8::/32", " "})
	if err != nil {
		t.Fatal(err)
	}
	for ip, want := range map[string]bool{
		"10.0.0.101": true, "10.0.254.30": false, "10.1.0.1": false, "2001:db8::5": true,
		"::ffff:10.0.0.7": true, "not-an-ip": false,
	} {
		if got := h.Contains(ip); got != want {
			t.Errorf("Contains(%s) = %v, want %v", ip, got, want)
		}
	}
	if got := h.String(); got != "[10.0.0.0/16,2001:db8::/32,!10.0.254.0/24]" {
		t.Errorf("String() = %s", got)
	}
	onlyExcl, _ := ParseHomeNet([]string{"!192.0.2.0/24"})
	if !onlyExcl.Contains("198.51.100.1") || onlyExcl.Contains("192.0.2.9") {
		t.Error("an exclusion alone must leave every other address home")
	}
	var any HomeNet
	if !any.Contains("203.0.113.1") || any.String() != "any" {
		t.Error("the zero HomeNet holds every address")
	}
	if _, err := ParseHomeNet([]string{"10.0.0/8"}); err == nil {
		t.Error("a malformed network was accepted")
	}
}

// TestHomeNetKeepsAttackersOutOfVictims runs the real CPTC team 5 file, whose most advanced
// "victim" without a home network is a red-team host attacked by another red-team host.
func TestHomeNetKeepsAttackersOutOfVictims(t *testing.T) {
	t.Parallel()
	home, _ := ParseHomeNet([]string{"10.0.0.0/16", "!10.0.254.0/24"})
	res := analyzeCPTC(t, "NationalTeam5.json.gz", Config{HomeNet: home})
	if res.Stats.OutsideHomeNet == 0 {
		t.Error("no alert was outside the home network, but team 5 has red-team-internal alerts")
	}
	for _, v := range res.Victims {
		if !home.Contains(v.IP) {
			t.Errorf("victim %s is outside the home network", v.IP)
		}
	}
}

func analyzeCPTC(t *testing.T, name string, cfg Config) *Result {
	t.Helper()
	path, err := alertstest.CPTCPath(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Analyze(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	if st.AlertsRead-st.Noise-st.Benign-st.OutsideHomeNet-st.OutsideHost != st.InEpisodes {
		t.Errorf("alert accounting does not add up: %+v", st)
	}
	return res
}

package detect

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

func testTables(t testing.TB) *tables {
	t.Helper()
	tb, err := loadTables()
	if err != nil {
		t.Fatalf("embedded tables: %v", err)
	}
	return tb
}

func TestTablesConsistent(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	if len(tb.tactics) != 14 || tb.tactics[0].Shortname != "reconnaissance" || tb.tactics[13].ID != "TA0040" {
		t.Errorf("tactics = %v", tb.tactics)
	}
	// Every SAGE signature gets a stage our crosswalk knows (parseSAGE
	// checks) and the table is not empty.
	if len(tb.sage) < 700 {
		t.Errorf("%d SAGE signatures, want the 773 of the table", len(tb.sage))
	}
	for sig := range tb.override {
		if _, ok := tb.sage[sig]; !ok {
			t.Errorf("override %q is not a SAGE signature: it would never be needed before the prefix table", sig)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	cases := []struct {
		name, sig, category, tactic, via string
	}{
		{"sage_scan", "ET SCAN Potential SSH Scan", "Attempted Information Leak", "reconnaissance", viaSAGE},
		{"sage_brute_force", "ET SCAN Multiple MySQL Login Failures Possible Brute Force Attempt", "", "credential-access", viaSAGE},
		{"sage_benign", "ET CHAT IRC JOIN command", "Misc activity", "none", viaSAGE},
		{"sage_code_exec", "ET CURRENT_EVENTS QNAP Shellshock CVE-2014-6271", "", "execution", viaSAGE},
		{"override_discovery", "ET ATTACK_RESPONSE Net User Command Response", "Successful User Privilege Gain", "discovery", viaOverride},
		{"override_rdp_scan", "ET DOS Microsoft Remote Desktop (RDP) Syn then Reset 30 Second DoS Attempt", "", "reconnaissance", viaOverride},
		{"prefix_scan", "ET SCAN Some New Scanner", "Misc activity", "reconnaissance", viaPrefix},
		{"prefix_trojan", "ETPRO TROJAN Foo CnC Checkin", "", "command-and-control", viaPrefix},
		{"prefix_gpl_response", "GPL ATTACK_RESPONSES id check returned root", "Bad Unknown", "execution", viaPrefix},
		{"prefix_chat_benign", "ET CHAT New Messenger", "Potential Corporate Privacy Violation", "none", viaPrefix},
		{"prefix_snort3", "MALWARE-CNC Win.Trojan.Foo outbound", "", "command-and-control", viaPrefix},
		{"classtype_admin", "ET POLICY Something New", "Attempted Administrator Privilege Gain", "privilege-escalation", viaClasstype},
		{"classtype_local_rule", "LOCAL my rule", "Web Application Attack", "initial-access", viaClasstype},
		{"unmapped", "LOCAL my rule", "Something Else", "unmapped", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := tb.classify(tc.sig, tc.category)
			got := "unmapped"
			switch {
			case m.tactic == noTactic:
				got = "none"
			case m.tactic >= 0:
				got = tb.tactics[m.tactic].Shortname
			}
			if got != tc.tactic || m.via != tc.via {
				t.Errorf("classify = %s via %q, want %s via %q", got, m.via, tc.tactic, tc.via)
			}
		})
	}
}

func TestCategoryWord(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"ET SCAN Potential SSH Scan":   "SCAN",
		"GPL ICMP_INFO PING *NIX":      "ICMP_INFO",
		"ETPRO TROJAN x":               "TROJAN",
		"MALWARE-CNC Win.Trojan":       "MALWARE-CNC",
		"SURICATA STREAM bad checksum": "SURICATA",
		"ET":                           "ET",
		"":                             "",
	}
	for sig, want := range cases {
		if got := categoryWord(sig); got != want {
			t.Errorf("categoryWord(%q) = %q, want %q", sig, got, want)
		}
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	const att, vic = "10.0.254.32", "10.0.0.100"
	cases := []struct {
		name     string
		a        alerts.Alert
		attacker string
		how      string
	}{
		// A real CPTC-2017 alert (NationalTeam2): the victim's SMB server
		// answers the attacker with the output of 'net user'.
		{"cptc_net_user_response", alerts.Alert{Signature: "ET ATTACK_RESPONSE Net User Command Response",
			SrcIP: vic, SrcPort: 445, DestIP: att, DestPort: 56718}, att, dirResponse},
		{"cptc_rdp_confirm", alerts.Alert{Signature: "ET POLICY RDP connection confirm", SrcIP: vic, DestIP: att}, att, dirResponse},
		{"cptc_mysql_login_failures", alerts.Alert{Signature: "ET SCAN Multiple MySQL Login Failures Possible Brute Force Attempt",
			SrcIP: vic, DestIP: att}, att, dirResponse},
		{"cptc_curl_outbound", alerts.Alert{Signature: "ET POLICY curl User-Agent Outbound", SrcIP: vic, DestIP: att}, att, dirResponse},
		{"scan_default", alerts.Alert{Signature: "ET SCAN Potential SSH Scan", SrcIP: att, DestIP: vic}, att, dirDefault},
		{"inbound_wins_over_response", alerts.Alert{Signature: "ET ATTACK_RESPONSE Possible BeEF HTTP Headers Inbound",
			SrcIP: att, DestIP: vic}, att, dirDefault},
		{"trojan_checkin", alerts.Alert{Signature: "ET TROJAN Miuref/Boaxxe Checkin", SrcIP: vic, DestIP: att}, att, dirResponse},
		{"target_keyword", alerts.Alert{Signature: "ET SCAN Potential SSH Scan", SrcIP: vic, DestIP: att,
			Source: alerts.Endpoint{IP: att}, Target: alerts.Endpoint{IP: vic}}, att, dirTarget},
		// Suricata 7: src_ip/dest_ip follow the flow here, the direction
		// says the packet went to the client: the server sent it.
		{"flow_direction_to_client", alerts.Alert{Signature: "ET ATTACK_RESPONSE Output of id command from HTTP server",
			SrcIP: att, DestIP: vic, Direction: "to_client",
			FlowSrc: alerts.Endpoint{IP: att}, FlowDest: alerts.Endpoint{IP: vic}}, att, dirResponse},
		{"flow_direction_to_server", alerts.Alert{Signature: "ET SCAN Potential SSH Scan",
			SrcIP: vic, DestIP: att, Direction: "to_server",
			FlowSrc: alerts.Endpoint{IP: att}, FlowDest: alerts.Endpoint{IP: vic}}, att, dirDefault},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			attacker, victim, how := tb.roles(&tc.a)
			if attacker != tc.attacker || victim != vic || how != tc.how {
				t.Errorf("roles = %s -> %s (%s), want %s -> %s (%s)", attacker, victim, how, tc.attacker, vic, tc.how)
			}
		})
	}
}

// span is an episode's first and last minute and its alert count.
type span struct{ start, end, n int }

func groupMinutes(gap time.Duration, minutes []int) []span {
	g := newGrouper(gap)
	base := time.Date(2017, 11, 4, 13, 0, 0, 0, time.UTC)
	k := groupKey{attacker: "a", victim: "v", tactic: 0}
	for _, m := range minutes {
		g.add(k, &alerts.Alert{Time: base.Add(time.Duration(m) * time.Minute), Signature: "s"}, mapping{})
	}
	var out []span
	for _, e := range g.groups[k] {
		out = append(out, span{int(e.start.Sub(base).Minutes()), int(e.end.Sub(base).Minutes()), e.alerts})
	}
	return out
}

func TestGrouperGap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		minutes []int
		want    []span
	}{
		{"one_alert", []int{5}, []span{{5, 5, 1}}},
		{"in_order_split", []int{0, 5, 16, 20}, []span{{0, 5, 2}, {16, 20, 2}}},
		{"reverse_order_split", []int{20, 16, 5, 0}, []span{{0, 5, 2}, {16, 20, 2}}},
		{"exactly_gap_joins", []int{0, 10, 20}, []span{{0, 20, 3}}},
		{"just_over_gap_splits", []int{0, 11}, []span{{0, 0, 1}, {11, 11, 1}}},
		{"late_alert_bridges", []int{0, 20, 10}, []span{{0, 20, 3}}},
		{"late_alert_extends_start", []int{30, 25, 60, 52}, []span{{25, 30, 2}, {52, 60, 2}}},
		{"duplicates", []int{3, 3, 3}, []span{{3, 3, 3}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := groupMinutes(10*time.Minute, tc.minutes); !slices.Equal(got, tc.want) {
				t.Errorf("episodes = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGrouperOrderFree checks that any arrival order gives the episodes of
// cutting the sorted times at every gap wider than the limit.
func TestGrouperOrderFree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		minutes := make([]int, 1+rng.IntN(40))
		for i := range minutes {
			minutes[i] = rng.IntN(300)
		}
		sortedM := slices.Sorted(slices.Values(minutes))
		var want []span
		for i, m := range sortedM {
			if i == 0 || m-sortedM[i-1] > 10 {
				want = append(want, span{m, m, 0})
			}
			want[len(want)-1].end = m
			want[len(want)-1].n++
		}
		if got := groupMinutes(10*time.Minute, minutes); !slices.Equal(got, want) {
			t.Fatalf("trial %d: times %v: episodes %v, want %v", trial, minutes, got, want)
		}
	}
}

// TestClassifyTacticSets: every tactic a tool or a rule row gives is kept
// in the mapping's set, the first known one as its tactic.
func TestClassifyTacticSets(t *testing.T) {
	t.Parallel()
	tb := testTables(t)
	set := func(names ...string) uint32 {
		var m uint32
		for _, n := range names {
			m |= 1 << tb.byShort[n]
		}
		return m
	}
	cases := []struct {
		name   string
		alert  alerts.Alert
		tactic string
		also   uint32
	}{
		{"wazuh_mitre_all_tactics", alerts.Alert{Tool: "wazuh", Signature: "sshd: authentication success.",
			Tactics: []string{"Bogus", "Defense Evasion", "Initial Access"}},
			"defense-evasion", set("defense-evasion", "initial-access")},
		{"rule_row_valid_accounts", alerts.Alert{Tool: "wazuh", Signature: "PAM: Login session opened."},
			"initial-access", set("initial-access", "persistence", "privilege-escalation")},
		{"rule_row_single", alerts.Alert{Tool: "aminer", Signature: "New service_stop parameter combination in Audit logs."},
			"impact", set("impact")},
		{"suricata_single", alerts.Alert{Tool: "suricata", Signature: "ET SCAN Potential SSH Scan"},
			"reconnaissance", set("reconnaissance")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := tb.classifyAlert(&tc.alert)
			if m.tactic < 0 || tb.tactics[m.tactic].Shortname != tc.tactic || m.also != tc.also {
				t.Errorf("classifyAlert = tactic %d set %b, want %s set %b", m.tactic, m.also, tc.tactic, tc.also)
			}
		})
	}
}

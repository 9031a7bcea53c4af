package detect

import (
	"cmp"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// mapping is what the tables say about one signature.
type mapping struct {
	tactic int // index into tables.tactics, noTactic or unmapped
	// also is every tactic the alert may be evidence of, tactic included,
	// as a bit mask over the indices: several for a technique ATT&CK files
	// under several tactics (Wazuh's rule.mitre lists them all; a
	// rule_tactic.csv row may name several). Zero when tactic is not an index.
	also  uint32
	via   string // which table decided
	stage string // SAGE micro stage, when SAGE's table decided
	// victimIsSrc is direction.csv's answer for the signature, kept with
	// the mapping so that it is looked up once per signature, not per alert.
	victimIsSrc bool
}

// Further ways a mapping is found, for alerts of host-log tools.
const (
	viaToolMitre = "tool_mitre" // the tool's own ATT&CK tactic (Wazuh rule.mitre)
	viaRuleTable = "rule_table" // rule_tactic.csv
)

// suricataInWazuh prefixes the description Wazuh gives a Suricata alert it
// forwards; the AIT CSV names carry it too.
const suricataInWazuh = "Suricata: Alert - "

// classifyAlert maps one alert of any tool: the tool's own ATT&CK tactic
// first, then the Suricata tables for Suricata signatures (also those that
// reach us through Wazuh), then rule_tactic.csv.
func (t *tables) classifyAlert(a *alerts.Alert) mapping {
	m := mapping{tactic: unmapped, via: viaToolMitre}
	for _, name := range a.Tactics {
		if idx, ok := t.byName[strings.ToLower(name)]; ok {
			if m.tactic == unmapped {
				m.tactic = idx
			}
			m.also |= 1 << idx
		}
	}
	if m.tactic != unmapped {
		return m
	}
	if a.Tool == "suricata" {
		return t.classify(a.Signature, a.Category)
	}
	if rest, ok := strings.CutPrefix(a.Signature, suricataInWazuh); ok {
		return t.classify(rest, "")
	}
	for _, r := range t.rules {
		if r.tool == a.Tool && matches(r.match, a.Signature, r.pattern) {
			return mapping{tactic: r.tactic, also: r.also, via: viaRuleTable}
		}
	}
	return mapping{tactic: unmapped}
}

func matches(how, s, pattern string) bool {
	switch how {
	case "prefix":
		return strings.HasPrefix(s, pattern)
	case "contains":
		return strings.Contains(s, pattern)
	}
	return s == pattern
}

// classify maps a signature and its classtype to a tactic, trying our
// signature overrides, SAGE's exact signatures, the category word, then the
// classtype.
func (t *tables) classify(sig, classtype string) mapping {
	m := t.classifyOne(sig, classtype)
	if m.tactic >= 0 {
		m.also = 1 << m.tactic
	}
	return m
}

func (t *tables) classifyOne(sig, classtype string) mapping {
	if idx, ok := t.override[sig]; ok {
		return mapping{tactic: idx, via: viaOverride}
	}
	if e, ok := t.sage[sig]; ok {
		return mapping{tactic: e.tactic, via: viaSAGE, stage: e.stage}
	}
	if idx, ok := t.prefix[categoryWord(sig)]; ok {
		return mapping{tactic: idx, via: viaPrefix}
	}
	if idx, ok := t.classtype[classtype]; ok {
		return mapping{tactic: idx, via: viaClasstype}
	}
	return mapping{tactic: unmapped}
}

// How attacker and victim were told apart; also keys of Stats.DirectionBy.
const (
	dirTarget   = "target_keyword"
	dirResponse = "victim_is_sender"
	dirDefault  = "sender_is_attacker"
	dirHostLog  = "host_log"
)

// roles returns attacker and victim of an alert, and which rule decided:
// Suricata's alert.source/alert.target first; else the packet's sender is
// the attacker unless direction.csv says the rule fires on a packet the
// victim sends (a server's reply, an infected host's call home).
//
// An alert from a host's own log (Wazuh, AMiner) without both packet ends
// has that host as its victim and the source address the log names, if
// any, as its attacker.
func (t *tables) roles(a *alerts.Alert) (attacker, victim, how string) {
	return rolesOf(a, t.victimIsSender(a.Signature))
}

// rolesOf is roles with direction.csv's answer for the alert's signature
// given (it counts only when the packet's ends decide).
func rolesOf(a *alerts.Alert, victimIsSender bool) (attacker, victim, how string) {
	if a.Source.IP != "" && a.Target.IP != "" {
		return a.Source.IP, a.Target.IP, dirTarget
	}
	if a.SrcIP == "" || a.DestIP == "" {
		victim = cmp.Or(a.HostIP, a.Host, a.DestIP)
		if a.SrcIP != victim {
			attacker = a.SrcIP
		}
		return attacker, victim, dirHostLog
	}
	sender, receiver := packetEnds(a)
	if victimIsSender {
		return receiver, sender, dirResponse
	}
	return sender, receiver, dirDefault
}

// packetEnds returns who sent and who received the alerted packet. When
// Suricata logs the flow's endpoints with a direction (Suricata 7 and
// later), those decide, whatever src_ip/dest_ip stand for in that version;
// else src_ip is the sender.
func packetEnds(a *alerts.Alert) (sender, receiver string) {
	if a.FlowSrc.IP != "" && a.FlowDest.IP != "" {
		switch a.Direction {
		case "to_server":
			return a.FlowSrc.IP, a.FlowDest.IP
		case "to_client":
			return a.FlowDest.IP, a.FlowSrc.IP
		}
	}
	return a.SrcIP, a.DestIP
}

func (t *tables) victimIsSender(sig string) bool {
	for _, r := range t.direction {
		if matches(r.match, sig, r.pattern) {
			return r.victimIsSrc
		}
	}
	return false
}

package detect

import (
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// mapping is what the tables say about one signature.
type mapping struct {
	tactic int    // index into tables.tactics, noTactic or unmapped
	via    string // which table decided
	stage  string // SAGE micro stage, when SAGE's table decided
}

// classify maps a signature and its classtype to a tactic, trying our
// signature overrides, SAGE's exact signatures, the category word, then the
// classtype.
func (t *tables) classify(sig, classtype string) mapping {
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
)

// roles returns attacker and victim of an alert, and which rule decided:
// Suricata's alert.source/alert.target first; else the packet's sender is
// the attacker unless direction.csv says the rule fires on a packet the
// victim sends (a server's reply, an infected host's call home).
func (t *tables) roles(a *alerts.Alert) (attacker, victim, how string) {
	if a.Source.IP != "" && a.Target.IP != "" {
		return a.Source.IP, a.Target.IP, dirTarget
	}
	sender, receiver := packetEnds(a)
	if t.victimIsSender(a.Signature) {
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
		var hit bool
		switch r.match {
		case "prefix":
			hit = strings.HasPrefix(sig, r.pattern)
		case "contains":
			hit = strings.Contains(sig, r.pattern)
		default:
			hit = sig == r.pattern
		}
		if hit {
			return r.victimIsSrc
		}
	}
	return false
}

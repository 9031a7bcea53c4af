// Package detect decides, from the alerts of several detection tools, who
// attacks whom, which MITRE ATT&CK Enterprise tactic each alert is evidence
// of, how the alerts form episodes, which episodes are the hosts' background
// noise, and which attack stage each victim host has reached.
//
// Tactic of an alert: the tool's own ATT&CK tactic when it gives one (Wazuh
// rule.mitre); for Suricata signatures (also those forwarded by Wazuh or
// named in AIT CSV rows) the tables in data/ in this order:
// signature_tactic.csv (our overrides), sage_signature_to_stage.csv (SAGE,
// MIT) through stage_tactic.csv, prefix_tactic.csv (rule-set category word),
// classtype_tactic.csv; for host-log tools rule_tactic.csv (rule text). An
// alert mapped to "none" is benign and only counted; one no table knows is
// grouped with the tactic "unknown" and listed in Result.Unmapped. Alerts of
// the noise classtypes and addresses (Config) are dropped first.
//
// Attacker and victim: Suricata's alert.source/alert.target when set;
// otherwise the packet's sender is the attacker unless direction.csv says
// the rule fires on a packet the victim sends. An alert from a host's own
// log without both packet ends has that host as its victim and the source
// address the log names, if any, as its attacker.
//
// Episodes: alerts of one kind (tool and signature) between the same
// attacker and victim, cut where two neighbours in time are further apart
// than the group's gap. The gap adapts to the group's rate: GapFactor times
// its median time between alerts, between MinGap and Gap.
//
// False-positive suppression, learned from the input alone (no list of
// signatures): for each kind of alert on each host, its presence (share of
// hours and of days with it), periodicity, and presence on days before an
// episode give a noise score from 0 to 1 with the reason; an episode far
// above its kind's usual hourly rate is a burst and scores low. Episodes
// scoring SuppressAt or more are suppressed: kept in the report, counted,
// left out of the victims. With less than MinHistory of input nothing is
// learned and nothing is suppressed.
//
// Stage: per victim, its unsuppressed episodes in time order are decoded
// with Viterbi by a hidden Markov model whose states are the 14 tactics;
// transitions favour staying, then moving on, and allow going back
// (nearer stages likelier); an unknown episode is an uninformative
// observation. The report gives the decoded sequence (a tactic may recur),
// the current stage with its filtered probability, and Stage, the most
// advanced tactic the evidence shows. Patterns: the same decoded sequence
// on several victims, and a victim that later attacks others.
//
// It does not correlate across attackers (an attacker using several
// addresses counts as several) and does not look names up in DNS. Known
// shortcomings: the HMM's parameters are set by reasoning, not fitted to
// data; the tactic tables know ET Open, GPL, SAGE's signatures and common
// Wazuh and AMiner rule texts, others are "unknown"; the matrix order is a
// coarse "how advanced" measure; background learning needs a day of
// alerts, and an attack phase whose alerts are only background kinds at
// their usual rate is suppressed with the background (the AIT data set has
// such phases); the learner holds one profile per alert kind and host, so
// memory grows with kinds × hours of input, not with the number of alerts.
package detect

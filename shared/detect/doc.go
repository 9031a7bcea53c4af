// Package detect decides, from a file of IDS alerts, who attacks whom, which
// MITRE ATT&CK Enterprise tactic each alert is evidence of, how the alerts
// form episodes, and how far the attack on each victim host got.
//
// Tactic of an alert: the tables in data/ are tried in this order and the
// first that knows the alert decides:
//  1. signature_tactic.csv, our exact-signature overrides;
//  2. sage_signature_to_stage.csv, SAGE's exact signature -> micro stage
//     table (MIT), through our stage_tactic.csv crosswalk;
//  3. prefix_tactic.csv, the rule-set category word ("ET SCAN ..." -> SCAN);
//  4. classtype_tactic.csv, the Suricata classtype description.
//
// An alert that maps to "none" is benign and only counted; one that no table
// knows is counted and listed in Result.Unmapped. Scans map to
// reconnaissance, not discovery (reasons in stage_tactic.csv). Alerts of the
// noise classtypes and to or from the noise addresses (Config) are dropped
// and counted first.
//
// Attacker and victim: Suricata's alert.source/alert.target when the rule
// set them (target keyword); otherwise the sender of the alerted packet is
// the attacker, unless a row of direction.csv says that the rule fires on a
// packet the victim sends (ATTACK_RESPONSE rules, a server's reply such as
// login failures, an infected host's call home). When Suricata logs the
// flow's endpoints with a direction, they tell which end sent the packet.
//
// Episodes: alerts with the same attacker, victim and tactic, cut wherever
// two neighbours in time are more than Config.Gap apart; each lists its
// signatures with counts. A victim's stage is the highest matrix order
// among its episodes' tactics.
//
// It does not decide whether an alert is a false positive beyond the noise
// filters and the tables, does not correlate across attackers (an attacker
// using several addresses counts as several), and does not read alert
// formats other than those of package alerts. Known shortcomings: the
// tables know ET Open, GPL and SAGE's signatures; the ATT&CK matrix order is
// a coarse "how advanced" measure (command-and-control ranks above
// lateral-movement); SAGE's table puts some scan side effects at strong
// stages; our overrides correct the ones seen in CPTC-2017 (the RDP "Syn
// then Reset" DoS rule that nmap trips, SMB share access), others remain; the
// gap is fixed, not adapted to the attacker's pace; hostnames are those the
// alerts carry (no DNS look-up), IP literals left out.
package detect

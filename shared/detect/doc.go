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
// above its kind's usual hourly rate is a burst and scores low. Presence is
// counted leaving the episode's onset (its first hour and day) out, so an
// episode is no evidence for itself, and the score is weighed by n/(n+1)
// for n other occurrences of the kind: a prior of one occurrence that is
// not background, so a kind seen twice elsewhere is not the host's routine
// with the confidence of one seen hourly. A kind that starts within 30 minutes of
// the episode's time of day on two other days of the week around it is a
// scheduled routine (a cron job, a nightly restart) and scores 0.6,
// however rare it is. Episodes
// scoring SuppressAt or more are suppressed: left out of the victims and of
// the episode listing, counted, and summed per kind and victim in
// Result.Background (episodes, alerts, first and last, score range, the
// reason most were given); Config.ListSuppressed lists them one by one too.
// With less than MinHistory of input nothing is learned and nothing is
// suppressed.
//
// Report: Result.Episodes lists the episodes left to read in time order, at
// most Config.MaxEpisodes; over it, those of the most advanced tactic and
// then with most alerts, the rest counted in Stats.EpisodesOmitted. Victims,
// stages and patterns are made from every episode left to read, so the cap
// changes the listing only (a victim may name an episode ID not listed).
//
// Stage: per victim, its unsuppressed episodes in time order are decoded
// with Viterbi by a hidden Markov model whose states are the 14 tactics;
// transitions favour staying, then moving on, and allow going back
// (nearer stages likelier), and fade into a fresh start across quiet gaps
// (weight exp(−gap/6 h)); an episode is observed as the set of tactics its
// mapping gives (several for T1078 Valid Accounts and Wazuh rules with
// several ATT&CK tactics; the decoded stage is then taken as its evidence
// when it is one of them), an unknown one as an uninformative observation. The report gives the decoded sequence (a tactic may recur),
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
// such phases: its labels say no alert in their windows was caused by the
// attack).
//
// Memory: the alerts are not held, but every micro-episode is until the
// input is read: a 64-byte accumulator (times, count, an index into the
// shared signature details and one into a tree of interned host-name
// lists, which gains a node per name an episode gains, at most 20) and its
// slot in its group. Then kind by kind, the kind's background is learned,
// its episodes are scored, and the kind is let go: what stays is a 32-byte
// record per episode left to read (per episode, with ListSuppressed), one
// summary per background kind, and the victims' episode-ID lists. So
// memory grows with the episodes, not the alerts: while reading with all of
// them, afterwards with those left to read; the learner holds one kind's
// hours at a time; the listing is capped. BenchmarkEpisodeMemory, on
// generated input (CPTC lines, each copy a day later), measured per
// episode 80 to 160 bytes of peak heap (garbage awaiting collection
// included, so it varies from run to run) and 3 bytes of report where most
// episodes are background, and 120 to 250 bytes of peak and 43 of report
// with suppression off (every episode left to read); the layout before
// took 870 to 1,200 bytes of peak and about 400 of report. The speed table
// of scripts/bench-detect gives 222 MiB of peak heap for 4 million
// generated alerts (1.26 million episodes), 1,060 MiB before.
package detect

package detect

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// unknownTactic stands for the tactic of alerts no table could place.
var unknownTactic = Tactic{Shortname: "unknown", Name: "Unknown"}

// result turns the accumulated groups into the report.
func (an *analyzer) result() *Result {
	cfg := an.cfg
	res := &Result{
		Unmapped: sortedCounts(an.unmapped),
		Settings: Settings{
			Gap: cfg.Gap.String(), MinGap: cfg.MinGap.String(), GapFactor: cfg.GapFactor,
			MinHistory: cfg.MinHistory.String(), SuppressAt: cfg.SuppressAt, BurstFactor: cfg.BurstFactor,
			NoiseCategories: cfg.NoiseCategories, NoiseAddresses: cfg.NoiseAddresses,
			HomeNet: cfg.HomeNet.String(), Host: cfg.Host,
		},
	}
	res.Episodes = an.episodes()
	an.stats.FirstAlert, an.stats.LastAlert = an.first, an.last
	for _, e := range res.Episodes {
		if e.Suppressed {
			an.stats.EpisodesSuppressed++
			an.stats.AlertsSuppressed += e.Alerts
		}
	}
	an.stats.EpisodesShown = len(res.Episodes) - an.stats.EpisodesSuppressed
	res.Stats = an.stats
	res.Victims = an.victims(res.Episodes)
	res.Attackers = attackers(res.Episodes)
	res.Patterns = patterns(res.Victims, res.Episodes)
	res.Summary = summary(res)
	return res
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// episodes applies each group's adaptive gap, scores the episodes against
// the learned background, orders them by start time and numbers them. They
// are ordered as small records first and only then built into Episodes, in
// one allocation: with hundreds of thousands of episodes, sorting and
// growing the full structs was a third of the time and most of the memory.
func (an *analyzer) episodes() []Episode {
	l := newLearner(an.first, an.last, an.cfg)
	for k, micro := range an.g.groups {
		l.observe(k.kind(), micro)
	}
	keys := make([]groupKey, 0, len(an.g.groups))
	for k := range an.g.groups {
		keys = append(keys, k)
	}
	var list []scored
	for i := range keys {
		k := &keys[i]
		micro := an.g.groups[*k]
		gap := adaptiveGap(micro, an.cfg.GapFactor, an.cfg.MinGap, an.cfg.Gap)
		for _, e := range mergeWithin(micro, gap) {
			list = append(list, scored{start: e.start, key: k, acc: e, gap: gap, order: an.tactic(k.tactic).Order})
		}
	}
	slices.SortFunc(list, func(a, b scored) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.key.attacker, b.key.attacker),
			cmp.Compare(a.key.victim, b.key.victim), cmp.Compare(a.order, b.order),
			cmp.Compare(a.key.tool, b.key.tool), cmp.Compare(a.key.sig, b.key.sig))
	})
	return an.build(list, l)
}

// scored is one episode before it is built: its start, its group, its
// accumulator, the group's gap, and its tactic's order (the start is copied
// here so that sorting does not follow a pointer for it).
type scored struct {
	start time.Time
	key   *groupKey
	acc   *episodeAcc
	gap   time.Duration
	order int
}

// build turns the ordered episodes into the report's, scoring each. The
// reasons repeat across the episodes of a kind, so each text is kept once.
func (an *analyzer) build(list []scored, l *learner) []Episode {
	out := make([]Episode, len(list))
	sigs := make([]SignatureCount, len(list))
	reasons := map[string]string{}
	for i, s := range list {
		k, e := s.key, s.acc
		score, why := l.score(k.kind(), e)
		if r, ok := reasons[why]; ok {
			why = r
		} else {
			reasons[why] = why
		}
		sigs[i] = SignatureCount{Signature: k.sig, SignatureID: e.sig.id, Category: e.sig.category, Count: e.alerts,
			MappedBy: e.sig.via, SAGEStage: e.sig.stage}
		out[i] = Episode{
			ID: i + 1, Attacker: k.attacker, Victim: k.victim, Tool: k.tool, Tactic: an.tactic(k.tactic),
			Start: e.start, End: e.end, Alerts: e.alerts, GapSeconds: s.gap.Seconds(),
			Signatures: sigs[i : i+1 : i+1], Hostnames: sorted(e.hosts),
			NoiseScore: round3(score), NoiseReason: why, Suppressed: an.cfg.SuppressAt >= 0 && score >= an.cfg.SuppressAt,
		}
	}
	return out
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func (an *analyzer) tactic(idx int) Tactic {
	if idx < 0 {
		return unknownTactic
	}
	return an.t.tactics[idx]
}

// sortedCounts returns the counts most frequent first, then by name.
func sortedCounts(m map[string]*SignatureCount) []SignatureCount {
	out := make([]SignatureCount, 0, len(m))
	for _, sc := range m {
		out = append(out, *sc)
	}
	slices.SortFunc(out, func(a, b SignatureCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Signature, b.Signature))
	})
	return out
}

func sorted(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	out := slices.Clone(v)
	sort.Strings(out)
	return out
}

// victims decodes each host's stage sequence from its episodes that are
// not suppressed, and ranks the hosts: most advanced stage first, then most
// alerts. Episode.Stage is set on the way.
func (an *analyzer) victims(eps []Episode) []Victim {
	byIP := map[string][]int{}
	for i, e := range eps {
		if !e.Suppressed {
			byIP[e.Victim] = append(byIP[e.Victim], i)
		}
	}
	model := newHMM(len(an.t.tactics))
	out := make([]Victim, 0, len(byIP))
	for ip, idx := range byIP {
		out = append(out, an.victim(ip, idx, eps, model))
	}
	slices.SortFunc(out, func(a, b Victim) int {
		return cmp.Or(cmp.Compare(b.Stage.Order, a.Stage.Order), cmp.Compare(b.Alerts, a.Alerts),
			cmp.Compare(a.IP, b.IP))
	})
	return out
}

func (an *analyzer) victim(ip string, idx []int, eps []Episode, model *hmm) Victim {
	obs := make([]uint32, len(idx))
	for j, i := range idx {
		if o := eps[i].Tactic.Order; o > 0 { // unknown (order 0) stays the empty set
			obs[j] = 1 << (o - 1)
		}
	}
	path, p := model.viterbi(obs)
	v := Victim{IP: ip, FirstSeen: eps[idx[0]].Start, LastSeen: eps[idx[0]].End}
	for j, i := range idx {
		eps[i].Stage = an.t.tactics[path[j]]
		v.addEpisode(eps[i])
	}
	v.CurrentStage = CurrentStage{Tactic: an.t.tactics[path[len(path)-1]], Probability: round3(p)}
	slices.SortFunc(v.Stages, func(a, b StageReached) int { return cmp.Compare(a.Tactic.Order, b.Tactic.Order) })
	v.Stage = v.Stages[len(v.Stages)-1].Tactic
	sort.Strings(v.Attackers)
	sort.Strings(v.Hostnames)
	sort.Strings(v.C2Names)
	return v
}

// addEpisode adds an episode, in time order, with its decoded stage.
func (v *Victim) addEpisode(e Episode) {
	v.Alerts += e.Alerts
	if e.Start.Before(v.FirstSeen) {
		v.FirstSeen = e.Start
	}
	if e.End.After(v.LastSeen) {
		v.LastSeen = e.End
	}
	if e.Attacker != "" && !slices.Contains(v.Attackers, e.Attacker) {
		v.Attackers = append(v.Attackers, e.Attacker)
	}
	for _, h := range e.Hostnames {
		v.Hostnames = addHost(v.Hostnames, h)
		// In command-and-control episodes the victim is the one calling out, so the names
		// those alerts carry are names it contacted: candidates for a DNS-layer block.
		if e.Stage.Shortname == "command-and-control" && e.Tool == "suricata" {
			v.C2Names = addHost(v.C2Names, h)
		}
	}
	if n := len(v.Sequence); n == 0 || v.Sequence[n-1].Tactic != e.Stage {
		v.Sequence = append(v.Sequence, SequenceStep{Tactic: e.Stage, First: e.Start, Last: e.End})
	}
	step := &v.Sequence[len(v.Sequence)-1]
	step.add(e)
	// The stages reached are the evidence: the tables' tactic, or the
	// decoded stage where the tables knew none.
	ev := e.Tactic
	if ev == unknownTactic {
		ev = e.Stage
	}
	i := slices.IndexFunc(v.Stages, func(s StageReached) bool { return s.Tactic == ev })
	if i < 0 {
		v.Stages = append(v.Stages, StageReached{Tactic: ev, First: e.Start, Last: e.End})
		i = len(v.Stages) - 1
	}
	s := &v.Stages[i]
	s.Alerts += e.Alerts
	s.EpisodeIDs = append(s.EpisodeIDs, e.ID)
	s.First, s.Last = minTime(s.First, e.Start), maxTime(s.Last, e.End)
}

func (s *SequenceStep) add(e Episode) {
	s.Alerts += e.Alerts
	s.EpisodeIDs = append(s.EpisodeIDs, e.ID)
	s.First, s.Last = minTime(s.First, e.Start), maxTime(s.Last, e.End)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func attackers(eps []Episode) []string {
	out := []string{}
	for _, e := range eps {
		if !e.Suppressed && e.Attacker != "" {
			out = append(out, e.Attacker)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// patterns finds stage sequences shared by several victims, and victims
// that later attacked other hosts.
func patterns(victims []Victim, eps []Episode) []Pattern {
	out := []Pattern{}
	bySeq := map[string][]string{}
	for _, v := range victims {
		if len(v.Sequence) < 2 {
			continue
		}
		var seq []string
		for _, s := range v.Sequence {
			seq = append(seq, s.Tactic.Shortname)
		}
		key := strings.Join(seq, ">")
		bySeq[key] = append(bySeq[key], v.IP)
	}
	for key, hosts := range bySeq {
		if len(hosts) >= 2 {
			sort.Strings(hosts)
			out = append(out, Pattern{Kind: "same_sequence", Sequence: strings.Split(key, ">"), Hosts: hosts})
		}
	}
	out = append(out, becameSource(victims, eps)...)
	slices.SortFunc(out, func(a, b Pattern) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(len(b.Hosts), len(a.Hosts)),
			cmp.Compare(strings.Join(a.Hosts, ","), strings.Join(b.Hosts, ",")))
	})
	return out
}

func becameSource(victims []Victim, eps []Episode) []Pattern {
	var out []Pattern
	for _, v := range victims {
		p := Pattern{Kind: "victim_became_source", Hosts: []string{v.IP}, VictimSince: v.FirstSeen}
		for _, e := range eps {
			if e.Suppressed || e.Attacker != v.IP || !e.Start.After(v.FirstSeen) {
				continue
			}
			if p.SourceSince.IsZero() || e.Start.Before(p.SourceSince) {
				p.SourceSince = e.Start
			}
			if !slices.Contains(p.Targets, e.Victim) {
				p.Targets = append(p.Targets, e.Victim)
			}
		}
		if len(p.Targets) > 0 {
			sort.Strings(p.Targets)
			out = append(out, p)
		}
	}
	return out
}

func summary(res *Result) string {
	st := res.Stats
	if len(res.Victims) == 0 {
		return fmt.Sprintf("%d alerts read, no attack episode left after suppression (%d episodes suppressed as background, %d noise, %d benign)",
			st.AlertsRead, st.EpisodesSuppressed, st.Noise, st.Benign)
	}
	top := res.Victims[0]
	return fmt.Sprintf("%d victims, %d attackers, %d episodes to read from %d alerts (%d suppressed as background); most advanced: %s reached %s (%s), now %s (p=%.2f)",
		len(res.Victims), len(res.Attackers), st.EpisodesShown, st.AlertsRead, st.EpisodesSuppressed,
		top.IP, top.Stage.Shortname, top.Stage.ID, top.CurrentStage.Shortname, top.CurrentStage.Probability)
}

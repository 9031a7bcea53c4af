package detect

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// result turns the accumulated groups into the report.
func (an *analyzer) result(cfg Config) *Result {
	res := &Result{
		Episodes: an.episodes(),
		Unmapped: sortedCounts(an.unmapped),
		Settings: Settings{
			Gap:             an.settingGap.String(),
			NoiseCategories: nonNil(orDefault(cfg.NoiseCategories, DefaultNoiseCategories)),
			NoiseAddresses:  nonNil(orDefault(cfg.NoiseAddresses, DefaultNoiseAddresses)),
			HomeNet:         cfg.HomeNet.String(),
		},
	}
	an.stats.FirstAlert, an.stats.LastAlert = an.first, an.last
	res.Stats = an.stats
	res.Victims = victims(res.Episodes)
	res.Attackers = attackers(res.Episodes)
	res.Summary = summary(res)
	return res
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// episodes flattens the groups, ordered by start time, and numbers them.
func (an *analyzer) episodes() []Episode {
	var out []Episode
	for k, eps := range an.g.groups {
		for _, e := range eps {
			out = append(out, Episode{
				Attacker:   k.attacker,
				Victim:     k.victim,
				Tactic:     an.t.tactics[k.tactic],
				Start:      e.start,
				End:        e.end,
				Alerts:     e.alerts,
				Signatures: sortedCounts(e.sigs),
				Hostnames:  sorted(e.hosts),
			})
		}
	}
	slices.SortFunc(out, func(a, b Episode) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Attacker, b.Attacker),
			cmp.Compare(a.Victim, b.Victim), cmp.Compare(a.Tactic.Order, b.Tactic.Order))
	})
	for i := range out {
		out[i].ID = i + 1
	}
	return out
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

// victims ranks the victims: most advanced stage first, then most alerts.
func victims(eps []Episode) []Victim {
	byIP := map[string]*Victim{}
	for _, e := range eps {
		v := byIP[e.Victim]
		if v == nil {
			v = &Victim{IP: e.Victim, FirstSeen: e.Start, LastSeen: e.End}
			byIP[e.Victim] = v
		}
		v.addEpisode(e)
	}
	out := make([]Victim, 0, len(byIP))
	for _, v := range byIP {
		slices.SortFunc(v.Stages, func(a, b StageReached) int { return cmp.Compare(a.Tactic.Order, b.Tactic.Order) })
		v.Stage = v.Stages[len(v.Stages)-1].Tactic
		sort.Strings(v.Attackers)
		sort.Strings(v.Hostnames)
		sort.Strings(v.C2Names)
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b Victim) int {
		return cmp.Or(cmp.Compare(b.Stage.Order, a.Stage.Order), cmp.Compare(b.Alerts, a.Alerts),
			cmp.Compare(a.IP, b.IP))
	})
	return out
}

func (v *Victim) addEpisode(e Episode) {
	v.Alerts += e.Alerts
	if e.Start.Before(v.FirstSeen) {
		v.FirstSeen = e.Start
	}
	if e.End.After(v.LastSeen) {
		v.LastSeen = e.End
	}
	if !slices.Contains(v.Attackers, e.Attacker) {
		v.Attackers = append(v.Attackers, e.Attacker)
	}
	for _, h := range e.Hostnames {
		v.Hostnames = addHost(v.Hostnames, h)
		// In command-and-control episodes the victim is the one calling out, so the names
		// those alerts carry are names it contacted: candidates for a DNS-layer block.
		if e.Tactic.Shortname == "command-and-control" {
			v.C2Names = addHost(v.C2Names, h)
		}
	}
	i := slices.IndexFunc(v.Stages, func(s StageReached) bool { return s.Tactic == e.Tactic })
	if i < 0 {
		v.Stages = append(v.Stages, StageReached{Tactic: e.Tactic, First: e.Start, Last: e.End})
		i = len(v.Stages) - 1
	}
	s := &v.Stages[i]
	s.Alerts += e.Alerts
	s.EpisodeIDs = append(s.EpisodeIDs, e.ID)
	if e.Start.Before(s.First) {
		s.First = e.Start
	}
	if e.End.After(s.Last) {
		s.Last = e.End
	}
}

func attackers(eps []Episode) []string {
	var out []string
	for _, e := range eps {
		out = append(out, e.Attacker)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func summary(res *Result) string {
	if len(res.Victims) == 0 {
		return fmt.Sprintf("%d alerts read, none grouped into an attack episode (%d noise, %d benign, %d unmapped)",
			res.Stats.AlertsRead, res.Stats.Noise, res.Stats.Benign, res.Stats.Unmapped)
	}
	top := res.Victims[0]
	return fmt.Sprintf("%d victims, %d attackers, %d episodes from %d alerts; most advanced: %s reached %s (%s)",
		len(res.Victims), len(res.Attackers), len(res.Episodes), res.Stats.AlertsRead,
		top.IP, top.Stage.Shortname, top.Stage.ID)
}

package detect

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// unknownTactic stands for the tactic of alerts no table could place.
var unknownTactic = Tactic{Shortname: "unknown", Name: "Unknown"}

// builder turns the groups of a finished read into the report. It holds
// the episodes between scoring and the report as compact records, and
// builds a full Episode only for those the report lists.
type builder struct {
	an *analyzer
	// groups are the alert groups in the order episodes starting at the
	// same time are reported in: attacker, victim, tactic order, tool,
	// signature.
	groups []group
	// list holds the episodes the report may list, in time order: the
	// ones left to read, and the suppressed ones too with
	// Config.ListSuppressed. An episode's ID is its index plus one.
	list    []scored
	reasons reasonList
	bg      map[kindKey]*backgroundAcc
	sorted  map[uint32][]string // host lists, sorted
	sets    map[setKey]uint32   // see tacticSet
}

// setKey is what a group's tactic set is looked up by.
type setKey struct {
	tool, sig string
	tactic    int
}

// tacticSet is every tactic the group's alerts may be evidence of (see
// mapping.also), as the HMM observes it: the empty set for unknown.
func (b *builder) tacticSet(k *groupKey) uint32 {
	if k.tactic < 0 {
		return 0
	}
	if b.sets == nil {
		b.sets = map[setKey]uint32{}
		for mk, m := range b.an.cache {
			if m.tactic >= 0 {
				b.sets[setKey{mk.tool, mk.sig, m.tactic}] |= m.also
			}
		}
	}
	return b.sets[setKey{k.tool, k.sig, k.tactic}] | 1<<k.tactic
}

// group is one group of alerts once the input is read.
type group struct {
	key groupKey
	gap time.Duration
}

// scored is one episode between scoring and the report, in 32 bytes: its
// start in Unix nanoseconds (copied so that sorting does not follow acc),
// its accumulator, its group, its noise reason and score (in thousandths,
// as the report rounds it), its decoded stage (a tactic index, -1 until
// decoded; suppressed episodes are never decoded) and whether it is
// suppressed.
type scored struct {
	start      int64
	acc        *episodeAcc
	group      int32
	reason     uint32 // in builder.reasons
	milli      int32
	stage      int16
	suppressed bool
}

// reasonList keeps each noise reason text once: they repeat across the
// episodes of a kind.
type reasonList struct {
	texts []string
	index map[string]uint32
}

func (r *reasonList) add(why string) uint32 {
	i, ok := r.index[why]
	if !ok {
		i = uint32(len(r.texts))
		r.texts = append(r.texts, why)
		r.index[why] = i
	}
	return i
}

// result turns the accumulated groups into the report.
func (an *analyzer) result() *Result {
	b := &builder{an: an, bg: map[kindKey]*backgroundAcc{}, sorted: map[uint32][]string{},
		reasons: reasonList{index: map[string]uint32{}}}
	b.score()
	an.stats.FirstAlert, an.stats.LastAlert = an.first, an.last
	res := &Result{Unmapped: sortedCounts(an.unmapped), Settings: an.settings()}
	res.Victims = b.victims()
	res.Attackers = b.attackers()
	res.Patterns = patterns(res.Victims, b.becameSource(res.Victims))
	res.Episodes = b.listing()
	res.Background = b.background()
	res.Stats = an.stats
	res.Summary = summary(res)
	return res
}

func (an *analyzer) settings() Settings {
	cfg := an.cfg
	return Settings{
		Gap: cfg.Gap.String(), MinGap: cfg.MinGap.String(), GapFactor: cfg.GapFactor,
		MinHistory: cfg.MinHistory.String(), SuppressAt: cfg.SuppressAt, BurstFactor: cfg.BurstFactor,
		NoiseCategories: cfg.NoiseCategories, NoiseAddresses: cfg.NoiseAddresses,
		HomeNet: cfg.HomeNet.String(), Host: cfg.Host,
		MaxEpisodes: maxEpisodes(cfg), ListSuppressed: cfg.ListSuppressed,
	}
}

// maxEpisodes is the cap on the listing, -1 for none.
func maxEpisodes(cfg Config) int {
	if cfg.MaxEpisodes < 0 {
		return -1
	}
	return cmp.Or(cfg.MaxEpisodes, DefaultMaxEpisodes)
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// score applies each group's adaptive gap and scores its episodes against
// the learned background: a suppressed one is added to its kind's
// background summary, and only those the report may list are kept, as
// compact records in time order. It goes kind by kind: a kind's background
// is learned from its own groups alone (the learner keeps one profile per
// kind and scores against it only), so each kind's learner and groups can
// be let go once its episodes are scored, and with them the memory of the
// episodes not kept.
func (b *builder) score() {
	an := b.an
	keys := slices.Collect(maps.Keys(an.g.groups))
	slices.SortFunc(keys, func(x, y groupKey) int {
		return cmp.Or(cmp.Compare(x.attacker, y.attacker), cmp.Compare(x.victim, y.victim),
			cmp.Compare(an.tactic(x.tactic).Order, an.tactic(y.tactic).Order), cmp.Compare(x.tool, y.tool),
			cmp.Compare(x.sig, y.sig), cmp.Compare(x.tactic, y.tactic))
	})
	b.groups = make([]group, len(keys))
	byKind := make([]int32, len(keys))
	for i, k := range keys {
		b.groups[i].key = k
		byKind[i] = int32(i)
	}
	slices.SortFunc(byKind, func(x, y int32) int {
		kx, ky := &b.groups[x].key, &b.groups[y].key
		return cmp.Or(cmp.Compare(kx.victim, ky.victim), cmp.Compare(kx.tool, ky.tool), cmp.Compare(kx.sig, ky.sig))
	})
	for len(byKind) > 0 {
		kind := b.groups[byKind[0]].key.kind()
		n := 1
		for n < len(byKind) && b.groups[byKind[n]].key.kind() == kind {
			n++
		}
		b.scoreKind(kind, byKind[:n])
		byKind = byKind[n:]
	}
	an.g.groups = nil
	slices.SortFunc(b.list, scored.compare)
}

// scoreKind learns one kind's background from its groups, then merges and
// scores their episodes; the groups leave the grouper.
func (b *builder) scoreKind(kind kindKey, groups []int32) {
	an := b.an
	l := newLearner(an.first, an.last, an.cfg)
	for _, gi := range groups {
		l.observe(kind, an.g.groups[b.groups[gi].key])
	}
	for _, gi := range groups {
		g := &b.groups[gi]
		micro := an.g.groups[g.key]
		delete(an.g.groups, g.key)
		g.gap = adaptiveGap(micro, an.cfg.GapFactor, an.cfg.MinGap, an.cfg.Gap)
		for _, e := range an.g.mergeWithin(micro, g.gap) {
			b.add(gi, e, l)
		}
	}
}

// add scores one episode of group gi.
func (b *builder) add(gi int32, e *episodeAcc, l *learner) {
	st := &b.an.stats
	k := &b.groups[gi].key
	score, why := l.score(k.kind(), e)
	sup := b.an.cfg.SuppressAt >= 0 && score >= b.an.cfg.SuppressAt
	milli := int32(score*1000 + 0.5) // as round3
	if sup {
		st.EpisodesSuppressed++
		st.AlertsSuppressed += e.alerts
		b.addBackground(k, e, milli, why)
	} else {
		st.EpisodesShown++
	}
	if !sup || b.an.cfg.ListSuppressed {
		b.list = append(b.list, scored{start: unixNano(e.start), acc: e, group: gi, reason: b.reasons.add(why),
			milli: milli, stage: -1, suppressed: sup})
	}
}

// unixNano is t in Unix nanoseconds, saturated outside the years int64
// nanoseconds cover (compare then falls back to the times themselves).
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// compare orders episodes by start, then by group (episodes of one group
// never start together).
func (s scored) compare(o scored) int {
	if c := cmp.Compare(s.start, o.start); c != 0 {
		return c
	}
	if s.start == math.MinInt64 || s.start == math.MaxInt64 {
		if c := s.acc.start.Compare(o.acc.start); c != 0 {
			return c
		}
	}
	return cmp.Compare(s.group, o.group)
}

// episodeView is what the victims read of an episode.
type episodeView struct {
	id            int
	key           *groupKey
	tactic, stage Tactic
	evidence      Tactic // see builder.evidence
	start, end    time.Time
	alerts        int
	hosts         []string // sorted and shared: read only
}

func (b *builder) view(i int) episodeView {
	s := &b.list[i]
	v := episodeView{id: i + 1, key: &b.groups[s.group].key, start: s.acc.start, end: s.acc.end,
		alerts: s.acc.alerts, hosts: b.sortedHosts(s.acc.hosts)}
	v.tactic = b.an.tactic(v.key.tactic)
	if s.stage >= 0 {
		v.stage = b.an.t.tactics[s.stage]
	}
	v.evidence = b.evidence(s)
	return v
}

// sortedHosts returns the host list at index i sorted, made once per list.
func (b *builder) sortedHosts(i uint32) []string {
	if i == 0 {
		return nil
	}
	s, ok := b.sorted[i]
	if !ok {
		s = b.an.g.hosts.sorted(i)
		b.sorted[i] = s
	}
	return s
}

// evidence is the tactic an episode shows: the tables', or its decoded
// stage where the tables knew none or gave several and the stage is one of
// them (a Valid Accounts login after a privilege escalation is evidence of
// that escalation, not of initial access).
func (b *builder) evidence(s *scored) Tactic {
	k := &b.groups[s.group].key
	t := b.an.tactic(k.tactic)
	if s.stage >= 0 && (t == unknownTactic || b.tacticSet(k)&(1<<s.stage) != 0) {
		return b.an.t.tactics[s.stage]
	}
	return t
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

// victims decodes each host's stage sequence from its episodes that are
// not suppressed, and ranks the hosts: most advanced stage first, then most
// alerts. Each episode's decoded stage is recorded on the way.
func (b *builder) victims() []Victim {
	byIP := map[string][]int32{}
	for i := range b.list {
		if s := &b.list[i]; !s.suppressed {
			ip := b.groups[s.group].key.victim
			byIP[ip] = append(byIP[ip], int32(i))
		}
	}
	model := stageModel(len(b.an.t.tactics))
	out := make([]Victim, 0, len(byIP))
	for ip, idx := range byIP {
		out = append(out, b.victim(ip, idx, model))
	}
	slices.SortFunc(out, func(a, b Victim) int {
		return cmp.Or(cmp.Compare(b.Stage.Order, a.Stage.Order), cmp.Compare(b.Alerts, a.Alerts),
			cmp.Compare(a.IP, b.IP))
	})
	return out
}

func (b *builder) victim(ip string, idx []int32, model *hmm) Victim {
	obs := make([]uint32, len(idx))
	gaps := make([]time.Duration, len(idx))
	var last time.Time
	for j, i := range idx {
		s := &b.list[i]
		obs[j] = b.tacticSet(&b.groups[s.group].key)
		if j > 0 {
			gaps[j] = s.acc.start.Sub(last)
		}
		last = maxTime(last, s.acc.end)
	}
	path, p := model.viterbi(obs, gaps)
	first := b.list[idx[0]].acc
	v := Victim{IP: ip, FirstSeen: first.start, LastSeen: first.end}
	for j, i := range idx {
		b.list[i].stage = int16(path[j])
		v.addEpisode(b.view(int(i)))
	}
	v.CurrentStage = CurrentStage{Tactic: b.an.t.tactics[path[len(path)-1]], Probability: round3(p)}
	slices.SortFunc(v.Stages, func(a, b StageReached) int { return cmp.Compare(a.Tactic.Order, b.Tactic.Order) })
	v.Stage = v.Stages[len(v.Stages)-1].Tactic
	sort.Strings(v.Attackers)
	sort.Strings(v.Hostnames)
	sort.Strings(v.C2Names)
	return v
}

// addEpisode adds an episode, in time order, with its decoded stage.
func (v *Victim) addEpisode(e episodeView) {
	v.Alerts += e.alerts
	v.FirstSeen, v.LastSeen = minTime(v.FirstSeen, e.start), maxTime(v.LastSeen, e.end)
	if a := e.key.attacker; a != "" && !slices.Contains(v.Attackers, a) {
		v.Attackers = append(v.Attackers, a)
	}
	for _, h := range e.hosts {
		v.Hostnames = addHost(v.Hostnames, h)
		// In command-and-control episodes the victim is the one calling out, so the names
		// those alerts carry are names it contacted: candidates for a DNS-layer block.
		if e.stage.Shortname == "command-and-control" && e.key.tool == "suricata" {
			v.C2Names = addHost(v.C2Names, h)
		}
	}
	if n := len(v.Sequence); n == 0 || v.Sequence[n-1].Tactic != e.stage {
		v.Sequence = append(v.Sequence, SequenceStep{Tactic: e.stage, First: e.start, Last: e.end})
	}
	step := &v.Sequence[len(v.Sequence)-1]
	step.Alerts += e.alerts
	step.EpisodeIDs = append(step.EpisodeIDs, e.id)
	step.First, step.Last = minTime(step.First, e.start), maxTime(step.Last, e.end)
	// The stages reached are the evidence (builder.evidence).
	ev := e.evidence
	i := slices.IndexFunc(v.Stages, func(s StageReached) bool { return s.Tactic == ev })
	if i < 0 {
		v.Stages = append(v.Stages, StageReached{Tactic: ev, First: e.start, Last: e.end})
		i = len(v.Stages) - 1
	}
	s := &v.Stages[i]
	s.Alerts += e.alerts
	s.EpisodeIDs = append(s.EpisodeIDs, e.id)
	s.First, s.Last = minTime(s.First, e.start), maxTime(s.Last, e.end)
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

// attackers are the attackers of the episodes left to read.
func (b *builder) attackers() []string {
	seen := make([]bool, len(b.groups))
	out := []string{}
	for i := range b.list {
		s := &b.list[i]
		if s.suppressed || seen[s.group] {
			continue
		}
		seen[s.group] = true
		if a := b.groups[s.group].key.attacker; a != "" {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// patterns finds stage sequences shared by several victims, and adds the
// victims that later attacked other hosts (lateral).
func patterns(victims []Victim, lateral []Pattern) []Pattern {
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
	out = append(out, lateral...)
	slices.SortFunc(out, func(a, b Pattern) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(len(b.Hosts), len(a.Hosts)),
			cmp.Compare(strings.Join(a.Hosts, ","), strings.Join(b.Hosts, ",")))
	})
	return out
}

// becameSource finds the victims that, after they were first attacked,
// attacked others in episodes left to read. The list is in time order, so
// a group's first such episode is its earliest: the others are skipped.
func (b *builder) becameSource(victims []Victim) []Pattern {
	ps := make([]Pattern, len(victims))
	byIP := make(map[string]int, len(victims))
	for i, v := range victims {
		ps[i] = Pattern{Kind: "victim_became_source", Hosts: []string{v.IP}, VictimSince: v.FirstSeen}
		byIP[v.IP] = i
	}
	done := make([]bool, len(b.groups))
	for i := range b.list {
		s := &b.list[i]
		k := &b.groups[s.group].key
		vi, ok := byIP[k.attacker]
		if s.suppressed || done[s.group] || !ok || !s.acc.start.After(ps[vi].VictimSince) {
			continue
		}
		done[s.group] = true
		p := &ps[vi]
		if p.SourceSince.IsZero() || s.acc.start.Before(p.SourceSince) {
			p.SourceSince = s.acc.start
		}
		if !slices.Contains(p.Targets, k.victim) {
			p.Targets = append(p.Targets, k.victim)
		}
	}
	var out []Pattern
	for _, p := range ps {
		if len(p.Targets) > 0 {
			sort.Strings(p.Targets)
			out = append(out, p)
		}
	}
	return out
}

// listing builds the Episodes the report lists: those of b.list, up to
// the cap. Over it, episodes left to read come before suppressed ones, then
// the most advanced tactic (as the victims' stages count it), then the most
// alerts, then the earliest; the kept ones are listed in time order.
func (b *builder) listing() []Episode {
	keep := make([]int32, len(b.list))
	for i := range keep {
		keep[i] = int32(i)
	}
	if limit := maxEpisodes(b.an.cfg); limit >= 0 && len(keep) > limit {
		slices.SortFunc(keep, func(x, y int32) int {
			sx, sy := &b.list[x], &b.list[y]
			return cmp.Or(boolCompare(sx.suppressed, sy.suppressed),
				cmp.Compare(b.evidence(sy).Order, b.evidence(sx).Order),
				cmp.Compare(sy.acc.alerts, sx.acc.alerts), cmp.Compare(x, y))
		})
		keep = keep[:limit]
		slices.Sort(keep)
	}
	b.an.stats.EpisodesOmitted = len(b.list) - len(keep)
	out := make([]Episode, len(keep))
	sigs := make([]SignatureCount, len(keep))
	for j, i := range keep {
		out[j] = b.episode(int(i), sigs[j:j+1:j+1])
	}
	return out
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// episode builds the Episode at index i of the list, with sig (of length
// one) as its signatures.
func (b *builder) episode(i int, sig []SignatureCount) Episode {
	s := &b.list[i]
	g := &b.groups[s.group]
	k, e := &g.key, s.acc
	si := &b.an.g.sigs[e.sig]
	sig[0] = SignatureCount{Signature: k.sig, SignatureID: si.id, Category: si.category, Count: e.alerts,
		MappedBy: si.via, SAGEStage: si.stage}
	ep := Episode{
		ID: i + 1, Attacker: k.attacker, Victim: k.victim, Tool: k.tool, Tactic: b.an.tactic(k.tactic),
		Start: e.start, End: e.end, Alerts: e.alerts, GapSeconds: g.gap.Seconds(),
		Signatures: sig, Hostnames: b.an.g.hosts.sorted(e.hosts),
		NoiseScore: float64(s.milli) / 1000, NoiseReason: b.reasons.texts[s.reason], Suppressed: s.suppressed,
	}
	if s.stage >= 0 {
		ep.Stage = b.an.t.tactics[s.stage]
	}
	return ep
}

// backgroundAcc sums the suppressed episodes of one kind on one victim.
type backgroundAcc struct {
	Background
	attackers map[string]bool
	reasons   map[string]int
}

func (b *builder) addBackground(k *groupKey, e *episodeAcc, milli int32, why string) {
	a := b.bg[k.kind()]
	score := float64(milli) / 1000
	if a == nil {
		a = &backgroundAcc{
			Background: Background{Victim: k.victim, Tool: k.tool, Signature: k.sig, Tactic: b.an.tactic(k.tactic),
				First: e.start, Last: e.end, MinScore: score, MaxScore: score},
			attackers: map[string]bool{}, reasons: map[string]int{},
		}
		b.bg[k.kind()] = a
	}
	a.Episodes++
	a.Alerts += e.alerts
	a.First, a.Last = minTime(a.First, e.start), maxTime(a.Last, e.end)
	a.MinScore, a.MaxScore = min(a.MinScore, score), max(a.MaxScore, score)
	if t := b.an.tactic(k.tactic); t.Order > a.Tactic.Order {
		a.Tactic = t
	}
	if k.attacker != "" {
		a.attackers[k.attacker] = true
	}
	a.reasons[why]++
}

// background lists the summaries, most alerts first.
func (b *builder) background() []Background {
	out := make([]Background, 0, len(b.bg))
	for _, a := range b.bg {
		a.Attackers = len(a.attackers)
		a.Reason = typical(a.reasons)
		out = append(out, a.Background)
	}
	slices.SortFunc(out, func(x, y Background) int {
		return cmp.Or(cmp.Compare(y.Alerts, x.Alerts), cmp.Compare(x.Victim, y.Victim),
			cmp.Compare(x.Tool, y.Tool), cmp.Compare(x.Signature, y.Signature))
	})
	return out
}

// typical is the reason most episodes were given; of equally frequent
// ones, the first in byte order, so that the report does not depend on
// map order.
func typical(reasons map[string]int) string {
	best, n := "", 0
	for r, c := range reasons {
		if c > n || c == n && r < best {
			best, n = r, c
		}
	}
	return best
}

// summary is the analyst's line; records that could not be read, and an
// input cut short, are named in it, so that a damaged file is not taken
// for a quiet one.
func summary(res *Result) string {
	s := outcome(res)
	if n := res.Stats.Malformed; n > 0 {
		s += fmt.Sprintf("; %d records unreadable (stats.malformed_samples)", n)
	}
	if res.Stats.Truncated {
		s += "; the input ends early, the alerts after the cut are missing (stats.malformed_samples)"
	}
	return s
}

func outcome(res *Result) string {
	st := res.Stats
	switch {
	case len(res.Victims) == 0 && res.Settings.Host != "" && st.OutsideHost == st.AlertsRead:
		return fmt.Sprintf("%d alerts read, none names %s", st.AlertsRead, res.Settings.Host)
	case len(res.Victims) == 0 && st.EpisodesSuppressed == 0:
		return fmt.Sprintf("%d alerts read, no attack episode (%d noise, %d benign, %d outside the home network, %d not naming the host)",
			st.AlertsRead, st.Noise, st.Benign, st.OutsideHomeNet, st.OutsideHost)
	case len(res.Victims) == 0:
		return fmt.Sprintf("%d alerts read, no attack episode left after suppression (%d episodes suppressed as background, %d noise, %d benign)",
			st.AlertsRead, st.EpisodesSuppressed, st.Noise, st.Benign)
	}
	top := res.Victims[0]
	s := fmt.Sprintf("%d victims, %d attackers, %d episodes to read from %d alerts (%d suppressed as background); most advanced: %s reached %s (%s), now %s (p=%.2f)",
		len(res.Victims), len(res.Attackers), st.EpisodesShown, st.AlertsRead, st.EpisodesSuppressed,
		top.IP, top.Stage.Shortname, top.Stage.ID, top.CurrentStage.Shortname, top.CurrentStage.Probability)
	if st.EpisodesOmitted > 0 {
		s += fmt.Sprintf("; %d episodes listed, the most advanced", len(res.Episodes))
	}
	return s
}

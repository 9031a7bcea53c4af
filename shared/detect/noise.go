package detect

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// profile is what the input says about one kind of alert on one host: the
// background it forms, learned from the alerts themselves.
type profile struct {
	alerts int
	hours  map[int64]float64 // hour index -> alerts in it
	starts []time.Time       // of its micro-episodes
	// Computed once, on the first score: the sorted days with the kind,
	// the usual hourly rate, and the period if it has one.
	done     bool
	dayList  []int64
	usual    float64
	period   time.Duration
	periodic bool
}

// summarise computes the profile's derived figures once, so that scoring
// its many episodes does not walk its hours again each time.
func (p *profile) summarise() {
	if p.done {
		return
	}
	p.done = true
	seen := map[int64]bool{}
	for h := range p.hours {
		if d := h / 24; !seen[d] {
			seen[d] = true
			p.dayList = append(p.dayList, d)
		}
	}
	slices.Sort(p.dayList)
	p.usual = p.usualRate()
	p.period, p.periodic = p.findPeriod()
}

// learner collects the profiles and scores episodes against them.
type learner struct {
	first, last time.Time
	kinds       map[kindKey]*profile
	minHistory  time.Duration
	burst       float64
}

func newLearner(first, last time.Time, cfg Config) *learner {
	return &learner{first: first, last: last, kinds: map[kindKey]*profile{},
		minHistory: orDur(cfg.MinHistory, DefaultMinHistory), burst: orFloat(cfg.BurstFactor, DefaultBurstFactor)}
}

func (l *learner) hour(t time.Time) int64 { return int64(t.Sub(l.first) / time.Hour) }

// observe adds a group's micro-episodes to its kind's profile, spreading
// each micro-episode's alerts evenly over the hours it spans.
func (l *learner) observe(k kindKey, micro []*episodeAcc) {
	p := l.kinds[k]
	if p == nil {
		p = &profile{hours: map[int64]float64{}}
		l.kinds[k] = p
	}
	for _, e := range micro {
		p.alerts += e.alerts
		p.starts = append(p.starts, e.start)
		h0, h1 := l.hour(e.start), l.hour(e.end)
		share := float64(e.alerts) / float64(h1-h0+1)
		for h := h0; h <= h1; h++ {
			p.hours[h] += share
		}
	}
}

// score says how much an episode looks like its host's background: the
// strongest of steady presence, recurrence on many days, periodicity, and
// presence on earlier days; an episode far above its kind's usual rate is a
// burst and scores low whatever the kind.
func (l *learner) score(k kindKey, e *episodeAcc) (float64, string) {
	span := l.last.Sub(l.first)
	if span < l.minHistory {
		return 0, fmt.Sprintf("input spans %s, less than the %s needed to learn background", span.Round(time.Minute), l.minHistory)
	}
	p := l.kinds[k]
	p.summarise()
	hoursTotal := float64(l.hour(l.last) + 1)
	daysTotal := math.Ceil(hoursTotal / 24)
	days, before := p.days(e.start, l)
	s, why := float64(len(p.hours))/hoursTotal, fmt.Sprintf("present on %s in %d of %d hours", k.victim, len(p.hours), int(hoursTotal))
	if f := float64(days) / daysTotal; days >= 2 && f > s {
		s, why = f, fmt.Sprintf("present on %s on %d of %d days", k.victim, days, int(daysTotal))
	}
	if p.periodic && 0.9 > s {
		s, why = 0.9, fmt.Sprintf("periodic on %s, about every %s", k.victim, p.period.Round(time.Second))
	}
	if before >= 2 && 0.55 > s {
		s, why = 0.55, fmt.Sprintf("seen on %s on %d days before this episode", k.victim, before)
	}
	usual := p.usual
	rate := float64(e.alerts) / float64(l.hour(e.end)-l.hour(e.start)+1)
	if usual > 0 && rate >= l.burst*usual {
		return min(s, 0.2), fmt.Sprintf("%s, but at %.0f alerts/h, %.0f× its usual %.1f/h: a burst", why, rate, rate/usual, usual)
	}
	return s, why
}

// days returns on how many days the kind was seen, and on how many of those
// before the day of t.
func (p *profile) days(t time.Time, l *learner) (all, before int) {
	today := l.hour(t) / 24
	before, _ = slices.BinarySearch(p.dayList, today)
	return len(p.dayList), before
}

// usualRate is the median alerts per active hour.
func (p *profile) usualRate() float64 {
	v := make([]float64, 0, len(p.hours))
	for _, n := range p.hours {
		v = append(v, n)
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// periodic reports whether the kind's micro-episodes start at regular
// intervals (at least six, coefficient of variation under 0.25).
func (p *profile) findPeriod() (time.Duration, bool) {
	if len(p.starts) < 7 {
		return 0, false
	}
	s := slices.Clone(p.starts)
	slices.SortFunc(s, time.Time.Compare)
	var sum, sq float64
	n := float64(len(s) - 1)
	for i := 1; i < len(s); i++ {
		d := s[i].Sub(s[i-1]).Seconds()
		sum += d
		sq += d * d
	}
	mean := sum / n
	if mean <= 0 {
		return 0, false
	}
	cv := math.Sqrt(max(sq/n-mean*mean, 0)) / mean
	return time.Duration(mean * float64(time.Second)), cv < 0.25
}

func orDur(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

func orFloat(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

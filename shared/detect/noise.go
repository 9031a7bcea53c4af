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
	slices.SortFunc(p.starts, time.Time.Compare)
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
//
// Presence is counted leaving the episode's onset out: the hour and the day
// it starts in, and its micro-episodes in that hour, are not evidence that
// it is usual (a long steady episode is: its later hours count).
// The score is then weighed by how much evidence the rest of the kind is:
// n other occurrences (micro-episodes, or hours filled) give n/(n+1), a prior of one occurrence that is not
// background, so that a kind seen twice elsewhere is not taken for the
// host's routine with the confidence of one seen every hour.
func (l *learner) score(k kindKey, e *episodeAcc) (float64, string) {
	span := l.last.Sub(l.first)
	if span < l.minHistory {
		return 0, fmt.Sprintf("input spans %s, less than the %s needed to learn background", span.Round(time.Minute), l.minHistory)
	}
	p := l.kinds[k]
	p.summarise()
	hoursTotal := l.hour(l.last) + 1
	daysTotal := (hoursTotal + 23) / 24
	days, before := p.days(e.start, l)
	otherHours := max(int64(len(p.hours))-1, 0)
	// Evidence: the kind's micro-episodes after the onset hour, or the
	// hours it fills, whichever is more (one steady stream is one
	// micro-episode over many hours).
	others := max(len(p.starts)-p.within(e.start, e.start.Add(time.Hour)), int(otherHours))
	if others <= 0 {
		return 0, fmt.Sprintf("the only occurrence of its kind on %s", k.victim)
	}
	s := float64(otherHours) / float64(max(hoursTotal-1, 1))
	why := fmt.Sprintf("present on %s in %d other of %d hours", k.victim, otherHours, hoursTotal)
	if daysTotal > 1 {
		if f := float64(days-1) / float64(daysTotal-1); days >= 2 && f > s {
			s, why = f, fmt.Sprintf("present on %s on %d other of %d days", k.victim, days-1, daysTotal)
		}
	}
	if p.periodic && 0.9 > s {
		s, why = 0.9, fmt.Sprintf("periodic on %s, about every %s", k.victim, p.period.Round(time.Second))
	}
	if before >= 2 && 0.55 > s {
		s, why = 0.55, fmt.Sprintf("seen on %s on %d days before this episode", k.victim, before)
	}
	if w := float64(others) / float64(others+1); w < 0.95 {
		s *= w
		why = fmt.Sprintf("%s (from %d other occurrences)", why, others)
	}
	if n := p.sameTimeDays(e.start); n >= routineDays && routineScore > s {
		s, why = routineScore, fmt.Sprintf("seen on %s on %d other days at this time of day (±%s): a scheduled routine", k.victim, n, routineSlack)
	}
	usual := p.usual
	rate := float64(e.alerts) / float64(l.hour(e.end)-l.hour(e.start)+1)
	if usual > 0 && rate >= l.burst*usual {
		return min(s, 0.2), fmt.Sprintf("%s, but at %.0f alerts/h, %.0f× its usual %.1f/h: a burst", why, rate, rate/usual, usual)
	}
	return s, why
}

// A kind that recurs at the same time of day on other days is a scheduled
// routine (a cron job, a nightly restart of the monitoring, a backup),
// however rare: routineDays other days within routineSlack of the
// episode's time of day, looked for up to routineWeek days either side.
const (
	routineDays  = 2
	routineSlack = 30 * time.Minute
	routineWeek  = 7
	routineScore = 0.6
)

// sameTimeDays counts the other days, up to routineWeek either side, on
// which the kind started within routineSlack of t's time of day.
func (p *profile) sameTimeDays(t time.Time) int {
	n := 0
	for d := -routineWeek; d <= routineWeek; d++ {
		if d == 0 {
			continue
		}
		at := t.AddDate(0, 0, d)
		i, _ := slices.BinarySearchFunc(p.starts, at.Add(-routineSlack), time.Time.Compare)
		if i < len(p.starts) && !p.starts[i].After(at.Add(routineSlack)) {
			n++
		}
	}
	return n
}

// within counts the kind's micro-episodes that start between from and to.
func (p *profile) within(from, to time.Time) int {
	i, _ := slices.BinarySearchFunc(p.starts, from, time.Time.Compare)
	j, _ := slices.BinarySearchFunc(p.starts, to.Add(1), time.Time.Compare)
	return j - i
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
	s := p.starts // sorted by summarise
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

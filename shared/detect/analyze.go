package detect

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// ctxEvery is how many alerts pass between two checks of the context.
const ctxEvery = 4096

// analyzer holds the state of one Analyze call.
type analyzer struct {
	ctx        context.Context
	t          *tables
	log        *slog.Logger
	noiseCat   map[string]bool
	noiseAddr  map[string]bool
	cache      map[[2]string]mapping // (signature, classtype) -> mapping
	g          *grouper
	unmapped   map[string]*SignatureCount
	stats      Stats
	seen       int
	first      time.Time
	last       time.Time
	settingGap time.Duration
	home       HomeNet
}

// Analyze reads the alerts of r (any form package alerts reads), maps each
// to an ATT&CK tactic, tells attacker from victim, groups alerts into
// episodes and ranks the victims by the most advanced stage reached.
//
// Errors from reading are returned as they are wrapped by package alerts
// (errors.Is works for alerts.ErrNoAlerts and alerts.ErrNotEVE); a Result
// is returned only without error.
func Analyze(ctx context.Context, r io.Reader, cfg Config) (*Result, error) {
	t, err := loadTables()
	if err != nil {
		return nil, fmt.Errorf("analyze alerts: %w", err)
	}
	an := newAnalyzer(ctx, t, cfg)
	st, err := alerts.Read(r, an.handle)
	an.stats.Records = st.Records
	an.stats.AlertsRead = st.Alerts
	an.stats.SkippedEvents = st.Skipped
	an.stats.Malformed = st.Malformed
	an.stats.MalformedSamples = st.MalformedSamples
	if err != nil {
		return nil, fmt.Errorf("analyze alerts: %w", err)
	}
	res := an.result(cfg)
	an.log.Debug("alerts analysed", "alerts", st.Alerts, "episodes", len(res.Episodes),
		"victims", len(res.Victims), "noise", an.stats.Noise, "unmapped", an.stats.Unmapped)
	return res, nil
}

func newAnalyzer(ctx context.Context, t *tables, cfg Config) *analyzer {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	gap := cfg.Gap
	if gap <= 0 {
		gap = DefaultGap
	}
	return &analyzer{
		ctx:        ctx,
		t:          t,
		log:        log,
		noiseCat:   set(orDefault(cfg.NoiseCategories, DefaultNoiseCategories)),
		noiseAddr:  set(orDefault(cfg.NoiseAddresses, DefaultNoiseAddresses)),
		cache:      map[[2]string]mapping{},
		g:          newGrouper(gap),
		unmapped:   map[string]*SignatureCount{},
		stats:      Stats{MappedBy: map[string]int{}, DirectionBy: map[string]int{}},
		settingGap: gap,
		home:       cfg.HomeNet,
	}
}

func orDefault(v, def []string) []string {
	if v == nil {
		return def
	}
	return v
}

func set(v []string) map[string]bool {
	m := make(map[string]bool, len(v))
	for _, s := range v {
		m[s] = true
	}
	return m
}

// handle takes one alert from alerts.Read.
func (an *analyzer) handle(a *alerts.Alert) error {
	an.seen++
	if an.seen%ctxEvery == 0 {
		if err := an.ctx.Err(); err != nil {
			return err
		}
	}
	if an.noiseCat[a.Category] || an.noiseAddr[a.SrcIP] || an.noiseAddr[a.DestIP] {
		an.stats.Noise++
		return nil
	}
	m := an.classify(a)
	switch m.tactic {
	case noTactic:
		an.stats.Benign++
		return nil
	case unmapped:
		an.countUnmapped(a)
		return nil
	}

	attacker, victim, how := an.t.roles(a)
	if !an.home.Contains(victim) {
		an.stats.OutsideHomeNet++
		return nil
	}
	an.stats.DirectionBy[how]++
	an.stats.MappedBy[m.via]++
	an.stats.InEpisodes++
	an.g.add(groupKey{attacker: attacker, victim: victim, tactic: m.tactic}, a, m)
	if an.first.IsZero() || a.Time.Before(an.first) {
		an.first = a.Time
	}
	if a.Time.After(an.last) {
		an.last = a.Time
	}
	return nil
}

func (an *analyzer) classify(a *alerts.Alert) mapping {
	k := [2]string{a.Signature, a.Category}
	m, ok := an.cache[k]
	if !ok {
		m = an.t.classify(a.Signature, a.Category)
		an.cache[k] = m
		an.log.Debug("signature mapped", "signature", a.Signature, "category", a.Category,
			"tactic", an.tacticName(m.tactic), "mapped_by", m.via)
	}
	return m
}

func (an *analyzer) tacticName(idx int) string {
	switch idx {
	case noTactic:
		return "none"
	case unmapped:
		return "unmapped"
	}
	return an.t.tactics[idx].Shortname
}

func (an *analyzer) countUnmapped(a *alerts.Alert) {
	an.stats.Unmapped++
	sc := an.unmapped[a.Signature]
	if sc == nil {
		sc = &SignatureCount{Signature: a.Signature, SignatureID: a.SignatureID, Category: a.Category}
		an.unmapped[a.Signature] = sc
	}
	sc.Count++
}

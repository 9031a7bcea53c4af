package detect

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/alerts"
)

// ctxEvery is how many alerts pass between two checks of the context.
const ctxEvery = 4096

// analyzer holds the state of one Analyze call.
type analyzer struct {
	ctx       context.Context
	t         *tables
	log       *slog.Logger
	cfg       Config
	noiseCat  map[string]bool
	noiseAddr map[string]bool
	cache     map[mapKey]mapping
	recent    [64]classEntry // see classify
	g         *grouper
	unmapped  map[string]*SignatureCount
	stats     Stats
	seen      int
	first     time.Time
	last      time.Time
}

// mapKey is what the mapping of an alert depends on.
type mapKey struct{ tool, sig, category, tactic string }

// classEntry is one entry of the cache classify keeps in front of its map.
type classEntry struct {
	key mapKey
	m   mapping
	ok  bool
}

// Analyze reads the alerts of r (any form package alerts reads), maps each
// to an ATT&CK tactic, tells attacker from victim, groups alerts into
// episodes with an adaptive gap, scores each episode against the
// background learned from the input, decodes each victim's stage sequence,
// and finds patterns across hosts.
//
// Errors from reading are returned as they are wrapped by package alerts
// (errors.Is works for alerts.ErrNoAlerts and alerts.ErrUnknownFormat); a
// Result is returned only without error.
func Analyze(ctx context.Context, r io.Reader, cfg Config) (*Result, error) {
	return analyze(ctx, func(fn func(*alerts.Alert) error) (alerts.Stats, error) { return alerts.Read(r, fn) }, cfg)
}

// AnalyzePath is Analyze on a file or a folder of alert files (alerts.ReadPath).
func AnalyzePath(ctx context.Context, path string, cfg Config) (*Result, error) {
	return analyze(ctx, func(fn func(*alerts.Alert) error) (alerts.Stats, error) { return alerts.ReadPath(path, fn) }, cfg)
}

func analyze(ctx context.Context, read func(func(*alerts.Alert) error) (alerts.Stats, error), cfg Config) (*Result, error) {
	t, err := loadTables()
	if err != nil {
		return nil, fmt.Errorf("analyze alerts: %w", err)
	}
	an := newAnalyzer(ctx, t, cfg)
	st, err := read(an.handle)
	an.stats.Records = st.Records
	an.stats.AlertsRead = st.Alerts
	an.stats.Formats = st.Formats
	an.stats.Files = st.Files
	an.stats.SkippedFiles = st.SkippedFiles
	an.stats.SkippedEvents = st.Skipped
	an.stats.Malformed = st.Malformed
	an.stats.MalformedSamples = st.MalformedSamples
	an.stats.Truncated = st.Truncated
	if err != nil {
		return nil, fmt.Errorf("analyze alerts: %w", err)
	}
	res := an.result()
	an.log.Debug("alerts analysed", "alerts", st.Alerts, "episodes", len(res.Episodes),
		"shown", res.Stats.EpisodesShown, "victims", len(res.Victims), "noise", an.stats.Noise, "unmapped", an.stats.Unmapped)
	return res, nil
}

func newAnalyzer(ctx context.Context, t *tables, cfg Config) *analyzer {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Gap = orDur(cfg.Gap, DefaultGap)
	cfg.MinGap = min(orDur(cfg.MinGap, DefaultMinGap), cfg.Gap)
	cfg.GapFactor = orFloat(cfg.GapFactor, DefaultGapFactor)
	cfg.MinHistory = orDur(cfg.MinHistory, DefaultMinHistory)
	cfg.SuppressAt = orFloat(cfg.SuppressAt, DefaultSuppressAt)
	cfg.BurstFactor = orFloat(cfg.BurstFactor, DefaultBurstFactor)
	cfg.NoiseCategories = nonNil(orDefault(cfg.NoiseCategories, DefaultNoiseCategories))
	cfg.NoiseAddresses = nonNil(orDefault(cfg.NoiseAddresses, DefaultNoiseAddresses))
	return &analyzer{
		ctx:       ctx,
		t:         t,
		log:       log,
		cfg:       cfg,
		noiseCat:  set(cfg.NoiseCategories),
		noiseAddr: set(cfg.NoiseAddresses),
		cache:     map[mapKey]mapping{},
		g:         newGrouper(cfg.MinGap),
		unmapped:  map[string]*SignatureCount{},
		stats:     Stats{MappedBy: map[string]int{}, DirectionBy: map[string]int{}},
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

// handle takes one alert from the reader.
func (an *analyzer) handle(a *alerts.Alert) error {
	an.seen++
	if an.seen%ctxEvery == 0 {
		if err := an.ctx.Err(); err != nil {
			return err
		}
	}
	if an.cfg.Host != "" && !names(a, an.cfg.Host) {
		an.stats.OutsideHost++
		return nil
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
	}
	attacker, victim, how := rolesOf(a, m.victimIsSrc)
	if !an.cfg.HomeNet.Contains(victim) {
		an.stats.OutsideHomeNet++
		return nil
	}
	an.stats.DirectionBy[how]++
	an.stats.MappedBy[cmp.Or(m.via, "unknown")]++
	an.stats.InEpisodes++
	an.g.add(groupKey{attacker: attacker, victim: victim, tool: a.Tool, sig: a.Signature, tactic: m.tactic}, a, m)
	if an.first.IsZero() || a.Time.Before(an.first) {
		an.first = a.Time
	}
	if a.Time.After(an.last) {
		an.last = a.Time
	}
	return nil
}

// names reports whether the alert names host at either end or as the
// reporting host; host names compare without case.
func names(a *alerts.Alert, host string) bool {
	return a.SrcIP == host || a.DestIP == host || a.HostIP == host || strings.EqualFold(a.Host, host)
}

// classify maps an alert to a tactic through a cache by tool, signature,
// category and the tool's own tactic. A small table of recent entries,
// looked up by the signature's length and last byte, answers most alerts
// before the map: comparing the reader's interned strings with an entry's
// is cheaper than hashing four strings for the map.
func (an *analyzer) classify(a *alerts.Alert) mapping {
	k := mapKey{tool: a.Tool, sig: a.Signature, category: a.Category}
	if len(a.Tactics) > 0 {
		k.tactic = a.Tactics[0]
	}
	slot := &an.recent[0]
	if n := len(k.sig); n > 0 {
		slot = &an.recent[(n*7+int(k.sig[n-1]))%len(an.recent)]
	}
	if slot.ok && slot.key == k {
		return slot.m
	}
	m, ok := an.cache[k]
	if !ok {
		m = an.t.classifyAlert(a)
		m.victimIsSrc = an.t.victimIsSender(a.Signature)
		an.cache[k] = m
		an.log.Debug("signature mapped", "tool", a.Tool, "signature", a.Signature, "category", a.Category,
			"tactic", an.tacticName(m.tactic), "mapped_by", m.via)
	}
	*slot = classEntry{key: k, m: m, ok: true}
	return m
}

func (an *analyzer) tacticName(idx int) string {
	switch idx {
	case noTactic:
		return "none"
	case unmapped:
		return "unknown"
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

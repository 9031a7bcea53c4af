package detect

import (
	"log/slog"
	"time"
)

// Defaults used when the Config fields are zero.
const (
	// DefaultGap is the longest quiet time an episode may span (the cap of
	// the adaptive gap).
	DefaultGap = 60 * time.Minute
	// DefaultMinGap is the shortest gap, and the one alerts are first
	// grouped with while they stream in.
	DefaultMinGap = time.Minute
	// DefaultGapFactor times a group's median time between alerts is its gap.
	DefaultGapFactor = 10.0
	// DefaultMinHistory is the shortest input from which background is
	// learned: with less, nothing is suppressed.
	DefaultMinHistory = 24 * time.Hour
	// DefaultSuppressAt is the noise score from which an episode is suppressed.
	DefaultSuppressAt = 0.5
	// DefaultBurstFactor: an episode this many times above its kind's usual
	// hourly rate on the host is a burst, never background.
	DefaultBurstFactor = 10.0
	// DefaultMaxEpisodes is how many episodes Result.Episodes lists at
	// most: more than a person reads, few enough for a report.
	DefaultMaxEpisodes = 5000
)

// Defaults for the noise filters, used when the Config fields are nil.
var (
	DefaultNoiseCategories = []string{"Not Suspicious Traffic"}
	// 169.254.169.254 is the cloud instance-metadata address: traffic to it
	// is the platform's own, not an attack.
	DefaultNoiseAddresses = []string{"169.254.169.254"}
)

// Config tunes Analyze; the zero value gives the defaults.
type Config struct {
	// Gap caps the adaptive gap: a silence longer than this between two
	// alerts of one group always starts a new episode. Zero means DefaultGap.
	Gap time.Duration
	// MinGap is the smallest gap; zero means DefaultMinGap.
	MinGap time.Duration
	// GapFactor scales a group's median time between alerts into its gap;
	// zero means DefaultGapFactor.
	GapFactor float64
	// MinHistory, SuppressAt and BurstFactor tune false-positive
	// suppression; zero means the defaults. A negative SuppressAt turns
	// suppression off.
	MinHistory  time.Duration
	SuppressAt  float64
	BurstFactor float64
	// NoiseCategories are classtypes dropped as noise; nil means
	// DefaultNoiseCategories, an empty non-nil slice drops none.
	NoiseCategories []string
	// NoiseAddresses are addresses whose alerts (either end) are dropped
	// as noise; nil means DefaultNoiseAddresses, empty non-nil drops none.
	NoiseAddresses []string
	// HomeNet is the defended network: a host outside it is never reported as a victim, and
	// alerts whose victim end is outside are counted as outside_home_net. The zero value is
	// every address.
	HomeNet HomeNet
	// Host, when set, keeps only the alerts that name it (an address or a
	// host name, at either end or as the reporting host): the report then
	// covers that host only.
	Host string
	// MaxEpisodes caps Result.Episodes; zero means DefaultMaxEpisodes, a
	// negative value lists every episode. Over the cap, the episodes of the
	// most advanced tactic, and of those the ones with most alerts, are
	// listed (in time order); Stats.EpisodesOmitted counts the others.
	// Victims, stages and patterns are made from every episode whatever
	// the cap.
	MaxEpisodes int
	// ListSuppressed lists the suppressed episodes in Result.Episodes too,
	// each with its Suppressed flag, numbered with the others in time order
	// (for a scorer that needs every episode). Without it they are only
	// summarised in Result.Background.
	ListSuppressed bool
	// Logger receives debug lines; nil means no logging.
	Logger *slog.Logger
}

// Result is the analysis of one alert input, shaped as a report for an
// analyst: the Cortex analyzer puts it in its report as it is.
type Result struct {
	// Summary is one line for the analyst, e.g. for a short report.
	Summary string `json:"summary"`
	// Victims are the hosts with episodes that are not suppressed, the most
	// advanced stage first.
	Victims   []Victim `json:"victims"`
	Attackers []string `json:"attackers"`
	// Episodes are the episodes left to read, in time order, up to
	// Config.MaxEpisodes (the suppressed ones too with
	// Config.ListSuppressed). The victims' episode IDs refer to them; an
	// ID missing here is one the cap left out.
	Episodes []Episode `json:"episodes"`
	// Background sums the suppressed episodes per kind of alert and
	// victim, most alerts first.
	Background []Background `json:"background"`
	// Patterns are stage sequences seen across hosts.
	Patterns []Pattern `json:"patterns"`
	// Unmapped lists signatures no table knew, most frequent first: their
	// alerts are grouped with the tactic "unknown", and the sequence model
	// infers a stage for them; extend the tables to cover them.
	Unmapped []SignatureCount `json:"unmapped_signatures,omitempty"`
	Settings Settings         `json:"settings"`
	Stats    Stats            `json:"stats"`
}

// Victim is one attacked host and how far the attack on it got.
type Victim struct {
	IP string `json:"ip"`
	// Stage is the most advanced tactic (highest matrix order) among
	// Stages: what the evidence shows, however brief.
	Stage Tactic `json:"stage"`
	// CurrentStage is the state the sequence ends in, with the model's
	// probability of it given all the host's episodes.
	CurrentStage CurrentStage `json:"current_stage"`
	// Sequence is the decoded stages in time order; a tactic may come back
	// (attacks go back and forth).
	Sequence []SequenceStep `json:"sequence"`
	// Stages sums the episodes per tactic, in matrix order: the tables'
	// tactic of each episode, or its decoded stage where no table knew it.
	Stages    []StageReached `json:"stages"`
	Attackers []string       `json:"attackers"`
	Alerts    int            `json:"alerts"`
	FirstSeen time.Time      `json:"first_seen"`
	LastSeen  time.Time      `json:"last_seen"`
	Hostnames []string       `json:"hostnames,omitempty"`
	// C2Names are the hostnames of the victim's command-and-control episodes.
	C2Names []string `json:"c2_names,omitempty"`
}

// CurrentStage is the last decoded stage of a host and its probability.
type CurrentStage struct {
	Tactic
	Probability float64 `json:"probability"`
}

// SequenceStep is one run of episodes decoded as the same stage.
type SequenceStep struct {
	Tactic     Tactic    `json:"tactic"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
	Alerts     int       `json:"alerts"`
	EpisodeIDs []int     `json:"episode_ids"`
}

// StageReached is one tactic seen against a victim.
type StageReached struct {
	Tactic     Tactic    `json:"tactic"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
	Alerts     int       `json:"alerts"`
	EpisodeIDs []int     `json:"episode_ids"`
}

// Episode is a burst of alerts of one kind (tool and signature) from one
// attacker against one victim, with no silence longer than its gap inside.
type Episode struct {
	// ID numbers the episodes in time order from 1: the episodes left to
	// read, or with Config.ListSuppressed every episode.
	ID       int    `json:"id"`
	Attacker string `json:"attacker"`
	Victim   string `json:"victim"`
	Tool     string `json:"tool"`
	// Tactic is what the tables say the alerts are evidence of ("unknown"
	// when no table knew them); Stage is what the sequence model decoded.
	Tactic     Tactic           `json:"tactic"`
	Stage      Tactic           `json:"stage"`
	Start      time.Time        `json:"start"`
	End        time.Time        `json:"end"`
	Alerts     int              `json:"alerts"`
	GapSeconds float64          `json:"gap_s"`
	Signatures []SignatureCount `json:"signatures"`
	Hostnames  []string         `json:"hostnames,omitempty"`
	// NoiseScore (0 to 1) is how much the episode looks like the host's
	// background, with the reason; Suppressed when it reached the threshold.
	NoiseScore  float64 `json:"noise_score"`
	NoiseReason string  `json:"noise_reason"`
	Suppressed  bool    `json:"suppressed"`
}

// Background is the suppressed episodes of one kind of alert (tool and
// signature) on one victim, whoever the attacker: what the analyst is
// spared reading, summed.
type Background struct {
	Victim    string `json:"victim"`
	Tool      string `json:"tool"`
	Signature string `json:"signature"`
	// Tactic is the tables' tactic of the kind (the most advanced, if its
	// alerts were mapped to several).
	Tactic    Tactic    `json:"tactic"`
	Attackers int       `json:"attackers"`
	Episodes  int       `json:"episodes"`
	Alerts    int       `json:"alerts"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	// MinScore and MaxScore bound the episodes' noise scores; Reason is
	// the reason most of them were given.
	MinScore float64 `json:"min_noise_score"`
	MaxScore float64 `json:"max_noise_score"`
	Reason   string  `json:"noise_reason"`
}

// Pattern is a stage sequence that links hosts.
type Pattern struct {
	// Kind is "same_sequence" (several victims went through the same
	// stages) or "victim_became_source" (a victim later attacked others:
	// lateral movement).
	Kind     string   `json:"kind"`
	Sequence []string `json:"sequence,omitempty"`
	Hosts    []string `json:"hosts"`
	// For victim_became_source: when the host was first attacked, when it
	// first attacked, and whom.
	VictimSince time.Time `json:"victim_since,omitzero"`
	SourceSince time.Time `json:"source_since,omitzero"`
	Targets     []string  `json:"targets,omitempty"`
}

// SignatureCount is one signature with the number of its alerts.
type SignatureCount struct {
	Signature   string `json:"signature"`
	SignatureID int64  `json:"signature_id"`
	Category    string `json:"category,omitempty"`
	Count       int    `json:"count"`
	// MappedBy names the table that gave the tactic: signature_override,
	// sage_signature, prefix, classtype, tool_mitre or rule_table.
	MappedBy  string `json:"mapped_by,omitempty"`
	SAGEStage string `json:"sage_stage,omitempty"`
}

// Settings echoes the configuration the result was made with.
type Settings struct {
	Gap             string   `json:"gap"`
	MinGap          string   `json:"min_gap"`
	GapFactor       float64  `json:"gap_factor"`
	MinHistory      string   `json:"min_history"`
	SuppressAt      float64  `json:"suppress_at"`
	BurstFactor     float64  `json:"burst_factor"`
	NoiseCategories []string `json:"noise_categories"`
	NoiseAddresses  []string `json:"noise_addresses"`
	HomeNet         string   `json:"home_net"`
	Host            string   `json:"host,omitempty"`
	MaxEpisodes     int      `json:"max_episodes"` // -1: no cap
	ListSuppressed  bool     `json:"list_suppressed"`
}

// Stats counts what happened to the input.
type Stats struct {
	Records          int            `json:"records"`
	AlertsRead       int            `json:"alerts_read"`
	Formats          map[string]int `json:"formats"`
	Files            int            `json:"files"`
	SkippedFiles     int            `json:"skipped_files"`
	SkippedEvents    int            `json:"skipped_events"` // EVE events that are not alerts
	Malformed        int            `json:"malformed"`
	Truncated        bool           `json:"truncated,omitempty"` // an input ended early (alerts.Stats.Truncated)
	MalformedSamples []string       `json:"malformed_samples,omitempty"`
	Noise            int            `json:"noise"`            // dropped by the noise filters
	OutsideHost      int            `json:"outside_host"`     // not naming Config.Host
	OutsideHomeNet   int            `json:"outside_home_net"` // victim end outside Config.HomeNet
	Benign           int            `json:"benign"`           // mapped to no tactic
	Unmapped         int            `json:"unmapped"`         // no table knew the signature (grouped as unknown)
	InEpisodes       int            `json:"in_episodes"`
	// Suppressed counts the episodes and alerts suppressed as background;
	// EpisodesShown the episodes left for a person to read; EpisodesOmitted
	// those of the listing that Config.MaxEpisodes left out.
	EpisodesSuppressed int `json:"episodes_suppressed"`
	AlertsSuppressed   int `json:"alerts_suppressed"`
	EpisodesShown      int `json:"episodes_shown"`
	EpisodesOmitted    int `json:"episodes_omitted"`
	// MappedBy counts grouped alerts by the table that gave the tactic.
	MappedBy map[string]int `json:"mapped_by"`
	// DirectionBy counts grouped alerts by the rule that told attacker from
	// victim: target_keyword, victim_is_sender, sender_is_attacker or host_log.
	DirectionBy map[string]int `json:"direction_by"`
	FirstAlert  time.Time      `json:"first_alert"`
	LastAlert   time.Time      `json:"last_alert"`
}

// Victim returns the victim with address ip, or nil.
func (r *Result) Victim(ip string) *Victim {
	for i := range r.Victims {
		if r.Victims[i].IP == ip {
			return &r.Victims[i]
		}
	}
	return nil
}

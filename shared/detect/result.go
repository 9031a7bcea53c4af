package detect

import (
	"log/slog"
	"time"
)

// DefaultGap is the quiet time that ends an episode when Config.Gap is zero.
const DefaultGap = 10 * time.Minute

// Defaults for the noise filters, used when the Config fields are nil.
var (
	DefaultNoiseCategories = []string{"Not Suspicious Traffic"}
	// 169.254.169.254 is the cloud instance-metadata address: traffic to it
	// is the platform's own, not an attack.
	DefaultNoiseAddresses = []string{"169.254.169.254"}
)

// Config tunes Analyze; the zero value gives the defaults.
type Config struct {
	// Gap is the longest quiet time inside one episode; a longer silence
	// between two alerts of the same attacker, victim and tactic starts a
	// new episode. Zero means DefaultGap.
	Gap time.Duration
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
	// Logger receives debug lines; nil means no logging.
	Logger *slog.Logger
}

// Result is the analysis of one alert file, shaped as a report for an
// analyst: the Cortex analyzer puts it in its report as it is.
type Result struct {
	// Summary is one line for the analyst, e.g. for a short report.
	Summary   string    `json:"summary"`
	Victims   []Victim  `json:"victims"`
	Attackers []string  `json:"attackers"`
	Episodes  []Episode `json:"episodes"`
	// Unmapped lists signatures no table knew, most frequent first: the
	// alerts are counted, not grouped; extend the tables to cover them.
	Unmapped []SignatureCount `json:"unmapped_signatures,omitempty"`
	Settings Settings         `json:"settings"`
	Stats    Stats            `json:"stats"`
}

// Victim is one attacked host and how far the attack on it got.
type Victim struct {
	IP string `json:"ip"`
	// Stage is the most advanced tactic reached: the highest matrix
	// order among the victim's episodes.
	Stage     Tactic         `json:"stage"`
	Stages    []StageReached `json:"stages"`
	Attackers []string       `json:"attackers"`
	Alerts    int            `json:"alerts"`
	FirstSeen time.Time      `json:"first_seen"`
	LastSeen  time.Time      `json:"last_seen"`
	Hostnames []string       `json:"hostnames,omitempty"`
	// C2Names are the hostnames of the victim's command-and-control episodes.
	C2Names []string `json:"c2_names,omitempty"`
}

// StageReached is one tactic seen against a victim.
type StageReached struct {
	Tactic     Tactic    `json:"tactic"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
	Alerts     int       `json:"alerts"`
	EpisodeIDs []int     `json:"episode_ids"`
}

// Episode is a burst of alerts of one attacker against one victim for one
// tactic, with no silence longer than the gap inside.
type Episode struct {
	ID         int              `json:"id"`
	Attacker   string           `json:"attacker"`
	Victim     string           `json:"victim"`
	Tactic     Tactic           `json:"tactic"`
	Start      time.Time        `json:"start"`
	End        time.Time        `json:"end"`
	Alerts     int              `json:"alerts"`
	Signatures []SignatureCount `json:"signatures"`
	Hostnames  []string         `json:"hostnames,omitempty"`
}

// SignatureCount is one signature with the number of its alerts.
type SignatureCount struct {
	Signature   string `json:"signature"`
	SignatureID int64  `json:"signature_id"`
	Category    string `json:"category,omitempty"`
	Count       int    `json:"count"`
	// MappedBy names the table that gave the tactic: signature_override,
	// sage_signature, prefix or classtype.
	MappedBy  string `json:"mapped_by,omitempty"`
	SAGEStage string `json:"sage_stage,omitempty"`
}

// Settings echoes the configuration the result was made with.
type Settings struct {
	Gap             string   `json:"gap"`
	NoiseCategories []string `json:"noise_categories"`
	NoiseAddresses  []string `json:"noise_addresses"`
	HomeNet         string   `json:"home_net"`
}

// Stats counts what happened to the input.
type Stats struct {
	Records          int      `json:"records"`
	AlertsRead       int      `json:"alerts_read"`
	SkippedEvents    int      `json:"skipped_events"` // EVE events that are not alerts
	Malformed        int      `json:"malformed"`
	MalformedSamples []string `json:"malformed_samples,omitempty"`
	Noise            int      `json:"noise"`            // dropped by the noise filters
	OutsideHomeNet   int      `json:"outside_home_net"` // victim end outside Config.HomeNet
	Benign           int      `json:"benign"`           // mapped to no tactic
	Unmapped         int      `json:"unmapped"`         // no table knew the signature
	InEpisodes       int      `json:"in_episodes"`
	// MappedBy counts grouped alerts by the table that gave the tactic.
	MappedBy map[string]int `json:"mapped_by"`
	// DirectionBy counts grouped alerts by the rule that told attacker from
	// victim: target_keyword, victim_is_sender or sender_is_attacker.
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

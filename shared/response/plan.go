package response

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// DefaultActuatorURL is where the openc2-http commands go when
// Config.ActuatorURL is empty.
const DefaultActuatorURL = "https://openc2.example.internal/openc2"

// DefaultDenyDuration is how long a deny lasts when Config.DenyDuration is
// zero.
const DefaultDenyDuration = 24 * time.Hour

// Kind is the kind of a course of action.
type Kind string

// The CoA kinds the planner proposes.
const (
	KindContainHost  Kind = "contain_host"
	KindDenyAttacker Kind = "deny_attacker"
	KindBlockC2Name  Kind = "block_c2_name"
)

// Incident is what the planner knows about a compromise.
type Incident struct {
	// Host is the compromised host's IP address.
	Host string `json:"host"`
	// Hostname and DeviceID identify the host to the EDR; optional.
	Hostname string `json:"hostname,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	// Stage is an ATT&CK Enterprise tactic shortname ("lateral-movement").
	Stage string `json:"stage"`
	// Attackers are addresses or prefixes the attack came from or talks to.
	Attackers []string `json:"attackers,omitempty"`
	// C2Names are command-and-control domain names seen.
	C2Names []string `json:"c2_names,omitempty"`
}

// Config holds the site's choices; the zero value is usable.
type Config struct {
	// Protected networks are never blocked or contained.
	Protected []openc2.ProtectedNet
	// ProtectedDomains, and their subdomains, are never blocked.
	ProtectedDomains []string
	// ActuatorURL is the OpenC2 consumer; empty means DefaultActuatorURL.
	ActuatorURL string
	// From names the producer in OpenC2 headers; empty means "soccrates".
	From string
	// DenyDuration is how long denials last; zero means
	// DefaultDenyDuration.
	DenyDuration time.Duration
	// Permitted and PermittedNames stay reachable from a contained host
	// (DNS, the EDR manager).
	Permitted      []netip.Prefix
	PermittedNames []string
	// Now and NewID make the plan reproducible; nil means time.Now and
	// cacao.NewUUID.
	Now   func() time.Time
	NewID func() string
	// Logger receives one debug record per decision; nil discards them.
	Logger *slog.Logger
}

// Result is the plan, ready for a Cortex report's full section.
type Result struct {
	Host  string `json:"host"`
	Stage string `json:"stage"`
	CoAs  []CoA  `json:"coas"`
	// DenyAddresses and BlockNames are the accepted targets, for a
	// workflow that only wants the lists.
	DenyAddresses []string `json:"deny_addresses"`
	BlockNames    []string `json:"block_names"`
	// Refused gathers the refusals of all CoAs.
	Refused    []Refusal       `json:"refused"`
	PlaybookID string          `json:"playbook_id"`
	Playbook   json.RawMessage `json:"playbook"`
	// RORI is the incident-wide part of the return on response
	// investment, set by Rank (or by the caller saying why it was not
	// computed); nil when nobody asked.
	RORI *Assessment `json:"rori,omitempty"`
}

// CoA is one course of action.
type CoA struct {
	ID        string           `json:"id"`
	Kind      Kind             `json:"kind"`
	Title     string           `json:"title"`
	Rationale string           `json:"rationale"`
	Targets   []string         `json:"targets"`
	Commands  []openc2.Command `json:"commands"`
	// RequestIDs are the OpenC2 request ids of Commands, in order; undo
	// finds the enforced rules by them.
	RequestIDs []string  `json:"request_ids"`
	Refused    []Refusal `json:"refused"`
	// StepID is the playbook action step that carries the CoA.
	StepID string `json:"step_id"`
	// Rank is the CoA's place by RORI, from 1, once Rank has run.
	Rank int `json:"rank,omitempty"`
	// RORI is the CoA's return on response investment with its inputs
	// and side effects, once Rank has run.
	RORI *CoARORI `json:"rori,omitempty"`
}

// Refusal is a target the planner would not act on, and why.
type Refusal struct {
	Target string `json:"target"`
	Reason string `json:"reason"`
}

// Plan proposes the CoAs for in and the playbook that carries them. It
// fails on an unusable incident (no valid host address, unknown stage) or
// configuration, never because a target was refused.
func Plan(ctx context.Context, in Incident, cfg Config) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plan response: %w", err)
	}
	cfg = cfg.withDefaults()
	host, err := netip.ParseAddr(in.Host)
	if err != nil {
		return nil, fmt.Errorf("plan response: host %q is not an IP address", in.Host)
	}
	host = host.Unmap()
	order, ok := stageOrder[in.Stage]
	if !ok {
		return nil, fmt.Errorf("plan response: unknown attack stage %q: want an ATT&CK tactic shortname such as lateral-movement", in.Stage)
	}
	p := planner{cfg: cfg, in: in, host: host, late: order >= stageOrder["lateral-movement"]}
	coas := p.coas()
	res := &Result{Host: host.String(), Stage: in.Stage, CoAs: coas,
		DenyAddresses: []string{}, BlockNames: []string{}, Refused: []Refusal{}}
	for i := range coas {
		coas[i].ID = fmt.Sprintf("coa-%d", i+1)
		res.Refused = append(res.Refused, coas[i].Refused...)
		switch coas[i].Kind {
		case KindDenyAttacker:
			res.DenyAddresses = append(res.DenyAddresses, coas[i].Targets...)
		case KindBlockC2Name:
			res.BlockNames = append(res.BlockNames, coas[i].Targets...)
		}
	}
	pb, err := p.playbook(res)
	if err != nil {
		return nil, fmt.Errorf("plan response: %w", err)
	}
	res.PlaybookID, res.Playbook = pb.id, pb.json
	cfg.Logger.Debug("response planned", "host", res.Host, "stage", in.Stage,
		"coas", len(coas), "refused", len(res.Refused))
	return res, nil
}

func (c Config) withDefaults() Config {
	if c.ActuatorURL == "" {
		c.ActuatorURL = DefaultActuatorURL
	}
	if c.From == "" {
		c.From = "soccrates"
	}
	if c.DenyDuration == 0 {
		c.DenyDuration = DefaultDenyDuration
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		c.NewID = cacao.NewUUID
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// stageOrder is the ATT&CK Enterprise tactic order.
var stageOrder = map[string]int{
	"reconnaissance": 1, "resource-development": 2, "initial-access": 3, "execution": 4,
	"persistence": 5, "privilege-escalation": 6, "defense-evasion": 7, "credential-access": 8,
	"discovery": 9, "lateral-movement": 10, "collection": 11, "command-and-control": 12,
	"exfiltration": 13, "impact": 14,
}

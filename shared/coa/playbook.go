package coa

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// PlaybookOptions say who carries out a proposal's playbook and how its ids and times are
// drawn (fixed ones make it reproducible).
type PlaybookOptions struct {
	// ActuatorURL is the OpenC2 consumer of the firewall restrictions; default
	// https://openc2.soccrates.local/.well-known/openc2.
	ActuatorURL string
	From        string // the OpenC2 producer; default "soccrates"
	Now         func() time.Time
	NewID       func() string
}

const defaultActuator = "https://openc2.soccrates.local/.well-known/openc2"

// playbook writes one action step per change: OpenC2 SLPF denies for the flows a change
// names, a manual step for the change management team otherwise.
func playbook(o PlaybookOptions, prop Proposal, changes []Change, currency string) (json.RawMessage, error) {
	if o.ActuatorURL == "" {
		o.ActuatorURL = defaultActuator
	}
	if o.From == "" {
		o.From = "soccrates"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = cacao.NewUUID
	}
	b := cacao.NewPlaybook(cacao.Options{
		Name: fmt.Sprintf("Courses of action within %.0f %s", prop.Budget, currency),
		Description: fmt.Sprintf("SOCCRATES course-of-action generator: %d planned change(s), %.0f %s, %.1f days to deploy, found by %s search.",
			len(changes), prop.Cost, currency, prop.Days, prop.Method),
		Types: []string{"mitigation"}, Labels: []string{"soccrates", "course-of-action"}, Now: o.Now, NewID: o.NewID,
	})
	agent, path, err := cacao.HTTPAgent("OpenC2 consumer", o.ActuatorURL)
	if err != nil {
		return nil, fmt.Errorf("actuator url: %w", err)
	}
	agentID := b.AddAgent(agent)
	teamID := b.AddAgent(cacao.AgentTarget{Type: "group", Name: "Change management"})
	to := []string{consumer(o.ActuatorURL)}
	for i, ch := range changes {
		name := fmt.Sprintf("Change %d: %s", i+1, prop.Defences[i])
		if len(ch.Flows) == 0 {
			b.AddAction(cacao.Action{Name: name, Description: ch.Text, Agent: teamID,
				Commands: []cacao.Command{cacao.Manual(ch.Text, name, "configure-systems")}})
			continue
		}
		cmds, err := denies(o, ch, path, to)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", prop.Defences[i], err)
		}
		b.AddAction(cacao.Action{Name: name, Description: ch.Text, Agent: agentID, Commands: cmds})
	}
	pb, err := b.Build()
	if err != nil {
		return nil, err
	}
	data, err := pb.JSON()
	if err != nil {
		return nil, err
	}
	return data, nil
}

func denies(o PlaybookOptions, ch Change, path string, to []string) ([]cacao.Command, error) {
	var out []cacao.Command
	for _, f := range ch.Flows {
		cmd, err := openc2.DenyConnection(f, openc2.SLPFOptions{})
		if err != nil {
			return nil, err
		}
		msg, err := openc2.NewMessage(cmd, o.NewID(), o.Now(), o.From, to)
		if err != nil {
			return nil, err
		}
		hc, err := cacao.OpenC2HTTP(msg, path, fmt.Sprintf("OpenC2 deny %s -> %s port %d", f.Src, f.Dst, f.DstPort), "restrict-access")
		if err != nil {
			return nil, err
		}
		out = append(out, hc)
	}
	return out, nil
}

// consumer is the host part of the actuator URL, the "to" of the OpenC2 messages.
func consumer(actuator string) string {
	if u, err := url.Parse(actuator); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return actuator
}

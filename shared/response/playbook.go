package response

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

type builtPlaybook struct {
	id   string
	json []byte
}

// stepTimeout bounds each automated step; an actuator that has not
// answered by then has failed.
const stepTimeout = 2 * time.Minute

// activities maps each CoA kind onto a CACAO playbook activity.
var activities = map[Kind]string{
	KindContainHost:  "disconnect-system",
	KindDenyAttacker: "restrict-access",
	KindBlockC2Name:  "restrict-access",
}

// playbook builds one action step per CoA, in CoA order: openc2-http
// commands where the CoA has commands, otherwise a manual step that tells
// the analyst what is missing. It sets each CoA's StepID.
func (p planner) playbook(res *Result) (builtPlaybook, error) {
	b := cacao.NewPlaybook(cacao.Options{
		Name: "Contain compromised host " + res.Host,
		Description: fmt.Sprintf("SOCCRATES response plan for %s at attack stage %s: %d course(s) of action.",
			res.Host, res.Stage, len(res.CoAs)),
		Types: []string{"mitigation"}, Labels: []string{"soccrates", "containment"},
		Now: p.cfg.Now, NewID: p.cfg.NewID,
	})
	agent, path, err := cacao.HTTPAgent("OpenC2 consumer", p.cfg.ActuatorURL)
	if err != nil {
		return builtPlaybook{}, fmt.Errorf("actuator url: %w", err)
	}
	agentID := b.AddAgent(agent)
	analystID := b.AddAgent(cacao.AgentTarget{Type: "individual", Name: "SOC analyst on duty"})
	hostID := b.AddTarget(p.hostTarget())
	to := []string{consumerName(p.cfg.ActuatorURL)}
	for i := range res.CoAs {
		c := &res.CoAs[i]
		if len(c.Commands) == 0 {
			c.StepID = b.AddAction(cacao.Action{Name: c.Title, Description: c.Rationale,
				Commands: []cacao.Command{manualFor(c)}, Agent: analystID})
			continue
		}
		cmds, err := p.openc2Commands(c, path, to)
		if err != nil {
			return builtPlaybook{}, fmt.Errorf("%s: %w", c.ID, err)
		}
		a := cacao.Action{Name: c.Title, Description: c.Rationale, Commands: cmds, Agent: agentID, Timeout: stepTimeout}
		if c.Kind == KindContainHost {
			a.Targets = []string{hostID}
		}
		c.StepID = b.AddAction(a)
	}
	pb, err := b.Build()
	if err != nil {
		return builtPlaybook{}, err
	}
	data, err := pb.JSON()
	if err != nil {
		return builtPlaybook{}, err
	}
	return builtPlaybook{id: pb.ID, json: data}, nil
}

func (p planner) openc2Commands(c *CoA, path string, to []string) ([]cacao.Command, error) {
	var out []cacao.Command
	for j, cmd := range c.Commands {
		msg, err := openc2.NewMessage(cmd, c.RequestIDs[j], p.cfg.Now(), p.cfg.From, to)
		if err != nil {
			return nil, err
		}
		desc := fmt.Sprintf("OpenC2 %s %s %s", cmd.Action, cmd.TargetName(), c.Targets[j])
		hc, err := cacao.OpenC2HTTP(msg, path, desc, activities[c.Kind])
		if err != nil {
			return nil, err
		}
		out = append(out, hc)
	}
	return out, nil
}

func (p planner) hostTarget() cacao.AgentTarget {
	var names []string
	if p.in.Hostname != "" {
		names = []string{p.in.Hostname}
	}
	return cacao.NetAddress("Compromised host "+p.host.String(), []netip.Addr{p.host}, names)
}

// manualFor tells the analyst why a CoA has no automated command.
func manualFor(c *CoA) cacao.Command {
	var text strings.Builder
	text.WriteString(c.Rationale)
	for _, r := range c.Refused {
		fmt.Fprintf(&text, " Refused %s: %s.", r.Target, r.Reason)
	}
	if len(c.Refused) > 0 {
		text.WriteString(" Decide by hand whether another measure applies.")
	}
	return cacao.Manual(text.String(), c.Title, activities[c.Kind])
}

// consumerName is the host part of the actuator URL, the "to" of the
// OpenC2 headers.
func consumerName(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Hostname() == "" {
		return endpoint
	}
	return u.Hostname()
}

package cacao

import (
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// DefaultIdentity is the STIX identity the suite signs its playbooks with
// when Options.CreatedBy is empty.
const DefaultIdentity = "identity--5d0b5c1e-8f4a-4c3e-9a57-3c1d2f6e7b90"

// Options describe the playbook NewPlaybook starts.
type Options struct {
	Name        string
	Description string
	// Types defaults to ["mitigation"].
	Types  []string
	Labels []string
	// CreatedBy is a STIX identity id; empty means DefaultIdentity.
	CreatedBy string
	// Now is the clock for created/modified; nil means time.Now.
	Now func() time.Time
	// NewID returns a fresh UUIDv4 in text form for each object; nil means
	// NewUUID. A fixed sequence makes the output reproducible.
	NewID func() string
}

// Action is one action step: its commands run on one agent.
type Action struct {
	Name        string
	Description string
	Commands    []Command
	// Agent is the id AddAgent returned.
	Agent string
	// Targets are ids AddTarget returned; may be empty.
	Targets []string
	// Timeout is how long the step may take; zero leaves it to the
	// executor.
	Timeout time.Duration
}

// Builder assembles a sequential playbook. Its methods record the first
// error, which Build returns.
type Builder struct {
	opts    Options
	pb      Playbook
	actions []string
	err     error
}

// uuidPattern is the UUID part of a CACAO identifier (RFC 4122, versions
// 1 to 5).
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms.
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewPlaybook starts a playbook; the playbook id is drawn first.
func NewPlaybook(o Options) *Builder {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = NewUUID
	}
	if len(o.Types) == 0 {
		o.Types = []string{"mitigation"}
	}
	if o.CreatedBy == "" {
		o.CreatedBy = DefaultIdentity
	}
	ts := o.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	b := &Builder{opts: o}
	b.pb = Playbook{
		Type: "playbook", SpecVersion: SpecVersion, Name: o.Name, Description: o.Description,
		PlaybookTypes: append([]string(nil), o.Types...), Labels: append([]string(nil), o.Labels...),
		CreatedBy: o.CreatedBy, Created: ts, Modified: ts, Workflow: map[string]Step{},
	}
	b.pb.ID = b.id("playbook")
	if o.Name == "" {
		b.fail(errors.New("playbook needs a name"))
	}
	return b
}

// AddAgent defines an agent and returns its id.
func (b *Builder) AddAgent(a AgentTarget) string {
	id := b.id(a.Type)
	if b.pb.AgentDefinitions == nil {
		b.pb.AgentDefinitions = map[string]AgentTarget{}
	}
	b.pb.AgentDefinitions[id] = a
	return id
}

// AddTarget defines a target and returns its id.
func (b *Builder) AddTarget(t AgentTarget) string {
	id := b.id(t.Type)
	if b.pb.TargetDefinitions == nil {
		b.pb.TargetDefinitions = map[string]AgentTarget{}
	}
	b.pb.TargetDefinitions[id] = t
	return id
}

// AddAction appends an action step to the sequence and returns its id.
func (b *Builder) AddAction(a Action) string {
	id := b.id("action")
	if len(a.Commands) == 0 {
		b.fail(fmt.Errorf("action %q has no commands", a.Name))
	}
	if _, ok := b.pb.AgentDefinitions[a.Agent]; !ok {
		b.fail(fmt.Errorf("action %q: agent %q was not added", a.Name, a.Agent))
	}
	for _, t := range a.Targets {
		if _, ok := b.pb.TargetDefinitions[t]; !ok {
			b.fail(fmt.Errorf("action %q: target %q was not added", a.Name, t))
		}
	}
	b.pb.Workflow[id] = Step{
		Type: "action", Name: a.Name, Description: a.Description, Timeout: a.Timeout.Milliseconds(),
		Commands: append([]Command(nil), a.Commands...), Agent: a.Agent,
		Targets: append([]string(nil), a.Targets...),
	}
	b.actions = append(b.actions, id)
	return id
}

// Build links start, the actions in the order added, and end, and returns
// the playbook. A Builder builds once.
func (b *Builder) Build() (*Playbook, error) {
	if len(b.actions) == 0 {
		b.fail(errors.New("playbook needs at least one action step"))
	}
	start, end := b.id("start"), b.id("end")
	if b.err != nil {
		return nil, fmt.Errorf("build playbook: %w", b.err)
	}
	chain := append(append([]string{start}, b.actions...), end)
	b.pb.Workflow[start] = Step{Type: "start", Name: "Start"}
	b.pb.Workflow[end] = Step{Type: "end", Name: "End"}
	for i := 0; i+1 < len(chain); i++ {
		s := b.pb.Workflow[chain[i]]
		s.OnCompletion = chain[i+1]
		b.pb.Workflow[chain[i]] = s
	}
	b.pb.WorkflowStart = start
	b.pb.PlaybookActivities = b.activities()
	pb := b.pb
	return &pb, nil
}

// activities lists the commands' playbook activities in first-use order;
// CACAO requires at least one when playbook_types come from its
// vocabulary.
func (b *Builder) activities() []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range b.actions {
		for _, c := range b.pb.Workflow[id].Commands {
			if c.PlaybookActivity != "" && !seen[c.PlaybookActivity] {
				seen[c.PlaybookActivity] = true
				out = append(out, c.PlaybookActivity)
			}
		}
	}
	return out
}

func (b *Builder) id(objType string) string {
	u := b.opts.NewID()
	if !uuidPattern.MatchString(u) {
		b.fail(fmt.Errorf("id source returned %q, not an RFC 4122 UUID", u))
	}
	return objType + "--" + u
}

func (b *Builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

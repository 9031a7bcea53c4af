package cacao

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// SpecVersion is the spec_version of every playbook the package writes.
const SpecVersion = "cacao-2.0"

// Playbook is a CACAO 2.0 playbook, with the properties the suite writes
// and reads; Parse ignores the others.
type Playbook struct {
	Type               string                 `json:"type"`
	SpecVersion        string                 `json:"spec_version"`
	ID                 string                 `json:"id"`
	Name               string                 `json:"name"`
	Description        string                 `json:"description,omitempty"`
	PlaybookTypes      []string               `json:"playbook_types,omitempty"`
	PlaybookActivities []string               `json:"playbook_activities,omitempty"`
	CreatedBy          string                 `json:"created_by"`
	Created            string                 `json:"created"`
	Modified           string                 `json:"modified"`
	Labels             []string               `json:"labels,omitempty"`
	WorkflowStart      string                 `json:"workflow_start"`
	Workflow           map[string]Step        `json:"workflow"`
	AgentDefinitions   map[string]AgentTarget `json:"agent_definitions,omitempty"`
	TargetDefinitions  map[string]AgentTarget `json:"target_definitions,omitempty"`
}

// Step is a workflow step of any type; which fields apply depends on Type.
type Step struct {
	Type         string    `json:"type"`
	Name         string    `json:"name,omitempty"`
	Description  string    `json:"description,omitempty"`
	Timeout      int64     `json:"timeout,omitempty"`
	Commands     []Command `json:"commands,omitempty"`
	Agent        string    `json:"agent,omitempty"`
	Targets      []string  `json:"targets,omitempty"`
	OnCompletion string    `json:"on_completion,omitempty"`
	OnSuccess    string    `json:"on_success,omitempty"`
	OnFailure    string    `json:"on_failure,omitempty"`
	NextSteps    []string  `json:"next_steps,omitempty"`
	Condition    string    `json:"condition,omitempty"`
	OnTrue       string    `json:"on_true,omitempty"`
	OnFalse      string    `json:"on_false,omitempty"`
}

// Command is a CACAO command of any type.
type Command struct {
	Type             string              `json:"type"`
	Description      string              `json:"description,omitempty"`
	PlaybookActivity string              `json:"playbook_activity,omitempty"`
	Command          string              `json:"command,omitempty"`
	CommandB64       string              `json:"command_b64,omitempty"`
	Headers          map[string][]string `json:"headers,omitempty"`
	ContentB64       string              `json:"content_b64,omitempty"`
}

// AgentTarget is an agent or target definition (http-api, net-address,
// security-category, individual, group, ...).
type AgentTarget struct {
	Type        string              `json:"type"`
	Name        string              `json:"name"`
	Description string              `json:"description,omitempty"`
	Address     map[string][]string `json:"address,omitempty"`
	Port        string              `json:"port,omitempty"`
	Category    []string            `json:"category,omitempty"`
}

// OpenC2 media type of OpenC2-over-HTTPS 1.1 with LS 1.0 content.
const openc2MediaType = "application/openc2+json;version=1.0"

// OpenC2HTTP wraps msg as an openc2-http command posted to path (the
// request target of the consumer, "/.well-known/openc2" by default).
func OpenC2HTTP(msg openc2.Message, path, description, activity string) (Command, error) {
	if path == "" {
		path = "/.well-known/openc2"
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n") {
		return Command{}, fmt.Errorf("openc2-http command: bad request path %q", path)
	}
	body, err := json.MarshalIndent(msg, "", "  ")
	if err != nil {
		return Command{}, fmt.Errorf("openc2-http command: %w", err)
	}
	return Command{
		Type:             "openc2-http",
		Description:      description,
		PlaybookActivity: activity,
		Command:          "POST " + path + " HTTP/1.1",
		Headers: map[string][]string{
			"Content-Type":  {openc2MediaType},
			"Accept":        {openc2MediaType},
			"Cache-Control": {"no-cache"},
			"X-Request-ID":  {msg.Headers.RequestID},
		},
		ContentB64: base64.StdEncoding.EncodeToString(body),
	}, nil
}

// Manual is a command for a person to carry out.
func Manual(text, description, activity string) Command {
	return Command{Type: "manual", Command: text, Description: description, PlaybookActivity: activity}
}

// HTTPAgent describes the OpenC2 consumer at endpoint (an https or http
// URL) as an http-api agent. The address is given as dname or ipv4/ipv6,
// not as url: the schema's url pattern rejects many valid host names.
func HTTPAgent(name, endpoint string) (AgentTarget, string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return AgentTarget{}, "", fmt.Errorf("http-api agent: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Hostname() == "" {
		return AgentTarget{}, "", fmt.Errorf("http-api agent: want an http(s) URL with a host, got %q", endpoint)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	a := AgentTarget{Type: "http-api", Name: name, Port: port, Address: hostAddress(u.Hostname())}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return a, path, nil
}

// NetAddress describes a host by its addresses and names, as a net-address
// target.
func NetAddress(name string, addrs []netip.Addr, names []string) AgentTarget {
	t := AgentTarget{Type: "net-address", Name: name, Address: map[string][]string{}}
	for _, a := range addrs {
		key := "ipv4"
		if a.Is6() && !a.Is4In6() {
			key = "ipv6"
		}
		t.Address[key] = append(t.Address[key], a.Unmap().String())
	}
	if len(names) > 0 {
		t.Address["dname"] = append([]string(nil), names...)
	}
	return t
}

func hostAddress(host string) map[string][]string {
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Is4() || a.Is4In6() {
			return map[string][]string{"ipv4": {a.Unmap().String()}}
		}
		return map[string][]string{"ipv6": {a.String()}}
	}
	return map[string][]string{"dname": {strings.TrimSuffix(host, ".")}}
}

// Parse decodes a playbook. It checks only that the JSON fits the model;
// Validate judges the content.
func Parse(data []byte) (*Playbook, error) {
	var pb Playbook
	if err := json.Unmarshal(data, &pb); err != nil {
		return nil, fmt.Errorf("parse playbook: %w", err)
	}
	if pb.Type != "playbook" {
		return nil, fmt.Errorf("parse playbook: type is %q, want playbook", pb.Type)
	}
	return &pb, nil
}

// JSON renders the playbook with two-space indentation.
func (p *Playbook) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	// Step names such as "deny host -> C2" read better unescaped.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("render playbook: %w", err)
	}
	return buf.Bytes(), nil
}

// StepMessage is an OpenC2 message found in an action step.
type StepMessage struct {
	StepID  string
	Index   int // position of the command in the step
	Message openc2.Message
}

// Messages decodes the openc2-http commands of the playbook, following the
// workflow from workflow_start (on_completion, then on_success; parallel
// branches in the order listed). Each message is checked by
// openc2.ParseMessage.
func (p *Playbook) Messages() ([]StepMessage, error) {
	var out []StepMessage
	for _, id := range p.walk() {
		for i, c := range p.Workflow[id].Commands {
			if c.Type != "openc2-http" {
				continue
			}
			m, err := DecodeOpenC2(c)
			if err != nil {
				return nil, fmt.Errorf("step %s: command %d: %w", id, i, err)
			}
			out = append(out, StepMessage{StepID: id, Index: i, Message: m})
		}
	}
	return out, nil
}

// DecodeOpenC2 decodes and checks the message of an openc2-http command.
func DecodeOpenC2(c Command) (openc2.Message, error) {
	body, err := base64.StdEncoding.DecodeString(c.ContentB64)
	if err != nil {
		return openc2.Message{}, fmt.Errorf("content_b64: %w", err)
	}
	m, err := openc2.ParseMessage(body)
	if err != nil {
		return openc2.Message{}, err
	}
	if ids := c.Headers["X-Request-ID"]; len(ids) > 0 && ids[0] != m.Headers.RequestID {
		return openc2.Message{}, fmt.Errorf("header X-Request-ID %q differs from request_id %q", ids[0], m.Headers.RequestID)
	}
	return m, nil
}

// walk lists reachable step ids breadth-first from workflow_start, each
// once, so a cyclic workflow still ends.
func (p *Playbook) walk() []string {
	seen := map[string]bool{}
	var order []string
	queue := []string{p.WorkflowStart}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		s, ok := p.Workflow[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		order = append(order, id)
		queue = append(queue, s.NextSteps...)
		queue = append(queue, s.OnTrue, s.OnFalse, s.OnCompletion, s.OnSuccess, s.OnFailure)
	}
	return order
}

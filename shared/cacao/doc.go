// Package cacao builds and validates CACAO 2.0 security playbooks.
//
// It decides the shape of the playbooks the suite writes: a start step, a
// sequence of action steps, an end step; each action carries commands of
// type "openc2-http" (an OpenC2-over-HTTPS message, base64-encoded in
// content_b64) or "manual" (text for a person), and names an http-api agent
// (the OpenC2 consumer) and optionally net-address targets. Given a clock
// and an ID source, NewPlaybook produces byte-identical output, so reports
// and goldens are stable. Parse reads a playbook back and Messages pulls its
// OpenC2 messages out in workflow order for a responder to send.
//
// Validate checks a playbook in three layers: against playbook.json as the
// schema declares it (draft-07, where unevaluatedProperties is ignored),
// then each command against commands/<type>.json itself (action.json never
// refers to the per-type schemas), with the properties the type schema
// names enforced by hand because draft-07 would let any through, then each
// openc2-http body against the OpenC2 schema of its profile. It also checks
// what the schema cannot: that workflow_start names a start step, that step
// keys match their types, and that every step, agent and target reference
// resolves.
//
// It does not execute playbooks, evaluate conditions or variables, or
// check signatures, data markings or extensions beyond the schema.
//
// Known shortcomings: the OpenC2 SLPF and LS schemas are not open-source
// and do not ship with the suite; without them (SchemaSource.OpenC2 nil)
// SLPF and domain_name bodies are checked only by openc2.ParseCommand,
// which knows the pairs the suite sends and refuses everything else, so a
// valid third-party playbook using other OpenC2 targets fails Validate.
// The builder writes only sequential workflows (no parallel or condition
// steps), although Validate and Parse accept them.
package cacao

package cacao

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

// cacaoIDPrefix is the $id prefix of every CACAO 2.0 schema file; the
// loader maps it onto the bundled folder.
const cacaoIDPrefix = "https://raw.githubusercontent.com/oasis-open/cacao-json-schemas/main/schemas/"

// cacaoDir is where the CACAO schemas sit inside SchemaSource.Bundled.
const cacaoDir = "cacao-2.0/schemas"

// SchemaSource says where Validate finds its schemas.
type SchemaSource struct {
	// Bundled is the suite's schema folder (testdata/schemas in the
	// repository): cacao-2.0/schemas/ and openc2-er/device-er.json.
	Bundled fs.FS
	// OpenC2 is the optional OASIS folder holding the SLPF and LS command
	// schemas (Schemas/Separate/JSON-Schema of oasis-tcs/openc2-usecases).
	// Nil means those bodies are checked by openc2.ParseCommand only.
	OpenC2 fs.FS
}

// Validator validates playbooks; it is safe for concurrent use.
type Validator struct {
	playbook *jsonschema.Schema
	commands map[string]commandSchema
	openc2   *openc2.Validator
}

type commandSchema struct {
	schema *jsonschema.Schema
	// keys are the properties the type schema names; draft-07 ignores its
	// unevaluatedProperties, so Validate enforces them itself.
	keys map[string]bool
}

// Validate compiles the schemas of src and validates pb; use NewValidator
// to validate many playbooks.
func Validate(pb []byte, src SchemaSource) error {
	v, err := NewValidator(src)
	if err != nil {
		return err
	}
	return v.Validate(pb)
}

// NewValidator compiles the playbook schema, every command-type schema and
// the OpenC2 schemas src provides. Nothing is fetched.
func NewValidator(src SchemaSource) (*Validator, error) {
	if src.Bundled == nil {
		return nil, errors.New("new cacao validator: no schema folder given")
	}
	tree, err := fs.Sub(src.Bundled, cacaoDir)
	if err != nil {
		return nil, fmt.Errorf("new cacao validator: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(treeLoader{tree})
	c.AssertFormat()
	v := &Validator{commands: map[string]commandSchema{}}
	if v.playbook, err = c.Compile(cacaoIDPrefix + "playbook.json"); err != nil {
		return nil, fmt.Errorf("new cacao validator: compile playbook.json: %w", err)
	}
	if err := v.compileCommands(c, tree); err != nil {
		return nil, fmt.Errorf("new cacao validator: %w", err)
	}
	schemas, err := openc2.LoadSchemas(src.Bundled, src.OpenC2)
	if err != nil {
		return nil, fmt.Errorf("new cacao validator: %w", err)
	}
	if v.openc2, err = openc2.NewValidator(schemas); err != nil {
		return nil, fmt.Errorf("new cacao validator: %w", err)
	}
	return v, nil
}

func (v *Validator) compileCommands(c *jsonschema.Compiler, tree fs.FS) error {
	files, err := fs.Glob(tree, "commands/*.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		typ := strings.TrimSuffix(path.Base(f), ".json")
		if typ == "command-data" {
			continue
		}
		sch, err := c.Compile(cacaoIDPrefix + f)
		if err != nil {
			return fmt.Errorf("compile %s: %w", f, err)
		}
		keys := map[string]bool{}
		if err := schemaKeys(tree, f, keys, 0); err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		v.commands[typ] = commandSchema{schema: sch, keys: keys}
	}
	if len(v.commands) == 0 {
		return errors.New("no command schemas under commands/")
	}
	return nil
}

// schemaKeys collects the property names a schema file declares at its top
// level and in its allOf parts, following relative $refs to other files.
func schemaKeys(tree fs.FS, file string, keys map[string]bool, depth int) error {
	if depth > 4 {
		return errors.New("$ref chain too deep")
	}
	data, err := fs.ReadFile(tree, file)
	if err != nil {
		return err
	}
	var doc struct {
		Properties map[string]json.RawMessage `json:"properties"`
		AllOf      []struct {
			Ref        string                     `json:"$ref"`
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"allOf"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	for k := range doc.Properties {
		keys[k] = true
	}
	for _, part := range doc.AllOf {
		for k := range part.Properties {
			keys[k] = true
		}
		if part.Ref != "" && !strings.HasPrefix(part.Ref, "#") {
			if err := schemaKeys(tree, path.Join(path.Dir(file), part.Ref), keys, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate checks pb against the schemas and the cross-references; the
// error names the step and command at fault.
func (v *Validator) Validate(pb []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(pb))
	if err != nil {
		return fmt.Errorf("validate playbook: %w", err)
	}
	if err := v.playbook.Validate(inst); err != nil {
		return fmt.Errorf("validate playbook: %v", err)
	}
	p, err := Parse(pb)
	if err != nil {
		return fmt.Errorf("validate playbook: %w", err)
	}
	if err := checkWorkflow(p); err != nil {
		return fmt.Errorf("validate playbook %s: %w", p.ID, err)
	}
	raw, err := rawCommands(pb)
	if err != nil {
		return fmt.Errorf("validate playbook %s: %w", p.ID, err)
	}
	for _, id := range sortedKeys(p.Workflow) {
		for i, c := range p.Workflow[id].Commands {
			if err := v.checkCommand(c, raw[id][i]); err != nil {
				return fmt.Errorf("validate playbook %s: step %s: command %d (%s): %w", p.ID, id, i, c.Type, err)
			}
		}
	}
	return nil
}

func (v *Validator) checkCommand(c Command, raw map[string]any) error {
	cs, ok := v.commands[c.Type]
	if !ok {
		return fmt.Errorf("unknown command type %q: no commands/%s.json schema", c.Type, c.Type)
	}
	if err := cs.schema.Validate(raw); err != nil {
		return fmt.Errorf("%v", err)
	}
	for _, k := range sortedKeys(raw) {
		if !cs.keys[k] {
			return fmt.Errorf("property %q is not defined for type %s", k, c.Type)
		}
	}
	if c.Type == "manual" && c.Command == "" && c.CommandB64 == "" {
		return errors.New("a manual command needs command or command_b64")
	}
	if c.Type != "openc2-http" {
		return nil
	}
	if !strings.HasPrefix(c.Command, "POST ") {
		return fmt.Errorf("command %q: openc2-http must POST", c.Command)
	}
	m, err := DecodeOpenC2(c)
	if err != nil {
		return err
	}
	err = v.openc2.Validate(*m.Body.OpenC2.Request)
	if err != nil && !errors.Is(err, openc2.ErrNoSchema) {
		return fmt.Errorf("request %s: %w", m.Headers.RequestID, err)
	}
	return nil
}

// rawCommands decodes the commands generically, by step id, so that the
// per-type schema sees exactly what the playbook holds.
func rawCommands(pb []byte) (map[string][]map[string]any, error) {
	var doc struct {
		Workflow map[string]struct {
			Commands []map[string]any `json:"commands"`
		} `json:"workflow"`
	}
	if err := json.Unmarshal(pb, &doc); err != nil {
		return nil, err
	}
	out := map[string][]map[string]any{}
	for id, s := range doc.Workflow {
		out[id] = s.Commands
	}
	return out, nil
}

// checkWorkflow checks what the draft-07 reading of the schema lets pass:
// the start step, the step keys and every reference.
func checkWorkflow(p *Playbook) error {
	start, ok := p.Workflow[p.WorkflowStart]
	if !ok {
		return fmt.Errorf("workflow_start %s is not in the workflow", p.WorkflowStart)
	}
	if start.Type != "start" {
		return fmt.Errorf("workflow_start %s is a %s step, want start", p.WorkflowStart, start.Type)
	}
	for _, id := range sortedKeys(p.Workflow) {
		if err := checkStep(p, id, p.Workflow[id]); err != nil {
			return fmt.Errorf("step %s: %w", id, err)
		}
	}
	return nil
}

func checkStep(p *Playbook, id string, s Step) error {
	if !strings.HasPrefix(id, s.Type+"--") {
		return fmt.Errorf("key does not match step type %q", s.Type)
	}
	refs := append([]string{s.OnCompletion, s.OnSuccess, s.OnFailure, s.OnTrue, s.OnFalse}, s.NextSteps...)
	for _, r := range refs {
		if _, ok := p.Workflow[r]; r != "" && !ok {
			return fmt.Errorf("refers to step %s, which is not in the workflow", r)
		}
	}
	if s.Type != "action" {
		return nil
	}
	if _, ok := p.AgentDefinitions[s.Agent]; !ok {
		return fmt.Errorf("agent %s is not in agent_definitions", s.Agent)
	}
	for _, t := range s.Targets {
		if _, ok := p.TargetDefinitions[t]; !ok {
			return fmt.Errorf("target %s is not in target_definitions", t)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// treeLoader serves the CACAO $id URLs from the bundled folder and refuses
// everything else.
type treeLoader struct{ tree fs.FS }

func (l treeLoader) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, cacaoIDPrefix)
	if !ok {
		return nil, fmt.Errorf("refusing to load %s: only CACAO schemas are loaded, from the bundled folder", url)
	}
	data, err := fs.ReadFile(l.tree, path.Clean(rel))
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(data))
}

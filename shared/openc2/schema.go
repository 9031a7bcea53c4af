package openc2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Paths of the schema files LoadSchemas reads: ERSchemaPath inside the
// suite's bundled schema folder (testdata/schemas), the other two inside
// the OASIS plug-fest folder Schemas/Separate/JSON-Schema.
const (
	ERSchemaPath   = "openc2-er/device-er.json"
	SLPFSchemaPath = "oc2slpf-v1.0.1_cmd_gen.json"
	LSSchemaPath   = "oc2ls-v1.0.1_cmd_gen.json"
)

// ErrNoSchema says the Validator has no schema for a command's profile.
var ErrNoSchema = errors.New("no schema for this profile")

// Schemas holds raw JSON schema documents; a nil field means that schema is
// not available. A leading C comment (as JADN tools write) is allowed.
type Schemas struct {
	// ER is the Endpoint Response device schema, which validates
	// {"openc2_command": ...}.
	ER []byte
	// SLPF validates a bare LS 1.0 + SLPF 1.0 command.
	SLPF []byte
	// LS validates a bare LS 1.0 command (no actuator profile).
	LS []byte
}

// LoadSchemas reads the ER schema from bundled and, when oasis is not nil,
// the SLPF and LS command schemas from oasis.
func LoadSchemas(bundled, oasis fs.FS) (Schemas, error) {
	var s Schemas
	var err error
	if s.ER, err = fs.ReadFile(bundled, ERSchemaPath); err != nil {
		return Schemas{}, fmt.Errorf("load openc2 schemas: %w", err)
	}
	if oasis == nil {
		return s, nil
	}
	if s.SLPF, err = fs.ReadFile(oasis, SLPFSchemaPath); err != nil {
		return Schemas{}, fmt.Errorf("load openc2 schemas: %w", err)
	}
	if s.LS, err = fs.ReadFile(oasis, LSSchemaPath); err != nil {
		return Schemas{}, fmt.Errorf("load openc2 schemas: %w", err)
	}
	return s, nil
}

// Validator checks commands against the schema of their profile.
type Validator struct {
	schemas map[Profile]*jsonschema.Schema
}

// NewValidator compiles the schemas that s holds. It never fetches
// anything: every reference in these schemas is internal.
func NewValidator(s Schemas) (*Validator, error) {
	v := &Validator{schemas: map[Profile]*jsonschema.Schema{}}
	for p, doc := range map[Profile][]byte{ProfileER: s.ER, ProfileSLPF: s.SLPF, ProfileLS: s.LS} {
		if doc == nil {
			continue
		}
		sch, err := compileSchema("file:///openc2/"+string(p)+".json", doc)
		if err != nil {
			return nil, fmt.Errorf("compile openc2 %s schema: %w", p, err)
		}
		v.schemas[p] = sch
	}
	return v, nil
}

// Has reports whether v holds the schema for profile p.
func (v *Validator) Has(p Profile) bool { return v.schemas[p] != nil }

// Validate checks cmd against the schema of its profile; the error wraps
// ErrNoSchema when v lacks that schema.
func (v *Validator) Validate(cmd Command) error {
	data, err := json.Marshal(cmd)
	if err != nil {
		return fmt.Errorf("validate openc2 command: %w", err)
	}
	return v.ValidateJSON(data)
}

// ValidateJSON checks a command given as JSON against the schema of its
// profile, as Validate does.
func (v *Validator) ValidateJSON(data []byte) error {
	p, err := profileOfJSON(data)
	if err != nil {
		return fmt.Errorf("validate openc2 command: %w", err)
	}
	sch := v.schemas[p]
	if sch == nil {
		return fmt.Errorf("validate openc2 %s command: %w", p, ErrNoSchema)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("validate openc2 command: %w", err)
	}
	if p == ProfileER {
		inst = map[string]any{"openc2_command": inst}
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("validate openc2 %s command: %v", p, err)
	}
	return nil
}

// profileOfJSON finds the profile from the keys alone, so that a value
// the Go types cannot hold still reaches the schema.
func profileOfJSON(data []byte) (Profile, error) {
	var shape struct {
		Target   map[string]json.RawMessage `json:"target"`
		Actuator map[string]json.RawMessage `json:"actuator"`
	}
	if err := json.Unmarshal(data, &shape); err != nil {
		return "", err
	}
	var c Command
	for k := range shape.Actuator {
		switch k {
		case "er":
			c.Actuator = &Actuator{ER: &ERActuator{}}
		case "slpf":
			c.Actuator = &Actuator{SLPF: &SLPFActuator{}}
		}
	}
	for k := range shape.Target {
		switch k {
		case "device":
			c.Target.Device = &Device{}
		case "ipv4_connection", "ipv6_connection", "ipv4_net", "ipv6_net", "slpf:rule_number":
			c.Target.IPv4Net = "x"
		}
	}
	return c.Profile(), nil
}

func compileSchema(url string, doc []byte) (*jsonschema.Schema, error) {
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(StripCComment(doc)))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.AssertFormat()
	if err := c.AddResource(url, parsed); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// StripCComment drops a leading /* ... */ comment, which JADN tools put
// before the JSON of the schemas they generate.
func StripCComment(doc []byte) []byte {
	trimmed := bytes.TrimLeft(doc, " \t\r\n\ufeff")
	if !bytes.HasPrefix(trimmed, []byte("/*")) {
		return doc
	}
	end := bytes.Index(trimmed, []byte("*/"))
	if end < 0 {
		return doc
	}
	return trimmed[end+2:]
}

// noLoader refuses every external reference so that compiling a schema
// can never reach the network or the file system.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("refusing to load %s: schemas are compiled offline", url)
}

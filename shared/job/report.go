package job

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Level is a taxonomy level as TheHive shows it.
type Level string

// The only four levels TheHive accepts.
const (
	Info       Level = "info"
	Safe       Level = "safe"
	Suspicious Level = "suspicious"
	Malicious  Level = "malicious"
)

// Rank orders levels: info 0, safe 1, suspicious 2, malicious 3; anything else ranks as info.
func (l Level) Rank() int {
	switch l {
	case Safe:
		return 1
	case Suspicious:
		return 2
	case Malicious:
		return 3
	}
	return 0
}

// valid returns l, or info for a level TheHive would not know (cortexutils does the same).
func (l Level) valid() Level {
	switch l {
	case Info, Safe, Suspicious, Malicious:
		return l
	}
	return Info
}

// Taxonomy is one entry of summary.taxonomies: the short verdict TheHive shows on an observable.
type Taxonomy struct {
	Level     Level
	Namespace string
	Predicate string
	Value     any // string, number or bool; anything else is shown as text
}

// MarshalJSON writes the taxonomy in cortexutils' key order with a valid level and a scalar value.
func (t Taxonomy) MarshalJSON() ([]byte, error) {
	return marshalOrdered([]kv{
		{"level", string(t.Level.valid())},
		{"namespace", t.Namespace},
		{"predicate", t.Predicate},
		{"value", scalar(t.Value)},
	})
}

func scalar(v any) any {
	switch v := v.(type) {
	case string, bool, int, int64, int32, uint, uint32, uint64, json.Number:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprint(v)
		}
		return v
	case float32:
		return scalar(float64(v))
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// Artifact is an observable a report proposes to TheHive. Build one with [NewArtifact] or
// [Job.FileArtifact]; the unexported fields make an artifact with keys Cortex rejects impossible.
type Artifact struct {
	dataType    string
	data        string
	file        string // name inside output/ (file artifacts)
	filename    string
	contentType string
	tlp         int // -1 when not set
	tags        []string
	message     string
}

// NewArtifact returns an artifact of the given TheHive data type and value.
func NewArtifact(dataType, data string) Artifact {
	return Artifact{dataType: dataType, data: data, tlp: -1}
}

// WithTags returns a copy of a with the tags added.
func (a Artifact) WithTags(tags ...string) Artifact {
	a.tags = append(append([]string(nil), a.tags...), tags...)
	return a
}

// WithMessage returns a copy of a with the message set.
func (a Artifact) WithMessage(msg string) Artifact {
	a.message = msg
	return a
}

// WithTLP returns a copy of a with its TLP set; values outside 0..3 are clamped.
func (a Artifact) WithTLP(tlp int) Artifact {
	a.tlp = min(max(tlp, 0), 3)
	return a
}

// DataType and Data return the artifact's type and value (the file name inside output/ for files).
func (a Artifact) DataType() string { return a.dataType }

// Data returns the artifact's value.
func (a Artifact) Data() string { return a.data }

// MarshalJSON writes only the keys Cortex accepts.
func (a Artifact) MarshalJSON() ([]byte, error) {
	fields := []kv{{"dataType", a.dataType}}
	if a.file != "" {
		fields = append(fields, kv{"file", a.file}, kv{"filename", a.filename}, kv{"contentType", a.contentType})
	} else {
		fields = append(fields, kv{"data", a.data})
	}
	if a.tlp >= 0 {
		fields = append(fields, kv{"tlp", a.tlp})
	}
	tags := a.tags
	if tags == nil {
		tags = []string{}
	}
	fields = append(fields, kv{"tags", tags})
	if a.message != "" {
		fields = append(fields, kv{"message", a.message})
	}
	return marshalOrdered(fields)
}

// Report is what an analyzer returns on success. Full must marshal to a JSON object (a struct or a
// map); nil becomes {}. When Artifacts is nil and the job asks for it, artifacts are extracted from
// Full as cortexutils does; an empty non-nil slice means "none, do not extract".
type Report struct {
	Taxonomies []Taxonomy
	Artifacts  []Artifact
	Operations []Operation
	Full       any
}

// ResponderReport is what a responder returns on success.
type ResponderReport struct {
	Full       any
	Operations []Operation
}

// fullObject marshals full and insists on a JSON object.
func fullObject(full any) (json.RawMessage, error) {
	if full == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := json.Marshal(full)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("report full is %s, not a JSON object", firstWord(t))
	}
	return b, nil
}

func firstWord(b []byte) string {
	switch {
	case len(b) == 0:
		return "empty"
	case bytes.Equal(b, []byte("null")):
		return "null"
	case b[0] == '[':
		return "an array"
	}
	return "a scalar"
}

func marshalAnalyzer(r *Report, artifacts []Artifact) ([]byte, error) {
	full, err := fullObject(r.Full)
	if err != nil {
		return nil, err
	}
	tax := r.Taxonomies
	if tax == nil {
		tax = []Taxonomy{}
	}
	if artifacts == nil {
		artifacts = []Artifact{}
	}
	ops := r.Operations
	if ops == nil {
		ops = []Operation{}
	}
	return marshalOrdered([]kv{
		{"success", true},
		{"summary", map[string]any{"taxonomies": tax}},
		{"artifacts", artifacts},
		{"operations", ops},
		{"full", full},
	})
}

func marshalResponder(r *ResponderReport) ([]byte, error) {
	full, err := fullObject(r.Full)
	if err != nil {
		return nil, err
	}
	ops := r.Operations
	if ops == nil {
		ops = []Operation{}
	}
	return marshalOrdered([]kv{{"success", true}, {"full", full}, {"operations", ops}})
}

func marshalError(msg string, input map[string]any) []byte {
	if input == nil {
		input = map[string]any{}
	}
	b, err := marshalOrdered([]kv{{"success", false}, {"input", input}, {"errorMessage", msg}})
	if err != nil {
		// The input came from JSON, so it encodes; this is only a last resort that stays valid.
		b, _ = marshalOrdered([]kv{{"success", false}, {"input", map[string]any{}}, {"errorMessage", msg}})
	}
	return b
}

// kv is one key of an object written in a fixed order.
type kv struct {
	key string
	val any
}

func marshalOrdered(fields []kv) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		buf.Write(k)
		buf.WriteByte(':')
		v, err := json.Marshal(f.val)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.key, err)
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

package job

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxInputBytes bounds input.json: Cortex puts only the observable's value and the config there
// (file contents are attachments), so anything this large is not a Cortex job.
const maxInputBytes = 64 << 20

// inputError is an error the analyst caused and is shown as it is.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &inputError{fmt.Sprintf(format, args...)}
}

// decodeInput parses input.json into a generic object, keeping numbers exact.
func decodeInput(r io.Reader) (map[string]any, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, badInput("read job input: %v", err)
	}
	if len(b) > maxInputBytes {
		return nil, badInput("job input is larger than %d MiB: not a Cortex job", maxInputBytes>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, badInput("job input is empty: expected the Cortex job as JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badInput("job input is not valid JSON: %v", describeJSONError(b, err))
	}
	if dec.More() {
		return nil, badInput("job input has data after its JSON object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badInput("job input is %s, not a JSON object", describe(v))
	}
	return obj, nil
}

// describeJSONError adds the line number to encoding/json's byte offset.
func describeJSONError(b []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line := 1 + bytes.Count(b[:min(int(syn.Offset), len(b))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, err)
	}
	return err.Error()
}

// intField reads an integer field where missing or null means def; other types are an input error.
func intField(obj map[string]any, name string, def int) (int, error) {
	v, ok := obj[name]
	if !ok || v == nil {
		return def, nil
	}
	f, ok := toFloat(v)
	if !ok || f != float64(int(f)) {
		return 0, badInput("%s must be an integer, got %s", name, describe(v))
	}
	return int(f), nil
}

func boolField(obj map[string]any, name string, def bool) (bool, error) {
	v, ok := obj[name]
	if !ok || v == nil {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, badInput("%s must be true or false, got %s", name, describe(v))
	}
	return b, nil
}

func stringField(obj map[string]any, name string) (string, bool) {
	s, ok := obj[name].(string)
	return s, ok
}

// tlpCheck applies check_tlp/max_tlp (and the PAP pair) as cortexutils does.
func tlpCheck(cfg map[string]any, what string, level int) error {
	lower := strings.ToLower(what)
	check, err := boolField(cfg, "check_"+lower, false)
	if err != nil {
		return err
	}
	maxLevel, err := intField(cfg, "max_"+lower, 2)
	if err != nil {
		return err
	}
	if check && level > maxLevel {
		return badInput("%s is higher than allowed.", what)
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

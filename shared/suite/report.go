package suite

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// report is a Cortex output.json as the suite needs it: the raw document for path look-ups plus the
// fields every verb reads.
type report struct {
	doc          map[string]any
	success      bool
	errorMessage string
	full         map[string]any
}

// errPath marks a look-up that found nothing at the path; callers report it as a failed step.
var errPath = errors.New("no value at path")

// reportFile is where a worker leaves its report inside a job folder.
func reportFile(jobDir string) string {
	return filepath.Join(jobDir, "output", "output.json")
}

// readReport reads and checks <jobDir>/output/output.json. A success report without an object "full"
// is refused, as Cortex refuses it.
func readReport(jobDir string) (*report, error) {
	b, err := os.ReadFile(reportFile(jobDir))
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	r, err := parseReport(b)
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", reportFile(jobDir), err)
	}
	return r, nil
}

// parseReport decodes a report; numbers stay json.Number so that they print as the worker wrote them.
func parseReport(b []byte) (*report, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if doc == nil {
		return nil, errors.New("not a JSON object")
	}
	r := &report{doc: doc}
	r.success, _ = doc["success"].(bool)
	r.errorMessage, _ = doc["errorMessage"].(string)
	if !r.success {
		return r, nil
	}
	full, ok := doc["full"].(map[string]any)
	if !ok {
		return nil, errors.New(`success report without an object "full"`)
	}
	r.full = full
	return r, nil
}

// levelRank orders taxonomy levels; unknown levels rank as info, as cortexutils maps them.
var levelRank = map[string]int{"info": 0, "safe": 1, "suspicious": 2, "malicious": 3}

// analyzerToken is the highest taxonomy level in the report's summary, "info" when there is none.
func analyzerToken(r *report) string {
	best := "info"
	summary, _ := r.doc["summary"].(map[string]any)
	taxonomies, _ := summary["taxonomies"].([]any)
	for _, t := range taxonomies {
		m, _ := t.(map[string]any)
		level, _ := m["level"].(string)
		if levelRank[level] > levelRank[best] {
			best = level
		}
	}
	return best
}

// lookup follows a dotted path with numeric array indices ("victims.0.ip") from v. A path ending in
// ".length" on an array gives the array's length.
func lookup(v any, path string) (any, error) {
	if path == "" {
		return v, nil
	}
	parts := strings.Split(path, ".")
	for i, p := range parts {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[p]
			if !ok {
				return nil, fmt.Errorf("%w %q: no key %q", errPath, path, p)
			}
			v = next
		case []any:
			if p == "length" && i == len(parts)-1 {
				return json.Number(strconv.Itoa(len(node))), nil
			}
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(node) {
				return nil, fmt.Errorf("%w %q: index %q outside a list of %d", errPath, path, p, len(node))
			}
			v = node[n]
		default:
			return nil, fmt.Errorf("%w %q: %q is not inside an object or list", errPath, path, p)
		}
	}
	return v, nil
}

// reportValue resolves a get-style path in a report: "success" and "summary..." start at the report's
// top, "full..." and anything else start inside full.
func reportValue(r *report, path string) (any, error) {
	switch {
	case path == "success" || path == "summary" || strings.HasPrefix(path, "summary."):
		return lookup(r.doc, path)
	case path == "full":
		return r.doc["full"], nil
	case strings.HasPrefix(path, "full."):
		return lookup(r.doc["full"], strings.TrimPrefix(path, "full."))
	}
	if r.full == nil {
		return nil, fmt.Errorf("%w %q: the report is a failure report: %s", errPath, path, r.errorMessage)
	}
	return lookup(r.full, path)
}

// scalarText renders a scalar as one token; objects and lists are refused.
func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "null", nil
	}
	return "", fmt.Errorf("value is a %s, not a scalar (use .length for a list)", kindOf(v))
}

// valueText renders a referenced value as an observable: strings as they are, everything else as JSON.
func valueText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case nil:
		return "", errors.New("value is null")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode value: %v", err)
	}
	return string(b), nil
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}

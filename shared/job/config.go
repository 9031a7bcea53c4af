package job

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/soccrates-cortex/soccrates/manifests"
)

// Config is the job's configuration: what Cortex sent in input.json "config", with the manifest's
// "config" object and configurationItems defaults filling what is missing or null.
type Config struct {
	values map[string]any
	items  map[string]manifests.Item
}

func newConfig(values map[string]any, m *manifests.Manifest) Config {
	c := Config{values: map[string]any{}, items: map[string]manifests.Item{}}
	for k, v := range m.Config {
		c.values[k] = v
	}
	for k, v := range values {
		if v != nil {
			c.values[k] = v
		}
	}
	for _, it := range m.ConfigurationItems {
		c.items[it.Name] = it
	}
	return c
}

// check verifies the declared items: required ones are set, every value has its declared type.
func (c Config) check() error {
	var problems []string
	for name, it := range c.items {
		v, ok := c.lookup(name)
		if !ok || isBlank(v) {
			if it.Required {
				problems = append(problems, fmt.Sprintf("configuration item %s is required but not set", name))
			}
			continue
		}
		if err := checkType(it, v); err != nil {
			problems = append(problems, fmt.Sprintf("configuration item %s: %v", name, err))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s; fix it in the worker's configuration in Cortex", strings.Join(problems, "; "))
	}
	return nil
}

func checkType(it manifests.Item, v any) error {
	if it.Multi {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("expected a list, got %s", describe(v))
		}
		for _, e := range list {
			if err := checkScalar(it.Type, e); err != nil {
				return err
			}
		}
		return nil
	}
	return checkScalar(it.Type, v)
}

func checkScalar(typ string, v any) error {
	ok := true
	switch typ {
	case "string", "text":
		_, ok = v.(string)
	case "number":
		_, ok = toFloat(v)
	case "boolean":
		_, ok = v.(bool)
	}
	if !ok {
		return fmt.Errorf("expected a %s, got %s", typ, describe(v))
	}
	return nil
}

// lookup returns the value set for name, else the item's default.
func (c Config) lookup(name string) (any, bool) {
	if v, ok := c.values[name]; ok && v != nil {
		return v, true
	}
	if it, ok := c.items[name]; ok && it.DefaultValue != nil {
		return it.DefaultValue, true
	}
	return nil, false
}

// Has reports whether name has a value (set or defaulted).
func (c Config) Has(name string) bool {
	v, ok := c.lookup(name)
	return ok && !isBlank(v)
}

// String returns the string value of name, or "" when it is unset.
func (c Config) String(name string) string {
	v, _ := c.lookup(name)
	s, _ := v.(string)
	return s
}

// Strings returns a multi-valued item as strings; blank entries are dropped.
func (c Config) Strings(name string) []string {
	v, _ := c.lookup(name)
	var out []string
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
	case string:
		if strings.TrimSpace(v) != "" {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// Floats returns a multi-valued number item; entries that are not numbers are dropped (the start-up
// check has already refused a configuration whose declared items have the wrong type).
func (c Config) Floats(name string) []float64 {
	v, _ := c.lookup(name)
	list, _ := v.([]any)
	var out []float64
	for _, e := range list {
		if f, ok := toFloat(e); ok {
			out = append(out, f)
		}
	}
	return out
}

// Float returns the number value of name, or def when it is unset or not a number.
func (c Config) Float(name string, def float64) float64 {
	v, _ := c.lookup(name)
	if f, ok := toFloat(v); ok {
		return f
	}
	return def
}

// Int returns the number value of name truncated to an int, or def.
func (c Config) Int(name string, def int) int {
	return int(c.Float(name, float64(def)))
}

// Bool returns the boolean value of name, or def when it is unset or not a boolean.
func (c Config) Bool(name string, def bool) bool {
	v, _ := c.lookup(name)
	if b, ok := v.(bool); ok {
		return b
	}
	return def
}

// Raw returns the value of name as decoded from JSON (json.Number for numbers), and whether it is set.
func (c Config) Raw(name string) (any, bool) {
	return c.lookup(name)
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		// Cortex's UI stores numbers as numbers, but hand-written configs sometimes quote them.
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func isBlank(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case []any:
		return len(v) == 0
	}
	return false
}

func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number, float64, int:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

package cortextest

import (
	"fmt"
	"strings"
	"testing"
)

// fieldKind is the JSON type an operation field must have.
type fieldKind int

const (
	str fieldKind = iota
	boolean
	tlpInt
	strList
	anyValue
)

// opSpec describes one operation type TheHive 4 applies (README §4).
type opSpec struct {
	required map[string]fieldKind
	optional map[string]fieldKind
	entities []string
}

var (
	inCase = []string{"thehive:case", "thehive:case_artifact", "thehive:case_task", "thehive:case_task_log"}

	opSpecs = map[string]opSpec{
		"AddTagToCase":     {required: map[string]fieldKind{"tag": str}, entities: inCase},
		"AddTagToArtifact": {required: map[string]fieldKind{"tag": str}, entities: []string{"thehive:case_artifact"}},
		"AddTagToAlert":    {required: map[string]fieldKind{"tag": str}, entities: []string{"thehive:alert"}},
		"MarkAlertAsRead":  {entities: []string{"thehive:alert"}},
		"CreateTask":       {required: map[string]fieldKind{"title": str, "description": str}, entities: inCase},
		"AddCustomFields": {
			required: map[string]fieldKind{"name": str, "tpe": str, "value": anyValue}, entities: inCase,
		},
		"AddArtifactToCase": {
			required: map[string]fieldKind{"data": str, "dataType": str, "message": str},
			optional: map[string]fieldKind{
				"tlp": tlpInt, "ioc": boolean, "sighted": boolean, "ignoreSimilarity": boolean, "tags": strList,
			},
			entities: inCase,
		},
		"AssignCase": {required: map[string]fieldKind{"owner": str}, entities: inCase},
		// TheHive 4.1.24 applies these two to a task log only; later builds to a task too.
		"CloseTask": {entities: []string{"thehive:case_task_log"}},
		"AddLogToTask": {
			required: map[string]fieldKind{"content": str}, optional: map[string]fieldKind{"owner": str},
			entities: []string{"thehive:case_task_log"},
		},
	}
)

// checkOperation checks one operation's type and fields; TheHive's parser throws on an unknown
// type or a missing field, which can void the whole list.
func checkOperation(i int, op map[string]any) []string {
	name := fmt.Sprintf("operations[%d]", i)
	typ, _ := op["type"].(string)
	spec, known := opSpecs[typ]
	if !known {
		return []string{fmt.Sprintf("%s.type is %s, not an operation TheHive applies", name, describeValue(op["type"]))}
	}
	var ps []string
	for field, kind := range spec.required {
		v, present := op[field]
		if !present || !fieldOK(kind, v) {
			ps = append(ps, fmt.Sprintf("%s (%s).%s is %s, want %s", name, typ, field, describe(v), kindName(kind)))
		}
	}
	for field, kind := range spec.optional {
		if v, present := op[field]; present && !fieldOK(kind, v) {
			ps = append(ps, fmt.Sprintf("%s (%s).%s is %s, want %s", name, typ, field, describe(v), kindName(kind)))
		}
	}
	return ps
}

func fieldOK(kind fieldKind, v any) bool {
	switch kind {
	case str:
		_, ok := v.(string)
		return ok
	case boolean:
		_, ok := v.(bool)
		return ok
	case tlpInt:
		return isIntIn(v, 0, 3)
	case strList:
		return isStringList(v)
	}
	return v != nil
}

func kindName(kind fieldKind) string {
	return [...]string{"a string", "a boolean", "an integer 0..3", "an array of strings", "a non-null value"}[kind]
}

// CheckOperationsFor fails the test for every operation TheHive would not apply to an entity of
// entityType ("thehive:case", "thehive:case_artifact", "thehive:alert", "thehive:case_task",
// "thehive:case_task_log"); an analyzer's operations apply to its observable,
// "thehive:case_artifact". Fields are checked by Check.
func (r *Run) CheckOperationsFor(t testing.TB, entityType string) {
	t.Helper()
	if !knownEntity(entityType) {
		t.Fatalf("cortextest: CheckOperationsFor: unknown entity type %q", entityType)
	}
	if r.Report == nil {
		t.Fatalf("cortextest: CheckOperationsFor: no report to read")
	}
	for i, op := range r.Report.Operations {
		spec, known := opSpecs[op.Type]
		if !known {
			t.Errorf("cortextest: operations[%d].type %q is not an operation TheHive applies", i, op.Type)
			continue
		}
		if !contains(spec.entities, entityType) {
			t.Errorf("cortextest: operations[%d] %s does not apply to %s (only to %s)",
				i, op.Type, entityType, strings.Join(spec.entities, ", "))
		}
	}
}

func knownEntity(entityType string) bool {
	return contains(inCase, entityType) || entityType == "thehive:alert"
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

package job

import "fmt"

// Operation is an action TheHive applies after a job. Build one with the constructors below, which
// are the operations TheHive 4 knows, each with its required fields.
type Operation struct {
	kind   string
	fields []kv
}

// Type returns the operation's type, e.g. "AddTagToArtifact".
func (o Operation) Type() string { return o.kind }

// MarshalJSON writes {"type": ..., fields...}.
func (o Operation) MarshalJSON() ([]byte, error) {
	return marshalOrdered(append([]kv{{"type", o.kind}}, o.fields...))
}

// AddTagToCase tags the case the job's entity belongs to.
func AddTagToCase(tag string) Operation {
	return Operation{"AddTagToCase", []kv{{"tag", tag}}}
}

// AddTagToArtifact tags the observable the job ran on.
func AddTagToArtifact(tag string) Operation {
	return Operation{"AddTagToArtifact", []kv{{"tag", tag}}}
}

// AddTagToAlert tags the alert the job ran on.
func AddTagToAlert(tag string) Operation {
	return Operation{"AddTagToAlert", []kv{{"tag", tag}}}
}

// MarkAlertAsRead marks the alert the job ran on as read.
func MarkAlertAsRead() Operation { return Operation{"MarkAlertAsRead", nil} }

// CreateTask adds a task to the case.
func CreateTask(title, description string) Operation {
	return Operation{"CreateTask", []kv{{"title", title}, {"description", description}}}
}

// AddCustomField sets a custom field of the case; tpe is TheHive's type name (string, integer,
// boolean, date, float) and is written as the key "tpe", as TheHive reads it.
func AddCustomField(name, tpe string, value any) Operation {
	return Operation{"AddCustomFields", []kv{{"name", name}, {"tpe", tpe}, {"value", value}}}
}

// AddArtifactToCase adds an observable (not a file) to the case.
func AddArtifactToCase(dataType, data, message string) Operation {
	return Operation{"AddArtifactToCase", []kv{{"data", data}, {"dataType", dataType}, {"message", message}}}
}

// AssignCase gives the case to the user with this login.
func AssignCase(owner string) Operation {
	return Operation{"AssignCase", []kv{{"owner", owner}}}
}

// CloseTask closes the task the job's log belongs to.
func CloseTask() Operation { return Operation{"CloseTask", nil} }

// AddLogToTask adds a log entry to the task.
func AddLogToTask(content string) Operation {
	return Operation{"AddLogToTask", []kv{{"content", content}}}
}

// validFor lists, per responder data type, the operations TheHive 4.1 applies to that entity.
var validFor = map[string]map[string]bool{
	"thehive:case":          set("AddTagToCase", "CreateTask", "AddCustomFields", "AddArtifactToCase", "AssignCase"),
	"thehive:case_artifact": set("AddTagToArtifact", "AddTagToCase", "CreateTask", "AddCustomFields", "AddArtifactToCase", "AssignCase"),
	"thehive:case_task":     set("AddTagToCase", "CreateTask", "AddCustomFields", "AddArtifactToCase", "AssignCase"),
	"thehive:case_task_log": set("AddTagToCase", "CreateTask", "AddCustomFields", "AddArtifactToCase", "AssignCase", "CloseTask", "AddLogToTask"),
	"thehive:alert":         set("AddTagToAlert", "MarkAlertAsRead"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// ValidFor reports whether TheHive applies o to an entity of the given responder data type.
// Analyzer jobs run on observables, where AddTagToArtifact and the case operations apply.
func (o Operation) ValidFor(dataType string) bool {
	if ops, ok := validFor[dataType]; ok {
		return ops[o.kind]
	}
	return validFor["thehive:case_artifact"][o.kind]
}

func checkOperations(ops []Operation, dataType string) error {
	for _, o := range ops {
		if o.kind == "" {
			return fmt.Errorf("operation without a type")
		}
		if !o.ValidFor(dataType) {
			return fmt.Errorf("operation %s does not apply to %s", o.kind, dataType)
		}
	}
	return nil
}

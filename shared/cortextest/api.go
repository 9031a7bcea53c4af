package cortextest

import "time"

// Kind says which contract a report follows.
type Kind int

// The two worker kinds.
const (
	Analyzer Kind = iota + 1
	Responder
)

func (k Kind) String() string {
	switch k {
	case Analyzer:
		return "analyzer"
	case Responder:
		return "responder"
	}
	return "unknown kind"
}

// DefaultTimeout is how long a run may take before the harness kills it.
const DefaultTimeout = 2 * time.Minute

// Job is what Cortex hands the worker.
type Job struct {
	// Input is written verbatim as input/input.json (or sent on stdin by RunStdin).
	Input []byte
	// Attachments maps a file name in input/ (e.g. "attachment7353962451834129017") to its bytes.
	Attachments map[string][]byte
	// Env is added after os.Environ (and REQUESTS_CA_BUNDLE), "KEY=value" each.
	Env []string
	// Timeout overrides DefaultTimeout when positive.
	Timeout time.Duration
}

// Run is what one execution of a worker left behind.
type Run struct {
	ExitCode   int    // -1 when the process was killed by a signal
	Stdout     []byte // everything written to stdout
	Stderr     []byte // everything written to stderr
	OutputJSON []byte // output/output.json (process mode) or stdout (stdin mode); nil when missing
	OutputDir  string // absolute output/ folder; "" in stdin mode
	JobDir     string // absolute job folder; "" in stdin mode
	TimedOut   bool   // the harness killed the worker at the timeout
	Report     *Report

	stdinMode     bool
	inputModified []string // what changed in input/ during the run
	outputErr     error    // output.json exists but could not be read
}

// Report is a report decoded as Cortex reads it. Numbers in Input, Full and Raw are float64.
type Report struct {
	Success      bool
	ErrorMessage string
	Input        map[string]any // the input echo of an error report
	Summary      Summary
	Artifacts    []Artifact
	Operations   []Operation
	Full         map[string]any
	Raw          map[string]any // the whole report
}

// Summary is the report's summary object.
type Summary struct {
	Taxonomies []Taxonomy
}

// Taxonomy is one short-report entry.
type Taxonomy struct {
	Level     string
	Namespace string
	Predicate string
	Value     any
}

// Artifact is one extracted observable; File, Filename, ContentType and Path only for files.
type Artifact struct {
	DataType    string
	Data        string
	TLP         int // -1 when absent: Cortex then uses the job's TLP
	Tags        []string
	Message     string
	File        string // name in output/
	Filename    string
	ContentType string
	Path        string // absolute path of File in output/
}

// Operation is one operation TheHive applies; Fields holds the whole object, "type" included.
type Operation struct {
	Type   string
	Fields map[string]any
}

package bpmn

// Definitions is a parsed BPMN file: its one process, the messages and errors that events refer to,
// and the diagram interchange shapes and edges (kept only so that [CheckDiagram] can check them).
type Definitions struct {
	ID              string
	TargetNamespace string
	Messages        []Message
	Errors          []ErrorDef
	Processes       []*Process
	Diagrams        []Diagram

	// problems are the subset violations found while parsing (unknown elements and attributes);
	// Validate reports them together with the structural checks.
	problems []problem
}

// Message is a top-level message, the trigger of a message start event.
type Message struct {
	ID, Name string
	Line     int
}

// ErrorDef is a top-level error, thrown by an error end event and caught by a boundary error event.
type ErrorDef struct {
	ID, Name, ErrorCode string
	Line                int
}

// Process is the executable process: its key (ID), its name and its flow elements.
type Process struct {
	ID, Name     string
	IsExecutable bool
	Line         int
	Scope
}

// Scope holds the flow nodes and sequence flows of a process or an embedded sub-process, in document
// order (the order that decides which condition of an exclusive gateway is tried first).
type Scope struct {
	Nodes []*Node
	Flows []*SequenceFlow
}

// NodeKind names the BPMN element a Node was parsed from.
type NodeKind string

// The flow node kinds of the subset.
const (
	KindStartEvent       NodeKind = "startEvent"
	KindEndEvent         NodeKind = "endEvent"
	KindServiceTask      NodeKind = "serviceTask"
	KindUserTask         NodeKind = "userTask"
	KindExclusiveGateway NodeKind = "exclusiveGateway"
	KindSubProcess       NodeKind = "subProcess"
	KindBoundaryEvent    NodeKind = "boundaryEvent"
)

// Node is one flow node. Only the fields of its Kind are set.
type Node struct {
	Kind     NodeKind
	ID, Name string
	Line     int

	// Incoming and Outgoing are the declared <incoming>/<outgoing> references (may be empty).
	Incoming, Outgoing []string

	Default    string // exclusiveGateway: the default flow id
	MessageRef string // startEvent: the message of a message start event
	ErrorRef   string // endEvent or boundaryEvent with an errorEventDefinition

	// IsError is set on an end or boundary event that has an errorEventDefinition (ErrorRef may be
	// empty on a boundary event, which then catches any error).
	IsError bool

	Shell *ShellTask // serviceTask
	User  *UserTask  // userTask
	Timer *Timer     // boundaryEvent with a timerEventDefinition

	AttachedTo     string // boundaryEvent
	CancelActivity bool   // boundaryEvent

	Sub *Scope // subProcess
}

// SequenceFlow connects two flow nodes of the same scope.
type SequenceFlow struct {
	ID, Name       string
	Source, Target string
	Line           int

	// Condition is the text of the conditionExpression ("" when the flow has none).
	Condition     string
	ConditionLine int
}

// ShellTask is a serviceTask with activiti:type="shell": its fields by name.
type ShellTask struct {
	Fields map[string]Field
}

// Field is one activiti:field. A stringValue (attribute or activiti:string child) is used literally,
// as Activiti's FixedValue; an expression (attribute or activiti:expression child) is evaluated.
type Field struct {
	Name         string
	Value        string
	IsExpression bool
	Line         int
}

// UserTask is what an [Approver] is told about the task it completes.
type UserTask struct {
	ID, Name        string
	Assignee        string
	CandidateUsers  string
	CandidateGroups string
	FormKey         string
	FormProperties  []FormProperty
}

// FormProperty is an activiti:formProperty of a user task.
type FormProperty struct {
	ID, Name, Type string
	Variable       string
	Required       bool
}

// Timer is the timerEventDefinition of a boundary event: an ISO-8601 duration such as PT4H.
type Timer struct {
	Duration string
	Line     int
}

// Diagram is one bpmndi:BPMNDiagram, reduced to what CheckDiagram needs.
type Diagram struct {
	ID     string
	Planes []Plane
	Line   int
}

// Plane is one bpmndi:BPMNPlane with its shapes and edges.
type Plane struct {
	ID, Element string
	Line        int
	Shapes      []Shape
	Edges       []Edge
}

// Shape is a bpmndi:BPMNShape; HasBounds tells whether it carries dc:Bounds.
type Shape struct {
	ID, Element string
	Line        int
	HasBounds   bool
}

// Edge is a bpmndi:BPMNEdge with its number of di:waypoint children.
type Edge struct {
	ID, Element string
	Line        int
	Waypoints   int
}

// problem is one subset violation: the line and id of the element and what is wrong.
type problem struct {
	line int
	id   string
	msg  string
}

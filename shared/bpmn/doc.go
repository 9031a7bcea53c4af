// Package bpmn is an embedded interpreter of the small BPMN 2.0 subset that the SOCCRATES use-case
// processes use, so that the same *.bpmn20.xml files that Activiti 6/7 deploy unchanged run locally
// and in tests.
//
// [Parse] reads a file into a model, [Definitions.Validate] rejects anything outside the subset
// (naming the element id and line), [CheckDiagram] checks that the diagram interchange is complete,
// and [Run] executes the process with one token over one variable map, as Activiti does.
//
// The subset: one executable process; none start events (and message starts, see [StartByMessage]);
// none end events, and error end events only inside an embedded sub-process whose boundary error
// event catches them; service tasks with activiti:type="shell" only; exclusive gateways; user tasks
// with an optional interrupting boundary timer (timeDuration); sequence flows whose condition is one
// ${...} JUEL expression, only out of exclusive gateways.
//
// What it decides, following Activiti's code: an exclusive gateway takes the first true condition in
// document order, else its default flow, else fails; a condition that is not a Boolean, or names an
// unknown variable, fails the run ([UnknownPropertyError]); a shell task's fields are evaluated
// (a stringValue is used literally, an expression evaluated, composite text concatenated), arguments
// whose value is null are dropped, stdout becomes the outputVariable as a string and the exit code
// the errorCodeVariable as a string; a non-zero exit is not an error, a command that cannot start is.
// JUEL follows EL's coercion rules for ==, relational operators, !, && and || over strings, booleans,
// int64 and float64, with the String methods trim, isEmpty, equals, startsWith and contains.
//
// What it does not decide: who may complete a user task (an [Approver] does; candidate groups are only
// passed on), nor anything about the commands it runs. [ExecRunner] reproduces Activiti's hazards as
// errors instead of hangs: more than 64 KiB on stdout (or on stderr without redirectError) fails, and a
// command that reads stdin, which Activiti leaves open, runs until the context ends.
//
// Known shortcomings: it is not Activiti. Variables are checked only when a condition is evaluated, so a
// variable missing on one path is found only by a run on that path. Arithmetic, ternaries, functions
// (Activiti 7's now() and list()), property access and JSON variables are not supported. Timers are
// only boundary timeDuration timers on user tasks; years and months in durations are refused. Field
// text given as a child element is trimmed. Stdout is decoded as UTF-8 with each run of bad bytes
// replaced by one U+FFFD, where Java replaces each bad sequence. Activiti 7 needs a MAP_ALL variable
// mapping for the approval task to see the approver's variables; this engine always copies them.
package bpmn

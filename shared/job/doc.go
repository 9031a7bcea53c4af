// Package job implements the Cortex worker contract that every SOCCRATES analyzer and responder
// follows: how a job is found and read, which checks run before any work, how configuration is read
// with the manifest's defaults, and what a report may contain.
//
// A worker's main calls [Run] with its [Spec]. Run chooses the mode as cortexutils does: the job
// folder is the first argument, or /job when there is none (the Docker runner); if
// <folder>/input/input.json exists the job is read from there and the report written once, complete,
// to <folder>/output/output.json; otherwise the input is read from stdin and the report written to
// stdout. Nothing is ever written into input/ (Kubernetes mounts it read-only).
//
// Before the worker runs, Run checks in Cortex's order: dataType present, TLP, PAP, then the data type
// against the manifest's dataTypeList, then the observable itself. Reports are built from the types in
// this package, which cannot express what Cortex or TheHive would reject: full is always an object,
// taxonomy levels are one of four, artifacts carry only the keys Cortex accepts, operations only the
// types TheHive applies, each with its fields. Error reports echo the input with secrets removed more
// thoroughly than cortexutils does (see [Redact]). A panic in a worker becomes an error report.
//
// Exit codes:
//
//	0  a success report was written
//	1  an error report was written
//	2  the command line itself was wrong (no job was read)
//
// The job's deadline is Cortex's jobTimeout (minutes) less a margin, so that a remote API that never
// answers ends in an error report before Cortex kills the process. If the worker does not return
// shortly after the deadline, Run writes the error report itself and returns.
package job

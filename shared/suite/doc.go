// Package suite is the soccrates command: the bridge between BPMN shell tasks and the Cortex workers.
//
// A shell task of a use-case process (run by Activiti or by the embedded engine in shared/bpmn) calls one
// verb per step. The verb runs one analyzer or responder in a Cortex job folder, keeps the worker's log
// and report there, and prints a single short token without a newline, because Activiti stores stdout
// whole in a process variable, cannot parse JSON in a condition, and hangs on more than 64 KiB of output.
//
// What it decides: the token for a report (the highest taxonomy level for analyzers; dryrun, done, none
// or error for responders), the data type of a responder artifact when asked for "auto", where a worker
// executable lives (--bin, the command's own folder, then the dist layout beside it), and how an
// observable written as @<jobDir>:<path> refers into an earlier report. The run verb executes a process
// file locally; summary writes a readable account of a UC1 run: detection, attack graph targets,
// business impact, the defences proposed per budget, the CoAs in rank order with their RORI inputs, and
// the responses sent.
//
// What it does not decide: anything about the security content. Verdicts, plans and commands come from
// the workers; the suite only moves their values from one job to the next. Worker config defaults are
// applied by the workers themselves; the suite adds only the per-worker object of its config file.
//
// Exit codes: 0 success, 1 the step failed (token "error"; the reason is in <jobDir>/log and the
// report), 2 the command line or the set-up was wrong (message on stderr).
//
// Known shortcomings: report paths are split on dots, so a key that itself contains a dot cannot be
// addressed; a job folder is reused (its old contents removed) only when the suite created it, any other
// non-empty folder is refused; the case object given to responders is synthetic (no TheHive ids), so a
// responder that calls back into TheHive cannot work from a local run.
package suite

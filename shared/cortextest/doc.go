// Package cortextest runs a built SOCCRATES worker exactly as Cortex's process runner does and
// checks its report as Cortex 4.1 and TheHive 4 would read it. Every worker's end-to-end test
// uses it:
//
//	bin := cortextest.Build(t, "./analyzers/AttackDetection")
//	run := cortextest.RunProcess(t, bin, cortextest.Job{Input: input})
//	rep := run.Check(t, cortextest.Analyzer)
//	run.CheckOperationsFor(t, "thehive:case_artifact")
//
// [Build] compiles a main package once per test binary run. [RunProcess] lays out a job folder
// as Cortex does (input/input.json, attachments, input/cacerts, an empty output/), runs the
// command with the absolute job folder as its only argument from the analyzers root, without
// stdin, and kills it at a timeout. [RunStdin] runs the legacy mode (input on stdin, report on
// stdout). [Run.Check] fails the test on anything Cortex or TheHive would choke on or silently
// drop, following ../shared/reference/cortex/README.md §3 and §4; it does not judge whether the
// report is the right answer, which is the calling test's business.
//
// Known shortcomings: tests usually run as root in containers, where the read-only modes on
// input/ do not stop a write; the harness therefore also compares input/ before and after the
// run and reports any change. "output.json written once" is checked only by its effects (no
// other file left in output/ than those artifacts reference); a worker that rewrites the file
// in place is not caught. The SIGTERM-then-kill at the timeout mirrors Cortex on Linux only.
package cortextest

// Package attackgraph is the attack defence graph of SOCCRATES and its Monte Carlo
// time-to-compromise simulator, with the semantics of MAL (the Meta Attack Language of KTH)
// and its reference implementation.
//
// A Graph holds steps of five kinds. An Or step is reached at the earliest time one of its
// parents is reached plus its own time to compromise (TTC); an And step at the latest time
// all of its parents are reached plus its TTC. A Defense is on or off; when off it is
// reached at time 0 (it "lets through"), when on never, so that a defence guards the And
// steps it feeds, and an Or step it feeds is open from the start unless the defence is on
// (coreLang's "xBypassed" pattern). Exist and NotExist are conditions decided when the graph
// is built (Step.Holds): true, they are reached at time 0; false, never. This is how MAL's
// reference generator treats a defence (a disabled defence is a compromised parent), and
// what coreLang 1.0 is written for.
//
// TTCs are MAL's distributions (ParseTTC): the named ones (EasyAndCertain = Exponential(1)
// per day, HardAndCertain = Exponential(0.1), VeryHardAndCertain = Exponential(0.01), the
// Uncertain variants gated by Bernoulli(0.5), Zero, Infinity, Enabled, Disabled) and
// Bernoulli, Binomial, Exponential, Gamma(shape, scale), LogNormal(mu, sigma), Pareto,
// TruncatedNormal and Uniform, combined with + - * / as MAL's compiler allows. A Bernoulli
// that fails makes the step impossible in that sample (securiCAD's reading); one that
// succeeds counts 1 as a factor and 0 as a term. Times are in days; a step reached after
// Config.Horizon (default 100 days, as securiCAD) counts as not reached.
//
// Simulate, or NewSimulator and Run, draw Config.Samples samples (default 1,000) over all
// cores. A sample is a Dijkstra-style sweep in time order from the entry steps; because all
// TTCs are non-negative each step is final when first taken, and enters the queue (a radix
// heap) once. Before sampling, a run builds a plan that moves out of the samples what
// does not change between them: everything reached at time 0 for certain (entry points,
// defences that are off, conditions that hold, and the instantaneous steps these open —
// most of coreLang), every step that no sample can reach, and every step from which no
// target can be reached. What is left is renumbered densely into small flat arrays; a
// sample allocates nothing.
//
// Each step's TTC in a sample is drawn from a generator seeded by (seed, sample, step): the
// result is the same for a seed whatever the number of workers, and two runs that differ in
// their defences see the same draws (common random numbers), so "how much does this defence
// set improve TTC" is answered with little noise. That is the API for the course-of-action
// generator: NewSimulator once, then Run(ctx, Defences{...}) per candidate set; each Run
// costs one plan (linear in steps and edges) plus the samples.
//
// Per target the Result gives the probability of being reached within the horizon, the 5th,
// 50th and 95th percentile of TTC over all samples (+Inf when fewer samples reached it),
// the mean over the samples that reached it, and the critical path: from the target back,
// at each step the predecessor that most often set its time on the fastest path (for an
// And step, the parent reached last). HotSteps are the attack steps on the fastest path to
// some target in the most samples: where a defence helps most.
//
// What it does not decide: which model or language the graph comes from (package mal
// instantiates MAL languages, package infragraph compiles the infrastructure model), which
// targets matter, and what a defence costs.
//
// Known shortcomings. A defence with a probability strictly between 0 and 1 is drawn per
// sample and is not in the time-0 part of the plan, so a model full of them samples slower.
// Percentiles are nearest-rank over float32 times. The critical path is assembled step by
// step from the most frequent predecessors, so in a graph where paths tie often it can be a
// chain no single sample took; each step's share says how often it was on the path. MAL's
// reference implementation gives instantaneous steps one second; here they take zero.
package attackgraph

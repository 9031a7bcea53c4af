// Package coa is SOCCRATES' course-of-action generator (CoAG): from an attack graph and a
// cost table it proposes the set of defences that, within a budget, most delays the attacker
// on the way to the critical assets, or most lowers the risk (probability × business impact)
// when the caller gives an impact figure per target.
//
// Candidates are the defences that guard the steps on the critical paths and the hot steps of
// a first simulation: the defences feeding those steps and the defences of their assets
// (a vulnerability's notPresent is its patch, a connection rule's restricted its firewall
// filter). A defence is a candidate only when the cost table prices its kind
// ("AssetType.defence", e.g. ConnectionRule.restricted) or the defence itself; requirement
// defences such as SoftwareVulnerability.networkAccessRequired describe the model and are
// not priced by default, so they are never proposed. The table's prices have volume tiers
// (the unit price when at least so many of a kind are bought, after KTH's
// same_type_dependency), prerequisites and mutual exclusions, as in KTH's generator.
//
// Selection. Every candidate set is judged by simulation: the graph is compiled once and
// one attackgraph.Simulator per sample count is reused for every set, so all sets see the
// same random numbers. The search runs on few samples (screening); the chosen set is checked
// again with more (the final check), and both counts are reported. Greedy adds, round by
// round, the candidate (with the prerequisites it lacks) of the best gain per money spent.
// When there are at most Config.ExactLimit candidates, a branch and bound over all subsets
// then looks for the optimum, bounding each branch by the set with every remaining candidate
// switched on: with common random numbers a defence switched on never makes a sample faster,
// so that bound is sound. Result.Method says which search gave each proposal.
//
// The objective in the TTC metric is the mean over targets of the 5th and 50th percentile
// TTC, each capped at the horizon; in the risk metric the sum over targets of the
// probability of being reached within the horizon times its impact.
//
// What it does not decide: the attack graph (package attackgraph and its compilers), which
// targets matter, the business impact figures (package impact), and whether a proposal is
// carried out: each comes with a CACAO playbook whose planned changes are manual steps, and
// whose firewall restrictions, when the zones have subnets, are OpenC2 SLPF denies.
//
// Known shortcomings: greedy can miss a pair of defences that only helps together (two
// guards of one And step); the exact search finds it, but only for small candidate sets.
// Candidates are limited to Config.MaxCandidates, ranked by how often their step is on a
// fastest path; the rest are counted, not searched. Screening noise can rank two close sets
// in the wrong order; the final check reports the chosen one's true effect, not that of the
// runner-up. The time to deploy is the sum over the defences (no parallel deployment), and
// the default prices are this project's rough figures, not market data.
package coa

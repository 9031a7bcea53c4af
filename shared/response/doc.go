// Package response plans the containment of a compromised host: it turns
// an incident (the host, its ATT&CK attack stage, the attackers' addresses
// and the C2 names seen) into courses of action (CoAs) with their OpenC2
// commands and a CACAO 2.0 playbook that carries them.
//
// It decides three kinds of CoA and their order:
//
//   - contain_host: network-isolate the host through Endpoint Response. It
//     comes first when the stage is lateral-movement or later, because the
//     host is then a stepping stone; at earlier stages it comes last, so
//     the attacker is cut off before the host is touched.
//   - deny_attacker: deny traffic to and from each attacker address at the
//     packet filter (SLPF), at every stage, whenever addresses are known.
//   - block_c2_name: deny resolution of each C2 name at a DNS-layer
//     actuator, whenever names are known or the stage is
//     command-and-control (with no names it asks the analyst for them).
//
// Every target passes openc2.CheckTargetNamed (and the protected domains)
// first; a refused target is reported in the CoA's refused list with the
// reason, never dropped. A CoA left without commands still appears, and
// the playbook gives it a manual step.
//
// Rank then gives each CoA its return on response investment, RORI =
// ((ALE × RM) − ARC) / (ARC + AIV) × 100 (Gonzalez-Granadillo et al.),
// with the inputs beside it, and orders the CoAs by it, highest first.
// For an ongoing attack, with a rate of occurrence of 1:
//
//   - ALE is the business loss per hour (package impact, all aspects) of
//     the hosts the attack graph reaches onward from the host in at least
//     half the samples within the horizon, propagated together so that a
//     process two of them serve counts once, times the largest of their
//     median times to compromise.
//   - RM = coverage × effectiveness. Coverage is, per reached host, the
//     share of the samples that reached it within the horizon in which it
//     was reached after the response took effect (the cost table's
//     deploy_hours), weighted by the host's loss per hour: the same
//     samples with and without the response, since a response in effect
//     cuts the attack from the host. Effectiveness is the cost table's:
//     how much of the onward attack the response stops once in effect.
//   - ARC is the cost table's cost plus the response's negative business
//     side effects: isolating a host costs the business impact of its own
//     loss of availability for RORIConfig.ContainHours.
//   - AIV is the site's annual infrastructure value.
//
// The playbook keeps the stage order; only the CoA list is ranked. A CoA
// without commands (all targets refused, no C2 names) gets no RORI and
// ranks last. When the models do not cover the host, nothing is ranked
// and Result.RORI says why.
//
// It does not send anything and does not decide whether the plan is
// approved: the playbook is a proposal for an analyst or a workflow.
//
// Known shortcomings: the stage order is the ATT&CK Enterprise tactic
// order, a simplification of real intrusions, which jump back and forth;
// denials last Config.DenyDuration and nothing here schedules their undo;
// the host is identified to the EDR by hostname or inventory id when
// given, otherwise by its address as device_id, which an EDR may not
// resolve. In RORI, ALE grows with the time to compromise, as the
// definition asks (the loss lasts until the attack is there), so a slower
// attack counts as a larger loss; deny_attacker and block_c2_name act on
// the same onward attack as contain_host and differ only in the cost
// table, since the attack graph has no steps for the attacker's remote
// control; their side effects are not modelled (the business model has
// no element for external addresses or names); the cost table's defaults
// are assumptions, not measurements; and the compromised host's own
// confidentiality and integrity loss is taken as already suffered, so no
// response is credited with it.
package response

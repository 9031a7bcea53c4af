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
// It does not rank CoAs by cost or risk (no RORI, no business impact yet),
// does not send anything, and does not decide whether the plan is
// approved: the playbook is a proposal for an analyst or a workflow.
//
// Known shortcomings: the stage order is the ATT&CK Enterprise tactic
// order, a simplification of real intrusions, which jump back and forth;
// denials last Config.DenyDuration and nothing here schedules their undo;
// the host is identified to the EDR by hostname or inventory id when
// given, otherwise by its address as device_id, which an EDR may not
// resolve.
package response

// Package impact is SOCCRATES' business impact analysis (BIA) over the business logic model: what the
// loss of confidentiality, integrity or availability of a technical asset means for the business
// processes an ArchiMate model describes, in the model's own names and in money over a time horizon.
//
// Import turns a parsed ArchiMate model (package archimate) into the knowledge store's business
// model and ties technology elements (Node, Device, SystemSoftware, ApplicationComponent) to hosts
// of the infrastructure model: by the element's properties "ip" and "hostname" (several values
// separated by commas or spaces), or by a mapping file of "element,host" lines (ParseMapping), where
// element is an identifier or a name that only one technology element has. Nothing is matched by
// similarity: technology elements without a host are listed as unmapped, ambiguous or unknown
// mapping lines as warnings.
//
// Compile builds a dependency graph from a stored model, and Graph.Impact propagates a loss from
// given elements. Every element and every relationship is a vertex, so that relationships pointing
// at relationships take part: a relationship is the dependency link itself, and a Serving from a
// network service to "application A serves process P" makes P depend on that service through the
// link. The rules, per relationship from source s to target t:
//
//   - Realization, Assignment: t depends on s for C, I and A. Several of them into one element are
//     alternatives: the element loses availability only when all its realisers (or assignees) have,
//     so a service realised by two independent nodes survives the loss of one. Confidentiality and
//     integrity are lost when any one of them is: a leaking or tampered replica leaks or tampers.
//   - Serving: t depends on s for C, I and A; each server is needed (no redundancy).
//   - Access (s the accessor, t the passive object): a reading accessor passes its C loss to the
//     object, a writing one its I loss; the object passes A and C losses back to every accessor and
//     its I loss to readers. accessType Access (unspecified) counts as read and write. A C loss that
//     came back from a leaked object (the accessor's information is out, the accessor is not
//     leaking) is not passed on to the other objects the accessor reads; otherwise one leak would
//     spread to every process that shares any data object with another.
//   - Composition, Aggregation: the whole depends on its parts, except when the whole is a Node,
//     Device or SystemSoftware: then what it contains depends on it (software on a machine).
//   - Junctions: all inputs of an AndJunction are needed, any input of an OrJunction suffices for
//     availability, whatever the relationship type.
//   - Triggering, Flow, Influence, Specialization and Association carry no impact: dependence must
//     be modelled with the relationships above.
//
// Quantification is per business process, function and interaction that lost an aspect: its
// property loss_per_hour (money per hour, any aspect) or loss_per_hour_confidentiality,
// loss_per_hour_integrity, loss_per_hour_availability (these win for their aspect); the loss per
// hour of an element is the largest rate among the aspects it lost, times the caller's horizon.
// criticality is 1 to 5 or low, medium, high, critical. The total is the sum over elements.
//
// Known shortcomings: impact is binary per aspect (lost or not), without degradation or recovery
// time; the whole horizon counts. A figure set on a function and on the processes it is composed
// of is counted twice. Redundancy is inferred only from several realizations or assignments or an
// OrJunction, never from names. The graph is compiled again for every job (about 0.5 s for 100,000
// elements); a propagation from one asset on it takes milliseconds. The paths reported are one shortest chain per element, for the
// aspect listed first among availability, integrity, confidentiality.
package impact

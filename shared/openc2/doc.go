// Package openc2 builds, checks and renders the OpenC2 commands the suite
// sends to its actuators.
//
// It decides what a well-formed command looks like for the few
// action/target pairs the suite uses (OpenC2 Language Specification 1.0):
//
//   - deny of an ipv4_connection or ipv6_connection, and deny/allow of an
//     ipv4_net or ipv6_net, for a stateless packet filter (SLPF 1.0,
//     actuator "slpf");
//   - delete of an SLPF rule (target "slpf:rule_number"), to undo a deny;
//   - deny of a domain_name, a Language Specification target. An SLPF
//     cannot enforce names: the command is meant for a DNS-layer actuator
//     (resolver policy, DNS firewall), so it names no actuator profile;
//   - contain of a device for Endpoint Response (ER 1.0 CSD01, actuator
//     "er").
//
// The builders (DenyConnection, DenyNet, AllowNet, DenyDomain,
// ContainDevice, DeleteRule) refuse invalid addresses, prefixes, names and
// enum values, so what they return is valid against the matching schema.
// ParseMessage and ParseCommand apply the same checks to commands read from
// elsewhere. NewMessage wraps a command in the OpenC2-over-HTTPS 1.1
// message envelope.
//
// CheckTarget decides whether an address may be blocked at all: it refuses
// loopback, link-local, unspecified, multicast and broadcast ranges and any
// overlap with a protected network.
//
// RenderNft renders an SLPF deny/allow as the exact nft(8) lines that
// enforce it in the table "inet soccrates", each rule carrying the request
// id in its comment; RenderNftUndo finds those rules again in `nft -j list
// table inet soccrates` output and renders their deletion. The package only
// renders text: it never runs nft, and dry-run is the caller's business.
//
// Validator checks a command against the OASIS JSON schemas when the caller
// has them (see Schemas); the SLPF and LS schemas are not open-source and do
// not ship with the suite.
//
// Known shortcomings: only the pairs above are modelled; port 0 means "any
// port" and cannot be expressed; nftables has no rule lifetime, so
// start_time, stop_time and duration are carried in the command but not
// rendered (the responder must undo at expiry); drop_process "false_ack"
// and insert_rule cannot be rendered for nftables and are refused there;
// directed broadcast addresses of a subnet are not known here and are not
// refused by CheckTarget.
package openc2

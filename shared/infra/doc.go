// Package infra holds the infrastructure model of the SOCCRATES knowledge: hosts with their
// addresses, names, operating system, services and vulnerabilities, the network zones they sit in,
// the reachability policy between zones, and the properties an operator sets per host
// (confidentiality, integrity and availability criticality, owner, role).
//
// It decides what a scan observation covers ([Observation.PortsSeen], [Observation.InNetworks]),
// which zone and properties a host gets from the operator's
// configuration ([Config.ZoneOf], [Config.PropertiesOf]), whether one zone may reach a port in
// another ([Policy.Allows]), and what changed between two states of the model ([Diff]).
//
// It does not parse scanner files (package scan does) and does not store anything (package
// knowledge does); it performs no I/O except [LoadConfig] reading two small JSON files.
//
// Known shortcomings: a host is identified by one key (its first IPv4 address, else IPv6, else
// MAC, else first name), so a host whose address changes between scans appears as a removed and a
// new host. Zone membership is by subnet only; the first zone (in file order) whose subnet holds
// the host's key address wins. The policy has no notion of direction-specific source ports,
// protocols other than tcp/udp/sctp, or deny rules: anything not allowed between two different
// zones is closed, and everything inside one zone is open.
package infra

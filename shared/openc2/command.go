package openc2

// Action is the OpenC2 verb.
type Action string

// Actions the suite sends.
const (
	ActionDeny    Action = "deny"
	ActionAllow   Action = "allow"
	ActionContain Action = "contain"
	ActionDelete  Action = "delete"
)

// ResponseType is the args.response_requested value.
type ResponseType string

// Response types of OpenC2 LS 1.0.
const (
	ResponseNone     ResponseType = "none"
	ResponseAck      ResponseType = "ack"
	ResponseStatus   ResponseType = "status"
	ResponseComplete ResponseType = "complete"
)

// Direction is the SLPF args.slpf.direction value.
type Direction string

// SLPF directions; the empty Direction means both.
const (
	DirectionBoth    Direction = "both"
	DirectionIngress Direction = "ingress"
	DirectionEgress  Direction = "egress"
)

// DropProcess is the SLPF args.slpf.drop_process value.
type DropProcess string

// SLPF drop processes; the empty DropProcess lets the actuator choose.
const (
	DropNone     DropProcess = "none"
	DropReject   DropProcess = "reject"
	DropFalseAck DropProcess = "false_ack"
)

// Containment is the ER args.er.device_containment value.
type Containment string

// ER containment kinds.
const (
	ContainNetworkIsolation Containment = "network_isolation"
	ContainAppRestriction   Containment = "app_restriction"
	ContainDisableNIC       Containment = "disable_nic"
)

// Protocol is the layer-4 protocol of a connection target.
type Protocol string

// Protocols of OpenC2 LS 1.0; the empty Protocol means any.
const (
	ProtocolTCP  Protocol = "tcp"
	ProtocolUDP  Protocol = "udp"
	ProtocolICMP Protocol = "icmp"
	ProtocolSCTP Protocol = "sctp"
)

// Command is an OpenC2 command as it appears on the wire.
type Command struct {
	Action    Action    `json:"action"`
	Target    Target    `json:"target"`
	Args      *Args     `json:"args,omitempty"`
	Actuator  *Actuator `json:"actuator,omitempty"`
	CommandID string    `json:"command_id,omitempty"`
}

// Target holds exactly one of its fields in a valid command.
type Target struct {
	IPv4Connection *Connection `json:"ipv4_connection,omitempty"`
	IPv6Connection *Connection `json:"ipv6_connection,omitempty"`
	IPv4Net        string      `json:"ipv4_net,omitempty"`
	IPv6Net        string      `json:"ipv6_net,omitempty"`
	DomainName     string      `json:"domain_name,omitempty"`
	Device         *Device     `json:"device,omitempty"`
	SLPFRuleNumber *int64      `json:"slpf:rule_number,omitempty"`
}

// Connection is the 5-tuple of an ipv4_connection or ipv6_connection
// target. Empty fields match anything.
type Connection struct {
	Protocol Protocol `json:"protocol,omitempty"`
	SrcAddr  string   `json:"src_addr,omitempty"`
	SrcPort  uint16   `json:"src_port,omitempty"`
	DstAddr  string   `json:"dst_addr,omitempty"`
	DstPort  uint16   `json:"dst_port,omitempty"`
}

// Device is the device target of an ER contain command.
type Device struct {
	Hostname string `json:"hostname,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
}

// Args are the command arguments. Times are milliseconds since the Unix
// epoch and durations milliseconds, as OpenC2 LS 1.0 defines them.
type Args struct {
	StartTime         int64        `json:"start_time,omitempty"`
	StopTime          int64        `json:"stop_time,omitempty"`
	Duration          int64        `json:"duration,omitempty"`
	ResponseRequested ResponseType `json:"response_requested,omitempty"`
	SLPF              *SLPFArgs    `json:"slpf,omitempty"`
	ER                *ERArgs      `json:"er,omitempty"`
}

// SLPFArgs are the SLPF profile arguments.
type SLPFArgs struct {
	DropProcess DropProcess `json:"drop_process,omitempty"`
	Persistent  *bool       `json:"persistent,omitempty"`
	Direction   Direction   `json:"direction,omitempty"`
	InsertRule  *int64      `json:"insert_rule,omitempty"`
}

// ERArgs are the Endpoint Response profile arguments.
type ERArgs struct {
	DeviceContainment  Containment         `json:"device_containment,omitempty"`
	PermittedAddresses *PermittedAddresses `json:"permitted_addresses,omitempty"`
}

// PermittedAddresses stay reachable from a network-isolated device.
type PermittedAddresses struct {
	IPv4Net    []string `json:"ipv4_net,omitempty"`
	IPv6Net    []string `json:"ipv6_net,omitempty"`
	DomainName []string `json:"domain_name,omitempty"`
}

// Actuator names the profile (and optionally the device) that executes a
// command. A domain_name deny has none: LS 1.0 defines no DNS profile.
type Actuator struct {
	SLPF *SLPFActuator `json:"slpf,omitempty"`
	ER   *ERActuator   `json:"er,omitempty"`
}

// SLPFActuator holds the SLPF actuator specifiers.
type SLPFActuator struct {
	Hostname   string `json:"hostname,omitempty"`
	NamedGroup string `json:"named_group,omitempty"`
	AssetID    string `json:"asset_id,omitempty"`
}

// ERActuator holds the ER actuator specifiers; it may be empty.
type ERActuator struct {
	Hostname   string `json:"hostname,omitempty"`
	NamedGroup string `json:"named_group,omitempty"`
}

// Profile is the actuator profile a command belongs to, which also decides
// the schema that validates it.
type Profile string

// Profiles the suite knows.
const (
	ProfileSLPF Profile = "slpf"
	ProfileER   Profile = "er"
	// ProfileLS is a Language Specification command without an actuator
	// profile (deny domain_name).
	ProfileLS Profile = "ls"
)

// Profile reports which profile c belongs to, from its actuator and target.
func (c Command) Profile() Profile {
	switch {
	case c.Actuator != nil && c.Actuator.ER != nil, c.Target.Device != nil:
		return ProfileER
	case c.Actuator != nil && c.Actuator.SLPF != nil, c.Target.SLPFRuleNumber != nil,
		c.Target.IPv4Connection != nil, c.Target.IPv6Connection != nil,
		c.Target.IPv4Net != "", c.Target.IPv6Net != "":
		return ProfileSLPF
	default:
		return ProfileLS
	}
}

// TargetName is the OpenC2 name of the target type c carries, or "" when
// it carries none.
func (c Command) TargetName() string {
	t := c.Target
	switch {
	case t.IPv4Connection != nil:
		return "ipv4_connection"
	case t.IPv6Connection != nil:
		return "ipv6_connection"
	case t.IPv4Net != "":
		return "ipv4_net"
	case t.IPv6Net != "":
		return "ipv6_net"
	case t.DomainName != "":
		return "domain_name"
	case t.Device != nil:
		return "device"
	case t.SLPFRuleNumber != nil:
		return "slpf:rule_number"
	}
	return ""
}

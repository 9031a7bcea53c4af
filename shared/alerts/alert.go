package alerts

import (
	"errors"
	"time"
)

// ErrUnknownFormat is wrapped by the error Read returns when the input is
// no alert file of a format this package knows.
var ErrUnknownFormat = errors.New("not an alert file of a known format (Suricata EVE, Wazuh alerts.json, AIT CSV)")

// ErrNotEVE is the name ErrUnknownFormat had when only Suricata EVE was read;
// it is the same error value.
var ErrNotEVE = ErrUnknownFormat

// ErrNoAlerts is wrapped by the error Read returns when the input holds no
// alert at all (it may hold other EVE events).
var ErrNoAlerts = errors.New("no alerts in input")

// MaxRecordBytes is the largest single record Read accepts; a longer one
// stops the reading, since it cannot be told apart from a broken file.
const MaxRecordBytes = 16 << 20

// Formats of the records Read understands; the keys of Stats.Formats.
const (
	FormatEVE    = "suricata_eve"
	FormatWazuh  = "wazuh_json"
	FormatAITCSV = "ait_csv"
)

// Alert is one alert, normalised from the tool's own format.
type Alert struct {
	Time time.Time
	// Tool is the detector that raised the alert: "suricata", "wazuh",
	// "aminer", or the prefix an AIT CSV name carries.
	Tool        string
	SignatureID int64  // Suricata signature_id, Wazuh rule.id
	Signature   string // Suricata signature, Wazuh rule.description, AIT name without its tool prefix
	// Category is Suricata's classtype description, Wazuh's rule.groups
	// joined with commas, or the AIT alert-type code (column short).
	Category string
	Severity int // Suricata severity (1 = highest), Wazuh rule.level (15 = highest)
	Proto    string
	AppProto string
	SrcIP    string
	SrcPort  int
	DestIP   string
	DestPort int
	FlowID   uint64
	// Hostnames are the app-layer names seen (dns rrname, http hostname, tls sni).
	Hostnames []string

	// Host and HostIP name the host whose log raised the alert (Wazuh
	// agent.name and agent.ip, AIT host and ip); empty for network alerts.
	Host   string
	HostIP string

	// TechniqueIDs, Techniques and Tactics are the ATT&CK mapping the tool
	// itself gives (Wazuh rule.mitre.id, .technique, .tactic); tactics are
	// ATT&CK tactic names such as "Credential Access".
	TechniqueIDs []string
	Techniques   []string
	Tactics      []string

	// Source and Target are Suricata's alert.source and alert.target, written
	// only by rules with the target keyword; zero when absent.
	Source Endpoint
	Target Endpoint

	// Direction is Suricata's own "to_server" or "to_client" (Suricata 7 and
	// later); empty when absent. Flow holds the flow's endpoints as Suricata
	// logs them in the alert's flow object (the client is Flow.Src).
	Direction string
	FlowSrc   Endpoint
	FlowDest  Endpoint

	// File is the member of a tar or zip container, or the file of a folder,
	// the alert came from; empty for a single input.
	File string
	// Record is the 1-based record number in its file.
	Record int
}

// Endpoint is an address with its port; the zero value means absent.
type Endpoint struct {
	IP   string `json:"ip"`
	Port int    `json:"port,omitempty"`
}

// Stats counts what Read saw.
type Stats struct {
	Records   int `json:"records"`   // records in the input, whatever their kind
	Alerts    int `json:"alerts"`    // alerts passed to the callback
	Skipped   int `json:"skipped"`   // EVE events that are not alerts
	Malformed int `json:"malformed"` // records that could not be used
	// Truncated is set when an input ended before its own end (a cut
	// compressed file, an unclosed JSON array): what came before is read.
	Truncated bool `json:"truncated,omitempty"`
	// MalformedSamples describes the first few malformed records, where an
	// input was cut, and container members or folder files skipped as no
	// alert file.
	MalformedSamples []string `json:"malformed_samples,omitempty"`
	// Formats counts the alerts by record format (FormatEVE, ...).
	Formats map[string]int `json:"formats,omitempty"`
	// Files counts the alert files read (members of containers included);
	// SkippedFiles the members or files that held no alerts of a known format.
	Files        int `json:"files"`
	SkippedFiles int `json:"skipped_files,omitempty"`
}

// maxSamples bounds Stats.MalformedSamples.
const maxSamples = 5

func (s *Stats) addMalformed(desc string) {
	s.Malformed++
	if len(s.MalformedSamples) < maxSamples {
		s.MalformedSamples = append(s.MalformedSamples, desc)
	}
}

func (s *Stats) addTruncated(desc string) {
	s.Truncated = true
	if len(s.MalformedSamples) < maxSamples {
		s.MalformedSamples = append(s.MalformedSamples, desc)
	}
}

func (s *Stats) addFormat(f string) {
	if s.Formats == nil {
		s.Formats = map[string]int{}
	}
	s.Formats[f]++
}

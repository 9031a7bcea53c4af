package alerts

import (
	"errors"
	"time"
)

// ErrNoAlerts is wrapped by the error Read returns when the input holds no
// alert at all (it may hold other EVE events).
var ErrNoAlerts = errors.New("no alerts in input")

// ErrNotEVE is wrapped by the error Read returns when the input is not a
// Suricata EVE file at all.
var ErrNotEVE = errors.New("not a Suricata EVE alert file")

// MaxRecordBytes is the largest single record Read accepts; a longer one
// stops the reading, since it cannot be told apart from a broken file.
const MaxRecordBytes = 16 << 20

// Alert is one alert, normalised from the tool's own format.
type Alert struct {
	Time        time.Time
	Tool        string // "suricata"
	SignatureID int64
	Signature   string
	Category    string // Suricata classtype description, e.g. "Web Application Attack"
	Severity    int
	Proto       string
	AppProto    string
	SrcIP       string
	SrcPort     int
	DestIP      string
	DestPort    int
	FlowID      uint64
	// Hostnames are the app-layer names seen (dns rrname, http hostname, tls sni).
	Hostnames []string

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

	// Record is the 1-based record number in the input.
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
	// MalformedSamples describes the first few malformed records.
	MalformedSamples []string `json:"malformed_samples,omitempty"`
}

// maxSamples bounds Stats.MalformedSamples.
const maxSamples = 5

func (s *Stats) addMalformed(desc string) {
	s.Malformed++
	if len(s.MalformedSamples) < maxSamples {
		s.MalformedSamples = append(s.MalformedSamples, desc)
	}
}

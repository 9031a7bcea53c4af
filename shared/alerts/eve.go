package alerts

import (
	"errors"
	"fmt"
	"time"

	"github.com/valyala/fastjson"
)

// kind is what one record turned out to be.
type kind int

const (
	kindAlert kind = iota
	kindOther      // an EVE event of another type
)

// errNotEvent marks a record that is JSON but neither an EVE event nor a
// Wazuh alert; on the first record it makes the whole input ErrUnknownFormat.
var errNotEvent = errors.New("no event_type or rule field: neither an EVE event nor a Wazuh alert")

// errSyntax marks a record that is not JSON.
var errSyntax = errors.New("malformed JSON")

// maxInterned bounds the string table, so that a file of millions of
// distinct addresses does not grow it without end.
const maxInterned = 1 << 16

// decoder parses records into one reused Alert.
type decoder struct {
	outer, inner fastjson.Parser
	strs         map[string]string
	recent       [64]string // see str
	a            Alert
	format       string // of the last alert decoded
	scratch      []byte
	sk           skimmer // for records the splitter did not skim
	days         dayCache
	// full turns the fast path off, for tests that compare the two.
	full bool
}

func newDecoder() *decoder {
	return &decoder{strs: make(map[string]string, 1024)}
}

// str returns b as a string, sharing one copy for repeated values
// (signatures, addresses): most fields of an alert file repeat. A small
// table of recent strings, looked up by length and last byte, answers
// most calls before the map, whose hashing showed in profiles.
func (d *decoder) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	slot := &d.recent[(len(b)*7+int(b[len(b)-1]))%len(d.recent)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := d.strs[string(b)]
	if !ok {
		s = string(b)
		if len(d.strs) < maxInterned {
			d.strs[s] = s
		}
	}
	*slot = s
	return s
}

// decode parses one JSON record into d.a: an EVE event, a Splunk export of
// one, or a Wazuh alert. A Splunk export record goes the fast way (see
// skimmer) where that is sure to give what decodeFull gives. sk is the
// splitter's skim of rec, nil if it did not skim it.
func (d *decoder) decode(rec []byte, sk *skimmer) (kind, error) {
	if d.full {
		return d.decodeFull(rec)
	}
	var raw []byte
	var ok bool
	if sk != nil {
		raw, ok = sk.raw, sk.splunk
	} else {
		raw, ok = d.sk.splunkRaw(rec)
	}
	if !ok {
		return d.decodeFull(rec)
	}
	v, err := d.inner.ParseBytes(raw)
	if err != nil {
		return 0, fmt.Errorf("%w in result._raw: %v", errSyntax, err)
	}
	return d.event(v)
}

// decodeFull is decode with fastjson parsing the whole record.
func (d *decoder) decodeFull(rec []byte) (kind, error) {
	v, err := d.outer.ParseBytes(rec)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errSyntax, err)
	}
	if v.Type() != fastjson.TypeObject {
		return 0, fmt.Errorf("%w: a JSON %s, not an object", errNotEvent, v.Type())
	}

	// A Splunk export wraps the EVE line in result._raw.
	if res := v.Get("result"); res != nil && v.Get("event_type") == nil {
		raw := res.GetStringBytes("_raw")
		if raw == nil {
			return 0, fmt.Errorf("%w: Splunk record without result._raw", errNotEvent)
		}
		if v, err = d.inner.ParseBytes(raw); err != nil {
			return 0, fmt.Errorf("%w in result._raw: %v", errSyntax, err)
		}
	}
	return d.event(v)
}

// event fills d.a from a parsed EVE event or Wazuh alert.
func (d *decoder) event(v *fastjson.Value) (kind, error) {
	et := v.Get("event_type")
	if et == nil {
		if rule := v.Get("rule"); rule != nil && rule.Type() == fastjson.TypeObject {
			d.format = FormatWazuh
			return kindAlert, d.fillWazuh(v, rule)
		}
		return 0, errNotEvent
	}
	if string(et.GetStringBytes()) != "alert" {
		return kindOther, nil
	}
	d.format = FormatEVE
	return kindAlert, d.fill(v)
}

// reset empties d.a for the next alert, keeping its slices' memory.
func (d *decoder) reset() *Alert {
	a := &d.a
	*a = Alert{Hostnames: a.Hostnames[:0], TechniqueIDs: a.TechniqueIDs[:0], Techniques: a.Techniques[:0],
		Tactics: a.Tactics[:0], Record: a.Record, File: a.File}
	return a
}

// fill copies the fields of an EVE alert event into d.a.
func (d *decoder) fill(v *fastjson.Value) error {
	al := v.Get("alert")
	if al == nil || al.Type() != fastjson.TypeObject {
		return errors.New("alert event without an alert object")
	}
	ts, err := parseTime(v.GetStringBytes("timestamp"), &d.days)
	if err != nil {
		return err
	}
	a := d.reset()
	a.Time = ts
	a.Tool = "suricata"
	a.SrcIP = d.str(v.GetStringBytes("src_ip"))
	a.DestIP = d.str(v.GetStringBytes("dest_ip"))
	if a.SrcIP == "" || a.DestIP == "" {
		return errors.New("alert without src_ip or dest_ip")
	}
	a.SrcPort = v.GetInt("src_port")
	a.DestPort = v.GetInt("dest_port")
	a.Proto = d.str(v.GetStringBytes("proto"))
	a.AppProto = d.str(v.GetStringBytes("app_proto"))
	a.FlowID = v.GetUint64("flow_id")
	a.Direction = d.str(v.GetStringBytes("direction"))

	a.SignatureID = al.GetInt64("signature_id")
	a.Signature = d.str(al.GetStringBytes("signature"))
	a.Category = d.str(al.GetStringBytes("category"))
	a.Severity = al.GetInt("severity")
	a.Source = d.endpoint(al.Get("source"), "ip", "port")
	a.Target = d.endpoint(al.Get("target"), "ip", "port")
	if f := v.Get("flow"); f != nil {
		a.FlowSrc = d.endpoint(f, "src_ip", "src_port")
		a.FlowDest = d.endpoint(f, "dest_ip", "dest_port")
	}
	d.hostnames(v)
	return nil
}

func (d *decoder) endpoint(v *fastjson.Value, ipKey, portKey string) Endpoint {
	if v == nil {
		return Endpoint{}
	}
	return Endpoint{IP: d.str(v.GetStringBytes(ipKey)), Port: v.GetInt(portKey)}
}

// hostnames collects the app-layer names: http.hostname, tls.sni, and the
// DNS query name in each of EVE's DNS layouts (v1/v2 dns.rrname, v3
// dns.queries[].rrname, and dns.query[].rrname seen in alerts).
func (d *decoder) hostnames(v *fastjson.Value) {
	d.addHost(v.GetStringBytes("http", "hostname"))
	d.addHost(v.GetStringBytes("tls", "sni"))
	dns := v.Get("dns")
	if dns == nil {
		return
	}
	d.addHost(dns.GetStringBytes("rrname"))
	for _, key := range []string{"queries", "query"} {
		for _, q := range dns.GetArray(key) {
			d.addHost(q.GetStringBytes("rrname"))
		}
	}
}

func (d *decoder) addHost(b []byte) {
	if len(b) == 0 {
		return
	}
	h := d.str(b)
	for _, seen := range d.a.Hostnames {
		if seen == h {
			return
		}
	}
	d.a.Hostnames = append(d.a.Hostnames, h)
}

// eveLayout is how Suricata writes timestamps: 2017-11-04T13:17:10.045822+0000.
const eveLayout = "2006-01-02T15:04:05.999999999Z0700"

// parseTime reads a timestamp, remembering its day in c (nil: none).
func parseTime(b []byte, c *dayCache) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, errors.New("alert without a timestamp")
	}
	if c == nil {
		c = new(dayCache)
	}
	if t, ok := c.quickTime(b); ok {
		return t.UTC(), nil
	}
	s := string(b)
	t, err := time.Parse(eveLayout, s)
	if err != nil {
		// Other producers write RFC 3339 offsets with a colon.
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return time.Time{}, fmt.Errorf("bad timestamp %q", s)
		}
	}
	return t.UTC(), nil
}

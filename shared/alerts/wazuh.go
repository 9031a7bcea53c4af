package alerts

import (
	"errors"
	"strconv"

	"github.com/valyala/fastjson"
)

// fillWazuh copies the fields of a Wazuh alert (one object of alerts.json as
// the manager writes it) into d.a.
func (d *decoder) fillWazuh(v, rule *fastjson.Value) error {
	ts, err := parseTime(v.GetStringBytes("timestamp"), &d.days)
	if err != nil {
		return err
	}
	a := d.reset()
	a.Time = ts
	a.Tool = "wazuh"
	a.Signature = d.str(rule.GetStringBytes("description"))
	if a.Signature == "" {
		return errors.New("wazuh alert without rule.description")
	}
	a.SignatureID = intField(rule.Get("id"))
	a.Severity = int(intField(rule.Get("level")))
	a.Category = d.joined(rule.GetArray("groups"))
	if m := rule.Get("mitre"); m != nil {
		a.TechniqueIDs = d.strList(a.TechniqueIDs, m.GetArray("id"))
		a.Techniques = d.strList(a.Techniques, m.GetArray("technique"))
		a.Tactics = d.strList(a.Tactics, m.GetArray("tactic"))
	}
	if ag := v.Get("agent"); ag != nil {
		a.Host = d.str(ag.GetStringBytes("name"))
		a.HostIP = d.str(ag.GetStringBytes("ip"))
	}
	if data := v.Get("data"); data != nil {
		d.wazuhData(a, data)
	}
	if a.Host == "" && a.HostIP == "" && a.SrcIP == "" && a.DestIP == "" {
		return errors.New("wazuh alert without agent or addresses")
	}
	return nil
}

// wazuhData reads the addresses of the decoded log: srcip/dstip as Wazuh's
// decoders name them, or src_ip/dest_ip as its JSON decoder keeps them from
// a Suricata EVE line.
func (d *decoder) wazuhData(a *Alert, data *fastjson.Value) {
	a.SrcIP = d.str(data.GetStringBytes("srcip"))
	if a.SrcIP == "" {
		a.SrcIP = d.str(data.GetStringBytes("src_ip"))
	}
	a.DestIP = d.str(data.GetStringBytes("dstip"))
	if a.DestIP == "" {
		a.DestIP = d.str(data.GetStringBytes("dest_ip"))
	}
	a.SrcPort = int(intField(data.Get("srcport")))
	if a.SrcPort == 0 {
		a.SrcPort = int(intField(data.Get("src_port")))
	}
	a.DestPort = int(intField(data.Get("dstport")))
	if a.DestPort == 0 {
		a.DestPort = int(intField(data.Get("dest_port")))
	}
	a.Proto = d.str(data.GetStringBytes("protocol"))
	if a.Proto == "" {
		a.Proto = d.str(data.GetStringBytes("proto"))
	}
}

// intField reads a number that Wazuh writes as a JSON number or a string
// ("id": "5712", "srcport": "51234"); anything else is 0.
func intField(v *fastjson.Value) int64 {
	if v == nil {
		return 0
	}
	if v.Type() == fastjson.TypeNumber {
		return v.GetInt64()
	}
	n, err := strconv.ParseInt(string(v.GetStringBytes()), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// strs appends the string elements of arr to dst, interned.
func (d *decoder) strList(dst []string, arr []*fastjson.Value) []string {
	for _, e := range arr {
		if b := e.GetStringBytes(); len(b) > 0 {
			dst = append(dst, d.str(b))
		}
	}
	return dst
}

// joined returns the string elements of arr joined by commas, interned.
func (d *decoder) joined(arr []*fastjson.Value) string {
	d.scratch = d.scratch[:0]
	for i, e := range arr {
		if i > 0 {
			d.scratch = append(d.scratch, ',')
		}
		d.scratch = append(d.scratch, e.GetStringBytes()...)
	}
	return d.str(d.scratch)
}

package mal

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// KTHModel is one of KTH's coreLang 0.1.0 scalability models (securiCAD exports converted to
// JSON), mapped onto coreLang 1.0.0 names.
type KTHModel struct {
	Model   Model
	Entries []StepRef // the securiCAD attacker's entry points
	Targets []StepRef // the steps securiCAD marked with a consequence
	// Renamed counts the 0.1.0 names translated to 1.0.0 ("old -> new"), for the record.
	Renamed map[string]int
	// Unmapped counts the 0.1.0 fields and defences that have no 1.0.0 counterpart.
	Unmapped map[string]int
}

// StepRef names a step of an object.
type StepRef struct{ Object, Step string }

// kthFieldRenames maps 0.1.0 association fields to their 1.0.0 names, by the asset type that
// holds the field. Fields not listed keep their name; Instantiate reports any that 1.0.0 lacks.
var kthFieldRenames = map[string]string{
	"Application.executionPrivIds": "executionPrivIAMs",
	"Data.readingIds":              "readingIAMs",
	"Data.writingIds":              "writingIAMs",
	"Data.deletingIds":             "deletingIAMs",
	"Application.highPrivAppIds":   "highPrivAppIAMs",
	"Application.lowPrivAppIds":    "lowPrivAppIAMs",
	// 1.0.0 splits data in transit on an application into sent and received data; both
	// give read, write and deny on the data, so sent data keeps the 0.1.0 paths.
	"Application.transitData": "sentData",
	"Data.transitApp":         "senderApp",
}

// kthUnmappedFields are 0.1.0 fields deliberately dropped: client access to a network became
// connection rules in 1.0.0, which the model does not give.
var kthUnmappedFields = map[string]bool{
	"Application.clientAccessNetworks": true,
	"Network.clientApplications":       true,
}

// kthDefences maps 0.1.0 defence names to 1.0.0, by asset type; "" drops the defence.
var kthDefences = map[string]string{
	"Application.Disabled":             "notPresent",
	"ConnectionRule.Disabled":          "",
	"ConnectionRule.Filtered":          "restricted",
	"Credentials.NotDisclosed":         "notDisclosed",
	"Data.DataNotPresent":              "notPresent",
	"Data.Authenticated":               "",
	"Identity.Disabled":                "notPresent",
	"Identity.TwoFactorAuthentication": "",
}

// kthSteps maps the 0.1.0 target steps that 1.0.0 renamed or split; the others only change
// capitalisation. These are judgement calls, stated in the package doc.
var kthSteps = map[string]string{
	"Application.NetworkRespondConnect": "networkConnectFromResponse",
	"Network.ManInTheMiddle":            "adversaryInTheMiddle",
	"ConnectionRule.Transmit":           "connectToApplicationsUninspected",
}

type kthFile struct {
	Objects []struct {
		ID           int                 `json:"id"`
		Type         string              `json:"type"`
		Defenses     map[string]*float64 `json:"defenses"`
		Consequences map[string]int      `json:"consequences"`
	} `json:"objects"`
	Associations []struct {
		Source      int    `json:"source"`
		SourceField string `json:"sourceField"`
		Target      int    `json:"target"`
		TargetField string `json:"targetField"`
	} `json:"associations"`
	EntryPoints []struct {
		Object int    `json:"object"`
		Step   string `json:"step"`
	} `json:"entryPoints"`
}

// ReadKTH reads a scalability model, gzipped or not.
func ReadKTH(r io.Reader) (*KTHModel, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read kth model: %w", err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	var f kthFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("read kth model: %w", err)
	}
	return convertKTH(&f)
}

func kthName(typ string, id int) string { return typ + "#" + strconv.Itoa(id) }

func convertKTH(f *kthFile) (*KTHModel, error) {
	k := &KTHModel{Renamed: map[string]int{}, Unmapped: map[string]int{}}
	types := map[int]string{}
	for _, o := range f.Objects {
		types[o.ID] = o.Type
		if o.Type == "Attacker" {
			continue
		}
		name := kthName(o.Type, o.ID)
		obj := Object{Name: name, Type: o.Type, Defences: k.defences(o.Type, o.Defenses)}
		k.Model.Objects = append(k.Model.Objects, obj)
		for _, step := range sortedKeys(o.Consequences) {
			k.Targets = append(k.Targets, StepRef{name, k.step(o.Type, step)})
		}
	}
	for _, a := range f.Associations {
		st, sok := types[a.Source]
		tt, tok := types[a.Target]
		if !sok || !tok {
			return nil, fmt.Errorf("read kth model: association %d-%d: unknown object", a.Source, a.Target)
		}
		from, to := k.field(tt, a.TargetField), k.field(st, a.SourceField)
		if from == "" || to == "" {
			continue
		}
		// securiCAD's sourceField is the field of the source that leads to the target.
		k.Model.Links = append(k.Model.Links, Link{From: kthName(st, a.Source), FromField: k.field(st, a.SourceField),
			To: kthName(tt, a.Target), ToField: k.field(tt, a.TargetField)})
	}
	for _, e := range f.EntryPoints {
		t, ok := types[e.Object]
		if !ok {
			return nil, fmt.Errorf("read kth model: entry point on unknown object %d", e.Object)
		}
		k.Entries = append(k.Entries, StepRef{kthName(t, e.Object), k.step(t, e.Step)})
	}
	return k, nil
}

// field translates one 0.1.0 field name; "" means it has no 1.0.0 counterpart.
func (k *KTHModel) field(typ, field string) string {
	key := typ + "." + field
	if kthUnmappedFields[key] {
		k.Unmapped["field "+key]++
		return ""
	}
	if n, ok := kthFieldRenames[key]; ok {
		k.Renamed[key+" -> "+n]++
		return n
	}
	return field
}

func (k *KTHModel) defences(typ string, set map[string]*float64) map[string]float64 {
	out := map[string]float64{}
	for name, p := range set {
		key := typ + "." + name
		n, ok := kthDefences[key]
		switch {
		case !ok || n == "":
			k.Unmapped["defence "+key]++
		case p != nil:
			// A defence without a value keeps coreLang 1.0.0's default.
			out[n] = *p
			k.Renamed[key+" -> "+n]++
		}
	}
	return out
}

func (k *KTHModel) step(typ, s string) string {
	n, ok := kthSteps[typ+"."+s]
	if !ok {
		n = lowerFirst(s)
	}
	if n != s {
		k.Renamed["step "+s+" -> "+n]++
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

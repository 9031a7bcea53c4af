package impact

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/archimate"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

// TechnologyTypes are the element types that are mapped to infrastructure hosts.
var TechnologyTypes = map[string]bool{"Node": true, "Device": true, "SystemSoftware": true, "ApplicationComponent": true}

// ImportConfig says where a model came from and how to map it.
type ImportConfig struct {
	Source    string    // e.g. the file name
	ValidFrom time.Time // zero: the store's now
	Mapping   []MappingEntry
	// HostKnown, when set, says whether the infrastructure model knows a host ident; links to
	// unknown hosts are kept and reported.
	HostKnown func(ident string) bool
}

// MappingEntry is one line of a mapping file: an element (identifier or unique name) and a host.
type MappingEntry struct {
	Element string `json:"element"`
	Host    string `json:"host"`
	Line    int    `json:"line"`
}

// ElementRef names an element of the model.
type ElementRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Mapped is a technology element with the hosts it runs on and where that came from.
type Mapped struct {
	ElementRef
	Hosts []string `json:"hosts"`
	By    []string `json:"by"`
}

// ImportResult is the business model ready for the store, with what the mapping found.
type ImportResult struct {
	Model        knowledge.BusinessModel `json:"-"`
	Elements     int                     `json:"elements"`
	Relations    int                     `json:"relations"`
	Mapped       []Mapped                `json:"mapped"`
	Unmapped     []ElementRef            `json:"unmapped"`
	UnknownHosts []string                `json:"unknown_hosts"`
	Warnings     []string                `json:"warnings"`
}

// Import converts m into a business model and maps its technology elements to hosts.
func Import(m *archimate.Model, cfg ImportConfig) (*ImportResult, error) {
	if m == nil || len(m.Elements) == 0 {
		return nil, errors.New("the model has no elements")
	}
	res := &ImportResult{Mapped: []Mapped{}, Unmapped: []ElementRef{}, UnknownHosts: []string{}, Warnings: []string{}}
	res.Model = knowledge.BusinessModel{Source: cfg.Source, ValidFrom: cfg.ValidFrom}
	for _, e := range m.Elements {
		res.Model.Elements = append(res.Model.Elements, knowledge.BusinessElement{ID: e.ID, Type: e.Type, Name: e.Name,
			Properties: propertiesJSON(e.Properties)})
	}
	for _, r := range m.Relationships {
		res.Model.Relations = append(res.Model.Relations, knowledge.BusinessRelation{ID: r.ID, Type: RelationType(r),
			Source: r.Source, Target: r.Target})
	}
	res.Elements, res.Relations = len(m.Elements), len(m.Relationships)
	links := mapHosts(m, cfg.Mapping, res)
	res.collect(m, links, cfg.HostKnown)
	return res, nil
}

// RelationType is how a relationship's type is stored: the ArchiMate type, with the access type
// of an Access relationship ("Access/Read") and the direction of a directed Association
// ("Association/directed") after a slash, since the store keeps one type column.
func RelationType(r archimate.Relationship) string {
	switch {
	case r.Type == "Access" && r.AccessType != "":
		return "Access/" + r.AccessType
	case r.Type == "Association" && r.Directed:
		return "Association/directed"
	}
	return r.Type
}

func propertiesJSON(props []archimate.Property) json.RawMessage {
	if len(props) == 0 {
		return nil
	}
	m := make(map[string]string, len(props))
	for _, p := range props {
		if _, dup := m[p.Name]; !dup {
			m[p.Name] = p.Value
		}
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return b
}

// link is one host of one element and its origin.
type link struct{ host, by string }

// mapHosts finds the hosts of every technology element: its own properties first, then the
// mapping file.
func mapHosts(m *archimate.Model, mapping []MappingEntry, res *ImportResult) map[string][]link {
	links := map[string][]link{}
	byName := map[string][]string{}
	tech := map[string]bool{}
	for _, e := range m.Elements {
		if !TechnologyTypes[e.Type] {
			continue
		}
		tech[e.ID] = true
		byName[strings.ToLower(e.Name)] = append(byName[strings.ToLower(e.Name)], e.ID)
		for _, prop := range []string{"ip", "hostname"} {
			v, ok := e.Property(prop)
			if !ok {
				continue
			}
			for _, h := range splitHosts(v) {
				if prop == "ip" && !validIP(h) {
					res.warn("element %s (%s): property ip %q is not an IP address; ignored", e.ID, e.Name, h)
					continue
				}
				links[e.ID] = append(links[e.ID], link{h, "property " + prop})
			}
		}
	}
	for _, me := range mapping {
		id, err := mappedElement(me, tech, byName)
		if err != nil {
			res.warn("mapping line %d: %v; not mapped", me.Line, err)
			continue
		}
		links[id] = append(links[id], link{me.Host, fmt.Sprintf("mapping line %d", me.Line)})
	}
	return links
}

func mappedElement(me MappingEntry, tech map[string]bool, byName map[string][]string) (string, error) {
	if tech[me.Element] {
		return me.Element, nil
	}
	ids := byName[strings.ToLower(me.Element)]
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", fmt.Errorf("%q is no Node, Device, SystemSoftware or ApplicationComponent of the model", me.Element)
	}
	return "", fmt.Errorf("the name %q belongs to %d elements (%s): give the identifier", me.Element, len(ids), strings.Join(ids, ", "))
}

// collect fills the result's lists and the model's asset links in model order.
func (res *ImportResult) collect(m *archimate.Model, links map[string][]link, known func(string) bool) {
	unknown := map[string]bool{}
	for _, e := range m.Elements {
		if !TechnologyTypes[e.Type] {
			continue
		}
		ref := ElementRef{ID: e.ID, Name: e.Name, Type: e.Type}
		ls := links[e.ID]
		if len(ls) == 0 {
			res.Unmapped = append(res.Unmapped, ref)
			continue
		}
		mp := Mapped{ElementRef: ref}
		seen := map[string]bool{}
		for _, l := range ls {
			key := strings.ToLower(l.host)
			if seen[key] {
				continue
			}
			seen[key] = true
			mp.Hosts, mp.By = append(mp.Hosts, l.host), append(mp.By, l.by)
			res.Model.Assets = append(res.Model.Assets, knowledge.AssetLink{Element: e.ID, Host: l.host})
			if known != nil && !known(l.host) {
				unknown[l.host] = true
			}
		}
		res.Mapped = append(res.Mapped, mp)
	}
	for h := range unknown {
		res.UnknownHosts = append(res.UnknownHosts, h)
	}
	sort.Strings(res.UnknownHosts)
}

func (res *ImportResult) warn(format string, args ...any) {
	res.Warnings = append(res.Warnings, fmt.Sprintf(format, args...))
}

func splitHosts(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' })
}

func validIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// ParseMapping reads a mapping file: CSV lines "element,host", '#' starting a comment line, an
// optional header line "element,host". Several lines may give one element several hosts.
func ParseMapping(r io.Reader) ([]MappingEntry, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []MappingEntry
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read mapping: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 || strings.TrimSpace(rec[0]) == "" || strings.TrimSpace(rec[1]) == "" {
			return nil, fmt.Errorf("read mapping: line %d: want two fields, element and host", line)
		}
		if len(out) == 0 && strings.EqualFold(rec[0], "element") && strings.EqualFold(rec[1], "host") {
			continue
		}
		out = append(out, MappingEntry{Element: strings.TrimSpace(rec[0]), Host: strings.TrimSpace(rec[1]), Line: line})
	}
}

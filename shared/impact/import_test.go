package impact

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/archimate"
)

func archisurance(t testing.TB) *archimate.Model {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archimate", "archisurance.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := archimate.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// setProperty gives an element (found by id) a property, as a modeller would in Archi.
func setProperty(t testing.TB, m *archimate.Model, id, name, value string) {
	t.Helper()
	for i := range m.Elements {
		if m.Elements[i].ID == id {
			m.Elements[i].Properties = append(m.Elements[i].Properties, archimate.Property{Name: name, Value: value})
			return
		}
	}
	t.Fatalf("no element %s", id)
}

const archisuranceMapping = `# element,host
element,host
Mainframe,10.0.0.10
id-1065, nas.archisurance.test
Firewall,10.0.0.1
Unix Server,10.0.0.20
Nothing Such,10.0.0.99
id-1393,crm.archisurance.test
id-1393,CRM.archisurance.test
`

func importArchisurance(t *testing.T) *ImportResult {
	t.Helper()
	m := archisurance(t)
	setProperty(t, m, "id-1882", "ip", "10.0.0.30, 10.0.1.30") // BIBIT Server, two addresses
	setProperty(t, m, "id-1870", "hostname", "finance.archisurance.test")
	setProperty(t, m, "id-1071", "ip", "not-an-ip")
	mapping, err := ParseMapping(strings.NewReader(archisuranceMapping))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(m, ImportConfig{Source: "archisurance.xml", Mapping: mapping,
		HostKnown: func(h string) bool { return strings.HasPrefix(h, "10.0.0.") }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportArchisurance(t *testing.T) {
	t.Parallel()
	res := importArchisurance(t)
	if res.Elements != 120 || res.Relations != 178 || len(res.Model.Elements) != 120 || len(res.Model.Relations) != 178 {
		t.Fatalf("imported %d elements, %d relations", res.Elements, res.Relations)
	}
	hosts := map[string]string{}
	for _, mp := range res.Mapped {
		hosts[mp.ID] = strings.Join(mp.Hosts, " ")
	}
	want := map[string]string{"id-986": "10.0.0.10", "id-1065": "nas.archisurance.test", "id-1882": "10.0.0.30 10.0.1.30",
		"id-1870": "finance.archisurance.test", "id-1393": "crm.archisurance.test"}
	if len(hosts) != len(want) {
		t.Errorf("mapped %v, want %v", hosts, want)
	}
	for id, h := range want {
		if hosts[id] != h {
			t.Errorf("%s mapped to %q, want %q", id, hosts[id], h)
		}
	}
	// 23 technology elements in Archisurance, 5 mapped; the two Firewalls and Unix Servers stay
	// unmapped because their names are ambiguous, Admin Server because its ip is not one.
	if len(res.Unmapped) != 23-5 {
		t.Errorf("%d unmapped, want 18", len(res.Unmapped))
	}
	warned := strings.Join(res.Warnings, "\n")
	for _, w := range []string{`"Firewall" belongs to 2 elements (id-998, id-1004)`, `"Unix Server" belongs to 2`,
		`"Nothing Such" is no Node`, `property ip "not-an-ip"`, "mapping line 5"} {
		if !strings.Contains(warned, w) {
			t.Errorf("warnings do not say %s:\n%s", w, warned)
		}
	}
	unknown := strings.Join(res.UnknownHosts, " ")
	if unknown != "10.0.1.30 crm.archisurance.test finance.archisurance.test nas.archisurance.test" {
		t.Errorf("unknown hosts %q", unknown)
	}
	if len(res.Model.Assets) != 6 {
		t.Errorf("asset links %+v", res.Model.Assets)
	}
}

func TestImportKeepsAccessAndProperties(t *testing.T) {
	t.Parallel()
	res := importArchisurance(t)
	types := map[string]int{}
	for _, r := range res.Model.Relations {
		types[r.Type]++
	}
	if types["Access/Read"] == 0 || types["Access/Write"] == 0 || types["Access"] != 0 {
		t.Errorf("relation types %v", types)
	}
	for _, e := range res.Model.Elements {
		if e.ID != "id-275" {
			continue
		}
		var props map[string]string
		if err := json.Unmarshal(e.Properties, &props); err != nil || props["Property3"] != "Value of Property 3" {
			t.Errorf("id-275 properties %s: %v", e.Properties, err)
		}
	}
}

// TestArchisuranceImpact checks the impact of the Mainframe against a derivation by hand from the
// model's relationships (see the comments), availability alone and all aspects.
func TestArchisuranceImpact(t *testing.T) {
	t.Parallel()
	res := importArchisurance(t)
	g := compile(t, res.Model)
	tests := []struct {
		name    string
		aspects Aspect
		want    string
	}{
		// Mainframe realises Claim Files Service, which serves CRM System and Policy Data
		// Management. CRM realises CIS (serves Create Contract); PDM realises Customer data
		// mutation Service (serves Register) and Claim InfoServ (serves Formalise Request and
		// Financial Application, which serves Home & Away Policy Administration, which realises
		// Policy Creation Service, which serves Check and Sign Contract). Insurance Application
		// and Premium Payment Service survive: a process realises each too.
		{"availability", Availability, "Check and  Sign Contract:A Create Contract:A Formalise Request:A Register:A"},
		// With C and I, the surviving services still pass on C and I: Premium Payment Service to
		// Pay; Pay and Register write the Customer File and Damage Claim, which Accept reads.
		{"all_aspects", All, "Accept:I Check and  Sign Contract:CIA Create Contract:CIA Formalise Request:CIA Pay:CI Register:CIA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assets := g.HostElements("10.0.0.10")
			if len(assets) != 1 || assets[0].Name != "Mainframe" {
				t.Fatalf("host 10.0.0.10 is %+v", assets)
			}
			out, err := g.Impact([]string{assets[0].ID}, Config{Aspects: tt.aspects, HorizonHours: 4})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range out.Processes {
				code := ""
				for _, a := range []string{"confidentiality", "integrity", "availability"} {
					for _, x := range p.Aspects {
						if x == a {
							code += strings.ToUpper(a[:1])
						}
					}
				}
				got = append(got, p.Name+":"+code)
				if !strings.HasPrefix(p.PathText, "Mainframe (Node)") {
					t.Errorf("path of %s: %s", p.Name, p.PathText)
				}
			}
			sort.Strings(got)
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("processes\n%s\nwant\n%s", s, tt.want)
			}
		})
	}
}

func TestParseMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want int
		err  string
	}{
		{"header_and_comments", "element,host\n# c\nid-1,10.0.0.1\n\"Web, portal\",web.test\n", 2, ""},
		{"no_header", "id-1,10.0.0.1\n", 1, ""},
		{"one_field", "id-1\n", 0, "line 1: want two fields"},
		{"empty_host", "id-1,\n", 0, "line 1: want two fields"},
		{"bad_quote", "\"id-1,10.0.0.1\n", 0, "read mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMapping(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("%+v, %v; want %d entries", got, err, tt.want)
			}
		})
	}
}

func FuzzParseMapping(f *testing.F) {
	f.Add(archisuranceMapping)
	f.Add("a,b\n\"c\"\"d\",e\n")
	f.Add("a\n")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := ParseMapping(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.Element == "" || e.Host == "" || e.Line < 1 {
				t.Fatalf("accepted entry %+v", e)
			}
		}
	})
}

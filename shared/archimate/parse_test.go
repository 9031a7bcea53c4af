package archimate

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archimate", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countTag counts occurrences of an xsi:type value in the raw file, independently of the parser.
func countTag(data []byte, tag, typ string) int {
	re := regexp.MustCompile(`<` + tag + `\s[^>]*xsi:type="` + typ + `"`)
	return len(re.FindAll(data, -1))
}

func TestParseSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file          string
		name          string
		elements      int
		relationships int
	}{
		{"archisurance.xml", "Archisurance", 120, 178},
		{"sample1.xml", "Test", 2, 1},
		{"bendpoint.test.xml", "", 2, 2},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".xml"), func(t *testing.T) {
			t.Parallel()
			data := readSample(t, tt.file)
			m, err := Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Elements) != tt.elements || len(m.Relationships) != tt.relationships {
				t.Errorf("%d elements, %d relationships; want %d, %d", len(m.Elements), len(m.Relationships), tt.elements, tt.relationships)
			}
			if tt.name != "" && m.Name != tt.name {
				t.Errorf("model name %q, want %q", m.Name, tt.name)
			}
			// Every type the raw file declares is the type the parser reports, count for count.
			got := map[string]int{}
			for _, e := range m.Elements {
				got[e.Type]++
			}
			for typ, n := range got {
				if want := countTag(data, "element", typ); n != want {
					t.Errorf("%d elements of type %s, the file has %d", n, typ, want)
				}
			}
		})
	}
}

func TestArchisuranceDetails(t *testing.T) {
	t.Parallel()
	m, err := Parse(bytes.NewReader(readSample(t, "archisurance.xml")))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Element{}
	names := map[string]int{}
	for _, e := range m.Elements {
		byID[e.ID] = e
		names[e.Type+"/"+e.Name]++
	}
	// Names are not unique: two Firewall nodes, two Unix Server devices.
	if names["Node/Firewall"] != 2 || names["Device/Unix Server"] != 2 {
		t.Errorf("duplicate names lost: Firewall %d, Unix Server %d", names["Node/Firewall"], names["Device/Unix Server"])
	}
	// The properties' definitions come after the elements in the file: names must be resolved.
	if v, ok := byID["id-275"].Property("property3"); !ok || v != "Value of Property 3" {
		t.Errorf("id-275 Property3 = %q, %v", v, ok)
	}
	if len(m.Properties) != 2 || m.Properties[0].Name != "Property1" {
		t.Errorf("model properties %+v", m.Properties)
	}
	access := map[string]int{}
	for _, r := range m.Relationships {
		if r.Type == "Access" {
			access[r.AccessType]++
		}
	}
	if access["Read"] == 0 || access["Write"] == 0 || access[""] != 0 {
		t.Errorf("access types %v", access)
	}
}

const header = `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
<name xml:lang="en">t</name>`

func TestRelationshipOnRelationshipAndDefaults(t *testing.T) {
	t.Parallel()
	doc := header + `<elements>
<element identifier="a" xsi:type="archimate:Node"><name>A</name></element>
<element identifier="b" xsi:type="ApplicationComponent"><name>B</name></element>
<element identifier="c" xsi:type="DataObject"><name>C</name></element>
</elements><relationships>
<relationship identifier="r2" source="c" target="r1" xsi:type="Association" isDirected="true"/>
<relationship identifier="r1" source="a" target="b" xsi:type="Serving"/>
<relationship identifier="r3" source="b" target="c" xsi:type="Access"/>
</relationships></model>`
	m, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if m.Elements[0].Type != "Node" {
		t.Errorf("prefixed xsi:type read as %q", m.Elements[0].Type)
	}
	r := m.Relationships
	if r[0].Target != "r1" || !r[0].Directed || r[2].AccessType != "Access" || r[1].AccessType != "" {
		t.Errorf("relationships %+v", r)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want string
		is   error
	}{
		{"legacy_namespace", `<model xmlns="http://www.opengroup.org/xsd/archimate" identifier="x"><label>x</label></model>`,
			"export the model again", ErrVersion},
		{"not_a_model", `<nmaprun scanner="nmap"></nmaprun>`, "root element is <nmaprun>", ErrNotArchiMate},
		{"wrong_namespace", `<model xmlns="urn:other"></model>`, "namespace", ErrNotArchiMate},
		{"empty", ``, "no root element", ErrNotArchiMate},
		{"truncated", header + `<elements><element identifier="a" xsi:type="Node">`, "line 3: unexpected EOF", nil},
		{"unknown_type", header + "<elements>\n<element identifier=\"a\" xsi:type=\"Server\"/></elements></model>",
			`line 4: element a: unknown element type "Server"`, nil},
		{"duplicate_id", header + `<elements><element identifier="a" xsi:type="Node"/></elements>
<relationships><relationship identifier="a" source="a" target="a" xsi:type="Serving"/></relationships></model>`,
			"identifier a is used by an element and again by an relationship", nil},
		{"dangling_target", header + `<elements><element identifier="a" xsi:type="Node"/></elements>
<relationships><relationship identifier="r" source="a" target="zz" xsi:type="Serving"/></relationships></model>`,
			"target zz is neither an element nor a relationship", nil},
		{"bad_access_type", header + `<elements><element identifier="a" xsi:type="Node"/></elements>
<relationships><relationship identifier="r" source="a" target="a" xsi:type="Access" accessType="Delete"/></relationships></model>`,
			`unknown accessType "Delete"`, nil},
		{"undefined_property", header + `<elements><element identifier="a" xsi:type="Node"><properties>
<property propertyDefinitionRef="p9"><value>1</value></property></properties></element></elements></model>`,
			`undefined property definition "p9"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to say %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestSizeCap(t *testing.T) {
	t.Parallel()
	c := &capped{r: strings.NewReader("abcdef"), left: 4}
	b := make([]byte, 10)
	if n, err := c.Read(b); n != 4 || err != nil {
		t.Fatalf("first read %d, %v", n, err)
	}
	if _, err := c.Read(b); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("read past the cap: %v", err)
	}
	exact := &capped{r: strings.NewReader("abcd"), left: 4}
	exact.Read(b)
	if _, err := exact.Read(b); err == nil || err.Error() != "EOF" {
		t.Errorf("input exactly at the cap should end with EOF, got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"sample1.xml", "bendpoint.test.xml"} {
		f.Add(readSample(f, name))
	}
	f.Add([]byte(header + `<elements><element identifier="a" xsi:type="Node"/></elements>
<relationships><relationship identifier="r" source="a" target="r" xsi:type="Serving"/></relationships>
<propertyDefinitions><propertyDefinition identifier="p" type="string"><name>ip</name></propertyDefinition></propertyDefinitions></model>`))
	f.Add([]byte(`<model xmlns="http://www.opengroup.org/xsd/archimate"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		// A model Parse accepts has unique identifiers and resolvable relationship ends.
		ids := map[string]bool{}
		for _, e := range m.Elements {
			if ids[e.ID] || !ElementTypes[e.Type] {
				t.Fatalf("accepted element %+v", e)
			}
			ids[e.ID] = true
		}
		for _, r := range m.Relationships {
			if ids[r.ID] {
				t.Fatalf("accepted duplicate id %s", r.ID)
			}
			ids[r.ID] = true
		}
		for _, r := range m.Relationships {
			if !ids[r.Source] || !ids[r.Target] || !RelationshipTypes[r.Type] {
				t.Fatalf("accepted relationship %+v", r)
			}
		}
	})
}

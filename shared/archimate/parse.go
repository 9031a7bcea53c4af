package archimate

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// legacyNamespace is the ArchiMate 2.x exchange format's namespace.
const legacyNamespace = "http://www.opengroup.org/xsd/archimate"

type rawText struct {
	Text string `xml:",chardata"`
}

type rawProperty struct {
	Ref    string    `xml:"propertyDefinitionRef,attr"`
	Values []rawText `xml:"value"`
}

type rawConcept struct {
	ID         string        `xml:"identifier,attr"`
	Type       string        `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	Source     string        `xml:"source,attr"`
	Target     string        `xml:"target,attr"`
	AccessType string        `xml:"accessType,attr"`
	IsDirected string        `xml:"isDirected,attr"`
	Names      []rawText     `xml:"name"`
	Docs       []rawText     `xml:"documentation"`
	Properties []rawProperty `xml:"properties>property"`
}

type rawPropertyDefinition struct {
	ID    string    `xml:"identifier,attr"`
	Names []rawText `xml:"name"`
}

// parser holds what has been read so far; property names are resolved at the end because the
// propertyDefinitions come after the elements and relationships that use them.
type parser struct {
	d        *xml.Decoder
	model    Model
	elemLine []int
	relLine  []int
	modelRaw []rawProperty
	elemRaw  [][]rawProperty
	relRaw   [][]rawProperty
	defs     map[string]string
}

// Parse reads one ArchiMate 3.x exchange file. Errors name the line of the offending element.
func Parse(r io.Reader) (*Model, error) {
	p := &parser{d: xml.NewDecoder(&capped{r: r, left: MaxBytes}), defs: map[string]string{}}
	if err := p.root(); err != nil {
		return nil, err
	}
	if err := p.resolve(); err != nil {
		return nil, err
	}
	return &p.model, nil
}

// root finds the <model> element and reads its children in whatever order they come.
func (p *parser) root() error {
	start, err := p.firstElement()
	if err != nil {
		return err
	}
	if err := checkRoot(start); err != nil {
		return err
	}
	for _, a := range start.Attr {
		if a.Name.Local == "identifier" {
			p.model.ID = a.Value
		}
	}
	return p.children(func(child xml.StartElement) error {
		return p.modelChild(child)
	})
}

func (p *parser) firstElement() (xml.StartElement, error) {
	for {
		tok, err := p.d.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, fmt.Errorf("%w: the document has no root element", ErrNotArchiMate)
		}
		if err != nil {
			return xml.StartElement{}, p.syntax(err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, nil
		}
	}
}

func checkRoot(start xml.StartElement) error {
	ns := strings.TrimSuffix(start.Name.Space, "/")
	switch {
	case start.Name.Local != "model":
		return fmt.Errorf("%w: the root element is <%s>, not <model>", ErrNotArchiMate, start.Name.Local)
	case ns == legacyNamespace:
		return fmt.Errorf("%w (namespace %s) is not supported: export the model again as ArchiMate 3.x Open Exchange Format", ErrVersion, start.Name.Space)
	case !strings.HasPrefix(start.Name.Space, legacyNamespace+"/3."):
		return fmt.Errorf("%w: <model> is in namespace %q, want %s", ErrNotArchiMate, start.Name.Space, Namespace)
	}
	return nil
}

func (p *parser) modelChild(child xml.StartElement) error {
	switch child.Name.Local {
	case "name", "documentation":
		var t rawText
		if err := p.d.DecodeElement(&t, &child); err != nil {
			return p.syntax(err)
		}
		if child.Name.Local == "name" && p.model.Name == "" {
			p.model.Name = strings.TrimSpace(t.Text)
		} else if child.Name.Local == "documentation" && p.model.Documentation == "" {
			p.model.Documentation = strings.TrimSpace(t.Text)
		}
		return nil
	case "properties":
		var raw struct {
			Properties []rawProperty `xml:"property"`
		}
		if err := p.d.DecodeElement(&raw, &child); err != nil {
			return p.syntax(err)
		}
		p.modelRaw = append(p.modelRaw, raw.Properties...)
		return nil
	case "elements":
		return p.children(func(s xml.StartElement) error { return p.concept(s, "element") })
	case "relationships":
		return p.children(func(s xml.StartElement) error { return p.concept(s, "relationship") })
	case "propertyDefinitions":
		return p.children(p.propertyDefinition)
	}
	return p.skip()
}

// children calls fn for every child element of the element just opened, up to its end.
func (p *parser) children(fn func(xml.StartElement) error) error {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return p.syntax(io.ErrUnexpectedEOF)
			}
			return p.syntax(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func (p *parser) skip() error {
	if err := p.d.Skip(); err != nil {
		return p.syntax(err)
	}
	return nil
}

// concept reads one <element> or <relationship>; anything else in the list is skipped.
func (p *parser) concept(start xml.StartElement, want string) error {
	if start.Name.Local != want {
		return p.skip()
	}
	line, _ := p.d.InputPos()
	var raw rawConcept
	if err := p.d.DecodeElement(&raw, &start); err != nil {
		return p.syntax(err)
	}
	if want == "element" {
		p.model.Elements = append(p.model.Elements, Element{ID: raw.ID, Type: localType(raw.Type),
			Name: first(raw.Names), Documentation: first(raw.Docs)})
		p.elemLine = append(p.elemLine, line)
		p.elemRaw = append(p.elemRaw, raw.Properties)
		return nil
	}
	rel := Relationship{ID: raw.ID, Type: localType(raw.Type), Source: raw.Source, Target: raw.Target,
		Name: first(raw.Names), AccessType: raw.AccessType, Directed: raw.IsDirected == "true" || raw.IsDirected == "1"}
	if rel.Type == "Access" && rel.AccessType == "" {
		rel.AccessType = "Access"
	}
	p.model.Relationships = append(p.model.Relationships, rel)
	p.relLine = append(p.relLine, line)
	p.relRaw = append(p.relRaw, raw.Properties)
	return nil
}

func (p *parser) propertyDefinition(start xml.StartElement) error {
	if start.Name.Local != "propertyDefinition" {
		return p.skip()
	}
	line, _ := p.d.InputPos()
	var raw rawPropertyDefinition
	if err := p.d.DecodeElement(&raw, &start); err != nil {
		return p.syntax(err)
	}
	if raw.ID == "" {
		return fmt.Errorf("line %d: property definition without identifier", line)
	}
	if _, dup := p.defs[raw.ID]; dup {
		return fmt.Errorf("line %d: property definition %s defined twice", line, raw.ID)
	}
	p.defs[raw.ID] = first(raw.Names)
	return nil
}

// syntax adds the decoder's line to an XML error that does not carry one.
func (p *parser) syntax(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: %s", se.Line, se.Msg)
	}
	line, _ := p.d.InputPos()
	return fmt.Errorf("line %d: %w", line, err)
}

// localType drops a namespace prefix some tools write in xsi:type ("archimate:Node").
func localType(t string) string {
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		return t[i+1:]
	}
	return strings.TrimSpace(t)
}

func first(texts []rawText) string {
	for _, t := range texts {
		if s := strings.TrimSpace(t.Text); s != "" {
			return s
		}
	}
	return ""
}

// capped fails a read past the size limit instead of silently truncating the document.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// At the limit: only the end of the input is acceptable.
		var probe [1]byte
		if n, err := c.r.Read(probe[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("the file is larger than %d MiB", MaxBytes>>20)
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

// Package archimate reads enterprise-architecture models in the Open Group ArchiMate Model Exchange
// File Format, 3.x namespace (http://www.opengroup.org/xsd/archimate/3.0/, which the 3.1 schemas
// keep), as Archi and other modelling tools export them.
//
// It decides what a file says: its elements with their type (the xsi:type attribute, read by
// namespace), name, documentation and properties (property names resolved through the
// propertyDefinitions that follow the elements in the file), and its relationships with their type,
// ends, access type and direction. A relationship may point at another relationship, as ArchiMate 3
// allows. Parse checks what later steps rely on: identifiers are unique, every relationship end and
// property reference resolves, every type is one the 3.1 schema defines. Organizations (folders) and
// views (diagrams) are skipped.
//
// It does not judge whether a relationship is allowed between two element types (ArchiMate's
// relationship table), does not validate against the XSD, and keeps only the first name,
// documentation and value when a file gives several languages. It knows nothing of business impact:
// package impact interprets the model.
//
// Known shortcomings: the older 2.x exchange format (namespace http://www.opengroup.org/xsd/archimate,
// with <label>) is rejected with ErrVersion rather than converted. Input is capped at MaxBytes.
package archimate

import (
	"errors"
	"strings"
)

// Namespace is the ArchiMate 3.x exchange-format namespace.
const Namespace = "http://www.opengroup.org/xsd/archimate/3.0/"

// MaxBytes is the largest file Parse reads; a model of 100,000 elements is about 20 MB.
const MaxBytes = 256 << 20

// ErrVersion is returned for an exchange file of the ArchiMate 2.x format.
var ErrVersion = errors.New("ArchiMate 2.x exchange format")

// ErrNotArchiMate is returned when the document is XML but not an ArchiMate exchange model.
var ErrNotArchiMate = errors.New("not an ArchiMate exchange model")

// Model is one ArchiMate model as the exchange file holds it.
type Model struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Documentation string         `json:"documentation,omitempty"`
	Properties    []Property     `json:"properties,omitempty"`
	Elements      []Element      `json:"elements"`
	Relationships []Relationship `json:"relationships"`
}

// Element is an ArchiMate element: a business process, an application component, a node, a junction.
type Element struct {
	ID            string     `json:"id"`
	Type          string     `json:"type"`
	Name          string     `json:"name"`
	Documentation string     `json:"documentation,omitempty"`
	Properties    []Property `json:"properties,omitempty"`
}

// Relationship is an ArchiMate relationship. Source and Target are identifiers of elements or of
// other relationships.
type Relationship struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Source string `json:"source"`
	Target string `json:"target"`
	Name   string `json:"name,omitempty"`
	// AccessType is set on Access relationships only: Access (unspecified, the schema's default),
	// Read, Write or ReadWrite.
	AccessType string `json:"access_type,omitempty"`
	// Directed is set on Association relationships the file marks isDirected="true".
	Directed   bool       `json:"directed,omitempty"`
	Properties []Property `json:"properties,omitempty"`
}

// Property is one property of a model, element or relationship, with the name its definition gives.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Property returns the value of the first property called name (case-insensitive) and whether
// there was one.
func (e Element) Property(name string) (string, bool) {
	return lookup(e.Properties, name)
}

func lookup(props []Property, name string) (string, bool) {
	for _, p := range props {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

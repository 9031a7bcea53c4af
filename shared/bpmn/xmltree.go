package bpmn

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The namespaces of a BPMN file with Activiti extensions and diagram interchange.
const (
	nsModel    = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsActiviti = "http://activiti.org/bpmn"
	nsBPMNDI   = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC       = "http://www.omg.org/spec/DD/20100524/DC"
	nsDI       = "http://www.omg.org/spec/DD/20100524/DI"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// Limits for untrusted input: a process file is a few tens of kilobytes.
const (
	maxFileSize = 8 << 20
	maxDepth    = 64
)

// xnode is one XML element with the line its start tag begins on.
type xnode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xnode
	text     strings.Builder
	line     int
}

// attr returns the value of the attribute space:local ("" space for an unprefixed one).
func (n *xnode) attr(space, local string) string {
	v, _ := n.lookup(space, local)
	return v
}

func (n *xnode) lookup(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// readTree reads the whole document into a tree, tracking lines for error messages.
func readTree(r io.Reader) (*xnode, error) {
	lr := &io.LimitedReader{R: r, N: maxFileSize + 1}
	dec := xml.NewDecoder(lr)
	var stack []*xnode
	var root *xnode
	for {
		// Every byte between tags is a token of its own, so the position before reading a start tag is
		// just before its '<': the line of the element.
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if lr.N <= 0 {
			return nil, fmt.Errorf("file larger than %d bytes", maxFileSize)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: t.Name, attrs: t.Attr, line: line}
			if err := attach(n, stack, &root); err != nil {
				return nil, err
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// attach makes n the root or a child of the innermost open element.
func attach(n *xnode, stack []*xnode, root **xnode) error {
	switch {
	case len(stack) >= maxDepth:
		return fmt.Errorf("line %d: elements nested deeper than %d", n.line, maxDepth)
	case len(stack) > 0:
		parent := stack[len(stack)-1]
		parent.children = append(parent.children, n)
	case *root != nil:
		return fmt.Errorf("line %d: second root element", n.line)
	default:
		*root = n
	}
	return nil
}

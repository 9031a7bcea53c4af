// Package scan reads the reports of network and vulnerability scanners (nmap XML, Nessus v2,
// OpenVAS/Greenbone GMP XML) into an [infra.Observation]: the hosts, services and findings the
// scan saw, the time it ran and what it looked at.
//
// It decides the format from the content (the root element), the scan's time (the start the
// scanner recorded), and the coverage: for nmap the hosts it reports, the ports of its scaninfo
// and, when the command line names them as literal addresses or CIDR blocks, the target
// networks; for Nessus and OpenVAS the hosts reported, whose whole set of findings the report
// replaces. A malformed or truncated file is an error naming the line.
//
// It does not store anything and does not run scanners.
//
// Known shortcomings: nmap targets given as ranges ("10.0.0.1-20"), names or files (-iL) are not
// turned into networks, so hosts that disappear from such scans are not marked down; a command
// line with --exclude gives no networks at all. Only ports nmap found "open" become services
// (open|filtered does not). Nessus and OpenVAS findings of severity 0 (informational, "Log") are
// dropped, and neither scanner's reports add services to the model. Findings from nmap come from
// CVE identifiers in script output (vulners and the like); nothing else in a script is read.
// Files must be UTF-8 (or ASCII): other declared encodings are refused.
package scan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// Formats the package reads.
const (
	FormatNmap    = "nmap"
	FormatNessus  = "nessus"
	FormatOpenVAS = "openvas"
)

// MaxSize is the largest report Parse reads, to keep a hostile file from exhausting memory.
const MaxSize = 1 << 30

// Detect names the format of a report from its root element.
func Detect(data []byte) (string, error) {
	d := newDecoder(data)
	for {
		tok, err := d.Token()
		if err != nil {
			return "", lineError(d, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "nmaprun":
			return FormatNmap, nil
		case "NessusClientData_v2":
			return FormatNessus, nil
		case "report", "get_reports_response":
			return FormatOpenVAS, nil
		}
		return "", fmt.Errorf("line %d: root element <%s> is not nmap, Nessus v2 or OpenVAS XML", line(d), se.Name.Local)
	}
}

// Parse reads a report of any of the supported formats.
func Parse(r io.Reader) (infra.Observation, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return infra.Observation{}, fmt.Errorf("read scan report: %w", err)
	}
	if len(data) > MaxSize {
		return infra.Observation{}, fmt.Errorf("read scan report: larger than %d bytes", MaxSize)
	}
	return ParseBytes(data)
}

// ParseBytes reads a report held in memory.
func ParseBytes(data []byte) (infra.Observation, error) {
	format, err := Detect(data)
	if err != nil {
		return infra.Observation{}, fmt.Errorf("read scan report: %w", err)
	}
	var obs infra.Observation
	switch format {
	case FormatNmap:
		obs, err = parseNmap(data)
	case FormatNessus:
		obs, err = parseNessus(data)
	default:
		obs, err = parseOpenVAS(data)
	}
	if err != nil {
		return infra.Observation{}, fmt.Errorf("read %s report: %w", format, err)
	}
	sum := sha256.Sum256(data)
	obs.Source = format
	obs.Digest = hex.EncodeToString(sum[:])
	for i := range obs.Hosts {
		obs.Hosts[i].Sort()
	}
	return obs, nil
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported, convert the report to UTF-8", charset)
	}
	return d
}

func line(d *xml.Decoder) int {
	l, _ := d.InputPos()
	return l
}

// lineError puts the line of the failure in front of a decoding error.
func lineError(d *xml.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("line %d: no XML element found", line(d))
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("line %d: %s", syn.Line, syn.Msg)
	}
	return fmt.Errorf("line %d: %w", line(d), err)
}

// walk calls fn for every start element; fn reports whether it consumed the element (decoded
// it to its end). Errors are prefixed with the line of the element.
func walk(data []byte, fn func(d *xml.Decoder, se xml.StartElement) (bool, error)) error {
	d := newDecoder(data)
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) && depth == 0 {
			return nil
		}
		if err != nil {
			return lineError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			startLine := line(d)
			consumed, err := fn(d, t)
			var syn *xml.SyntaxError
			switch {
			case errors.As(err, &syn):
				return lineError(d, err)
			case err != nil:
				return fmt.Errorf("line %d: %w", startLine, err)
			case !consumed:
				depth++
			}
		case xml.EndElement:
			depth--
		}
	}
}

package alerts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// splitter cuts the input into records, one JSON value each, and keeps the
// line number each record starts on for error messages.
type splitter struct {
	sc      *bufio.Scanner
	array   bool
	line    int // newlines consumed so far
	tokLine int // 1-based line the current record starts on
	opened  bool
	closed  bool
	// truncated is set when the input ends inside the array: the caller
	// reports it as a malformed record, not as a read error.
	truncated bool
}

func newSplitter(r io.Reader, array bool, line int) *splitter {
	s := &splitter{sc: bufio.NewScanner(r), array: array, line: line}
	s.sc.Buffer(make([]byte, 0, 64<<10), MaxRecordBytes)
	if array {
		s.sc.Split(s.splitArray)
	} else {
		s.sc.Split(s.splitLines)
	}
	return s
}

// next returns the next record, or nil at the end of the input.
func (s *splitter) next() ([]byte, error) {
	if s.sc.Scan() {
		return s.sc.Bytes(), nil
	}
	err := s.sc.Err()
	if errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("line %d: record longer than %d bytes", s.line+1, MaxRecordBytes)
	}
	return nil, err
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// splitLines yields each non-blank line as a record. Blank lines are
// skipped inside one call: bufio.Scanner stops at EOF after the first call
// that returns no token.
func (s *splitter) splitLines(data []byte, atEOF bool) (int, []byte, error) {
	off := 0
	for off < len(data) {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 && !atEOF {
			break
		}
		lineEnd, next := len(data), len(data)
		if i >= 0 {
			lineEnd, next = off+i, off+i+1
		}
		s.tokLine = s.line + 1
		if i >= 0 {
			s.line++
		}
		tok := bytes.TrimSpace(data[off:lineEnd])
		off = next
		if len(tok) > 0 {
			return off, tok, nil
		}
	}
	return off, nil, nil
}

// splitArray yields each element of one top-level JSON array. Separators
// are not checked strictly: elements separated by white space alone pass.
// Like splitLines it handles all it can in one call.
func (s *splitter) splitArray(data []byte, atEOF bool) (int, []byte, error) {
	nl, i := 0, 0
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			nl++
			continue
		case isSpace(c) || (c == ',' && s.opened && !s.closed):
			continue
		case s.closed:
			return 0, nil, fmt.Errorf("line %d: data after the closing ] of the array", s.line+nl+1)
		case !s.opened:
			if c != '[' {
				return 0, nil, fmt.Errorf("line %d: expected [ to open the array, found %q", s.line+nl+1, c)
			}
			s.opened = true
			continue
		case c == ']':
			s.closed = true
			continue
		}

		// An element starts at i.
		end, ok := elementEnd(data[i:])
		if !ok && !atEOF {
			s.line += nl
			return i, nil, nil
		}
		s.tokLine = s.line + nl + 1
		if !ok {
			// The input ends inside an element: hand the rest over as a
			// record, to be reported as malformed; that report is enough.
			s.closed = true
			end = len(data) - i
		}
		tok := data[i : i+end]
		s.line += nl + bytes.Count(tok, []byte{'\n'})
		return i + end, tok, nil
	}
	s.line += nl
	if atEOF && s.opened && !s.closed {
		s.truncated = true
	}
	return i, nil, nil
}

// elementEnd returns the length of the JSON value at the start of data, and
// false when data ends before the value does. Strings, which hold most of
// the bytes (a Splunk export's _raw), are skipped with bytes.IndexByte
// rather than byte by byte.
func elementEnd(data []byte) (int, bool) {
	depth := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"':
			end, ok := stringEnd(data, i+1)
			if !ok {
				return 0, false
			}
			i = end
			if depth == 0 {
				return i + 1, true
			}
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				// A scalar followed by the closing ] of the array, or a
				// stray bracket, which must still advance the input.
				return max(i, 1), true
			}
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case depth == 0 && (c == ',' || isSpace(c)):
			return i, true
		}
	}
	return 0, false
}

// stringEnd returns the index of the quote that closes the string whose
// content starts at from: the first quote not preceded by an odd number of
// backslashes.
func stringEnd(data []byte, from int) (int, bool) {
	for {
		q := bytes.IndexByte(data[from:], '"')
		if q < 0 {
			return 0, false
		}
		q += from
		n := 0
		for j := q - 1; j >= from && data[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return q, true
		}
		from = q + 1
	}
}

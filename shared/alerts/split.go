package alerts

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
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
	// sk skims each object of an array while its end is looked for;
	// skimmed says whether it did so for the current record.
	sk      skimmer
	skimmed bool
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

// skim returns the skim of the current record, nil if it was not skimmed.
func (s *splitter) skim() *skimmer {
	if !s.skimmed {
		return nil
	}
	return &s.sk
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

		// An element starts at i. An object, as nearly all are, is skimmed:
		// when valid, that finds its end and prepares its decoding.
		end, ok := s.sk.skim(data[i:])
		s.skimmed = ok
		if !ok {
			end, ok = elementEnd(data[i:])
		}
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
	end, _, ok := scanString(data, from)
	return end, ok
}

// scanString is stringEnd, also telling whether the string holds an
// escape. It steps over each backslash and the byte after it, looking for
// the next quote or backslash eight bytes at a time: the strings of a
// Splunk export are full of escaped quotes, too many for a bytes.IndexByte
// call on each.
func scanString(data []byte, i int) (int, bool, bool) {
	esc := false
	for {
		for i+8 <= len(data) {
			if m := specials(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(data) && data[i] != '"' && data[i] != '\\' {
			i++
		}
		switch {
		case i >= len(data):
			return 0, esc, false
		case data[i] == '"':
			return i, esc, true
		}
		esc = true
		i += 2
	}
}

// Constants of the word-at-a-time search: a byte repeated eight times.
const (
	ones      = 0x0101010101010101
	highs     = 0x8080808080808080
	quotes    = '"' * ones
	backslash = '\\' * ones
)

// specials marks the high bit of each quote or backslash byte of w (bytes
// in memory order, little-endian). Bytes above the first one marked may be
// marked falsely; the lowest mark is exact, which is all the callers use.
func specials(w uint64) uint64 {
	q, b := w^quotes, w^backslash
	return ((q-ones)&^q | (b-ones)&^b) & highs
}

package alerts

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// Read streams the alerts of r to fn, one at a time, in file order.
//
// The *Alert passed to fn is reused for the next alert: fn must copy what it
// keeps (the strings in it may be kept; the Hostnames slice may not). An
// error from fn stops the reading and is returned as it is. Stats are
// returned in every case, counting what was read up to the end or the error.
func Read(r io.Reader, fn func(*Alert) error) (Stats, error) {
	var st Stats
	sp, err := open(r)
	if err != nil {
		return st, fmt.Errorf("read alerts: %w", err)
	}
	d := newDecoder()
	for {
		rec, err := sp.next()
		if err != nil {
			return st, fmt.Errorf("read alerts: record %d: %w", st.Records+1, err)
		}
		if rec == nil {
			break
		}
		st.Records++
		if err := d.handle(rec, sp, &st, fn); err != nil {
			return st, err
		}
	}
	if sp.truncated && !sp.closed {
		st.addMalformed(fmt.Sprintf("line %d: input ends inside the JSON array (truncated file?)", sp.line+1))
	}
	if st.Alerts == 0 {
		return st, fmt.Errorf("read alerts: %d records, %d of them other EVE events, %d malformed: %w",
			st.Records, st.Skipped, st.Malformed, ErrNoAlerts)
	}
	return st, nil
}

// handle decodes one record and passes an alert on; the first record
// decides whether the input is EVE at all.
func (d *decoder) handle(rec []byte, sp *splitter, st *Stats, fn func(*Alert) error) error {
	d.a.Record = st.Records
	k, err := d.decode(rec)
	if err != nil {
		where := fmt.Sprintf("record %d at line %d", st.Records, sp.tokLine)
		if st.Records == 1 {
			if errors.Is(err, errNotEvent) {
				return fmt.Errorf("read alerts: %w: %s: %v", ErrNotEVE, where, err)
			}
			return fmt.Errorf("read alerts: %s: %w", where, err)
		}
		st.addMalformed(where + ": " + err.Error())
		return nil
	}
	if k != kindAlert {
		st.Skipped++
		return nil
	}
	st.Alerts++
	return fn(&d.a)
}

// open undoes gzip if the content starts with its magic bytes and picks the
// record form from the first non-space byte.
func open(r io.Reader) (*splitter, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("open gzip: %w", err)
		}
		br = bufio.NewReaderSize(gz, 64<<10)
	}

	first, lines, err := firstByte(br)
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("input is empty: %w", ErrNoAlerts)
	}
	if err != nil {
		return nil, fmt.Errorf("read first record: %w", err)
	}
	switch first {
	case '[':
		return newSplitter(br, true, lines), nil
	case '{':
		return newSplitter(br, false, lines), nil
	}
	return nil, fmt.Errorf("%w: line %d starts with %q, not with { or [", ErrNotEVE, lines+1, first)
}

// firstByte skips a UTF-8 byte-order mark and white space and returns the
// first other byte, left unread, with the number of newlines skipped.
func firstByte(br *bufio.Reader) (byte, int, error) {
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	lines := 0
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, lines, err
		}
		if c == '\n' {
			lines++
		}
		if !isSpace(c) {
			return c, lines, br.UnreadByte()
		}
	}
}

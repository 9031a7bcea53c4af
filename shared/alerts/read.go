package alerts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// maxDepth bounds how deep containers may nest (a zip in a tar.gz is 3).
const maxDepth = 4

// Read streams the alerts of r to fn, one at a time, in file order.
//
// The *Alert passed to fn is reused for the next alert: fn must copy what it
// keeps (the strings in it may be kept; its slices may not). An error from
// fn stops the reading and is returned as it is. Stats are returned in
// every case, counting what was read up to the end or the error.
func Read(r io.Reader, fn func(*Alert) error) (Stats, error) {
	rd := newReader(fn)
	err := rd.stream(r, "", 0)
	return rd.finish(err)
}

// ReadPath reads the alert file at path, or, when path is a folder, every
// file under it in lexical order (names starting with a dot skipped), as
// Read does. Files of a folder that hold no alerts are counted in
// Stats.SkippedFiles rather than failing the whole read.
func ReadPath(path string, fn func(*Alert) error) (Stats, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Stats{}, fmt.Errorf("read alerts: %w", err)
	}
	rd := newReader(fn)
	if !info.IsDir() {
		err = rd.file(path, "", 0)
		return rd.finish(err)
	}
	files, err := listFiles(path)
	if err != nil {
		return Stats{}, fmt.Errorf("read alerts: %w", err)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(path, f)
		if err = rd.file(f, rel, 1); err != nil {
			break
		}
	}
	return rd.finish(err)
}

func listFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// reader holds the state of one Read or ReadPath across nested files.
type reader struct {
	fn func(*Alert) error
	d  *decoder
	st Stats
}

func newReader(fn func(*Alert) error) *reader {
	return &reader{fn: fn, d: newDecoder()}
}

func (rd *reader) finish(err error) (Stats, error) {
	if err != nil {
		return rd.st, err
	}
	if rd.st.Alerts == 0 {
		return rd.st, fmt.Errorf("read alerts: %d records, %d of them other EVE events, %d malformed: %w",
			rd.st.Records, rd.st.Skipped, rd.st.Malformed, ErrNoAlerts)
	}
	return rd.st, nil
}

func (rd *reader) file(path, name string, depth int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	defer f.Close()
	return rd.stream(f, name, depth)
}

// stream reads one input whose form is told from its content: gzip, zip,
// tar, or an alert file. Inside a container (depth > 0) a member that is no
// alert file is counted and skipped.
func (rd *reader) stream(r io.Reader, name string, depth int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	switch {
	case depth > maxDepth:
		return fmt.Errorf("read alerts: %s: containers nested deeper than %d", name, maxDepth)
	case isGzip(head):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read alerts: %sopen gzip: %w", where(name), err)
		}
		return rd.stream(gz, name, depth)
	case isZip(head):
		return rd.zip(br, name, depth+1)
	case isTar(head):
		return rd.tar(br, name, depth+1)
	}
	err := rd.records(br, name)
	if depth > 0 && (errors.Is(err, ErrUnknownFormat) || errors.Is(err, errEmpty)) {
		rd.st.SkippedFiles++
		if len(rd.st.MalformedSamples) < maxSamples {
			rd.st.MalformedSamples = append(rd.st.MalformedSamples, fmt.Sprintf("%s: skipped: %v", name, err))
		}
		return nil
	}
	return err
}

// truncated says that a compressed input ended before its end: the
// records before the break are kept, and the break is reported with them
// rather than losing them all.
func truncated(name string, n int) string {
	return fmt.Sprintf("%sinput ends early after record %d (truncated compressed file?): what came before is analysed", where(name), n)
}

func where(name string) string {
	if name == "" {
		return ""
	}
	return name + ": "
}

func isGzip(h []byte) bool { return len(h) >= 2 && h[0] == 0x1f && h[1] == 0x8b }

func isZip(h []byte) bool {
	return bytes.HasPrefix(h, []byte("PK\x03\x04")) || bytes.HasPrefix(h, []byte("PK\x05\x06"))
}

// isTar checks the ustar magic of the first header (POSIX and GNU tar).
func isTar(h []byte) bool { return len(h) >= 262 && bytes.Equal(h[257:262], []byte("ustar")) }

// errEmpty marks an input with nothing but white space.
var errEmpty = errors.New("input is empty")

// records reads one alert file: JSON (lines or array) or CSV with a header.
func (rd *reader) records(br *bufio.Reader, name string) error {
	rd.st.Files++
	rd.d.a.File = name
	first, lines, err := firstByte(br)
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("read alerts: %s%w: %w", where(name), errEmpty, ErrNoAlerts)
	}
	if err != nil {
		return fmt.Errorf("read alerts: %sread first record: %w", where(name), err)
	}
	switch first {
	case '[', '{':
		return rd.json(newSplitter(br, first == '[', lines), name)
	}
	return rd.csv(br, name, lines)
}

// json reads the records of one JSON alert file.
func (rd *reader) json(sp *splitter, name string) error {
	n := 0
	for {
		rec, err := sp.next()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			rd.st.addTruncated(truncated(name, n))
			break
		}
		if err != nil {
			return fmt.Errorf("read alerts: %srecord %d: %w", where(name), n+1, err)
		}
		if rec == nil {
			break
		}
		n++
		rd.st.Records++
		if err := rd.handle(rec, sp, n, name); err != nil {
			return err
		}
	}
	if sp.truncated && !sp.closed {
		rd.st.addTruncated(fmt.Sprintf("%sline %d: input ends inside the JSON array (truncated file?)", where(name), sp.line+1))
	}
	return nil
}

// handle decodes one record and passes an alert on; the first record
// decides whether the file is an alert file at all.
func (rd *reader) handle(rec []byte, sp *splitter, n int, name string) error {
	d := rd.d
	d.a.Record = n
	k, err := d.decode(rec, sp.skim())
	if err != nil {
		at := fmt.Sprintf("%srecord %d at line %d", where(name), n, sp.tokLine)
		if n == 1 {
			if errors.Is(err, errNotEvent) {
				return fmt.Errorf("read alerts: %w: %s: %v", ErrUnknownFormat, at, err)
			}
			return fmt.Errorf("read alerts: %s: %w", at, err)
		}
		rd.st.addMalformed(at + ": " + err.Error())
		return nil
	}
	if k != kindAlert {
		rd.st.Skipped++
		return nil
	}
	return rd.emit(d.format)
}

func (rd *reader) emit(format string) error {
	rd.st.Alerts++
	rd.st.addFormat(format)
	return rd.fn(&rd.d.a)
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

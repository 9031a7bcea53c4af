// Package alertstest provides inputs for tests and benchmarks of alert
// readers: the EVE lines of the CPTC-2017 test files, read with
// encoding/json independently of package alerts, and a generator that
// streams any number of alerts built from them with flat memory.
//
// It decides nothing about alerts. Known shortcoming: the generator only
// shifts dates, so a repeated stream holds the same addresses and
// signatures over and over.
package alertstest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"io"
	"os"
	"path/filepath"
	"time"
)

// CPTCFiles are the CPTC-2017 team files under testdata/alerts, with the
// number of records each holds (from SAGE's team_stats.csv).
var CPTCFiles = []struct {
	Name    string
	Records int
}{
	{"NationalTeam2.json.gz", 2923},
	{"NationalTeam5.json.gz", 1912},
	{"NationalTeam9.json.gz", 2233},
}

// CPTCPath returns the path of a CPTC test file by name.
func CPTCPath(name string) (string, error) {
	root, err := testenv.FindRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "alerts", name), nil
}

// LoadSplunkEVE reads a gzip'd JSON array of Splunk export records, as the
// CPTC files are, and returns each record's result._raw EVE line.
func LoadSplunkEVE(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	var recs []struct {
		Result struct {
			Raw string `json:"_raw"`
		} `json:"result"`
	}
	if err := json.NewDecoder(gz).Decode(&recs); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	lines := make([][]byte, len(recs))
	for i, r := range recs {
		lines[i] = []byte(r.Result.Raw)
	}
	return lines, nil
}

// template is one EVE line cut around the date of its timestamp.
type template struct {
	head, tail []byte
	date       time.Time
}

var tsKey = []byte(`"timestamp":"`)

// Repeater streams EVE JSON lines: the given lines over and over, until
// total lines are out, each repetition k days after the first, so that a
// stream of a million alerts needs no more memory than the lines.
type Repeater struct {
	tpl     []template
	total   int
	n       int
	buf     []byte
	sameDay bool
}

// NewRepeater returns a Repeater of total lines built from lines; a line
// without a "timestamp" is repeated as it is.
func NewRepeater(lines [][]byte, total int) *Repeater {
	r := &Repeater{total: total}
	for _, l := range lines {
		t := template{head: l}
		if i := bytes.Index(l, tsKey); i >= 0 && len(l) >= i+len(tsKey)+10 {
			d := i + len(tsKey)
			if date, err := time.Parse("2006-01-02", string(l[d:d+10])); err == nil {
				t = template{head: l[:d], tail: l[d+10:], date: date}
			}
		}
		r.tpl = append(r.tpl, t)
	}
	return r
}

// NewSameDayRepeater is NewRepeater without the shift: every repetition
// has the original times, so its alerts join the episodes of the first
// (a denser stream of the same attack, not a longer one).
func NewSameDayRepeater(lines [][]byte, total int) *Repeater {
	r := NewRepeater(lines, total)
	r.sameDay = true
	return r
}

// Read implements io.Reader.
func (r *Repeater) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.n < r.total && len(r.tpl) > 0 {
		t := r.tpl[r.n%len(r.tpl)]
		rep := r.n / len(r.tpl)
		if r.sameDay {
			rep = 0
		}
		r.buf = append(r.buf, t.head...)
		if !t.date.IsZero() {
			r.buf = t.date.AddDate(0, 0, rep).AppendFormat(r.buf, "2006-01-02")
			r.buf = append(r.buf, t.tail...)
		}
		r.buf = append(r.buf, '\n')
		r.n++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	// Shift rather than reslice so the buffer does not creep forward.
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// CPTCEVE returns the EVE lines of every bundled CPTC file, in CPTCFiles
// order: the input the generated streams are made from.
func CPTCEVE() ([][]byte, error) {
	var lines [][]byte
	for _, f := range CPTCFiles {
		path, err := CPTCPath(f.Name)
		if err != nil {
			return nil, err
		}
		l, err := LoadSplunkEVE(path)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l...)
	}
	return lines, nil
}

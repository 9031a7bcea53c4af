package alerts

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvColumns are the only columns the CSV reader looks at, by header name.
// The AIT alert data set's label columns (time_label, event_label) are not
// among them on purpose: labels are for scoring a detector, and nothing
// downstream of this reader can see them.
var csvColumns = map[string]string{
	"time": "time", "name": "name", "ip": "ip", "host": "host", "short": "short",
	"src_ip": "src", "srcip": "src", "dest_ip": "dest", "dst_ip": "dest", "dstip": "dest",
}

// csvLayout maps the columns of one CSV file; -1 marks an absent column.
type csvLayout struct {
	time, name, ip, host, short, src, dest int
}

// nameParts is an AIT alert name split into tool and signature.
type nameParts struct{ tool, sig string }

// csv reads one CSV alert file: a header naming at least the time and name
// columns, as the AIT alert data set writes them, then one alert a row.
func (rd *reader) csv(br *bufio.Reader, name string, skipped int) error {
	// A header longer than the buffer is no CSV alert header: refuse it
	// before encoding/csv reads a binary file whole looking for a newline.
	if head, _ := br.Peek(br.Size()); bytes.IndexByte(head, '\n') < 0 && len(head) == br.Size() {
		return fmt.Errorf("read alerts: %s%w: line %d starts with %q and runs on for %d bytes: no CSV header",
			where(name), ErrUnknownFormat, skipped+1, head[0], len(head))
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	lay, ok := layoutOf(header)
	if err != nil || !ok {
		first := byte('?')
		if c, err := br.Peek(1); err == nil {
			first = c[0]
		}
		if len(header) > 0 && len(header[0]) > 0 {
			first = header[0][0]
		}
		return fmt.Errorf("read alerts: %s%w: line %d starts with %q: neither JSON ({ or [) nor a CSV header with time and name columns",
			where(name), ErrUnknownFormat, skipped+1, first)
	}
	parts := map[string]nameParts{}
	for n := 1; ; n++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			rd.st.addTruncated(truncated(name, n-1))
			return nil
		}
		rd.st.Records++
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("read alerts: %srow %d: %w", where(name), n, err)
			}
			rd.st.addMalformed(fmt.Sprintf("%srow %d: %v", where(name), n, err))
			continue
		}
		if err := rd.csvRow(row, lay, parts, n); err != nil {
			rd.st.addMalformed(fmt.Sprintf("%srow %d at line %d: %v", where(name), n, skipped+n+1, err))
			continue
		}
		if err := rd.emit(FormatAITCSV); err != nil {
			return err
		}
	}
}

func layoutOf(header []string) (csvLayout, bool) {
	lay := csvLayout{-1, -1, -1, -1, -1, -1, -1}
	for i, h := range header {
		switch csvColumns[strings.ToLower(strings.TrimSpace(h))] {
		case "time":
			lay.time = i
		case "name":
			lay.name = i
		case "ip":
			lay.ip = i
		case "host":
			lay.host = i
		case "short":
			lay.short = i
		case "src":
			lay.src = i
		case "dest":
			lay.dest = i
		}
	}
	return lay, lay.time >= 0 && lay.name >= 0
}

func field(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// csvRow fills d.a from one row.
func (rd *reader) csvRow(row []string, lay csvLayout, parts map[string]nameParts, n int) error {
	d := rd.d
	ts, err := csvTime(field(row, lay.time))
	if err != nil {
		return err
	}
	full := field(row, lay.name)
	if full == "" {
		return errors.New("alert without a name")
	}
	p, ok := parts[full]
	if !ok {
		p = splitName(full)
		p = nameParts{tool: d.str([]byte(p.tool)), sig: d.str([]byte(p.sig))}
		if len(parts) < maxInterned {
			parts[strings.Clone(full)] = p
		}
	}
	a := d.reset()
	a.Record = n
	a.Time = ts
	a.Tool, a.Signature = p.tool, p.sig
	a.HostIP = d.str([]byte(field(row, lay.ip)))
	a.Host = d.str([]byte(field(row, lay.host)))
	a.Category = d.str([]byte(field(row, lay.short)))
	a.SrcIP = d.str([]byte(field(row, lay.src)))
	a.DestIP = d.str([]byte(field(row, lay.dest)))
	if a.Host == "" && a.HostIP == "" && a.SrcIP == "" && a.DestIP == "" {
		return errors.New("alert without a host or addresses")
	}
	return nil
}

// SplitAITName cuts the detector prefix off an AIT alert name as Read does
// for Alert.Tool and Alert.Signature: "Wazuh: X" is ("wazuh", "X"),
// "Suricata: Alert - X" is ("suricata", "X"), "AMiner: X" is ("aminer", "X");
// a name without a prefix is ("csv", name).
func SplitAITName(full string) (tool, signature string) {
	p := splitName(full)
	return p.tool, p.sig
}

func splitName(full string) nameParts {
	tool, sig, ok := strings.Cut(full, ": ")
	if !ok || tool == "" || strings.ContainsAny(tool, " \t") {
		return nameParts{tool: "csv", sig: full}
	}
	tool = strings.ToLower(tool)
	if tool == "suricata" {
		sig = strings.TrimPrefix(sig, "Alert - ")
	}
	return nameParts{tool: tool, sig: sig}
}

// csvTime reads Unix seconds (with an optional fraction) or an RFC 3339
// time.
func csvTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("alert without a time")
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(sec, 0).UTC(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return parseTime([]byte(s), nil)
}

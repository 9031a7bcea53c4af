package alerts

import "time"

// quickTime parses the timestamps nearly every alert file writes,
// 2017-11-04T13:17:10.045822+0000 (Suricata), ...Z or ...+00:00 (RFC 3339),
// without time.Parse's layout interpretation, which took a tenth of the
// reading time. It declines (false) anything it is not sure of, leaving it
// to time.Parse: so where it answers, its answer is time.Parse's.
func quickTime(b []byte) (time.Time, bool) {
	var c dayCache
	return c.quickTime(b)
}

// dayCache remembers the start of the last date quickTime read: the
// alerts of a file fall on a few days, and checking and converting the
// date (time.Date) was most of quickTime's cost.
type dayCache struct {
	date  [10]byte
	start time.Time // the date's midnight UTC; zero: nothing remembered
}

// quickTime is the function quickTime with the day remembered in c.
func (c *dayCache) quickTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	day, ok := c.day(b[:10])
	if !ok {
		return time.Time{}, false
	}
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok4 && ok5 && ok6) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		frac, _ := digits(rest[1:n])
		for range 10 - n {
			frac *= 10
		}
		nsec, rest = frac, rest[n:]
	}
	offset, ok := zoneOffset(rest)
	if !ok {
		return time.Time{}, false
	}
	clock := time.Duration(hour*3600+minute*60+sec-offset)*time.Second + time.Duration(nsec)
	return day.Add(clock), true
}

// day returns the midnight UTC of the date b (2017-11-04), false if it is
// no valid date.
func (c *dayCache) day(b []byte) (time.Time, bool) {
	if !c.start.IsZero() && string(b) == string(c.date[:]) {
		return c.start, true
	}
	if b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	if !(ok1 && ok2 && ok3) || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	copy(c.date[:], b)
	c.start = time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return c.start, true
}

// zoneOffset reads Z, ±hhmm or ±hh:mm, and nothing after it, in seconds
// east of UTC.
func zoneOffset(b []byte) (int, bool) {
	if len(b) == 1 && b[0] == 'Z' {
		return 0, true
	}
	if len(b) != 5 && !(len(b) == 6 && b[3] == ':') || b[0] != '+' && b[0] != '-' {
		return 0, false
	}
	hh, ok1 := digits(b[1:3])
	mm, ok2 := digits(b[len(b)-2:])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	off := hh*3600 + mm*60
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

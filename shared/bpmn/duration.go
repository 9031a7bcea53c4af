package bpmn

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// isoDuration matches the ISO-8601 durations of fixed length: weeks, days, hours, minutes, seconds.
var isoDuration = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// parseISODuration reads an ISO-8601 duration such as PT4H or P1DT30M. Years and months are refused:
// their length depends on the calendar date, which the engine does not model.
func parseISODuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "P" || s[len(s)-1] == 'T' {
		return 0, fmt.Errorf("%q is not an ISO-8601 duration of weeks, days, hours, minutes and seconds (like PT4H)", s)
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > int64(100*365*24*time.Hour/u) {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		d += time.Duration(n) * u
	}
	if m[5] != "" {
		sec, err := strconv.ParseFloat(m[5], 64)
		if err != nil || sec > 100*365*24*3600 {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		d += time.Duration(sec * float64(time.Second))
	}
	return d, nil
}

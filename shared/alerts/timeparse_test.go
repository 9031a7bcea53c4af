package alerts

import (
	"testing"
	"time"
)

// slowTime is how timestamps were parsed before quickTime: the reference
// quickTime must agree with wherever it answers.
func slowTime(s string) (time.Time, bool) {
	t, err := time.Parse(eveLayout, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return time.Time{}, false
		}
	}
	return t.UTC(), true
}

var timeSeeds = []string{
	"2017-11-04T13:17:10.045822+0000",
	"2017-11-04T13:17:10Z",
	"2017-11-04T13:17:10.1-0430",
	"2024-03-04T10:03:09.004+00:00",
	"2024-02-29T23:59:59.999999999Z",
	"2023-02-29T10:00:00Z",
	"2017-11-04T24:00:00Z",
	"2017-11-04T13:17:60Z",
	"2017-11-04T13:17:10.0458221234+0000",
	"2017-11-04T13:17:10.+0000",
	"2017-11-04T13:17:10+2500",
	"2017-11-04T13:17:10+0000x",
	"2017-11-04 13:17:10Z",
	"0000-01-01T00:00:00Z",
	"9999-12-31T23:59:59.5+1400",
}

func TestQuickTimeAgreesWithTimeParse(t *testing.T) {
	t.Parallel()
	answered := 0
	for _, s := range timeSeeds {
		t.Run(s, func(t *testing.T) {
			checkQuickTime(t, s)
		})
		if _, ok := quickTime([]byte(s)); ok {
			answered++
		}
	}
	if answered < 5 {
		t.Fatalf("quickTime answered only %d of the usual forms", answered)
	}
}

func FuzzQuickTime(f *testing.F) {
	for _, s := range timeSeeds {
		f.Add(s)
	}
	f.Fuzz(checkQuickTime)
}

func checkQuickTime(t *testing.T, s string) {
	t.Helper()
	got, ok := quickTime([]byte(s))
	if !ok {
		return
	}
	want, wantOK := slowTime(s)
	if !wantOK || got.UTC() != want {
		t.Fatalf("quickTime(%q) = %v, time.Parse gives %v (ok %v)", s, got.UTC(), want, wantOK)
	}
}

// FuzzDayCache checks that a day remembered from one timestamp never
// changes the reading of the next.
func FuzzDayCache(f *testing.F) {
	for i, s := range timeSeeds {
		f.Add(timeSeeds[(i+1)%len(timeSeeds)], s)
		f.Add(s, s[:len(s)-1]+"1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var c dayCache
		c.quickTime([]byte(a))
		got, ok := c.quickTime([]byte(b))
		want, wantOK := quickTime([]byte(b))
		if ok != wantOK || got != want {
			t.Fatalf("after %q: %q reads %v, %v; alone %v, %v", a, b, got, ok, want, wantOK)
		}
	})
}

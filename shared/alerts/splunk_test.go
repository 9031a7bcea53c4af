package alerts

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/soccrates-cortex/soccrates/shared/alerts/alertstest"
	"github.com/valyala/fastjson"
)

// unescapeCases are JSON string contents (without the quotes); declines
// says whether unescape must refuse them, and where it accepts one its
// text must be encoding/json's.
var unescapeCases = []struct {
	name, s  string
	declines bool
}{
	{"plain", `abc`, false},
	{"empty", ``, false},
	{"simple_escapes", `\"\\\/\b\f\n\r\t`, false},
	{"escaped_quotes_across_words", `{\"timestamp\":\"2017-11-04T13:17:10.045822+0000\",\"x\":1}`, false},
	{"escape_at_word_end", `1234567\n12345678\"`, false},
	{"u_latin", `caf\u00e9`, false},
	{"u_upper_hex", `caf\u00E9 \u20AC`, false},
	{"u_nul", `a\u0000b`, false},
	{"u_ascii", `\u0041\u007a`, false},
	{"surrogate_pair", `smile \ud83d\ude00!`, false},
	{"surrogate_pair_upper", `\uD834\uDD1E`, false},
	{"raw_utf8", `héllo wörld ✓`, false},
	{"long_plain", strings.Repeat("abcdefghij", 30), false},
	{"lone_high_surrogate", `\ud83d`, true},
	{"lone_high_then_text", `\ud83dabcdef`, true},
	{"high_then_non_low", `\ud83d\u0041`, true},
	{"lone_low_surrogate", `\ude00`, true},
	{"unknown_escape", `\x41`, true},
	{"short_u", `\u12`, true},
	{"bad_hex", `\u12g4`, true},
	{"escaped_apostrophe", `it\'s`, true},
}

func TestUnescapeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range unescapeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A tail after the closing quote, as in a record, must be left alone.
			got, end, ok := unescape([]byte("prefix"), []byte(tc.s+`", "next": "x"`))
			if ok == tc.declines {
				t.Fatalf("unescape(%q) ok = %v, want %v", tc.s, ok, !tc.declines)
			}
			if !ok {
				return
			}
			var want string
			if err := json.Unmarshal([]byte(`"`+tc.s+`"`), &want); err != nil {
				t.Fatalf("unescape accepted %q, encoding/json refuses it: %v", tc.s, err)
			}
			if string(got) != "prefix"+want || end != len(tc.s) {
				t.Errorf("unescape(%q) = %q, end %d; want %q, end %d", tc.s, got, end, "prefix"+want, len(tc.s))
			}
		})
	}
}

func TestUnescapeUnterminated(t *testing.T) {
	t.Parallel()
	for _, s := range []string{``, `abc`, `abc\"`, strings.Repeat("x", 20) + `\\\"`} {
		if got, _, ok := unescape(nil, []byte(s)); ok {
			t.Errorf("unescape(%q) = %q, want it declined: no closing quote", s, got)
		}
	}
}

func FuzzUnescape(f *testing.F) {
	for _, tc := range unescapeCases {
		f.Add([]byte(tc.s + `"`))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		got, end, ok := unescape(nil, s)
		if !ok {
			return
		}
		if s[end] != '"' {
			t.Fatalf("unescape(%q): end %d is not a quote", s, end)
		}
		// The full parse path unescapes with fastjson: it must agree byte for byte.
		v, err := new(fastjson.Parser).ParseBytes(append(append([]byte(`"`), s[:end]...), '"'))
		if err != nil {
			t.Fatalf("fastjson refuses %q, which unescape accepted: %v", s[:end], err)
		}
		if fj := v.GetStringBytes(); !bytes.Equal(fj, got) {
			t.Fatalf("unescape(%q) = %q, fastjson gives %q", s[:end], got, fj)
		}
		// encoding/json refuses control characters and replaces invalid
		// UTF-8, which unescape copies as fastjson does; elsewhere it agrees.
		if !utf8.Valid(s[:end]) || bytes.ContainsFunc(s[:end], func(r rune) bool { return r < 0x20 }) {
			return
		}
		var want string
		if err := json.Unmarshal(append(append([]byte(`"`), s[:end]...), '"'), &want); err != nil || want != string(got) {
			t.Fatalf("unescape(%q) = %q; encoding/json gives %q, %v", s[:end], got, want, err)
		}
	})
}

// splunkSeeds are records for the differential test; fast says whether
// the fast path must take them (else they must fall back).
var splunkSeeds = []struct {
	name, rec string
	fast      bool
}{
	{"cptc_like", `{"preview": false, "offset": 5787, "result": {"_raw": ` + quote(eveAlert1) + `, "_time": "2017-11-04T09:17:10.045-0400", "alert.gid": "1", "punct": "{\"\":\"--::.+\""}}`, true},
	{"raw_not_first", `{"result": {"host": "s", "n": [1, 2.5e3, -3, true, false, null, {}, []], "_raw": ` + quote(eveAlert2) + `}, "preview": false}`, true},
	{"result_first_raw_last", `{"result":{"a":{"b":[{"c":"d"}]},"_raw":` + quote(eveAlert1) + `},"offset":1}`, true},
	{"duplicate_raw", `{"result":{"_raw":` + quote(eveAlert1) + `,"_raw":` + quote(eveAlert2) + `}}`, true},
	{"duplicate_result", `{"result":{"_raw":` + quote(eveAlert1) + `},"result":{"_raw":` + quote(eveAlert2) + `}}`, true},
	{"raw_with_u_escapes", `{"result":{"_raw":"{\"timestamp\":\"2017-11-04T13:17:10Z\",\"event_type\":\"alert\",\"src_ip\":\"10.0.0.\u0031\",\"dest_ip\":\"b\",\"alert\":{\"signature\":\"caf\u00e9 \ud83d\ude00 \\u00e9\"}}"}}`, true},
	{"raw_dns_event", `{"result":{"_raw":` + quote(eveDNS) + `}}`, true},
	{"raw_wazuh", `{"result":{"_raw":"{\"timestamp\":\"2024-03-04T10:03:09.004+0000\",\"rule\":{\"level\":3,\"description\":\"x\",\"id\":\"5402\"},\"agent\":{\"name\":\"h\"}}"}}`, true},
	{"raw_not_json", `{"result":{"_raw":"{oops"}}`, true},
	{"raw_not_event", `{"result":{"_raw":"{\"a\":1}"}}`, true},
	{"raw_alert_without_addresses", `{"result":{"_raw":"{\"timestamp\":\"2017-11-04T13:17:10Z\",\"event_type\":\"alert\",\"alert\":{}}"}}`, true},
	{"whitespace_everywhere", " \t{ \"result\" :\n{ \"_raw\" : " + quote(eveAlert1) + " } , \"x\" : [ 1 , 2 ] }\r\n", true},
	{"numbers_fastjson_takes", `{"preview":--1,"offset":1.2.3,"c":1e+-5,"result":{"_raw":` + quote(eveAlert1) + `}}`, true},
	{"broken_after_raw", `{"result":{"_raw":` + quote(eveAlert1) + `, "host": }}`, false},
	{"missing_comma_after_raw", `{"result":{"_raw":` + quote(eveAlert1) + ` "host": "x"}}`, false},
	{"missing_colon", `{"result":{"_raw":` + quote(eveAlert1) + `,"host" "x"}}`, false},
	{"unclosed_result", `{"result":{"_raw":` + quote(eveAlert1) + `}`, false},
	{"trailing_garbage", `{"result":{"_raw":` + quote(eveAlert1) + `}} x`, false},
	{"bad_literal_after_raw", `{"result":{"_raw":` + quote(eveAlert1) + `,"a":nul}}`, false},
	{"lone_sign", `{"result":{"_raw":` + quote(eveAlert1) + `,"a":-}}`, false},
	{"nan", `{"offset":nan,"result":{"_raw":` + quote(eveAlert1) + `}}`, false},
	{"inf", `{"offset":-Inf,"result":{"_raw":` + quote(eveAlert1) + `}}`, false},
	{"top_level_event_type", `{"result":{"_raw":` + quote(eveAlert1) + `},"event_type":"alert"}`, false},
	{"escaped_result_key", `{"preview":false,"res\u0075lt":{"_raw":` + quote(eveAlert1) + `}}`, false},
	{"escaped_raw_key", `{"result":{"\u005fraw":` + quote(eveAlert1) + `}}`, false},
	{"raw_not_string", `{"result":{"_raw":{"event_type":"alert"}}}`, false},
	{"result_not_object", `{"result":"x"}`, false},
	{"no_raw", `{"preview":false,"result":{"host":"x"}}`, false},
	{"no_result", `{"preview":false}`, false},
	{"array", `[{"result":{"_raw":` + quote(eveAlert1) + `}}]`, false},
	{"raw_lone_surrogate", `{"result":{"_raw":"{\"a\":\"\ud83d\"}"}}`, false},
	{"raw_unknown_escape", `{"result":{"_raw":"\q"}}`, false},
	{"deep_nesting", `{"offset":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `,"result":{"_raw":` + quote(eveAlert1) + `}}`, false},
	{"unterminated_string", `{"result":{"_raw":"abc`, false},
	{"empty_object", `{}`, false},
	// Whole records (JSON lines) starting otherwise are not tried; in an
	// array the splitter's skim takes them.
	{"first_key_not_splunk", `{"host":"x","result":{"_raw":` + quote(eveAlert1) + `}}`, false},
	{"plain_eve", eveAlert1, false},
}

// splunkRec wraps an EVE line as the CPTC export does.
func splunkRec(eve string) string {
	return `{"preview": false, "offset": 1, "result": {"_raw": ` + quote(eve) + `, "host": "sensor"}}`
}

func quote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestSplunkFastPathAgrees(t *testing.T) {
	t.Parallel()
	for _, tc := range splunkSeeds {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, fast := new(skimmer).splunkRaw([]byte(tc.rec)); fast != tc.fast {
				t.Errorf("fast path taken = %v, want %v", fast, tc.fast)
			}
			// The splitter's skim of an array element decides alike, but
			// for the two records that are only whole records apart.
			var sk skimmer
			sk.skim(bytes.TrimLeft([]byte(tc.rec), " \t\r\n"))
			if want := tc.fast || tc.name == "first_key_not_splunk" || tc.name == "trailing_garbage"; sk.splunk != want {
				t.Errorf("splitter's skim: fast path = %v, want %v", sk.splunk, want)
			}
			checkSameDecoding(t, []byte(tc.rec))
		})
	}
}

func FuzzSplunkFastPath(f *testing.F) {
	for _, tc := range splunkSeeds {
		f.Add([]byte(tc.rec))
	}
	for _, rec := range cptcRecords(f, 5) {
		f.Add(rec)
	}
	f.Fuzz(func(t *testing.T, rec []byte) { checkSameDecoding(t, rec) })
}

// checkSameDecoding decodes rec with decode (fast path first) and with
// decodeFull and fails unless both give the same kind, error and alert.
func checkSameDecoding(t *testing.T, rec []byte) {
	t.Helper()
	fast, full := newDecoder(), newDecoder()
	k1, err1 := fast.decode(rec, nil)
	k2, err2 := full.decodeFull(rec)
	if errText(err1) != errText(err2) || err1 == nil && (k1 != k2 || fast.format != full.format) {
		t.Fatalf("record %q:\ndecode     %v, %v, %s\ndecodeFull %v, %v, %s", rec, k1, err1, fast.format, k2, err2, full.format)
	}
	if err1 == nil && !reflect.DeepEqual(fast.a, full.a) {
		t.Fatalf("record %q:\ndecode     %+v\ndecodeFull %+v", rec, fast.a, full.a)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestSplunkFastPathCPTC checks the CPTC records: the fast path must take
// every one, and agree with the full parse on every fifth (all of them
// took seconds under the race detector; TestReadCPTC reads all).
func TestSplunkFastPathCPTC(t *testing.T) {
	t.Parallel()
	recs := cptcRecords(t, 0)
	fast, full := newDecoder(), newDecoder()
	for i, rec := range recs {
		if _, ok := fast.sk.splunkRaw(rec); !ok {
			t.Fatalf("CPTC record %d: fast path declined it", i+1)
		}
		if i%5 != 0 {
			continue
		}
		k1, err1 := fast.decode(rec, nil)
		k2, err2 := full.decodeFull(rec)
		if err1 != nil || err2 != nil || k1 != k2 || !reflect.DeepEqual(fast.a, full.a) {
			t.Fatalf("CPTC record %d: decode %+v, %v; decodeFull %+v, %v", i+1, fast.a, err1, full.a, err2)
		}
	}
	if want := 7068; len(recs) != want {
		t.Errorf("%d CPTC records, want %d", len(recs), want)
	}
}

// TestReadSplunkBrokenAfterRaw checks end to end that a Splunk record
// broken only after its _raw is counted as malformed, not read.
func TestReadSplunkBrokenAfterRaw(t *testing.T) {
	t.Parallel()
	good := splunk(t, eveAlert1)
	for _, tc := range splunkSeeds {
		if !strings.HasPrefix(tc.name, "broken_after") && !strings.HasPrefix(tc.name, "missing_") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, st, err := collect(t, "["+good+",\n"+tc.rec+"]")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || st.Malformed != 1 || !strings.Contains(st.MalformedSamples[0], "malformed JSON") {
				t.Errorf("%d alerts, stats %+v; want 1 alert and record 2 malformed", len(got), st)
			}
		})
	}
}

// cptcRecords returns the Splunk export records of the CPTC files as the
// splitter cuts them, at most limit of each file (0: all).
func cptcRecords(tb testing.TB, limit int) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, f := range alertstest.CPTCFiles {
		path, err := alertstest.CPTCPath(f.Name)
		if err != nil {
			tb.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			tb.Fatal(err)
		}
		sp := newSplitter(zr, true, 0)
		for n := 0; limit == 0 || n < limit; n++ {
			rec, err := sp.next()
			if err != nil {
				tb.Fatal(err)
			}
			if rec == nil {
				break
			}
			out = append(out, bytes.Clone(rec))
		}
		fh.Close()
	}
	return out
}

func FuzzReadFastPath(f *testing.F) {
	var recs []string
	for _, tc := range splunkSeeds {
		recs = append(recs, tc.rec)
		f.Add([]byte("[" + splunkRec(eveAlert1) + ",\n" + tc.rec + "]"))
		f.Add([]byte(splunkRec(eveAlert2) + "\n" + tc.rec + "\n"))
	}
	f.Add([]byte("[" + strings.Join(recs, ",\n") + "]"))
	cptc := cptcRecords(f, 3)
	f.Add(append(append([]byte("["), bytes.Join(cptc, []byte(",\n"))...), ']'))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, fastSt, fastErr := readAll(data, false)
		full, fullSt, fullErr := readAll(data, true)
		if errText(fastErr) != errText(fullErr) || !reflect.DeepEqual(fastSt, fullSt) {
			t.Fatalf("input %q:\nfast path %+v, %v\nfull parse %+v, %v", data, fastSt, fastErr, fullSt, fullErr)
		}
		if !reflect.DeepEqual(fast, full) {
			t.Fatalf("input %q:\nfast path  %+v\nfull parse %+v", data, fast, full)
		}
	})
}

// readAll is Read keeping copies of the alerts, with the fast path or
// without it (full).
func readAll(data []byte, full bool) ([]Alert, Stats, error) {
	var got []Alert
	rd := newReader(func(a *Alert) error {
		c := *a
		c.Hostnames = slices.Clone(a.Hostnames)
		c.TechniqueIDs = slices.Clone(a.TechniqueIDs)
		c.Techniques = slices.Clone(a.Techniques)
		c.Tactics = slices.Clone(a.Tactics)
		got = append(got, c)
		return nil
	})
	rd.d.full = full
	st, err := rd.finish(rd.stream(bytes.NewReader(data), "", 0))
	return got, st, err
}

// FuzzSkimEnd checks the skimmer against fastjson and elementEnd: what it
// accepts fastjson must parse, and the end it finds must be the one the
// splitter found before it skimmed.
func FuzzSkimEnd(f *testing.F) {
	for _, tc := range splunkSeeds {
		f.Add([]byte(tc.rec + ", {}"))
	}
	for _, s := range elementSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sk skimmer
		end, ok := sk.skim(data)
		if !ok {
			return
		}
		if _, err := new(fastjson.Parser).ParseBytes(data[:end]); err != nil {
			t.Fatalf("skim accepted %q, fastjson refuses it: %v", data[:end], err)
		}
		if n, ok := elementEnd(data); n != end || !ok {
			t.Fatalf("skim(%q) ends at %d, elementEnd at %d, %v", data, end, n, ok)
		}
	})
}

func TestInternRecentCollisions(t *testing.T) {
	t.Parallel()
	// Same length and last byte: the same slot of the recent table.
	words := []string{"ab", "cb", "ab", "xb", "cb", "10.0.0.1", "10.0.1.1", "10.0.0.1"}
	d := newDecoder()
	first := map[string]string{}
	for _, w := range words {
		got := d.str([]byte(w))
		if got != w {
			t.Fatalf("str(%q) = %q", w, got)
		}
		if f, ok := first[w]; ok && unsafe.StringData(f) != unsafe.StringData(got) {
			t.Errorf("str(%q) returned a new copy, not the interned one", w)
		}
		first[w] = got
	}
}

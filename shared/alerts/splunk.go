package alerts

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// A Splunk export record (CPTC-2017) is about 2.6 KB, of which the EVE
// line in result._raw is a third; parsing the whole wrapper with fastjson
// and then the unescaped _raw again cost two parses per alert. The fast
// path skims the wrapper instead: the skimmer checks the record's syntax
// as fastjson's parser would, without building values, and unescapes
// result._raw on the way; only that is parsed. In a JSON array the
// splitter skims each record while looking for its end, so the record is
// read once before the parse of _raw. The fast path answers only where it
// is sure to agree with the full parse (decodeFull): every record it
// declines goes the full way, so errors and odd inputs behave as before.

// maxSkimDepth bounds the nesting the skimmer follows (fastjson's own limit
// is 300); deeper records go the full way.
const maxSkimDepth = 64

// Levels of the objects whose members the skimmer looks at.
const (
	levelTop    = iota // the record
	levelResult        // its first "result" member
	levelOther
)

// skimmer checks JSON syntax the way fastjson's parser accepts it (a
// subset of it: anything unusual is refused), without building values, and
// picks out result._raw of a Splunk export record.
type skimmer struct {
	b     []byte
	depth int
	// Of the last record skimmed: raw is its result._raw unescaped, valid
	// when splunk is set.
	raw    []byte
	splunk bool
	// result and noSplunk are set while skimming: a "result" member was
	// seen; something makes the record one for the full parse. quit stops
	// the skim at noSplunk, for a caller that needs no end.
	result, noSplunk, quit bool
}

// skim skims the JSON object at the start of b and returns its length.
// It declines (false) anything else, or what fastjson might not parse.
// After it, s.splunk says whether the object is a Splunk export record the
// fast path may take: without a top-level event_type, whose first "result"
// is an object whose first "_raw" is a string with valid escapes only, and
// with no escaped keys in either object (fastjson would compare those
// unescaped).
func (s *skimmer) skim(b []byte) (int, bool) {
	return s.skimOrQuit(b, false)
}

// skimOrQuit is skim; with quit it stops, declining, as soon as the object
// is known to be no record for the fast path.
func (s *skimmer) skimOrQuit(b []byte, quit bool) (int, bool) {
	*s = skimmer{b: b, raw: s.raw[:0], quit: quit}
	if len(b) == 0 || b[0] != '{' {
		return 0, false
	}
	end, ok := s.members(1, levelTop)
	s.splunk = ok && s.result && len(s.raw) > 0 && !s.noSplunk
	return end, ok
}

// splunkRaw returns result._raw unescaped when rec, a whole record, is a
// Splunk export record the fast path may take (skim). As it need not find
// the record's end, it gives up at once on a record whose first key is not
// one Splunk writes first (an EVE or Wazuh line starts with "timestamp"),
// and as soon as the record turns out to be no record for the fast path.
func (s *skimmer) splunkRaw(rec []byte) ([]byte, bool) {
	start := 0
	for start < len(rec) && isSpace(rec[start]) {
		start++
	}
	if !splunkFirst(rec[start:]) {
		return nil, false
	}
	end, ok := s.skimOrQuit(rec[start:], true)
	if !ok || !s.splunk || s.ws(end) != len(s.b) {
		return nil, false
	}
	return s.raw, true
}

// splunkFirst reports whether the object b starts with a key a Splunk
// export record may start with.
func splunkFirst(b []byte) bool {
	i := 1
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if len(b) == 0 || b[0] != '{' || i >= len(b) || b[i] != '"' {
		return false
	}
	key := b[i+1:]
	if q := bytes.IndexByte(key, '"'); q >= 0 {
		key = key[:q]
	}
	switch string(key) {
	case "preview", "offset", "result", "lastrow":
		return true
	}
	return false
}

// members skims the members of an object whose content starts at i (after
// the brace) and returns the index after the closing brace.
func (s *skimmer) members(i, level int) (int, bool) {
	b := s.b
	if i = s.ws(i); i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		q, esc, ok := scanString(b, i+1)
		if !ok {
			return 0, false
		}
		key := b[i+1 : q]
		if i = s.ws(q + 1); i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i = s.ws(i + 1); i >= len(b) {
			return 0, false
		}
		if esc && level != levelOther {
			s.noSplunk = true
		}
		if b[i] == '"' && level != levelTop && string(key) != "_raw" {
			// Most members: a string that is nothing to the fast path.
			if i, _, ok = scanString(b, i+1); !ok {
				return 0, false
			}
			i++
		} else if i, ok = s.member(key, i, level); !ok || s.noSplunk && s.quit {
			return 0, false
		}
		if i = s.ws(i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = s.ws(i + 1)
			continue
		case '}':
			return i + 1, true
		}
		return 0, false
	}
}

// member skims the value at i of the member key of an object at level.
func (s *skimmer) member(key []byte, i, level int) (int, bool) {
	switch {
	case level == levelTop && string(key) == "event_type":
		s.noSplunk = true
	case level == levelTop && string(key) == "result" && !s.result:
		s.result = true
		if s.b[i] != '{' {
			s.noSplunk = true
			break
		}
		return s.members(i+1, levelResult)
	case level == levelResult && string(key) == "_raw" && len(s.raw) == 0 && !s.noSplunk:
		return s.rawValue(i)
	}
	return s.value(i)
}

// rawValue skims the value of result._raw at i, unescaping it.
func (s *skimmer) rawValue(i int) (int, bool) {
	if s.b[i] == '"' {
		raw, end, ok := unescape(s.raw[:0], s.b[i+1:])
		if ok && len(raw) > 0 {
			s.raw = raw
			return i + 1 + end + 1, true
		}
	}
	// Not a string fastjson and encoding/json read alike, or empty (which
	// the full parse calls no _raw).
	s.noSplunk = true
	return s.value(i)
}

// next reads the separator after a member or element, a comma or the
// closing bracket, and returns the index after it (and after white space)
// and whether more members or elements follow.
func (s *skimmer) next(i int, closing byte) (int, bool, bool) {
	i = s.ws(i)
	switch {
	case i >= len(s.b):
		return 0, false, false
	case s.b[i] == ',':
		return s.ws(i + 1), true, true
	case s.b[i] == closing:
		return i + 1, false, true
	}
	return 0, false, false
}

// value skims the value starting at i and returns the index after it.
func (s *skimmer) value(i int) (int, bool) {
	switch c := s.b[i]; c {
	case '"':
		end, _, ok := scanString(s.b, i+1)
		return end + 1, ok
	case '{', '[':
		return s.nested(i)
	case 't':
		return s.literal(i, "true")
	case 'f':
		return s.literal(i, "false")
	case 'n':
		return s.literal(i, "null")
	}
	return s.number(i)
}

// nested skims the object or array starting at i.
func (s *skimmer) nested(i int) (int, bool) {
	if s.depth >= maxSkimDepth {
		return 0, false
	}
	s.depth++
	var end int
	var ok bool
	if s.b[i] == '{' {
		end, ok = s.members(i+1, levelOther)
	} else {
		end, ok = s.elements(i + 1)
	}
	s.depth--
	return end, ok
}

// elements skims the elements of an array whose content starts at i.
func (s *skimmer) elements(i int) (int, bool) {
	i = s.ws(i)
	if i < len(s.b) && s.b[i] == ']' {
		return i + 1, true
	}
	for more, ok := true, true; more; {
		if i >= len(s.b) {
			return 0, false
		}
		if i, ok = s.value(i); !ok {
			return 0, false
		}
		if i, more, ok = s.next(i, ']'); !ok {
			return 0, false
		}
	}
	return i, true
}

func (s *skimmer) literal(i int, lit string) (int, bool) {
	if len(s.b)-i < len(lit) || string(s.b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// number accepts what fastjson takes for a number (a run of digits, signs,
// dots and exponent letters, which it does not check further), except a
// lone sign and inf or nan, which it treats specially.
func (s *skimmer) number(i int) (int, bool) {
	j := i
	for j < len(s.b) && isNumberByte(s.b[j]) {
		j++
	}
	if j == i || j == i+1 && (s.b[i] == '-' || s.b[i] == '+') {
		return 0, false
	}
	return j, true
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'
}

// ws returns the index of the first byte at or after i that is no white
// space; most often that is the byte at i.
func (s *skimmer) ws(i int) int {
	if i < len(s.b) && s.b[i] > ' ' {
		return i
	}
	for i < len(s.b) && isSpace(s.b[i]) {
		i++
	}
	return i
}

// unescape appends to dst the content of the JSON string s starts with
// (after its opening quote) with its escapes resolved as encoding/json
// resolves them, and returns it with the index of the closing quote in s.
// It declines (false) an unterminated string, an unknown escape and a
// \u escape that is not a valid code point or a valid surrogate pair:
// there fastjson, which keeps such escapes as they are or pairs
// surrogates differently, and encoding/json disagree. Other bytes are
// copied as they are, as fastjson does (encoding/json would refuse
// control characters and replace invalid UTF-8).
func unescape(dst, s []byte) ([]byte, int, bool) {
	// Escapes only shrink the text, so dst needs at most len(s) more bytes,
	// plus 8 for copying by words.
	n := len(dst)
	out := slices.Grow(dst, len(s)+8)
	out = out[:n+len(s)+8]
	i := 0
	for {
		// Copy up to the next quote or backslash eight bytes at a time: the
		// lowest byte specials marks is exact, and out has room for whole
		// words. The byte loop does the last few bytes.
		for i+8 <= len(s) {
			w := binary.LittleEndian.Uint64(s[i:])
			binary.LittleEndian.PutUint64(out[n:], w)
			if m := specials(w); m != 0 {
				k := bits.TrailingZeros64(m) / 8
				i, n = i+k, n+k
				break
			}
			i, n = i+8, n+8
		}
		for ; i < len(s) && s[i] != '"' && s[i] != '\\'; i, n = i+1, n+1 {
			out[n] = s[i]
		}

		if i >= len(s) {
			return nil, 0, false
		}
		if s[i] == '"' {
			return out[:n], i, true
		}
		if i+1 < len(s) {
			if c := simpleEscape(s[i+1]); c != 0 {
				out[n] = c
				n, i = n+1, i+2
				continue
			}
		}
		var size int
		if n, size = unescapeOne(out, n, s[i:]); size == 0 {
			return nil, 0, false
		}
		i += size
	}
}

// unescapeOne writes the \u escape at the start of s to out[n:] and
// returns the new length of out and the length of the escape in s, 0 if it
// is not one unescape accepts.
func unescapeOne(out []byte, n int, s []byte) (int, int) {
	if len(s) < 2 || s[1] != 'u' {
		return n, 0
	}
	r, ok := hex4(s[2:])
	size := 6
	switch {
	case !ok || utf16.IsSurrogate(r) && r >= 0xdc00:
		return n, 0
	case utf16.IsSurrogate(r):
		if len(s) < 12 || s[6] != '\\' || s[7] != 'u' {
			return n, 0
		}
		lo, ok := hex4(s[8:])
		if !ok || lo < 0xdc00 || lo > 0xdfff {
			return n, 0
		}
		r, size = utf16.DecodeRune(r, lo), 12
	}
	return n + utf8.EncodeRune(out[n:], r), size
}

// simpleEscape returns the byte an escape other than \u stands for.
func simpleEscape(c byte) byte {
	switch c {
	case '"', '\\', '/':
		return c
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return 0
}

// hex4 reads four hex digits.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

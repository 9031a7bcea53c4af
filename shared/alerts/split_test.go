package alerts

import "testing"

// slowElementEnd is elementEnd as it was, byte by byte: the reference the
// faster one must agree with.
func slowElementEnd(data []byte) (int, bool) {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 0 {
					return i + 1, true
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
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

var elementSeeds = []string{
	`{"a":"b"},`,
	`{"_raw":"{\"x\":\"y\\\\\"}"} ]`,
	`"\\\\" ,`,
	`"\\\"" ]`,
	`"abc`,
	`"abc\"`,
	`[1,[2,"]"],3]`,
	`12, 3`,
	`]`,
	`{"a":"\\"}`,
	`{"a":"\\\\\\\"\\"}x`,
}

func TestElementEndAgreesWithReference(t *testing.T) {
	t.Parallel()
	for _, s := range elementSeeds {
		checkElementEnd(t, s)
	}
}

func FuzzElementEnd(f *testing.F) {
	for _, s := range elementSeeds {
		f.Add(s)
	}
	f.Fuzz(checkElementEnd)
}

func checkElementEnd(t *testing.T, s string) {
	t.Helper()
	n, ok := elementEnd([]byte(s))
	wn, wok := slowElementEnd([]byte(s))
	if n != wn || ok != wok {
		t.Fatalf("elementEnd(%q) = %d, %v; the byte-by-byte scan gives %d, %v", s, n, ok, wn, wok)
	}
}

package suite

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAnalyzerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, levels, want string
	}{
		{name: "none", levels: ``, want: "info"},
		{name: "info-only", levels: `"info"`, want: "info"},
		{name: "safe", levels: `"info","safe"`, want: "safe"},
		{name: "malicious-first", levels: `"malicious","suspicious","safe"`, want: "malicious"},
		{name: "suspicious-last", levels: `"safe","suspicious"`, want: "suspicious"},
		{name: "unknown-level", levels: `"critical","safe"`, want: "safe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tax []string
			for _, l := range strings.Split(tc.levels, ",") {
				if l != "" {
					tax = append(tax, `{"level":`+l+`,"namespace":"N","predicate":"P","value":1}`)
				}
			}
			r, err := parseReport([]byte(`{"success":true,"full":{},"summary":{"taxonomies":[` + strings.Join(tax, ",") + `]}}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := analyzerToken(r); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantErr string
		wantSuccess       bool
	}{
		{name: "success", in: `{"success":true,"full":{"a":1}}`, wantSuccess: true},
		{name: "failure", in: `{"success":false,"errorMessage":"boom"}`},
		{name: "success-string", in: `{"success":"true","full":{}}`},
		{name: "success-without-full", in: `{"success":true}`, wantErr: `without an object "full"`},
		{name: "full-not-object", in: `{"success":true,"full":[1]}`, wantErr: `without an object "full"`},
		{name: "array", in: `[1]`, wantErr: "not a JSON object"},
		{name: "null", in: `null`, wantErr: "not a JSON object"},
		{name: "truncated", in: `{"success":tr`, wantErr: "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := parseReport([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || r.success != tc.wantSuccess {
				t.Fatalf("err %v, success %v", err, r.success)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{"a":{"b":[10,{"c":"x"}]},"list":[],"d.e":1}`), &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		want    any
		wantErr bool
	}{
		{path: "a.b.0", want: 10.0},
		{path: "a.b.1.c", want: "x"},
		{path: "a.b.length", want: json.Number("2")},
		{path: "list.length", want: json.Number("0")},
		{path: "", want: doc},
		{path: "a.b.2", wantErr: true},
		{path: "a.b.-1", wantErr: true},
		{path: "a.b.x", wantErr: true},
		{path: "a.b.1.c.d", wantErr: true},
		{path: "a.length", wantErr: true},
		{path: "d.e", wantErr: true}, // keys with dots cannot be addressed
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.path, ".", "_")+"_", func(t *testing.T) {
			t.Parallel()
			got, err := lookup(doc, tc.path)
			if tc.wantErr {
				if !errors.Is(err, errPath) {
					t.Fatalf("got %v, %v; want errPath", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

func TestParseReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     reference
		wantRef  bool
		wantFail bool
	}{
		{in: "10.0.0.5"},
		{in: "@/w/detect:victims.0", want: reference{"/w/detect", "victims.0"}, wantRef: true},
		{in: "@/w/a:b/detect:deny_addresses", want: reference{"/w/a:b/detect", "deny_addresses"}, wantRef: true},
		{in: "@/w/detect", wantRef: true, wantFail: true},
		{in: "@:x", wantRef: true, wantFail: true},
	}
	for i, tc := range tests {
		t.Run(strings.Repeat("case", 1)+string(rune('a'+i)), func(t *testing.T) {
			t.Parallel()
			got, ok, err := parseReference(tc.in)
			if ok != tc.wantRef || (err != nil) != tc.wantFail || (!tc.wantFail && got != tc.want) {
				t.Errorf("%q: got %+v %v %v", tc.in, got, ok, err)
			}
		})
	}
}

func TestAutoDataType(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"203.0.113.9": "ip", "2001:db8::1": "ip", "198.51.100.0/24": "ip",
		"evil.example": "domain", "c2.evil.example": "fqdn", "a.b.c.example.": "fqdn", "localhost": "domain",
		"999.1.1.1": "fqdn",
	}
	for in, want := range tests {
		t.Run(strings.NewReplacer(".", "_", ":", "_", "/", "_").Replace(in), func(t *testing.T) {
			t.Parallel()
			if got := autoDataType(in); got != want {
				t.Errorf("autoDataType(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestRespondToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		modes []string
		want  string
	}{
		{name: "empty", want: "none"},
		{name: "all-dry", modes: []string{"dry-run", "dry-run"}, want: "dryrun"},
		{name: "one-live", modes: []string{"dry-run", "live"}, want: "done"},
		{name: "no-mode", modes: []string{""}, want: "done"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := respondToken(tc.modes); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHoistFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{name: "flags-after-file", in: "soccrates run p.xml --var a=b --approve", want: "soccrates run --var a=b --approve -- p.xml"},
		{name: "global-flags-first", in: "soccrates --bin b run p.xml --reject", want: "soccrates --bin b run --reject -- p.xml"},
		{name: "other-verb-untouched", in: "soccrates get dir x", want: "soccrates get dir x"},
		{name: "flags-before-file", in: "soccrates run --bin b p.xml", want: "soccrates run --bin b -- p.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := strings.Join(hoistFlags(strings.Fields(tc.in)), " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzParseReport feeds worker reports, which the suite does not control, to the report parser and the
// token and path functions built on it.
func FuzzParseReport(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"full":{"victims":[{"ip":"10.0.0.5"}]},"summary":{"taxonomies":[{"level":"malicious"}]}}`,
		`{"success":false,"errorMessage":"x"}`,
		`{"success":true,"full":{},"summary":{"taxonomies":"nope"}}`,
		`{"success":true,"full":{},"summary":[]}`,
		`[]`, `{`, ``,
	} {
		f.Add([]byte(seed), "victims.0.ip")
	}
	f.Fuzz(func(t *testing.T, b []byte, path string) {
		r, err := parseReport(b)
		if err != nil {
			return
		}
		if tok := analyzerToken(r); levelRank[tok] == 0 && tok != "info" {
			t.Fatalf("token %q is not a taxonomy level", tok)
		}
		if v, err := reportValue(r, path); err == nil {
			_, _ = scalarText(v)
		}
	})
}

// FuzzParseReference checks that any observable either stays as it is or splits into a folder and a
// path that rebuild it.
func FuzzParseReference(f *testing.F) {
	for _, seed := range []string{"@/w/detect:victims.0", "10.0.0.5", "@", "@:", "@a:b:c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, ok, err := parseReference(s)
		if !ok || err != nil {
			return
		}
		if "@"+ref.jobDir+":"+ref.path != s || strings.Contains(ref.path, ":") {
			t.Fatalf("%q split into %+v", s, ref)
		}
	})
}

func TestLocateWorker(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	exe := writeFile(t, root, "dist/bin/soccrates", "")
	put := func(rel string, mode os.FileMode) string {
		p := writeFile(t, root, rel, "#!/bin/sh\n")
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	beside := put("dist/bin/Beside", 0o755)
	analyzer := put("dist/analyzers/Detect/Detect", 0o755)
	responder := put("dist/responders/Block/Block", 0o755)
	flagged := put("other/Beside", 0o755)
	put("dist/bin/NotExecutable", 0o644)
	tests := []struct {
		name, worker, binDir, want string
	}{
		{name: "bin-flag-first", worker: "Beside", binDir: filepath.Dir(flagged), want: flagged},
		{name: "beside-command", worker: "Beside", want: beside},
		{name: "dist-analyzer", worker: "Detect", want: analyzer},
		{name: "dist-responder", worker: "Block", want: responder},
		{name: "not-executable", worker: "NotExecutable"},
		{name: "path-in-name", worker: "../bin/Beside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := locateWorker(tc.worker, tc.binDir, exe)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("found %s, want an error", got)
				}
				return
			}
			if err != nil || filepath.Clean(got) != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

package cortextest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

var (
	artifactKeys     = map[string]bool{"dataType": true, "data": true, "tlp": true, "tags": true, "message": true}
	fileArtifactKeys = map[string]bool{"file": true, "filename": true, "contentType": true}
)

// checkArtifact applies Cortex's artifact rules: any other key or a non-string data fails the
// whole job; a missing dataType or an unusable file makes Cortex skip the artifact silently.
func checkArtifact(i int, a map[string]any, outputDir string) []string {
	name := fmt.Sprintf("artifacts[%d]", i)
	_, isFile := a["file"]
	var ps []string
	for key := range a {
		if !artifactKeys[key] && !(isFile && fileArtifactKeys[key]) {
			ps = append(ps, fmt.Sprintf("%s has key %q: Cortex fails the job (Report creation failure)", name, key))
		}
	}
	if dt, ok := a["dataType"].(string); !ok || dt == "" {
		ps = append(ps, fmt.Sprintf("%s.dataType is %s, want a string: Cortex skips the artifact", name, describe(a["dataType"])))
	}
	if _, present := a["data"]; present || !isFile {
		if _, ok := a["data"].(string); !ok {
			ps = append(ps, fmt.Sprintf("%s.data is %s, want a string", name, describe(a["data"])))
		}
	}
	if tlp, present := a["tlp"]; present && !isIntIn(tlp, 0, 3) {
		ps = append(ps, fmt.Sprintf("%s.tlp is %s, want an integer 0..3", name, describeValue(tlp)))
	}
	if tags, present := a["tags"]; present && !isStringList(tags) {
		ps = append(ps, fmt.Sprintf("%s.tags is %s, want an array of strings", name, describe(tags)))
	}
	if msg, present := a["message"]; present {
		if _, ok := msg.(string); !ok {
			ps = append(ps, fmt.Sprintf("%s.message is %s, want a string", name, describe(msg)))
		}
	}
	if isFile {
		ps = append(ps, checkFileArtifact(name, a, outputDir)...)
	}
	return ps
}

func checkFileArtifact(name string, a map[string]any, outputDir string) []string {
	var ps []string
	for _, key := range []string{"filename", "contentType"} {
		v, present := a[key]
		if _, ok := v.(string); (present || key == "filename") && !ok {
			ps = append(ps, fmt.Sprintf("%s.%s is %s, want a string", name, key, describe(v)))
		}
	}
	file, ok := a["file"].(string)
	switch {
	case !ok || file == "":
		ps = append(ps, fmt.Sprintf("%s.file is %s, want a file name in output/", name, describe(a["file"])))
	case outputDir == "":
		ps = append(ps, fmt.Sprintf("%s is a file artifact, but in stdin mode there is no output/ for it", name))
	case file != filepath.Base(file) || file == "." || file == "..":
		ps = append(ps, fmt.Sprintf("%s.file %q is not directly in output/: Cortex skips it", name, file))
	default:
		info, err := os.Lstat(filepath.Join(outputDir, file))
		if err != nil || !info.Mode().IsRegular() {
			ps = append(ps, fmt.Sprintf("%s.file %q is not a regular file in output/: Cortex skips it", name, file))
		}
	}
	return ps
}

func isIntIn(v any, lo, hi int64) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	i, err := n.Int64()
	return err == nil && i >= lo && i <= hi
}

func isStringList(v any) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range list {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

// describe names the JSON type of v for a message: "a string", "null", "missing", ...
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null or missing"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// describeValue is describe with the value itself for scalars.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case json.Number:
		return v.String()
	}
	return describe(v)
}

package suite

import (
	"fmt"
	"strings"
)

// reference is an observable written as @<jobDir>:<path>: the value at path in that job's full report.
type reference struct {
	jobDir string
	path   string
}

// parseReference splits "@/w/detect:victims.0". ok is false for an ordinary observable. The last colon
// separates the path, since paths have none and job folders might.
func parseReference(s string) (ref reference, ok bool, err error) {
	if !strings.HasPrefix(s, "@") {
		return reference{}, false, nil
	}
	body := s[1:]
	i := strings.LastIndex(body, ":")
	if i <= 0 {
		return reference{}, true, fmt.Errorf("reference %q: want @<jobDir>:<path>", s)
	}
	return reference{jobDir: body[:i], path: body[i+1:]}, true, nil
}

// resolve reads the referenced report and returns the value at the path inside full.
func (ref reference) resolve() (any, error) {
	r, err := readReport(ref.jobDir)
	if err != nil {
		return nil, fmt.Errorf("resolve @%s:%s: %w", ref.jobDir, ref.path, err)
	}
	if !r.success {
		return nil, fmt.Errorf("resolve @%s:%s: that job failed: %s", ref.jobDir, ref.path, r.errorMessage)
	}
	v, err := lookup(r.full, ref.path)
	if err != nil {
		return nil, fmt.Errorf("resolve @%s:%s: %w", ref.jobDir, ref.path, err)
	}
	return v, nil
}

// observableValue resolves s when it is a reference and returns it unchanged otherwise.
func observableValue(s string) (any, error) {
	ref, ok, err := parseReference(s)
	if err != nil || !ok {
		return s, err
	}
	return ref.resolve()
}

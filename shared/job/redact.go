package job

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Removed is what a redacted value is replaced with, as cortexutils writes it.
const Removed = "REMOVED"

// secretWords are the parts of a key name that mark its value as secret. cortexutils checks only
// key, password and secret, and only at the top level of config; this list and the any-depth walk
// close the gaps its reference input shows (api_Pass, token), and the others seen in real configs.
var secretWords = []string{"key", "password", "pass", "secret", "token", "credential", "auth", "cookie", "session", "webhook", "dsn"}

// IsSecretKey reports whether a configuration key name marks a secret value (case-insensitive).
// "auth" inside "author" is not a secret.
func IsSecretKey(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "author", "")
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// urlInText finds URLs with a scheme inside any text, so credentials in them can be removed.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]+`)

// Redact returns a deep copy of v (decoded JSON) in which the value of every object key that
// IsSecretKey names is replaced by [Removed], at any depth, and every URL inside any string has its
// user:password and its secret-named query parameters removed. It also returns the secret string
// values it removed, longest first, so that a message can be scrubbed of them too (see [Scrub]).
func Redact(v any) (any, []string) {
	var secrets []string
	out := redact(v, &secrets)
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	return out, secrets
}

func redact(v any, secrets *[]string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if IsSecretKey(k) && e != nil {
				collect(e, secrets)
				out[k] = Removed
				continue
			}
			out[k] = redact(e, secrets)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = redact(e, secrets)
		}
		return out
	case string:
		return redactURLs(v, secrets)
	case json.Number:
		// Keep the echo readable by any JSON parser: a number no float64 holds becomes text.
		if _, err := v.Float64(); err != nil {
			return v.String()
		}
	}
	return v
}

// collect remembers every non-trivial string inside a secret value.
func collect(v any, secrets *[]string) {
	switch v := v.(type) {
	case string:
		if len(v) >= 4 {
			*secrets = append(*secrets, v)
		}
	case []any:
		for _, e := range v {
			collect(e, secrets)
		}
	case map[string]any:
		for _, e := range v {
			collect(e, secrets)
		}
	}
}

func redactURLs(s string, secrets *[]string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		changed := false
		if u.User != nil {
			if p, ok := u.User.Password(); ok && len(p) >= 4 {
				*secrets = append(*secrets, p)
			}
			u.User = url.User(Removed)
			changed = true
		}
		if u.RawQuery != "" {
			q := u.Query()
			for k, vals := range q {
				if IsSecretKey(k) {
					for _, val := range vals {
						collect(val, secrets)
					}
					q[k] = []string{Removed}
					changed = true
				}
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
		if !changed {
			return raw
		}
		return u.String()
	})
}

// Scrub replaces every occurrence of the given secrets in msg with [Removed], and removes
// credentials from URLs in it.
func Scrub(msg string, secrets []string) string {
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, Removed)
	}
	var more []string
	return redactURLs(msg, &more)
}

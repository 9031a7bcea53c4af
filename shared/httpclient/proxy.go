package httpclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// proxyFunc returns the transport's proxy selector. Explicit settings win; with none, the
// environment applies as it does for cortexutils, which exports the same settings there.
func proxyFunc(httpProxy, httpsProxy string) (func(*http.Request) (*url.URL, error), error) {
	httpProxy, httpsProxy = strings.TrimSpace(httpProxy), strings.TrimSpace(httpsProxy)
	if httpProxy == "" && httpsProxy == "" {
		return http.ProxyFromEnvironment, nil
	}
	forHTTP, err := parseProxy("proxy_http", httpProxy)
	if err != nil {
		return nil, err
	}
	forHTTPS, err := parseProxy("proxy_https", httpsProxy)
	if err != nil {
		return nil, err
	}
	return func(req *http.Request) (*url.URL, error) {
		if req.URL.Scheme == "https" {
			return forHTTPS, nil
		}
		return forHTTP, nil
	}, nil
}

// parseProxy parses one proxy setting; "" gives nil (no proxy). Errors never quote the user
// info, which holds the proxy password.
func parseProxy(name, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("%s %q: %v", name, Redacted(raw), err)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("%s %q: scheme %q is not http, https or socks5", name, Redacted(raw), u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s %q: no host", name, Redacted(raw))
	}
	return u, nil
}

// Redacted returns a proxy URL fit for a log line or an error: user name and password are
// replaced by "***". It works on text that does not parse as a URL too.
func Redacted(proxyURL string) string {
	return redactUserinfo(proxyURL)
}

// redactUserinfo hides whatever precedes the last '@' of the authority part.
func redactUserinfo(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	} else if strings.HasPrefix(raw, "//") {
		start = len("//")
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], "/?#"); i >= 0 {
		end = start + i
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw
	}
	return raw[:start] + "***" + raw[start+at:]
}

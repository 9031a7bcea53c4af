package httpclient

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// countingProxy answers every proxied request itself, so a test can tell the proxy was used
// without anything leaving the loopback interface.
type countingProxy struct {
	hits      atomic.Int32
	lastAuth  atomic.Value
	lastProxy atomic.Value
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.hits.Add(1)
	p.lastAuth.Store(r.Header.Get("Proxy-Authorization"))
	p.lastProxy.Store(r.RequestURI)
	io.WriteString(w, "via proxy")
}

func TestProxy(t *testing.T) {
	t.Parallel()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "direct")
	}))
	t.Cleanup(target.Close)
	proxyHost := func(p *httptest.Server) string { return strings.TrimPrefix(p.URL, "http://") }

	tests := []struct {
		name      string
		settings  func(proxy string) Settings
		wantBody  string
		wantAuth  string
		wantCount int32
	}{
		{"http_proxy_used", func(p string) Settings { return Settings{HTTPProxy: "http://" + p} }, "via proxy", "", 1},
		{"scheme_less_proxy", func(p string) Settings { return Settings{HTTPProxy: p} }, "via proxy", "", 1},
		{"credentials_sent", func(p string) Settings { return Settings{HTTPProxy: "http://bob:s3cret@" + p} },
			"via proxy", "Basic " + base64.StdEncoding.EncodeToString([]byte("bob:s3cret")), 1},
		{"https_proxy_not_for_http", func(p string) Settings { return Settings{HTTPSProxy: "http://" + p} }, "direct", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			counter := &countingProxy{}
			proxy := httptest.NewServer(counter)
			t.Cleanup(proxy.Close)
			resp := mustGet(t, mustNew(t, tt.settings(proxyHost(proxy))), target.URL+"/path?q=1")
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tt.wantBody || counter.hits.Load() != tt.wantCount {
				t.Fatalf("body %q with %d proxy hits, want %q with %d", body, counter.hits.Load(), tt.wantBody, tt.wantCount)
			}
			if tt.wantCount == 0 {
				return
			}
			if got := counter.lastProxy.Load(); got != target.URL+"/path?q=1" {
				t.Errorf("proxy saw request URI %q, want the absolute target URL", got)
			}
			if got := counter.lastAuth.Load(); got != tt.wantAuth {
				t.Errorf("Proxy-Authorization %q, want %q", got, tt.wantAuth)
			}
		})
	}
}

func TestProxyCredentialsRedacted(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	deadProxy := "http://bob:s3cret@" + strings.TrimPrefix(closed.URL, "http://")
	closed.Close()
	target := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(target.Close)

	t.Run("request_error", func(t *testing.T) {
		t.Parallel()
		logs := &syncBuffer{}
		s := fastSettings()
		s.HTTPProxy = deadProxy
		s.Logger = newDebugLogger(logs)
		_, err := mustNew(t, s).Get(target.URL)
		if err == nil {
			t.Fatal("want an error through a dead proxy")
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(logs.String(), "s3cret") {
			t.Errorf("password leaked:\nerr: %v\nlogs: %s", err, logs)
		}
	})

	invalid := []struct{ name, raw string }{
		{"bad_port", "http://bob:s3cret@127.0.0.1:notaport"},
		{"bad_scheme", "ftp://bob:s3cret@127.0.0.1:21"},
		{"no_host", "http://bob:s3cret@/nohost"},
		{"space_in_host", "http://bob:s3cret@host with space:80"},
	}
	for _, tt := range invalid {
		raw := tt.raw
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Settings{HTTPSProxy: raw})
			if err == nil {
				t.Fatalf("New accepted proxy %q", raw)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "bob") {
				t.Errorf("error %q shows the credentials", err)
			}
			if !strings.HasPrefix(err.Error(), "proxy_https ") {
				t.Errorf("error %q does not name the setting", err)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://bob:s3cret@proxy:3128", "http://***@proxy:3128"},
		{"http://bob@proxy:3128/", "http://***@proxy:3128/"},
		{"http://proxy:3128", "http://proxy:3128"},
		{"bob:p@ss@proxy:3128", "***@proxy:3128"},
		{"http://proxy:3128/path@x", "http://proxy:3128/path@x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redacted(tt.in); got != tt.want {
			t.Errorf("Redacted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	inner := errors.New("connection refused")
	err := &url.Error{Op: "Get", URL: "https://u:pw@api.test/v1/ip?apikey=K123#frag", Err: inner}
	got := Redact(err)
	if strings.Contains(got.Error(), "K123") || strings.Contains(got.Error(), "pw") {
		t.Errorf("Redact kept a secret: %v", got)
	}
	if !strings.Contains(got.Error(), "https://api.test/v1/ip") || !errors.Is(got, inner) {
		t.Errorf("Redact lost the URL or the cause: %v", got)
	}
	plain := errors.New("plain")
	if Redact(plain) != plain {
		t.Error("Redact changed an error without a URL")
	}
}

// FuzzRedacted checks that a proxy password never survives redaction, whatever the text.
func FuzzRedacted(f *testing.F) {
	for _, seed := range []string{
		"http://bob:s3cret@proxy:3128", "bob:pw@proxy", "socks5://a:b@c:1/d@e", "http://x/@y:z@w",
		"http://proxy:3128", "://:@", "http://u:p%40ss@h", "//:000@",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.User == nil {
			return
		}
		pw, ok := u.User.Password()
		if !ok || len(pw) < 3 || strings.Count(raw, pw) != 1 {
			return // a password that also appears outside the user info cannot be told apart
		}
		if got := Redacted(raw); strings.Contains(got, pw) {
			t.Errorf("Redacted(%q) = %q still holds the password %q", raw, got, pw)
		}
	})
}

// TestHTTPSThroughProxy sends an https request through a loopback CONNECT proxy to a loopback
// TLS server whose CA comes from cacerts: the usual set-up behind a corporate proxy.
func TestHTTPSThroughProxy(t *testing.T) {
	t.Parallel()
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "tls ok")
	}))
	t.Cleanup(target.Close)
	var connects atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		connects.Add(1)
		tunnel(t, w, r.Host)
	}))
	t.Cleanup(proxy.Close)

	s := fastSettings()
	s.HTTPSProxy = proxy.URL
	s.CACertsPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: target.Certificate().Raw})
	resp := mustGet(t, mustNew(t, s), target.URL)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "tls ok" || connects.Load() != 1 {
		t.Errorf("body %q after %d CONNECTs, want %q after 1", body, connects.Load(), "tls ok")
	}
}

// tunnel splices the hijacked proxy connection to addr, which must be loopback.
func tunnel(t *testing.T, w http.ResponseWriter, addr string) {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.Error(w, "loopback only", http.StatusForbidden)
		return
	}
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	client, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		upstream.Close()
		return
	}
	go func() {
		io.Copy(upstream, client)
		upstream.Close()
	}()
	io.Copy(client, upstream)
	client.Close()
}

package httpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by [New] to zero fields of [Settings].
const (
	DefaultTimeout      = 30 * time.Second
	DefaultRetryMax     = 3
	DefaultRetryWaitMin = 1 * time.Second
	DefaultRetryWaitMax = 30 * time.Second
	DefaultUserAgent    = "soccrates"
)

// Settings configures [New]. The zero value is usable: defaults apply to every zero field.
type Settings struct {
	// HTTPProxy and HTTPSProxy are the Cortex proxy_http and proxy_https (or proxy.http and
	// proxy.https) values: proxy URLs for http:// and https:// requests. "host:port" means
	// "http://host:port". When both are empty the environment (HTTP_PROXY, ...) applies.
	HTTPProxy  string
	HTTPSProxy string

	// CACertsPEM is the Cortex cacerts text, appended to the system roots. Blank means none;
	// text that holds no certificate is an error.
	CACertsPEM []byte

	// Timeout bounds each attempt up to the response headers; DefaultTimeout when zero.
	Timeout time.Duration

	// RetryMax is the number of retries after the first attempt; DefaultRetryMax when zero,
	// none when negative.
	RetryMax int

	// RetryWaitMin and RetryWaitMax bound the backoff between attempts, Retry-After included.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// Logger receives one debug line per attempt; nothing is logged when nil.
	Logger *slog.Logger

	// UserAgent is sent when the request has none, e.g. "soccrates/1.2.0"; DefaultUserAgent
	// when empty.
	UserAgent string
}

// New returns an HTTP client configured by s, or an error when a proxy URL or the CA text is
// unusable. The client is safe for concurrent use; make one per job.
func New(s Settings) (*http.Client, error) {
	s = withDefaults(s)

	proxy, err := proxyFunc(s.HTTPProxy, s.HTTPSProxy)
	if err != nil {
		return nil, err
	}
	roots, err := rootPool(s.CACertsPEM)
	if err != nil {
		return nil, err
	}

	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = proxy
	if base.TLSClientConfig == nil {
		base.TLSClientConfig = &tls.Config{}
	}
	base.TLSClientConfig.RootCAs = roots
	base.DialContext = (&net.Dialer{Timeout: s.Timeout, KeepAlive: 30 * time.Second}).DialContext
	base.TLSHandshakeTimeout = s.Timeout
	base.ResponseHeaderTimeout = s.Timeout

	rc := &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: &attemptLogger{next: base, log: s.Logger}},
		Logger:       nil, // its messages name the URL with the query string
		RetryWaitMin: s.RetryWaitMin,
		RetryWaitMax: s.RetryWaitMax,
		RetryMax:     max(s.RetryMax, 0),
		CheckRetry:   retryablehttp.DefaultRetryPolicy,
		Backoff:      cappedBackoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return &http.Client{Transport: &retrier{client: rc, userAgent: s.UserAgent}}, nil
}

func withDefaults(s Settings) Settings {
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.RetryMax == 0 {
		s.RetryMax = DefaultRetryMax
	}
	if s.RetryWaitMin <= 0 {
		s.RetryWaitMin = DefaultRetryWaitMin
	}
	if s.RetryWaitMax <= 0 {
		s.RetryWaitMax = DefaultRetryWaitMax
	}
	if s.RetryWaitMax < s.RetryWaitMin {
		s.RetryWaitMax = s.RetryWaitMin
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.UserAgent == "" {
		s.UserAgent = DefaultUserAgent
	}
	return s
}

// cappedBackoff is retryablehttp's exponential backoff, which honours Retry-After on 429 and
// 503, with the wait capped at max: a Retry-After of an hour must not outlast the job.
func cappedBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	return min(retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp), maxWait)
}

// attemptKey carries the per-request attempt counter from retrier to attemptLogger.
type attemptKey struct{}

// retrier is the outer transport: it sets the user agent, runs the retry loop and turns a
// passed deadline into an error that says so.
type retrier struct {
	client    *retryablehttp.Client
	userAgent string
}

func (rt *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	attempts := new(atomic.Int32)
	ctx := context.WithValue(req.Context(), attemptKey{}, attempts)
	req = req.Clone(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", rt.userAgent)
	}

	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, fmt.Errorf("buffer request body: %w", err)
	}
	resp, err := rt.client.Do(rreq)
	if err == nil {
		return resp, nil
	}

	// http.Client wraps our error in a *url.Error again; unwrap the inner one to avoid
	// naming the URL twice.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &deadlineError{attempts: int(attempts.Load()), err: ctx.Err()}
	}
	return nil, err
}

// deadlineError reports that the caller's deadline passed before the remote answered.
type deadlineError struct {
	attempts int
	err      error
}

func (e *deadlineError) Error() string {
	return fmt.Sprintf("remote did not answer in time (%d attempts): %v", e.attempts, e.err)
}

func (e *deadlineError) Unwrap() error { return e.err }

// Timeout lets net.Error-style checks treat it as a timeout.
func (e *deadlineError) Timeout() bool { return true }

// attemptLogger is the inner transport: one debug line per attempt, without query or headers.
type attemptLogger struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (l *attemptLogger) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := 0
	if n, ok := req.Context().Value(attemptKey{}).(*atomic.Int32); ok {
		attempt = int(n.Add(1))
	}
	start := time.Now()
	resp, err := l.next.RoundTrip(req)

	attrs := []any{
		"method", req.Method, "host", req.URL.Host, "attempt", attempt,
		"duration", time.Since(start).Round(time.Millisecond),
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	} else {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	l.log.DebugContext(req.Context(), "http request", attrs...)
	return resp, err
}

// Redact returns err with the URL of any *url.Error in its chain reduced to scheme, host and
// path, so that keys in a query string or user info cannot reach a report. errors.Is and
// errors.As still see the original chain. Errors without a URL are returned unchanged.
func Redact(err error) error {
	var uerr *url.Error
	if !errors.As(err, &uerr) {
		return err
	}
	stripped := stripURL(uerr.URL)
	if stripped == uerr.URL {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), uerr.URL, stripped), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func stripURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		return redactUserinfo(raw)
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

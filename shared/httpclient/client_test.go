package httpclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastSettings keeps backoff short so the retry tests run in milliseconds.
func fastSettings() Settings {
	return Settings{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 5 * time.Second}
}

// scripted serves the statuses in order (the last one repeats) and counts requests.
type scripted struct {
	statuses   []int
	retryAfter string
	hits       atomic.Int32
	bodies     chan string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1))
	if s.bodies != nil {
		b, _ := io.ReadAll(r.Body)
		s.bodies <- string(b)
	}
	status := s.statuses[min(n, len(s.statuses))-1]
	if s.retryAfter != "" {
		w.Header().Set("Retry-After", s.retryAfter)
	}
	w.WriteHeader(status)
	io.WriteString(w, strconv.Itoa(status))
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		statuses     []int
		retryMax     int
		wantAttempts int32
		wantStatus   int
	}{
		{"503_then_200", []int{503, 200}, 0, 2, 200},
		{"500_500_then_200", []int{500, 500, 200}, 0, 3, 200},
		{"429_then_200", []int{429, 200}, 0, 2, 200},
		{"502_gives_up_after_retries", []int{502}, 0, DefaultRetryMax + 1, 502},
		{"retry_max_one", []int{503}, 1, 2, 503},
		{"retries_disabled", []int{503, 200}, -1, 1, 503},
		{"404_not_retried", []int{404, 200}, 0, 1, 404},
		{"400_not_retried", []int{400, 200}, 0, 1, 400},
		{"501_not_retried", []int{501, 200}, 0, 1, 501},
		{"200_once", []int{200}, 0, 1, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &scripted{statuses: tt.statuses}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			s := fastSettings()
			s.RetryMax = tt.retryMax
			resp := mustGet(t, mustNew(t, s), srv.URL+"/x")
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || string(body) != strconv.Itoa(tt.wantStatus) {
				t.Errorf("status %d body %q, want %d", resp.StatusCode, body, tt.wantStatus)
			}
			if got := h.hits.Load(); got != tt.wantAttempts {
				t.Errorf("server saw %d attempts, want %d", got, tt.wantAttempts)
			}
		})
	}
}

func TestRetryResendsBody(t *testing.T) {
	t.Parallel()
	h := &scripted{statuses: []int{503, 201}, bodies: make(chan string, 4)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	resp, err := mustNew(t, fastSettings()).Post(srv.URL, "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
	for i := range 2 {
		if got := <-h.bodies; got != "payload" {
			t.Errorf("attempt %d carried body %q, want %q", i+1, got, "payload")
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		waitMax    time.Duration
		atLeast    time.Duration
		atMost     time.Duration
	}{
		// Backoff alone would wait 1ms: a wait of about a second proves the header was read.
		{"honoured", "1", 5 * time.Second, 900 * time.Millisecond, 4 * time.Second},
		{"capped_at_wait_max", "3600", 50 * time.Millisecond, 40 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &scripted{statuses: []int{429, 200}, retryAfter: tt.retryAfter}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			s := fastSettings()
			s.RetryWaitMax = tt.waitMax
			start := time.Now()
			resp := mustGet(t, mustNew(t, s), srv.URL)
			resp.Body.Close()
			took := time.Since(start)
			if resp.StatusCode != 200 || h.hits.Load() != 2 {
				t.Errorf("status %d after %d attempts, want 200 after 2", resp.StatusCode, h.hits.Load())
			}
			if took < tt.atLeast || took > tt.atMost {
				t.Errorf("took %v, want between %v and %v", took, tt.atLeast, tt.atMost)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(hang) })
	busy := httptest.NewServer(&scripted{statuses: []int{503}, retryAfter: "20"})
	t.Cleanup(busy.Close)

	tests := []struct {
		name string
		url  string
	}{
		{"server_never_answers", silent.URL},
		{"deadline_during_retry_wait", busy.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Settings{Timeout: 20 * time.Second, RetryWaitMax: 30 * time.Second}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tt.url, nil)
			start := time.Now()
			resp, err := mustNew(t, s).Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d, want a deadline error", resp.StatusCode)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("returned after %v, want promptly after the 200ms deadline", took)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(%v, context.DeadlineExceeded) = false", err)
			}
			if !strings.Contains(err.Error(), "did not answer in time") {
				t.Errorf("error %q does not say the remote did not answer in time", err)
			}
		})
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there any more

	logs := &syncBuffer{}
	s := fastSettings()
	s.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := mustNew(t, s).Get(addr + "/x")
	if err == nil {
		t.Fatal("want a connection error")
	}
	if got := strings.Count(logs.String(), `"msg":"http request"`); got != DefaultRetryMax+1 {
		t.Errorf("logged %d attempts, want %d:\n%s", got, DefaultRetryMax+1, logs)
	}
}

func TestLogLines(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&scripted{statuses: []int{503, 200}})
	t.Cleanup(srv.Close)
	logs := &syncBuffer{}
	s := fastSettings()
	s.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/lookup?apikey=QUERYSECRET", nil)
	req.Header.Set("X-Api-Key", "HEADERSECRET")
	resp, err := mustNew(t, s).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	out := logs.String()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, want := range []string{
		`"method":"GET"`, `"host":"` + host + `"`, `"status":503`, `"attempt":1`,
		`"status":200`, `"attempt":2`, `"level":"DEBUG"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"QUERYSECRET", "HEADERSECRET", "apikey", "/v1/lookup"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, setting, onRequest, want string
	}{
		{"default", "", "", DefaultUserAgent},
		{"configured", "soccrates/1.2.3", "", "soccrates/1.2.3"},
		{"caller_wins", "soccrates/1.2.3", "custom/9", "custom/9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.UserAgent()
			}))
			t.Cleanup(srv.Close)
			s := fastSettings()
			s.UserAgent = tt.setting
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			if tt.onRequest != "" {
				req.Header.Set("User-Agent", tt.onRequest)
			}
			resp, err := mustNew(t, s).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if ua := <-got; ua != tt.want {
				t.Errorf("User-Agent %q, want %q", ua, tt.want)
			}
		})
	}
}

func mustNew(t *testing.T, s Settings) *http.Client {
	t.Helper()
	c, err := New(s)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustGet(t *testing.T, c *http.Client, url string) *http.Response {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newDebugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

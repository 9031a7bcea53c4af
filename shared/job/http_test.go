package job

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fetcher is a worker that fetches a URL through the job's HTTP client and reports the body.
func fetcher(url string) Spec {
	return Spec{Manifest: testAnalyzer, Analyze: func(ctx context.Context, j *Job) (*Report, error) {
		client, err := j.HTTPClient()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("query the intel API: %w", err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return &Report{Full: map[string]any{"status": resp.StatusCode, "body": string(body)}}, nil
	}}
}

// TestRemoteThatNeverAnswers: jobTimeout bounds the whole job, so an API that accepts the connection
// and never answers ends in an error report well before Cortex would kill the worker.
func TestRemoteThatNeverAnswers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	// 0.05 min = 3 s of jobTimeout, so the job's own deadline is 1.5 s.
	code, out := runStdin(t, fetcher(srv.URL+"/api"), []byte(`{"dataType":"ip","data":"198.51.100.1","config":{"jobTimeout":0.05}}`))
	elapsed := time.Since(start)
	msg := fmt.Sprint(decode(t, out)["errorMessage"])
	if code != 1 || !strings.Contains(msg, "query the intel API") || !strings.Contains(msg, "did not answer in time") {
		t.Errorf("exit %d, message %q", code, msg)
	}
	if elapsed > 2900*time.Millisecond {
		t.Errorf("took %v: the report must come before jobTimeout (3 s)", elapsed)
	}
}

// TestProxyFromConfig: the client goes through the proxy Cortex configured, proxy.http first.
func TestProxyFromConfig(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		// A forward proxy sees the absolute URL of the origin it would contact.
		fmt.Fprintf(w, "proxied %s", r.URL.String())
	}))
	defer proxy.Close()
	input := fmt.Sprintf(`{"dataType":"ip","data":"198.51.100.1","config":{"proxy_http":"http://127.0.0.1:1","proxy":{"http":%q}}}`, proxy.URL)
	code, out := runStdin(t, fetcher("http://intel.example.net/api/v1"), []byte(input))
	full, _ := decode(t, out)["full"].(map[string]any)
	if code != 0 || full["body"] != "proxied http://intel.example.net/api/v1" || hits.Load() != 1 {
		t.Errorf("exit %d, full %v, proxy hits %d", code, full, hits.Load())
	}
}

// TestCACertsFromConfig: the PEM in config.cacerts is trusted in addition to the system roots.
func TestCACertsFromConfig(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "trusted")
	}))
	t.Cleanup(srv.Close) // the subtests run after this function returns
	pemCert := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	for _, tt := range []struct {
		name, cacerts string
		wantOK        bool
	}{{"with_cacerts", pemCert, true}, {"without", "", false}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input, _ := json.Marshal(map[string]any{"dataType": "ip", "data": "198.51.100.1",
				"config": map[string]any{"cacerts": tt.cacerts, "jobTimeout": 1}})
			code, out := runStdin(t, fetcher(srv.URL), input)
			if (code == 0) != tt.wantOK {
				t.Errorf("exit %d: %s", code, out)
			}
		})
	}
}

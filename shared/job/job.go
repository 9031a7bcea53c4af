package job

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/httpclient"
	"github.com/soccrates-cortex/soccrates/shared/version"
)

// Job is one Cortex job as a worker sees it, after the start-up checks passed.
type Job struct {
	// Dir is the job folder, or "" when the job came on stdin.
	Dir string
	// Manifest is the worker's own service definition.
	Manifest *manifests.Manifest
	DataType string
	TLP, PAP int
	// Message is the case number TheHive 4 sends with analyzer jobs, or "".
	Message string
	Config  Config
	Log     *slog.Logger

	input   map[string]any
	data    string
	object  map[string]any
	file    string // absolute path of the attachment (file jobs)
	name    string // the attachment's original file name
	ctype   string
	cacerts []byte
}

// Data returns an analyzer job's observable value (for file jobs, the original file name).
func (j *Job) Data() string { return j.data }

// Object returns a responder job's data object (the case, artifact, alert or task).
func (j *Job) Object() map[string]any { return j.object }

// Parameter returns a job parameter as text ("" when absent), e.g. "organisation", "user".
func (j *Job) Parameter(name string) string {
	params, _ := j.input["parameters"].(map[string]any)
	switch v := params[name].(type) {
	case string:
		return v
	case nil:
		return ""
	case json.Number:
		return v.String()
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Setting returns what the analyst asked for in this job's parameters, else the configuration item
// of the same name (with its manifest default): the usual way a worker lets one job override the
// organisation's setting. Values are trimmed.
func (j *Job) Setting(name string) string {
	if p := strings.TrimSpace(j.Parameter(name)); p != "" {
		return p
	}
	return strings.TrimSpace(j.Config.String(name))
}

// File returns a file job's attachment: its path on disk, original name and content type.
func (j *Job) File() (path, filename, contentType string) { return j.file, j.name, j.ctype }

// OpenFile opens a file job's attachment for reading.
func (j *Job) OpenFile() (*os.File, error) {
	if j.file == "" {
		return nil, errors.New("this job carries no file")
	}
	return os.Open(j.file)
}

// OutputDir returns the folder for file artifacts, or "" in stdin mode.
func (j *Job) OutputDir() string {
	if j.Dir == "" {
		return ""
	}
	return filepath.Join(j.Dir, "output")
}

// FileArtifact writes content into output/ under a fresh unique name, read-only, and returns the
// file artifact that names it. filename is what TheHive shows.
func (j *Job) FileArtifact(content io.Reader, filename, contentType string) (Artifact, error) {
	if j.Dir == "" {
		return Artifact{}, errors.New("file artifacts need a job folder; this job came on stdin")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := "artifact-" + hex.EncodeToString(rnd[:])
	// Cortex creates output/, but a job folder laid out by hand or by another SOAR may lack it.
	if err := os.MkdirAll(j.OutputDir(), 0o755); err != nil {
		return Artifact{}, fmt.Errorf("write file artifact: %w", err)
	}
	path := filepath.Join(j.OutputDir(), name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return Artifact{}, fmt.Errorf("write file artifact: %w", err)
	}
	if _, err := io.Copy(f, content); err != nil {
		f.Close()
		return Artifact{}, fmt.Errorf("write file artifact: %w", err)
	}
	if err := f.Close(); err != nil {
		return Artifact{}, fmt.Errorf("write file artifact: %w", err)
	}
	return Artifact{dataType: "file", file: name, filename: filepath.Base(filename), contentType: contentType, tlp: -1}, nil
}

// HTTPClient returns the client every outbound call of the job must use: Cortex's proxy settings,
// its CA bundle added to the system roots, timeouts and retries.
func (j *Job) HTTPClient() (*http.Client, error) {
	return httpclient.New(httpclient.Settings{
		HTTPProxy:  j.proxy("http"),
		HTTPSProxy: j.proxy("https"),
		CACertsPEM: j.cacerts,
		Logger:     j.Log,
		UserAgent:  "soccrates/" + version.Version + " " + j.Manifest.Name + "/" + j.Manifest.Version,
	})
}

// proxy returns proxy.<scheme>, else proxy_<scheme>, as Cortex sends both.
func (j *Job) proxy(scheme string) string {
	if p, ok := j.Config.values["proxy"].(map[string]any); ok {
		if s, ok := p[scheme].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return strings.TrimSpace(j.Config.String("proxy_" + scheme))
}

// Deadline returns how long the job may run: Cortex's jobTimeout (minutes, default 30) less a margin
// of a tenth, at least 5 s and at most 30 s, so the error report is written before Cortex kills us.
func (j *Job) Deadline() time.Duration {
	return deadlineFor(j.Config.Float("jobTimeout", 30))
}

func deadlineFor(minutes float64) time.Duration {
	if minutes <= 0 {
		minutes = 30
	}
	total := time.Duration(minutes * float64(time.Minute))
	margin := min(max(total/10, 5*time.Second), 30*time.Second)
	if margin >= total {
		return total / 2
	}
	return total - margin
}

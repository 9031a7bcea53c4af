package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/knowledge"
)

const attachment = "attachment7353962451834129017"

const (
	t0     = "nmap/generated/localhost_sV_O_t0_http_only.xml"
	t1     = "nmap/generated/localhost_sV_O_t1_new_ssh_service.xml"
	t2     = "nmap/generated/localhost_sV_O_t2_ssh_version_changed.xml"
	nessus = "nessus/nessus_with_cvssv3.nessus"
)

func readScan(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// store is the configuration items naming one test's store: a SQLite file or a PostgreSQL DSN.
type store struct {
	items string // JSON members for the job's config
	open  knowledge.Config
}

func sqliteStore(t *testing.T) store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "var", "knowledge.db")
	return store{items: fmt.Sprintf(`"store":%q`, path), open: knowledge.Config{Path: path}}
}

func fileJob(t *testing.T, st store, filename string, content []byte, extra string) cortextest.Job {
	t.Helper()
	input := fmt.Sprintf(`{"file":%q,"filename":%q,"contentType":"application/xml","dataType":"file","tlp":2,"pap":2,
		"config":{"jobTimeout":5,"check_tlp":true,"max_tlp":2,%s%s}}`, attachment, filename, st.items, extra)
	return cortextest.Job{Input: []byte(input), Attachments: map[string][]byte{attachment: content}}
}

func lookupJob(st store, dataType, ident, asOfParam, extra string) cortextest.Job {
	params := "{}"
	if asOfParam != "" {
		params = fmt.Sprintf(`{"as_of":%q}`, asOfParam)
	}
	return cortextest.Job{Input: []byte(fmt.Sprintf(`{"dataType":%q,"data":%q,"tlp":2,"pap":2,"parameters":%s,
		"config":{"jobTimeout":5,%s%s}}`, dataType, ident, params, st.items, extra))}
}

// stdinJob turns a folder job into a legacy stdin job, where the attachment is named by its path.
func stdinJob(t *testing.T, j cortextest.Job) cortextest.Job {
	t.Helper()
	if j.Attachments == nil {
		return j
	}
	path := filepath.Join(t.TempDir(), attachment)
	if err := os.WriteFile(path, j.Attachments[attachment], 0o644); err != nil {
		t.Fatal(err)
	}
	return cortextest.Job{Input: bytes.Replace(j.Input, []byte(`"`+attachment+`"`), []byte(strconv.Quote(path)), 1)}
}

// mode is how Cortex hands the job over: a job folder (process) or stdin.
type mode string

const (
	process mode = "process"
	stdin   mode = "stdin"
)

func runJob(t *testing.T, bin string, m mode, j cortextest.Job) *cortextest.Report {
	t.Helper()
	var r *cortextest.Run
	if m == stdin {
		r = cortextest.RunStdin(t, bin, stdinJob(t, j))
	} else {
		r = cortextest.RunProcess(t, bin, j)
	}
	rep := r.Check(t, cortextest.Analyzer)
	r.CheckOperationsFor(t, "thehive:case_artifact")
	return rep
}

func succeed(t *testing.T, rep *cortextest.Report) *cortextest.Report {
	t.Helper()
	if !rep.Success {
		t.Fatalf("error report: %s", rep.ErrorMessage)
	}
	return rep
}

func taxonomy(rep *cortextest.Report, predicate string) (level string, value string) {
	for _, tx := range rep.Summary.Taxonomies {
		if tx.Predicate == predicate {
			return tx.Level, fmt.Sprint(tx.Value)
		}
	}
	return "", ""
}

// get follows a dotted path into the full report, as the suite's get verb does.
func get(t *testing.T, rep *cortextest.Report, path string) any {
	t.Helper()
	var v any = rep.Full
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("full.%s: %s is not in an object", path, k)
		}
		v = m[k]
	}
	return v
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// artifactTags maps each proposed observable to its tags.
func artifactTags(rep *cortextest.Report) map[string][]string {
	out := map[string][]string{}
	for _, a := range rep.Artifacts {
		out[a.DataType+":"+a.Data] = a.Tags
	}
	return out
}

// TestSequenceBothModes ingests the generated t0/t1/t2 localhost scans, which add an SSH service
// and then change its version, and looks the host up now and as of a past time.
func TestSequenceBothModes(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/InfraModel")
	for _, m := range []mode{process, stdin} {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			checkSequence(t, bin, m, sqliteStore(t))
		})
	}
}

func checkSequence(t *testing.T, bin string, m mode, st store) {
	t.Helper()
	steps := []struct {
		file, trigger, predicate, tag string
		list                          string
	}{
		{t0, "uc5_new_system", "NewHosts", "soccrates:new-host", "uc5_new_system.hosts"},
		{t1, "uc4_configuration_change", "NewServices", "soccrates:changed-service", "uc4_configuration_change.new_services"},
		{t2, "uc4_configuration_change", "ChangedServices", "soccrates:changed-service", "uc4_configuration_change.changed_services"},
	}
	var observed []time.Time
	for i, s := range steps {
		rep := succeed(t, runJob(t, bin, m, fileJob(t, st, filepath.Base(s.file), readScan(t, s.file), "")))
		if _, v := taxonomy(rep, "Version"); v != strconv.Itoa(i+1) {
			t.Errorf("%s: Version taxonomy %s, want %d", s.file, v, i+1)
		}
		if lvl, v := taxonomy(rep, s.predicate); lvl != "suspicious" || v != "1" {
			t.Errorf("%s: %s taxonomy %s=%s, want suspicious 1", s.file, s.predicate, lvl, v)
		}
		for _, uc := range []string{"uc3_new_vulnerability", "uc4_configuration_change", "uc5_new_system"} {
			if got := get(t, rep, uc+".triggered"); got != (uc == s.trigger) {
				t.Errorf("%s: %s.triggered = %v", s.file, uc, got)
			}
		}
		want := "127.0.0.1"
		if i > 0 {
			want += " 18081/tcp" // the port the fake SSH server listened on
		}
		if got := strs(get(t, rep, s.list)); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: %s = %v, want [%s]", s.file, s.list, got, want)
		}
		if tags := artifactTags(rep)["ip:127.0.0.1"]; !slices.Equal(tags, []string{s.tag}) {
			t.Errorf("%s: artifact 127.0.0.1 tags %v, want [%s]", s.file, tags, s.tag)
		}
		at, err := time.Parse(time.RFC3339, get(t, rep, "scan.observed_at").(string))
		if err != nil {
			t.Fatal(err)
		}
		observed = append(observed, at)
	}
	between := observed[1].Add(observed[2].Sub(observed[1]) / 2).Format(time.RFC3339)
	checkSSHVersion(t, runJob(t, bin, m, lookupJob(st, "ip", "127.0.0.1", "", "")), "9.6p1 Ubuntu 3ubuntu13.5")
	checkSSHVersion(t, runJob(t, bin, m, lookupJob(st, "hostname", "localhost", between, "")), "8.9p1 Ubuntu 3ubuntu0.1")
	checkSSHVersion(t, runJob(t, bin, m, lookupJob(st, "fqdn", "localhost", "", fmt.Sprintf(`,"as_of":%q`, between))), "8.9p1 Ubuntu 3ubuntu0.1")

	again := runJob(t, bin, m, fileJob(t, st, "t2-again.xml", readScan(t, t2), ""))
	if _, v := taxonomy(succeed(t, again), "Duplicate"); v != "already ingested as version 3" || get(t, again, "duplicate") != true {
		t.Errorf("second ingest of t2: Duplicate taxonomy %q, duplicate=%v", v, get(t, again, "duplicate"))
	}
}

// checkSSHVersion asserts the look-up found 18081/tcp with the given version and that its
// history starts at version 2, the t1 scan.
func checkSSHVersion(t *testing.T, rep *cortextest.Report, version string) {
	t.Helper()
	succeed(t, rep)
	for _, s := range get(t, rep, "services").([]any) {
		svc := s.(map[string]any)["service"].(map[string]any)
		if svc["port"] != float64(18081) {
			continue
		}
		if svc["version"] != version {
			t.Errorf("18081/tcp version %v, want %s", svc["version"], version)
		}
		first := s.(map[string]any)["intervals"].([]any)[0].(map[string]any)
		if first["from_version"] != float64(2) {
			t.Errorf("18081/tcp appeared in version %v, want 2", first["from_version"])
		}
		return
	}
	t.Errorf("no 18081/tcp in the look-up of %v", get(t, rep, "ident"))
}

func TestNessusNewVulns(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/InfraModel")
	rep := succeed(t, runJob(t, bin, process, fileJob(t, sqliteStore(t), "scan.nessus", readScan(t, nessus), "")))
	if lvl, v := taxonomy(rep, "NewVulns"); lvl != "malicious" || v == "0" {
		t.Errorf("NewVulns %s=%s, want malicious: the report has CVSS 10 findings", lvl, v)
	}
	if get(t, rep, "uc3_new_vulnerability.triggered") != true || len(strs(get(t, rep, "uc3_new_vulnerability.cves"))) == 0 {
		t.Error("uc3_new_vulnerability not triggered with CVEs")
	}
	for _, a := range rep.Artifacts {
		if !slices.Contains(a.Tags, "soccrates:new-vuln") || a.DataType != "ip" {
			t.Errorf("artifact %s %s tags %v", a.DataType, a.Data, a.Tags)
		}
		if !bytes.Contains(readScan(t, nessus), []byte(a.Data)) {
			t.Errorf("artifact %s is no address of the report", a.Data)
		}
	}
	if len(rep.Artifacts) == 0 {
		t.Error("no artifact for the vulnerable host")
	}
}

// TestBadInputLeavesStoreUntouched checks each refused job's message and that the store still
// holds only the one version ingested before.
func TestBadInputLeavesStoreUntouched(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/InfraModel")
	st := sqliteStore(t)
	succeed(t, runJob(t, bin, process, fileJob(t, st, "t0.xml", readScan(t, t0), "")))
	full := readScan(t, t1)
	cut := full[:len(full)*2/3]
	tests := []struct {
		name string
		job  cortextest.Job
		want string
	}{
		{"truncated_nmap", fileJob(t, st, "t1.xml", cut, ""),
			fmt.Sprintf("t1.xml is not a readable scan report (read nmap report: line %d: unexpected EOF)", bytes.Count(cut, []byte("\n"))+1)},
		{"not_a_scan", fileJob(t, st, "notes.txt", []byte("Dear SOC,\nplease scan this.\n"), ""), "notes.txt is not a readable scan report"},
		{"other_xml", fileJob(t, st, "pom.xml", []byte("<?xml version=\"1.0\"?>\n<project/>\n"), ""), "line 2: root element <project>"},
		{"tlp_above_max", fileJob(t, st, "t1.xml", full, `,"max_tlp":1`), "TLP is higher than allowed."},
		{"missing_zones_file", fileJob(t, st, "t1.xml", full, `,"zones_file":"/nonexistent/zones.json"`), "zones_file"},
		{"unknown_host", lookupJob(st, "ip", "10.9.9.9", "", ""), `host "10.9.9.9" is unknown: none of the 1 versions`},
		{"before_first_scan", lookupJob(st, "ip", "127.0.0.1", "2020-01-01T00:00:00Z", ""), "unknown as of 2020-01-01T00:00:00Z: it first appears in version 1"},
		{"bad_as_of", lookupJob(st, "ip", "127.0.0.1", "last tuesday", ""), "not an RFC 3339 time"},
		{"empty_store", lookupJob(sqliteStore(t), "ip", "127.0.0.1", "", ""), "holds no versions yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runJob(t, bin, process, tt.job)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success=%v errorMessage=%q, want it to say %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
	s, err := knowledge.Open(context.Background(), st.open)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if vs, err := s.Versions(context.Background()); err != nil || len(vs) != 1 {
		t.Errorf("after the refused jobs the store holds %d versions (%v), want 1", len(vs), err)
	}
}

// TestPostgres runs the sequence against a real PostgreSQL server, in a schema of its own.
func TestPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("SOCCRATES_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SOCCRATES_TEST_POSTGRES is not set but CI=true: the PostgreSQL tests must run in CI (source .ci/postgres.sh)")
		}
		t.Skip("set SOCCRATES_TEST_POSTGRES to a PostgreSQL URL (see .ci/postgres.sh)")
	}
	bin := cortextest.Build(t, "./analyzers/InfraModel")
	schemaDSN := pgSchema(t, dsn)
	checkSequence(t, bin, process, store{items: fmt.Sprintf(`"store_dsn":%q`, schemaDSN), open: knowledge.Config{DSN: schemaDSN}})
}

// pgSchema creates a schema for one test, drops it afterwards and returns a DSN that uses it.
func pgSchema(t *testing.T, dsn string) string {
	t.Helper()
	if !strings.Contains(dsn, "://") {
		t.Fatalf("SOCCRATES_TEST_POSTGRES must be a postgres:// URL, got a keyword DSN")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "im_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

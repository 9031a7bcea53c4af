package knowledge

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/infra"
	"github.com/soccrates-cortex/soccrates/shared/scan"
)

// backend opens a fresh, empty store of one kind and returns its Config for other openers.
type backend struct {
	name string
	open func(t testing.TB) Config
}

// backends lists SQLite always and PostgreSQL when SOCCRATES_TEST_POSTGRES names a server. CI
// sets CI=true and must not skip PostgreSQL.
func backends(t testing.TB) []backend {
	t.Helper()
	out := []backend{{name: "sqlite", open: func(t testing.TB) Config {
		return Config{Path: filepath.Join(t.TempDir(), "knowledge.db")}
	}}}
	dsn := os.Getenv("SOCCRATES_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SOCCRATES_TEST_POSTGRES is not set but CI=true: the PostgreSQL tests must run in CI (source .ci/postgres.sh)")
		}
		t.Log("PostgreSQL tests skipped: set SOCCRATES_TEST_POSTGRES to a DSN (see .ci/postgres.sh)")
		return out
	}
	return append(out, backend{name: "postgres", open: func(t testing.TB) Config { return pgSchema(t, dsn) }})
}

// pgSchema creates a schema of its own for one test and drops it afterwards.
func pgSchema(t testing.TB, dsn string) Config {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return Config{DSN: dsn + sep + "search_path=" + schema}
	}
	return Config{DSN: dsn + " search_path=" + schema}
}

func openStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sample(t testing.TB, rel string) infra.Observation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", rel))
	if err != nil {
		t.Fatal(err)
	}
	obs, err := scan.ParseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func ingest(t testing.TB, s *Store, obs infra.Observation) IngestResult {
	t.Helper()
	res, err := s.Ingest(context.Background(), obs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// nmapXML writes an nmap report of hosts 10.x.y.z with the open tcp ports given per host, as
// nmap -sV -p <ports> would; generation is shared by tests and benchmarks.
func nmapXML(start time.Time, probed string, hosts []string, open func(i int) []int, version func(i int) string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\" args=\"nmap -sV -p %s generated\" start=\"%d\">\n", probed, start.Unix())
	fmt.Fprintf(&b, "<scaninfo type=\"syn\" protocol=\"tcp\" services=\"%s\"/>\n", probed)
	for i, h := range hosts {
		fmt.Fprintf(&b, "<host starttime=\"%d\"><status state=\"up\"/><address addr=\"%s\" addrtype=\"ipv4\"/>", start.Unix(), h)
		fmt.Fprintf(&b, "<hostnames><hostname name=\"h%d.example.test\" type=\"PTR\"/></hostnames><ports>\n", i)
		for _, p := range open(i) {
			fmt.Fprintf(&b, "<port protocol=\"tcp\" portid=\"%d\"><state state=\"open\"/><service name=\"http\" product=\"nginx\" version=\"%s\"><cpe>cpe:/a:nginx:nginx:%s</cpe></service></port>\n",
				p, version(i), version(i))
		}
		b.WriteString("</ports></host>\n")
	}
	b.WriteString("<runstats><finished time=\"1\" exit=\"success\"/></runstats></nmaprun>\n")
	return []byte(b.String())
}

func hostNames(n, offset int) []string {
	out := make([]string, n)
	for i := range out {
		j := i + offset
		out[i] = fmt.Sprintf("10.%d.%d.%d", j>>16&255, j>>8&255, j&255)
	}
	return out
}

func mustParse(t testing.TB, data []byte) infra.Observation {
	t.Helper()
	obs, err := scan.ParseBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DefaultPath is where the SQLite store lives when the worker config names no other.
const DefaultPath = "/var/lib/soccrates/knowledge.db"

// BusyTimeout is how long a SQLite writer waits for another writer before giving up.
const BusyTimeout = 30 * time.Second

var errSQLNoRows = sql.ErrNoRows

// Config says which store to open. DSN, when set, selects PostgreSQL; otherwise Path (or
// DefaultPath) is a SQLite file, created if missing.
type Config struct {
	Path   string
	DSN    string
	Logger *slog.Logger // nil: discard
	Now    func() time.Time
}

// Store is an open knowledge store. It is safe for concurrent use, and several processes may
// open the same store at once.
type Store struct {
	db       *sql.DB
	postgres bool
	log      *slog.Logger
	now      func() time.Time

	midIngest func() // tests: called with the version written but not committed
}

// Open connects to the store and applies any migrations it lacks.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if cfg.DSN != "" {
		s.postgres = true
		s.db, err = sql.Open("pgx", cfg.DSN)
	} else {
		s.db, err = openSQLite(cfg.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("open knowledge store: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open knowledge store: %w", err)
	}
	return s, nil
}

func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		path = DefaultPath
	}
	// Cortex installations rarely have /var/lib/soccrates before the first job.
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	// The busy timeout comes first so that switching to WAL already waits for other processes.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(int(BusyTimeout.Milliseconds()))+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Close releases the store's connections.
func (s *Store) Close() error { return s.db.Close() }

// Backend returns "postgres" or "sqlite".
func (s *Store) Backend() string {
	if s.postgres {
		return "postgres"
	}
	return "sqlite"
}

// q rewrites the ? placeholders of a query into PostgreSQL's $1, $2...
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// querier is what both a connection and a transaction offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// each runs a query on the store's pool and calls fn for every row.
func (s *Store) each(ctx context.Context, query string, args []any, fn func(scan func(...any) error) error) error {
	return s.eachOn(ctx, s.db, query, args, fn)
}

func (s *Store) eachOn(ctx context.Context, db querier, query string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// writeTx runs fn in a transaction that holds the store's write lock from its start, so that
// writers in other processes wait instead of failing halfway.
func (s *Store) writeTx(ctx context.Context, fn func(q querier) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	begin := "BEGIN IMMEDIATE"
	if s.postgres {
		begin = "BEGIN ISOLATION LEVEL READ COMMITTED"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			// A cancelled ctx must not stop the rollback.
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
	}()
	if s.postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryKey); err != nil {
			return fmt.Errorf("take write lock: %w", err)
		}
	}
	if err := fn(conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// readTx runs fn in a transaction that sees one snapshot of the store.
func (s *Store) readTx(ctx context.Context, fn func(q querier) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// advisoryKey is the PostgreSQL advisory lock every writer of the store takes ("SOCCRATE").
const advisoryKey int64 = 0x534f434352415445

// asOf turns a reader's time into a bound: zero means now, that is everything stored.
func asOf(t time.Time) int64 {
	if t.IsZero() {
		return math.MaxInt64
	}
	return t.UnixNano()
}

// since turns a lower bound into nanoseconds: zero means the beginning of time.
func since(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

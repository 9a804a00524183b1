// Package store keeps the product's data in SQLite through sqlx: councils
// and the rest of the reference data, monthly returns and their
// observations, DfE's official figures and the timeline. Exported methods own
// their transactions; unexported helpers take the transaction they run in.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// MinSQLiteVersion is the oldest SQLite the store runs on: earlier releases
// carry a WAL-reset bug that can corrupt a database under concurrent
// writers (SECURITY R4).
const MinSQLiteVersion = "3.51.3"

func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// DB is an open database: a single-connection pool for writes, so that write
// transactions queue in Go rather than fail with SQLITE_BUSY, and a pool of
// readers that WAL lets run alongside the writer.
type DB struct {
	Path string
	w    *sqlx.DB
	r    *sqlx.DB
	// now is the clock, replaceable in tests.
	now func() time.Time
}

// writerPragmas are the settings ARCHITECTURE.md gives for SQLite: WAL,
// a busy timeout, full synchronisation so a "submitted" return survives a
// power cut (R3), enforced foreign keys and immediate write transactions.
const writerPragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate&_time_format=sqlite"

// readerPragmas leave transactions deferred so readers never take the
// write lock.
const readerPragmas = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=query_only(1)&_time_format=sqlite"

// Open opens (creating if need be) the SQLite database at path, refuses a
// SQLite older than MinSQLiteVersion or a database it cannot write (naming
// the file), and applies the embedded migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://") {
		return nil, fmt.Errorf("open database: PostgreSQL is not supported yet; use a SQLite file path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := sqlx.Open("sqlite", base+"?"+writerPragmas)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{Path: path, w: w, now: time.Now}
	if err := checkVersion(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := checkWritable(ctx, w, path); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w.DB); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sqlx.Open("sqlite", base+"?"+readerPragmas)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.r = r
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	if db.r != nil {
		err = db.r.Close()
	}
	if e := db.w.Close(); e != nil && err == nil {
		err = e
	}
	return err
}

// SQLiteVersion reports the version of the linked SQLite library.
func (db *DB) SQLiteVersion(ctx context.Context) (string, error) {
	var v string
	err := db.r.GetContext(ctx, &v, "SELECT sqlite_version()")
	return v, err
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok"
// when the database is sound).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var v string
	err := db.w.GetContext(ctx, &v, "PRAGMA integrity_check")
	return v, err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

func checkVersion(ctx context.Context, db *sqlx.DB) error {
	var v string
	if err := db.GetContext(ctx, &v, "SELECT sqlite_version()"); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	return versionError(v)
}

// versionError is checkVersion's verdict on a SQLite version: nil when it
// is at least MinSQLiteVersion, otherwise the error that stops Open
// (SECURITY R4). It is separate so tests can give it an old version.
func versionError(v string) error {
	if !VersionAtLeast(v, MinSQLiteVersion) {
		return fmt.Errorf("open database: SQLite %s is older than %s, which fixes a WAL-reset bug that can corrupt data; upgrade before starting", v, MinSQLiteVersion)
	}
	return nil
}

// VersionAtLeast compares dotted version numbers such as "3.51.3".
func VersionAtLeast(have, want string) bool {
	h, w := strings.Split(have, "."), strings.Split(want, ".")
	for i := 0; i < len(w); i++ {
		var hv, wv int
		if i < len(h) {
			hv, _ = strconv.Atoi(h[i])
		}
		wv, _ = strconv.Atoi(w[i])
		if hv != wv {
			return hv > wv
		}
	}
	return true
}

func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(sqliteMigrations, "migrations/sqlite")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Setting returns the value stored under key, or "" when there is none.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.r.GetContext(ctx, &v, "SELECT value FROM settings WHERE key = ?", key)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

func setSetting(ctx context.Context, tx *sqlx.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

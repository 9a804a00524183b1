// Package store keeps the product's data in SQLite or PostgreSQL through
// sqlx: councils
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
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// MinSQLiteVersion is the oldest SQLite the store runs on: earlier releases
// carry a WAL-reset bug that can corrupt a database under concurrent
// writers (SECURITY R4).
const MinSQLiteVersion = "3.51.3"

func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// DB is an open database. On SQLite: a single-connection pool for writes,
// so that write transactions queue in Go rather than fail with
// SQLITE_BUSY, and a pool of readers that WAL lets run alongside the
// writer. On PostgreSQL one pool serves both (w and r are the same), and
// write transactions queue on an advisory lock instead (beginWrite).
type DB struct {
	// Path is the SQLite file, or the PostgreSQL address with any password
	// taken out, for messages.
	Path    string
	dialect Dialect
	w       *dbx
	r       *dbx
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

// Open opens the database a -database setting names: a postgres:// or
// postgresql:// address is a PostgreSQL server (see openPostgres), anything
// else a SQLite file, created if need be. Either way the embedded
// migrations for its dialect are applied.
func Open(ctx context.Context, path string) (*DB, error) {
	if IsPostgresURL(path) {
		return openPostgres(ctx, path)
	}
	return openSQLite(ctx, path)
}

// openSQLite opens (creating if need be) the SQLite database at path,
// refuses a SQLite older than MinSQLiteVersion or a database it cannot
// write (naming the file), and applies the embedded migrations.
func openSQLite(ctx context.Context, path string) (*DB, error) {
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
	db := &DB{Path: path, dialect: SQLite, w: &dbx{w, SQLite}, now: time.Now}
	if err := checkVersion(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := checkWritable(ctx, db, path); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, SQLite, w.DB); err != nil {
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
	db.r = &dbx{r, SQLite}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	if db.r != nil && db.r != db.w {
		err = db.r.Close()
	}
	if e := db.w.Close(); e != nil && err == nil {
		err = e
	}
	return err
}

// SQLiteVersion reports the version of the linked SQLite library; on
// PostgreSQL, the server's version.
func (db *DB) SQLiteVersion(ctx context.Context) (string, error) {
	var v string
	err := db.r.GetContext(ctx, &v, db.dialect.sqlFor("version"))
	return v, err
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok"
// when the database is sound). PostgreSQL has no such check to run from
// SQL: its verdict is "ok" once the server answers a query (page
// checksums, where enabled, are the server's own business).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var v string
	if db.dialect == Postgres {
		err := db.r.GetContext(ctx, &v, "SELECT 'ok'")
		return v, err
	}
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

// migrate applies the embedded migrations of a dialect. On PostgreSQL
// goose holds a session-level advisory lock while it does, so instances
// starting at once on an empty database migrate it once.
func migrate(ctx context.Context, d Dialect, db *sql.DB) error {
	var (
		fsys fs.FS
		err  error
		gd   = goose.DialectSQLite3
		opts []goose.ProviderOption
	)
	if d == Postgres {
		fsys, err = fs.Sub(postgresMigrations, "migrations/postgres")
		gd = goose.DialectPostgres
		locker, lerr := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if lerr != nil {
			return fmt.Errorf("migrate: %w", lerr)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	} else {
		fsys, err = fs.Sub(sqliteMigrations, "migrations/sqlite")
	}
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(gd, db, fsys, opts...)
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

func setSetting(ctx context.Context, tx *txx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *txx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

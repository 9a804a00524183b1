package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/jmoiron/sqlx"
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

// postgresPoolSize bounds the connections one instance opens: readers
// share them, and each write transaction holds one while it waits for the
// write lock.
const postgresPoolSize = 24

// openPostgres connects to the PostgreSQL server an address names through
// pgx, checks that it can write there, and applies the PostgreSQL
// migrations (once, however many instances start at the same time).
func openPostgres(ctx context.Context, addr string) (*DB, error) {
	shown := RedactURL(addr)
	p, err := sqlx.Open("pgx", addr)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", shown, err)
	}
	p.SetMaxOpenConns(postgresPoolSize)
	p.SetMaxIdleConns(postgresPoolSize)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pool := &dbx{p, Postgres}
	db := &DB{Path: shown, dialect: Postgres, w: pool, r: pool, now: time.Now}
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open database %s: %w", shown, err)
	}
	if err := probeWrite(ctx, db); err != nil {
		p.Close()
		return nil, fmt.Errorf("open database: the PostgreSQL database %s cannot be written (%w); connect as a user who may create tables there", shown, err)
	}
	if err := migrate(ctx, Postgres, p.DB); err != nil {
		p.Close()
		return nil, err
	}
	return db, nil
}

// RedactURL is a PostgreSQL address without its password, for messages.
func RedactURL(addr string) string {
	u, err := url.Parse(addr)
	if err != nil {
		return "(a PostgreSQL address that does not parse)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// PostgresBackupError is what backup says on PostgreSQL: the server's own
// pg_dump makes the backup, and a copy of the command to run.
func PostgresBackupError(addr string) error {
	return fmt.Errorf("backup: the database is PostgreSQL; use pg_dump, e.g. pg_dump --format=custom --file=resilience.dump '%s' (restore with pg_restore)", RedactURL(addr))
}

// Exclusively runs fn while no other instance runs its own Exclusively
// on the same database: on PostgreSQL it holds a session-level advisory
// lock meanwhile, so instances starting at once on a new database seed it
// once (the second finds it seeded). fn's own writes take their usual
// transactions. On SQLite, with one process per file, it just runs fn.
func (db *DB) Exclusively(ctx context.Context, fn func() error) (err error) {
	if db.dialect != Postgres {
		return fn()
	}
	conn, err := db.w.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(seedLockKey)); err != nil {
		return err
	}
	defer func() {
		// Unlock even when ctx has ended, or the lock would outlive fn on
		// a connection going back to the pool.
		_, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(seedLockKey))
		if err == nil {
			err = uerr
		}
	}()
	return fn()
}

// copyRows writes n rows into a table in the write transaction tx: on
// PostgreSQL with COPY (pgx's CopyFrom, on the transaction's own
// connection), on SQLite with multi-row INSERTs.
func copyRows(ctx context.Context, tx *txx, table string, cols []string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	if tx.d != Postgres || tx.conn == nil {
		prefix := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
		return insertBatches(ctx, tx, prefix, len(cols), n, row)
	}
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: the PostgreSQL connection is not pgx's")
		}
		src := &rowSource{n: n, row: row, i: -1}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
}

// rowSource gives CopyFrom rows one at a time, so a large load is never
// held twice.
type rowSource struct {
	n, i int
	row  func(i int) []any
}

func (s *rowSource) Next() bool             { s.i++; return s.i < s.n }
func (s *rowSource) Values() ([]any, error) { return s.row(s.i), nil }
func (s *rowSource) Err() error             { return nil }

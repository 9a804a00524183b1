package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jmoiron/sqlx"
)

// Dialect is the kind of database a DB runs on. Every query is written
// once, with ? placeholders; the wrappers below rebind them for
// PostgreSQL. The few statements whose text differs live in dialectSQL.
type Dialect string

// The dialects the store runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

func init() { sqlx.BindDriver("pgx", sqlx.DOLLAR) }

// IsPostgresURL reports whether a -database setting names a PostgreSQL
// server rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// writeLockKey is the PostgreSQL advisory lock every write transaction
// takes first, so that writes stay one at a time across connections and
// instances, as they are on SQLite's single writer: version numbers
// worked out inside a transaction stay right. ("resilience" in ASCII.)
const writeLockKey = 0x7265_7369_6c69_656e

// seedLockKey is the session-level advisory lock under which an instance
// seeds a new database, so two starting at once seed it once.
const seedLockKey = writeLockKey + 1

// dialectSQL holds the statements whose text differs between the
// dialects, side by side.
var dialectSQL = map[string]map[Dialect]string{
	"version": {
		SQLite:   "SELECT sqlite_version()",
		Postgres: "SHOW server_version",
	},
	"writeLock": {
		SQLite:   "",
		Postgres: "SELECT pg_advisory_xact_lock(" + strconv.FormatInt(writeLockKey, 10) + ")",
	},
	"writeProbe": {
		SQLite:   "CREATE TABLE write_probe (x)",
		Postgres: "CREATE TEMPORARY TABLE write_probe (x INTEGER) ON COMMIT DROP",
	},
}

// sqlFor is the text of a statement in a dialect (see dialectSQL).
func (d Dialect) sqlFor(name string) string { return dialectSQL[name][d] }

// Dialect reports which database the store runs on.
func (db *DB) Dialect() Dialect { return db.dialect }

// isUniqueViolation reports whether err is a database refusing a duplicate
// key, in either dialect.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE")
}

// bindArgs adapts arguments for PostgreSQL, whose integer columns take no
// Go bool: the store keeps flags as 0/1 integers in both dialects.
func bindArgs(d Dialect, args []any) []any {
	if d != Postgres {
		return args
	}
	var out []any
	for i, a := range args {
		if b, ok := a.(bool); ok {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = int64(0)
			if b {
				out[i] = int64(1)
			}
		}
	}
	if out == nil {
		return args
	}
	return out
}

// dbx is a pool whose queries are rebound for its dialect.
type dbx struct {
	*sqlx.DB
	d Dialect
}

func (x *dbx) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	return x.DB.GetContext(ctx, dest, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *dbx) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	return x.DB.SelectContext(ctx, dest, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *dbx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.DB.ExecContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *dbx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.DB.QueryContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *dbx) QueryxContext(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	return x.DB.QueryxContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

// txx is a transaction whose queries are rebound for its dialect. On
// PostgreSQL a write transaction runs on a connection of its own (conn),
// so that bulk writes can reach the pgx connection beneath it for COPY.
type txx struct {
	*sqlx.Tx
	d    Dialect
	conn *sqlx.Conn
}

func (x *txx) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	return x.Tx.GetContext(ctx, dest, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *txx) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	return x.Tx.SelectContext(ctx, dest, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *txx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.Tx.ExecContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *txx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.Tx.QueryContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *txx) QueryxContext(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	return x.Tx.QueryxContext(ctx, x.Rebind(q), bindArgs(x.d, args)...)
}

func (x *txx) PreparexContext(ctx context.Context, q string) (*sqlx.Stmt, error) {
	return x.Tx.PreparexContext(ctx, x.Rebind(q))
}

// NamedExecContext binds a struct's fields by name, then runs the
// statement as ExecContext does.
func (x *txx) NamedExecContext(ctx context.Context, q string, arg any) (sql.Result, error) {
	q, args, err := sqlx.Named(q, arg)
	if err != nil {
		return nil, err
	}
	return x.ExecContext(ctx, q, args...)
}

// NamedGetContext binds a struct's fields by name, then reads one row as
// GetContext does (an INSERT ... RETURNING id, say).
func (x *txx) NamedGetContext(ctx context.Context, dest any, q string, arg any) error {
	q, args, err := sqlx.Named(q, arg)
	if err != nil {
		return err
	}
	return x.GetContext(ctx, dest, q, args...)
}

// Commit commits and gives the connection back to the pool.
func (x *txx) Commit() error {
	err := x.Tx.Commit()
	x.release()
	return err
}

// Rollback rolls back (after Commit it does nothing) and gives the
// connection back to the pool.
func (x *txx) Rollback() error {
	err := x.Tx.Rollback()
	x.release()
	return err
}

func (x *txx) release() {
	if x.conn != nil {
		x.conn.Close()
		x.conn = nil
	}
}

// beginWrite starts a write transaction. On SQLite it waits for the single
// writer connection; on PostgreSQL it takes a connection of its own and
// then the write lock, held until the transaction ends.
func (db *DB) beginWrite(ctx context.Context) (*txx, error) {
	if db.dialect != Postgres {
		tx, err := db.w.BeginTxx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &txx{Tx: tx, d: db.dialect}, nil
	}
	conn, err := db.w.Connx(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	x := &txx{Tx: tx, d: db.dialect, conn: conn}
	if _, err := tx.ExecContext(ctx, db.dialect.sqlFor("writeLock")); err != nil {
		x.Rollback()
		return nil, err
	}
	return x, nil
}

// beginRead starts a read-only transaction on the reader pool, for reads
// that must see one state of the database.
func (db *DB) beginRead(ctx context.Context) (*txx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		// SQLite's read transaction sees one snapshot; PostgreSQL's needs
		// REPEATABLE READ for that.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTxx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txx{Tx: tx, d: db.dialect}, nil
}

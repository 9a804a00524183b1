package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// Moving house: a SQLite database copied whole into an empty PostgreSQL
// database (resilience migrate --to postgres://…).
//
// The copy is generic: the tables come from the SQLite schema (all but
// goose's own and SQLite's internals) and must be exactly those of the
// PostgreSQL schema at the same goose version; the columns come from both
// sides and must match by name. A migration that adds a table or a column
// to both dialects is therefore copied without a change here.
//
// The audit log's PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE;
// COPY only inserts, so they never fire and the copy needs no way round
// them. (SET session_replication_role = replica would also switch off the
// foreign-key checks, and needs a superuser; it is not used.) Submitted
// self-assessments are protected the same way, on UPDATE only.

// openSQLiteReader opens a SQLite file for reading only (query_only): the
// move never changes its source.
func openSQLiteReader(path string) (*sqlx.DB, error) {
	return sqlx.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+readerPragmas)
}

// gooseTable is goose's own record of the migrations applied.
const gooseTable = "goose_db_version"

// MoveCount is one table's rows on each side of a move.
type MoveCount struct {
	Table          string
	SQLite, Target int64
}

// MoveReport is what a move copied.
type MoveReport struct {
	// Version is the goose schema version both databases are at.
	Version int64
	// Tables are the tables copied, in the order they were, with the rows
	// on each side (the target's counted in the copy's transaction).
	Tables []MoveCount
	// Committed is false when the counts differed and nothing was stored.
	Committed bool
	Took      time.Duration
}

// Matches reports whether every table holds as many rows on both sides.
func (r *MoveReport) Matches() bool {
	for _, t := range r.Tables {
		if t.SQLite != t.Target {
			return false
		}
	}
	return true
}

// MoveFromSQLite copies the SQLite database at srcPath into dst, a
// PostgreSQL database already migrated by Open to this program's schema,
// in one transaction: each table with COPY in foreign-key order, then the
// identity sequences set past the largest id copied. It refuses when the
// source's goose version differs from the target's, when a table of one
// side is missing on the other, or when any target table already holds
// rows (naming it). The source is opened read-only and read in one
// snapshot, so a server may keep running on it meanwhile (its later
// writes are not copied). When the row counts differ after the copy, the
// transaction is rolled back and the report says so.
func MoveFromSQLite(ctx context.Context, srcPath string, dst *DB) (*MoveReport, error) {
	start := time.Now()
	if dst.dialect != Postgres {
		return nil, errors.New("migrate: the target must be a PostgreSQL database")
	}
	if _, err := os.Stat(srcPath); err != nil {
		return nil, fmt.Errorf("migrate: the SQLite database %s cannot be read: %w", srcPath, err)
	}
	src, err := openSQLiteReader(srcPath)
	if err != nil {
		return nil, fmt.Errorf("migrate: open %s: %w", srcPath, err)
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	stx, err := src.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", srcPath, err)
	}
	defer stx.Rollback()

	srcVersion, err := gooseVersion(ctx, stx.Tx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %s is not a Resilience database (no goose version: %w)", srcPath, err)
	}
	tx, err := dst.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dstVersion, err := gooseVersion(ctx, tx.Tx.Tx)
	if err != nil {
		return nil, fmt.Errorf("migrate: the target's goose version: %w", err)
	}
	if srcVersion != dstVersion {
		return nil, fmt.Errorf("migrate: the SQLite database is at schema version %d and the PostgreSQL database at %d; "+
			"start this version of resilience once on the SQLite file (resilience serve -database %s) so both are at %d, then migrate",
			srcVersion, dstVersion, srcPath, dstVersion)
	}

	tables, err := sqliteTables(ctx, stx)
	if err != nil {
		return nil, err
	}
	pgTables, err := postgresTables(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if !slices.Contains(pgTables, t) {
			return nil, fmt.Errorf("migrate: table %s of the SQLite database has no counterpart in PostgreSQL", t)
		}
	}
	for _, t := range pgTables {
		if !slices.Contains(tables, t) {
			return nil, fmt.Errorf("migrate: table %s of the PostgreSQL database has no counterpart in SQLite", t)
		}
	}
	for _, t := range pgTables {
		var n int64
		if err := tx.GetContext(ctx, &n, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("migrate: the PostgreSQL database is not empty: table %s holds %d rows; migrate only into a new, empty database", t, n)
		}
	}
	order, err := foreignKeyOrder(ctx, stx, tx, pgTables)
	if err != nil {
		return nil, err
	}

	rep := &MoveReport{Version: srcVersion}
	for _, t := range order {
		n, err := copyTable(ctx, stx, tx, t)
		if err != nil {
			return nil, fmt.Errorf("migrate: table %s: %w", t, err)
		}
		var got int64
		if err := tx.GetContext(ctx, &got, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()); err != nil {
			return nil, err
		}
		rep.Tables = append(rep.Tables, MoveCount{Table: t, SQLite: n, Target: got})
	}
	if err := resetIdentities(ctx, tx); err != nil {
		return nil, fmt.Errorf("migrate: identity sequences: %w", err)
	}
	if rep.Matches() {
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("migrate: commit: %w", err)
		}
		rep.Committed = true
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// gooseVersion is the schema version goose has applied, read as goose
// reads it: the newest applied version not later rolled back.
func gooseVersion(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT version_id, is_applied FROM "+gooseTable+" ORDER BY id DESC")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	undone := map[int64]bool{}
	for rows.Next() {
		var v int64
		var applied bool
		if err := rows.Scan(&v, &applied); err != nil {
			return 0, err
		}
		if undone[v] {
			continue
		}
		if applied {
			return v, rows.Err()
		}
		undone[v] = true
	}
	return 0, rows.Err()
}

// sqliteTables are the source's tables, but for goose's and SQLite's own.
func sqliteTables(ctx context.Context, tx *sqlx.Tx) ([]string, error) {
	var ts []string
	err := tx.SelectContext(ctx, &ts, `SELECT name FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> ? ORDER BY name`, gooseTable)
	return ts, err
}

// postgresTables are the target's tables in its current schema, but for
// goose's.
func postgresTables(ctx context.Context, tx *txx) ([]string, error) {
	var ts []string
	err := tx.SelectContext(ctx, &ts, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> ? ORDER BY table_name`, gooseTable)
	return ts, err
}

// foreignKeyOrder sorts tables so each comes after those it refers to
// (by either side's foreign keys: on PostgreSQL the figures' references
// are statement triggers, not foreign keys), otherwise by name.
func foreignKeyOrder(ctx context.Context, stx *sqlx.Tx, tx *txx, tables []string) ([]string, error) {
	var refs, liteRefs []struct {
		From string `db:"from_table"`
		To   string `db:"to_table"`
	}
	err := tx.SelectContext(ctx, &refs, `SELECT c.conrelid::regclass::text AS from_table, c.confrelid::regclass::text AS to_table
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, err
	}
	if err := stx.SelectContext(ctx, &liteRefs, `SELECT m.name AS from_table, f."table" AS to_table
		FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`); err != nil {
		return nil, err
	}
	refs = append(refs, liteRefs...)
	needs := map[string][]string{}
	for _, r := range refs {
		if r.From != r.To {
			needs[r.From] = append(needs[r.From], r.To)
		}
	}
	var order []string
	done := map[string]bool{}
	var visit func(t string, path []string) error
	visit = func(t string, path []string) error {
		if done[t] {
			return nil
		}
		if slices.Contains(path, t) {
			return fmt.Errorf("migrate: the foreign keys of %s go round in a circle", strings.Join(append(path, t), " → "))
		}
		for _, u := range needs[t] {
			if err := visit(u, append(path, t)); err != nil {
				return err
			}
		}
		done[t] = true
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// pgColumn is one column of a target table and its type.
type pgColumn struct {
	Name string `db:"column_name"`
	Type string `db:"data_type"`
}

// copyTable copies one table's rows from the source snapshot into the
// target transaction with COPY, converting each value to the target
// column's type, and returns how many rows the source held.
func copyTable(ctx context.Context, stx *sqlx.Tx, tx *txx, table string) (int64, error) {
	var cols []pgColumn
	if err := tx.SelectContext(ctx, &cols, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, table); err != nil {
		return 0, err
	}
	var srcCols []string
	if err := stx.SelectContext(ctx, &srcCols, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table); err != nil {
		return 0, err
	}
	names := make([]string, len(cols))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		if !slices.Contains(srcCols, c.Name) {
			return 0, fmt.Errorf("column %s is not in the SQLite table", c.Name)
		}
		names[i] = c.Name
		quoted[i] = `"` + strings.ReplaceAll(c.Name, `"`, `""`) + `"`
	}
	for _, c := range srcCols {
		if !slices.Contains(names, c) {
			return 0, fmt.Errorf("column %s is not in the PostgreSQL table", c)
		}
	}
	var want int64
	qt := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	if err := stx.GetContext(ctx, &want, "SELECT count(*) FROM "+qt); err != nil {
		return 0, err
	}
	rows, err := stx.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+qt)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	src := &sqliteSource{rows: rows, cols: cols, vals: make([]any, len(cols))}
	err = tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("the PostgreSQL connection is not pgx's")
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, names, src)
		return err
	})
	if err != nil {
		return 0, err
	}
	return want, nil
}

// sqliteSource feeds COPY the source rows one at a time, each value
// converted to its target column's type.
type sqliteSource struct {
	rows *sql.Rows
	cols []pgColumn
	vals []any
	err  error
}

func (s *sqliteSource) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	raw := make([]any, len(s.cols))
	ptrs := make([]any, len(s.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := s.rows.Scan(ptrs...); err != nil {
		s.err = err
		return false
	}
	for i, c := range s.cols {
		v, err := convertValue(raw[i], c.Type)
		if err != nil {
			s.err = fmt.Errorf("column %s: %w", c.Name, err)
			return false
		}
		s.vals[i] = v
	}
	return true
}

func (s *sqliteSource) Values() ([]any, error) { return s.vals, nil }

func (s *sqliteSource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// julianUnixEpoch is 1970-01-01T00:00:00Z as a Julian day number, the
// form scs's SQLite store keeps session expiries in.
const julianUnixEpoch = 2440587.5

// convertValue turns a value as SQLite gave it into one for a PostgreSQL
// column of the given information_schema data type.
func convertValue(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && pgType != "bytea" {
		v = string(b)
	}
	switch pgType {
	case "smallint", "integer", "bigint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x != math.Trunc(x) {
				return nil, fmt.Errorf("%v is not a whole number", x)
			}
			return int64(x), nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			return strconv.ParseFloat(x, 64)
		}
	case "text", "character varying", "character":
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		}
	case "timestamp with time zone", "timestamp without time zone":
		switch x := v.(type) {
		case time.Time:
			return x, nil
		case float64: // a Julian day (scs's SQLite session store)
			secs := (x - julianUnixEpoch) * 86400
			return time.UnixMilli(int64(math.Round(secs * 1000))).UTC(), nil
		case int64: // seconds since 1970
			return time.Unix(x, 0).UTC(), nil
		case string:
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
				if t, err := time.Parse(layout, x); err == nil {
					return t, nil
				}
			}
		}
	case "time":
		if t, ok := v.(time.Time); ok {
			return t, nil
		}
	default:
		return nil, fmt.Errorf("no conversion to PostgreSQL's %s", pgType)
	}
	return nil, fmt.Errorf("cannot convert %T %v to PostgreSQL's %s", v, v, pgType)
}

// resetIdentities sets every identity column's sequence so its next value
// is one past the largest id copied (1 for an empty table).
func resetIdentities(ctx context.Context, tx *txx) error {
	var ids []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
	}
	if err := tx.SelectContext(ctx, &ids, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
		ORDER BY table_name`); err != nil {
		return err
	}
	for _, id := range ids {
		t := pgx.Identifier{id.Table}.Sanitize()
		c := pgx.Identifier{id.Column}.Sanitize()
		_, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX("+c+"), 0) + 1, false) FROM "+t, t, id.Column)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", id.Table, id.Column, err)
		}
	}
	return nil
}

// MovedTables lists the tables a move copies from a SQLite database: its
// tables but goose's and SQLite's own. Tests compare it with the report.
func MovedTables(ctx context.Context, srcPath string) ([]string, error) {
	if _, err := os.Stat(srcPath); err != nil {
		return nil, err
	}
	src, err := openSQLiteReader(srcPath)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	tx, err := src.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return sqliteTables(ctx, tx)
}

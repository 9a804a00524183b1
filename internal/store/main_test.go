package store

import (
	"context"
	"os"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dialects are those every store test runs on.
var dialects = []Dialect{SQLite, Postgres}

// eachDialect runs a test once on SQLite and once on PostgreSQL, each on a
// new database of its own.
func eachDialect(t *testing.T, test func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) { test(t, MustOpenDialect(t, d)) })
	}
}

// MustOpenDialect opens a new database: SQLite in a temporary folder, or a
// database of its own on the test PostgreSQL server.
func MustOpenDialect(tb testing.TB, d Dialect) *DB {
	tb.Helper()
	if d == SQLite {
		return MustOpenDB(tb)
	}
	db, err := Open(context.Background(), pgtest.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// forDialects runs a test once per dialect, leaving the opening to it.
func forDialects(t *testing.T, test func(t *testing.T, d Dialect)) {
	t.Helper()
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) { test(t, d) })
	}
}

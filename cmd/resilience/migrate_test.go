package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// A SQLite database in use (the demo, an upload with its versions, the
// demo's self-assessments, accounts, sessions, audit lines, the read
// model's checkpoint) moves into an empty PostgreSQL database whole: every
// table (none skipped) holds as many rows on both sides, a return's
// figures, the audit log and a user's password hash are the same, the
// session made on SQLite still signs its holder in, new rows get new ids,
// and the server on PostgreSQL gives the same /api/v1/compare answer.
func TestMigrateCopiesSQLiteIntoPostgres(t *testing.T) {
	dbURL := pgtest.URL(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "resilience.db")
	app := startApp(t, dir, func(a *App) { a.DemoCouncils = []int{202, 201} })
	lga := signedIn(t, app, domain.RoleLGA)
	last := domain.LastComplete(time.Now())
	// Two uploads of Camden's last month: two versions of one return.
	for i := range 2 {
		file := templateReturn(t, app, 202, last, float64(i+1))
		if _, err := upload(lga, app.URL(), "camden.xlsx", file); err != nil {
			t.Fatal(err)
		}
	}
	compare := "/api/v1/compare?indicator=CSC_REFERRALS&month=" + last.String() + "&council=202"
	_, want := fetchBody(t, lga, app.URL()+compare)
	before := snapshotOf(t, app.db)
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"migrate", "-database", path, "--to", dbURL}, nil, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out.String(), errOut.String())
	}
	t.Logf("migrate printed:\n%s", out.String())

	// Every table of the SQLite database is in the printed table with the
	// same count on both sides, and the counts are the real ones.
	tables, err := store.MovedTables(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	lite := rawCounts(t, path, tables)
	pg := rawCounts(t, dbURL, tables)
	printed := map[string][2]int64{}
	for _, m := range regexp.MustCompile(`(?m)^(\w+)\s+(\d+)\s+(\d+)\s*$`).FindAllStringSubmatch(out.String(), -1) {
		a, _ := strconv.ParseInt(m[2], 10, 64)
		b, _ := strconv.ParseInt(m[3], 10, 64)
		printed[m[1]] = [2]int64{a, b}
	}
	for _, tb := range tables {
		p, ok := printed[tb]
		if !ok {
			t.Errorf("table %s is not in migrate's report: skipped", tb)
			continue
		}
		if p[0] != lite[tb] || p[1] != pg[tb] || lite[tb] != pg[tb] {
			t.Errorf("table %s: printed %d and %d; SQLite holds %d, PostgreSQL %d", tb, p[0], p[1], lite[tb], pg[tb])
		}
	}
	for _, tb := range []string{"observations", "returns", "submissions", "users", "sessions", "audit_log", "assessments", "frameworks", "settings", "councils", "data_changes"} {
		if lite[tb] == 0 {
			t.Errorf("the SQLite database has no %s to copy; the test should give it some", tb)
		}
	}
	if !strings.Contains(out.String(), "Every table holds as many rows in PostgreSQL as in SQLite") || strings.Contains(out.String(), "differs") {
		t.Errorf("migrate's verdict:\n%s", out.String())
	}

	// The server on PostgreSQL: the same figures, audit lines and hashes,
	// the SQLite session still valid, and the same comparison.
	pgApp := &App{Config: testConfig(dbURL), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now, Stdout: io.Discard}
	if err := pgApp.Start(ctx); err != nil {
		t.Fatal(err)
	}
	register(pgApp)
	t.Cleanup(func() { pgApp.Close() })
	after := snapshotOf(t, pgApp.db)
	if !reflect.DeepEqual(before.camden, after.camden) || len(after.camden) == 0 {
		t.Errorf("Camden's figures: %d on SQLite, %d on PostgreSQL, or they differ", len(before.camden), len(after.camden))
	}
	if !reflect.DeepEqual(before.audit, after.audit) {
		t.Errorf("the audit log differs: %d lines on SQLite, %d on PostgreSQL; first %+v and %+v", len(before.audit), len(after.audit), before.audit[0], after.audit[0])
	}
	if before.hash == "" || before.hash != after.hash {
		t.Errorf("the demo LGA account's password hash: %q on SQLite, %q on PostgreSQL", before.hash, after.hash)
	}
	if !reflect.DeepEqual(before.assessments, after.assessments) {
		t.Errorf("Camden's self-assessments differ: %d and %d", len(before.assessments), len(after.assessments))
	}
	su, _ := url.Parse(app.URL())
	pu, _ := url.Parse(pgApp.URL())
	lga.Jar.SetCookies(pu, lga.Jar.Cookies(su))
	status, got := fetchBody(t, lga, pgApp.URL()+compare)
	if status != http.StatusOK || got != want {
		t.Errorf("%s with the session made on SQLite: %d\n%.400s\nwant (as on SQLite)\n%.400s", compare, status, got, want)
	}
	// The identity sequences continue after the copied ids.
	newAccount(t, pgApp, domain.RoleDCS)
	if err := pgApp.db.Audit(ctx, domain.AuditEntry{Actor: "test", Action: domain.AuditSignOut}); err != nil {
		t.Errorf("a new audit line after the move: %v", err)
	}

	// A second migrate into the same database refuses, naming a table.
	out.Reset()
	err = run(ctx, []string{"migrate", "-database", path, "--to", dbURL}, nil, &out, &errOut)
	if err == nil || !regexp.MustCompile(`not empty: table \w+ holds \d+ rows`).MatchString(err.Error()) {
		t.Errorf("migrate into a database holding rows: %v", err)
	}
}

// migrate refuses a --to that is not a PostgreSQL address, a missing
// --to, and a PostgreSQL -database, saying what it wants.
func TestMigrateRefusesWhatItCannotDo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "resilience.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "-database", path, "--to", "/tmp/other.db"}, `--to must be a PostgreSQL address, postgres://USER:PASSWORD@HOST:5432/DBNAME; "/tmp/other.db" is not`},
		{[]string{"migrate", "-database", path, "--to", "mysql://db/resilience"}, "--to must be a PostgreSQL address"},
		{[]string{"migrate", "-database", path}, "say where to copy to with --to postgres://"},
		{[]string{"migrate", "-database", "postgres://u:secret@db/x", "--to", "postgres://u@db/y"}, "-database must be the SQLite file to copy from; postgres://u@db/x is a PostgreSQL address"},
	} {
		var out, errOut bytes.Buffer
		err := run(ctx, c.args, nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v; want %q", c.args, err, c.want)
		}
	}
}

// A SQLite database at another schema version than this program's is
// refused, saying how to bring it up to date; a missing file is named.
func TestMigrateRefusesAnotherSchemaVersion(t *testing.T) {
	dbURL := pgtest.URL(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "resilience.db")
	prepareDB(t, path)
	execSQLite(t, path, "DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)")
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"migrate", "-database", path, "--to", dbURL}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "schema version") || !strings.Contains(err.Error(), "resilience serve -database "+path) {
		t.Errorf("migrate from an older schema: %v", err)
	}
	err = run(ctx, []string{"migrate", "-database", filepath.Join(t.TempDir(), "none.db"), "--to", dbURL}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "none.db cannot be read") {
		t.Errorf("migrate from a missing file: %v", err)
	}
}

type movedState struct {
	camden      []domain.Observation
	audit       []domain.AuditEntry
	hash        string
	assessments []domain.Assessment
}

func snapshotOf(t *testing.T, db *store.DB) movedState {
	t.Helper()
	ctx := context.Background()
	var s movedState
	var err error
	if s.camden, err = db.CouncilObservations(ctx, 202); err != nil {
		t.Fatal(err)
	}
	if s.audit, err = db.AuditLog(ctx, store.AuditFilter{Limit: 100000}); err != nil {
		t.Fatal(err)
	}
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Role == domain.RoleLGA && strings.HasSuffix(u.Email, "@demo.resilience.invalid") {
			s.hash = u.PasswordHash
		}
	}
	if s.assessments, err = db.Assessments(ctx, 202); err != nil {
		t.Fatal(err)
	}
	return s
}

func fetchBody(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// rawCounts counts each table's rows straight from a SQLite file or a
// PostgreSQL address, past the store.
func rawCounts(t *testing.T, dsn string, tables []string) map[string]int64 {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgresURL(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts := map[string]int64{}
	for _, tb := range tables {
		var n int64
		if err := db.QueryRow(`SELECT count(*) FROM "` + tb + `"`).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		counts[tb] = n
	}
	return counts
}

func execSQLite(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// clock is a settable time source for session timeouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testEnv struct {
	t     testing.TB
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	clock *clock
}

// newTestEnv starts the real handler over a real SQLite database in a
// temporary folder, with the reference data and a few months of figures
// for Camden (202) and Barking and Dagenham (301).
func newTestEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	return newTestEnvOn(t, cfg, "sqlite")
}

// newTestEnvOn is newTestEnv on the given database: "sqlite", or
// "postgres" for a new database on the test PostgreSQL server.
func newTestEnvOn(t *testing.T, cfg Config, dialect string) *testEnv {
	t.Helper()
	addr := filepath.Join(t.TempDir(), "web.db")
	if dialect == "postgres" {
		addr = pgtest.URL(t)
	}
	return newTestEnvAt(t, cfg, addr, testFigures)
}

// testFigures are the test environment's figures: 40 for every indicator
// of two councils over four months.
func testFigures(ref *reference.Data, emit func(domain.Observation) error) error {
	for _, n := range []int{202, 301} {
		for _, m := range []string{"2024-01", "2024-02", "2024-03", "2024-04"} {
			for _, ind := range ref.Indicators {
				if err := emit(domain.Observation{Council: n, Indicator: ind.Code, Month: m, Value: 40}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// newTestEnvWith is newTestEnv with the figures that figures emits.
func newTestEnvWith(t testing.TB, cfg Config, figures func(ref *reference.Data, emit func(domain.Observation) error) error) *testEnv {
	t.Helper()
	return newTestEnvAt(t, cfg, filepath.Join(t.TempDir(), "web.db"), figures)
}

// newTestEnvAt is newTestEnvWith on the database at addr.
func newTestEnvAt(t testing.TB, cfg Config, addr string, figures func(ref *reference.Data, emit func(domain.Observation) error) error) *testEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadReference(ctx, ref, "test"); err != nil {
		t.Fatal(err)
	}
	_, err = db.LoadDemo(ctx, func(emit func(domain.Observation) error) error { return figures(ref, emit) })
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	cfg.Now = clk.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := NewServer(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testEnv{t: t, db: db, srv: srv, ts: ts, clock: clk}
}

// addUser creates an account and returns its password.
func (e *testEnv) addUser(email string, role domain.Role, council int) string {
	e.t.Helper()
	password := auth.RandomPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &domain.User{Email: email, Role: role, Council: council, PasswordHash: hash}
	if err := e.db.CreateUser(context.Background(), u, domain.AuditEntry{Actor: "test"}); err != nil {
		e.t.Fatal(err)
	}
	return password
}

// client is a browser-like client with a cookie jar that does not follow
// redirects, so tests see each response.
func (e *testEnv) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs in with a new client and fails the test unless it worked.
func (e *testEnv) signIn(email, password string) *http.Client {
	e.t.Helper()
	c := e.client()
	resp := e.postForm(c, "/sign-in", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d", email, resp.StatusCode)
	}
	return c
}

func (e *testEnv) postForm(c *http.Client, path string, form url.Values) *http.Response {
	e.t.Helper()
	resp, err := c.PostForm(e.ts.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// get fetches a path and returns the status, body and headers.
func (e *testEnv) get(c *http.Client, path string) (int, string, http.Header) {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "resilience_session" {
			return ck.Value
		}
	}
	return ""
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Two servers starting at the same moment on one new PostgreSQL database
// migrate and seed it once: one set of demo figures, one set of demo
// accounts (printed by one of them). A session made by signing in on one
// is good on the other, and both serve the council pages.
func TestTwoServersOnOnePostgresDatabase(t *testing.T) {
	dbURL := pgtest.URL(t)
	apps := make([]*App, 2)
	outs := make([]*syncBuffer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range apps {
		outs[i] = &syncBuffer{}
		apps[i] = &App{Config: testConfig(dbURL), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Now: time.Now, DemoCouncils: []int{202, 201}, Stdout: outs[i]}
		wg.Go(func() {
			<-start
			errs[i] = apps[i].Start(context.Background())
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		app := apps[i]
		register(app)
		t.Cleanup(func() { app.Close() })
	}
	a, b := apps[0], apps[1]
	if !strings.Contains(a.db.Path, "postgres://") || strings.Contains(a.db.Path, "password") {
		t.Errorf("database shown as %q", a.db.Path)
	}
	ctx := context.Background()
	var accountsAdded int
	if log, err := a.db.AuditLog(ctx, store.AuditFilter{Limit: 1000}); err == nil {
		for _, e := range log {
			if e.Action == domain.AuditUserAdded {
				accountsAdded++
			}
		}
	}
	if accountsAdded != len(domain.Roles) {
		t.Errorf("%d accounts added at first start; want one per role (%d)", accountsAdded, len(domain.Roles))
	}
	printed := 0
	var creds [][]string
	for _, o := range outs {
		lines := regexp.MustCompile(`(?m)^\s+(uploader|dcs|lga|admin)\s+(\S+@demo\.resilience\.invalid)\s+(\S+)`).FindAllStringSubmatch(o.String(), -1)
		printed += len(lines)
		creds = append(creds, lines...)
	}
	if printed != len(domain.Roles) {
		t.Fatalf("%d demo accounts printed across both servers; want %d, by one of them", printed, len(domain.Roles))
	}
	if n1, n2 := countObservations(t, a), countObservations(t, b); n1 == 0 || n1 != n2 {
		t.Errorf("figures seen by the two servers: %d and %d; want the one demo load", n1, n2)
	}

	// Sign in on the first with a printed demo password; the session
	// cookie works on the second, as it would behind a load balancer.
	var lga []string
	for _, c := range creds {
		if c[1] == "lga" {
			lga = c
		}
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(a.URL()+"/sign-in", url.Values{"email": {lga[2]}, "password": {lga[3]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/sign-in" {
		t.Fatalf("signing in on the first server failed: %d", resp.StatusCode)
	}
	au, _ := url.Parse(a.URL())
	bu, _ := url.Parse(b.URL())
	jar.SetCookies(bu, jar.Cookies(au))
	for _, app := range apps {
		resp, err := client.Get(app.URL() + "/councils/202")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/councils/202" || !strings.Contains(string(body), "Camden") {
			t.Errorf("%s/councils/202 with the session from the first server: %d at %s", app.URL(), resp.StatusCode, resp.Request.URL.Path)
		}
	}
	if status, _, _ := get(t, b.URL()+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz on PostgreSQL: %d", status)
	}
}

// backup on PostgreSQL says to use pg_dump, naming the command, and fails.
func TestBackupOnPostgresNamesPgDump(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"backup", "--database", "postgres://resilience:s3cret@db.internal:5432/resilience"}, nil, &out, &errOut)
	if err == nil {
		t.Fatal("backup on PostgreSQL succeeded; want it to fail naming pg_dump")
	}
	msg := err.Error()
	if !strings.Contains(msg, "pg_dump --format=custom --file=resilience.dump 'postgres://resilience@db.internal:5432/resilience'") || strings.Contains(msg, "s3cret") {
		t.Errorf("backup on PostgreSQL: %q", msg)
	}
}

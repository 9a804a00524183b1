package web

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// makeReadOnly makes a file unwritable for this process until the test
// ends. Tests run as root, whom file permissions do not stop, so root
// marks the file immutable (chattr +i), which stops root too.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(path, 0o644) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("cannot make %s read-only as root here (chattr +i: %v %s)", path, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}

func undoReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		_ = os.Chmod(path, 0o644)
		return
	}
	if out, err := exec.Command("chattr", "-i", path).CombinedOutput(); err != nil {
		t.Fatalf("chattr -i: %v %s", err, out)
	}
}

// /healthz answers 200 only while the database can be written: a
// database file made read-only, or a database that refuses writes, gives
// 503, and the health check recovers with the database. HEAD is answered
// too.
func TestHealthCheckFailsWhenTheDatabaseCannotBeWritten(t *testing.T) {
	env := newTestEnv(t, Config{})
	c := env.client()
	health := func(method string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, env.ts.URL+"/healthz", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := health(http.MethodGet); status != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthy: %d %q", status, body)
	}
	if status, body := health(http.MethodHead); status != http.StatusOK || body != "" {
		t.Fatalf("HEAD healthy: %d %q", status, body)
	}

	makeReadOnly(t, env.db.Path)
	if status, body := health(http.MethodGet); status != http.StatusServiceUnavailable || !strings.Contains(body, "database unavailable") {
		t.Errorf("read-only database file: %d %q; want 503", status, body)
	}
	if status, _ := health(http.MethodHead); status != http.StatusServiceUnavailable {
		t.Errorf("HEAD, read-only database file: %d; want 503", status)
	}
	undoReadOnly(t, env.db.Path)
	if status, _ := health(http.MethodGet); status != http.StatusOK {
		t.Errorf("writable again: %d; want 200", status)
	}

	// SQLite itself refusing writes (as with a database opened
	// read-only) fails the check too.
	writer := env.db.SessionDB()
	if _, err := writer.Exec("PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	status, _ := health(http.MethodGet)
	if _, err := writer.Exec("PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable {
		t.Errorf("database refusing writes: %d; want 503", status)
	}
	if status, _ := health(http.MethodGet); status != http.StatusOK {
		t.Errorf("writable again: %d; want 200", status)
	}
}

// Every GET route answers HEAD with the status and headers of GET and no
// body, whoever asks.
func TestHeadIsAnsweredOnEveryGetRoute(t *testing.T) {
	env := newTestEnv(t, Config{})
	heads := map[string]bool{}
	for _, r := range env.srv.engine.Routes() {
		if r.Method == http.MethodHead {
			heads[r.Path] = true
		}
	}
	for _, r := range env.srv.Routes() {
		if r.Method == http.MethodGet && !heads[r.Path] {
			t.Errorf("GET %s has no HEAD", r.Path)
		}
	}
	pw := env.addUser("lga@head.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@head.test", pw)
	for _, tc := range []struct {
		c    *http.Client
		path string
	}{
		{env.client(), "/sign-in"}, {env.client(), "/"}, {env.client(), "/api/v1/councils"}, {env.client(), "/static/css/app.css"},
		{lga, "/"}, {lga, "/councils/202"}, {lga, "/compare?indicator=CSC_CIN"}, {lga, "/compare.csv?indicator=CSC_CIN"},
		{lga, "/api/v1/councils"}, {lga, "/returns/template?council=202&month=2026-09"}, {lga, "/no-such-page"},
		{lga, "/returns/jobs/unknown/progress"},
	} {
		get, err := tc.c.Get(env.ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		getBody, _ := io.ReadAll(get.Body)
		get.Body.Close()
		req, _ := http.NewRequest(http.MethodHead, env.ts.URL+tc.path, nil)
		head, err := tc.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		headBody, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != get.StatusCode || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q; GET: %d %q", tc.path, head.StatusCode, head.Header.Get("Content-Type"), get.StatusCode, get.Header.Get("Content-Type"))
		}
		if len(headBody) != 0 {
			t.Errorf("HEAD %s: a body of %d bytes", tc.path, len(headBody))
		}
		if get.StatusCode == http.StatusOK && len(getBody) == 0 {
			t.Errorf("GET %s: empty", tc.path)
		}
	}
}

package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Anonymous visitors see only the sign-in page, static files and /healthz.
func TestAnonymousVisitorsAreSentToSignIn(t *testing.T) {
	env := newTestEnv(t, Config{})
	c := env.client()
	status, _, hdr := env.get(c, "/councils/202?x=1")
	if status != http.StatusSeeOther || hdr.Get("Location") != "/sign-in?next=%2Fcouncils%2F202%3Fx%3D1" {
		t.Fatalf("status %d, Location %q", status, hdr.Get("Location"))
	}
	status, body, _ := env.get(c, "/api/v1/councils")
	if status != http.StatusUnauthorized || !contains(body, `"error"`) {
		t.Fatalf("API: status %d, body %s", status, body)
	}
}

// SECURITY W1: passwords are stored as argon2id hashes with m ≥ 19 MiB,
// t ≥ 2, p = 1.
func TestPasswordsStoredWithArgon2id(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.addUser("dcs@w1.test", domain.RoleDCS, 202)
	u, err := env.db.UserByEmail(context.Background(), "dcs@w1.test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("stored hash %q is not argon2id with the required parameters", u.PasswordHash)
	}
}

// SECURITY W2: a new session ID at sign-in, HttpOnly SameSite cookie, the
// session ends at sign-out, on idle timeout and when the account is
// disabled.
// Sessions behave alike on SQLite and on PostgreSQL, whose session store
// every instance shares.
func TestSessionLifecycle(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) { testSessionLifecycle(t, dialect) })
	}
}

func testSessionLifecycle(t *testing.T, dialect string) {
	env := newTestEnvOn(t, withSettings(func(c *config.Config) { c.SessionIdleTimeout = 30 * time.Minute }), dialect)
	pw := env.addUser("dcs@w2.test", domain.RoleDCS, 202)

	// The cookie's attributes.
	resp, err := env.client().PostForm(env.ts.URL+"/sign-in", url.Values{"email": {"dcs@w2.test"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "resilience_session" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Lax, not Secure over http", ck)
	}
	if resp.Header.Get("Location") != "/councils/202" {
		t.Errorf("a DCS lands on %q; want their council", resp.Header.Get("Location"))
	}

	// Signing in again issues a new ID; the old one stops working.
	c := env.signIn("dcs@w2.test", pw)
	first := sessionCookie(c, env.ts.URL)
	if resp := env.postForm(c, "/sign-in", url.Values{"email": {"dcs@w2.test"}, "password": {pw}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", resp.StatusCode)
	}
	second := sessionCookie(c, env.ts.URL)
	if first == "" || first == second {
		t.Fatalf("session ID not renewed at sign-in: %q then %q", first, second)
	}
	planted := env.client()
	u, _ := url.Parse(env.ts.URL)
	planted.Jar.SetCookies(u, []*http.Cookie{{Name: "resilience_session", Value: first}})
	if status, _, _ := env.get(planted, "/"); status != http.StatusSeeOther {
		t.Errorf("the replaced session ID still works: status %d", status)
	}

	// Idle timeout.
	if status, _, _ := env.get(c, "/"); status != http.StatusOK {
		t.Fatalf("fresh session: %d", status)
	}
	env.clock.Add(31 * time.Minute)
	if status, _, _ := env.get(c, "/"); status != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: status %d; want a redirect to sign in", status)
	}

	// Sign-out ends the session.
	c = env.signIn("dcs@w2.test", pw)
	token := sessionCookie(c, env.ts.URL)
	if resp := env.postForm(c, "/sign-out", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	old := env.client()
	old.Jar.SetCookies(u, []*http.Cookie{{Name: "resilience_session", Value: token}})
	if status, _, _ := env.get(old, "/"); status != http.StatusSeeOther {
		t.Errorf("session still valid after sign-out: %d", status)
	}
}

func TestSecureCookieWhenServedOverHTTPS(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) { c.BaseURL = "https://resilience.example.gov.uk" }))
	pw := env.addUser("lga@w2.test", domain.RoleLGA, 0)
	resp, err := env.client().PostForm(env.ts.URL+"/sign-in", url.Values{"email": {"lga@w2.test"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "resilience_session" && !c.Secure {
			t.Fatal("cookie not Secure although the base URL is https")
		}
	}
}

// Disabling an account ends its sessions at once, whether done on the
// admin page or from the command line (straight in the database).
func TestDisablingEndsSessionsAtOnce(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) { testDisablingEndsSessionsAtOnce(t, dialect) })
	}
}

func testDisablingEndsSessionsAtOnce(t *testing.T, dialect string) {
	env := newTestEnvOn(t, Config{}, dialect)
	adminPW := env.addUser("admin@disable.test", domain.RoleAdmin, 0)
	pw := env.addUser("uploader@disable.test", domain.RoleUploader, 202)
	victim := env.signIn("uploader@disable.test", pw)
	if status, _, _ := env.get(victim, "/councils/202"); status != http.StatusOK {
		t.Fatalf("before: %d", status)
	}
	u, _ := env.db.UserByEmail(context.Background(), "uploader@disable.test")
	adminClient := env.signIn("admin@disable.test", adminPW)
	if resp := env.postForm(adminClient, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/disable", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if status, _, _ := env.get(victim, "/councils/202"); status != http.StatusSeeOther {
		t.Errorf("disabled user still served: %d", status)
	}
	if resp := env.postForm(env.client(), "/sign-in", url.Values{"email": {"uploader@disable.test"}, "password": {pw}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user signed in: %d", resp.StatusCode)
	}

	// The command-line path changes only the database; the next request
	// is refused all the same.
	pw2 := env.addUser("dcs@disable.test", domain.RoleDCS, 202)
	c := env.signIn("dcs@disable.test", pw2)
	if _, err := env.db.SetUserDisabled(context.Background(), "dcs@disable.test", true, domain.AuditEntry{Actor: "command line"}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := env.get(c, "/"); status != http.StatusSeeOther {
		t.Errorf("user disabled from the command line still served: %d", status)
	}
}

// SECURITY W3: at most 10 failed sign-ins per account in 5 minutes, one
// message for unknown email and wrong password, and a forged
// X-Forwarded-For changes nothing.
func TestPasswordGuessingIsLimited(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("dcs@w3.test", domain.RoleDCS, 202)
	_, unknownBody := env.postSignIn("nobody@w3.test", "wrong password 123", "")
	status, wrongBody := env.postSignIn("dcs@w3.test", "wrong password 123", "")
	if status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", status)
	}
	if !contains(unknownBody, signInFailed) || !contains(wrongBody, signInFailed) {
		t.Fatal("unknown email and wrong password must give the same message")
	}
	for i := 2; i <= 10; i++ {
		// Each guess claims to come from a different address.
		env.postSignIn("dcs@w3.test", "wrong password 123", "203.0.113."+strconv.Itoa(i))
	}
	if status, _ := env.postSignIn("dcs@w3.test", pw, "198.51.100.7"); status != http.StatusUnauthorized {
		t.Fatalf("the right password was accepted after 10 failures: %d", status)
	}
	entries, err := env.db.AuditLog(context.Background(), store.AuditFilter{User: "dcs@w3.test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == domain.AuditSignInFailed && e.Remote != "127.0.0.1" {
			t.Errorf("audit recorded the forged address %q", e.Remote)
		}
	}
	env.clock.Add(5*time.Minute + time.Second)
	if status, _ := env.postSignIn("dcs@w3.test", pw, ""); status != http.StatusSeeOther {
		t.Fatalf("sign-in still refused after the 5-minute window: %d", status)
	}
}

func (e *testEnv) postSignIn(email, password, forwardedFor string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/sign-in", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err := e.client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// SECURITY W5: a state-changing request from another site is refused, and
// nothing changes state on GET.
func TestCrossSiteRequestsRefused(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("dcs@w5.test", domain.RoleDCS, 202)
	c := env.signIn("dcs@w5.test", pw)
	req, _ := http.NewRequest(http.MethodPost, env.ts.URL+"/sign-out", strings.NewReader(""))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site sign-out: %d; want 403", resp.StatusCode)
	}
	if status, _, _ := env.get(c, "/"); status != http.StatusOK {
		t.Fatal("the refused cross-site request still ended the session")
	}
	if status, _, _ := env.get(c, "/sign-out"); status == http.StatusSeeOther || status == http.StatusOK {
		t.Fatalf("GET /sign-out answered %d; signing out must need a POST", status)
	}
	if status, _, _ := env.get(c, "/"); status != http.StatusOK {
		t.Fatal("a GET ended the session")
	}
	for _, r := range env.srv.Routes() {
		if r.Method == http.MethodGet && (strings.Contains(r.Path, "disable") || strings.Contains(r.Path, "enable") || strings.Contains(r.Path, "sign-out")) {
			t.Errorf("state-changing route on GET: %s", r.Path)
		}
	}
}

// SECURITY W4: every response carries the security headers, including a
// cross-origin refusal (which never reaches the application, and still
// gets a request-log line) and an error from the session layer; pages with
// data are not cached.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	var logs lockedBuffer
	env := newTestEnv(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	pw := env.addUser("lga@w4.test", domain.RoleLGA, 0)
	c := env.signIn("lga@w4.test", pw)
	check := func(what string, h http.Header) {
		t.Helper()
		csp := h.Get("Content-Security-Policy")
		if !contains(csp, "script-src 'self'") || !contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", what, csp)
		}
		for _, name := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"} {
			if want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}[name]; h.Get(name) == "" || (want != "" && h.Get(name) != want) {
				t.Errorf("%s: %s %q", what, name, h.Get(name))
			}
		}
	}
	for _, path := range []string{"/", "/councils/202", "/councils/202/areas/ehe.csv", "/api/v1/councils", "/static/css/app.css", "/no-such-page", "/sign-in", "/healthz"} {
		_, _, h := env.get(c, path)
		check(path, h)
	}
	for _, path := range []string{"/sign-out", "/sign-in", "/admin/users", "/api/v1/returns", "/static/css/app.css"} {
		req, _ := http.NewRequest(http.MethodPost, env.ts.URL+path, strings.NewReader("email=x&password=y"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: %d; want 403", path, resp.StatusCode)
		}
		check("cross-origin POST "+path, resp.Header)
		id := resp.Header.Get("X-Request-Id")
		if id == "" {
			t.Errorf("cross-origin POST %s: no X-Request-Id", path)
			continue
		}
		logged := false
		for _, line := range strings.Split(logs.String(), "\n") {
			if contains(line, "msg=request") && contains(line, "request_id="+id) && contains(line, "status=403") && contains(line, "path="+path) {
				logged = true
			}
		}
		if !logged {
			t.Errorf("cross-origin POST %s: no request-log line with status 403 and request ID %s", path, id)
		}
	}
	for _, path := range []string{"/", "/councils/202", "/councils/202/areas/ehe.csv", "/api/v1/councils", "/api/v1/councils/202/series?indicator=CSC_CIN"} {
		if _, _, h := env.get(c, path); h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q; want no-store", path, h.Get("Cache-Control"))
		}
	}
	// With the sessions table gone, loading the session fails before the
	// application runs; that error page carries the headers too.
	if _, err := env.db.SessionDB().Exec("DROP TABLE sessions"); err != nil {
		t.Fatal(err)
	}
	status, _, h := env.get(c, "/")
	if status != http.StatusInternalServerError {
		t.Errorf("with no sessions table: status %d; want 500", status)
	}
	check("session-layer error", h)
}

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// SECURITY V4 (accounts): sign-ins, failures and user changes each write
// one audit line; the admin page lists them newest first and filters.
func TestAuditLogRecordsAccountEvents(t *testing.T) {
	env := newTestEnv(t, Config{})
	adminPW := env.addUser("admin@audit.test", domain.RoleAdmin, 0)
	a := env.signIn("admin@audit.test", adminPW)
	env.postSignIn("admin@audit.test", "not the password!", "")
	resp := env.postForm(a, "/admin/users", url.Values{"email": {"New.Lead@Camden.gov.uk"}, "role": {"uploader"}, "council": {"202"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add user on the admin page: %d", resp.StatusCode)
	}
	entries, err := env.db.AuditLog(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	want := []string{domain.AuditUserAdded, domain.AuditSignInFailed, domain.AuditSignIn, domain.AuditUserAdded}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Fatalf("audit actions newest first = %v; want %v", actions, want)
	}
	if entries[0].Subject != "new.lead@camden.gov.uk" || entries[0].Council != 202 || entries[0].Actor != "admin@audit.test" {
		t.Errorf("user_added entry %+v", entries[0])
	}
	status, body, _ := env.get(a, "/admin/audit?council=202")
	if status != http.StatusOK || !contains(body, "new.lead@camden.gov.uk") || contains(body, ">Sign-in failed</td>") {
		t.Errorf("filtered audit page: status %d", status)
	}
	if _, err := env.db.SessionDB().Exec("DELETE FROM audit_log"); err == nil {
		t.Fatal("the audit log allowed a deletion")
	}
	if _, err := env.db.SessionDB().Exec("UPDATE audit_log SET actor = 'x'"); err == nil {
		t.Fatal("the audit log allowed an update")
	}
}

// SECURITY W3 (concurrency): guesses sent in parallel are counted one at a
// time per account, so 30 at once still get only 10 password checks, and
// the right password is refused afterwards while the account is paused.
func TestPasswordGuessingIsLimitedUnderConcurrency(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("dcs@w3-parallel.test", domain.RoleDCS, 202)
	const guesses = 30
	var wg sync.WaitGroup
	statuses := make(chan int, guesses)
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Differently written forms of the same address share one count.
			email := "dcs@w3-parallel.test"
			if i%3 == 1 {
				email = " DCS@W3-Parallel.test "
			}
			resp, err := env.client().PostForm(env.ts.URL+"/sign-in", url.Values{"email": {email}, "password": {"wrong password " + strconv.Itoa(i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusUnauthorized {
			t.Errorf("a parallel wrong guess answered %d; want 401", st)
		}
	}
	status, body := env.postSignIn("dcs@w3-parallel.test", pw, "")
	if status != http.StatusUnauthorized {
		t.Fatalf("the right password was accepted after %d parallel wrong guesses: %d", guesses, status)
	}
	if !contains(body, signInFailed) {
		t.Error("the refusal while paused must give the one generic message")
	}
	entries, err := env.db.AuditLog(context.Background(), store.AuditFilter{User: "dcs@w3-parallel.test"})
	if err != nil {
		t.Fatal(err)
	}
	checked, paused := 0, 0
	for _, e := range entries {
		if e.Action != domain.AuditSignInFailed {
			continue
		}
		switch e.Detail {
		case "wrong password":
			checked++
		case "too many failed attempts":
			paused++
		}
	}
	if checked != maxFailedSignIns || paused != guesses-maxFailedSignIns+1 {
		t.Errorf("audit: %d guesses checked against the password and %d refused as paused; want %d and %d",
			checked, paused, maxFailedSignIns, guesses-maxFailedSignIns+1)
	}
}

// SECURITY V4 and W3: a failed sign-in to an existing account is recorded
// with that account's council, so the admin audit page's council filter
// shows attacks on a council's accounts; the user filter shows one
// account's failures.
func TestAuditPageFiltersFailedSignIns(t *testing.T) {
	env := newTestEnv(t, Config{})
	adminPW := env.addUser("admin@audit-filter.test", domain.RoleAdmin, 0)
	env.addUser("dcs@camden-filter.test", domain.RoleDCS, 202)
	env.addUser("uploader@barking-filter.test", domain.RoleUploader, 301)
	a := env.signIn("admin@audit-filter.test", adminPW)
	env.postSignIn("dcs@camden-filter.test", "not the password 1", "")
	env.postSignIn("DCS@Camden-Filter.test", "not the password 2", "")
	env.postSignIn("uploader@barking-filter.test", "not the password 3", "")
	env.postSignIn("nobody@camden-filter.test", "not the password 4", "")

	// failedRows returns the table rows of failed sign-ins on an audit page.
	failedRows := func(path string) []string {
		t.Helper()
		status, body, _ := env.get(a, path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		var rows []string
		for _, row := range strings.Split(body, `<tr class="govuk-table__row">`)[1:] {
			if contains(row, ">Sign-in failed</td>") {
				rows = append(rows, row)
			}
		}
		return rows
	}

	rows := failedRows("/admin/audit?council=202")
	if len(rows) != 2 {
		t.Fatalf("?council=202 lists %d failed sign-ins; want the 2 on the Camden account", len(rows))
	}
	for _, row := range rows {
		if !contains(row, "dcs@camden-filter.test") || !contains(row, "Camden (202)") || !contains(row, "wrong password") {
			t.Errorf("?council=202 row %q; want the Camden account's failure with council 202", row)
		}
	}
	if rows := failedRows("/admin/audit?council=301"); len(rows) != 1 || !contains(rows[0], "uploader@barking-filter.test") {
		t.Errorf("?council=301 lists %q; want the one failure on the Barking and Dagenham account", rows)
	}
	rows = failedRows("/admin/audit?user=DCS%40camden-filter.test")
	if len(rows) != 2 {
		t.Fatalf("?user= lists %d failed sign-ins; want 2", len(rows))
	}
	for _, row := range rows {
		if !contains(row, "dcs@camden-filter.test") {
			t.Errorf("?user= row %q is not the Camden account's", row)
		}
	}
	if rows := failedRows("/admin/audit?user=nobody%40camden-filter.test"); len(rows) != 1 || !contains(rows[0], "unknown email") || contains(rows[0], ">202<") {
		t.Errorf("?user= for an unknown address lists %q; want one failure with no council", rows)
	}
	if rows := failedRows("/admin/audit?user=dcs%40camden-filter.test&council=301"); len(rows) != 0 {
		t.Errorf("user and council filters together list %d rows; want none", len(rows))
	}
}

// SECURITY W3: the per-account sign-in lock lets one attempt in at a time,
// lets a waiting attempt give up when its request ends, and forgets an
// address once nobody holds or waits for it.
func TestSignInLockSerialisesAndCleansUp(t *testing.T) {
	var k keyedLock
	ctx := context.Background()
	unlock, err := k.lock(ctx, "a@lock.test")
	if err != nil {
		t.Fatal(err)
	}
	waiting, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := k.lock(waiting, "a@lock.test"); err == nil {
		t.Fatal("a second attempt got the lock while the first held it")
	}
	other, err := k.lock(ctx, "b@lock.test")
	if err != nil {
		t.Fatal("another address had to wait")
	}
	other()
	unlock()
	again, err := k.lock(ctx, "a@lock.test")
	if err != nil {
		t.Fatal(err)
	}
	again()
	if n := len(k.locks); n != 0 {
		t.Errorf("%d locks left after every attempt ended; want 0", n)
	}
}

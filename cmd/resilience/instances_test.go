package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

// buildBinary builds the resilience command once for a test.
func buildBinary(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "resilience")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, msg)
	}
	return out
}

// instance is one `resilience serve` process.
type instance struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
}

// startInstance starts `resilience serve` on a free port of 127.0.0.1
// with the database and settings in the environment, as an operator
// would, and waits for its health check.
func startInstance(t *testing.T, bin string, env ...string) *instance {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	in := &instance{base: "http://" + addr, log: &syncBuffer{}}
	in.cmd = exec.Command(bin, "serve")
	in.cmd.Env = append(os.Environ(), append(env, "RESILIENCE_ADDR="+addr)...)
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = in.cmd.Process.Signal(os.Interrupt)
		_ = in.cmd.Wait()
	})
	waitFor(t, 2*time.Minute, "the instance at "+addr+" to answer its health check", func() bool {
		resp, err := http.Get(in.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return in
}

// waitFor polls cond until it holds, failing the test at the deadline.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
	}
}

// addAccount adds an account with the command line, as an administrator
// would, and returns its password.
func addAccount(t *testing.T, bin, db, email string, role domain.Role, council int) string {
	t.Helper()
	password := auth.RandomPassword()
	args := []string{"users", "add", "--database", db, "--email", email, "--role", string(role), "--password-stdin"}
	if council != 0 {
		args = append(args, "--council", fmt.Sprint(council))
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(password + "\n")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("users add %s: %v\n%s", email, err, msg)
	}
	return password
}

// formUploadTo posts a file to the upload form of one instance and
// returns the job's address.
func formUploadTo(t *testing.T, c *http.Client, base, name string, body []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(body)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/returns", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/returns/jobs/") {
		t.Fatalf("upload to %s: %d to %q", base, resp.StatusCode, job)
	}
	return job
}

type jobProgress struct {
	Stage      string `json:"stage"`
	Done       int    `json:"done"`
	Finished   bool   `json:"finished"`
	Submission int64  `json:"submission_id"`
	Error      string `json:"error"`
}

func progressAt(t *testing.T, c *http.Client, base, job string) jobProgress {
	t.Helper()
	var p jobProgress
	resp, err := c.Get(base + job + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &p) != nil {
		t.Fatalf("progress of %s at %s: %d %.300s", job, base, resp.StatusCode, raw)
	}
	return p
}

// claIn reads one council-month's children looked after from an
// instance's API; ok is false while it holds none.
func claIn(t *testing.T, c *http.Client, base string, council int, month domain.Month) (float64, bool) {
	t.Helper()
	resp, err := c.Get(fmt.Sprintf("%s/api/v1/councils/%d/series?indicator=CSC_CLA", base, council))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Points []struct {
			Month string  `json:"month"`
			Value float64 `json:"value"`
		} `json:"points"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("series at %s: %d", base, resp.StatusCode)
	}
	for _, p := range out.Points {
		if p.Month == month.String() {
			return p.Value, true
		}
	}
	return 0, false
}

// stored counts what an upload stores: figures, council-month returns and
// uploads.
type stored struct{ observations, returns, submissions int }

func countStored(t *testing.T, db string) stored {
	t.Helper()
	conn, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s stored
	for _, q := range []struct {
		table string
		into  *int
	}{{"observations", &s.observations}, {"returns", &s.returns}, {"submissions", &s.submissions}} {
		if err := conn.QueryRow("SELECT count(*) FROM " + q.table).Scan(q.into); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// writeLockHeld reports whether a write transaction is open on the
// database: one holds the advisory lock every write takes.
func writeLockHeld(t *testing.T, db string) bool {
	t.Helper()
	conn, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// Two server processes on one PostgreSQL database behind a round-robin
// reverse proxy. Signed in through the proxy, the session works on both;
// a return uploaded to one is followed through the other and its figures
// reach both within a second, the other applying it incrementally; ten
// guesses of a password spread over both pause the account on both.
// Then the instance storing a large upload is killed with SIGKILL part-way:
// the other keeps serving, reports the upload failed once its heartbeat
// is older than the limit, and nothing from it is stored.
func TestTwoInstancesBehindAProxy(t *testing.T) {
	db := pgtest.URL(t)
	bin := buildBinary(t)
	lgaPW := addAccount(t, bin, db, "lga@instances.test", domain.RoleLGA, 0)
	dcsPW := addAccount(t, bin, db, "dcs@instances.test", domain.RoleDCS, 202)
	env := []string{"RESILIENCE_DATABASE=" + db, "RESILIENCE_NO_DEMO=true", "RESILIENCE_UPLOAD_LOST_AFTER=2s",
		"RESILIENCE_MAX_UPLOAD_MB=100", "RESILIENCE_RECONCILE_QUERY=false", "RESILIENCE_TOLERANCE=1000%",
		// The demo's figures, uploaded to a database without them, raise
		// no queries: the uploads go straight in.
		"RESILIENCE_MIN_CHANGE=1000", "RESILIENCE_MIN_CHANGE_POINTS=100"}
	a, b := startInstance(t, bin, env...), startInstance(t, bin, env...)

	backends := []*url.URL{}
	for _, in := range []*instance{a, b} {
		u, _ := url.Parse(in.base)
		backends = append(backends, u)
	}
	var turn atomic.Int64
	var served [2]atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := int(turn.Add(1)) % 2
		served[i].Add(1)
		r.SetURL(backends[i])
		r.Out.Host = r.In.Host // as a proxy in front passes the site's own name
		r.SetXForwarded()
	}})
	t.Cleanup(proxy.Close)

	// Cookies are not kept apart by port: the jar sends the session got
	// through the proxy to each instance's own address too.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(proxy.URL+"/sign-in", url.Values{"email": {"lga@instances.test"}, "password": {lgaPW}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "/sign-in" {
		t.Fatalf("sign in through the proxy: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, in := range []*instance{a, b} {
		for range 2 {
			// Twice through the proxy as well: once to each instance.
			for _, base := range []string{in.base, proxy.URL} {
				resp, err := c.Get(base + "/api/v1/councils")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s/api/v1/councils with the shared session: %d", base, resp.StatusCode)
				}
			}
		}
	}
	if served[0].Load() == 0 || served[1].Load() == 0 {
		t.Fatalf("the proxy sent requests to %d and %d: want both", served[0].Load(), served[1].Load())
	}

	// A return for Camden uploaded to b, followed through a.
	dir := t.TempDir()
	last := domain.LastComplete(time.Now())
	small := filepath.Join(dir, "camden.xlsx")
	writeDemoWorkbook(t, small, 1, []int{202}, last.Add(-23), last)
	body, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := claIn(t, c, a.base, 202, last); ok {
		t.Fatal("Camden's figures are there before the upload")
	}
	job := formUploadTo(t, c, b.base, "camden.xlsx", body)
	var p jobProgress
	waitFor(t, 2*time.Minute, "the upload to finish, seen through the other instance", func() bool {
		p = progressAt(t, c, a.base, job)
		return p.Finished
	})
	if p.Submission == 0 || p.Error != "" {
		t.Fatalf("the upload, seen through the other instance: %+v", p)
	}
	accepted := time.Now()
	for _, in := range []*instance{a, b} {
		waitFor(t, 10*time.Second, "Camden's figures at "+in.base, func() bool {
			_, ok := claIn(t, c, in.base, 202, last)
			return ok
		})
	}
	if took := time.Since(accepted); took > time.Second {
		t.Errorf("the return reached both instances %s after it was accepted; want within a second", took)
	}
	// a took the new data version in by applying the change, never by
	// reading every figure again.
	waitFor(t, 10*time.Second, "a's log to show the update", func() bool {
		return strings.Contains(a.log.String(), "read model brought up to date")
	})
	for _, line := range strings.Split(a.log.String(), "\n") {
		if strings.Contains(line, "read model brought up to date") && !strings.Contains(line, "incremental=true") {
			t.Errorf("the other instance rebuilt its read model: %s", line)
		}
	}

	// Ten wrong passwords for the Director, alternately to each instance,
	// pause the account on both.
	for i := range 10 {
		in := []*instance{a, b}[i%2]
		resp, err := http.PostForm(in.base+"/sign-in", url.Values{"email": {"dcs@instances.test"}, "password": {fmt.Sprintf("not the password %d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d at %s: %d", i+1, in.base, resp.StatusCode)
		}
	}
	for _, in := range []*instance{a, b} {
		fresh := &http.Client{CheckRedirect: c.CheckRedirect}
		resp, err := fresh.PostForm(in.base+"/sign-in", url.Values{"email": {"dcs@instances.test"}, "password": {dcsPW}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the right password after ten failures spread over both instances, at %s: %d; want paused", in.base, resp.StatusCode)
		}
	}

	// A large bulk upload to b; b is killed once the upload's row shows
	// it well into the file, its figures going into the write transaction
	// (open, holding the write lock).
	big := filepath.Join(dir, "england.xlsx")
	rows := writeDemoWorkbook(t, big, 2, nil, last.Add(-47), last)
	body, err = os.ReadFile(big)
	if err != nil {
		t.Fatal(err)
	}
	before := countStored(t, db)
	job = formUploadTo(t, c, b.base, "england.xlsx", body)
	waitFor(t, 3*time.Minute, "the large upload's row to show progress", func() bool {
		p = progressAt(t, c, a.base, job)
		if p.Finished {
			t.Fatalf("the large upload finished before the kill: %+v", p)
		}
		return ((p.Stage == "reading" && p.Done >= 30_000) || p.Stage == "storing") && writeLockHeld(t, db)
	})
	t.Logf("killing the instance storing the upload at %s, %d of %d rows", p.Stage, p.Done, rows)
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = b.cmd.Wait()

	// The other keeps serving pages and the API.
	for _, path := range []string{"/councils/202", "/api/v1/councils", "/api/v1/councils/202/series?indicator=CSC_CLA", "/returns"} {
		resp, err := c.Get(a.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s after the other instance was killed: %d", path, resp.StatusCode)
		}
	}
	// The upload is reported failed, once its heartbeat is older than
	// the limit.
	waitFor(t, time.Minute, "the killed upload to be reported failed", func() bool {
		p = progressAt(t, c, a.base, job)
		return p.Finished
	})
	if p.Submission != 0 || !strings.Contains(p.Error, "The server handling this upload stopped before it finished. Nothing from the file was stored; please upload it again.") {
		t.Errorf("the killed upload: %+v", p)
	}
	resp, err = c.Get(a.base + job)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(page), "please upload it again") {
		t.Errorf("the killed upload's page: %d", resp.StatusCode)
	}
	// Nothing partial is stored, and the write lock died with the
	// instance: a sign-in, which writes, goes through on the survivor.
	if after := countStored(t, db); after != before {
		t.Errorf("stored before the large upload %+v, after the kill %+v; want unchanged", before, after)
	}
	again, _ := cookiejar.New(nil)
	resp, err = (&http.Client{Jar: again, CheckRedirect: c.CheckRedirect}).PostForm(a.base+"/sign-in",
		url.Values{"email": {"lga@instances.test"}, "password": {lgaPW}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in on the survivor after the kill: %d", resp.StatusCode)
	}
	if _, ok := claIn(t, c, a.base, 202, last); !ok {
		t.Error("Camden's figures are gone from the survivor")
	}
}

package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// twoInstances starts two Servers on one new PostgreSQL database, each
// with a connection pool of its own, as two instances behind a load
// balancer would be.
func twoInstances(t *testing.T) (a, b *testEnv) {
	t.Helper()
	addr := pgtest.URL(t)
	a = newTestEnvAt(t, Config{}, addr, testFigures)
	db, err := store.Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := NewServer(Config{Now: a.clock.Now, Logger: slog.New(slog.DiscardHandler)}, db)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return a, &testEnv{t: t, db: db, srv: srv, ts: ts, clock: a.clock}
}

// progressOf reads a job's progress from one instance.
func (e *testEnv) progressOf(c *http.Client, job string) (int, jobSnapshot) {
	e.t.Helper()
	status, body, _ := e.get(c, job+"/progress")
	var snap jobSnapshot
	if status == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &snap); err != nil {
			e.t.Fatal(err)
		}
	}
	return status, snap
}

// An upload started through one instance is followed through another
// sharing the database: its progress while it is stored, then its end,
// the job's page leading to its report there too. The accepted return
// reaches the other instance's read model within a second, applied to it
// incrementally rather than rebuilt. The uploader alone sees the job.
func TestUploadFollowedThroughAnotherInstance(t *testing.T) {
	a, b := twoInstances(t)
	a.seedPreviousMonth(202)
	pw := a.addUser("lead@instances.test", domain.RoleUploader, 202)
	c := a.signIn("lead@instances.test", pw)
	month := domain.LastComplete(a.clock.Now())
	vals := typicalValues()
	vals["CSC_CLA"] = 333
	file := a.fillTemplate(c, 202, month.String(), vals)

	// Hold the import part-way through storing until the other instance
	// has seen it get there.
	seen := make(chan struct{})
	held := make(chan struct{}, 1)
	a.srv.panicHook = func(stage string, done, _ int) {
		if stage == "storing" && done > 0 {
			select {
			case held <- struct{}{}:
				<-seen
			default:
			}
		}
	}
	// b's read model is loaded before the upload, so the return reaches
	// it as a change.
	if status, _, _ := b.get(c, "/councils/202"); status != http.StatusOK {
		t.Fatalf("/councils/202 on the second instance: %d", status)
	}
	loads0, updates0 := b.srv.model.Counts()

	job := a.formUpload(c, "camden.xlsx", file)
	deadline := time.Now().Add(time.Minute)
	for {
		status, snap := b.progressOf(c, job)
		if status != http.StatusOK {
			t.Fatalf("progress through the second instance: %d", status)
		}
		if snap.Stage == "storing" && snap.Done > 0 && !snap.Finished && snap.Percent > 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second instance never saw the upload storing: %+v", snap)
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(seen)
	snap := b.waitJob(c, job)
	if snap.Submission == 0 || snap.Error != "" || !strings.HasPrefix(snap.Next, "/returns/submissions/") {
		t.Fatalf("the upload's end seen through the second instance: %+v", snap)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(b.ts.URL + job)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != snap.Next {
		t.Errorf("the job's page on the second instance: %d to %q; want the report %s", resp.StatusCode, resp.Header.Get("Location"), snap.Next)
	}
	if status, body, _ := b.get(c, snap.Next); status != http.StatusOK || !contains(body, "Camden") {
		t.Errorf("the report on the second instance: %d", status)
	}

	// Someone else, even an LGA officer, is told there is no such job.
	lgaPW := a.addUser("lga@instances.test", domain.RoleLGA, 0)
	lga := b.signIn("lga@instances.test", lgaPW)
	if status, _ := b.progressOf(lga, job); status != http.StatusNotFound {
		t.Errorf("another user's view of the job: %d; want 404", status)
	}

	// The new figure on the second instance, within a second, by an
	// incremental update.
	start := time.Now()
	for {
		var points []struct {
			Month string  `json:"month"`
			Value float64 `json:"value"`
		}
		status, body, _ := b.get(lga, "/api/v1/councils/202/series?indicator=CSC_CLA")
		if status != http.StatusOK {
			t.Fatalf("series on the second instance: %d %s", status, body)
		}
		var out struct {
			Points json.RawMessage `json:"points"`
		}
		_ = json.Unmarshal([]byte(body), &out)
		_ = json.Unmarshal(out.Points, &points)
		found := false
		for _, p := range points {
			found = found || (p.Month == month.String() && p.Value == 333)
		}
		if found {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the return was not on the second instance a second after it was accepted: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if loads, updates := b.srv.model.Counts(); loads != loads0 || updates <= updates0 {
		t.Errorf("the second instance's read model: %d loads and %d updates, was %d and %d; want updated, not loaded again",
			loads, updates, loads0, updates0)
	}
}

// A job whose server stopped (its heartbeat older than the limit, not
// finished) is failed by the instance that reads it, once, with a message
// saying nothing was stored and to upload the file again, and one audit
// line; an instance starting sweeps such jobs too.
func TestLostUploadIsReportedFailed(t *testing.T) {
	a, b := twoInstances(t)
	pw := a.addUser("lead@lost.test", domain.RoleUploader, 202)
	c := a.signIn("lead@lost.test", pw)
	u, err := a.db.UserByEmail(context.Background(), "lead@lost.test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	started := time.Now().Add(-time.Minute)
	for _, id := range []string{"0123456789abcdef0123dead", "0123456789abcdef0123beef"} {
		if err := a.db.CreateUploadJob(ctx, store.UploadJob{ID: id, UserID: u.ID, RequestID: "req-" + id, Created: started,
			Instance: "gone-host-1-abcd", Stage: "storing"}); err != nil {
			t.Fatal(err)
		}
	}
	status, snap := b.progressOf(c, "/returns/jobs/0123456789abcdef0123dead")
	if status != http.StatusOK || !snap.Finished || snap.Error != errUploadLost.Message || snap.Submission != 0 {
		t.Fatalf("progress of a lost upload: %d %+v", status, snap)
	}
	status, body, _ := a.get(c, "/returns/jobs/0123456789abcdef0123dead")
	if status != http.StatusServiceUnavailable || !contains(body, lostHeading) || !contains(body, "please upload it again") {
		t.Errorf("the lost upload's page: %d\n%s", status, body)
	}
	// A third instance starting sweeps the other.
	if _, err := NewServer(Config{Now: a.clock.Now, Logger: slog.New(slog.DiscardHandler)}, b.db); err != nil {
		t.Fatal(err)
	}
	if j, err := a.db.GetUploadJob(ctx, "0123456789abcdef0123beef"); err != nil || !j.Finished || j.Error != errUploadLost.Message {
		t.Errorf("after an instance started, the other lost upload is %+v, %v", j, err)
	}
	entries, err := a.db.AuditLog(ctx, store.AuditFilter{Action: domain.AuditUploadLost})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit lines for lost uploads: %+v, %v; want one each", entries, err)
	}
	for _, e := range entries {
		if e.Subject != "lead@lost.test" || e.Council != 202 || !contains(e.Detail, "gone-host-1-abcd") {
			t.Errorf("audit line %+v", e)
		}
	}
}

// SECURITY W3 across instances: ten failed sign-ins to one account, sent
// alternately to two instances, pause it on both; the right password is
// then refused on either.
func TestSignInLimitHoldsAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	pw := a.addUser("dcs@limit.test", domain.RoleDCS, 202)
	for i := range maxFailedSignIns {
		env := []*testEnv{a, b}[i%2]
		resp := env.postForm(env.client(), "/sign-in", url.Values{"email": {"dcs@limit.test"}, "password": {"wrong password " + string(rune('a'+i))}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
		}
	}
	for _, env := range []*testEnv{a, b} {
		resp := env.postForm(env.client(), "/sign-in", url.Values{"email": {"dcs@limit.test"}, "password": {pw}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the right password after ten failures across instances, on %s: %d; want refused", env.ts.URL, resp.StatusCode)
		}
	}
}

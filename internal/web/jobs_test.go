package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// dbCounts is what a failed upload must leave as it was: every figure
// (current or not), every upload recorded, and the data version.
type dbCounts struct {
	observations int
	submissions  int
	version      string
}

func (e *testEnv) counts() dbCounts {
	e.t.Helper()
	ctx := context.Background()
	var n dbCounts
	var err error
	if n.observations, err = e.db.CountObservations(ctx); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.SessionReadDB().QueryRowContext(ctx, "SELECT count(*) FROM submissions").Scan(&n.submissions); err != nil {
		e.t.Fatal(err)
	}
	if n.version, err = e.db.DataVersion(ctx); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// logLine finds the log line with all the words, or "".
func logLine(logs string, words ...string) string {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			return line
		}
	}
	return ""
}

// A panic in an upload job, raised inside the write transaction, becomes
// a logged error with the upload's request ID; the job's page says
// "Something went wrong" with that ID; nothing is stored; and the server
// goes on serving, the next upload included (which also shows that the
// failed one let go of the writer). The web upload runs in a goroutine of
// its own, where a panic would otherwise end the whole server.
func TestUploadJobPanicIsContained(t *testing.T) {
	for _, tc := range []struct {
		name string
		// file makes the upload; panicAt decides when the job panics.
		file    func(env *testEnv, c *http.Client) []byte
		panicAt func(stage string, done, total int) bool
	}{
		{
			// A monthly return is stored in one transaction once read
			// and checked; the panic comes after its first figures went
			// in.
			name: "MonthlyReturnWhileStoring",
			file: func(env *testEnv, c *http.Client) []byte {
				return env.fillTemplate(c, 202, domain.LastComplete(env.clock.Now()).String(), typicalValues())
			},
			panicAt: func(stage string, done, _ int) bool { return stage == "storing" && done > 0 },
		},
		{
			// A bulk file's figures go into the write transaction while
			// the rest of it is still read; the panic comes in the
			// middle of reading, once that writing has begun.
			name: "BulkFileWhileReading",
			file: func(env *testEnv, _ *http.Client) []byte {
				last := domain.LastComplete(env.clock.Now())
				return bulkWorkbook(t, []int{202, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314}, last.Add(-95), last)
			},
			// Writing begins after 20,000 figures; the file has 34,560.
			panicAt: func(stage string, done, _ int) bool { return stage == "reading" && done >= 30_000 },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs lockedBuffer
			env := newTestEnv(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			env.seedPreviousMonth(202)
			var panicked atomic.Bool
			env.srv.panicHook = func(stage string, done, total int) {
				if tc.panicAt(stage, done, total) && panicked.CompareAndSwap(false, true) {
					panic("a fault planted by the test")
				}
			}
			pw := env.addUser("lga@panic.test", domain.RoleLGA, 0)
			c := env.signIn("lga@panic.test", pw)
			file := tc.file(env, c)
			before := env.counts()

			resp := env.upload(c, "/returns", "panic.xlsx", file, nil)
			resp.Body.Close()
			uploadID := resp.Header.Get("X-Request-Id")
			job := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/returns/jobs/") || uploadID == "" {
				t.Fatalf("upload: %d to %q, request ID %q", resp.StatusCode, job, uploadID)
			}
			snap := env.waitJob(c, job)
			if !panicked.Load() {
				t.Fatal("the job never reached the point where the test panics")
			}
			if snap.Submission != 0 || snap.Error != internalMessage || snap.Reference != uploadID {
				t.Errorf("progress after the panic: %+v; want the internal error with reference %s", snap, uploadID)
			}

			status, body, _ := env.get(c, job)
			if status != http.StatusInternalServerError {
				t.Errorf("job page after the panic: status %d; want 500", status)
			}
			if !contains(body, "Something went wrong") || !contains(body, "Reference: "+uploadID) {
				t.Errorf("job page after the panic does not say something went wrong with reference %s:\n%s", uploadID, body)
			}
			if contains(body, "a fault planted") {
				t.Error("the job page shows the panic's own words")
			}
			line := logLine(logs.String(), "level=ERROR", "panic in upload", "request_id="+uploadID)
			if line == "" {
				t.Fatalf("no error logged with the upload's request ID %s:\n%s", uploadID, logs.String())
			}
			if !contains(line, "a fault planted by the test") || !contains(line, "stack=") {
				t.Errorf("the log line lacks the panic or its stack: %s", line)
			}
			if after := env.counts(); after != before {
				t.Errorf("the failed upload changed the database: %+v, was %+v", after, before)
			}

			// The server keeps serving, and the same file now goes in.
			if status, _, _ := env.get(c, "/healthz"); status != http.StatusOK {
				t.Errorf("/healthz after the panic: %d", status)
			}
			next := env.waitJob(c, env.formUpload(c, "again.xlsx", file))
			if next.Submission == 0 || next.Error != "" {
				t.Fatalf("the upload after the panic: %+v; want it recorded", next)
			}
			if after := env.counts(); after.submissions != before.submissions+1 {
				t.Errorf("after the second upload: %+v, was %+v; want one upload more", after, before)
			}
		})
	}
}

// An internal failure in an upload job (here, the database refusing
// writes) is logged with the upload's request ID and shown as the
// service's problem, never as a file that "could not be used" (422).
func TestUploadJobInternalErrorIsNotAValidationFailure(t *testing.T) {
	var logs lockedBuffer
	env := newTestEnv(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@internal.test", domain.RoleUploader, 202)
	c := env.signIn("lead@internal.test", pw)
	file := env.fillTemplate(c, 202, domain.LastComplete(env.clock.Now()).String(), typicalValues())
	writer := env.db.SessionDB()
	var once atomic.Bool
	env.srv.panicHook = func(stage string, _, _ int) {
		// Once the file has been received, the database stops taking
		// writes: a fault of the service, not of the file.
		if stage == "checking" && once.CompareAndSwap(false, true) {
			if _, err := writer.Exec("PRAGMA query_only = 1"); err != nil {
				panic(err)
			}
		}
	}
	t.Cleanup(func() { _, _ = writer.Exec("PRAGMA query_only = 0") })
	resp := env.upload(c, "/returns", "camden.xlsx", file, nil)
	resp.Body.Close()
	uploadID, job := resp.Header.Get("X-Request-Id"), resp.Header.Get("Location")
	snap := env.waitJob(c, job)
	if _, err := writer.Exec("PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	if snap.Error != internalMessage || snap.Reference != uploadID {
		t.Errorf("progress: %+v; want the internal error with reference %s", snap, uploadID)
	}
	status, body, _ := env.get(c, job)
	if status != http.StatusInternalServerError || !contains(body, "Something went wrong") || !contains(body, "Reference: "+uploadID) {
		t.Errorf("job page: %d; want 500 with reference %s:\n%s", status, uploadID, body)
	}
	if contains(body, "could not be used") || contains(body, "readonly") {
		t.Errorf("the job page presents the service's fault as the file's, or leaks it:\n%s", body)
	}
	if logLine(logs.String(), "level=ERROR", "upload failed", "request_id="+uploadID, "readonly") == "" {
		t.Errorf("no error logged with the upload's request ID %s:\n%s", uploadID, logs.String())
	}
}

// SECURITY U9: the progress page of an upload the server no longer knows
// (it restarted since) is told so in a 404 with a message upload.js shows,
// rather than being left to poll for ever; the job's own page says the
// same.
func TestProgressOfAnUnknownUploadSaysItIsGone(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("lga@gone.test", domain.RoleLGA, 0)
	c := env.signIn("lga@gone.test", pw)
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+"/returns/jobs/0123456789abcdef01234567/progress", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error struct {
			Status    int    `json:"status"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotFound || out.Error.Status != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("progress of an unknown upload: %d %s %+v; want a 404 in JSON", resp.StatusCode, resp.Header.Get("Content-Type"), out)
	}
	if !contains(out.Error.Message, "no longer being checked") || !contains(out.Error.Message, "upload the file again") {
		t.Errorf("message %q; want it to say the upload is gone and what to do", out.Error.Message)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	status, body, _ := env.get(c, "/returns/jobs/0123456789abcdef01234567")
	if status != http.StatusNotFound || !contains(body, "no longer being checked") {
		t.Errorf("job page of an unknown upload: %d\n%s", status, body)
	}
}

// SECURITY U9: at start-up the server removes the upload files a server
// left behind when it died (a process that no longer runs, or this
// process's ID from before it started, or anything a day old) and keeps
// those of servers still running, and files that are not uploads.
func TestStartUpSweepsUploadFilesLeftByACrash(t *testing.T) {
	tmp := isolateTemp(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	files := map[string]struct {
		modified time.Time
		swept    bool
	}{
		fmt.Sprintf("resilience-upload-p%d-111", dead.Process.Pid): {time.Now(), true},
		fmt.Sprintf("resilience-upload-p%d-222", os.Getpid()):      {processStart.Add(-time.Minute), true},
		fmt.Sprintf("resilience-upload-p%d-333", os.Getpid()):      {time.Now(), false},
		fmt.Sprintf("resilience-upload-p%d-444", os.Getppid()):     {time.Now(), false},
		fmt.Sprintf("resilience-upload-p%d-555", os.Getppid()):     {time.Now().Add(-25 * time.Hour), true},
		"resilience-upload-123456789":                              {time.Now().Add(-48 * time.Hour), true},
		"resilience-upload-987654321":                              {old, false},
		"someone-else.xlsx":                                        {old.Add(-72 * time.Hour), false},
	}
	for name, f := range files {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte("PK"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.modified, f.modified); err != nil {
			t.Fatal(err)
		}
	}
	newTestEnv(t, Config{})
	for name, f := range files {
		_, err := os.Stat(filepath.Join(tmp, name))
		if gone := os.IsNotExist(err); gone != f.swept {
			t.Errorf("%s: removed %v; want %v", name, gone, f.swept)
		}
	}
}

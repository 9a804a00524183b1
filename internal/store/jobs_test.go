package store

import (
	"context"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// An upload job's row, on SQLite and on PostgreSQL: created, its progress
// written while it runs (never once it has finished), finished with its
// outcome; a job whose heartbeat stopped is failed once, with one audit
// line, and a fresh one is left alone; old jobs are forgotten.
func TestUploadJobRows(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		t0 := time.Now().Truncate(time.Millisecond)
		lost := domain.Errorf(domain.EUNAVAILABLE, "The server stopped.")
		audit := func(j *UploadJob) domain.AuditEntry {
			return domain.AuditEntry{Actor: "system", Action: domain.AuditUploadLost, Subject: j.ID, Detail: j.Instance}
		}
		for _, id := range []string{"running", "dead", "done"} {
			if err := db.CreateUploadJob(ctx, UploadJob{ID: id, UserID: 7, RequestID: "req-" + id, Created: t0, Instance: "host-1-abc", Stage: "waiting"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.GetUploadJob(ctx, "nothing"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("an unknown job: %v; want not found", err)
		}
		ok, err := db.SaveUploadJobProgress(ctx, "running", "storing", 500, 2000, t0.Add(10*time.Second))
		if err != nil || !ok {
			t.Fatalf("progress: %v, %v", ok, err)
		}
		j, err := db.GetUploadJob(ctx, "running")
		if err != nil {
			t.Fatal(err)
		}
		if j.UserID != 7 || j.RequestID != "req-running" || !j.Created.Equal(t0) || j.Instance != "host-1-abc" ||
			j.Stage != "storing" || j.Done != 500 || j.Total != 2000 || j.Finished || !j.Heartbeat.Equal(t0.Add(10*time.Second)) || j.Err() != nil {
			t.Errorf("running job read back as %+v", j)
		}
		if err := db.FinishUploadJob(ctx, UploadJob{ID: "done", Stage: "storing", Done: 10, Total: 10, Unchanged: true, Existing: 42}, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.SaveUploadJobProgress(ctx, "done", "reading", 1, 1, t0.Add(2*time.Second)); err != nil || ok {
			t.Errorf("progress after the end: %v, %v; want it refused", ok, err)
		}
		if j, _ := db.GetUploadJob(ctx, "done"); !j.Finished || !j.Unchanged || j.Existing != 42 || j.Stage != "storing" {
			t.Errorf("finished job read back as %+v", j)
		}

		// At t0+5s the dead job (heartbeat t0) is stale; the running one
		// (t0+10s) is not.
		stale := t0.Add(5 * time.Second)
		if j, marked, err := db.MarkUploadJobLost(ctx, "running", stale, lost, audit); err != nil || marked || j.Finished {
			t.Errorf("a job with a fresh heartbeat: marked %v, %+v, %v; want it left running", marked, j, err)
		}
		swept, err := db.MarkLostUploadJobs(ctx, stale, lost, audit)
		if err != nil || len(swept) != 1 || swept[0].ID != "dead" {
			t.Fatalf("sweep: %v, %v; want the dead job", swept, err)
		}
		j, marked, err := db.MarkUploadJobLost(ctx, "dead", stale, lost, audit)
		if err != nil || marked || !j.Finished || domain.ErrorCode(j.Err()) != domain.EUNAVAILABLE || domain.ErrorMessage(j.Err()) != lost.Message {
			t.Errorf("the dead job again: marked %v, %+v, %v; want it failed once already", marked, j, err)
		}
		entries, err := db.AuditLog(ctx, AuditFilter{Action: domain.AuditUploadLost})
		if err != nil || len(entries) != 1 || entries[0].Subject != "dead" {
			t.Errorf("audit lines for lost uploads: %+v, %v; want one for the dead job", entries, err)
		}
		// The instance that ran a job has the last word on its outcome.
		if err := db.FinishUploadJob(ctx, UploadJob{ID: "dead", Stage: "storing", Submission: 9}, t0.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
		if j, _ := db.GetUploadJob(ctx, "dead"); j.Submission != 9 || j.Err() != nil {
			t.Errorf("a job finished after being marked lost: %+v", j)
		}

		n, err := db.DeleteUploadJobs(ctx, t0.Add(time.Millisecond), t0.Add(5*time.Second))
		if err != nil || n != 2 {
			t.Errorf("deleted %d, %v; want the two finished jobs", n, err)
		}
		if _, err := db.GetUploadJob(ctx, "running"); err != nil {
			t.Errorf("the running job was forgotten: %v", err)
		}
	})
}

package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// An upload is read, checked and stored in the background, so a large
// bulk load can show a progress bar. The truth about a job is its row in
// the database (store.UploadJob): the instance running it writes its
// progress there, throttled, and a heartbeat every second; any instance
// sharing the database serves the job's page and progress from the row,
// and fails a job whose heartbeat stopped (its server died) with
// errUploadLost. What stays in the process is only what must: the
// goroutine, the file on local disk, and the job's latest state, which the
// instance running it serves from memory (on SQLite its row cannot be
// written while the import holds the one writer).
const (
	// progressEvery is the least time between two progress writes of one
	// job, but for a new stage and the end, written at once.
	progressEvery = 200 * time.Millisecond
	// heartbeatEvery is how often a running job writes to its row even
	// when it has not moved.
	heartbeatEvery = time.Second
	// jobRetention is how long a job is kept after it was started.
	jobRetention = 2 * time.Hour
)

// errUploadLost is what a job whose server stopped part-way says.
var errUploadLost = domain.Errorf(domain.EUNAVAILABLE, "The server handling this upload stopped before it finished. "+
	"Nothing from the file was stored; please upload it again.")

// lostHeading is the job page's heading for such an upload.
const lostHeading = "Your upload was not finished"

// errJobGone answers for a job the database does not hold: most often one
// that finished more than jobRetention ago.
var errJobGone = domain.Errorf(domain.ENOTFOUND, "This upload is no longer being checked: the service may have restarted since it was sent. "+
	"Look at the council's returns to see whether it was stored, and if it was not, upload the file again.")

// newInstanceID names this process among the instances sharing a
// database: its host, its process ID and a random part.
func newInstanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// job is an upload this process is running.
type job struct {
	ID        string
	UserID    int64
	Created   time.Time
	RequestID string
	instance  string

	mu       sync.Mutex
	stage    string
	done     int
	total    int
	finished bool
	result   *intake.Result
	err      error

	// nudge tells the job's writer there is news; created is closed once
	// its row has been written (or could not be).
	nudge   chan struct{}
	created chan struct{}
}

type jobSnapshot struct {
	Stage      string `json:"stage"`
	Done       int    `json:"done"`
	Total      int    `json:"total"`
	Percent    int    `json:"percent"`
	Finished   bool   `json:"finished"`
	Submission int64  `json:"submission_id,omitempty"`
	// Unchanged: the file is identical to the return held, in Existing;
	// nothing was recorded.
	Unchanged bool   `json:"unchanged,omitempty"`
	Existing  int64  `json:"existing_submission_id,omitempty"`
	Error     string `json:"error,omitempty"`
	// Reference is, for an internal failure, the request ID it was
	// logged under.
	Reference string `json:"reference,omitempty"`
	Next      string `json:"next,omitempty"`
}

func (j *job) progress(stage string, done, total int) {
	j.mu.Lock()
	j.stage, j.done, j.total = stage, done, total
	j.mu.Unlock()
	j.poke()
}

func (j *job) finish(res *intake.Result, err error) {
	j.mu.Lock()
	j.result, j.err, j.finished = res, err, true
	j.mu.Unlock()
	j.poke()
}

func (j *job) poke() {
	select {
	case j.nudge <- struct{}{}:
	default:
	}
}

// row is the job's state as its row holds it.
func (j *job) row() *store.UploadJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := &store.UploadJob{ID: j.ID, UserID: j.UserID, RequestID: j.RequestID, Created: j.Created, Instance: j.instance,
		Stage: j.stage, Done: j.done, Total: j.total, Finished: j.finished}
	if !j.finished {
		return r
	}
	if j.result != nil && j.result.Submission != nil {
		r.Submission = j.result.Submission.ID
	}
	if j.result != nil && j.result.Status == domain.StatusUnchanged {
		r.Unchanged, r.Existing = true, j.result.Existing
	}
	if j.err != nil {
		r.ErrorCode, r.Error = domain.ErrorCode(j.err), domain.ErrorMessage(j.err)
		if r.ErrorCode == domain.EINTERNAL {
			r.Reference = j.RequestID
		}
	}
	return r
}

// snapshotOf is what the progress bar is told of a job.
func snapshotOf(r *store.UploadJob) jobSnapshot {
	s := jobSnapshot{Stage: r.Stage, Done: r.Done, Total: r.Total, Finished: r.Finished}
	// Reading is the first half of the bar, storing the second; checking
	// is quick.
	switch r.Stage {
	case "reading":
		s.Percent = 10
	case "checking":
		s.Percent = 45
	case "storing":
		s.Percent = 50
		if r.Total > 0 {
			s.Percent = 50 + 49*r.Done/r.Total
		}
	}
	if r.Finished {
		s.Percent = 100
		s.Submission = r.Submission
		s.Unchanged, s.Existing = r.Unchanged, r.Existing
		if err := r.Err(); err != nil {
			s.Error = domain.ErrorMessage(err)
			if domain.ErrorCode(err) == domain.EINTERNAL {
				s.Error, s.Reference = internalMessage, r.RequestID
			}
		}
	}
	return s
}

// jobs holds the uploads this process is running, until each one's
// outcome is in its row.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.m[id]
}

func (js *jobs) remove(id string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	delete(js.m, id)
}

// add makes a new job, forgetting any older than jobRetention whose row
// was never written.
func (js *jobs) add(userID int64, requestID, instance string) *job {
	var b [12]byte
	_, _ = rand.Read(b[:])
	j := &job{ID: hex.EncodeToString(b[:]), UserID: userID, RequestID: requestID, Created: time.Now(), instance: instance,
		stage: "waiting", nudge: make(chan struct{}, 1), created: make(chan struct{})}
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.m == nil {
		js.m = map[string]*job{}
	}
	for id, old := range js.m {
		if time.Since(old.Created) > jobRetention {
			delete(js.m, id)
		}
	}
	js.m[j.ID] = j
	return j
}

// startJob runs an intake request in the background. Whatever happens in
// it, a panic included, the job ends with a result or an error, the
// uploaded file is removed (SECURITY U9) and the server keeps serving; an
// internal failure is logged with the upload's request ID. On PostgreSQL
// it returns once the job's row exists, so any instance can show it.
func (s *Server) startJob(ctx context.Context, req intake.Request, userID int64, requestID string) *job {
	j := s.jobs.add(userID, requestID, s.instance)
	hook := s.panicHook
	req.Progress = func(stage string, done, total int) {
		j.progress(stage, done, total)
		if hook != nil {
			hook(stage, done, total)
		}
	}
	go s.writeJob(j)
	go s.runJob(j, req)
	if s.db.Dialect() == store.Postgres {
		select {
		case <-j.created:
		case <-ctx.Done():
		}
	}
	return j
}

func (s *Server) runJob(j *job, req intake.Request) {
	var (
		res *intake.Result
		err error
	)
	defer func() {
		switch r := recover(); {
		case r != nil:
			res, err = nil, fmt.Errorf("upload %s panicked: %v", j.ID, r)
			s.cfg.Logger.Error("panic in upload", "error", err, "request_id", j.RequestID, "job", j.ID,
				"file", req.FileName, "stack", string(debug.Stack()))
		case res == nil && err == nil:
			err = errors.New("the upload finished without a result")
			fallthrough
		case domain.ErrorCode(err) == domain.EINTERNAL:
			// Internal errors are the service's fault, never the file's:
			// logged, and shown as such.
			s.cfg.Logger.Error("upload failed", "error", err, "request_id", j.RequestID, "job", j.ID, "file", req.FileName)
		}
		// The file goes before the job says it has finished, so nothing
		// is left behind once the browser (or a test) sees the result.
		_ = os.Remove(req.Path)
		j.finish(res, err)
	}()
	res, err = s.intake.Submit(context.Background(), req)
}

// writeJob keeps a job's row up to date while it runs: it creates it,
// writes progress at most every progressEvery (a new stage at once), a
// heartbeat every heartbeatEvery, and the outcome at the end, after which
// the job is served from its row alone. A write that fails is logged and
// tried again at the next step; the process keeps serving the job from
// memory meanwhile.
func (s *Server) writeJob(j *job) {
	ctx := context.Background()
	first := j.row()
	if err := s.db.CreateUploadJob(ctx, *first); err != nil {
		s.cfg.Logger.Error("upload job not recorded", "error", err, "job", j.ID, "request_id", j.RequestID)
	}
	close(j.created)
	now := time.Now()
	if _, err := s.db.DeleteUploadJobs(ctx, now.Add(-jobRetention), now.Add(-s.lostAfter)); err != nil {
		s.cfg.Logger.Warn("old upload jobs not removed", "error", err)
	}
	tick := time.NewTicker(heartbeatEvery)
	defer tick.Stop()
	var (
		last      = now
		lastStage = first.Stage
		later     <-chan time.Time
	)
	for {
		select {
		case <-j.nudge:
		case <-tick.C:
		case <-later:
			later = nil
		}
		r := j.row()
		if r.Finished {
			s.finishJobRow(ctx, j, r)
			return
		}
		if r.Stage == lastStage && time.Since(last) < progressEvery {
			if later == nil {
				later = time.After(progressEvery - time.Since(last))
			}
			continue
		}
		if _, err := s.db.SaveUploadJobProgress(ctx, r.ID, r.Stage, r.Done, r.Total, time.Now()); err != nil {
			s.cfg.Logger.Warn("upload progress not recorded", "error", err, "job", j.ID)
			continue
		}
		last, lastStage = time.Now(), r.Stage
	}
}

// finishJobRow writes a job's outcome, trying again for a while if the
// database does not take it, and then lets the row serve the job.
func (s *Server) finishJobRow(ctx context.Context, j *job, r *store.UploadJob) {
	for try := 0; ; try++ {
		err := s.db.FinishUploadJob(ctx, *r, time.Now())
		if err == nil {
			s.jobs.remove(j.ID)
			return
		}
		if try >= 60 {
			s.cfg.Logger.Error("upload outcome not recorded; this server alone can show it", "error", err, "job", j.ID, "request_id", j.RequestID)
			return
		}
		time.Sleep(time.Second)
	}
}

// uploadJob finds a job: one this process runs from memory, any other
// from its row, failing it first if its heartbeat stopped more than
// lostAfter ago (its server died part-way). nil means there is no such
// job.
func (s *Server) uploadJob(ctx context.Context, id string) (*store.UploadJob, error) {
	if j := s.jobs.get(id); j != nil {
		return j.row(), nil
	}
	r, err := s.db.GetUploadJob(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	if err != nil || r.Finished || time.Since(r.Heartbeat) <= s.lostAfter {
		return r, err
	}
	r, marked, err := s.db.MarkUploadJobLost(ctx, id, time.Now().Add(-s.lostAfter), errUploadLost, s.lostAudit(ctx))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	if marked {
		s.cfg.Logger.Warn("upload lost: its server stopped before it finished", "job", id, "instance", r.Instance, "request_id", r.RequestID)
	}
	return r, err
}

// lostAudit makes the audit line for an upload found lost: the uploader
// as its subject, under their council.
func (s *Server) lostAudit(ctx context.Context) func(*store.UploadJob) domain.AuditEntry {
	return func(r *store.UploadJob) domain.AuditEntry {
		e := domain.AuditEntry{Actor: "system", Action: domain.AuditUploadLost,
			Detail: fmt.Sprintf("upload %s (request %s) stopped on %s before it finished; nothing was stored", r.ID, r.RequestID, r.Instance)}
		if u, err := s.db.UserByID(ctx, r.UserID); err == nil {
			e.Subject, e.Council = u.Email, u.Council
		}
		return e
	}
}

// sweepLostJobs fails, as an instance starts, the jobs whose server
// stopped part-way.
func (s *Server) sweepLostJobs() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lost, err := s.db.MarkLostUploadJobs(ctx, time.Now().Add(-s.lostAfter), errUploadLost, s.lostAudit(ctx))
	if err != nil {
		s.cfg.Logger.Warn("uploads left by a stopped server not checked", "error", err)
	}
	if len(lost) > 0 {
		s.cfg.Logger.Warn("uploads whose server stopped before they finished marked failed", "uploads", len(lost))
	}
}

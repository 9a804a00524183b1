package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
)

// job is one upload being processed in the background, so a large bulk
// load can show a progress bar while it is read, checked and stored.
type job struct {
	ID      string
	UserID  int64
	Created time.Time
	// RequestID is the upload request's ID: a failure of the job is logged
	// under it, and the job's page quotes it.
	RequestID string

	mu       sync.Mutex
	stage    string
	done     int
	total    int
	finished bool
	result   *intake.Result
	err      error
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
	defer j.mu.Unlock()
	j.stage, j.done, j.total = stage, done, total
}

func (j *job) finish(res *intake.Result, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.result, j.err, j.finished = res, err, true
}

// failure is the error a finished job ended with, or nil.
func (j *job) failure() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

func (j *job) snapshot() jobSnapshot {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := jobSnapshot{Stage: j.stage, Done: j.done, Total: j.total, Finished: j.finished}
	// Reading is the first half of the bar, storing the second; checking
	// is quick.
	switch j.stage {
	case "reading":
		s.Percent = 10
	case "checking":
		s.Percent = 45
	case "storing":
		s.Percent = 50
		if j.total > 0 {
			s.Percent = 50 + 49*j.done/j.total
		}
	}
	if j.finished {
		s.Percent = 100
		if j.result != nil && j.result.Submission != nil && j.result.Submission.ID != 0 {
			s.Submission = j.result.Submission.ID
		}
		if j.result != nil && j.result.Status == domain.StatusUnchanged {
			s.Unchanged, s.Existing = true, j.result.Existing
		}
		if j.err != nil {
			s.Error = domain.ErrorMessage(j.err)
			if domain.ErrorCode(j.err) == domain.EINTERNAL {
				s.Error, s.Reference = internalMessage, j.RequestID
			}
		}
	}
	return s
}

// jobs holds the uploads in progress and recently finished. They live in
// memory only: after a restart, a job's pages say it is gone.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.m[id]
}

// add makes a new job and forgets those older than two hours.
func (js *jobs) add(userID int64, requestID string) *job {
	var b [12]byte
	_, _ = rand.Read(b[:])
	j := &job{ID: hex.EncodeToString(b[:]), UserID: userID, RequestID: requestID, Created: time.Now(), stage: "waiting"}
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.m == nil {
		js.m = map[string]*job{}
	}
	for id, old := range js.m {
		if time.Since(old.Created) > 2*time.Hour {
			delete(js.m, id)
		}
	}
	js.m[j.ID] = j
	return j
}

// errJobGone answers for a job this server does not know: most often one
// that was running when the service restarted.
var errJobGone = domain.Errorf(domain.ENOTFOUND, "This upload is no longer being checked: the service may have restarted since it was sent. "+
	"Look at the council's returns to see whether it was stored, and if it was not, upload the file again.")

// startJob runs an intake request in the background. Whatever happens in
// it, a panic included, the job ends with a result or an error, the
// uploaded file is removed (SECURITY U9) and the server keeps serving; an
// internal failure is logged with the upload's request ID.
func (s *Server) startJob(req intake.Request, userID int64, requestID string) *job {
	j := s.jobs.add(userID, requestID)
	hook := s.panicHook
	req.Progress = func(stage string, done, total int) {
		j.progress(stage, done, total)
		if hook != nil {
			hook(stage, done, total)
		}
	}
	go s.runJob(j, req)
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

package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
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
	Next      string `json:"next,omitempty"`
}

func (j *job) progress(stage string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stage, j.done, j.total = stage, done, total
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
		}
	}
	return s
}

// jobs holds the uploads in progress and recently finished.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.m[id]
}

// start runs an intake request in the background and removes the
// uploaded file when it is done (SECURITY U9).
func (js *jobs) start(svc *intake.Service, req intake.Request, userID int64) *job {
	var b [12]byte
	_, _ = rand.Read(b[:])
	j := &job{ID: hex.EncodeToString(b[:]), UserID: userID, Created: time.Now(), stage: "waiting"}
	js.mu.Lock()
	if js.m == nil {
		js.m = map[string]*job{}
	}
	for id, old := range js.m {
		if time.Since(old.Created) > 2*time.Hour {
			delete(js.m, id)
		}
	}
	js.m[j.ID] = j
	js.mu.Unlock()
	req.Progress = j.progress
	go func() {
		res, err := svc.Submit(context.Background(), req)
		// The file goes before the job says it has finished, so nothing
		// is left behind once the browser (or a test) sees the result.
		_ = os.Remove(req.Path)
		j.mu.Lock()
		j.result, j.err, j.finished = res, err, true
		j.mu.Unlock()
	}()
	return j
}

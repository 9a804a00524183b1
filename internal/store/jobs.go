package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// UploadJob is an upload being read, checked and stored in the background,
// as its row in upload_jobs holds it. The instance running it writes its
// progress there, and any instance sharing the database serves its pages
// from the row, so a job started on one instance can be followed from
// another.
type UploadJob struct {
	ID        string
	UserID    int64
	RequestID string
	Created   time.Time
	// Instance names the process running the job: host, process ID and
	// a random part made when it started.
	Instance string
	Stage    string
	Done     int
	Total    int
	Finished bool
	// Submission is the upload recorded, when one was; Unchanged says the
	// file was identical to the return held, upload Existing.
	Submission int64
	Unchanged  bool
	Existing   int64
	// ErrorCode and Error are the failure a finished job ended with, as
	// domain.Error's code and message; Reference is the request ID an
	// internal failure was logged under.
	ErrorCode string
	Error     string
	Reference string
	// Heartbeat is when the instance running the job last wrote to it.
	Heartbeat time.Time
}

// Err is the failure the job ended with, or nil.
func (j *UploadJob) Err() error {
	if j.ErrorCode == "" && j.Error == "" {
		return nil
	}
	code := j.ErrorCode
	if code == "" {
		code = domain.EINTERNAL
	}
	return &domain.Error{Code: code, Message: j.Error}
}

// uploadJobRow is an upload_jobs row as it is stored: flags as 0/1 and
// times as Unix milliseconds, alike in both dialects.
type uploadJobRow struct {
	ID         string `db:"id"`
	UserID     int64  `db:"user_id"`
	RequestID  string `db:"request_id"`
	Created    int64  `db:"created_at"`
	Instance   string `db:"instance"`
	Stage      string `db:"stage"`
	Done       int    `db:"done"`
	Total      int    `db:"total"`
	Finished   bool   `db:"finished"`
	Submission int64  `db:"submission_id"`
	Unchanged  bool   `db:"unchanged"`
	Existing   int64  `db:"existing_submission_id"`
	ErrorCode  string `db:"error_code"`
	Error      string `db:"error"`
	Reference  string `db:"reference"`
	Heartbeat  int64  `db:"heartbeat_at"`
}

const uploadJobColumns = `id, user_id, request_id, created_at, instance, stage, done, total, finished,
	submission_id, unchanged, existing_submission_id, error_code, error, reference, heartbeat_at`

func (r uploadJobRow) job() *UploadJob {
	return &UploadJob{ID: r.ID, UserID: r.UserID, RequestID: r.RequestID, Created: time.UnixMilli(r.Created).UTC(),
		Instance: r.Instance, Stage: r.Stage, Done: r.Done, Total: r.Total, Finished: r.Finished,
		Submission: r.Submission, Unchanged: r.Unchanged, Existing: r.Existing,
		ErrorCode: r.ErrorCode, Error: r.Error, Reference: r.Reference, Heartbeat: time.UnixMilli(r.Heartbeat).UTC()}
}

// Job writes never take the write lock every change to the data takes
// (beginWrite): on PostgreSQL an import holds that lock for as long as it
// runs, and its progress must reach the row meanwhile. They touch only
// upload_jobs (and, for a lost job, the audit log), which no data version
// depends on. On SQLite they wait for the one writer connection like any
// other write.

// CreateUploadJob records a new job, its heartbeat at its creation.
func (db *DB) CreateUploadJob(ctx context.Context, j UploadJob) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO upload_jobs (id, user_id, request_id, created_at, instance, stage, heartbeat_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, j.ID, j.UserID, j.RequestID, j.Created.UnixMilli(), j.Instance, j.Stage, j.Created.UnixMilli())
	return err
}

// SaveUploadJobProgress writes a running job's stage and counts, and its
// heartbeat as of now. It reports false when the job is no longer
// running in the row: finished, marked lost by another instance, or gone.
func (db *DB) SaveUploadJobProgress(ctx context.Context, id, stage string, done, total int, now time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE upload_jobs SET stage = ?, done = ?, total = ?, heartbeat_at = ?
		WHERE id = ? AND finished = 0`, stage, done, total, now.UnixMilli(), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishUploadJob writes a job's outcome. The instance that ran it has the
// last word: were the job marked lost meanwhile (its heartbeat late, the
// instance alive after all), the true outcome replaces that verdict.
func (db *DB) FinishUploadJob(ctx context.Context, j UploadJob, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE upload_jobs SET stage = ?, done = ?, total = ?, finished = 1,
		submission_id = ?, unchanged = ?, existing_submission_id = ?, error_code = ?, error = ?, reference = ?, heartbeat_at = ?
		WHERE id = ?`, j.Stage, j.Done, j.Total, j.Submission, j.Unchanged, j.Existing, j.ErrorCode, j.Error, j.Reference, now.UnixMilli(), j.ID)
	return err
}

// GetUploadJob reads one job; a job with no row is ENOTFOUND.
func (db *DB) GetUploadJob(ctx context.Context, id string) (*UploadJob, error) {
	var r uploadJobRow
	err := db.r.GetContext(ctx, &r, "SELECT "+uploadJobColumns+" FROM upload_jobs WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no upload %s.", id)
	}
	if err != nil {
		return nil, err
	}
	return r.job(), nil
}

// MarkUploadJobLost fails a job that has not finished and whose heartbeat
// is older than staleBefore: the instance running it stopped. The failure
// is written once, with its audit line (made by audit from the job) in the
// same transaction; the job is returned as it stands afterwards, and
// marked says whether this call was the one that failed it.
func (db *DB) MarkUploadJobLost(ctx context.Context, id string, staleBefore time.Time, failure *domain.Error,
	audit func(*UploadJob) domain.AuditEntry) (j *UploadJob, marked bool, err error) {
	err = db.inJobTx(ctx, func(tx *txx) error {
		res, err := tx.ExecContext(ctx, `UPDATE upload_jobs SET finished = 1, error_code = ?, error = ?
			WHERE id = ? AND finished = 0 AND heartbeat_at < ?`, failure.Code, failure.Message, id, staleBefore.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		var r uploadJobRow
		if err := tx.GetContext(ctx, &r, "SELECT "+uploadJobColumns+" FROM upload_jobs WHERE id = ?", id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return domain.Errorf(domain.ENOTFOUND, "There is no upload %s.", id)
			}
			return err
		}
		j, marked = r.job(), n == 1
		if marked && audit != nil {
			return db.appendAudit(ctx, tx, audit(j))
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return j, marked, nil
}

// MarkLostUploadJobs fails every unfinished job whose heartbeat is older
// than staleBefore, as MarkUploadJobLost does one, and returns those it
// failed: an instance sweeps them as it starts.
func (db *DB) MarkLostUploadJobs(ctx context.Context, staleBefore time.Time, failure *domain.Error,
	audit func(*UploadJob) domain.AuditEntry) ([]*UploadJob, error) {
	var ids []string
	if err := db.r.SelectContext(ctx, &ids, "SELECT id FROM upload_jobs WHERE finished = 0 AND heartbeat_at < ? ORDER BY created_at",
		staleBefore.UnixMilli()); err != nil {
		return nil, err
	}
	var out []*UploadJob
	for _, id := range ids {
		j, marked, err := db.MarkUploadJobLost(ctx, id, staleBefore, failure, audit)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			continue
		}
		if err != nil {
			return out, err
		}
		if marked {
			out = append(out, j)
		}
	}
	return out, nil
}

// DeleteUploadJobs forgets the jobs created before a time that have
// finished or whose heartbeat stopped before staleBefore, and reports how
// many went.
func (db *DB) DeleteUploadJobs(ctx context.Context, createdBefore, staleBefore time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, "DELETE FROM upload_jobs WHERE created_at < ? AND (finished = 1 OR heartbeat_at < ?)",
		createdBefore.UnixMilli(), staleBefore.UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// inJobTx runs fn in a transaction that, on PostgreSQL, does not take the
// write lock (see the note above CreateUploadJob); on SQLite it is an
// ordinary write transaction.
func (db *DB) inJobTx(ctx context.Context, fn func(tx *txx) error) error {
	if db.dialect != Postgres {
		return db.inTx(ctx, fn)
	}
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	x := &txx{Tx: tx, d: db.dialect}
	defer x.Rollback()
	if err := fn(x); err != nil {
		return err
	}
	return x.Commit()
}

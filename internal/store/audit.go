package store

import (
	"context"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// auditTime is precise to the millisecond and sorts as text.
const auditTime = "2006-01-02T15:04:05.000Z07:00"

// FormatAuditTime writes a time as the audit log stores it, for callers
// with a clock of their own.
func FormatAuditTime(t time.Time) string { return t.UTC().Format(auditTime) }

// Audit appends one line to the audit log.
func (db *DB) Audit(ctx context.Context, e domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *txx) error { return db.appendAudit(ctx, tx, e) })
}

func (db *DB) appendAudit(ctx context.Context, tx *txx, e domain.AuditEntry) error {
	if e.At == "" {
		e.At = db.now().UTC().Format(auditTime)
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	_, err := tx.NamedExecContext(ctx, `INSERT INTO audit_log (at, actor, action, council, subject, detail, remote)
		VALUES (:at, :actor, :action, :council, :subject, :detail, :remote)`, e)
	return err
}

// AuditFilter narrows the audit log listing.
type AuditFilter struct {
	// User matches the actor or the subject (an email address).
	User    string
	Council int
	// Action is one audit action's code.
	Action string
	// From and To bound the time (To excluded); zero for no bound.
	From, To time.Time
	// Limit and Offset page through the lines, newest first.
	Limit  int
	Offset int
}

// AuditLog lists audit lines, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, error) {
	var where []string
	var args []any
	if u := domain.NormaliseEmail(f.User); u != "" {
		where = append(where, "(actor = ? OR subject = ?)")
		args = append(args, u, u)
	}
	if f.Council != 0 {
		where = append(where, "council = ?")
		args = append(args, f.Council)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC().Format(auditTime))
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC().Format(auditTime))
	}
	q := "SELECT id, at, actor, action, council, subject, detail, remote FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q += " ORDER BY id DESC LIMIT ? OFFSET ?"
	args = append(args, f.Limit, max(f.Offset, 0))
	var out []domain.AuditEntry
	err := db.r.SelectContext(ctx, &out, q, args...)
	return out, err
}

// FailedSignIns counts failed sign-ins for an email address since a time,
// for the per-account limit on password guessing (SECURITY W3).
func (db *DB) FailedSignIns(ctx context.Context, email string, since time.Time) (int, error) {
	var n int
	err := db.w.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = ? AND subject = ? AND at >= ?`,
		domain.AuditSignInFailed, domain.NormaliseEmail(email), since.UTC().Format(auditTime))
	return n, err
}

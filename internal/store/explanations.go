package store

import (
	"context"
	"fmt"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SaveExplanations keeps the explanations given so far to a submission
// still waiting for more (its messages as sub now holds them), with one
// audit line saying how many queries are explained, so that a bulk load's
// queries can be explained a group at a time. It fails with ECONFLICT if
// the submission no longer waits.
func (db *DB) SaveExplanations(ctx context.Context, sub *domain.Submission, explained, waiting int, audit domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *txx) error {
		res, err := tx.ExecContext(ctx, `UPDATE submissions SET messages = ?, error_count = ?, query_count = ? WHERE id = ? AND status = ?`,
			sub.MessagesJSON, sub.ErrorCount, sub.QueryCount, sub.ID, domain.StatusAwaiting)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.ECONFLICT, "This upload is no longer waiting for explanations; upload the file again.")
		}
		audit.Action = domain.AuditReturnExplainedInPart
		audit.Council = sub.Council
		audit.Subject = fmt.Sprintf("submission %d", sub.ID)
		audit.Detail = fmt.Sprintf("%s (sha256 %s): %d queries explained, %d still waiting", sub.FileName, sub.SHA256, explained, waiting)
		if audit.Actor == "" {
			audit.Actor = sub.SubmittedBy
		}
		return db.appendAudit(ctx, tx, audit)
	})
}

// ReturnMessages is the validation messages of a submission that holds
// current returns of a council.
type ReturnMessages struct {
	SubmissionID int64  `db:"id"`
	Messages     string `db:"messages"`
}

// CurrentReturnMessages lists, once each, the submissions whose returns
// are current for a council in the months from first to last, with their
// messages: where the explanations of its figures' queries are.
func (db *DB) CurrentReturnMessages(ctx context.Context, council int, first, last domain.Month) ([]ReturnMessages, error) {
	var out []ReturnMessages
	err := db.r.SelectContext(ctx, &out, `SELECT s.id, s.messages FROM submissions s
		WHERE s.query_count > 0 AND s.id IN (SELECT r.submission_id FROM returns r
			WHERE r.la_number = ? AND r.current = 1 AND r.month BETWEEN ? AND ?)
		ORDER BY s.id DESC`, council, first.String(), last.String())
	return out, err
}

// CurrentNotes lists a council's current figures from first to last that
// carry a note, newest month first.
func (db *DB) CurrentNotes(ctx context.Context, council int, first, last domain.Month) ([]domain.Observation, error) {
	var out []domain.Observation
	err := db.r.SelectContext(ctx, &out, `SELECT o.la_number, o.indicator, o.month, o.value, o.note
		FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
		WHERE o.la_number = ? AND o.month BETWEEN ? AND ? AND o.note <> ''
		ORDER BY o.month DESC, o.indicator`, council, first.String(), last.String())
	return out, err
}

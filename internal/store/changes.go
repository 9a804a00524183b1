package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SaveChanges keeps with a submission what it changes in the returns it
// replaces (domain.Changes as JSON), for its report.
func (db *DB) SaveChanges(ctx context.Context, id int64, c domain.Changes) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `UPDATE submissions SET changes = ? WHERE id = ?`, string(b), id)
	return err
}

// Changes returns what a submission changes in the returns it replaces;
// the zero Changes for one that replaces nothing.
func (db *DB) Changes(ctx context.Context, id int64) (domain.Changes, error) {
	var raw string
	var c domain.Changes
	if err := db.r.GetContext(ctx, &raw, `SELECT changes FROM submissions WHERE id = ?`, id); err != nil {
		return c, err
	}
	if raw == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return c, fmt.Errorf("changes of upload %d: %w", id, err)
	}
	return c, nil
}

// Replacement says how much of what a stored submission made current for
// a council has since been replaced by later versions.
type Replacement string

// Replacements of a stored submission's returns for one council.
const (
	ReplacedNone   Replacement = ""
	ReplacedPartly Replacement = "partly"
	ReplacedAll    Replacement = "all"
)

// Replaced tells, for each of the given submissions that made returns
// for the council, whether later versions have replaced all of them,
// some, or none: the uploads list marks replaced versions.
func (db *DB) Replaced(ctx context.Context, council int, ids []int64) (map[int64]Replacement, error) {
	out := map[int64]Replacement{}
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT submission_id, count(*) AS n, sum(current) AS cur FROM returns
		WHERE la_number = ? AND submission_id IN (?) GROUP BY submission_id`, council, ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID      int64 `db:"submission_id"`
		N       int   `db:"n"`
		Current int   `db:"cur"`
	}
	if err := db.r.SelectContext(ctx, &rows, db.r.Rebind(q), args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		switch {
		case r.Current == 0:
			out[r.ID] = ReplacedAll
		case r.Current < r.N:
			out[r.ID] = ReplacedPartly
		}
	}
	return out, nil
}

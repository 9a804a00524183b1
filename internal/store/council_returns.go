package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// CouncilMonthReturns gives, for one council and each month from first
// to last, its return as the tracker sees it (MonthReturn), keyed by
// month (YYYY-MM); months with neither a current return nor an upload
// waiting for explanations are absent. It is what the council's returns
// grid and start page need, in three queries whatever the span.
func (db *DB) CouncilMonthReturns(ctx context.Context, council int, first, last domain.Month) (map[string]*MonthReturn, error) {
	out := map[string]*MonthReturn{}
	get := func(month string) *MonthReturn {
		if out[month] == nil {
			out[month] = &MonthReturn{Council: council}
		}
		return out[month]
	}
	var current []struct {
		Month      string `db:"month"`
		Submission int64  `db:"submission_id"`
		SubCouncil int    `db:"la_number"`
		At         string `db:"submitted_at"`
		By         string `db:"submitted_by"`
		Queries    int    `db:"query_count"`
		Demo       bool   `db:"demo"`
		Messages   string `db:"messages"`
	}
	if err := db.r.SelectContext(ctx, &current, `SELECT r.month, r.submission_id, s.la_number, s.submitted_at, s.submitted_by,
		s.query_count, s.demo, CASE WHEN s.query_count > 0 THEN s.messages ELSE '' END AS messages
		FROM returns r JOIN submissions s ON s.id = r.submission_id
		WHERE r.la_number = ? AND r.current = 1 AND r.month BETWEEN ? AND ?`, council, first.String(), last.String()); err != nil {
		return nil, err
	}
	for _, c := range current {
		r := get(c.Month)
		r.Current, r.Submission, r.SubmittedAt, r.SubmittedBy, r.Demo = true, c.Submission, c.At, c.By, c.Demo
		if c.Queries > 0 {
			var ms []domain.Message
			if err := json.Unmarshal([]byte(c.Messages), &ms); err == nil {
				r.ExplainedQueries = queriesAbout(ms, c.SubCouncil, council, c.Month)
			}
		}
	}
	held, err := db.CouncilHeld(ctx, council, first, last)
	if err != nil {
		return nil, err
	}
	for month, codes := range held {
		get(month).Held = codes
	}
	// Uploads waiting for explanations that name the council; a bulk load
	// is taken to cover every month it names for every council it names,
	// as MonthReturns takes it.
	var waiting []struct {
		ID       int64  `db:"id"`
		At       string `db:"submitted_at"`
		By       string `db:"submitted_by"`
		Council  int    `db:"la_number"`
		Councils string `db:"councils"`
		Months   string `db:"months"`
	}
	if err := db.r.SelectContext(ctx, &waiting, `SELECT id, submitted_at, submitted_by, la_number, councils, months FROM submissions
		WHERE status = ? AND (la_number = ? OR ' ' || councils || ' ' LIKE ?) ORDER BY id`,
		domain.StatusAwaiting, council, "% "+strconv.Itoa(council)+" %"); err != nil {
		return nil, err
	}
	for _, w := range waiting {
		if w.Council != council && !strings.Contains(" "+w.Councils+" ", " "+strconv.Itoa(council)+" ") {
			continue
		}
		for _, month := range strings.Fields(w.Months) {
			m, err := domain.ParseMonth(month)
			if err != nil || m.Before(first) || last.Before(m) {
				continue
			}
			r := get(month)
			r.Awaiting, r.AwaitingAt, r.AwaitingBy = w.ID, w.At, w.By // later ones win
		}
	}
	return out, nil
}

// CurrentMonthFigures lists a council's current figures for one month,
// with any note written beside them, by indicator code.
func (db *DB) CurrentMonthFigures(ctx context.Context, council int, m domain.Month) ([]domain.Observation, error) {
	var out []domain.Observation
	err := db.r.SelectContext(ctx, &out, `SELECT o.la_number, o.indicator, o.month, o.value, o.note
		FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
		WHERE o.la_number = ? AND o.month = ? ORDER BY o.indicator`, council, m.String())
	return out, err
}

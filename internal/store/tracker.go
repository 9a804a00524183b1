package store

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// MonthReturn is what the returns tracker knows of one council's return
// for one month: the current return (if any), the upload behind it, and
// any upload covering the council and month that waits for explanations.
type MonthReturn struct {
	Council int
	// Current is true when the council has a current return for the month.
	Current bool
	// Held lists, sorted, the indicators the current return has a figure
	// for.
	Held []string
	// Submission is the upload behind the current return, with when and
	// by whom it was made; Demo marks the demonstration data.
	Submission  int64
	SubmittedAt string
	SubmittedBy string
	Demo        bool
	// ExplainedQueries counts the queries about this council and month
	// that the upload behind the current return raised: it was stored,
	// so each was explained.
	ExplainedQueries int
	// Awaiting is the latest upload covering the council and month that
	// waits for explanations (0 when none), with when and by whom.
	Awaiting   int64
	AwaitingAt string
	AwaitingBy string
}

// MissingRequired lists, in the order given, the required indicators the
// current return has no figure for (every one when there is none).
func (r *MonthReturn) MissingRequired(required []string) []string {
	var out []string
	for _, code := range required {
		if _, held := slices.BinarySearch(r.Held, code); !held {
			out = append(out, code)
		}
	}
	return out
}

// State is the return's state for the tracker (domain.ReturnMissing and
// the rest), given the codes of the required indicators. An upload
// waiting for explanations takes precedence, since the council has acted
// and the next move is theirs.
func (r *MonthReturn) State(required []string) string {
	switch {
	case r.Awaiting != 0:
		return domain.ReturnWaiting
	case !r.Current:
		return domain.ReturnMissing
	case len(r.MissingRequired(required)) > 0:
		return domain.ReturnPartial
	case r.ExplainedQueries > 0:
		return domain.ReturnExplained
	}
	return domain.ReturnComplete
}

// LastUpload is the latest upload for the council and month: the one
// waiting for explanations if there is one, otherwise the one behind the
// current return (zero when neither).
func (r *MonthReturn) LastUpload() (id int64, at, by string, demo bool) {
	if r.Awaiting != 0 {
		return r.Awaiting, r.AwaitingAt, r.AwaitingBy, false
	}
	return r.Submission, r.SubmittedAt, r.SubmittedBy, r.Demo
}

// MonthReturns gives, for one month, every council's return as the
// tracker needs it, keyed by LA number; councils with neither a current
// return nor an upload waiting for explanations are absent. It runs a
// handful of queries for all councils together, not one per council.
func (db *DB) MonthReturns(ctx context.Context, m domain.Month) (map[int]*MonthReturn, error) {
	month := m.String()
	out := map[int]*MonthReturn{}
	get := func(n int) *MonthReturn {
		if out[n] == nil {
			out[n] = &MonthReturn{Council: n}
		}
		return out[n]
	}

	// The current returns and the uploads behind them.
	var current []struct {
		Council    int    `db:"la_number"`
		Submission int64  `db:"submission_id"`
		At         string `db:"submitted_at"`
		By         string `db:"submitted_by"`
		Queries    int    `db:"query_count"`
		Demo       bool   `db:"demo"`
	}
	if err := db.r.SelectContext(ctx, &current, `SELECT r.la_number, r.submission_id, s.submitted_at, s.submitted_by, s.query_count, s.demo
		FROM returns r JOIN submissions s ON s.id = r.submission_id
		WHERE r.month = ? AND r.current = 1`, month); err != nil {
		return nil, err
	}
	queried := map[int64][]int{} // submission → councils whose return it is
	for _, c := range current {
		r := get(c.Council)
		r.Current, r.Submission, r.SubmittedAt, r.SubmittedBy, r.Demo = true, c.Submission, c.At, c.By, c.Demo
		if c.Queries > 0 {
			queried[c.Submission] = append(queried[c.Submission], c.Council)
		}
	}

	// The indicators each current return holds.
	rows, err := db.r.QueryContext(ctx, `SELECT o.la_number, o.indicator
		FROM observations o JOIN returns r ON r.id = o.return_id
		WHERE r.month = ? AND r.current = 1 ORDER BY o.la_number, o.indicator`, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var code string
		if err := rows.Scan(&n, &code); err != nil {
			return nil, err
		}
		r := get(n)
		r.Held = append(r.Held, code)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	// The queries the uploads behind them raised, counted for the council
	// and month each concerns.
	if len(queried) > 0 {
		ids := make([]int64, 0, len(queried))
		for id := range queried {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		q, args, err := sqlx.In(`SELECT id, la_number, messages FROM submissions WHERE id IN (?)`, ids)
		if err != nil {
			return nil, err
		}
		var subs []struct {
			ID       int64  `db:"id"`
			Council  int    `db:"la_number"`
			Messages string `db:"messages"`
		}
		if err := db.r.SelectContext(ctx, &subs, db.r.Rebind(q), args...); err != nil {
			return nil, err
		}
		for _, s := range subs {
			var ms []domain.Message
			if err := json.Unmarshal([]byte(s.Messages), &ms); err != nil {
				continue
			}
			for _, n := range queried[s.ID] {
				out[n].ExplainedQueries = queriesAbout(ms, s.Council, n, month)
			}
		}
	}

	// Uploads waiting for explanations that cover the month. A bulk load
	// is taken to cover every month it names for every council it names,
	// as supersedeOverlapping takes it.
	var waiting []struct {
		ID       int64  `db:"id"`
		At       string `db:"submitted_at"`
		By       string `db:"submitted_by"`
		Councils string `db:"councils"`
	}
	if err := db.r.SelectContext(ctx, &waiting, `SELECT id, submitted_at, submitted_by, councils FROM submissions
		WHERE status = ? AND ' ' || months || ' ' LIKE ? ORDER BY id`, domain.StatusAwaiting, "% "+month+" %"); err != nil {
		return nil, err
	}
	for _, w := range waiting {
		for _, f := range strings.Fields(w.Councils) {
			n, err := strconv.Atoi(f)
			if err != nil {
				continue
			}
			r := get(n)
			r.Awaiting, r.AwaitingAt, r.AwaitingBy = w.ID, w.At, w.By // later ones win
		}
	}
	return out, nil
}

// queriesAbout counts the queries among an upload's messages that concern
// one council and month. A message that names no council belongs to the
// upload's own council (a template return); one that names no month, to
// every month the upload covers.
func queriesAbout(ms []domain.Message, subCouncil, council int, month string) int {
	n := 0
	for _, m := range ms {
		if m.Severity != domain.SeverityQuery {
			continue
		}
		if m.Council != council && (m.Council != 0 || subCouncil != council) {
			continue
		}
		if m.Month != "" && m.Month != month {
			continue
		}
		n++
	}
	return n
}

// CouncilHeld lists, for one council and each month from first to last
// that it has a current return for, the indicators that return holds
// (sorted): what the council's returns page needs to say which month is
// due next.
func (db *DB) CouncilHeld(ctx context.Context, council int, first, last domain.Month) (map[string][]string, error) {
	var rows []struct {
		Month     string `db:"month"`
		Indicator string `db:"indicator"`
	}
	if err := db.r.SelectContext(ctx, &rows, `SELECT r.month, coalesce(o.indicator, '') AS indicator
		FROM returns r LEFT JOIN observations o ON o.return_id = r.id
		WHERE r.la_number = ? AND r.current = 1 AND r.month BETWEEN ? AND ?
		ORDER BY r.month, o.indicator`, council, first.String(), last.String()); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range rows {
		if r.Indicator == "" {
			if _, ok := out[r.Month]; !ok {
				out[r.Month] = []string{}
			}
			continue
		}
		out[r.Month] = append(out[r.Month], r.Indicator)
	}
	return out, nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

const settingDemo = "demo_loaded"

// DemoLoaded reports whether the demonstration data is in the database, so
// that every page can say so.
func (db *DB) DemoLoaded(ctx context.Context) (bool, error) {
	v, err := db.Setting(ctx, settingDemo)
	return v == "1", err
}

// HasObservations reports whether any monthly figure is stored.
func (db *DB) HasObservations(ctx context.Context) (bool, error) {
	var has bool
	err := db.r.GetContext(ctx, &has, "SELECT EXISTS (SELECT 1 FROM observations)")
	return has, err
}

// LoadDemo stores the demonstration data that generate emits, in one
// transaction, as one submission with one current return per council and
// month, and marks the database as holding demo data. It returns the number
// of observations stored.
func (db *DB) LoadDemo(ctx context.Context, generate func(emit func(domain.Observation) error) error) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *txx) error {
		now := db.now().UTC().Format(time.RFC3339)
		var sub int64
		if err := tx.GetContext(ctx, &sub, `INSERT INTO submissions (submitted_by, submitted_at, source, layout, demo)
			VALUES ('demonstration data generator', ?, 'demo', 'demo', 1) RETURNING id`, now); err != nil {
			return err
		}
		w := newObservationWriter(ctx, tx, sub, now)
		if err := generate(w.add); err != nil {
			return fmt.Errorf("generate demo data: %w", err)
		}
		if err := w.flush(); err != nil {
			return err
		}
		n = w.count
		if err := bumpDataVersion(ctx, tx, ChangeAll); err != nil {
			return err
		}
		return setSetting(ctx, tx, settingDemo, "1")
	})
	return n, err
}

// observationWriter buffers observations and writes them with multi-row
// inserts, creating the return each council and month needs on first sight.
type observationWriter struct {
	ctx        context.Context
	tx         *txx
	submission int64
	now        string
	returns    map[returnKey]int64
	buf        []domain.Observation
	count      int
}

type returnKey struct {
	council int
	month   string
}

func newObservationWriter(ctx context.Context, tx *txx, submission int64, now string) *observationWriter {
	return &observationWriter{ctx: ctx, tx: tx, submission: submission, now: now, returns: map[returnKey]int64{}}
}

func (w *observationWriter) add(o domain.Observation) error {
	w.buf = append(w.buf, o)
	if len(w.buf) >= 5000 {
		return w.flush()
	}
	return nil
}

// flush writes the buffered figures, first creating, in batches, the
// returns of the council-months not seen before (one INSERT per council
// and month would be a round trip each on PostgreSQL: 18,000 for the
// national demo).
func (w *observationWriter) flush() error {
	var fresh []CouncilMonth
	for _, o := range w.buf {
		k := returnKey{o.Council, o.Month}
		if _, ok := w.returns[k]; !ok {
			w.returns[k] = 0
			fresh = append(fresh, CouncilMonth{o.Council, o.Month})
		}
	}
	if len(fresh) > 0 {
		created, err := newVersions(w.ctx, w.tx, w.submission, fresh, w.now)
		if err != nil {
			return fmt.Errorf("create returns: %w", err)
		}
		for _, k := range fresh {
			id, ok := created[k]
			if !ok {
				return fmt.Errorf("create return for council %d, %s: none was made", k.Council, k.Month)
			}
			w.returns[returnKey{k.Council, k.Month}] = id
		}
	}
	ids := make([]int64, len(w.buf))
	for i, o := range w.buf {
		ids[i] = w.returns[returnKey{o.Council, o.Month}]
	}
	err := copyRows(w.ctx, w.tx, "observations", []string{"return_id", "la_number", "indicator", "month", "value"}, len(w.buf), func(i int) []any {
		o := w.buf[i]
		return []any{ids[i], o.Council, o.Indicator, o.Month, o.Value}
	})
	if err != nil {
		return fmt.Errorf("store observations: %w", err)
	}
	w.count += len(w.buf)
	w.buf = w.buf[:0]
	return nil
}

// CouncilObservations returns every current monthly figure for a council,
// ordered by indicator and month.
func (db *DB) CouncilObservations(ctx context.Context, council int) ([]domain.Observation, error) {
	var out []domain.Observation
	err := db.r.SelectContext(ctx, &out, `SELECT o.la_number, o.indicator, o.month, o.value
		FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
		WHERE o.la_number = ? ORDER BY o.indicator, o.month`, council)
	return out, err
}

// Series returns the current monthly figures of one indicator for a
// council, ordered by month.
func (db *DB) Series(ctx context.Context, council int, indicator string) ([]domain.Observation, error) {
	var out []domain.Observation
	err := db.r.SelectContext(ctx, &out, `SELECT o.la_number, o.indicator, o.month, o.value
		FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
		WHERE o.la_number = ? AND o.indicator = ? ORDER BY o.month`, council, indicator)
	return out, err
}

// CountObservations counts every stored figure, current or not.
func (db *DB) CountObservations(ctx context.Context) (int, error) {
	var n int
	err := db.r.GetContext(ctx, &n, "SELECT count(*) FROM observations")
	return n, err
}

// EachCurrentObservation calls fn for every current figure, streaming the
// rows rather than building a slice, for the in-memory data set that
// comparisons are computed from.
func (db *DB) EachCurrentObservation(ctx context.Context, fn func(council int, indicator, month string, value float64)) error {
	return db.eachObservation(ctx, `SELECT o.la_number, o.indicator, o.month, o.value
		FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1`, nil, fn)
}

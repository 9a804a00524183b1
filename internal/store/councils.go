package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Councils returns the current councils ordered by region and name.
func (db *DB) Councils(ctx context.Context) ([]domain.Council, error) {
	var out []domain.Council
	err := db.r.SelectContext(ctx, &out, `SELECT la_number, ons_code, name, region_code, region_name, current,
		start_date, end_date, successors FROM councils WHERE current = 1 ORDER BY region_name, name`)
	return out, err
}

// AllCouncils returns every council, current and former (Northamptonshire,
// Cumbria ...), ordered by region and name.
func (db *DB) AllCouncils(ctx context.Context) ([]domain.Council, error) {
	var out []domain.Council
	err := db.r.SelectContext(ctx, &out, `SELECT la_number, ons_code, name, region_code, region_name, current,
		start_date, end_date, successors FROM councils ORDER BY region_name, name, la_number`)
	return out, err
}

// Council returns the council with a DfE LA number, current or predecessor.
func (db *DB) Council(ctx context.Context, number int) (domain.Council, error) {
	var c domain.Council
	err := db.r.GetContext(ctx, &c, `SELECT la_number, ons_code, name, region_code, region_name, current,
		start_date, end_date, successors FROM councils WHERE la_number = ?`, number)
	if errors.Is(err, sql.ErrNoRows) {
		return c, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %d.", number)
	}
	return c, err
}

// CouncilByCode returns the council an ONS code belongs to, current or
// retired (Barnsley is E08000038 and was E08000016).
func (db *DB) CouncilByCode(ctx context.Context, ons string) (domain.Council, error) {
	var n int
	err := db.r.GetContext(ctx, &n, "SELECT la_number FROM council_codes WHERE ons_code = ?", ons)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Council{}, domain.Errorf(domain.ENOTFOUND, "There is no council with ONS code %q.", ons)
	} else if err != nil {
		return domain.Council{}, err
	}
	return db.Council(ctx, n)
}

// Neighbours returns a council's statistical neighbours, closest first.
func (db *DB) Neighbours(ctx context.Context, number int) ([]domain.Neighbour, error) {
	var out []domain.Neighbour
	err := db.r.SelectContext(ctx, &out, `SELECT la_number, rank, neighbour, closeness FROM neighbours
		WHERE la_number = ? ORDER BY rank`, number)
	return out, err
}

// Populations returns every population estimate at one level ("national",
// "regional" or "council"), ordered by area and year.
func (db *DB) Populations(ctx context.Context, level string) ([]domain.Population, error) {
	var out []domain.Population
	err := db.r.SelectContext(ctx, &out, `SELECT level, area, year, children FROM populations
		WHERE level = ? ORDER BY area, year`, level)
	return out, err
}

// Indicators returns the catalogue in display order.
func (db *DB) Indicators(ctx context.Context) ([]domain.Indicator, error) {
	var out []domain.Indicator
	err := db.r.SelectContext(ctx, &out, `SELECT code, area, label, definition, unit, kind, polarity,
		denominator, required, subset_of, position FROM indicators ORDER BY position`)
	return out, err
}

// Timeline returns the timeline events in date order.
func (db *DB) Timeline(ctx context.Context) ([]domain.TimelineEvent, error) {
	var out []domain.TimelineEvent
	err := db.r.SelectContext(ctx, &out, `SELECT id, starts, ends, kind, label, description
		FROM timeline_events ORDER BY starts, id`)
	return out, err
}

// Official returns DfE's published annual figures for one catalogue
// indicator and area, oldest first.
func (db *DB) Official(ctx context.Context, indicator, level, area string) ([]domain.OfficialValue, error) {
	var out []domain.OfficialValue
	err := db.r.SelectContext(ctx, &out, `SELECT measure, indicator, level, area, year, period_end, value, marker
		FROM official_values WHERE indicator = ? AND level = ? AND area = ? ORDER BY year`, indicator, level, area)
	return out, err
}

// CodeIndex resolves council codes: LA numbers, and ONS codes (current and
// retired) to LA numbers.
type CodeIndex struct {
	// Known holds every council, predecessors included.
	Known map[int]struct{}
	ByONS map[string]int
}

// CouncilCodes loads the index of council codes.
func (db *DB) CouncilCodes(ctx context.Context) (CodeIndex, error) {
	idx := CodeIndex{Known: map[int]struct{}{}, ByONS: map[string]int{}}
	var all []int
	if err := db.r.SelectContext(ctx, &all, "SELECT la_number FROM councils"); err != nil {
		return idx, err
	}
	for _, n := range all {
		idx.Known[n] = struct{}{}
	}
	var codes []domain.CouncilCode
	if err := db.r.SelectContext(ctx, &codes, "SELECT ons_code, la_number, valid_from, valid_to FROM council_codes"); err != nil {
		return idx, err
	}
	for _, c := range codes {
		idx.ByONS[strings.ToUpper(c.ONSCode)] = c.Number
	}
	return idx, nil
}

// AllNeighbours returns every council's statistical neighbours, closest
// first.
func (db *DB) AllNeighbours(ctx context.Context) (map[int][]domain.Neighbour, error) {
	var rows []domain.Neighbour
	if err := db.r.SelectContext(ctx, &rows, "SELECT la_number, rank, neighbour, closeness FROM neighbours ORDER BY la_number, rank"); err != nil {
		return nil, err
	}
	out := map[int][]domain.Neighbour{}
	for _, n := range rows {
		out[n.Council] = append(out[n.Council], n)
	}
	return out, nil
}

// AllOfficial returns every official annual figure that sits beside a
// monthly indicator.
func (db *DB) AllOfficial(ctx context.Context) ([]domain.OfficialValue, error) {
	var out []domain.OfficialValue
	err := db.r.SelectContext(ctx, &out, `SELECT measure, indicator, level, area, year, period_end, value, marker
		FROM official_values WHERE indicator <> '' ORDER BY indicator, level, area, year`)
	return out, err
}

// SaveTimelineEvent adds an event (ID 0) or changes one, after checking
// it; every chart draws the timeline, so the data version moves on. One
// audit line is written in the same transaction.
func (db *DB) SaveTimelineEvent(ctx context.Context, e *domain.TimelineEvent, audit domain.AuditEntry) error {
	if errs := e.Check(); len(errs) > 0 {
		return domain.Errorf(domain.EINVALID, "%s", errs[0].Message)
	}
	return db.inTx(ctx, func(tx *txx) error {
		if e.ID == 0 {
			if err := tx.NamedGetContext(ctx, &e.ID, `INSERT INTO timeline_events (starts, ends, kind, label, description)
				VALUES (:starts, :ends, :kind, :label, :description) RETURNING id`, e); err != nil {
				return err
			}
			audit.Action = domain.AuditTimelineAdded
		} else {
			res, err := tx.NamedExecContext(ctx, `UPDATE timeline_events SET starts = :starts, ends = :ends, kind = :kind,
				label = :label, description = :description WHERE id = :id`, e)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return domain.Errorf(domain.ENOTFOUND, "There is no timeline event %d.", e.ID)
			}
			audit.Action = domain.AuditTimelineChanged
		}
		audit.Subject = fmt.Sprintf("timeline event %d", e.ID)
		audit.Detail = fmt.Sprintf("%s to %s, %s: %s", e.Start, e.End, e.Kind, e.Label)
		if err := bumpDataVersion(ctx, tx, ChangeTimeline); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit)
	})
}

// DeleteTimelineEvent removes an event from the timeline.
func (db *DB) DeleteTimelineEvent(ctx context.Context, id int64, audit domain.AuditEntry) error {
	return db.inTx(ctx, func(tx *txx) error {
		var e domain.TimelineEvent
		if err := tx.GetContext(ctx, &e, "SELECT id, starts, ends, kind, label, description FROM timeline_events WHERE id = ?", id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return domain.Errorf(domain.ENOTFOUND, "There is no timeline event %d.", id)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM timeline_events WHERE id = ?", id); err != nil {
			return err
		}
		audit.Action, audit.Subject = domain.AuditTimelineDeleted, fmt.Sprintf("timeline event %d", id)
		audit.Detail = fmt.Sprintf("%s to %s, %s: %s", e.Start, e.End, e.Kind, e.Label)
		if err := bumpDataVersion(ctx, tx, ChangeTimeline); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit)
	})
}

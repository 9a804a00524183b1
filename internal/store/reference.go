package store

import (
	"context"
	"fmt"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

const settingReferenceHash = "reference_hash"

// LoadReference writes the reference data into the database in one
// transaction, unless data with the same hash is already there. It is safe to
// call on every start-up. Councils and indicators are upserted, because
// returns refer to them; the timeline is seeded only while it is empty, since
// administrators edit it, and so is the framework (see seedFramework).
func (db *DB) LoadReference(ctx context.Context, ref *reference.Data, hash string) (loaded bool, err error) {
	have, err := db.Setting(ctx, settingReferenceHash)
	if err != nil {
		return false, err
	}
	if have == hash {
		return false, nil
	}
	skipped := false
	err = db.inTx(ctx, func(tx *txx) error {
		// Another instance may have loaded it meanwhile: look again
		// under the write lock.
		var have string
		if err := tx.GetContext(ctx, &have, "SELECT coalesce(max(value), '') FROM settings WHERE key = ?", settingReferenceHash); err != nil {
			return err
		}
		if have == hash {
			skipped = true
			return nil
		}
		if err := upsertCouncils(ctx, tx, ref.Councils); err != nil {
			return fmt.Errorf("load councils: %w", err)
		}
		if err := replaceCodes(ctx, tx, ref.Codes); err != nil {
			return fmt.Errorf("load council codes: %w", err)
		}
		if err := replacePopulations(ctx, tx, ref.Populations); err != nil {
			return fmt.Errorf("load populations: %w", err)
		}
		if err := replaceNeighbours(ctx, tx, ref.Neighbours); err != nil {
			return fmt.Errorf("load neighbours: %w", err)
		}
		if err := upsertIndicators(ctx, tx, ref.Indicators); err != nil {
			return fmt.Errorf("load indicators: %w", err)
		}
		if err := seedTimeline(ctx, tx, ref.Timeline); err != nil {
			return fmt.Errorf("load timeline: %w", err)
		}
		if err := replaceOfficial(ctx, tx, ref.Official); err != nil {
			return fmt.Errorf("load official figures: %w", err)
		}
		if err := seedFramework(ctx, tx, ref.Framework, db.now().UTC().Format(auditTime)); err != nil {
			return fmt.Errorf("load framework: %w", err)
		}
		return setSetting(ctx, tx, settingReferenceHash, hash)
	})
	return err == nil && !skipped, err
}

func upsertCouncils(ctx context.Context, tx *txx, cs []domain.Council) error {
	for _, c := range cs {
		_, err := tx.NamedExecContext(ctx, `INSERT INTO councils
			(la_number, ons_code, name, region_code, region_name, current, start_date, end_date, successors)
			VALUES (:la_number, :ons_code, :name, :region_code, :region_name, :current, :start_date, :end_date, :successors)
			ON CONFLICT (la_number) DO UPDATE SET ons_code = excluded.ons_code, name = excluded.name,
			region_code = excluded.region_code, region_name = excluded.region_name, current = excluded.current,
			start_date = excluded.start_date, end_date = excluded.end_date, successors = excluded.successors`, c)
		if err != nil {
			return err
		}
	}
	return nil
}

func replaceCodes(ctx context.Context, tx *txx, codes []domain.CouncilCode) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM council_codes"); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO council_codes (ons_code, la_number, valid_from, valid_to)
			VALUES (:ons_code, :la_number, :valid_from, :valid_to)`, c); err != nil {
			return err
		}
	}
	return nil
}

func replacePopulations(ctx context.Context, tx *txx, ps []domain.Population) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM populations"); err != nil {
		return err
	}
	return copyRows(ctx, tx, "populations", []string{"level", "area", "year", "children"}, len(ps), func(i int) []any {
		p := ps[i]
		return []any{p.Level, p.Area, p.Year, p.Children}
	})
}

func replaceNeighbours(ctx context.Context, tx *txx, ns []domain.Neighbour) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM neighbours"); err != nil {
		return err
	}
	return copyRows(ctx, tx, "neighbours", []string{"la_number", "rank", "neighbour", "closeness"}, len(ns), func(i int) []any {
		n := ns[i]
		return []any{n.Council, n.Rank, n.Neighbour, n.Closeness}
	})
}

func upsertIndicators(ctx context.Context, tx *txx, is []domain.Indicator) error {
	for _, in := range is {
		_, err := tx.NamedExecContext(ctx, `INSERT INTO indicators
			(code, area, label, definition, unit, kind, polarity, denominator, required, subset_of, position)
			VALUES (:code, :area, :label, :definition, :unit, :kind, :polarity, :denominator, :required, :subset_of, :position)
			ON CONFLICT (code) DO UPDATE SET area = excluded.area, label = excluded.label,
			definition = excluded.definition, unit = excluded.unit, kind = excluded.kind,
			polarity = excluded.polarity, denominator = excluded.denominator, required = excluded.required,
			subset_of = excluded.subset_of, position = excluded.position`, in)
		if err != nil {
			return err
		}
	}
	return nil
}

func seedTimeline(ctx context.Context, tx *txx, es []domain.TimelineEvent) error {
	var n int
	if err := tx.GetContext(ctx, &n, "SELECT count(*) FROM timeline_events"); err != nil || n > 0 {
		return err
	}
	for _, e := range es {
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO timeline_events (starts, ends, kind, label, description)
			VALUES (:starts, :ends, :kind, :label, :description)`, e); err != nil {
			return err
		}
	}
	return nil
}

func replaceOfficial(ctx context.Context, tx *txx, vs []domain.OfficialValue) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM official_values"); err != nil {
		return err
	}
	return copyRows(ctx, tx, "official_values", []string{"measure", "indicator", "level", "area", "year", "period_end", "value", "marker"}, len(vs), func(i int) []any {
		v := vs[i]
		return []any{v.Measure, v.Indicator, v.Level, v.Area, v.Year, v.PeriodEnd, v.Value, v.Marker}
	})
}

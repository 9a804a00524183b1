package store

import (
	"context"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// CouncilOfficial returns DfE's published annual figures for the given
// councils that sit beside a monthly indicator, by council, indicator and
// year: what an upload's monthly figures are reconciled with.
func (db *DB) CouncilOfficial(ctx context.Context, councils []int) ([]domain.OfficialValue, error) {
	var out []domain.OfficialValue
	for start := 0; start < len(councils); start += 500 {
		part := councils[start:min(start+500, len(councils))]
		areas := make([]string, len(part))
		for i, n := range part {
			areas[i] = strconv.Itoa(n)
		}
		q, args, err := sqlx.In(`SELECT measure, indicator, level, area, year, period_end, value, marker
			FROM official_values WHERE level = 'council' AND indicator <> '' AND area IN (?)
			ORDER BY area, indicator, year`, areas)
		if err != nil {
			return nil, err
		}
		var rows []domain.OfficialValue
		if err := db.r.SelectContext(ctx, &rows, db.r.Rebind(q), args...); err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

package store

import (
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// A figure names a return and an indicator that exist, and a return or
// indicator that figures name can be neither deleted, renumbered nor
// truncated away: on SQLite by foreign keys, on PostgreSQL by statement
// triggers that check the same thing once per statement (migration
// 00010, for the speed of COPY). Removing a return after its figures, as
// the store does for a load that changed nothing, still works.
func TestFiguresKeepTheirReferences(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		if _, err := db.LoadReference(ctx, mustReference(t), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
			for _, ind := range []string{"CSC_CLA", "CSC_REFERRALS"} {
				if err := emit(domain.Observation{Council: 202, Indicator: ind, Month: "2024-01", Value: 10}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var ret int64
		if err := db.r.GetContext(ctx, &ret, "SELECT id FROM returns LIMIT 1"); err != nil {
			t.Fatal(err)
		}
		refused := func(what, q string, args ...any) {
			t.Helper()
			err := db.inTx(ctx, func(tx *txx) error {
				_, err := tx.ExecContext(ctx, q, args...)
				return err
			})
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") && !strings.Contains(err.Error(), "23503") {
				t.Errorf("%s: %v; want it refused for its reference", what, err)
			}
		}
		refused("a figure of a return that does not exist",
			"INSERT INTO observations (return_id, la_number, indicator, month, value) VALUES (?, 202, 'CSC_CLA', '2024-02', 1)", ret+1000)
		refused("a figure of an indicator that does not exist",
			"INSERT INTO observations (return_id, la_number, indicator, month, value) VALUES (?, 202, 'NO_SUCH', '2024-01', 1)", ret)
		refused("a figure moved to a return that does not exist", "UPDATE observations SET return_id = ? WHERE return_id = ?", ret+1000, ret)
		refused("deleting a return that has figures", "DELETE FROM returns WHERE id = ?", ret)
		refused("renumbering a return that has figures", "UPDATE returns SET id = ? WHERE id = ?", ret+1000, ret)
		refused("deleting an indicator that has figures", "DELETE FROM indicators WHERE code = 'CSC_CLA'")
		if db.Dialect() == Postgres {
			refused("truncating the returns", "TRUNCATE returns")
			refused("truncating the indicators", "TRUNCATE indicators")
		}
		// Figures first, then their return: allowed, in one statement each.
		err := db.inTx(ctx, func(tx *txx) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM observations WHERE return_id = ?", ret); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "DELETE FROM returns WHERE id = ?", ret)
			return err
		})
		if err != nil {
			t.Errorf("deleting a return after its figures: %v", err)
		}
	})
}

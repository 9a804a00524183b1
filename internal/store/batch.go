package store

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// maxParams keeps each multi-row INSERT well under SQLite's limit of 32,766
// bound parameters per statement.
const maxParams = 30000

// insertBatches inserts n rows with multi-row INSERT statements: prefix is
// "INSERT INTO t (a, b) VALUES ", cols the number of columns and row(i) the
// values of row i. Full batches reuse one prepared statement.
func insertBatches(ctx context.Context, tx *txx, prefix string, cols, n int, row func(i int) []any) error {
	per := maxParams / cols
	if per > 1000 {
		per = 1000
	}
	var full *sqlx.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, per*cols)
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		if end-start == per {
			if full == nil {
				var err error
				if full, err = tx.PreparexContext(ctx, batchSQL(prefix, cols, per)); err != nil {
					return err
				}
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, batchSQL(prefix, cols, end-start), args...); err != nil {
			return err
		}
	}
	return nil
}

func batchSQL(prefix string, cols, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	var b strings.Builder
	b.Grow(len(prefix) + rows*(len(one)+1))
	b.WriteString(prefix)
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}

// councilMonthValues is the VALUES list of n (council, month) pairs. The
// first council is cast so that PostgreSQL types the column as an integer
// rather than text; SQLite takes the cast as it is.
func councilMonthValues(n int) string {
	if n == 0 {
		return ""
	}
	return "(CAST(? AS INTEGER),?)" + strings.Repeat(",(?,?)", n-1)
}

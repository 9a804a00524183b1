package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
)

// What a data version changed (see ChangesSince).
const (
	ChangeFigures     = "figures"
	ChangeOfficial    = "official"
	ChangeAssessments = "assessments"
	ChangeFramework   = "framework"
	ChangeTimeline    = "timeline"
	ChangeAll         = "all"
)

// bumpDataVersion moves the data version on, in the transaction that
// changes the data, and records what kinds of data it changed.
func bumpDataVersion(ctx context.Context, tx *txx, kinds ...string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`, settingDataVersion); err != nil {
		return err
	}
	if len(kinds) == 0 {
		kinds = []string{ChangeAll}
	}
	for _, k := range kinds {
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_changes (version, kind)
			SELECT CAST(value AS INTEGER), ? FROM settings WHERE key = ? ON CONFLICT DO NOTHING`, k, settingDataVersion); err != nil {
			return err
		}
	}
	return nil
}

// ChangesSince returns the kinds of data changed after version since, up
// to and including version upto. ok is false when the log cannot say (a
// version it does not record), and the caller must read everything again.
func (db *DB) ChangesSince(ctx context.Context, since, upto string) (kinds []string, ok bool, err error) {
	if strings.TrimSpace(since) == "" {
		// A database nothing has changed yet has no data version: the
		// first change is version 1, and the log holds it.
		since = "0"
	}
	from, err1 := strconv.ParseInt(strings.TrimSpace(since), 10, 64)
	to, err2 := strconv.ParseInt(strings.TrimSpace(upto), 10, 64)
	if err1 != nil || err2 != nil || to < from {
		return nil, false, nil
	}
	var rows []struct {
		Version int64  `db:"version"`
		Kind    string `db:"kind"`
	}
	if err := db.r.SelectContext(ctx, &rows, `SELECT version, kind FROM data_changes WHERE version > ? AND version <= ? ORDER BY version`, from, to); err != nil {
		return nil, false, err
	}
	versions := map[int64]bool{}
	seen := map[string]bool{}
	for _, r := range rows {
		versions[r.Version] = true
		if !seen[r.Kind] {
			seen[r.Kind] = true
			kinds = append(kinds, r.Kind)
		}
	}
	return kinds, int64(len(versions)) == to-from, nil
}

// LatestReturnID is the highest return id, 0 when there is none: where a
// read model's next look for new returns starts.
func (db *DB) LatestReturnID(ctx context.Context) (int64, error) {
	var id int64
	err := db.r.GetContext(ctx, &id, "SELECT coalesce(max(id), 0) FROM returns")
	return id, err
}

// ReturnsSince lists the councils and months of the returns added after
// return id after, with the highest id seen.
func (db *DB) ReturnsSince(ctx context.Context, after int64) ([]CouncilMonth, int64, error) {
	var rows []struct {
		ID      int64  `db:"id"`
		Council int    `db:"la_number"`
		Month   string `db:"month"`
	}
	if err := db.r.SelectContext(ctx, &rows, "SELECT id, la_number, month FROM returns WHERE id > ? ORDER BY id", after); err != nil {
		return nil, after, err
	}
	seen := map[CouncilMonth]bool{}
	var keys []CouncilMonth
	for _, r := range rows {
		after = max(after, r.ID)
		k := CouncilMonth{r.Council, r.Month}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys, after, nil
}

// EachCurrentObservationIn calls fn for every current figure of the given
// council-months.
func (db *DB) EachCurrentObservationIn(ctx context.Context, keys []CouncilMonth, fn func(council int, indicator, month string, value float64)) error {
	for start := 0; start < len(keys); start += versionChunk {
		part := keys[start:min(start+versionChunk, len(keys))]
		pairs := councilMonthValues(len(part))
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, int64(k.Council), k.Month)
		}
		if err := db.eachObservation(ctx, `SELECT o.la_number, o.indicator, o.month, o.value
			FROM returns r JOIN observations o ON o.return_id = r.id
			WHERE r.current = 1 AND (r.la_number, r.month) IN (VALUES `+pairs+`)`, args, fn); err != nil {
			return err
		}
	}
	return nil
}

// SaveCheckpoint keeps the read model's figures as of a data version and
// the last return they include, in parts, replacing the ones kept before,
// in one transaction.
func (db *DB) SaveCheckpoint(ctx context.Context, version string, returnsSeen int64, parts [][]byte) error {
	return db.inTx(ctx, func(tx *txx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM model_checkpoint_parts"); err != nil {
			return err
		}
		for i, p := range parts {
			if _, err := tx.ExecContext(ctx, "INSERT INTO model_checkpoint_parts (part, data) VALUES (?, ?)", i, p); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO model_checkpoint (id, version, returns_seen) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET version = excluded.version, returns_seen = excluded.returns_seen`, version, returnsSeen)
		return err
	})
}

// Checkpoint reads the read model's last kept figures, calling part for
// each part in order; ok is false when none is kept.
func (db *DB) Checkpoint(ctx context.Context, part func(data []byte) error) (version string, returnsSeen int64, ok bool, err error) {
	// One read transaction, so the parts are those of the version read.
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", 0, false, err
	}
	defer tx.Rollback()
	var row struct {
		Version     string `db:"version"`
		ReturnsSeen int64  `db:"returns_seen"`
	}
	err = tx.GetContext(ctx, &row, "SELECT version, returns_seen FROM model_checkpoint WHERE id = 1")
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT data FROM model_checkpoint_parts ORDER BY part")
	if err != nil {
		return "", 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return "", 0, false, err
		}
		if err := part(b); err != nil {
			return "", 0, false, err
		}
	}
	if err := rows.Err(); err != nil {
		return "", 0, false, err
	}
	return row.Version, row.ReturnsSeen, true, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

const submissionColumns = `id, submitted_by, submitted_at, source, user_id, file_name, file_size, sha256, layout,
	error_count, query_count, status, la_number, councils, months, row_count, messages, explanations, demo`

// CouncilMonth names one council's return for one month.
type CouncilMonth struct {
	Council int
	Month   string
}

// Coverage lists the councils and months a set of observations covers.
func Coverage(obs []domain.Observation) (councils []int, months []string, keys []CouncilMonth) {
	cs, ms, ks := map[int]bool{}, map[string]bool{}, map[CouncilMonth]bool{}
	for _, o := range obs {
		cs[o.Council], ms[o.Month] = true, true
		ks[CouncilMonth{o.Council, o.Month}] = true
	}
	for c := range cs {
		councils = append(councils, c)
	}
	for m := range ms {
		months = append(months, m)
	}
	for k := range ks {
		keys = append(keys, k)
	}
	sort.Ints(councils)
	sort.Strings(months)
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Council != keys[j].Council {
			return keys[i].Council < keys[j].Council
		}
		return keys[i].Month < keys[j].Month
	})
	return councils, months, keys
}

func joinInts(ns []int) string {
	if len(ns) == 0 {
		return ""
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	// Padded with spaces so that LIKE '% 202 %' finds one council.
	return " " + strings.Join(parts, " ") + " "
}

// describe fills a submission's coverage fields from its observations.
func describe(sub *domain.Submission, obs []domain.Observation) {
	councils, months, _ := Coverage(obs)
	sub.Councils, sub.Months, sub.RowCount = joinInts(councils), strings.Join(months, " "), len(obs)
	if len(councils) == 1 {
		sub.Council = councils[0]
	}
}

// RecordSubmission keeps a submission that was not stored (rejected for
// errors, or waiting for explanations) with its audit line. payload holds
// the parsed figures of one awaiting explanations.
func (db *DB) RecordSubmission(ctx context.Context, sub *domain.Submission, obs []domain.Observation, payload string, audit domain.AuditEntry) error {
	describe(sub, obs)
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := db.insertSubmission(ctx, tx, sub, payload); err != nil {
			return err
		}
		if err := db.auditSubmission(ctx, tx, sub, audit); err != nil {
			return err
		}
		if sub.Status != domain.StatusAwaiting {
			return nil
		}
		// An earlier upload for the same councils and months still waiting
		// for explanations is replaced by this one.
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM submissions WHERE status = ? AND councils = ? AND months = ? AND id <> ? ORDER BY id`,
			domain.StatusAwaiting, sub.Councils, sub.Months, sub.ID); err != nil {
			return err
		}
		return db.supersede(ctx, tx, ids, sub, audit)
	})
}

// supersedeOverlapping marks as superseded every other submission waiting
// for explanations that covers any of the councils and months a stored
// submission made current, so that explaining it later cannot put older
// figures over newer ones. A waiting bulk load is taken to cover every
// month it names for every council it names.
func (db *DB) supersedeOverlapping(ctx context.Context, tx *sqlx.Tx, sub *domain.Submission, keys []CouncilMonth, audit domain.AuditEntry) error {
	if len(keys) == 0 {
		return nil
	}
	var waiting []struct {
		ID       int64  `db:"id"`
		Councils string `db:"councils"`
		Months   string `db:"months"`
	}
	if err := tx.SelectContext(ctx, &waiting, `SELECT id, councils, months FROM submissions WHERE status = ? AND id <> ? ORDER BY id`,
		domain.StatusAwaiting, sub.ID); err != nil {
		return err
	}
	if len(waiting) == 0 {
		return nil
	}
	stored := make(map[CouncilMonth]bool, len(keys))
	for _, k := range keys {
		stored[k] = true
	}
	var ids []int64
	for _, w := range waiting {
		months := strings.Fields(w.Months)
	overlap:
		for _, c := range strings.Fields(w.Councils) {
			n, err := strconv.Atoi(c)
			if err != nil {
				continue
			}
			for _, m := range months {
				if stored[CouncilMonth{n, m}] {
					ids = append(ids, w.ID)
					break overlap
				}
			}
		}
	}
	return db.supersede(ctx, tx, ids, sub, audit)
}

// supersede marks submissions waiting for explanations as replaced by a
// later one, each with its own audit line (SECURITY V4: every state change
// writes exactly one).
func (db *DB) supersede(ctx context.Context, tx *sqlx.Tx, ids []int64, by *domain.Submission, audit domain.AuditEntry) error {
	for _, id := range ids {
		var old domain.Submission
		if err := tx.GetContext(ctx, &old, "SELECT "+submissionColumns+" FROM submissions WHERE id = ?", id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = ?, payload = '' WHERE id = ? AND status = ?`,
			domain.StatusSuperseded, id, domain.StatusAwaiting)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue
		}
		e := audit
		e.Action = "return_" + domain.StatusSuperseded
		e.Council = old.Council
		e.Subject = fmt.Sprintf("submission %d", old.ID)
		e.Detail = fmt.Sprintf("%s (%d bytes, sha256 %s), months %s: no longer waiting for explanations, replaced by submission %d (%s, %s)",
			old.FileName, old.FileSize, old.SHA256, old.Months, by.ID, by.FileName, strings.ReplaceAll(by.Status, "_", " "))
		if e.Actor == "" {
			e.Actor = by.SubmittedBy
		}
		if err := db.appendAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) insertSubmission(ctx context.Context, tx *sqlx.Tx, sub *domain.Submission, payload string) error {
	if sub.SubmittedAt == "" {
		sub.SubmittedAt = db.now().UTC().Format(time.RFC3339)
	}
	if sub.MessagesJSON == "" {
		sub.MessagesJSON = "[]"
	}
	if sub.Explained == "" {
		sub.Explained = "[]"
	}
	return tx.GetContext(ctx, &sub.ID, `INSERT INTO submissions (submitted_by, submitted_at, source, user_id, file_name, file_size,
		sha256, layout, error_count, query_count, status, la_number, councils, months, row_count, messages, explanations, payload, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`,
		sub.SubmittedBy, sub.SubmittedAt, sub.Source, sub.UserID, sub.FileName, sub.FileSize, sub.SHA256, sub.Layout,
		sub.ErrorCount, sub.QueryCount, sub.Status, sub.Council, sub.Councils, sub.Months, sub.RowCount, sub.MessagesJSON, sub.Explained, payload)
}

func (db *DB) auditSubmission(ctx context.Context, tx *sqlx.Tx, sub *domain.Submission, audit domain.AuditEntry) error {
	audit.Action = "return_" + sub.Status
	audit.Council = sub.Council
	audit.Subject = fmt.Sprintf("submission %d", sub.ID)
	audit.Detail = fmt.Sprintf("%s (%d bytes, sha256 %s), layout %s, months %s, %d rows, %d errors, %d queries",
		sub.FileName, sub.FileSize, sub.SHA256, sub.Layout, sub.Months, sub.RowCount, sub.ErrorCount, sub.QueryCount)
	if audit.Actor == "" {
		audit.Actor = sub.SubmittedBy
	}
	return db.appendAudit(ctx, tx, audit)
}

// StoreSubmission makes a submission's figures the current returns for
// every council and month it covers, in one transaction: each gets a new
// version and the previous version stops being current but is kept
// (SECURITY V3, R1). A submission that was waiting for explanations (ID
// set) is updated rather than added. Official figures from an EES file are
// upserted in the same transaction. Other uploads waiting for explanations
// for any of the same councils and months are superseded, so that none
// can later replace these figures with older ones. progress, if set,
// hears how many observations are written.
func (db *DB) StoreSubmission(ctx context.Context, sub *domain.Submission, obs []domain.Observation, official []domain.OfficialValue, audit domain.AuditEntry, progress func(done int)) error {
	describe(sub, obs)
	sub.RowCount += len(official)
	sub.Status = domain.StatusStored
	_, _, keys := Coverage(obs)
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if sub.ID == 0 {
			if err := db.insertSubmission(ctx, tx, sub, ""); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = ?, messages = ?, error_count = ?, query_count = ?,
				payload = '', submitted_at = ? WHERE id = ? AND status = ?`,
				sub.Status, sub.MessagesJSON, sub.ErrorCount, sub.QueryCount, sub.SubmittedAt, sub.ID, domain.StatusAwaiting)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return domain.Errorf(domain.ECONFLICT, "This upload is no longer waiting for explanations; upload the file again.")
			}
		}
		ids, err := db.newVersions(ctx, tx, sub.ID, keys)
		if err != nil {
			return err
		}
		const chunk = 5000
		for start := 0; start < len(obs); start += chunk {
			part := obs[start:min(start+chunk, len(obs))]
			err := insertBatches(ctx, tx, "INSERT INTO observations (return_id, la_number, indicator, month, value, note) VALUES ", 6, len(part), func(i int) []any {
				o := part[i]
				return []any{ids[CouncilMonth{o.Council, o.Month}], o.Council, o.Indicator, o.Month, o.Value, o.Note}
			})
			if err != nil {
				return fmt.Errorf("store figures: %w", err)
			}
			if progress != nil {
				progress(start + len(part))
			}
		}
		if len(official) > 0 {
			if err := upsertOfficial(ctx, tx, official); err != nil {
				return fmt.Errorf("store official figures: %w", err)
			}
		}
		if err := bumpDataVersion(ctx, tx); err != nil {
			return err
		}
		if err := db.auditSubmission(ctx, tx, sub, audit); err != nil {
			return err
		}
		return db.supersedeOverlapping(ctx, tx, sub, keys, audit)
	})
}

// newVersions adds a new current version of the return for every council
// and month, marking earlier versions as no longer current, with a few
// set-wise statements rather than several per return (a national bulk
// load covers some 18,000).
func (db *DB) newVersions(ctx context.Context, tx *sqlx.Tx, submission int64, keys []CouncilMonth) (map[CouncilMonth]int64, error) {
	versions := make(map[CouncilMonth]int, len(keys))
	byCouncil := map[int][]string{}
	for _, k := range keys {
		byCouncil[k.Council] = append(byCouncil[k.Council], k.Month)
	}
	for council, months := range byCouncil {
		q, args, err := sqlx.In(`SELECT month, max(version) AS version FROM returns WHERE la_number = ? AND month IN (?) GROUP BY month`, council, months)
		if err != nil {
			return nil, err
		}
		var rows []struct {
			Month   string `db:"month"`
			Version int    `db:"version"`
		}
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			continue
		}
		for _, r := range rows {
			versions[CouncilMonth{council, r.Month}] = r.Version
		}
		q, args, err = sqlx.In(`UPDATE returns SET current = 0 WHERE current = 1 AND la_number = ? AND month IN (?)`, council, months)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return nil, err
		}
	}
	now := db.now().UTC().Format(time.RFC3339)
	err := insertBatches(ctx, tx, "INSERT INTO returns (la_number, month, version, submission_id, current, created_at) VALUES ", 6, len(keys), func(i int) []any {
		k := keys[i]
		return []any{k.Council, k.Month, versions[k] + 1, submission, 1, now}
	})
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID      int64  `db:"id"`
		Council int    `db:"la_number"`
		Month   string `db:"month"`
	}
	if err := tx.SelectContext(ctx, &rows, "SELECT id, la_number, month FROM returns WHERE submission_id = ?", submission); err != nil {
		return nil, err
	}
	ids := make(map[CouncilMonth]int64, len(rows))
	for _, r := range rows {
		ids[CouncilMonth{r.Council, r.Month}] = r.ID
	}
	return ids, nil
}

func upsertOfficial(ctx context.Context, tx *sqlx.Tx, vs []domain.OfficialValue) error {
	for _, v := range vs {
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO official_values (measure, indicator, level, area, year, period_end, value, marker)
			VALUES (:measure, :indicator, :level, :area, :year, :period_end, :value, :marker)
			ON CONFLICT (measure, level, area, year) DO UPDATE SET indicator = excluded.indicator,
			period_end = excluded.period_end, value = excluded.value, marker = excluded.marker`, v); err != nil {
			return err
		}
	}
	return nil
}

// IdenticalToCurrent reports whether every council and month a file covers
// is already held from a submission with the same SHA-256: re-uploading an
// identical file changes nothing. It returns that submission (the latest,
// if several identical uploads share the months), or 0.
func (db *DB) IdenticalToCurrent(ctx context.Context, sha string, keys []CouncilMonth) (int64, error) {
	if len(keys) == 0 || sha == "" {
		return 0, nil
	}
	var id int64
	for _, k := range keys {
		var row struct {
			ID  int64  `db:"id"`
			SHA string `db:"sha256"`
		}
		err := db.r.GetContext(ctx, &row, `SELECT s.id, s.sha256 FROM returns r JOIN submissions s ON s.id = r.submission_id
			WHERE r.la_number = ? AND r.month = ? AND r.current = 1`, k.Council, k.Month)
		if errors.Is(err, sql.ErrNoRows) || err == nil && row.SHA != sha {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		id = max(id, row.ID)
	}
	return id, nil
}

// StoredBefore reports whether a file with this SHA-256 has been stored
// already (an identical official-statistics file changes nothing): it
// returns the latest such submission, or 0.
func (db *DB) StoredBefore(ctx context.Context, sha string) (int64, error) {
	var id int64
	err := db.r.GetContext(ctx, &id, "SELECT coalesce(max(id), 0) FROM submissions WHERE sha256 = ? AND status = ?", sha, domain.StatusStored)
	return id, err
}

// Submission returns one submission and, if it awaits explanations, its
// parsed figures.
func (db *DB) Submission(ctx context.Context, id int64) (*domain.Submission, string, error) {
	var row struct {
		domain.Submission
		Payload string `db:"payload"`
	}
	err := db.r.GetContext(ctx, &row, "SELECT "+submissionColumns+", payload FROM submissions WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", domain.Errorf(domain.ENOTFOUND, "There is no upload with reference %d.", id)
	}
	return &row.Submission, row.Payload, err
}

// CouncilMonthRows is how many figures a stored submission holds for one
// council and month.
type CouncilMonthRows struct {
	Council int    `db:"la_number"`
	Month   string `db:"month"`
	Rows    int    `db:"rows"`
}

// SubmissionCoverage lists, for a stored submission, the councils and
// months it made a version of and how many figures each holds.
func (db *DB) SubmissionCoverage(ctx context.Context, id int64) ([]CouncilMonthRows, error) {
	var out []CouncilMonthRows
	err := db.r.SelectContext(ctx, &out, `SELECT r.la_number, r.month, count(o.indicator) AS rows
		FROM returns r LEFT JOIN observations o ON o.return_id = r.id
		WHERE r.submission_id = ? GROUP BY r.la_number, r.month ORDER BY r.la_number, r.month`, id)
	return out, err
}

// CouncilSubmissions lists the uploads that concern a council, newest
// first: its own returns and bulk loads that include it.
func (db *DB) CouncilSubmissions(ctx context.Context, council int, limit int) ([]domain.Submission, error) {
	var out []domain.Submission
	err := db.r.SelectContext(ctx, &out, "SELECT "+submissionColumns+` FROM submissions
		WHERE demo = 0 AND (la_number = ? OR councils LIKE ?) ORDER BY id DESC LIMIT ?`,
		council, "% "+strconv.Itoa(council)+" %", limit)
	return out, err
}

// ReturnStatus gives, for each month from first to last, whether the
// council's return is missing, submitted, or submitted with explained
// queries.
func (db *DB) ReturnStatus(ctx context.Context, council int, first, last domain.Month) ([]domain.MonthStatus, error) {
	var rows []struct {
		Month       string `db:"month"`
		Version     int    `db:"version"`
		Submission  int64  `db:"submission_id"`
		At          string `db:"submitted_at"`
		By          string `db:"submitted_by"`
		QueryCount  int    `db:"query_count"`
		Demo        bool   `db:"demo"`
		CreatedAt   string `db:"created_at"`
		Explanation string `db:"messages"`
	}
	err := db.r.SelectContext(ctx, &rows, `SELECT r.month, r.version, r.submission_id, s.submitted_at, s.submitted_by,
		s.query_count, s.demo, r.created_at, s.messages
		FROM returns r JOIN submissions s ON s.id = r.submission_id
		WHERE r.la_number = ? AND r.current = 1 AND r.month BETWEEN ? AND ?`, council, first.String(), last.String())
	if err != nil {
		return nil, err
	}
	byMonth := map[string]domain.MonthStatus{}
	for _, r := range rows {
		st := domain.MonthStatus{Month: r.Month, Status: "submitted", Version: r.Version, SubmissionID: r.Submission, SubmittedAt: r.At, SubmittedBy: r.By, Demo: r.Demo}
		if r.QueryCount > 0 {
			st.Status = "explained"
		}
		byMonth[r.Month] = st
	}
	var out []domain.MonthStatus
	for _, m := range domain.MonthsBetween(first, last) {
		st, ok := byMonth[m.String()]
		if !ok {
			st = domain.MonthStatus{Month: m.String(), Status: "missing"}
		}
		out = append(out, st)
	}
	return out, nil
}

// ReturnVersions lists every version of one council's return for one
// month, newest first.
func (db *DB) ReturnVersions(ctx context.Context, council int, month string) ([]domain.MonthStatus, error) {
	var out []domain.MonthStatus
	err := db.r.SelectContext(ctx, &out, `SELECT r.month AS month, CASE WHEN r.current = 1 THEN 'current' ELSE 'replaced' END AS status,
		r.version AS version, r.submission_id AS submission_id, s.submitted_at AS submitted_at, s.submitted_by AS submitted_by,
		s.demo AS demo
		FROM returns r JOIN submissions s ON s.id = r.submission_id
		WHERE r.la_number = ? AND r.month = ? ORDER BY r.version DESC`, council, month)
	return out, err
}

// CurrentObservations returns every current figure for the given councils,
// which validation compares new figures with.
func (db *DB) CurrentObservations(ctx context.Context, councils []int) ([]domain.Observation, error) {
	var out []domain.Observation
	for start := 0; start < len(councils); start += 500 {
		part := councils[start:min(start+500, len(councils))]
		q, args, err := sqlx.In(`SELECT o.la_number, o.indicator, o.month, o.value
			FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
			WHERE o.la_number IN (?)`, part)
		if err != nil {
			return nil, err
		}
		var rows []domain.Observation
		if err := db.r.SelectContext(ctx, &rows, db.r.Rebind(q), args...); err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

const settingDataVersion = "data_version"

// DataVersion changes whenever stored figures change, so caches of
// computed results know when to refresh.
func (db *DB) DataVersion(ctx context.Context) (string, error) {
	return db.Setting(ctx, settingDataVersion)
}

func bumpDataVersion(ctx context.Context, tx *sqlx.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`, settingDataVersion)
	return err
}

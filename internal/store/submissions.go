package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// describeKeys fills a submission's coverage fields from the councils and
// months its figures cover (in order) and how many figures there are.
func describeKeys(sub *domain.Submission, keys []CouncilMonth, rows int) {
	if len(keys) == 0 && sub.Council != 0 {
		// A submission covering no figures keeps the council it was filed
		// under.
		sub.Councils, sub.Months, sub.RowCount = joinInts([]int{sub.Council}), "", rows
		return
	}
	var councils []int
	ms := map[string]bool{}
	for _, k := range keys {
		if len(councils) == 0 || councils[len(councils)-1] != k.Council {
			councils = append(councils, k.Council)
		}
		ms[k.Month] = true
	}
	months := make([]string, 0, len(ms))
	for m := range ms {
		months = append(months, m)
	}
	sort.Strings(months)
	sub.Councils, sub.Months, sub.RowCount = joinInts(councils), strings.Join(months, " "), rows
	if len(councils) == 1 {
		sub.Council = councils[0]
	}
}

// RecordSubmission keeps a submission that was not stored (rejected for
// errors, or waiting for explanations) with its audit line. payload holds
// the parsed figures of one awaiting explanations.
func (db *DB) RecordSubmission(ctx context.Context, sub *domain.Submission, obs []domain.Observation, payload string, audit domain.AuditEntry) error {
	_, _, keys := Coverage(obs)
	return db.RecordSubmissionCovering(ctx, sub, keys, len(obs), payload, audit)
}

// RecordSubmissionCovering is RecordSubmission for a submission given by
// the councils and months its figures cover (in order, as Coverage gives
// them) and how many figures there are, so that a bulk load need not
// build its figures as a slice to be recorded.
func (db *DB) RecordSubmissionCovering(ctx context.Context, sub *domain.Submission, keys []CouncilMonth, rows int, payload string, audit domain.AuditEntry) error {
	describeKeys(sub, keys, rows)
	return db.inTx(ctx, func(tx *txx) error {
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
func (db *DB) supersedeOverlapping(ctx context.Context, tx *txx, sub *domain.Submission, keys []CouncilMonth, audit domain.AuditEntry) error {
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

// SettleUnchanged records that a submission waiting for explanations,
// once explained, turned out to carry only figures identical to those
// held: it is marked unchanged, with its explained messages and one audit
// line, and nothing else changes.
func (db *DB) SettleUnchanged(ctx context.Context, sub *domain.Submission, audit domain.AuditEntry) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = ?, messages = ?, error_count = ?, query_count = ?, payload = ''
		WHERE id = ? AND status = ?`, domain.StatusUnchanged, sub.MessagesJSON, sub.ErrorCount, sub.QueryCount, sub.ID, domain.StatusAwaiting)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.Errorf(domain.ECONFLICT, "This upload is no longer waiting for explanations; upload the file again.")
	}
	sub.Status = domain.StatusUnchanged
	if err := db.auditSubmission(ctx, tx, sub, audit); err != nil {
		return err
	}
	return tx.Commit()
}

// supersede marks submissions waiting for explanations as replaced by a
// later one, each with its own audit line (SECURITY V4: every state change
// writes exactly one).
func (db *DB) supersede(ctx context.Context, tx *txx, ids []int64, by *domain.Submission, audit domain.AuditEntry) error {
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
		e.Action = domain.AuditReturnSuperseded
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

func (db *DB) insertSubmission(ctx context.Context, tx *txx, sub *domain.Submission, payload string) error {
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

func (db *DB) auditSubmission(ctx context.Context, tx *txx, sub *domain.Submission, audit domain.AuditEntry) error {
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
	_, _, keys := Coverage(obs)
	describeKeys(sub, keys, len(obs))
	sub.RowCount += len(official)
	sub.Status = domain.StatusStored
	l, err := db.BeginLoad(ctx, sub)
	if err != nil {
		return err
	}
	defer l.Rollback()
	// Every return first, in council and month order, as one set.
	if err := l.addReturns(keys); err != nil {
		return err
	}
	const chunk = 5000
	for start := 0; start < len(obs); start += chunk {
		if err := l.Add(obs[start:min(start+chunk, len(obs))]); err != nil {
			return err
		}
		if progress != nil {
			progress(min(start+chunk, len(obs)))
		}
	}
	return l.Commit(sub, official, audit)
}

// Load stores one submission's figures as they arrive, in a write
// transaction that Commit ends: until then readers see none of it, and
// Rollback, an error or a crash leaves the database as it was (SECURITY
// R1). StoreSubmission is a Load given every figure at once; the intake
// also uses one to write a bulk file's figures while the rest of the file
// is still being read and checked, and commits only once the whole file
// has passed. While a Load is open it holds the writer, so other writes
// wait for it, as they wait for any other write.
//
// Add and Commit must not be called at the same time, and nothing else
// may use the writer in the goroutine that waits on a Load.
type Load struct {
	db  *DB
	ctx context.Context
	tx  *txx
	// id is the submission's; existing is true when it was waiting for
	// explanations, rather than added by BeginLoad.
	id          int64
	existing    bool
	submittedAt string
	now         string

	// returns holds each council and month's new return, with the values
	// every figure of it binds, boxed once.
	returns map[CouncilMonth]*loadReturn
	keys    []CouncilMonth
	// indicators holds each indicator code boxed once.
	indicators map[string]any

	// args are the bound values of figures not yet inserted (rows of
	// them); full is the prepared statement for a full batch.
	args  []any
	rows  int
	batch int
	full  *sqlx.Stmt
	count int
	err   error
	done  bool
}

type loadReturn struct {
	id, council, month any
}

// observationCols is the observations table's column count as Load
// inserts it, and perInsert the rows of one multi-row INSERT.
const (
	observationCols    = 6
	perInsert          = min(maxParams/observationCols, 1000)
	insertObservations = "INSERT INTO observations (return_id, la_number, indicator, month, value, note) VALUES "
)

// observationColumns names them, for COPY; perCopy is the rows of one
// COPY on PostgreSQL.
var observationColumns = []string{"return_id", "la_number", "indicator", "month", "value", "note"}

const perCopy = 20000

// noNote is the empty note, boxed once.
var noNote any = ""

// BeginLoad starts storing a submission: a new one is added (status
// stored, seen by no one until Commit), one waiting for explanations is
// marked stored, failing with ECONFLICT if it no longer waits. sub itself
// is not changed until Commit.
func (db *DB) BeginLoad(ctx context.Context, sub *domain.Submission) (*Load, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	l := &Load{db: db, ctx: ctx, tx: tx, now: db.now().UTC().Format(time.RFC3339), batch: perInsert,
		returns: map[CouncilMonth]*loadReturn{}, indicators: map[string]any{}}
	if sub.ID == 0 {
		s := *sub
		s.Status = domain.StatusStored
		err = db.insertSubmission(ctx, tx, &s, "")
		l.id, l.submittedAt = s.ID, s.SubmittedAt
	} else {
		l.id, l.existing = sub.ID, true
		var res sql.Result
		res, err = tx.ExecContext(ctx, `UPDATE submissions SET status = ?, messages = ?, error_count = ?, query_count = ?,
				payload = '', submitted_at = ? WHERE id = ? AND status = ?`,
			domain.StatusStored, sub.MessagesJSON, sub.ErrorCount, sub.QueryCount, sub.SubmittedAt, sub.ID, domain.StatusAwaiting)
		if err == nil {
			if n, _ := res.RowsAffected(); n != 1 {
				err = domain.Errorf(domain.ECONFLICT, "This upload is no longer waiting for explanations; upload the file again.")
			}
		}
	}
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	if tx.conn != nil {
		l.batch = perCopy
	}
	return l, nil
}

// Count is how many figures have been given to Add.
func (l *Load) Count() int { return l.count }

// Err is the failure that spoiled the load, or nil.
func (l *Load) Err() error { return l.err }

// Add writes figures (those of a council and month it has not seen yet
// get that return's new version first). A failure spoils the Load: every
// later call returns it, and only Rollback remains.
func (l *Load) Add(obs []domain.Observation) error {
	if l.err != nil {
		return l.err
	}
	if l.done {
		return errors.New("store: Add after the load ended")
	}
	var fresh []CouncilMonth
	for i := range obs {
		k := CouncilMonth{obs[i].Council, obs[i].Month}
		if _, ok := l.returns[k]; !ok {
			l.returns[k] = nil
			fresh = append(fresh, k)
		}
	}
	if len(fresh) > 0 {
		sort.Slice(fresh, func(i, j int) bool { return fresh[i].less(fresh[j]) })
		if err := l.addReturns(fresh); err != nil {
			return err
		}
	}
	for i := range obs {
		o := &obs[i]
		r := l.returns[CouncilMonth{o.Council, o.Month}]
		ind, ok := l.indicators[o.Indicator]
		if !ok {
			ind = o.Indicator
			l.indicators[o.Indicator] = ind
		}
		note := noNote
		if o.Note != "" {
			note = o.Note
		}
		l.args = append(l.args, r.id, r.council, ind, r.month, o.Value, note)
		if l.rows++; l.rows == l.batch {
			if err := l.insert(); err != nil {
				return err
			}
		}
	}
	l.count += len(obs)
	return nil
}

// insert writes the figures held in args.
func (l *Load) insert() error {
	if l.rows == 0 {
		return nil
	}
	var err error
	if l.tx.conn != nil {
		// PostgreSQL: COPY, in the load's transaction.
		args := l.args
		err = copyRows(l.ctx, l.tx, "observations", observationColumns, l.rows, func(i int) []any {
			return args[i*observationCols : (i+1)*observationCols]
		})
	} else if l.rows == perInsert {
		if l.full == nil {
			l.full, err = l.tx.PreparexContext(l.ctx, batchSQL(insertObservations, observationCols, perInsert))
		}
		if err == nil {
			_, err = l.full.ExecContext(l.ctx, l.args...)
		}
	} else {
		_, err = l.tx.ExecContext(l.ctx, batchSQL(insertObservations, observationCols, l.rows), l.args...)
	}
	if err != nil {
		l.err = fmt.Errorf("store figures: %w", err)
		return l.err
	}
	clear(l.args)
	l.args, l.rows = l.args[:0], 0
	return nil
}

// addReturns creates the new version of each council and month's return.
func (l *Load) addReturns(keys []CouncilMonth) error {
	var todo []CouncilMonth
	for _, k := range keys {
		if l.returns[k] == nil {
			todo = append(todo, k)
		}
	}
	ids, err := newVersions(l.ctx, l.tx, l.id, todo, l.now)
	if err != nil {
		l.err = err
		return err
	}
	for _, k := range todo {
		id, ok := ids[k]
		if !ok {
			l.err = fmt.Errorf("store figures: no return was created for council %d, %s", k.Council, k.Month)
			return l.err
		}
		l.returns[k] = &loadReturn{id: id, council: int64(k.Council), month: k.Month}
		l.keys = append(l.keys, k)
	}
	return nil
}

// Commit ends the load: it records the submission as sub now describes it
// (its messages, and the councils and months its figures cover), upserts
// official figures, supersedes uploads waiting for explanations for any of
// the same councils and months, writes the audit line and commits. sub
// then holds the stored submission.
func (l *Load) Commit(sub *domain.Submission, official []domain.OfficialValue, audit domain.AuditEntry) error {
	if l.err != nil {
		return l.err
	}
	if l.done {
		return errors.New("store: Commit after the load ended")
	}
	if err := l.insert(); err != nil {
		return err
	}
	ctx, tx := l.ctx, l.tx
	keys := slices.Clone(l.keys)
	if sub.Merges() && len(keys) > 0 {
		same, err := l.merge()
		if err != nil {
			l.err = err
			return err
		}
		keys = slices.DeleteFunc(keys, func(k CouncilMonth) bool { return same[k] })
		if len(keys) == 0 && len(official) == 0 {
			l.Rollback()
			return ErrUnchanged
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	describeKeys(sub, keys, l.count)
	sub.RowCount += len(official)
	sub.Status, sub.ID = domain.StatusStored, l.id
	if !l.existing {
		if sub.SubmittedAt == "" {
			sub.SubmittedAt = l.submittedAt
		}
		if sub.MessagesJSON == "" {
			sub.MessagesJSON = "[]"
		}
		if sub.Explained == "" {
			sub.Explained = "[]"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE submissions SET submitted_at = ?, layout = ?, error_count = ?, query_count = ?, status = ?,
			la_number = ?, councils = ?, months = ?, row_count = ?, messages = ?, explanations = ? WHERE id = ?`,
			sub.SubmittedAt, sub.Layout, sub.ErrorCount, sub.QueryCount, sub.Status,
			sub.Council, sub.Councils, sub.Months, sub.RowCount, sub.MessagesJSON, sub.Explained, sub.ID); err != nil {
			return err
		}
	}
	if len(official) > 0 {
		if err := upsertOfficial(ctx, tx, official); err != nil {
			return fmt.Errorf("store official figures: %w", err)
		}
	}
	kinds := []string{ChangeFigures}
	if len(official) > 0 {
		kinds = append(kinds, ChangeOfficial)
	}
	if err := bumpDataVersion(ctx, tx, kinds...); err != nil {
		return err
	}
	if err := l.db.auditSubmission(ctx, tx, sub, audit); err != nil {
		return err
	}
	if err := l.db.supersedeOverlapping(ctx, tx, sub, keys, audit); err != nil {
		return err
	}
	l.done = true
	l.closeStmt()
	return tx.Commit()
}

// ErrUnchanged is Commit's answer to a bulk load whose every figure equals
// the one held: nothing was stored, and the load was rolled back.
var ErrUnchanged = errors.New("store: every figure is identical to the one held")

// merge completes a bulk load's new versions (see domain.Submission.Merges): each
// takes every figure of the version it replaces that the load did not
// carry. A new version that then equals the one it replaces, figure for
// figure and note for note, is dropped and the old one is current again,
// so identical figures change nothing; merge returns those council-months.
// It runs a few set-wise statements, whatever the size of the load.
func (l *Load) merge() (map[CouncilMonth]bool, error) {
	ctx, tx := l.ctx, l.tx
	if _, err := tx.ExecContext(ctx, `INSERT INTO observations (return_id, la_number, indicator, month, value, note)
		SELECT n.id, o.la_number, o.indicator, o.month, o.value, o.note
		FROM returns n
		JOIN returns p ON p.la_number = n.la_number AND p.month = n.month AND p.version = n.version - 1
		JOIN observations o ON o.return_id = p.id
		WHERE n.submission_id = ?
		  AND NOT EXISTS (SELECT 1 FROM observations x WHERE x.return_id = n.id AND x.indicator = o.indicator)`, l.id); err != nil {
		return nil, fmt.Errorf("store figures held before: %w", err)
	}
	var same []struct {
		New     int64  `db:"new_id"`
		Old     int64  `db:"old_id"`
		Council int    `db:"la_number"`
		Month   string `db:"month"`
	}
	if err := tx.SelectContext(ctx, &same, `SELECT n.id AS new_id, p.id AS old_id, n.la_number, n.month
		FROM returns n
		JOIN returns p ON p.la_number = n.la_number AND p.month = n.month AND p.version = n.version - 1
		WHERE n.submission_id = ?
		  AND NOT EXISTS (SELECT 1 FROM observations a WHERE a.return_id = n.id AND NOT EXISTS (
		      SELECT 1 FROM observations b WHERE b.return_id = p.id AND b.indicator = a.indicator
		      AND b.value = a.value AND b.note = a.note))
		  AND (SELECT count(*) FROM observations a WHERE a.return_id = n.id) =
		      (SELECT count(*) FROM observations b WHERE b.return_id = p.id)`, l.id); err != nil {
		return nil, fmt.Errorf("compare with figures held: %w", err)
	}
	out := make(map[CouncilMonth]bool, len(same))
	for start := 0; start < len(same); start += versionChunk {
		part := same[start:min(start+versionChunk, len(same))]
		news, olds := make([]any, len(part)), make([]any, len(part))
		for i, r := range part {
			news[i], olds[i] = r.New, r.Old
			out[CouncilMonth{r.Council, r.Month}] = true
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"DELETE FROM observations WHERE return_id IN (" + marks + ")", news},
			{"DELETE FROM returns WHERE id IN (" + marks + ")", news},
			{"UPDATE returns SET current = 1 WHERE id IN (" + marks + ")", olds},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return nil, fmt.Errorf("keep the figures held: %w", err)
			}
		}
	}
	return out, nil
}

// Rollback abandons the load, leaving the database as it was; after
// Commit it does nothing.
func (l *Load) Rollback() {
	if l.done {
		return
	}
	l.done = true
	l.closeStmt()
	_ = l.tx.Rollback()
}

func (l *Load) closeStmt() {
	if l.full != nil {
		l.full.Close()
		l.full = nil
	}
}

func (k CouncilMonth) less(o CouncilMonth) bool {
	if k.Council != o.Council {
		return k.Council < o.Council
	}
	return k.Month < o.Month
}

// versionChunk is how many returns one versioning statement names (two
// parameters each).
const versionChunk = 1000

// newVersions adds a new current version of the return for every council
// and month given, marking earlier versions as no longer current, and
// returns their ids. It does so set-wise, a few statements per thousand
// returns rather than several per return (a national bulk load covers
// some 18,000).
func newVersions(ctx context.Context, tx *txx, submission int64, keys []CouncilMonth, now string) (map[CouncilMonth]int64, error) {
	ids := make(map[CouncilMonth]int64, len(keys))
	for start := 0; start < len(keys); start += versionChunk {
		part := keys[start:min(start+versionChunk, len(keys))]
		pairs := councilMonthValues(len(part))
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, int64(k.Council), k.Month)
		}
		var held []struct {
			Council int    `db:"la_number"`
			Month   string `db:"month"`
			Version int    `db:"version"`
		}
		if err := tx.SelectContext(ctx, &held, `SELECT la_number, month, max(version) AS version FROM returns
			WHERE (la_number, month) IN (VALUES `+pairs+`) GROUP BY la_number, month`, args...); err != nil {
			return nil, err
		}
		versions := make(map[CouncilMonth]int, len(held))
		for _, h := range held {
			versions[CouncilMonth{h.Council, h.Month}] = h.Version
		}
		if len(held) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE returns SET current = 0 WHERE current = 1 AND (la_number, month) IN (VALUES `+pairs+`)`, args...); err != nil {
				return nil, err
			}
		}
		ins := make([]any, 0, 6*len(part))
		for _, k := range part {
			ins = append(ins, int64(k.Council), k.Month, versions[k]+1, submission, 1, now)
		}
		rows, err := tx.QueryxContext(ctx, batchSQL("INSERT INTO returns (la_number, month, version, submission_id, current, created_at) VALUES ", 6, len(part))+
			" RETURNING id, la_number, month", ins...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var k CouncilMonth
			if err := rows.Scan(&id, &k.Council, &k.Month); err != nil {
				rows.Close()
				return nil, err
			}
			ids[k] = id
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func upsertOfficial(ctx context.Context, tx *txx, vs []domain.OfficialValue) error {
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
	// Only a stored submission makes returns current, so when none has
	// this file's hash (the usual case) there is nothing to compare.
	var stored bool
	if err := db.r.GetContext(ctx, &stored, "SELECT EXISTS (SELECT 1 FROM submissions WHERE sha256 = ? AND status = ?)", sha, domain.StatusStored); err != nil || !stored {
		return 0, err
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

// EachCurrentObservationOf calls fn for every current figure of the given
// councils, streaming the rows rather than building a slice: what
// validation compares a bulk load's figures with.
func (db *DB) EachCurrentObservationOf(ctx context.Context, councils []int, fn func(council int, indicator, month string, value float64)) error {
	for start := 0; start < len(councils); start += 500 {
		part := councils[start:min(start+500, len(councils))]
		q, args, err := sqlx.In(`SELECT o.la_number, o.indicator, o.month, o.value
			FROM observations o JOIN returns r ON r.id = o.return_id AND r.current = 1
			WHERE o.la_number IN (?)`, part)
		if err != nil {
			return err
		}
		if err := db.eachObservation(ctx, db.r.Rebind(q), args, fn); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) eachObservation(ctx context.Context, q string, args []any, fn func(council int, indicator, month string, value float64)) error {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		council          int
		indicator, month string
		value            float64
	)
	for rows.Next() {
		if err := rows.Scan(&council, &indicator, &month, &value); err != nil {
			return err
		}
		fn(council, indicator, month, value)
	}
	return rows.Err()
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

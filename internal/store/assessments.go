package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// frameworkFromReference is who the framework shipped in the reference
// data is recorded as saved by; a newer shipped framework replaces it only
// while no administrator has saved a version since.
const frameworkFromReference = "reference data"

// seedFramework stores the shipped framework as a new version when the
// table is empty, or when the latest version also came from the reference
// data and reads differently. An administrator's version is never
// overwritten by a new binary.
func seedFramework(ctx context.Context, tx *txx, f domain.Framework, at string) error {
	if len(f.Items) == 0 {
		return nil
	}
	if err := f.Validate(); err != nil {
		return err
	}
	var latest struct {
		Version int    `db:"version"`
		Body    string `db:"body"`
		By      string `db:"created_by"`
	}
	err := tx.GetContext(ctx, &latest, "SELECT version, body, created_by FROM frameworks ORDER BY version DESC LIMIT 1")
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case latest.By != frameworkFromReference:
		return addLevels(ctx, tx, latest.Version, latest.Body, f, at)
	default:
		var old domain.Framework
		if err := json.Unmarshal([]byte(latest.Body), &old); err != nil {
			return err
		}
		a, _ := json.Marshal(old.Items)
		b, _ := json.Marshal(f.Items)
		if string(a) == string(b) {
			return nil
		}
	}
	f.Version, f.By, f.At = latest.Version+1, frameworkFromReference, at
	return insertFramework(ctx, tx, f)
}

// frameworkLevelsAdded is who a version is recorded as saved by when it
// is an administrator's wording with the shipped rating levels added. It
// is not frameworkFromReference, so the administrator's wording is kept
// when the shipped framework changes again.
const frameworkLevelsAdded = "reference data (rating levels added)"

// addLevels gives an administrator's version of the framework the
// shipped words for each rating level where it has none (it was saved
// before levels existed), as a new version keeping everything else.
func addLevels(ctx context.Context, tx *txx, version int, body string, shipped domain.Framework, at string) error {
	var cur domain.Framework
	if err := json.Unmarshal([]byte(body), &cur); err != nil {
		return err
	}
	changed := false
	for i, it := range cur.Items {
		if len(it.Levels) > 0 {
			continue
		}
		if s, ok := shipped.Item(it.Code); ok && len(s.Levels) > 0 && s.Kind == it.Kind {
			cur.Items[i].Levels, changed = s.Levels, true
		}
	}
	if !changed {
		return nil
	}
	cur.Version, cur.By, cur.At = version+1, frameworkLevelsAdded, at
	cur.Note = "Words for each rating level added to version " + strconv.Itoa(version)
	return insertFramework(ctx, tx, cur)
}

func insertFramework(ctx context.Context, tx *txx, f domain.Framework) error {
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO frameworks (version, body, created_by, created_at, note) VALUES (?, ?, ?, ?, ?)",
		f.Version, string(body), f.By, f.At, f.Note)
	return err
}

// Framework returns the current (latest) version of the framework, or an
// ENOTFOUND error before the reference data is loaded.
func (db *DB) Framework(ctx context.Context) (*domain.Framework, error) {
	return db.framework(ctx, "SELECT body FROM frameworks ORDER BY version DESC LIMIT 1")
}

// FrameworkVersion returns one version of the framework.
func (db *DB) FrameworkVersion(ctx context.Context, version int) (*domain.Framework, error) {
	return db.framework(ctx, "SELECT body FROM frameworks WHERE version = ?", version)
}

func (db *DB) framework(ctx context.Context, q string, args ...any) (*domain.Framework, error) {
	var body string
	err := db.r.GetContext(ctx, &body, q, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no such version of the framework")
	}
	if err != nil {
		return nil, err
	}
	var f domain.Framework
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		return nil, fmt.Errorf("framework: %w", err)
	}
	return &f, nil
}

// FrameworkVersions lists every version of the framework, newest first,
// without the items.
func (db *DB) FrameworkVersions(ctx context.Context) ([]domain.Framework, error) {
	var rows []struct {
		Version int    `db:"version"`
		By      string `db:"created_by"`
		At      string `db:"created_at"`
		Note    string `db:"note"`
	}
	if err := db.r.SelectContext(ctx, &rows, "SELECT version, created_by, created_at, note FROM frameworks ORDER BY version DESC"); err != nil {
		return nil, err
	}
	out := make([]domain.Framework, len(rows))
	for i, r := range rows {
		out[i] = domain.Framework{Version: r.Version, By: r.By, At: r.At, Note: r.Note}
	}
	return out, nil
}

// SaveFramework stores f as the next version of the framework. It must
// hold the same items as the current version (it may reword them, not add
// or remove any, so every assessment still reads against it). Pages change
// with it, so the data version moves on.
func (db *DB) SaveFramework(ctx context.Context, f domain.Framework, audit domain.AuditEntry) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	cur, err := db.Framework(ctx)
	if err != nil {
		return 0, err
	}
	if !cur.SameItems(&f) {
		return 0, domain.Errorf(domain.EINVALID, "a new version of the framework may reword its items but not add, remove or reorder them")
	}
	err = db.inTx(ctx, func(tx *txx) error {
		var latest int
		if err := tx.GetContext(ctx, &latest, "SELECT coalesce(max(version), 0) FROM frameworks"); err != nil {
			return err
		}
		if latest != cur.Version {
			return domain.Errorf(domain.ECONFLICT, "someone else saved version %d of the framework meanwhile; reload and try again", latest)
		}
		f.Version, f.At = latest+1, db.now().UTC().Format(auditTime)
		if err := insertFramework(ctx, tx, f); err != nil {
			return err
		}
		if err := bumpDataVersion(ctx, tx, ChangeFramework); err != nil {
			return err
		}
		audit.Action = domain.AuditFrameworkChanged
		audit.Detail = fmt.Sprintf("version %d: %s", f.Version, f.Note)
		return db.appendAudit(ctx, tx, audit)
	})
	return f.Version, err
}

// assessmentRow is an assessment as stored, its ratings as JSON.
type assessmentRow struct {
	domain.Assessment
	RatingsJSON string `db:"ratings"`
}

const assessmentColumns = "id, la_number, status, version, framework_version, narrative, ratings, saved_by, saved_at, demo"

func (db *DB) selectAssessments(ctx context.Context, q string, args ...any) ([]domain.Assessment, error) {
	var rows []assessmentRow
	if err := db.r.SelectContext(ctx, &rows, "SELECT "+assessmentColumns+" FROM assessments "+q, args...); err != nil {
		return nil, err
	}
	out := make([]domain.Assessment, len(rows))
	for i, r := range rows {
		out[i] = r.Assessment
		if err := json.Unmarshal([]byte(r.RatingsJSON), &out[i].Ratings); err != nil {
			return nil, fmt.Errorf("assessment %d: %w", r.ID, err)
		}
	}
	return out, nil
}

// AssessmentDraft returns a council's draft, or nil when it has none.
func (db *DB) AssessmentDraft(ctx context.Context, council int) (*domain.Assessment, error) {
	as, err := db.selectAssessments(ctx, "WHERE la_number = ? AND status = 'draft'", council)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return &as[0], nil
}

// Assessments lists a council's submitted assessments, oldest first.
func (db *DB) Assessments(ctx context.Context, council int) ([]domain.Assessment, error) {
	return db.selectAssessments(ctx, "WHERE la_number = ? AND status = 'submitted' ORDER BY version", council)
}

// LatestAssessments returns every council's latest submitted assessment,
// by council.
func (db *DB) LatestAssessments(ctx context.Context) (map[int]domain.Assessment, error) {
	as, err := db.selectAssessments(ctx, `WHERE status = 'submitted' AND version =
		(SELECT max(version) FROM assessments b WHERE b.la_number = assessments.la_number AND b.status = 'submitted')`)
	if err != nil {
		return nil, err
	}
	out := make(map[int]domain.Assessment, len(as))
	for _, a := range as {
		out[a.Council] = a
	}
	return out, nil
}

// SaveAssessment stores a council's self-assessment against the current
// framework. As a draft it replaces the council's working copy; submitted,
// it becomes the council's next version, the draft is cleared, and the
// data version moves on so pages show it. Either way one audit line is
// written in the same transaction. The assessment is checked first: a
// submitted one needs every item rated. It returns the version (0 for a
// draft).
func (db *DB) SaveAssessment(ctx context.Context, a domain.Assessment, audit domain.AuditEntry) (int, error) {
	f, err := db.Framework(ctx)
	if err != nil {
		return 0, err
	}
	if a.Status != domain.AssessmentDraft && a.Status != domain.AssessmentSubmitted {
		return 0, domain.Errorf(domain.EINVALID, "an assessment is saved as a draft or submitted, not %q", a.Status)
	}
	if errs := a.Check(f); len(errs) > 0 {
		return 0, domain.Errorf(domain.EINVALID, "%s", errs[0].Message)
	}
	a.FrameworkVersion = f.Version
	if a.At == "" {
		a.At = db.now().UTC().Format(auditTime)
	}
	err = db.inTx(ctx, func(tx *txx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM assessments WHERE la_number = ? AND status = 'draft'", a.Council); err != nil {
			return err
		}
		audit.Council = a.Council
		if a.Status == domain.AssessmentSubmitted {
			if err := tx.GetContext(ctx, &a.Version, "SELECT coalesce(max(version), 0) + 1 FROM assessments WHERE la_number = ? AND status = 'submitted'", a.Council); err != nil {
				return err
			}
			audit.Action = domain.AuditAssessmentSubmitted
			audit.Detail = fmt.Sprintf("version %d against framework version %d", a.Version, a.FrameworkVersion)
		} else {
			a.Version = 0
			audit.Action = domain.AuditAssessmentDraft
			audit.Detail = "draft saved"
		}
		if err := insertAssessment(ctx, tx, a); err != nil {
			return err
		}
		if a.Status == domain.AssessmentSubmitted {
			if err := bumpDataVersion(ctx, tx, ChangeAssessments); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit)
	})
	return a.Version, err
}

func insertAssessment(ctx context.Context, tx *txx, a domain.Assessment) error {
	ratings, err := json.Marshal(a.Ratings)
	if err != nil {
		return err
	}
	if a.Ratings == nil {
		ratings = []byte("[]")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO assessments (la_number, status, version, framework_version, narrative, ratings, saved_by, saved_at, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Council, a.Status, a.Version, a.FrameworkVersion, a.Narrative, string(ratings), a.By, a.At, a.Demo)
	return err
}

// LoadDemoAssessments stores the demonstration self-assessments, each a
// submitted version dated as given, in one transaction, while no council
// has an assessment yet. It reports whether it stored them.
func (db *DB) LoadDemoAssessments(ctx context.Context, as []domain.Assessment) (bool, error) {
	f, err := db.Framework(ctx)
	if err != nil {
		return false, err
	}
	loaded := false
	err = db.inTx(ctx, func(tx *txx) error {
		var n int
		if err := tx.GetContext(ctx, &n, "SELECT count(*) FROM assessments"); err != nil || n > 0 {
			return err
		}
		versions := map[int]int{}
		for _, a := range as {
			a.Status, a.Demo, a.FrameworkVersion = domain.AssessmentSubmitted, true, f.Version
			if errs := a.Check(f); len(errs) > 0 {
				return domain.Errorf(domain.EINVALID, "demo assessment for %d: %s", a.Council, errs[0].Message)
			}
			versions[a.Council]++
			a.Version = versions[a.Council]
			if err := insertAssessment(ctx, tx, a); err != nil {
				return err
			}
		}
		loaded = true
		return bumpDataVersion(ctx, tx, ChangeAssessments)
	})
	return loaded, err
}

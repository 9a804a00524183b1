package store

import (
	"context"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func loadedDB(t *testing.T, d Dialect) (*DB, *domain.Framework) {
	t.Helper()
	db := MustOpenDialect(t, d)
	if _, err := db.LoadReference(t.Context(), mustReference(t), "test"); err != nil {
		t.Fatal(err)
	}
	f, err := db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return db, f
}

func assessment(f *domain.Framework, council, rating int, status string) domain.Assessment {
	a := domain.Assessment{Council: council, Status: status, By: "t@test"}
	for _, it := range f.Items {
		a.Ratings = append(a.Ratings, domain.Rating{Item: it.Code, Rating: rating, Evidence: "e"})
	}
	return a
}

func TestFrameworkSeededOnceAndVersioned(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, f := loadedDB(t, dialect)
		ctx := t.Context()
		if f.Version != 1 || len(f.Items) != 10 || f.By != "reference data" {
			t.Fatalf("seeded framework = version %d, %d items, by %q", f.Version, len(f.Items), f.By)
		}
		// Loading the same reference data again (a new hash) adds no version.
		if _, err := db.LoadReference(ctx, mustReference(t), "test-2"); err != nil {
			t.Fatal(err)
		}
		if vs, _ := db.FrameworkVersions(ctx); len(vs) != 1 {
			t.Errorf("reloading the same framework made %d versions", len(vs))
		}

		next := *f
		next.Items = append([]domain.FrameworkItem(nil), f.Items...)
		next.Items[0].Label = "Shared values, reworded"
		next.By, next.Note = "admin@test", "reworded"
		v, err := db.SaveFramework(ctx, next, domain.AuditEntry{Actor: "admin@test"})
		if err != nil || v != 2 {
			t.Fatalf("SaveFramework = %d, %v", v, err)
		}
		cur, _ := db.Framework(ctx)
		if cur.Version != 2 || cur.Items[0].Label != "Shared values, reworded" {
			t.Errorf("current framework = %+v", cur)
		}
		old, err := db.FrameworkVersion(ctx, 1)
		if err != nil || old.Items[0].Label != "Shared values" {
			t.Errorf("version 1 = %+v, %v", old, err)
		}

		t.Run("ErrItemsChanged", func(t *testing.T) {
			bad := *cur
			bad.Items = append([]domain.FrameworkItem(nil), cur.Items...)
			bad.Items[0].Code = "new_condition"
			if _, err := db.SaveFramework(ctx, bad, domain.AuditEntry{Actor: "admin@test"}); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("renaming an item's code: %v", err)
			}
		})
		t.Run("ErrTooFewDescriptors", func(t *testing.T) {
			bad := *cur
			bad.Items = append([]domain.FrameworkItem(nil), cur.Items...)
			bad.Items[4].Descriptors = []string{"one"}
			if _, err := db.SaveFramework(ctx, bad, domain.AuditEntry{Actor: "admin@test"}); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("one descriptor: %v", err)
			}
		})
		// A new binary's framework never replaces an administrator's version.
		if _, err := db.LoadReference(ctx, mustReference(t), "test-3"); err != nil {
			t.Fatal(err)
		}
		if cur, _ := db.Framework(ctx); cur.Version != 2 {
			t.Errorf("reloading reference data replaced the administrator's framework: version %d", cur.Version)
		}
	})
}

func TestAssessmentVersionsAndDraft(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, f := loadedDB(t, dialect)
		ctx := t.Context()
		audit := domain.AuditEntry{Actor: "t@test"}

		if _, err := db.SaveAssessment(ctx, assessment(f, 202, 2, domain.AssessmentDraft), audit); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveAssessment(ctx, assessment(f, 202, 3, domain.AssessmentDraft), audit); err != nil {
			t.Fatal(err)
		}
		d, err := db.AssessmentDraft(ctx, 202)
		if err != nil || d == nil || d.RatingOf("shared_values").Rating != 3 || d.Version != 0 {
			t.Fatalf("draft = %+v, %v", d, err)
		}
		if as, _ := db.Assessments(ctx, 202); len(as) != 0 {
			t.Error("a draft counts as a submitted version")
		}
		for want := 1; want <= 3; want++ {
			v, err := db.SaveAssessment(ctx, assessment(f, 202, want, domain.AssessmentSubmitted), audit)
			if err != nil || v != want {
				t.Fatalf("submission %d: version %d, %v", want, v, err)
			}
		}
		if d, _ := db.AssessmentDraft(ctx, 202); d != nil {
			t.Error("submitting kept the draft")
		}
		as, err := db.Assessments(ctx, 202)
		if err != nil || len(as) != 3 || as[2].RatingOf("capacity_deliver").Rating != 3 || as[0].FrameworkVersion != 1 {
			t.Fatalf("versions = %+v, %v", as, err)
		}
		if _, err := db.SaveAssessment(ctx, assessment(f, 301, 4, domain.AssessmentSubmitted), audit); err != nil {
			t.Fatal(err)
		}
		latest, err := db.LatestAssessments(ctx)
		if err != nil || len(latest) != 2 || latest[202].Version != 3 || latest[301].Version != 1 {
			t.Errorf("latest = %+v, %v", latest, err)
		}

		t.Run("ErrSubmittedUnrated", func(t *testing.T) {
			a := assessment(f, 202, 3, domain.AssessmentSubmitted)
			a.Ratings[0].Rating = 0
			if _, err := db.SaveAssessment(ctx, a, audit); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("an unrated item was submitted: %v", err)
			}
			if as, _ := db.Assessments(ctx, 202); len(as) != 3 {
				t.Errorf("%d versions after a refused submission", len(as))
			}
		})
		t.Run("SubmittedVersionsAreFixed", func(t *testing.T) {
			if _, err := db.w.ExecContext(context.Background(), "UPDATE assessments SET narrative = 'changed' WHERE status = 'submitted'"); err == nil {
				t.Error("a submitted assessment could be changed")
			}
		})
		// V4: each save wrote exactly one audit line.
		entries, err := db.AuditLog(ctx, AuditFilter{Council: 202})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, e := range entries {
			counts[e.Action]++
		}
		if counts[domain.AuditAssessmentDraft] != 2 || counts[domain.AuditAssessmentSubmitted] != 3 {
			t.Errorf("audit lines = %v", counts)
		}
	})
}

func TestLoadDemoAssessmentsOnlyIntoAnEmptyTable(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, f := loadedDB(t, dialect)
		ctx := t.Context()
		as := []domain.Assessment{assessment(f, 202, 2, ""), assessment(f, 202, 3, ""), assessment(f, 301, 1, "")}
		as[0].At, as[1].At, as[2].At = "2020-10-15T12:00:00.000Z", "2021-07-15T12:00:00.000Z", "2020-10-15T12:00:00.000Z"
		ok, err := db.LoadDemoAssessments(ctx, as)
		if err != nil || !ok {
			t.Fatalf("LoadDemoAssessments = %v, %v", ok, err)
		}
		got, _ := db.Assessments(ctx, 202)
		if len(got) != 2 || got[1].Version != 2 || !got[1].Demo || got[0].Date() != "2020-10-15" {
			t.Errorf("demo versions = %+v", got)
		}
		if ok, err := db.LoadDemoAssessments(ctx, as); err != nil || ok {
			t.Errorf("second load = %v, %v; want nothing stored", ok, err)
		}
	})
}

// Every item of the shipped framework says what each rating level looks
// like; an administrator's version saved before levels existed gets them
// added as a new version that keeps the administrator's wording.
func TestFrameworkLevelsForEveryRating(t *testing.T) {
	forDialects(t, func(t *testing.T, dialect Dialect) {
		db, f := loadedDB(t, dialect)
		ctx := t.Context()
		for _, it := range f.Items {
			for r := domain.MinRating; r <= domain.MaxRating; r++ {
				if it.Level(r) == "" {
					t.Errorf("%s has no words for rating %d", it.Code, r)
				}
			}
		}
		old := *f
		old.Items = append([]domain.FrameworkItem(nil), f.Items...)
		for i := range old.Items {
			old.Items[i].Levels = nil
		}
		old.Items[0].Label = "Shared values, reworded"
		old.By, old.Note = "admin@test", "reworded before levels existed"
		if _, err := db.SaveFramework(ctx, old, domain.AuditEntry{Actor: "admin@test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LoadReference(ctx, mustReference(t), "test-levels"); err != nil {
			t.Fatal(err)
		}
		cur, _ := db.Framework(ctx)
		if cur.Version != 3 || cur.Items[0].Label != "Shared values, reworded" || cur.Items[0].Level(4) != f.Items[0].Level(4) {
			t.Errorf("after reloading: version %d, %q, level 4 %q", cur.Version, cur.Items[0].Label, cur.Items[0].Level(4))
		}
		bad := *cur
		bad.Items = append([]domain.FrameworkItem(nil), cur.Items...)
		bad.Items[1].Levels = []string{"a", "b", "c"}
		if _, err := db.SaveFramework(ctx, bad, domain.AuditEntry{Actor: "admin@test"}); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("three levels of four: %v", err)
		}
	})
}

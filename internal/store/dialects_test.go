package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

// Every exported method of the store, on SQLite and on PostgreSQL alike:
// the same calls give the same answers.
func TestEveryMethodOnBothDialects(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		if v, err := db.SQLiteVersion(ctx); err != nil || v == "" {
			t.Fatalf("version = %q, %v", v, err)
		}
		if v, err := db.IntegrityCheck(ctx); err != nil || v != "ok" {
			t.Fatalf("integrity = %q, %v", v, err)
		}
		must(db.Ping(ctx))
		must(db.CheckWritable(ctx))
		ref := mustReference(t)
		loaded, err := db.LoadReference(ctx, ref, "v1")
		if err != nil || !loaded {
			t.Fatalf("LoadReference = %v, %v", loaded, err)
		}

		// Reference data.
		cs, err := db.Councils(ctx)
		if err != nil || len(cs) != 153 {
			t.Fatalf("Councils = %d, %v", len(cs), err)
		}
		all, err := db.AllCouncils(ctx)
		if err != nil || len(all) <= len(cs) {
			t.Fatalf("AllCouncils = %d, %v", len(all), err)
		}
		if c, err := db.Council(ctx, 202); err != nil || c.Name != "Camden" || !c.Current {
			t.Fatalf("Council(202) = %+v, %v", c, err)
		}
		if c, err := db.CouncilByCode(ctx, "E08000016"); err != nil || c.Number != 370 {
			t.Fatalf("CouncilByCode = %+v, %v", c, err)
		}
		if nb, err := db.Neighbours(ctx, 202); err != nil || len(nb) != 10 || nb[0].Rank != 1 {
			t.Fatalf("Neighbours = %+v, %v", nb, err)
		}
		if ps, err := db.Populations(ctx, "council"); err != nil || len(ps) == 0 {
			t.Fatalf("Populations = %d, %v", len(ps), err)
		}
		inds, err := db.Indicators(ctx)
		if err != nil || len(inds) == 0 || inds[0].Position > inds[len(inds)-1].Position {
			t.Fatalf("Indicators = %d, %v", len(inds), err)
		}
		if idx, err := db.CouncilCodes(ctx); err != nil || idx.ByONS["E09000007"] != 202 || len(idx.Known) != len(all) {
			t.Fatalf("CouncilCodes: %v", err)
		}
		if nbs, err := db.AllNeighbours(ctx); err != nil || len(nbs[202]) != 10 {
			t.Fatalf("AllNeighbours: %v", err)
		}
		if ov, err := db.AllOfficial(ctx); err != nil || len(ov) == 0 {
			t.Fatalf("AllOfficial = %d, %v", len(ov), err)
		}
		if ov, err := db.Official(ctx, "CSC_CIN", "council", "202"); err != nil || len(ov) == 0 {
			t.Fatalf("Official = %d, %v", len(ov), err)
		}
		if ov, err := db.CouncilOfficial(ctx, []int{202, 201}); err != nil || len(ov) == 0 {
			t.Fatalf("CouncilOfficial = %d, %v", len(ov), err)
		}
		tl, err := db.Timeline(ctx)
		if err != nil || len(tl) != len(ref.Timeline) {
			t.Fatalf("Timeline = %d, %v", len(tl), err)
		}

		// Timeline events: added with their id, changed, deleted.
		audit := domain.AuditEntry{Actor: "admin@test"}
		ev := &domain.TimelineEvent{Start: "2024-01-01", End: "2024-01-01", Kind: "event", Label: "Test event"}
		must(db.SaveTimelineEvent(ctx, ev, audit))
		if ev.ID == 0 {
			t.Fatal("SaveTimelineEvent gave no id")
		}
		ev.Label = "Renamed"
		must(db.SaveTimelineEvent(ctx, ev, audit))
		must(db.DeleteTimelineEvent(ctx, ev.ID, audit))
		if err := db.DeleteTimelineEvent(ctx, ev.ID, audit); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("deleting twice: %v", err)
		}

		// Accounts.
		u := &domain.User{Email: "dcs@test.invalid", Role: domain.RoleDCS, Council: 202, PasswordHash: "x"}
		must(db.CreateUser(ctx, u, audit))
		if u.ID == 0 {
			t.Fatal("CreateUser gave no id")
		}
		dup := &domain.User{Email: "dcs@test.invalid", Role: domain.RoleDCS, Council: 202, PasswordHash: "x"}
		if err := db.CreateUser(ctx, dup, audit); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second account for one email: %v; want a conflict", err)
		}
		if got, err := db.UserByEmail(ctx, "DCS@test.invalid"); err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		if got, err := db.SetUserDisabled(ctx, u.Email, true, audit); err != nil || !got.Disabled {
			t.Fatalf("SetUserDisabled = %+v, %v", got, err)
		}
		if got, err := db.UserByID(ctx, u.ID); err != nil || !got.Disabled {
			t.Fatalf("UserByID after disabling = %+v, %v", got, err)
		}
		if _, err := db.SetUserDisabled(ctx, u.Email, false, audit); err != nil {
			t.Fatal(err)
		}
		must(db.RecordSignIn(ctx, u, audit))
		must(db.SetPasswordHash(ctx, u.ID, "y"))
		if us, err := db.Users(ctx); err != nil || len(us) != 1 || us[0].PasswordHash != "y" || us[0].Disabled || us[0].LastSignIn == "" {
			t.Fatalf("Users = %+v, %v", us, err)
		}
		if n, err := db.CountUsers(ctx); err != nil || n != 1 {
			t.Fatalf("CountUsers = %d, %v", n, err)
		}
		for range 3 {
			must(db.Audit(ctx, domain.AuditEntry{Action: domain.AuditSignInFailed, Subject: u.Email, Actor: "anonymous"}))
		}
		if n, err := db.FailedSignIns(ctx, u.Email, time.Now().Add(-time.Hour)); err != nil || n != 3 {
			t.Fatalf("FailedSignIns = %d, %v", n, err)
		}
		if log, err := db.AuditLog(ctx, AuditFilter{User: u.Email, Limit: 5}); err != nil || len(log) != 5 || log[0].ID < log[1].ID {
			t.Fatalf("AuditLog = %d lines, %v", len(log), err)
		}
		if log, err := db.AuditLog(ctx, AuditFilter{Council: 202}); err != nil || len(log) == 0 {
			t.Fatalf("AuditLog by council = %d lines, %v", len(log), err)
		}

		// Figures: a stored return, a bulk load merged into it, one
		// waiting for explanations.
		codes := []string{inds[0].Code, inds[1].Code}
		months := []string{"2024-01", "2024-02"}
		obs := figures([]int{202, 201}, months, codes)
		obs[0].Note = "a note"
		v0, _ := db.DataVersion(ctx)
		first := storeFigures(t, db, "first@test", obs, []domain.Message{{Rule: "r", Severity: domain.SeverityQuery, Council: 202, Month: "2024-01", Text: "q"}})
		if first.ID == 0 || first.Status != domain.StatusStored || first.RowCount != len(obs) {
			t.Fatalf("stored submission = %+v", first)
		}
		v1, _ := db.DataVersion(ctx)
		if kinds, ok, err := db.ChangesSince(ctx, v0, v1); err != nil || !ok || !slices.Contains(kinds, ChangeFigures) {
			t.Fatalf("ChangesSince(%s, %s) = %v, %v, %v", v0, v1, kinds, ok, err)
		}
		if n, err := db.CountObservations(ctx); err != nil || n != len(obs) {
			t.Fatalf("CountObservations = %d, %v", n, err)
		}
		if has, err := db.HasObservations(ctx); err != nil || !has {
			t.Fatalf("HasObservations = %v, %v", has, err)
		}
		if s, err := db.Series(ctx, 202, codes[0]); err != nil || len(s) != 2 || s[1].Month != "2024-02" {
			t.Fatalf("Series = %+v, %v", s, err)
		}
		if s, err := db.CouncilObservations(ctx, 202); err != nil || len(s) != 4 {
			t.Fatalf("CouncilObservations = %d, %v", len(s), err)
		}
		if s, err := db.CurrentObservations(ctx, []int{202, 201}); err != nil || len(s) != len(obs) {
			t.Fatalf("CurrentObservations = %d, %v", len(s), err)
		}
		count := func(each func(fn func(int, string, string, float64)) error) int {
			n := 0
			must(each(func(int, string, string, float64) { n++ }))
			return n
		}
		if n := count(func(fn func(int, string, string, float64)) error { return db.EachCurrentObservation(ctx, fn) }); n != len(obs) {
			t.Fatalf("EachCurrentObservation: %d", n)
		}
		if n := count(func(fn func(int, string, string, float64)) error {
			return db.EachCurrentObservationOf(ctx, []int{202}, fn)
		}); n != 4 {
			t.Fatalf("EachCurrentObservationOf: %d", n)
		}
		if n := count(func(fn func(int, string, string, float64)) error {
			return db.EachCurrentObservationIn(ctx, []CouncilMonth{{202, "2024-01"}, {201, "2024-02"}}, fn)
		}); n != 4 {
			t.Fatalf("EachCurrentObservationIn: %d", n)
		}
		if notes, err := db.CurrentNotes(ctx, 202, month("2024-01"), month("2024-02")); err != nil || len(notes) != 1 || notes[0].Note != "a note" {
			t.Fatalf("CurrentNotes = %+v, %v", notes, err)
		}
		if ms, err := db.CurrentReturnMessages(ctx, 202, month("2024-01"), month("2024-02")); err != nil || len(ms) != 1 {
			t.Fatalf("CurrentReturnMessages = %+v, %v", ms, err)
		}
		if id, err := db.IdenticalToCurrent(ctx, first.SHA256, []CouncilMonth{{202, "2024-01"}}); err != nil || id != first.ID {
			t.Fatalf("IdenticalToCurrent = %d, %v", id, err)
		}
		if id, err := db.StoredBefore(ctx, first.SHA256); err != nil || id != first.ID {
			t.Fatalf("StoredBefore = %d, %v", id, err)
		}
		last, err := db.LatestReturnID(ctx)
		if err != nil || last == 0 {
			t.Fatalf("LatestReturnID = %d, %v", last, err)
		}

		// A bulk load changing one figure: a new version of that return
		// only, the rest merged back to the versions held.
		bulk := &domain.Submission{SubmittedBy: "bulk@test", Source: "test", FileName: "bulk.xlsx", SHA256: "bulk", Layout: "long"}
		changed := []domain.Observation{{Council: 202, Indicator: codes[0], Month: "2024-01", Value: 11, Note: "a note"}, obs[1]}
		l, err := db.BeginLoad(ctx, bulk)
		must(err)
		must(l.Add(changed[:1]))
		must(l.Add(changed[1:]))
		if l.Count() != 2 || l.Err() != nil {
			t.Fatalf("load count %d, err %v", l.Count(), l.Err())
		}
		must(l.Commit(bulk, nil, audit))
		if keys, seen, err := db.ReturnsSince(ctx, last); err != nil || len(keys) != 1 || keys[0] != (CouncilMonth{202, "2024-01"}) || seen <= last {
			t.Fatalf("ReturnsSince = %v, %d, %v", keys, seen, err)
		}
		if vs, err := db.ReturnVersions(ctx, 202, "2024-01"); err != nil || len(vs) != 2 || vs[0].Status != "current" || vs[0].Version != 2 {
			t.Fatalf("ReturnVersions = %+v, %v", vs, err)
		}
		if s, err := db.Series(ctx, 202, codes[0]); err != nil || s[0].Value != 11 {
			t.Fatalf("after the bulk load: %+v, %v", s, err)
		}
		if cov, err := db.SubmissionCoverage(ctx, bulk.ID); err != nil || len(cov) != 1 || cov[0].Rows != 2 {
			t.Fatalf("SubmissionCoverage = %+v, %v", cov, err)
		}
		if rep, err := db.Replaced(ctx, 202, []int64{first.ID, bulk.ID}); err != nil || rep[first.ID] != ReplacedPartly || rep[bulk.ID] != ReplacedNone {
			t.Fatalf("Replaced = %v, %v", rep, err)
		}
		// The same bulk file again changes nothing.
		again := &domain.Submission{SubmittedBy: "bulk@test", Source: "test", FileName: "bulk.xlsx", SHA256: "bulk2", Layout: "long"}
		l, err = db.BeginLoad(ctx, again)
		must(err)
		must(l.Add(changed))
		if err := l.Commit(again, nil, audit); !errors.Is(err, ErrUnchanged) {
			t.Fatalf("an unchanged bulk load: %v", err)
		}
		// A load rolled back leaves nothing.
		l, err = db.BeginLoad(ctx, &domain.Submission{SubmittedBy: "x", Source: "test", Layout: "long"})
		must(err)
		must(l.Add(figures([]int{203}, months, codes)))
		l.Rollback()
		if s, err := db.CouncilObservations(ctx, 203); err != nil || len(s) != 0 {
			t.Fatalf("a rolled-back load left %d figures (%v)", len(s), err)
		}
		must(db.SaveChanges(ctx, bulk.ID, domain.Changes{Replaced: 1}))
		if c, err := db.Changes(ctx, bulk.ID); err != nil || c.Replaced != 1 {
			t.Fatalf("Changes = %+v, %v", c, err)
		}
		if subs, err := db.CouncilSubmissions(ctx, 202, 10); err != nil || len(subs) != 2 || subs[0].ID != bulk.ID {
			t.Fatalf("CouncilSubmissions = %d, %v", len(subs), err)
		}
		if st, err := db.ReturnStatus(ctx, 202, month("2023-12"), month("2024-02")); err != nil || len(st) != 3 ||
			st[0].Status != "missing" || st[1].Status != "submitted" || st[2].Status != "explained" {
			t.Fatalf("ReturnStatus = %+v, %v", st, err)
		}
		if mr, err := db.MonthReturns(ctx, month("2024-01")); err != nil || !mr[202].Current || len(mr[202].Held) != 2 {
			t.Fatalf("MonthReturns = %+v, %v", mr[202], err)
		}
		if held, err := db.CouncilHeld(ctx, 201, month("2024-01"), month("2024-02")); err != nil || len(held["2024-02"]) != 2 {
			t.Fatalf("CouncilHeld = %v, %v", held, err)
		}

		// Uploads waiting for explanations: recorded, explained in part,
		// settled as unchanged; another superseded by a stored return.
		wait := &domain.Submission{SubmittedBy: "w@test", Source: "test", FileName: "w.xlsx", SHA256: "w", Status: domain.StatusAwaiting, Council: 202}
		wait.SetMessages([]domain.Message{{Rule: "r", Severity: domain.SeverityQuery, Text: "q"}})
		must(db.RecordSubmission(ctx, wait, obs[:2], `{"figures":[]}`, audit))
		if got, payload, err := db.Submission(ctx, wait.ID); err != nil || got.Status != domain.StatusAwaiting || payload == "" {
			t.Fatalf("Submission = %+v, %q, %v", got, payload, err)
		}
		must(db.SaveExplanations(ctx, wait, 1, 0, audit))
		must(db.SettleUnchanged(ctx, wait, audit))
		if err := db.SettleUnchanged(ctx, wait, audit); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("settling twice: %v", err)
		}
		wait2 := &domain.Submission{SubmittedBy: "w@test", Source: "test", FileName: "w2.xlsx", SHA256: "w2", Status: domain.StatusAwaiting}
		must(db.RecordSubmissionCovering(ctx, wait2, []CouncilMonth{{201, "2024-01"}}, 2, "", audit))
		storeFigures(t, db, "later@test", figures([]int{201}, []string{"2024-01"}, codes), nil)
		if got, _, err := db.Submission(ctx, wait2.ID); err != nil || got.Status != domain.StatusSuperseded {
			t.Fatalf("the waiting upload after a later one was stored: %+v, %v", got, err)
		}

		// Official figures stored with a return are upserted.
		val := 42.5
		off := []domain.OfficialValue{{Measure: "m", Indicator: codes[0], Level: "council", Area: "202", Year: 2024, PeriodEnd: "2024-03-31", Value: &val}}
		sub := &domain.Submission{SubmittedBy: "ees@test", Source: "test", FileName: "ees.csv", SHA256: "ees"}
		must(db.StoreSubmission(ctx, sub, nil, off, audit, nil))
		if ov, err := db.Official(ctx, codes[0], "council", "202"); err != nil || len(ov) == 0 || *ov[len(ov)-1].Value != 42.5 {
			t.Fatalf("Official after the upsert: %v", err)
		}

		// Self-assessment and the framework.
		f, err := db.Framework(ctx)
		must(err)
		if _, err := db.SaveAssessment(ctx, assessment(f, 202, 2, domain.AssessmentDraft), audit); err != nil {
			t.Fatal(err)
		}
		if a, err := db.AssessmentDraft(ctx, 202); err != nil || a == nil {
			t.Fatalf("AssessmentDraft = %v, %v", a, err)
		}
		if v, err := db.SaveAssessment(ctx, assessment(f, 202, 3, domain.AssessmentSubmitted), audit); err != nil || v != 1 {
			t.Fatalf("SaveAssessment = %d, %v", v, err)
		}
		if as, err := db.Assessments(ctx, 202); err != nil || len(as) != 1 {
			t.Fatalf("Assessments = %d, %v", len(as), err)
		}
		if la, err := db.LatestAssessments(ctx); err != nil || la[202].Version != 1 {
			t.Fatalf("LatestAssessments = %v, %v", la, err)
		}
		if ok, err := db.LoadDemoAssessments(ctx, []domain.Assessment{assessment(f, 201, 2, "")}); err != nil || ok {
			t.Fatalf("LoadDemoAssessments into a table with one = %v, %v", ok, err)
		}
		f2 := *f
		f2.Note = "reworded"
		if v, err := db.SaveFramework(ctx, f2, audit); err != nil || v != f.Version+1 {
			t.Fatalf("SaveFramework = %d, %v", v, err)
		}
		if fv, err := db.FrameworkVersion(ctx, f.Version); err != nil || fv.Version != f.Version {
			t.Fatalf("FrameworkVersion = %v, %v", fv, err)
		}
		if fvs, err := db.FrameworkVersions(ctx); err != nil || len(fvs) != 2 {
			t.Fatalf("FrameworkVersions = %d, %v", len(fvs), err)
		}

		// The read model's checkpoint.
		must(db.SaveCheckpoint(ctx, "7", 3, [][]byte{[]byte("a"), {0, 1, 2}}))
		must(db.SaveCheckpoint(ctx, "8", 4, [][]byte{[]byte("b")}))
		var parts []string
		if v, seen, ok, err := db.Checkpoint(ctx, func(b []byte) error { parts = append(parts, string(b)); return nil }); err != nil || !ok || v != "8" || seen != 4 || len(parts) != 1 || parts[0] != "b" {
			t.Fatalf("Checkpoint = %s, %d, %v, %v, %q", v, seen, ok, err, parts)
		}

		// The audit log refuses changes in both dialects.
		if _, err := db.w.ExecContext(ctx, "UPDATE audit_log SET actor = 'someone else'"); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("changing the audit log: %v", err)
		}
		if _, err := db.w.ExecContext(ctx, "DELETE FROM audit_log"); err == nil {
			t.Fatal("the audit log let a line be deleted")
		}
		if demo, err := db.DemoLoaded(ctx); err != nil || demo {
			t.Fatalf("DemoLoaded = %v, %v", demo, err)
		}
		if s, err := db.Setting(ctx, "no such setting"); err != nil || s != "" {
			t.Fatalf("Setting = %q, %v", s, err)
		}
		if db.Dialect() == Postgres {
			if err := db.Backup(ctx, t.TempDir()+"/b.db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
				t.Fatalf("Backup on PostgreSQL: %v; want it to name pg_dump", err)
			}
		}
	})
}

// Two instances opening one new PostgreSQL database at the same moment
// migrate it once and seed it once: the second waits, then finds it
// seeded.
func TestTwoInstancesStartingAtOnceSeedOnce(t *testing.T) {
	url := pgtest.URL(t)
	ref := mustReference(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	loads := make([]bool, 2)
	demos := make([]int, 2)
	start := make(chan struct{})
	for i := range 2 {
		wg.Go(func() {
			<-start
			db, err := Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Exclusively(ctx, func() error {
				var err error
				if loads[i], err = db.LoadReference(ctx, ref, "v1"); err != nil {
					return err
				}
				has, err := db.HasObservations(ctx)
				if err != nil || has {
					return err
				}
				demos[i], err = db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
					for _, o := range figures([]int{202, 201}, []string{"2024-01"}, []string{"CSC_CIN"}) {
						if err := emit(o); err != nil {
							return err
						}
					}
					return nil
				})
				return err
			})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	if loads[0] == loads[1] {
		t.Errorf("reference data loaded by %v; want exactly one instance", loads)
	}
	if demos[0]+demos[1] != 2 || demos[0]*demos[1] != 0 {
		t.Errorf("demo figures stored by each instance: %v; want 2 by one of them", demos)
	}
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var subs, migrations int
	if err := db.r.GetContext(ctx, &subs, "SELECT count(*) FROM submissions"); err != nil || subs != 1 {
		t.Errorf("%d submissions (%v); want the one demo load", subs, err)
	}
	files, _ := fs.Glob(postgresMigrations, "migrations/postgres/*.sql")
	if err := db.r.GetContext(ctx, &migrations, "SELECT count(*) FROM goose_db_version WHERE version_id > 0"); err != nil || migrations != len(files) {
		t.Errorf("%d migrations recorded (%v); want each of the %d once", migrations, err, len(files))
	}
}

// Writes from two connections at once stay one at a time on PostgreSQL:
// each submitted self-assessment gets the next version number, none twice.
func TestConcurrentWritesKeepVersionsInOrder(t *testing.T) {
	forDialects(t, func(t *testing.T, d Dialect) {
		db, f := loadedDB(t, d)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 12)
		for range 12 {
			wg.Go(func() {
				if _, err := db.SaveAssessment(ctx, assessment(f, 202, 2, domain.AssessmentSubmitted), domain.AuditEntry{Actor: "t"}); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		as, err := db.Assessments(ctx, 202)
		if err != nil || len(as) != 12 {
			t.Fatalf("%d assessments, %v", len(as), err)
		}
		for i, a := range as {
			if a.Version != i+1 {
				t.Fatalf("versions %v; want 1 to 12", fmt.Sprint(as))
			}
		}
	})
}

func month(s string) domain.Month {
	m, err := domain.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// The two dialects' migrations are numbered and named alike, so a change
// to the schema is never made for one database only.
func TestMigrationsMatchAcrossDialects(t *testing.T) {
	names := func(fsys fs.FS, dir string) []string {
		files, err := fs.Glob(fsys, dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = strings.TrimPrefix(f, dir+"/")
		}
		return files
	}
	lite, pg := names(sqliteMigrations, "migrations/sqlite"), names(postgresMigrations, "migrations/postgres")
	if strings.Join(lite, " ") != strings.Join(pg, " ") {
		t.Errorf("SQLite migrations %q; PostgreSQL migrations %q; want the same files", lite, pg)
	}
}

package dashboard

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// testCouncils are the councils the tests hold figures for: London
// neighbours, and Northamptonshire with its successors.
var testCouncils = []int{202, 204, 206, 210, 211, 301, 928, 940, 941}

// openModel opens a real SQLite database in a temporary folder with the
// reference data, the demo's figures for testCouncils from 2019 to mid
// 2024 and its self-assessments, and a model over it.
func openModel(t *testing.T) (*store.DB, *Model) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "model.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadReference(ctx, ref, "test"); err != nil {
		t.Fatal(err)
	}
	opts := demo.Options{Seed: demo.DefaultSeed, First: domain.Month{Year: 2019, Month: time.January},
		Last: domain.Month{Year: 2024, Month: time.June}, Councils: testCouncils}
	if _, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error { return demo.Generate(ref, opts, emit) }); err != nil {
		t.Fatal(err)
	}
	return db, New(db, Config{})
}

// store keeps figures as one submission of the given layout.
func storeFigures(t *testing.T, db *store.DB, layout string, obs ...domain.Observation) {
	t.Helper()
	sub := &domain.Submission{SubmittedBy: "test", Source: "cli", FileName: "test.xlsx", SHA256: time.Now().String(), Layout: layout}
	if err := db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
}

// same fails unless the snapshot brought up to date matches one loaded
// afresh: its figures and span, and what pages draw from them.
func same(t *testing.T, what string, got *Snapshot, db *store.DB) {
	t.Helper()
	want, err := load(context.Background(), db, got.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || got.First != want.First || got.Last != want.Last {
		t.Fatalf("%s: version %s %s–%s; a fresh load has %s %s–%s", what, got.Version, got.First, got.Last, want.Version, want.First, want.Last)
	}
	if !sameFigures(got.Values, want.Values) {
		t.Fatalf("%s: the figures differ from a fresh load", what)
	}
	if !reflect.DeepEqual(got.Official, want.Official) || !reflect.DeepEqual(got.Assessed, want.Assessed) || !reflect.DeepEqual(got.Timeline, want.Timeline) {
		t.Fatalf("%s: DfE's figures, assessments or timeline differ from a fresh load", what)
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	restricted := Viewer{Restricted: true, Own: 202}
	for _, code := range []string{"CSC_CLA", "CSC_REFERRALS", "WF_VACANCY"} {
		ind := got.ByCode[code]
		for _, m := range []domain.Month{got.Last, got.Last.Add(-1), {Year: 2020, Month: time.May}} {
			for _, v := range []Viewer{{}, restricted} {
				if a, b := js(got.Compare(v, ind, m, 202)), js(want.Compare(v, ind, m, 202)); a != b {
					t.Fatalf("%s: %s %s comparison differs from a fresh load", what, code, m)
				}
			}
		}
		if a, b := js(got.CouncilComparison(restricted, ind, 940, got.First, got.Last)), js(want.CouncilComparison(restricted, ind, 940, want.First, want.Last)); a != b {
			t.Fatalf("%s: %s council comparison differs from a fresh load", what, code)
		}
	}
	for _, n := range []int{202, 940} {
		if a, b := js(got.Tiles(n, restricted)), js(want.Tiles(n, restricted)); a != b {
			t.Fatalf("%s: tiles of %d differ from a fresh load", what, n)
		}
	}
	pm, _ := got.PressureMonth()
	wm, _ := want.PressureMonth()
	if pm != wm {
		t.Fatalf("%s: pressure month %s; a fresh load has %s", what, pm, wm)
	}
	for _, m := range []domain.Month{pm, {Year: 2024, Month: time.June}, {Year: 2020, Month: time.May}} {
		if js(got.Pressure(m)) != js(want.Pressure(m)) {
			t.Fatalf("%s: pressure points of %s differ from a fresh load", what, m)
		}
	}
}

// sameFigures compares two snapshots' figures month by month (a series
// may hold the same figures in a longer run).
func sameFigures(a, b map[string]map[int]*series) bool {
	flat := func(v map[string]map[int]*series) map[string]map[int]map[int]float64 {
		out := map[string]map[int]map[int]float64{}
		for code, byCouncil := range v {
			out[code] = map[int]map[int]float64{}
			for n, s := range byCouncil {
				if s.len() > 0 {
					out[code][n] = s.toSeries()
				}
			}
		}
		return out
	}
	return reflect.DeepEqual(flat(a), flat(b))
}

// An accepted return, a bulk load that merges, a resubmission that drops a
// figure, DfE's figures, a self-assessment and a timeline edit each bring
// the model up to date without a rebuild, and it then answers exactly as
// a model loaded afresh would.
func TestUpdatesMatchAFreshLoad(t *testing.T) {
	ctx := context.Background()
	db, m := openModel(t)
	d0, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Warm the caches, so that the update must carry or drop them rightly.
	same(t, "at first", d0, db)

	step := func(what string, change func()) *Snapshot {
		t.Helper()
		before, _ := m.Snapshot(ctx)
		change()
		d, err := m.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d == before {
			t.Fatalf("%s: the model did not move on", what)
		}
		same(t, what, d, db)
		return d
	}
	obs := func(council int, month, code string, v float64) domain.Observation {
		return domain.Observation{Council: council, Month: month, Indicator: code, Value: v}
	}
	// A new month for one council.
	d1 := step("a new month", func() {
		storeFigures(t, db, "template", obs(202, "2024-07", "CSC_CLA", 333), obs(202, "2024-07", "CSC_REFERRALS", 222))
	})
	if d1.Last != (domain.Month{Year: 2024, Month: time.July}) {
		t.Errorf("last month %s; want 2024-07", d1.Last)
	}
	// A bulk load merging one figure into a held month, for a predecessor
	// in its own months.
	step("a merged figure", func() {
		storeFigures(t, db, "long", obs(928, "2020-05", "CSC_CLA", 1111), obs(301, "2024-06", "CSC_CLA", 444))
	})
	// A resubmission of a month with fewer figures than before.
	step("a resubmission", func() { storeFigures(t, db, "template", obs(204, "2024-06", "CSC_CLA", 120)) })
	// A self-assessment.
	step("an assessment", func() {
		f, err := db.Framework(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a := domain.Assessment{Council: 206, Status: domain.AssessmentSubmitted, By: "dcs@test", Narrative: "A narrative long enough to be kept."}
		for _, it := range f.Items {
			a.Ratings = append(a.Ratings, domain.Rating{Item: it.Code, Rating: 3, Evidence: "Evidence."})
		}
		if _, err := db.SaveAssessment(ctx, a, domain.AuditEntry{Actor: "dcs@test"}); err != nil {
			t.Fatal(err)
		}
	})
	// A timeline event.
	step("a timeline event", func() {
		e := domain.TimelineEvent{Start: "2022-02-24", End: "2022-02-24", Kind: "event", Label: "Living with Covid plan"}
		if err := db.SaveTimelineEvent(ctx, &e, domain.AuditEntry{Actor: "admin@test"}); err != nil {
			t.Fatal(err)
		}
	})
}

// An update copies only what it changes: the series of councils it did
// not touch are the very same maps as before, and the month statistics of
// untouched months carry over.
func TestUpdateSharesWhatDidNotChange(t *testing.T) {
	ctx := context.Background()
	db, m := openModel(t)
	d0, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cla := d0.ByCode["CSC_CLA"]
	old := d0.MonthStats(cla, domain.Month{Year: 2023, Month: time.March})
	storeFigures(t, db, "template", domain.Observation{Council: 202, Month: "2024-06", Indicator: "CSC_CLA", Value: 321})
	d1, err := m.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(d1.Values["CSC_CLA"][301]).Pointer() != reflect.ValueOf(d0.Values["CSC_CLA"][301]).Pointer() {
		t.Error("an untouched council's series was copied")
	}
	if reflect.ValueOf(d1.Values["CSC_CLA"][202]).Pointer() == reflect.ValueOf(d0.Values["CSC_CLA"][202]).Pointer() {
		t.Error("the touched council's series was changed in place, under the old snapshot's readers")
	}
	if v, _ := d0.Values["CSC_CLA"][202].at(domain.Month{Year: 2024, Month: time.June}.Index()); v == 321 {
		t.Error("the old snapshot sees the new figure")
	}
	if d1.MonthStats(cla, domain.Month{Year: 2023, Month: time.March}) != old {
		t.Error("an untouched month's statistics were computed again")
	}
	if d1.returnsSeen <= d0.returnsSeen {
		t.Errorf("returns seen %d after %d", d1.returnsSeen, d0.returnsSeen)
	}
}

// Readers never wait for an update: while one is under way, Snapshot
// returns the snapshot published last at once.
func TestReadersDoNotWaitForAnUpdate(t *testing.T) {
	ctx := context.Background()
	db, m := openModel(t)
	d0, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	storeFigures(t, db, "template", domain.Observation{Council: 202, Month: "2024-06", Indicator: "CSC_CLA", Value: 321})
	clock := time.Now().Add(time.Hour)
	m.now = func() time.Time { return clock }
	m.updating.Lock() // an update under way
	got := make(chan *Snapshot, 1)
	go func() {
		d, _ := m.Snapshot(ctx)
		got <- d
	}()
	select {
	case d := <-got:
		if d != d0 {
			t.Error("a reader during an update got a snapshot other than the one published")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a reader waited for the update")
	}
	m.updating.Unlock()
	d, err := m.Snapshot(ctx)
	if v, _ := d.Values["CSC_CLA"][202].at(domain.Month{Year: 2024, Month: time.June}.Index()); err != nil || d == d0 || v != 321 {
		t.Fatalf("after the update: %v; want the new figure", err)
	}
}

// A start reads the checkpoint the model kept and the returns added since,
// not every figure, and answers exactly as a fresh load; a checkpoint that
// cannot be read is passed over.
func TestStartFromCheckpoint(t *testing.T) {
	ctx := context.Background()
	db, m := openModel(t)
	if _, err := m.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if m.started != "figures" {
		t.Fatalf("the first start was %q; want from the figures", m.started)
	}
	storeFigures(t, db, "template", domain.Observation{Council: 202, Month: "2024-07", Indicator: "CSC_CLA", Value: 333})
	storeFigures(t, db, "long", domain.Observation{Council: 928, Month: "2020-05", Indicator: "CSC_CLA", Value: 1111})

	again := New(db, Config{})
	d, err := again.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.started != "checkpoint" {
		t.Fatalf("the second start was %q; want from the checkpoint", again.started)
	}
	same(t, "from the checkpoint", d, db)

	if err := db.SaveCheckpoint(ctx, d.Version, 0, [][]byte{[]byte("not a checkpoint")}); err != nil {
		t.Fatal(err)
	}
	third := New(db, Config{})
	d, err = third.Snapshot(ctx)
	if err != nil || third.started != "figures" {
		t.Fatalf("with a broken checkpoint: %v, started %q; want from the figures", err, third.started)
	}
	same(t, "past a broken checkpoint", d, db)
}

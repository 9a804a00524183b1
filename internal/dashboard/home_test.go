package dashboard

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func TestMoverShift(t *testing.T) {
	for _, c := range []struct {
		name              string
		f                 MoverFigures
		now, before, want float64
		ok                bool
	}{
		{"pulling ahead", MoverFigures{Own: 128, OwnBefore: 105, Median: 100, MedianBefore: 100}, 0.28, 0.05, 0.23, true},
		{"both rise together", MoverFigures{Own: 220, OwnBefore: 110, Median: 200, MedianBefore: 100}, 0.10, 0.10, 0, true},
		{"falling behind", MoverFigures{Own: 80, OwnBefore: 100, Median: 100, MedianBefore: 100}, -0.20, 0, -0.20, true},
		{"neighbours rise, council flat", MoverFigures{Own: 100, OwnBefore: 100, Median: 125, MedianBefore: 100}, -0.20, 0, -0.20, true},
		{"zero median now", MoverFigures{Own: 3, OwnBefore: 2, Median: 0, MedianBefore: 1}, 0, 0, 0, false},
		{"zero median before", MoverFigures{Own: 3, OwnBefore: 2, Median: 1, MedianBefore: 0}, 0, 0, 0, false},
		{"not a number", MoverFigures{Own: math.NaN(), OwnBefore: 2, Median: 1, MedianBefore: 1}, 0, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			now, before, shift, ok := c.f.Shift()
			if ok != c.ok || math.Abs(now-c.now) > 1e-9 || math.Abs(before-c.before) > 1e-9 || math.Abs(shift-c.want) > 1e-9 {
				t.Errorf("Shift() = %v, %v, %v, %v; want %v, %v, %v, %v", now, before, shift, ok, c.now, c.before, c.want, c.ok)
			}
		})
	}
}

func TestRankMovers(t *testing.T) {
	mv := func(code string, shift float64) Mover {
		return Mover{Indicator: domain.Indicator{Code: code}, Shift: shift}
	}
	for _, c := range []struct {
		name  string
		in    []Mover
		limit int
		want  []string
	}{
		{"largest shift first, either direction", []Mover{mv("A", 0.10), mv("B", -0.40), mv("C", 0.25)}, 5, []string{"B", "C", "A"}},
		{"below the threshold left out", []Mover{mv("A", 0.049), mv("B", -0.05), mv("C", 0)}, 5, []string{"B"}},
		{"at most limit", []Mover{mv("A", 0.1), mv("B", 0.2), mv("C", 0.3), mv("D", 0.4)}, 2, []string{"D", "C"}},
		{"ties by code", []Mover{mv("Z", 0.3), mv("M", -0.3)}, 5, []string{"M", "Z"}},
		{"none", nil, 5, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := RankMovers(c.in, c.limit)
			var codes []string
			for _, m := range got {
				codes = append(codes, m.Indicator.Code)
			}
			if strings.Join(codes, ",") != strings.Join(c.want, ",") {
				t.Errorf("RankMovers = %v; want %v", codes, c.want)
			}
		})
	}
}

func TestPositionAndShiftWords(t *testing.T) {
	for rel, want := range map[float64]string{0.28: "28% above", -0.124: "12% below", 0.002: "level with"} {
		if got := Position(rel); got != want {
			t.Errorf("Position(%v) = %q; want %q", rel, got, want)
		}
	}
	worse := domain.Indicator{Polarity: domain.HigherWorse}
	better := domain.Indicator{Polarity: domain.HigherBetter}
	for _, c := range []struct {
		ind   domain.Indicator
		shift float64
		words string
	}{
		{worse, 0.2, "Up against neighbours, worse"},
		{worse, -0.2, "Down against neighbours, better"},
		{better, -0.2, "Down against neighbours, worse"},
		{domain.Indicator{Polarity: domain.Neutral}, 0.2, "Up against neighbours"},
	} {
		if got := shiftChange(c.ind, c.shift); got.Words != c.words {
			t.Errorf("shiftChange(%s, %v) = %q; want %q", c.ind.Polarity, c.shift, got.Words, c.words)
		}
	}
}

func TestAssessmentAge(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		date, label, ago string
		stale            bool
	}{
		{"2022-07-15", "15 Jul 2022", "4 years ago", true},
		{"2025-12-04T10:00:00Z", "4 Dec 2025", "1 year ago", true},
		{"2025-12-06", "6 Dec 2025", "11 months ago", false},
		{"2026-11-20", "20 Nov 2026", "15 days ago", false},
		{"2026-12-05", "5 Dec 2026", "today", false},
	} {
		age, ok := AgeOf(c.date, now)
		if !ok || age.Date != c.label || age.Ago != c.ago || age.Stale != c.stale {
			t.Errorf("AgeOf(%s) = %+v, %v; want %s, %s, stale %v", c.date, age, ok, c.label, c.ago, c.stale)
		}
	}
	if _, ok := AgeOf("not a date", now); ok {
		t.Error("AgeOf read a date from nonsense")
	}
	if got := SpanLabel(domain.Month{Year: 2026, Month: time.September}); got != "Jul to Sep 2026" {
		t.Errorf("SpanLabel = %q", got)
	}
	if got := SpanLabel(domain.Month{Year: 2026, Month: time.February}); got != "Dec 2025 to Feb 2026" {
		t.Errorf("SpanLabel = %q", got)
	}
	if domain.AssessmentStaleAfterMonths != 12 {
		t.Errorf("stale after %d months; the product says 12", domain.AssessmentStaleAfterMonths)
	}
}

// The movers come from the read model's own figures: each is the council
// against its neighbours' median in its latest month and a year before,
// and a council with no neighbours has none.
func TestSnapshotMovers(t *testing.T) {
	_, m := openModel(t)
	d, err := m.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v := Viewer{Restricted: true, Own: 202}
	movers := d.Movers(v, 202)
	if len(movers) == 0 || len(movers) > MoversShown {
		t.Fatalf("Camden has %d movers; want 1 to %d", len(movers), MoversShown)
	}
	for i, mv := range movers {
		if i > 0 && math.Abs(mv.Shift) > math.Abs(movers[i-1].Shift) {
			t.Errorf("mover %d shifted more than the one before it", i)
		}
		own, _ := d.spanMean(v, mv.Indicator, 202, mv.Month)
		med, _ := d.neighbourMedian(v, mv.Indicator, d.Neighbours[202], mv.Month)
		if mv.Value != FormatValue(mv.Indicator, own) || mv.Neighbours != FormatValue(mv.Indicator, med) || mv.Since != mv.Month.Add(-12) {
			t.Errorf("%s: %s against %s in %s; the model has %v and %v", mv.Indicator.Code, mv.Value, mv.Neighbours, mv.Month, own, med)
		}
		if math.Abs(mv.Now-(own/med-1)) > 1e-9 || mv.Change.Words == "" {
			t.Errorf("%s: position %v, words %q", mv.Indicator.Code, mv.Now, mv.Change.Words)
		}
	}
	for n, nbs := range d.Neighbours {
		if len(nbs) == 0 && d.Movers(v, n) != nil {
			t.Errorf("council %d has no neighbours but has movers", n)
		}
	}
	if got := d.Movers(v, 928); got != nil {
		t.Errorf("Northamptonshire (no neighbours in the 2025 model) has movers %v", got)
	}
}

// Stale assessments: every current council without one, or with one
// older than twelve months, never-assessed first.
func TestSnapshotStaleAssessments(t *testing.T) {
	_, m := openModel(t)
	d, err := m.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	stale := d.StaleAssessments(now)
	seen := map[int]bool{}
	for i, s := range stale {
		seen[s.Council.Number] = true
		if _, has := d.Assessed[s.Council.Number]; has != s.Assessed || (has && !s.Age.Stale) {
			t.Errorf("%s: assessed %v, age %+v", s.Council.Name, has, s.Age)
		}
		if i > 0 && !s.Assessed && stale[i-1].Assessed {
			t.Errorf("%s, never assessed, comes after an assessed council", s.Council.Name)
		}
	}
	for _, co := range d.Councils {
		a, has := d.Assessed[co.Number]
		fresh := has && !StaleAssessment(mustDate(t, a.Date()), now)
		if fresh == seen[co.Number] {
			t.Errorf("%s: fresh %v but listed %v", co.Name, fresh, seen[co.Number])
		}
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

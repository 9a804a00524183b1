package demo

import (
	"reflect"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func TestAssessmentsCoverEveryCouncilAtEachDate(t *testing.T) {
	ref := testRef(t)
	opts := Options{Seed: DefaultSeed, Last: domain.Month{Year: 2026, Month: 10}}
	as, err := Assessments(ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Assessments(ref, opts)
	if !reflect.DeepEqual(as, again) {
		t.Error("two runs with one seed differ")
	}
	perCouncil := map[int][]string{}
	ratings := map[int]int{}
	for _, a := range as {
		perCouncil[a.Council] = append(perCouncil[a.Council], a.Date())
		if !a.Demo || a.Status != domain.AssessmentSubmitted {
			t.Fatalf("assessment %+v is not a submitted demo assessment", a)
		}
		if errs := a.Check(&ref.Framework); len(errs) > 0 {
			t.Fatalf("council %d: %v", a.Council, errs)
		}
		for _, r := range a.Ratings {
			ratings[r.Rating]++
			if !strings.HasPrefix(r.Evidence, "[Synthetic demonstration evidence]") {
				t.Fatalf("evidence %q is not labelled synthetic", r.Evidence)
			}
		}
	}
	current := 0
	for _, c := range ref.Councils {
		if c.Current {
			current++
			want := datesFor(c, opts.Last, opts.Seed)
			if got := perCouncil[c.Number]; len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("council %d assessed on %v; want %v", c.Number, got, want)
			}
		}
	}
	for c, want := range map[int][]string{202: AssessmentDates, 940: AssessmentDates[1:], 942: {"2023-07-15"}} {
		if got := perCouncil[c]; len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
			t.Errorf("council %d assessed on %v; want %v first (its lifetime)", c, got, want)
		}
	}
	// About RecentShare of councils have reviewed theirs in the eight
	// months before the last month, and no later than two months before.
	recent := 0
	for _, dates := range perCouncil {
		latest := dates[len(dates)-1]
		if latest >= "2026-02-15" {
			recent++
			if latest > "2026-08-15" {
				t.Errorf("a self-assessment dated %s, less than two months before Oct 2026", latest)
			}
		}
	}
	if share := float64(recent) / float64(len(perCouncil)); share < RecentShare-0.15 || share > RecentShare+0.15 {
		t.Errorf("%d of %d councils assessed recently (%.2f); want about %.1f", recent, len(perCouncil), share, RecentShare)
	}
	if len(perCouncil) != current {
		t.Errorf("%d councils assessed; %d are current", len(perCouncil), current)
	}
	// Every point of the scale is used: councils differ.
	for r := domain.MinRating; r <= domain.MaxRating; r++ {
		if ratings[r] == 0 {
			t.Errorf("no item is rated %d anywhere", r)
		}
	}
	// Only dates up to the last month are made.
	early, _ := Assessments(ref, Options{Seed: DefaultSeed, Last: domain.Month{Year: 2021, Month: 1}, Councils: []int{202}})
	if len(early) != 1 || early[0].Date() != "2020-10-15" {
		t.Errorf("to Jan 2021: %d assessments", len(early))
	}
}

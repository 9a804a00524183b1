package analytics

import (
	"math"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// testFramework has the framework's shape with short codes.
func testFramework() *domain.Framework {
	f := &domain.Framework{Version: 1}
	add := func(kind string, codes ...string) {
		for _, c := range codes {
			f.Items = append(f.Items, domain.FrameworkItem{Code: c, Kind: kind, Label: c, Statement: c, Descriptors: []string{"a", "b"}})
		}
	}
	add(domain.ItemCondition, "c1", "c2", "c3")
	add(domain.ItemEnabler, "e1", "e2", "e3")
	add(domain.ItemChallenge, "h1", "h2", "h3", "h4")
	return f
}

func rated(pairs ...any) domain.Assessment {
	var a domain.Assessment
	for i := 0; i < len(pairs); i += 2 {
		a.Ratings = append(a.Ratings, domain.Rating{Item: pairs[i].(string), Rating: pairs[i+1].(int)})
	}
	return a
}

func TestConditionsScore(t *testing.T) {
	f := testFramework()
	tests := []struct {
		name string
		a    domain.Assessment
		want float64
		ok   bool
	}{
		// (4 + 3 + 2) / 3 = 3; the enablers and challenges do not count.
		{"OK", rated("c1", 4, "c2", 3, "c3", 2, "e1", 1, "e2", 1, "e3", 1, "h1", 4), 3, true},
		// (1 + 2 + 2) / 3 = 1.666…
		{"Fraction", rated("c1", 1, "c2", 2, "c3", 2), 5.0 / 3, true},
		{"AllStrong", rated("c1", 4, "c2", 4, "c3", 4), 4, true},
		{"ErrOneConditionUnrated", rated("c1", 4, "c2", 3), 0, false},
		{"ErrOffScale", rated("c1", 4, "c2", 3, "c3", 5), 0, false},
		{"ErrNothing", domain.Assessment{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ConditionsScore(tt.a, f)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("ConditionsScore = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestEnablersScore(t *testing.T) {
	f := testFramework()
	// (2 + 3 + 3) / 3 = 2.666…; conditions ignored.
	got, ok := EnablersScore(rated("c1", 1, "e1", 2, "e2", 3, "e3", 3), f)
	if !ok || math.Abs(got-8.0/3) > 1e-12 {
		t.Errorf("EnablersScore = %v, %v; want 2.667, true", got, ok)
	}
	if _, ok := EnablersScore(rated("e1", 2), f); ok {
		t.Error("EnablersScore with two enablers unrated is ok")
	}
}

func TestRatingStats(t *testing.T) {
	as := []domain.Assessment{rated("c1", 1), rated("c1", 4), rated("c1", 2), rated("c2", 3), rated("c1", 0)}
	// c1 rated 1, 4, 2 (the unrated and the other item left out):
	// sorted 1 2 4, median 2, mean 7/3.
	st, ok := RatingStats(as, "c1")
	if !ok || st.N != 3 || st.Median != 2 || math.Abs(st.Mean-7.0/3) > 1e-12 || st.Min != 1 || st.Max != 4 {
		t.Errorf("RatingStats(c1) = %+v, %v", st, ok)
	}
	if _, ok := RatingStats(as, "h1"); ok {
		t.Error("RatingStats of an item nobody rated is ok")
	}
}

package analytics

import (
	"maps"
	"math"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func TestDemandPressure(t *testing.T) {
	area := map[string]string{
		"EHE1": domain.AreaEHE,
		"CSC1": domain.AreaSocial, "CSC2": domain.AreaSocial,
		"SEN1": domain.AreaSEND,
		"WF1":  domain.AreaWorkforce,
	}
	areaOf := func(code string) string { return area[code] }
	three := []string{domain.AreaEHE, domain.AreaSocial, domain.AreaWorkforce}
	point := func(la int, code string, sev float64) PressureCell {
		return PressureCell{Council: la, Indicator: code, Flagged: true, Severity: sev}
	}
	cells := []PressureCell{
		// LA 1: social care 0.45 and 0.8 (the higher counts), workforce
		// 0.3, nothing in EHE: (0 + 0.8 + 0.3) / 3 × 100 = 36.667.
		point(1, "CSC1", 0.45), point(1, "CSC2", 0.8), point(1, "WF1", 0.3),
		{Council: 1, Indicator: "EHE1"}, // assessed, not a point
		// LA 2: assessed everywhere, no point: 0.
		{Council: 2, Indicator: "EHE1"}, {Council: 2, Indicator: "CSC1"},
		// LA 3: its only point is in SEND, not among the three: 0.
		point(3, "SEN1", 0.9),
		// LA 4: the worst in all three: (1 + 1 + 1) / 3 × 100 = 100.
		point(4, "EHE1", 1), point(4, "CSC1", 1), point(4, "WF1", 1),
		// LA 5: 0.75 in EHE alone: 0.75 / 3 × 100 = 25, on the split.
		point(5, "EHE1", 0.75),
		// A cell that has a severity but is not flagged does not count.
		{Council: 6, Indicator: "CSC1", Severity: 0.9},
	}
	tests := []struct {
		name  string
		cells []PressureCell
		areas []string
		want  map[int]float64
	}{
		{"ThreeAreas", cells, three, map[int]float64{1: 110.0 / 3, 2: 0, 3: 0, 4: 100, 5: 25, 6: 0}},
		// A repeated area counts once.
		{"RepeatedArea", cells, append(three, domain.AreaEHE), map[int]float64{1: 110.0 / 3, 2: 0, 3: 0, 4: 100, 5: 25, 6: 0}},
		// No areas: the catalogue's five. LA 1: (0.8 + 0.3) / 5 × 100 =
		// 22; LA 3: 0.9 / 5 × 100 = 18; LA 4: 3 / 5 × 100 = 60; LA 5: 15.
		{"DefaultAreas", cells, nil, map[int]float64{1: 22, 2: 0, 3: 18, 4: 60, 5: 15, 6: 0}},
		// Passing only the points loses the councils without one.
		{"PointsOnly", []PressureCell{point(5, "EHE1", 0.75)}, three, map[int]float64{5: 25}},
		{"NoCells", nil, three, map[int]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DemandPressure(tt.cells, areaOf, tt.areas)
			if !maps.EqualFunc(got, tt.want, near) {
				t.Fatalf("DemandPressure = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestDemandPressureFromAssessment runs the eight-council month of
// TestPressureSeverityByHand through the matrix: LA 107 has REF 0.45
// (social care), ATT 0.382 (SEND) and CASE 0.30 (workforce), LA 108 REF 1.
func TestDemandPressureFromAssessment(t *testing.T) {
	inds, values := eightCouncils()
	inds[0].Area, inds[1].Area, inds[2].Area = domain.AreaSocial, domain.AreaSEND, domain.AreaWorkforce
	res := AssessPressure(mar24, inds, values, PressureConfig{})
	areas := []string{domain.AreaSocial, domain.AreaSEND, domain.AreaWorkforce}
	got := DemandPressure(res.Cells, IndicatorAreas(inds), areas)
	// LA 107: (0.45 + 0.382 + 0.30) / 3 × 100 = 113.2 / 3 = 37.733;
	// LA 108: 1 / 3 × 100 = 33.333; LAs 101 to 106: 0.
	want := map[int]float64{101: 0, 102: 0, 103: 0, 104: 0, 105: 0, 106: 0, 107: 113.2 / 3, 108: 100.0 / 3}
	if !maps.EqualFunc(got, want, near) {
		t.Fatalf("DemandPressure = %v; want %v", got, want)
	}
	// 37.7 with conditions 2 (developing) is the quadrant the LGA acts on.
	if q := Quadrant(got[107], 2, true, MatrixConfig{}); q != QuadrantHighPressureWeak {
		t.Fatalf("LA 107 quadrant %q", q)
	}
	if IndicatorAreas(inds)("NOPE") != "" {
		t.Fatal("unknown code has an area")
	}
}

func TestQuadrant(t *testing.T) {
	tests := []struct {
		name          string
		pressure      float64
		conditions    float64
		hasConditions bool
		cfg           MatrixConfig
		want          string
	}{
		{"HighWeak", 40, 1.5, true, MatrixConfig{}, QuadrantHighPressureWeak},
		{"HighStrong", 100, 4, true, MatrixConfig{}, QuadrantHighPressureStrong},
		{"LowWeak", 0, 1, true, MatrixConfig{}, QuadrantLowPressureWeak},
		{"LowStrong", 10, 3, true, MatrixConfig{}, QuadrantLowPressureStrong},
		// On both splits: high pressure and strong conditions.
		{"OnBothSplits", 25, 2.5, true, MatrixConfig{}, QuadrantHighPressureStrong},
		{"JustBelowPressureSplit", 24.999, 2.5, true, MatrixConfig{}, QuadrantLowPressureStrong},
		{"JustBelowConditionsSplit", 25, 2.499, true, MatrixConfig{}, QuadrantHighPressureWeak},
		{"BelowBoth", 24.999, 2.499, true, MatrixConfig{}, QuadrantLowPressureWeak},
		// Own splits: 30 is below 50, 3 is on 3.
		{"OwnSplits", 30, 3, true, MatrixConfig{PressureSplit: 50, ConditionsSplit: 3}, QuadrantLowPressureStrong},
		// Only one split set: the other keeps its default.
		{"OneSplitSet", 30, 2.4, true, MatrixConfig{PressureSplit: 50}, QuadrantLowPressureWeak},
		{"DefaultConfig", 25, 2.5, true, DefaultMatrixConfig(), QuadrantHighPressureStrong},
		{"NoSelfAssessment", 90, 0, false, MatrixConfig{}, QuadrantNotAssessed},
		{"ConditionsNaN", 90, math.NaN(), true, MatrixConfig{}, QuadrantNotAssessed},
		{"PressureNaN", math.NaN(), 3, true, MatrixConfig{}, QuadrantNotAssessed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quadrant(tt.pressure, tt.conditions, tt.hasConditions, tt.cfg); got != tt.want {
				t.Fatalf("Quadrant(%v, %v, %v) = %q; want %q", tt.pressure, tt.conditions, tt.hasConditions, got, tt.want)
			}
		})
	}
}

// The pressure split follows its rule: a fixed number, or the month's
// national median or upper quartile, never 0 while some council has a
// pressure point.
func TestSplitFor(t *testing.T) {
	// Eight councils: 0, 0, 10, 20, 30, 40, 50, 60. Type 7 quantiles:
	// median h = 3.5 → 25; upper quartile h = 5.25 → 42.5.
	demand := map[int]float64{1: 0, 2: 0, 3: 10, 4: 20, 5: 30, 6: 40, 7: 50, 8: 60}
	mostlyZero := map[int]float64{1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 12, 9: 30}
	tests := []struct {
		name   string
		cfg    MatrixConfig
		demand map[int]float64
		want   float64
	}{
		{"FixedDefault", MatrixConfig{}, demand, 25},
		{"FixedOwn", MatrixConfig{PressureRule: SplitFixed, PressureSplit: 33}, demand, 33},
		{"Median", MatrixConfig{PressureRule: SplitMedian}, demand, 25},
		{"UpperQuartile", MatrixConfig{PressureRule: SplitUpperQuartile}, demand, 42.5},
		// Seven of nine at 0: the upper quartile is 0, so the split is the
		// lowest pressure above it and the seven stay low.
		{"UpperQuartileOfMostlyZero", MatrixConfig{PressureRule: SplitUpperQuartile}, mostlyZero, 12},
		{"NoFigures", MatrixConfig{PressureRule: SplitMedian, PressureSplit: 40}, nil, 40},
		{"AllZero", MatrixConfig{PressureRule: SplitMedian}, map[int]float64{1: 0, 2: 0}, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.SplitFor(tt.demand); !near(got, tt.want) {
				t.Fatalf("SplitFor = %v; want %v", got, tt.want)
			}
		})
	}
	// With the upper quartile, two of the eight are high pressure.
	split := MatrixConfig{PressureRule: SplitUpperQuartile}.SplitFor(demand)
	high := 0
	for _, v := range demand {
		if Quadrant(v, 2, true, MatrixConfig{PressureSplit: split}) == QuadrantHighPressureWeak {
			high++
		}
	}
	if high != 2 {
		t.Fatalf("%d of 8 high pressure at the upper quartile; want 2", high)
	}
}

// A self-assessment more than twelve months old on the day is stale.
func TestAssessmentStale(t *testing.T) {
	now := time.Date(2026, time.December, 5, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		on   string
		want bool
	}{
		{"2026-11-30", false},
		{"2025-12-05", false}, // exactly twelve months: not yet
		{"2025-12-04", true},
		{"2022-07-15", true},
		{"2025-12-04T10:00:00Z", true},
		{"", false},
		{"not a date", false},
	} {
		if got := AssessmentStale(tt.on, now); got != tt.want {
			t.Errorf("AssessmentStale(%q) = %v; want %v", tt.on, got, tt.want)
		}
	}
}

package analytics

import (
	"slices"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func month(y int, m time.Month) domain.Month { return domain.Month{Year: y, Month: m} }

// seriesOf builds a Series from consecutive months starting at first,
// leaving a month out wherever the value is gapValue.
func seriesOf(first domain.Month, vals ...float64) Series {
	s := Series{}
	for i, v := range vals {
		if v != gapValue {
			s.Set(first.Add(i), v)
		}
	}
	return s
}

// gapValue marks a missing month in seriesOf's arguments.
const gapValue = -1e300

func TestBaselineAndChange(t *testing.T) {
	s := Series{}
	s.Set(month(2017, time.January), 100)
	s.Set(month(2018, time.January), 110)
	// January 2019 is missing.
	s.Set(month(2023, time.January), 140)
	s.Set(month(2024, time.January), 126)
	jan24 := month(2024, time.January)

	// Default years: only 2017 and 2018 have January, (100 + 110) / 2 = 105.
	if got, n, ok := Baseline(s, jan24, nil); !ok || n != 2 || !near(got, 105) {
		t.Fatalf("Baseline default = %v, %d, %v; want 105, 2, true", got, n, ok)
	}
	// 2018 listed twice counts once: (110 + 140) / 2 = 125.
	if got, n, ok := Baseline(s, jan24, []int{2018, 2018, 2023}); !ok || n != 2 || !near(got, 125) {
		t.Fatalf("Baseline custom = %v, %d, %v; want 125, 2, true", got, n, ok)
	}
	if _, n, ok := Baseline(s, jan24, []int{2020, 2021}); ok || n != 0 {
		t.Fatal("Baseline with no year present must not be ok")
	}
	// Another calendar month has no baseline at all.
	if _, _, ok := Baseline(s, month(2024, time.February), nil); ok {
		t.Fatal("February has no baseline months")
	}

	tests := []struct {
		name string
		fn   func() (float64, bool)
		want float64
		ok   bool
	}{
		// (126 − 105) / 105 = 21 / 105 = 0.2, i.e. +20%.
		{"VsBaseline", func() (float64, bool) { return ChangeVsBaseline(s, jan24, nil) }, 0.2, true},
		// (126 − 140) / 140 = −14 / 140 = −0.1, i.e. −10%.
		{"VsYearAgo", func() (float64, bool) { return ChangeVsYearAgo(s, jan24) }, -0.1, true},
		// January 2025 itself is missing.
		{"NoValue", func() (float64, bool) { return ChangeVsYearAgo(s, month(2025, time.February)) }, 0, false},
		// January 2022 is missing, so there is no year-ago figure for 2023.
		{"NoYearAgo", func() (float64, bool) { return ChangeVsYearAgo(s, month(2023, time.January)) }, 0, false},
		{"NoBaseline", func() (float64, bool) { return ChangeVsBaseline(s, jan24, []int{2020}) }, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.fn()
			if ok != tt.ok || !near(got, tt.want) {
				t.Fatalf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestChangeFromZeroIsNotAProportion(t *testing.T) {
	s := Series{}
	s.Set(month(2017, time.March), 0)
	s.Set(month(2023, time.March), 0)
	s.Set(month(2024, time.March), 4)
	if _, ok := ChangeVsBaseline(s, month(2024, time.March), nil); ok {
		t.Fatal("a zero baseline must give no change")
	}
	if _, ok := ChangeVsYearAgo(s, month(2024, time.March)); ok {
		t.Fatal("a zero year-ago figure must give no change")
	}
	// A negative reference still reads as "up": (−5 − −10) / 10 = 0.5.
	if got, ok := RelativeChange(-5, -10); !ok || !near(got, 0.5) {
		t.Fatalf("RelativeChange(-5, -10) = %v, %v; want 0.5, true", got, ok)
	}
}

func TestRollingMean(t *testing.T) {
	jan := month(2024, time.January)
	s := seriesOf(jan, 10, 20, 30, gapValue, 50)
	tests := []struct {
		name string
		m    domain.Month
		k    int
		want float64
		ok   bool
	}{
		{"ThreeMonths", month(2024, time.March), 3, 20, true}, // (10+20+30)/3
		{"OneMonth", month(2024, time.February), 1, 20, true},
		{"TwoMonths", month(2024, time.March), 2, 25, true},           // (20+30)/2
		{"StartsBeforeData", month(2024, time.February), 3, 0, false}, // December missing
		{"GapInWindow", month(2024, time.May), 3, 0, false},           // April missing, not zero
		{"ZeroWindow", month(2024, time.March), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := RollingMean(s, tt.m, tt.k)
			if ok != tt.ok || !near(got, tt.want) {
				t.Fatalf("RollingMean = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestDirection(t *testing.T) {
	jan := month(2024, time.January)
	jun := month(2024, time.June)
	g := gapValue
	tests := []struct {
		name string
		vals []float64
		k    int
		want string
	}{
		// Slope 2 a month, fitted change 2 × 5 = 10 > 5% of mean 105 (5.25).
		{"Rising", []float64{100, 102, 104, 106, 108, 110}, 6, Rising},
		{"Falling", []float64{110, 108, 106, 104, 102, 100}, 6, Falling},
		// x = 0..5, Σx = 15, Σy = 603, Σx² = 55, Σxy = 1509:
		// slope = (6×1509 − 15×603) / (6×55 − 15²) = 9 / 105 ≈ 0.086,
		// change ≈ 0.43 ≤ 5% of 100.5 (5.025): flat.
		{"FlatNoise", []float64{100, 101, 100, 101, 100, 101}, 6, Flat},
		// Σy = 695, Σxy = 1775: slope = (10650 − 10425) / 105 ≈ 2.14,
		// change ≈ 10.7 > 5% of 115.8 (5.79): rising, although the last
		// month is below the first.
		{"OneOddMonthAtTheEnd", []float64{100, 110, 120, 130, 140, 95}, 6, Rising},
		// Gaps are skipped, not zero: points (0,100) (2,104) (4,108) give
		// slope 2, change 10 > 5% of 104 (5.2).
		{"GapsSkipped", []float64{100, g, 104, g, 108, g}, 6, Rising},
		// Two of six months is fewer than half the window.
		{"TooFew", []float64{100, g, g, g, g, 140}, 6, ""},
		// 100 → 105 over two months: change 5 ≤ 5% of 102.5 (5.125).
		{"WithinTolerance", []float64{0, 0, 0, 0, 100, 105}, 2, Flat},
		// 100 → 110: change 10 > 5% of 105 (5.25).
		{"BeyondTolerance", []float64{0, 0, 0, 0, 100, 110}, 2, Rising},
		// All zero: no change, flat (0 ≤ 0).
		{"AllZero", []float64{0, 0, 0, 0, 0, 0}, 6, Flat},
		{"WindowTooShort", []float64{1, 2, 3, 4, 5, 6}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Direction(seriesOf(jan, tt.vals...), jun, tt.k); got != tt.want {
				t.Fatalf("Direction = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestMonthsRising(t *testing.T) {
	// Jan..Aug 2024: 10 10 10 13 16 19 19 10. Rolling 3-month means:
	// Mar 10, Apr (10+10+13)/3 = 11, May 39/3 = 13, Jun 48/3 = 16,
	// Jul 54/3 = 18, Aug 48/3 = 16. February's needs December: missing.
	s := seriesOf(month(2024, time.January), 10, 10, 10, 13, 16, 19, 19, 10)
	tests := []struct {
		name string
		m    domain.Month
		want int
	}{
		// Jul > Jun > May > Apr > Mar, then Feb cannot be computed: 4.
		{"RisingFourMonths", month(2024, time.July), 4},
		// Aug 16 < Jul 18.
		{"FellIntoAugust", month(2024, time.August), 0},
		// Apr 11 > Mar 10, and March has no predecessor: 1.
		{"RisingOneMonth", month(2024, time.April), 1},
		{"NoPredecessor", month(2024, time.March), 0},
		// September is missing.
		{"MonthMissing", month(2024, time.September), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MonthsRising(s, tt.m); got != tt.want {
				t.Fatalf("MonthsRising(%s) = %d; want %d", tt.m, got, tt.want)
			}
		})
	}
	// Equal rolling means are not a rise: 5 5 5 5 gives 0.
	if got := MonthsRising(seriesOf(month(2024, time.January), 5, 5, 5, 5), month(2024, time.April)); got != 0 {
		t.Fatalf("flat series: MonthsRising = %d; want 0", got)
	}
}

func TestSeriesMissingAndSeriesOf(t *testing.T) {
	pts := []Point{
		{Month: month(2020, time.January), Display: 4, Displayed: true},
		// March is stored but has no population, so no shown value.
		{Month: month(2020, time.March), Display: 0, Displayed: false},
	}
	s := SeriesOf(pts)
	if v, ok := s.At(month(2020, time.January)); !ok || v != 4 {
		t.Fatalf("At(Jan) = %v, %v; want 4, true", v, ok)
	}
	got := s.Missing(month(2020, time.January), month(2020, time.April))
	want := []domain.Month{month(2020, time.February), month(2020, time.March), month(2020, time.April)}
	if !slices.Equal(got, want) {
		t.Fatalf("Missing = %v; want %v", got, want)
	}
	if got := s.Missing(month(2020, time.January), month(2020, time.January)); len(got) != 0 {
		t.Fatalf("Missing over a present month = %v; want none", got)
	}
}

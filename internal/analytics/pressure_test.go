package analytics

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// mar24 is the month assessed in these tests; its baseline is March 2017,
// 2018 and 2019.
var mar24 = month(2024, time.March)

// baselined returns a series holding base in March 2017, 2018 and 2019
// and v in March 2024: a change of (v - base) / base.
func baselined(base, v float64) Series {
	s := Series{}
	for y := 2017; y <= 2019; y++ {
		s.Set(month(y, time.March), base)
	}
	s.Set(mar24, v)
	return s
}

// withMonths adds values to s from first onwards and returns s.
func withMonths(s Series, first domain.Month, vals ...float64) Series {
	for i, v := range vals {
		s.Set(first.Add(i), v)
	}
	return s
}

// perChild is a higher-is-worse rate per 10,000 children.
func perChild(code, label, polarity string) domain.Indicator {
	return domain.Indicator{Code: code, Label: label, Unit: domain.UnitCount,
		Polarity: polarity, Denominator: domain.DenomChildren}
}

func TestDefaultPressureConfig(t *testing.T) {
	want := PressureConfig{BaselineYears: []int{2017, 2018, 2019}, Threshold: 0.10, WorstBand: "D", DirectionMonths: 3}
	for name, cfg := range map[string]PressureConfig{
		"Default": DefaultPressureConfig(),
		"Zero":    PressureConfig{}.WithDefaults(),
		// Nonsense thresholds and windows fall back to the defaults too.
		"Nonsense": PressureConfig{Threshold: -1, DirectionMonths: 1}.WithDefaults(),
	} {
		t.Run(name, func(t *testing.T) {
			if !slices.Equal(cfg.BaselineYears, want.BaselineYears) || cfg.Threshold != want.Threshold ||
				cfg.WorstBand != want.WorstBand || cfg.DirectionMonths != want.DirectionMonths {
				t.Fatalf("config = %+v; want %+v", cfg, want)
			}
		})
	}
	// Baseline years are put in order once each, without touching the
	// caller's slice.
	years := []int{2019, 2017, 2019}
	if got := (PressureConfig{BaselineYears: years}).WithDefaults().BaselineYears; !slices.Equal(got, []int{2017, 2019}) {
		t.Fatalf("BaselineYears = %v; want [2017 2019]", got)
	}
	if !slices.Equal(years, []int{2019, 2017, 2019}) {
		t.Fatalf("caller's years changed to %v", years)
	}
}

// TestPressureRule checks the pressure-point rule on one subject council,
// LA 8, among seven others (LAs 1 to 7) whose March 2024 values are 10,
// 20, ..., 70 and equal to their baselines. With the subject's value v the
// eight values' quartiles (R type 7, h = 7p) are worked out per case.
func TestPressureRule(t *testing.T) {
	const subject = 8
	tests := []struct {
		name     string
		polarity string
		series   Series // the subject's
		cfg      PressureConfig
		wantBand string
		// wantWorse is the worse-signed change on the baseline.
		wantWorse   float64
		wantFlagged bool
	}{
		// 10..60, 66, 70: Q3 = x[5] + 0.25(x[6] - x[5]) = 60 + 1.5 =
		// 61.5, so 66 is in D. (66 - 60) / 60 = 0.10 exactly: not more
		// than the threshold.
		{"BandDChangeExactlyAtThreshold", domain.HigherWorse, baselined(60, 66), PressureConfig{}, "D", 0.10, false},
		// (66.06 - 60) / 60 = 0.101 > 0.10; Q3 = 61.515 < 66.06.
		{"BandDJustAboveThreshold", domain.HigherWorse, baselined(60, 66.06), PressureConfig{}, "D", 0.101, true},
		// 10, 20, 30, 40, 45, 50, 60, 70: median 42.5, Q3 52.5, so 45 is
		// in C; (45 - 15) / 15 = +200% does not make it a point.
		{"BandCBigChange", domain.HigherWorse, baselined(15, 45), PressureConfig{}, "C", 2, false},
		// Higher is better: 5, 10, ..., 70 has Q1 = 10 + 0.75 × 10 = 17.5
		// and 5 is below it, in D. (5 - 10) / 10 = -50%, worse +0.5.
		{"HigherBetterFalling", domain.HigherBetter, baselined(10, 5), PressureConfig{}, "D", 0.5, true},
		// Higher is better and rising by 25%: worse -0.25.
		{"HigherBetterRising", domain.HigherBetter, baselined(4, 5), PressureConfig{}, "D", -0.25, false},
		// Higher is worse and falling by 20% while in D (80 > Q3 62.5).
		{"HigherWorseFalling", domain.HigherWorse, baselined(100, 80), PressureConfig{}, "D", -0.2, false},
		// Neutral: D holds the lowest values, and 5 is 400% up on its
		// baseline, but a neutral indicator has no worse way.
		{"NeutralNeverFlagged", domain.Neutral, baselined(1, 5), PressureConfig{}, "D", 0, false},
		// No March in 2017–19: no change on the baseline, no point.
		{"NoBaseline", domain.HigherWorse, Series{mar24.Index(): 80}, PressureConfig{}, "D", 0, false},
		// A zero baseline gives no proportion.
		{"ZeroBaseline", domain.HigherWorse, baselined(0, 80), PressureConfig{}, "D", 0, false},
		// (80 - 60) / 60 = +33%, under a 50% threshold.
		{"ThresholdFromConfig", domain.HigherWorse, baselined(60, 80), PressureConfig{Threshold: 0.5}, "D", 1.0 / 3, false},
		// Band C with +200% is a point when C is the band that counts.
		{"WorstBandFromConfig", domain.HigherWorse, baselined(15, 45), PressureConfig{WorstBand: "C"}, "C", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := perChild("X", "Indicator X", tt.polarity)
			vals := map[int]Series{subject: tt.series}
			for la := 1; la <= 7; la++ {
				vals[la] = baselined(float64(10*la), float64(10*la))
			}
			res := AssessPressure(mar24, []domain.Indicator{ind}, map[string]map[int]Series{"X": vals}, tt.cfg)
			c, ok := res.Cell(subject, "X")
			if !ok {
				t.Fatalf("no cell for the subject; missing %v", res.Missing)
			}
			if c.Band != tt.wantBand || !near(c.Worse, tt.wantWorse) || c.Flagged != tt.wantFlagged {
				t.Fatalf("band %q, worse %v, flagged %v; want %q, %v, %v (%s)",
					c.Band, c.Worse, c.Flagged, tt.wantBand, tt.wantWorse, tt.wantFlagged, c.Reason)
			}
			if got := len(res.Points); got != b2i(tt.wantFlagged) {
				t.Fatalf("%d points; want %d", got, b2i(tt.wantFlagged))
			}
			if c.Flagged != (c.Severity > 0 && c.Level != "") {
				t.Fatalf("flagged %v with severity %v, level %q", c.Flagged, c.Severity, c.Level)
			}
			if len(res.Missing) != 0 || len(res.Cells) != 8 {
				t.Fatalf("%d cells, missing %v; want 8 and none", len(res.Cells), res.Missing)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPressureMissingIsNotZero: a council with no value for the month is
// listed as missing and takes no part in bands or ranks; it is not a zero.
func TestPressureMissingIsNotZero(t *testing.T) {
	a := perChild("A", "A", domain.HigherWorse)
	b := perChild("B", "B", domain.HigherWorse)
	values := map[string]map[int]Series{
		"A": {
			1: baselined(10, 10), 2: baselined(20, 20), 3: baselined(30, 30), 4: baselined(40, 40),
		},
		"B": {
			1: baselined(10, 10),
			// LA 2 has a baseline and February 2024 but no March 2024.
			2: withMonths(baselined(20, 20), month(2024, time.February), 20),
			// LA 3 has no series of B at all.
			4: baselined(40, 40),
			5: {mar24.Index(): math.NaN()}, // not a number: missing too
		},
	}
	delete(values["B"][2], mar24.Index())
	res := AssessPressure(mar24, []domain.Indicator{a, b}, values, PressureConfig{})

	t.Run("MissingListed", func(t *testing.T) {
		// Catalogue order, then LA number. LA 5 appears under B only, so it
		// is missing for A as well.
		want := []PressureKey{{5, "A"}, {2, "B"}, {3, "B"}, {5, "B"}}
		if !slices.Equal(res.Missing, want) {
			t.Fatalf("Missing = %v; want %v", res.Missing, want)
		}
	})
	t.Run("NoCellForMissing", func(t *testing.T) {
		for _, k := range res.Missing {
			if c, ok := res.Cell(k.Council, k.Indicator); ok {
				t.Fatalf("missing %v has a cell %+v", k, c)
			}
		}
	})
	t.Run("OthersRankedWithoutIt", func(t *testing.T) {
		// B: only LAs 1 (10) and 4 (40) have values, so N = 2 and LA 4
		// ranks 2nd. Had LA 2 counted as 0 it would rank 1st and push LA 1
		// to 2nd.
		c1, _ := res.Cell(1, "B")
		c4, _ := res.Cell(4, "B")
		if c1.N != 2 || c1.Rank != 1 || c4.Rank != 2 {
			t.Fatalf("B: LA 1 rank %d of %d, LA 4 rank %d; want 1 of 2, 2", c1.Rank, c1.N, c4.Rank)
		}
		if ca, _ := res.Cell(4, "A"); ca.N != 4 || ca.Rank != 4 {
			t.Fatalf("A: LA 4 rank %d of %d; want 4 of 4", ca.Rank, ca.N)
		}
	})
	t.Run("CellsInOrder", func(t *testing.T) {
		var got []PressureKey
		for _, c := range res.Cells {
			got = append(got, c.Key())
		}
		want := []PressureKey{{1, "A"}, {2, "A"}, {3, "A"}, {4, "A"}, {1, "B"}, {4, "B"}}
		if !slices.Equal(got, want) {
			t.Fatalf("cells %v; want %v", got, want)
		}
	})
	t.Run("IndicatorWithNoData", func(t *testing.T) {
		c := perChild("C", "C", domain.HigherWorse)
		r := AssessPressure(mar24, []domain.Indicator{a, c}, map[string]map[int]Series{"A": values["A"]}, PressureConfig{})
		want := []PressureKey{{1, "C"}, {2, "C"}, {3, "C"}, {4, "C"}}
		if !slices.Equal(r.Missing, want) || len(r.Cells) != 4 {
			t.Fatalf("Missing = %v, %d cells; want %v and 4", r.Missing, len(r.Cells), want)
		}
	})
}

// eightCouncils is a hand-built month for LAs 101 to 108 on three
// indicators. Worked out:
//
// REF, referrals per 10,000 children, higher is worse. March 2024 values
// 10, 20, ..., 80 for LAs 101..108, so rank = LA - 100 and, with h = 7p,
// Q3 = x[5] + 0.25(x[6] - x[5]) = 62.5: LAs 107 (70) and 108 (80) are in D.
// Baselines equal the values except LA 107's, 56, and LA 108's, 50.
//   - LA 108: worse (80 - 50) / 50 = 0.6, min(1, 0.6/0.5) = 1, change term
//     0.6 × 1 = 0.6; position (8 - 0.75×8) / (0.25×8) = 2/2 = 1, term 0.3;
//     January to March 2024 are 70, 75, 80: rising, term 0.1. Severity
//     1.0, high. Rolling means: March 75 > February (65+70+75)/3 = 70 >
//     January (62+65+70)/3 = 65.67, and December needs October: 2 months
//     rising. A year ago (64): (80 - 64) / 64 = +25%.
//   - LA 107: worse (70 - 56) / 56 = 0.25, term 0.6 × 0.5 = 0.3; position
//     (7 - 6) / 2 = 0.5, term 0.15; 70, 70, 70 is flat, term 0. Severity
//     0.45, medium.
//
// ATT, attendance %, higher is better. Values 95, 94, 93, 92, 91, 90, 89,
// 80 for LAs 101..108; sorted 80, 89, 90, ..., 95, Q1 = 89 + 0.75 × 1 =
// 89.75: LAs 107 (89) and 108 (80) are in D, ranked 7th and 8th.
//   - LA 107: baseline 100, change -11%, worse 0.11, term 0.6 × 0.22 =
//     0.132; position 0.5, term 0.15; 95, 92, 89 is falling, the worse
//     way, term 0.1. Severity 0.382, medium. Rolling means: March 92 <
//     February (98+95+92)/3 = 95, and January needs November: falling for
//     1 month.
//   - LA 108: baseline 88, change -9.09%, worse 0.0909: not above 10%.
//
// CASE, caseload ratio, higher is worse. Values 15, 16, 17, 18, 19, 20,
// 22.5, 25; Q3 = 20 + 0.25 × 2.5 = 20.625: LAs 107 and 108 in D.
//   - LA 107: baseline 20, worse 0.125, term 0.6 × 0.25 = 0.15; position
//     0.5, term 0.15; only one month in the window, no direction, term 0.
//     Severity 0.30, low.
//   - LA 108: baseline 25, no change.
func eightCouncils() ([]domain.Indicator, map[string]map[int]Series) {
	inds := []domain.Indicator{
		perChild("REF", "Referrals received", domain.HigherWorse),
		{Code: "ATT", Label: "Attendance", Unit: domain.UnitPercent, Polarity: domain.HigherBetter, Denominator: domain.DenomNone},
		{Code: "CASE", Label: "Average caseload", Unit: domain.UnitRatio, Polarity: domain.HigherWorse, Denominator: domain.DenomNone},
	}
	ref, att, cas := map[int]Series{}, map[int]Series{}, map[int]Series{}
	for i := 1; i <= 6; i++ {
		la := 100 + i
		ref[la] = baselined(float64(10*i), float64(10*i))
		att[la] = baselined(float64(96-i), float64(96-i))
		cas[la] = baselined(float64(14+i), float64(14+i))
	}
	ref[107] = withMonths(baselined(56, 70), month(2024, time.January), 70, 70)
	ref[108] = withMonths(baselined(50, 80), month(2023, time.November), 62, 65, 70, 75)
	ref[108].Set(month(2023, time.March), 64)
	att[107] = withMonths(baselined(100, 89), month(2023, time.December), 98, 95, 92)
	att[108] = baselined(88, 80)
	cas[107] = baselined(20, 22.5)
	cas[108] = baselined(25, 25)
	return inds, map[string]map[int]Series{"REF": ref, "ATT": att, "CASE": cas}
}

func TestPressureSeverityByHand(t *testing.T) {
	inds, values := eightCouncils()
	res := AssessPressure(mar24, inds, values, PressureConfig{})
	want := []struct {
		council   int
		indicator string
		severity  float64
		level     string
		rank      int
		direction string
		reason    string
	}{
		{108, "REF", 1.0, LevelHigh, 8, Rising,
			"Referrals received 80.0 per 10,000 children, band D, +60% on the 2017–19 baseline, rising for 2 months"},
		{107, "REF", 0.45, LevelMedium, 7, Flat,
			"Referrals received 70.0 per 10,000 children, band D, +25% on the 2017–19 baseline"},
		{107, "ATT", 0.382, LevelMedium, 7, Falling,
			"Attendance 89.0%, band D, -11.0% on the 2017–19 baseline, falling for 1 month"},
		{107, "CASE", 0.30, LevelLow, 7, "",
			"Average caseload 22.5 cases per worker, band D, +12.5% on the 2017–19 baseline"},
	}
	if len(res.Points) != len(want) {
		for _, p := range res.Points {
			t.Logf("point %d %s %v %s", p.Council, p.Indicator, p.Severity, p.Reason)
		}
		t.Fatalf("%d points; want %d", len(res.Points), len(want))
	}
	for i, w := range want {
		p := res.Points[i]
		t.Run(w.indicator+"_"+strconv.Itoa(w.council), func(t *testing.T) {
			if p.Council != w.council || p.Indicator != w.indicator {
				t.Fatalf("point %d is %d %s; want %d %s", i, p.Council, p.Indicator, w.council, w.indicator)
			}
			if !near(p.Severity, w.severity) || p.Level != w.level {
				t.Fatalf("severity %v %q; want %v %q", p.Severity, p.Level, w.severity, w.level)
			}
			if p.Rank != w.rank || p.N != 8 || p.Band != "D" || p.Direction != w.direction {
				t.Fatalf("rank %d of %d, band %q, direction %q; want %d of 8, D, %q",
					p.Rank, p.N, p.Band, p.Direction, w.rank, w.direction)
			}
			if p.Reason != w.reason {
				t.Fatalf("reason\n got %q\nwant %q", p.Reason, w.reason)
			}
		})
	}
	t.Run("YearAgo", func(t *testing.T) {
		c, _ := res.Cell(108, "REF")
		if !c.ChangeYearAgoOK || !near(c.ChangeYearAgo, 0.25) || !c.ChangeBaselineOK || !near(c.ChangeBaseline, 0.6) {
			t.Fatalf("year ago %v %v, baseline %v %v; want 0.25 and 0.6", c.ChangeYearAgo, c.ChangeYearAgoOK, c.ChangeBaseline, c.ChangeBaselineOK)
		}
		if c, _ := res.Cell(107, "REF"); c.ChangeYearAgoOK {
			t.Fatalf("LA 107 has no March 2023 but ChangeYearAgo is %v", c.ChangeYearAgo)
		}
	})
	t.Run("NotFlaggedInBandD", func(t *testing.T) {
		// LA 108 is in D on attendance but only 9.09% down.
		c, _ := res.Cell(108, "ATT")
		if c.Band != "D" || c.Flagged || c.Severity != 0 || c.Level != "" || !near(c.Worse, 8.0/88) {
			t.Fatalf("ATT 108: %+v", c)
		}
	})
	t.Run("CellsAndPointsAgree", func(t *testing.T) {
		if len(res.Cells) != 24 {
			t.Fatalf("%d cells; want 24", len(res.Cells))
		}
		n := 0
		for _, c := range res.Cells {
			if c.Flagged {
				n++
			}
		}
		if n != len(res.Points) {
			t.Fatalf("%d flagged cells, %d points", n, len(res.Points))
		}
	})
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		name      string
		worse     float64
		rank, n   int
		direction string
		polarity  string
		want      float64
	}{
		// 0.6 × min(1, 1.2) + 0.3 × (8-6)/2 + 0.1 = 0.6 + 0.3 + 0.1.
		{"AllTermsFull", 0.6, 8, 8, Rising, domain.HigherWorse, 1.0},
		// 0.6 × 0.5 + 0.3 × 0.5 = 0.3 + 0.15.
		{"HalfAndHalf", 0.25, 7, 8, Flat, domain.HigherWorse, 0.45},
		// 0.6 × 0.22 + 0.3 × 0.5 + 0.1 = 0.132 + 0.15 + 0.1.
		{"HigherBetterFalling", 0.11, 7, 8, Falling, domain.HigherBetter, 0.382},
		// Rising is not the worse way when higher is better.
		{"HigherBetterRising", 0.11, 7, 8, Rising, domain.HigherBetter, 0.282},
		// Falling is not the worse way when higher is worse.
		{"HigherWorseFalling", 0.5, 6, 8, Falling, domain.HigherWorse, 0.6},
		// Neutral has no worse way.
		{"NeutralRising", 0.5, 6, 8, Rising, domain.Neutral, 0.6},
		// 153 councils, rank 115: position (115 - 114.75) / 38.25 =
		// 0.00653595; 0.6 × 0.4 + 0.3 × 0.00653595 = 0.24 + 0.00196078.
		{"NationalRank115", 0.2, 115, 153, "", domain.HigherWorse, 0.24196078431372549},
		// Rank 153 of 153 and worse beyond the cap: 0.6 + 0.3 + 0.1.
		{"NationalWorst", 3, 153, 153, Rising, domain.HigherWorse, 1.0},
		// Rank above three quarters of the way down: position 0.
		{"PositionClampedAtZero", 0.1, 50, 153, "", domain.HigherWorse, 0.12},
		// A tiny worsening still scores above zero.
		{"TinyButPositive", 1e-14, 1, 8, "", domain.HigherWorse, 1.2e-14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Severity(tt.worse, tt.rank, tt.n, tt.direction, tt.polarity)
			if !near(got, tt.want) || got <= 0 || got > 1 {
				t.Fatalf("Severity = %v; want %v", got, tt.want)
			}
		})
	}
	// Rounding to 12 places makes the sums land on their decimals exactly.
	if got := Severity(0.25, 7, 8, Flat, domain.HigherWorse); got != 0.45 {
		t.Fatalf("Severity = %v; want exactly 0.45", got)
	}
}

func TestSeverityLevel(t *testing.T) {
	tests := []struct {
		severity float64
		want     string
	}{
		{1, LevelHigh},
		{0.6, LevelHigh}, // on the boundary: the higher level
		{0.5999, LevelMedium},
		{0.35, LevelMedium}, // on the boundary
		{0.3499, LevelLow},
		{0.01, LevelLow},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.severity, 'g', -1, 64), func(t *testing.T) {
			if got := SeverityLevel(tt.severity); got != tt.want {
				t.Fatalf("SeverityLevel(%v) = %q; want %q", tt.severity, got, tt.want)
			}
		})
	}
}

func TestRankPoints(t *testing.T) {
	pts := []PressureCell{
		{Council: 2, Indicator: "B", Severity: 0.5},
		{Council: 9, Indicator: "Z", Severity: 0.9},
		{Council: 3, Indicator: "A", Severity: 0.5},
		{Council: 1, Indicator: "A", Severity: 0.2},
		{Council: 1, Indicator: "A", Severity: 0.5},
	}
	rankPoints(pts)
	// Most severe first; the three at 0.5 by indicator code, then LA.
	want := []PressureKey{{9, "Z"}, {1, "A"}, {3, "A"}, {2, "B"}, {1, "A"}}
	var got []PressureKey
	for _, p := range pts {
		got = append(got, p.Key())
	}
	if !slices.Equal(got, want) || pts[4].Severity != 0.2 {
		t.Fatalf("order %v; want %v", got, want)
	}
}

// TestPressureTiesRankDeterministically: two councils tied on everything
// come out by LA number, whatever the map order.
func TestPressureTiesRankDeterministically(t *testing.T) {
	ind := perChild("X", "X", domain.HigherWorse)
	vals := map[int]Series{}
	for la := 1; la <= 6; la++ {
		vals[la] = baselined(10, 10)
	}
	// LAs 7 and 8: both 100 on a baseline of 50; tied rank 7 of 8.
	vals[8] = baselined(50, 100)
	vals[7] = baselined(50, 100)
	for range 20 {
		res := AssessPressure(mar24, []domain.Indicator{ind}, map[string]map[int]Series{"X": vals}, PressureConfig{})
		if len(res.Points) != 2 || res.Points[0].Council != 7 || res.Points[1].Council != 8 ||
			res.Points[0].Severity != res.Points[1].Severity || res.Points[0].Rank != 7 {
			t.Fatalf("points %+v", res.Points)
		}
	}
}

func TestDescribeCell(t *testing.T) {
	rate := perChild("REF", "Referrals received", domain.HigherWorse)
	pct := domain.Indicator{Code: "VAC", Label: "Vacancy rate", Unit: domain.UnitPercent, Polarity: domain.HigherWorse}
	better := domain.Indicator{Code: "ATT", Label: "Attendance", Unit: domain.UnitPercent, Polarity: domain.HigherBetter}
	ratio := domain.Indicator{Code: "CASE", Label: "Average caseload", Unit: domain.UnitRatio, Polarity: domain.HigherWorse}
	count := domain.Indicator{Code: "N", Label: "Open cases", Unit: domain.UnitCount, Polarity: domain.HigherWorse, Denominator: domain.DenomNone}
	neutral := perChild("STEP", "Step-downs", domain.Neutral)
	ok := func(change float64, rising, falling int) PressureCell {
		return PressureCell{Band: "D", BaselineN: 3, ChangeBaseline: change, ChangeBaselineOK: true,
			MonthsRising: rising, MonthsFalling: falling}
	}
	tests := []struct {
		name   string
		ind    domain.Indicator
		value  float64
		cell   PressureCell
		years  []int
		reason string
	}{
		{"TheExample", rate, 612.3, ok(0.34, 3, 0), nil,
			"Referrals received 612.3 per 10,000 children, band D, +34% on the 2017–19 baseline, rising for 3 months"},
		{"RisingOneMonth", rate, 612.26, ok(0.34, 1, 0), nil,
			"Referrals received 612.3 per 10,000 children, band D, +34% on the 2017–19 baseline, rising for 1 month"},
		{"ThousandsSeparated", rate, 1234.56, ok(1.5, 0, 2), nil,
			"Referrals received 1,234.6 per 10,000 children, band D, +150% on the 2017–19 baseline"},
		// Below 20% the change keeps a decimal, so 10.4% is not "10%".
		{"SmallChangeOneDecimal", pct, 12.5, ok(0.104, 2, 0), nil,
			"Vacancy rate 12.5%, band D, +10.4% on the 2017–19 baseline, rising for 2 months"},
		{"HigherBetterFalling", better, 89, ok(-0.2, 0, 4), nil,
			"Attendance 89.0%, band D, -20% on the 2017–19 baseline, falling for 4 months"},
		// Rising is not the clause for higher-is-better.
		{"HigherBetterRisingOmitted", better, 89, ok(-0.2, 4, 0), nil,
			"Attendance 89.0%, band D, -20% on the 2017–19 baseline"},
		{"Ratio", ratio, 17.26, ok(0.25, 0, 0), nil,
			"Average caseload 17.3 cases per worker, band D, +25% on the 2017–19 baseline"},
		{"CountWhole", count, 12345, ok(0.5, 0, 0), nil,
			"Open cases 12,345, band D, +50% on the 2017–19 baseline"},
		{"CountFraction", count, 4.5, ok(0.5, 0, 0), nil,
			"Open cases 4.5, band D, +50% on the 2017–19 baseline"},
		{"NeutralFalling", neutral, 5, PressureCell{Band: "A", BaselineN: 3, ChangeBaseline: -0.0004, ChangeBaselineOK: true, MonthsFalling: 2}, nil,
			"Step-downs 5.0 per 10,000 children, band A, 0.0% on the 2017–19 baseline, falling for 2 months"},
		{"PartialBaseline", rate, 80, PressureCell{Band: "D", BaselineN: 2, ChangeBaseline: 0.6, ChangeBaselineOK: true}, nil,
			"Referrals received 80.0 per 10,000 children, band D, +60% on the 2017–19 baseline (2 of 3 years)"},
		{"NoBaseline", rate, 80, PressureCell{Band: "D"}, nil,
			"Referrals received 80.0 per 10,000 children, band D, no 2017–19 baseline"},
		{"ZeroBaseline", rate, 80, PressureCell{Band: "D", BaselineN: 3}, nil,
			"Referrals received 80.0 per 10,000 children, band D, the 2017–19 baseline is zero"},
		{"SingleYear", rate, 80, ok(-0.125, 0, 0), []int{2019},
			"Referrals received 80.0 per 10,000 children, band D, -12.5% on the 2019 baseline"},
		{"SeparateYears", rate, 80, ok(0.2, 0, 0), []int{2019, 2017},
			"Referrals received 80.0 per 10,000 children, band D, +20% on the 2017, 2019 baseline"},
		{"NoLabel", domain.Indicator{Code: "X", Unit: domain.UnitCount}, 3, ok(0.2, 0, 0), nil,
			"X 3, band D, +20% on the 2017–19 baseline"},
	}
	var sb strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			years := PressureConfig{BaselineYears: tt.years}.WithDefaults().BaselineYears
			c := tt.cell
			c.Value = tt.value
			if c.BaselineN == 3 && len(years) < 3 {
				c.BaselineN = len(years)
			}
			if got := describeCell(&sb, tt.ind, &c, YearsLabel(years), len(years)); got != tt.reason {
				t.Fatalf("\n got %q\nwant %q", got, tt.reason)
			}
		})
	}
}

// TestPressureReasonUsesConfiguredYears: the years in the reason are the
// ones configured, through AssessPressure.
func TestPressureReasonUsesConfiguredYears(t *testing.T) {
	inds, values := eightCouncils()
	res := AssessPressure(mar24, inds, values, PressureConfig{BaselineYears: []int{2019, 2018}})
	c, _ := res.Cell(107, "REF")
	want := "Referrals received 70.0 per 10,000 children, band D, +25% on the 2018–19 baseline"
	if c.Reason != want {
		t.Fatalf("\n got %q\nwant %q", c.Reason, want)
	}
	if !slices.Equal(res.Config.BaselineYears, []int{2018, 2019}) {
		t.Fatalf("Config.BaselineYears = %v", res.Config.BaselineYears)
	}
}

func TestYearsLabel(t *testing.T) {
	tests := []struct {
		name  string
		years []int
		want  string
	}{
		{"Default", []int{2017, 2018, 2019}, "2017–19"},
		{"Single", []int{2019}, "2019"},
		{"Two", []int{2018, 2019}, "2018–19"},
		{"NotContiguous", []int{2017, 2019}, "2017, 2019"},
		{"RunAndSingle", []int{2015, 2017, 2018, 2019}, "2015, 2017–19"},
		{"Century", []int{1999, 2000, 2001}, "1999–2001"},
		{"UnorderedRepeats", []int{2019, 2017, 2018, 2018}, "2017–19"},
		{"None", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := YearsLabel(tt.years); got != tt.want {
				t.Fatalf("YearsLabel(%v) = %q; want %q", tt.years, got, tt.want)
			}
		})
	}
}

func TestFormatChangeAndDigits(t *testing.T) {
	changes := map[float64]string{
		0.34: "+34%", -0.34: "-34%", 0.104: "+10.4%", 0.1: "+10.0%", 0.1994: "+19.9%",
		0.2: "+20%", 0: "0.0%", -0.0004: "0.0%", 2.5: "+250%",
	}
	for c, want := range changes {
		if got := formatChange(c); got != want {
			t.Errorf("formatChange(%v) = %q; want %q", c, got, want)
		}
	}
	digits := []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 1, "0.0"}, {999.94, 1, "999.9"}, {999.96, 1, "1,000.0"}, {1234567.8, 0, "1,234,568"},
		{-1234.5, 1, "-1,234.5"}, {-12, 0, "-12"}, {-0.04, 1, "0.0"}, {100, 0, "100"},
	}
	for _, d := range digits {
		if got := groupDigits(d.v, d.dec); got != d.want {
			t.Errorf("groupDigits(%v, %d) = %q; want %q", d.v, d.dec, got, d.want)
		}
	}
}

func TestMonthsFalling(t *testing.T) {
	// Jan..Aug 2024: 19 19 19 16 13 10 10 19. Rolling 3-month means:
	// Mar 19, Apr 18, May 16, Jun 13, Jul 11, Aug 13. February's needs
	// December: missing.
	s := seriesOf(month(2024, time.January), 19, 19, 19, 16, 13, 10, 10, 19)
	tests := []struct {
		name string
		m    domain.Month
		want int
	}{
		// Jul < Jun < May < Apr < Mar, then Feb cannot be computed: 4.
		{"FallingFourMonths", month(2024, time.July), 4},
		// Aug 13 > Jul 11.
		{"RoseIntoAugust", month(2024, time.August), 0},
		{"FallingOneMonth", month(2024, time.April), 1},
		{"NoPredecessor", month(2024, time.March), 0},
		{"MonthMissing", month(2024, time.September), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MonthsFalling(s, tt.m); got != tt.want {
				t.Fatalf("MonthsFalling(%s) = %d; want %d", tt.m, got, tt.want)
			}
		})
	}
	if got := MonthsFalling(seriesOf(month(2024, time.January), 5, 5, 5, 5), month(2024, time.April)); got != 0 {
		t.Fatalf("flat series: MonthsFalling = %d; want 0", got)
	}
}

func TestCountBy(t *testing.T) {
	inds, values := eightCouncils()
	res := AssessPressure(mar24, inds, values, PressureConfig{})
	byLevel := CountBy(res.Points, func(p PressureCell) string { return p.Level })
	if byLevel[LevelHigh] != 1 || byLevel[LevelMedium] != 2 || byLevel[LevelLow] != 1 || len(byLevel) != 3 {
		t.Fatalf("by level %v", byLevel)
	}
	byInd := CountBy(res.Points, func(p PressureCell) string { return p.Indicator })
	if byInd["REF"] != 2 || byInd["ATT"] != 1 || byInd["CASE"] != 1 {
		t.Fatalf("by indicator %v", byInd)
	}
	if got := CountBy(nil, func(PressureCell) string { return "" }); len(got) != 0 {
		t.Fatalf("CountBy(nil) = %v", got)
	}
}

func TestPressureCellLookupWithoutIndex(t *testing.T) {
	r := PressureResult{Cells: []PressureCell{{Council: 1, Indicator: "A", Value: 3}}}
	if c, ok := r.Cell(1, "A"); !ok || c.Value != 3 {
		t.Fatalf("Cell = %+v, %v", c, ok)
	}
	if _, ok := r.Cell(2, "A"); ok {
		t.Fatal("Cell(2, A) found")
	}
}

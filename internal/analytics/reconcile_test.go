package analytics

import (
	"math"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

var (
	referrals = domain.Indicator{Code: "CSC_REFERRALS", Unit: domain.UnitCount, Kind: domain.KindFlow}
	cin       = domain.Indicator{Code: "CSC_CIN", Unit: domain.UnitCount, Kind: domain.KindStock}
	vacancy   = domain.Indicator{Code: "WF_VACANCY", Unit: domain.UnitPercent, Kind: domain.KindStock}
	absence   = domain.Indicator{Code: "WF_ABSENCE", Unit: domain.UnitPercent, Kind: domain.KindFlow}
)

func officialOf(code string, year int, periodEnd string, value float64) domain.OfficialValue {
	return domain.OfficialValue{Measure: "m", Indicator: code, Level: "council", Area: "202", Year: year, PeriodEnd: periodEnd, Value: &value}
}

func markedOf(code string, year int, periodEnd, marker string) domain.OfficialValue {
	return domain.OfficialValue{Measure: "m", Indicator: code, Level: "council", Area: "202", Year: year, PeriodEnd: periodEnd, Marker: marker}
}

// yearOf is twelve months of the same value, April year-1 to March year.
func yearOf(year int, v float64) Series {
	s := Series{}
	for m := month(year-1, time.April); !month(year, time.March).Before(m); m = m.Add(1) {
		s.Set(m, v)
	}
	return s
}

func ptr(v float64) *float64 { return &v }

func TestReconcile(t *testing.T) {
	partial := yearOf(2025, 100)
	delete(partial, month(2024, time.June).Index())
	delete(partial, month(2025, time.January).Index())
	stock := Series{}
	stock.Set(month(2024, time.February), 999)
	stock.Set(month(2024, time.March), 1900)
	stock.Set(month(2024, time.April), 999)
	rates := Series{}
	rates.Set(month(2024, time.August), 40)
	rates.Set(month(2024, time.September), 16.5)
	rates.Set(month(2024, time.October), 40)

	cases := []struct {
		name     string
		ind      domain.Indicator
		s        Series
		off      domain.OfficialValue
		tol      float64
		total    *float64
		months   int
		expected int
		official *float64
		marker   string
		diff     *float64
		pct      *float64
		flagged  bool
	}{
		{name: "FlowSumsTheFinancialYear", ind: referrals, s: yearOf(2025, 100), off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1200), months: 12, expected: 12, official: ptr(1200), diff: ptr(0), pct: ptr(0)},
		{name: "FlowOffByTenPercent", ind: referrals, s: yearOf(2025, 110), off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1320), months: 12, expected: 12, official: ptr(1200), diff: ptr(120), pct: ptr(10), flagged: true},
		{name: "FlowBelowIsFlaggedToo", ind: referrals, s: yearOf(2025, 90), off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1080), months: 12, expected: 12, official: ptr(1200), diff: ptr(-120), pct: ptr(-10), flagged: true},
		{name: "FlowOtherYearIgnored", ind: referrals, s: yearOf(2024, 100), off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, months: 0, expected: 12, official: ptr(1200)},
		{name: "PartialYearIsNotFlagged", ind: referrals, s: partial, off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1000), months: 10, expected: 12, official: ptr(1200), diff: ptr(-200), pct: ptr(-200.0 / 12)},
		{name: "StockAtMarch", ind: cin, s: stock, off: officialOf(cin.Code, 2024, "2024-03-31", 2000),
			tol: 0.05, total: ptr(1900), months: 1, expected: 1, official: ptr(2000), diff: ptr(-100), pct: ptr(-5)},
		{name: "StockMonthMissing", ind: cin, s: stock, off: officialOf(cin.Code, 2023, "2023-03-31", 2000),
			tol: 0.05, months: 0, expected: 1, official: ptr(2000)},
		{name: "RateAtSeptember", ind: vacancy, s: rates, off: officialOf(vacancy.Code, 2024, "2024-09-30", 15),
			tol: 0.05, total: ptr(16.5), months: 1, expected: 1, official: ptr(15), diff: ptr(1.5), pct: ptr(10), flagged: true},
		{name: "RateFlowComparedAtPeriodEnd", ind: absence, s: rates, off: officialOf(absence.Code, 2024, "2024-09-30", 16.5),
			tol: 0.05, total: ptr(16.5), months: 1, expected: 1, official: ptr(16.5), diff: ptr(0), pct: ptr(0)},
		{name: "MissingOfficial", ind: referrals, s: yearOf(2025, 100), off: markedOf(referrals.Code, 2025, "2025-03-31", "x"),
			tol: 0.05, total: ptr(1200), months: 12, expected: 12, marker: "x"},
		{name: "SuppressedOfficial", ind: referrals, s: yearOf(2025, 1), off: markedOf(referrals.Code, 2025, "2025-03-31", "c"),
			tol: 0.05, total: ptr(12), months: 12, expected: 12, marker: "c"},
		{name: "OfficialZero", ind: referrals, s: yearOf(2025, 1), off: officialOf(referrals.Code, 2025, "2025-03-31", 0),
			tol: 0.05, total: ptr(12), months: 12, expected: 12, official: ptr(0), diff: ptr(12)},
		// 1,260 against 1,200 is exactly 5%: not beyond the tolerance.
		{name: "ToleranceBoundaryEqual", ind: referrals, s: yearOf(2025, 105), off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1260), months: 12, expected: 12, official: ptr(1200), diff: ptr(60), pct: ptr(5)},
		// 1,261 against 1,200 is 5.08%: just over.
		{name: "ToleranceBoundaryJustOver", ind: referrals, s: func() Series { s := yearOf(2025, 105); s.Set(month(2025, time.March), 106); return s }(),
			off: officialOf(referrals.Code, 2025, "2025-03-31", 1200),
			tol: 0.05, total: ptr(1261), months: 12, expected: 12, official: ptr(1200), diff: ptr(61), pct: ptr(61.0 / 12), flagged: true},
		{name: "ToleranceBoundaryJustOverBelow", ind: cin, s: stock, off: officialOf(cin.Code, 2024, "2024-03-31", 2000),
			tol: 0.0499, total: ptr(1900), months: 1, expected: 1, official: ptr(2000), diff: ptr(-100), pct: ptr(-5), flagged: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := Reconcile(tc.ind, tc.s, []domain.OfficialValue{tc.off}, tc.tol)
			if len(rows) != 1 {
				t.Fatalf("got %d rows; want 1", len(rows))
			}
			r := rows[0]
			if r.Year != tc.off.Year || r.PeriodEnd != tc.off.PeriodEnd {
				t.Errorf("year %d %s; want %d %s", r.Year, r.PeriodEnd, tc.off.Year, tc.off.PeriodEnd)
			}
			checkPtr(t, "monthly total", r.MonthlyTotal, tc.total)
			checkPtr(t, "official", r.Official, tc.official)
			checkPtr(t, "difference", r.Difference, tc.diff)
			checkPtr(t, "difference percent", r.DifferencePercent, tc.pct)
			if r.Months != tc.months || r.MonthsExpected != tc.expected {
				t.Errorf("months %d of %d; want %d of %d", r.Months, r.MonthsExpected, tc.months, tc.expected)
			}
			if len(r.Missing) != tc.expected-tc.months {
				t.Errorf("missing %v; want %d months", r.Missing, tc.expected-tc.months)
			}
			if r.Marker != tc.marker {
				t.Errorf("marker %q; want %q", r.Marker, tc.marker)
			}
			if r.Flagged != tc.flagged {
				t.Errorf("flagged %v; want %v", r.Flagged, tc.flagged)
			}
		})
	}
}

func checkPtr(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v; want %v", what, deref(got), deref(want))
	case math.Abs(*got-*want) > 1e-9:
		t.Errorf("%s = %v; want %v", what, *got, *want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

// The months of a flow are those of the financial year ending at the
// period end, read from the official figure rather than assumed, and rows
// come oldest first whatever order the figures arrive in.
func TestReconcileWindowsAndOrder(t *testing.T) {
	s := yearOf(2024, 10)
	for k, v := range yearOf(2025, 20) {
		s[k] = v
	}
	rows := Reconcile(referrals, s, []domain.OfficialValue{
		officialOf(referrals.Code, 2025, "2025-03-31", 240),
		officialOf(referrals.Code, 2024, "2024-03-31", 120),
		officialOf(cin.Code, 2024, "2024-03-31", 5), // another indicator's
		{Indicator: referrals.Code, Year: 2023, PeriodEnd: "soon"},
	}, DefaultReconcileTolerance)
	if len(rows) != 2 || rows[0].Year != 2024 || rows[1].Year != 2025 {
		t.Fatalf("rows %+v; want 2024 then 2025", rows)
	}
	for _, r := range rows {
		if r.First != month(r.Year-1, time.April) || r.End != month(r.Year, time.March) || *r.Difference != 0 || r.Flagged {
			t.Errorf("%d: %s to %s, difference %v, flagged %v", r.Year, r.First, r.End, *r.Difference, r.Flagged)
		}
	}
	// A stock whose period end is 30 September compares September.
	sep := Reconcile(cin, Series{month(2024, time.September).Index(): 7}, []domain.OfficialValue{officialOf(cin.Code, 2024, "2024-09-30", 7)}, 0.05)
	if len(sep) != 1 || sep[0].Months != 1 || sep[0].End != month(2024, time.September) {
		t.Fatalf("September stock: %+v", sep)
	}
}

package analytics

import (
	"math"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// DefaultReconcileTolerance is how far, as a share of DfE's figure, the
// monthly returns may differ from it before a year is flagged: 5%, the
// configuration's (package config).
var DefaultReconcileTolerance = config.Default().ReconcileTolerance

// Reconciliation is one year of a council's monthly returns set against
// DfE's published annual figure for the same indicator.
type Reconciliation struct {
	// Year is DfE's year (2025 for the year to 31 March 2025, or for the
	// workforce census at 30 September 2025); PeriodEnd its ISO date.
	Year      int
	PeriodEnd string
	// First and End are the months the comparison rests on: the twelve
	// months of the financial year ending at PeriodEnd for a count
	// counted during the month, the period-end month alone otherwise.
	First, End domain.Month
	// MonthlyTotal is the sum of the year's monthly figures (flows) or the
	// period-end month's figure; nil when no month has one.
	MonthlyTotal *float64
	// Months is how many monthly figures MonthlyTotal rests on, out of
	// MonthsExpected (12 for flows, 1 otherwise); Missing names the others.
	Months         int
	MonthsExpected int
	Missing        []domain.Month
	// Official is DfE's figure, nil when DfE published none; Marker then
	// holds its symbol ("c" suppressed, "x" unavailable, "z", "low").
	Official *float64
	Marker   string
	// Difference is MonthlyTotal − Official; DifferencePercent that as a
	// percentage of Official (nil when Official is 0 or either is missing).
	Difference        *float64
	DifferencePercent *float64
	// Flagged is true when the difference is beyond the tolerance and the
	// monthly total rests on every month it should.
	Flagged bool
}

// Complete reports whether the monthly total rests on every month the
// comparison needs.
func (r Reconciliation) Complete() bool { return r.Months == r.MonthsExpected }

// ReconcileSums reports whether an indicator's months are added up to
// meet DfE's annual figure: counts made during the month (referrals). A
// stock (children in need at the month's end), a rate or a ratio is
// compared at the period-end month instead.
func ReconcileSums(ind domain.Indicator) bool {
	return ind.Kind == domain.KindFlow && ind.Unit == domain.UnitCount
}

// Reconcile sets a council's monthly series of an indicator (stored values,
// not rates per 10,000) against its official annual figures, one row per
// official year, oldest first. For a count made during the month the
// monthly total is the sum over the twelve months of the financial year
// that ends at the official period end (2025-03-31: April 2024 to March
// 2025); otherwise it is the figure of the period-end month, read from
// PeriodEnd (March for children in need at 31 March, September for the
// workforce census at 30 September). A missing month is never counted as
// zero: Months says how many there were. tolerance is a fraction (0.05 is
// 5%); a difference of exactly the tolerance is not flagged. Official
// figures of other indicators, or whose period end cannot be read, are
// left out.
func Reconcile(ind domain.Indicator, s Series, official []domain.OfficialValue, tolerance float64) []Reconciliation {
	return ReconcileOf(ind, s, nil, official, tolerance)
}

// ReconcileOf is Reconcile for any indicator: of is, for an indicator
// shown as a percentage of another (re-referrals of referrals), that
// other's stored series. DfE publishes such an indicator as the year's
// percentage, so the monthly figure is the year's summed counts over the
// year's summed other counts, times 100; a month lacking either counts as
// missing.
func ReconcileOf(ind domain.Indicator, s, of Series, official []domain.OfficialValue, tolerance float64) []Reconciliation {
	share := ind.PercentOf() != ""
	sums := ReconcileSums(ind)
	out := make([]Reconciliation, 0, len(official))
	for _, o := range official {
		if o.Indicator != "" && o.Indicator != ind.Code || len(o.PeriodEnd) < 7 {
			continue
		}
		end, err := domain.ParseMonth(o.PeriodEnd[:7])
		if err != nil {
			continue
		}
		r := Reconciliation{Year: o.Year, PeriodEnd: o.PeriodEnd, First: end, End: end, MonthsExpected: 1, Marker: o.Marker}
		if sums {
			r.First, r.MonthsExpected = end.Add(-11), 12
		}
		if o.Value != nil {
			v := *o.Value
			r.Official = &v
		}
		var total, den float64
		for _, m := range domain.MonthsBetween(r.First, r.End) {
			v, ok := s.At(m)
			var d float64
			if share {
				d, ok = of.At(m)
				x, okX := s.At(m)
				v, ok = x, ok && okX
			}
			if !ok {
				r.Missing = append(r.Missing, m)
				continue
			}
			total += v
			den += d
			r.Months++
		}
		switch {
		case share && r.Months > 0:
			if pct, ok := PercentOf(total, den); ok {
				r.MonthlyTotal = &pct
			}
		case r.Months > 0:
			r.MonthlyTotal = &total
		}
		if r.MonthlyTotal != nil && r.Official != nil {
			d := *r.MonthlyTotal - *r.Official
			r.Difference = &d
			if *r.Official != 0 {
				p := d / math.Abs(*r.Official) * 100
				r.DifferencePercent = &p
				r.Flagged = r.Complete() && beyondTolerance(math.Abs(p), tolerance*100)
			}
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Reconciliation) int { return a.Year - b.Year })
	return out
}

// beyondTolerance reports whether d is more than limit, so that a
// difference of exactly the tolerance, give or take floating-point
// rounding, is not flagged.
func beyondTolerance(d, limit float64) bool {
	return d > limit+1e-9*math.Max(1, math.Abs(limit))
}

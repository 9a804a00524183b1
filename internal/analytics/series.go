package analytics

import (
	"math"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Series is one council's values of one indicator, keyed by
// domain.Month.Index(). A month that is absent from the map is missing: no
// function here ever treats it as zero. A plain map keeps construction and
// lookups trivial for callers; the methods below only save them from
// calling Index themselves.
type Series map[int]float64

// Lookup is anything that gives a council's value of an indicator by
// month: a Series, or a read model's own compact store of the same
// figures, so nothing need be copied into a map to be assessed.
type Lookup interface {
	At(m domain.Month) (float64, bool)
}

// atIndex is s's value at month index i.
func atIndex(s Lookup, i int) (float64, bool) {
	return s.At(domain.Month{Year: i / 12, Month: time.Month(i%12 + 1)})
}

// SeriesOf builds a Series from display points, taking each point's
// displayed value (the rate for per-child indicators). Points with no
// displayed value, such as a month whose population is unknown, are left
// out, so they count as missing.
func SeriesOf(points []Point) Series {
	s := make(Series, len(points))
	for _, p := range points {
		if p.Displayed {
			s[p.Month.Index()] = p.Display
		}
	}
	return s
}

// At returns the value for month m and whether there is one.
func (s Series) At(m domain.Month) (float64, bool) {
	v, ok := s[m.Index()]
	return v, ok
}

// Set stores v as the value for month m.
func (s Series) Set(m domain.Month, v float64) { s[m.Index()] = v }

// Missing lists the months from first to last inclusive that have no value,
// in order, so a page can name them rather than plot a gap as zero.
func (s Series) Missing(first, last domain.Month) []domain.Month {
	var out []domain.Month
	for _, m := range domain.MonthsBetween(first, last) {
		if _, ok := s[m.Index()]; !ok {
			out = append(out, m)
		}
	}
	return out
}

// DefaultBaselineYears are the pre-pandemic years whose same calendar month
// makes the baseline when a caller passes no years of its own: the
// configuration's (package config).
var DefaultBaselineYears = config.Default().BaselineYears

// Baseline is the mean of the values for m's calendar month in each of the
// given years (DefaultBaselineYears when years is empty), using only the
// years that have a value. n says how many years contributed so a page can
// say "baseline from 2 of 3 years"; ok is false when none did. A year listed
// twice counts once.
func Baseline(s Lookup, m domain.Month, years []int) (mean float64, n int, ok bool) {
	if len(years) == 0 {
		years = DefaultBaselineYears
	}
	seen := make(map[int]bool, len(years))
	var sum float64
	for _, y := range years {
		if seen[y] {
			continue
		}
		seen[y] = true
		if v, found := s.At(domain.Month{Year: y, Month: m.Month}); found {
			sum += v
			n++
		}
	}
	if n == 0 {
		return 0, 0, false
	}
	return sum / float64(n), n, true
}

// RelativeChange is (value - ref) / |ref|: 0.12 means 12% above the
// reference, -0.12 12% below. ok is false when ref is zero (a change from
// nothing has no proportion) or either number is not finite. Dividing by
// |ref| keeps the sign meaning "went up" even for a negative reference.
func RelativeChange(value, ref float64) (float64, bool) {
	if ref == 0 || !finite(ref) || !finite(value) {
		return 0, false
	}
	return (value - ref) / math.Abs(ref), true
}

// ChangeVsBaseline is the relative change of month m against its Baseline
// over years (DefaultBaselineYears when empty). ok is false when m has no
// value, no baseline year has one, or the baseline is zero.
func ChangeVsBaseline(s Lookup, m domain.Month, years []int) (float64, bool) {
	v, ok := s.At(m)
	if !ok {
		return 0, false
	}
	base, _, ok := Baseline(s, m, years)
	if !ok {
		return 0, false
	}
	return RelativeChange(v, base)
}

// ChangeVsYearAgo is the relative change of month m against the same month
// a year earlier. ok is false when either is missing or the earlier is zero.
func ChangeVsYearAgo(s Lookup, m domain.Month) (float64, bool) {
	v, ok := s.At(m)
	if !ok {
		return 0, false
	}
	ref, ok := s.At(m.Add(-12))
	if !ok {
		return 0, false
	}
	return RelativeChange(v, ref)
}

// RollingMean is the mean of the k months ending at m (m included). Every
// one of the k months must have a value: a gap makes ok false rather than
// being averaged over, or counted as zero, which would fake a fall.
func RollingMean(s Lookup, m domain.Month, k int) (float64, bool) {
	if k < 1 {
		return 0, false
	}
	end := m.Index()
	var sum float64
	for i := end - k + 1; i <= end; i++ {
		v, ok := atIndex(s, i)
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum / float64(k), true
}

// Directions a series can be heading, as Direction reports them.
const (
	Rising  = "rising"
	Falling = "falling"
	Flat    = "flat"
)

// DirectionTolerance is how far, as a share of the window's mean, the
// fitted trend must move across the window before Direction calls it rising
// or falling rather than flat. 5% keeps month-to-month noise in a small
// council from reading as a trend.
var DirectionTolerance = 0.05

// Direction says whether s is rising, falling or flat over the k months
// ending at m.
//
// The rule: fit a least-squares line through the months of the window that
// have values (x = month, gaps skipped, never zero-filled); the fitted
// change across the window is slope × (k-1). If its size is at most
// DirectionTolerance × |mean of those values| the series is Flat, otherwise
// Rising or Falling by the slope's sign. A least-squares slope, unlike
// comparing the first month with the last, is not swung by one odd month at
// either end. At least two months and at least half the window (rounded up)
// must have values; otherwise, or when k < 2, it returns "".
func Direction(s Lookup, m domain.Month, k int) string {
	if k < 2 {
		return ""
	}
	end := m.Index()
	var n, sx, sy, sxx, sxy float64
	for x := 0; x < k; x++ {
		v, ok := atIndex(s, end-k+1+x)
		if !ok {
			continue
		}
		fx := float64(x)
		n++
		sx += fx
		sy += v
		sxx += fx * fx
		sxy += fx * v
	}
	if n < 2 || n < float64((k+1)/2) {
		return ""
	}
	// n ≥ 2 distinct x values, so the denominator is positive.
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	mean := sy / n
	change := slope * float64(k-1)
	switch {
	case math.Abs(change) <= DirectionTolerance*math.Abs(mean):
		return Flat
	case slope > 0:
		return Rising
	default:
		return Falling
	}
}

// MonthsRising counts the consecutive months, ending at m, in which the
// 3-month rolling mean rose strictly above the previous month's: 0 when it
// did not rise into m. The count stops at the first month that did not rise
// or where either rolling mean cannot be computed because of a gap.
func MonthsRising(s Lookup, m domain.Month) int {
	n := 0
	cur, ok := RollingMean(s, m, 3)
	for ok {
		m = m.Add(-1)
		prev, okPrev := RollingMean(s, m, 3)
		if !okPrev || !(cur > prev) {
			break
		}
		n++
		cur = prev
	}
	return n
}

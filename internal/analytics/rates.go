// Package analytics holds the product's arithmetic as pure functions over
// domain values: rates per 10,000 children, the population convention,
// aggregates, summaries, ranks and quartile bands, baselines and trends,
// and small-number suppression. It touches no database, web or chart code,
// and knows nothing of users or roles.
package analytics

import (
	"sort"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Populations holds one area's children's population by mid-year.
type Populations map[int]int64

// PopulationFor returns the population to divide a month's figure by, under
// DfE's convention: the mid-year estimate for the year in which the month's
// financial year began (March 2024 uses mid-2023, April 2024 mid-2024). When
// that year is not yet published the latest earlier year is carried forward
// and carried is true. ok is false when no usable year exists.
func (p Populations) PopulationFor(m domain.Month) (pop int64, year int, carried bool, ok bool) {
	want := m.FinancialYearStart()
	if v, found := p[want]; found && v > 0 {
		return v, want, false, true
	}
	best := 0
	for y, v := range p {
		if y < want && y > best && v > 0 {
			best = y
		}
	}
	if best == 0 {
		return 0, 0, false, false
	}
	return p[best], best, true, true
}

// LatestYear returns the most recent year held, or 0.
func (p Populations) LatestYear() int {
	years := make([]int, 0, len(p))
	for y := range p {
		years = append(years, y)
	}
	if len(years) == 0 {
		return 0
	}
	sort.Ints(years)
	return years[len(years)-1]
}

// RatePer10k turns a count into a rate per 10,000 children. ok is false for
// a zero or negative population.
func RatePer10k(count float64, population int64) (float64, bool) {
	if population <= 0 {
		return 0, false
	}
	return count * 10000 / float64(population), true
}

// PercentOf turns a count into a percentage of another count for the same
// council and month (re-referrals as a percentage of referrals). ok is
// false when the other count is zero, negative or not a number: there is
// then no figure, never a zero.
func PercentOf(count, of float64) (float64, bool) {
	if !(of > 0) || !finite(count) || !finite(of) {
		return 0, false
	}
	return count * 100 / of, true
}

// Point is one month of a series as it is shown: the stored value and the
// value displayed (a rate for per-child indicators, otherwise the value).
type Point struct {
	Month     domain.Month
	Value     float64
	Display   float64
	PopYear   int  // the population year used, for per-child indicators
	Carried   bool // the population year was carried forward
	Displayed bool // false when no rate could be computed
	// Suppressed marks a small count hidden from the viewer (SECURITY D1):
	// neither the value nor a rate built on it may be shown.
	Suppressed bool
}

// Present turns stored observations of one indicator into display points,
// dividing by the council's population where the indicator is a rate per
// 10,000 children. Observations must be of that one indicator.
func Present(ind domain.Indicator, obs []domain.Observation, pops Populations) []Point {
	return PresentOf(ind, obs, pops, nil)
}

// PresentOf is Present for any indicator: of gives, for an indicator shown
// as a percentage of another (Indicator.PercentOf), that other's stored
// count in a month; a month without one has no displayed figure.
func PresentOf(ind domain.Indicator, obs []domain.Observation, pops Populations, of func(domain.Month) (float64, bool)) []Point {
	out := make([]Point, 0, len(obs))
	for _, o := range obs {
		m, err := domain.ParseMonth(o.Month)
		if err != nil {
			continue
		}
		p := Point{Month: m, Value: o.Value, Display: o.Value, Displayed: true}
		if ind.PercentOf() != "" {
			p.Display, p.Displayed = 0, false
			if of != nil {
				if den, ok := of(m); ok {
					p.Display, p.Displayed = PercentOf(o.Value, den)
				}
			}
		}
		if ind.PerChildren() {
			pop, year, carried, ok := pops.PopulationFor(m)
			p.PopYear, p.Carried = year, carried
			p.Display, p.Displayed = 0, false
			if ok {
				p.Display, p.Displayed = RatePer10k(o.Value, pop)
			}
		}
		out = append(out, p)
	}
	return out
}

// MissingMonths lists the months between first and last for which points
// holds nothing, so that pages can say which months are missing rather than
// plot a gap as zero. A stored point counts as present even when it has no
// displayed value; Series.Missing instead lists months with nothing to show.
func MissingMonths(points []Point, first, last domain.Month) []domain.Month {
	have := make(map[int]bool, len(points))
	for _, p := range points {
		have[p.Month.Index()] = true
	}
	var out []domain.Month
	for _, m := range domain.MonthsBetween(first, last) {
		if !have[m.Index()] {
			out = append(out, m)
		}
	}
	return out
}

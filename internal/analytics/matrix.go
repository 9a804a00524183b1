package analytics

import (
	"math"
	"slices"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The resilience matrix sets each council's demand pressure (x, 0 to 100)
// against its enabling-conditions score from the self-assessment (y, 1 to
// 4). High pressure with weak conditions is the quadrant the LGA acts on.

// IndicatorAreas returns the areaOf function DemandPressure takes, looking
// an indicator code up in the catalogue inds; an unknown code gives "".
func IndicatorAreas(inds []domain.Indicator) func(indicator string) string {
	areas := make(map[string]string, len(inds))
	for _, ind := range inds {
		if _, dup := areas[ind.Code]; !dup {
			areas[ind.Code] = ind.Area
		}
	}
	return func(indicator string) string { return areas[indicator] }
}

// DemandPressure scores each council's demand pressure from 0 to 100:
//
//	pressure = 100 × mean over areas a of (highest Severity among the
//	           council's pressure points on indicators in a, or 0 if none)
//
// Pass every cell, PressureResult.Cells, not only the points: every council
// with a cell then appears in the result, scoring 0 when it has no pressure
// point, and only flagged cells count towards a score. areaOf gives an
// indicator code's area (IndicatorAreas builds one from the catalogue);
// points on indicators whose area is not among areas are ignored. areas
// lists the areas to average over, a repeated one counting once; every
// area counts whether or not the council has a point in it, so a council
// pressed hard in one area of five scores at most 20. Empty means
// domain.Areas, the catalogue's five.
//
// Taking the worst point in each area, rather than adding up points, keeps
// an area with many related indicators (children's social care has several)
// from outweighing one with few.
func DemandPressure(cells []PressureCell, areaOf func(indicator string) string, areas []string) map[int]float64 {
	if len(areas) == 0 {
		areas = domain.Areas
	}
	slot := make(map[string]int, len(areas))
	for _, a := range areas {
		if _, dup := slot[a]; !dup {
			slot[a] = len(slot)
		}
	}
	k := len(slot)
	worst := make(map[int][]float64)
	for _, c := range cells {
		w, ok := worst[c.Council]
		if !ok {
			w = make([]float64, k)
			worst[c.Council] = w
		}
		if !c.Flagged {
			continue
		}
		i, ok := slot[areaOf(c.Indicator)]
		if ok && c.Severity > w[i] {
			w[i] = c.Severity
		}
	}
	out := make(map[int]float64, len(worst))
	for council, w := range worst {
		var sum float64
		for _, s := range w {
			sum += s
		}
		out[council] = 100 * sum / float64(k)
	}
	return out
}

// Quadrants of the resilience matrix, as Quadrant names them.
const (
	// QuadrantHighPressureWeak is the quadrant the LGA acts on.
	QuadrantHighPressureWeak   = "high pressure, weak conditions"
	QuadrantHighPressureStrong = "high pressure, strong conditions"
	QuadrantLowPressureWeak    = "low pressure, weak conditions"
	QuadrantLowPressureStrong  = "low pressure, strong conditions"
	// QuadrantNotAssessed is for a council with no self-assessment of its
	// enabling conditions, which has no place on the y axis.
	QuadrantNotAssessed = "not assessed"
)

// Defaults of MatrixConfig, the configuration's (package config).
var (
	// DefaultPressureSplit divides high from low demand pressure on the 0
	// to 100 scale of DemandPressure.
	DefaultPressureSplit = config.Default().MatrixPressureSplit
	// DefaultConditionsSplit divides strong from weak enabling conditions
	// on the self-assessment's 1 to 4 scale: halfway between 2
	// (developing) and 3 (established).
	DefaultConditionsSplit = config.Default().MatrixConditionsSplit
)

// Rules for the matrix's pressure split, as MatrixConfig.PressureRule names
// them.
const (
	// SplitFixed splits at MatrixConfig.PressureSplit, whatever the month.
	SplitFixed = "fixed"
	// SplitMedian splits at the national median of the month's demand
	// pressure: half the councils are high.
	SplitMedian = "median"
	// SplitUpperQuartile splits at the national upper quartile: a quarter
	// of the councils are high, so "high" means high.
	SplitUpperQuartile = "upper-quartile"
)

// MatrixConfig places the splits between the matrix's quadrants. A zero (or
// negative, or NaN) split takes its default, so MatrixConfig{} is
// DefaultMatrixConfig(). PressureRule says where the pressure split comes
// from: SplitFixed (or "") uses PressureSplit; SplitMedian and
// SplitUpperQuartile work it out from each month's figures (SplitFor).
type MatrixConfig struct {
	PressureRule    string
	PressureSplit   float64 // default DefaultPressureSplit, 25
	ConditionsSplit float64 // default DefaultConditionsSplit, 2.5
}

// SplitFor returns the pressure split for a month whose councils have the
// demand pressures given (DemandPressure's answer, every council with a
// figure). Under SplitMedian and SplitUpperQuartile it is that quantile
// (R type 7, as Summarise); when it comes out at 0, because most councils
// have no pressure point at all, it is the lowest demand pressure above 0,
// so that a council with no pressure point is never "high". With no
// figures, or under SplitFixed, it is the fixed split.
func (c MatrixConfig) SplitFor(demand map[int]float64) float64 {
	fixed := c.PressureSplit
	if !(fixed > 0) || math.IsInf(fixed, 0) {
		fixed = DefaultPressureSplit
	}
	var p float64
	switch c.PressureRule {
	case SplitMedian:
		p = 0.5
	case SplitUpperQuartile:
		p = 0.75
	default:
		return fixed
	}
	xs := make([]float64, 0, len(demand))
	for _, v := range demand {
		if finite(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return fixed
	}
	slices.Sort(xs)
	q := quantile7(xs, p)
	if q > 0 {
		return q
	}
	for _, v := range xs {
		if v > 0 {
			return v
		}
	}
	return fixed
}

// StaleAfterMonths is how old, in months, a self-assessment may be before
// the matrix marks it as stale.
const StaleAfterMonths = 12

// AssessmentStale reports whether a self-assessment dated on (YYYY-MM-DD,
// or a longer timestamp starting so) is more than StaleAfterMonths months
// old on the day now: one dated 5 Dec 2025 is stale from 6 Dec 2026. A date
// it cannot read is not stale.
func AssessmentStale(on string, now time.Time) bool {
	if len(on) > 10 {
		on = on[:10]
	}
	t, err := time.Parse("2006-01-02", on)
	if err != nil {
		return false
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t.Before(today.AddDate(0, -StaleAfterMonths, 0))
}

// DefaultMatrixConfig returns the splits used when a caller sets none.
func DefaultMatrixConfig() MatrixConfig {
	return MatrixConfig{PressureSplit: DefaultPressureSplit, ConditionsSplit: DefaultConditionsSplit}
}

// Quadrant places a council on the resilience matrix from its demand
// pressure (DemandPressure, 0 to 100) and its enabling-conditions score
// (1 to 4). Pressure at or above cfg.PressureSplit is high, below it low;
// conditions at or above cfg.ConditionsSplit are strong, below weak: a
// value exactly on a split counts as high pressure and as strong
// conditions. Without a self-assessment (hasConditions false), or when
// either number is not finite, it returns QuadrantNotAssessed.
func Quadrant(pressure, conditions float64, hasConditions bool, cfg MatrixConfig) string {
	if !hasConditions || !finite(conditions) || !finite(pressure) {
		return QuadrantNotAssessed
	}
	ps, cs := cfg.PressureSplit, cfg.ConditionsSplit
	if !(ps > 0) || math.IsInf(ps, 0) {
		ps = DefaultPressureSplit
	}
	if !(cs > 0) || math.IsInf(cs, 0) {
		cs = DefaultConditionsSplit
	}
	high, strong := pressure >= ps, conditions >= cs
	switch {
	case high && !strong:
		return QuadrantHighPressureWeak
	case high:
		return QuadrantHighPressureStrong
	case !strong:
		return QuadrantLowPressureWeak
	}
	return QuadrantLowPressureStrong
}

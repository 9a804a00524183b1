package dashboard

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// What counts as a mover on a council's start page: the indicators whose
// figure moved most against the median of the council's statistical
// neighbours over MoverMonths, by at least MoverMinShift of that median,
// at most MoversShown of them. Each figure is the mean of MoverSpan
// months, so that one unusual month of a small flow does not make a
// mover.
const (
	MoverMonths   = 12
	MoverSpan     = 3
	MoverMinShift = 0.05
	MoversShown   = 5
	// moverMinNeighbours is how many neighbours need a figure in both
	// months for their median to be compared with: fewer, and one
	// council's month would move it.
	moverMinNeighbours = 3
)

// MoverFigures are one indicator's figures a mover is worked out from:
// the council's and its neighbours' median in the latest month and
// MoverMonths before it, in the displayed unit.
type MoverFigures struct {
	Own, OwnBefore       float64
	Median, MedianBefore float64
}

// Shift measures how far the council moved against its neighbours: its
// figure as a share above (positive) or below (negative) the neighbours'
// median now and before, and the difference. A council 5% above its
// neighbours a year ago and 28% above now has shifted by 0.23. It is not
// ok when either median is not above zero, since a share of nothing
// means nothing.
func (f MoverFigures) Shift() (now, before, shift float64, ok bool) {
	if !(f.Median > 0) || !(f.MedianBefore > 0) || !finite(f.Own) || !finite(f.OwnBefore) {
		return 0, 0, 0, false
	}
	now, before = f.Own/f.Median-1, f.OwnBefore/f.MedianBefore-1
	return now, before, now - before, true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Mover is one indicator on which a council moved against its neighbours,
// as its start page shows it.
type Mover struct {
	Indicator domain.Indicator
	// Month is the last of the MoverSpan months compared, Period names
	// them ("Jul to Sep 2026") and PeriodBefore the same months a year
	// before.
	Month                domain.Month
	Period, PeriodBefore string
	// Value and Neighbours are the council's monthly mean over Period and
	// its neighbours' median of theirs, formatted; Unit is the displayed
	// unit.
	Value, Neighbours, Unit string
	// Now and Before are the council's figure as a share above (or below,
	// negative) the neighbours' median in Month and MoverMonths before;
	// Shift is Now − Before.
	Now, Before, Shift float64
	// Position and PositionBefore say it in words: "28% above", "5%
	// below", "level with" (the neighbours' median).
	Position, PositionBefore string
	// Change is the shift's direction in words and colour by polarity:
	// "up against neighbours, worse".
	Change Change
	// Since is the last month of PeriodBefore.
	Since domain.Month
}

// SpanLabel names MoverSpan months ending with m: "Jul to Sep 2026", or
// "Dec 2025 to Feb 2026" across a year's end.
func SpanLabel(m domain.Month) string {
	first := m.Add(1 - MoverSpan)
	if first.Year == m.Year {
		return first.Start().Format("Jan") + " to " + m.Label()
	}
	return first.Label() + " to " + m.Label()
}

// RankMovers keeps the movers that shifted by at least MoverMinShift and
// orders them by the size of the shift, largest first, then by indicator
// code so the order is always the same; it keeps at most limit.
func RankMovers(ms []Mover, limit int) []Mover {
	out := slices.DeleteFunc(slices.Clone(ms), func(m Mover) bool { return math.Abs(m.Shift) < MoverMinShift })
	slices.SortStableFunc(out, func(a, b Mover) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Shift), math.Abs(a.Shift)), cmp.Compare(a.Indicator.Code, b.Indicator.Code))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Position writes a share above or below a median in words: "28%
// above", "12% below", "level with".
func Position(rel float64) string {
	switch pct := math.Round(rel * 100); {
	case pct == 0:
		return "level with"
	case pct > 0:
		return fmt.Sprintf("%.0f%% above", pct)
	default:
		return fmt.Sprintf("%.0f%% below", -pct)
	}
}

// shiftChange describes a shift against the neighbours, coloured by the
// indicator's polarity.
func shiftChange(ind domain.Indicator, shift float64) Change {
	ch := ChangeOf(ind, shift, true)
	if !ch.OK {
		return ch
	}
	ch.Text = fmt.Sprintf("%+.0f points", shift*100)
	switch {
	case shift > 0:
		ch.Words = "Up against neighbours"
	case shift < 0:
		ch.Words = "Down against neighbours"
	}
	switch ch.Class {
	case "app-change--worse":
		ch.Words += ", worse"
	case "app-change--better":
		ch.Words += ", better"
	}
	return ch
}

// Movers lists the indicators on which council moved most against the
// median of its statistical neighbours over the MoverMonths to its latest
// figure for each (comparing MoverSpan-month means), as v may see them (neighbours' suppressed counts are
// left out of their median, as on the profile). A council without
// neighbours has none.
func (d *Snapshot) Movers(v Viewer, council int) []Mover {
	nbs := d.Neighbours[council]
	if len(nbs) == 0 {
		return nil
	}
	var all []Mover
	for _, ind := range d.Indicators {
		stored := d.Values[ind.Code][council]
		idx, ok := stored.latest()
		if !ok {
			continue
		}
		last := MonthOfIndex(idx)
		before := last.Add(-MoverMonths)
		own, ok1 := d.spanMean(v, ind, council, last)
		ownBefore, ok2 := d.spanMean(v, ind, council, before)
		med, ok3 := d.neighbourMedian(v, ind, nbs, last)
		medBefore, ok4 := d.neighbourMedian(v, ind, nbs, before)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		now, was, shift, ok := MoverFigures{own, ownBefore, med, medBefore}.Shift()
		if !ok {
			continue
		}
		all = append(all, Mover{Indicator: ind, Month: last, Since: before, Period: SpanLabel(last), PeriodBefore: SpanLabel(before), Value: FormatValue(ind, own), Neighbours: FormatValue(ind, med),
			Unit: ind.DisplayUnit(), Now: now, Before: was, Shift: shift, Position: Position(now), PositionBefore: Position(was),
			Change: shiftChange(ind, shift)})
	}
	return RankMovers(all, MoversShown)
}

// shown is a council's displayed figure in month m, unless v may not see
// it.
func (d *Snapshot) shown(v Viewer, ind domain.Indicator, council int, m domain.Month) (float64, bool) {
	raw, ok := d.Values[ind.Code][council].at(m.Index())
	if !ok || v.Suppressed(ind, council, raw) {
		return 0, false
	}
	return d.Display(ind, council, m, raw)
}

// spanMean is the mean of a council's displayed figures over the
// MoverSpan months ending with m, when v may see every one of them.
func (d *Snapshot) spanMean(v Viewer, ind domain.Indicator, council int, m domain.Month) (float64, bool) {
	var sum float64
	for i := range MoverSpan {
		x, ok := d.shown(v, ind, council, m.Add(-i))
		if !ok {
			return 0, false
		}
		sum += x
	}
	return sum / MoverSpan, true
}

// neighbourMedian is the median of the neighbours' MoverSpan-month means
// ending with m that v may see, when enough of them have one.
func (d *Snapshot) neighbourMedian(v Viewer, ind domain.Indicator, nbs []int, m domain.Month) (float64, bool) {
	var vals []float64
	for _, nb := range nbs {
		if x, ok := d.spanMean(v, ind, nb, m); ok {
			vals = append(vals, x)
		}
	}
	st, ok := analytics.Summarise(vals)
	if !ok || st.N < moverMinNeighbours {
		return 0, false
	}
	return st.Median, true
}

// AssessmentAge is how old a council's latest self-assessment is, as its
// start page and the LGA officer's say it.
type AssessmentAge struct {
	// Date is the day it was submitted ("15 Jul 2022") and Ago how long
	// before now ("4 years ago").
	Date, Ago string
	// Stale is true when it is older than AssessmentStaleAfterMonths.
	Stale bool
	at    time.Time
}

// AgeOf describes an assessment dated date (YYYY-MM-DD, or RFC 3339) at
// time now; ok is false when the date cannot be read.
func AgeOf(date string, now time.Time) (AssessmentAge, bool) {
	if len(date) > 10 {
		date = date[:10]
	}
	at, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return AssessmentAge{}, false
	}
	return AssessmentAge{Date: at.Format("2 Jan 2006"), Ago: ago(at, now), Stale: StaleAssessment(at, now), at: at}, true
}

// StaleAssessment reports whether an assessment submitted at is older
// than domain.AssessmentStaleAfterMonths at now.
func StaleAssessment(at, now time.Time) bool {
	return at.AddDate(0, domain.AssessmentStaleAfterMonths, 0).Before(now)
}

// ago says how long before now t was, in whole days, months or years.
func ago(t, now time.Time) string {
	if !t.Before(now) {
		return "today"
	}
	months := (now.Year()-t.Year())*12 + int(now.Month()) - int(t.Month())
	if now.Day() < t.Day() {
		months--
	}
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case months >= 12:
		return plural(months/12, "year")
	case months >= 1:
		return plural(months, "month")
	}
	days := int(now.Sub(t).Hours() / 24)
	if days < 1 {
		return "today"
	}
	return plural(days, "day")
}

// StaleCouncil is a current council whose latest self-assessment is stale
// or missing.
type StaleCouncil struct {
	Council domain.Council
	// Age is the latest assessment's age; Assessed is false when the
	// council has none.
	Age      AssessmentAge
	Assessed bool
}

// StaleAssessments lists the current councils whose latest submitted
// self-assessment is older than domain.AssessmentStaleAfterMonths at now,
// or that have none: those never assessed first, by name, then the
// oldest first.
func (d *Snapshot) StaleAssessments(now time.Time) []StaleCouncil {
	var out []StaleCouncil
	for _, co := range d.Councils {
		a, has := d.Assessed[co.Number]
		if !has {
			out = append(out, StaleCouncil{Council: co})
			continue
		}
		age, ok := AgeOf(a.Date(), now)
		if !ok || age.Stale {
			out = append(out, StaleCouncil{Council: co, Age: age, Assessed: ok})
		}
	}
	slices.SortStableFunc(out, func(a, b StaleCouncil) int {
		if a.Assessed != b.Assessed {
			if a.Assessed {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Age.at.Compare(b.Age.at), cmp.Compare(a.Council.Name, b.Council.Name))
	})
	return out
}

package returns

import (
	"fmt"
	"math"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// RuleReconcile is raised when an upload completes a year whose monthly
// figures differ from DfE's published figure by more than the
// reconciliation tolerance.
const RuleReconcile = "Q06"

// reconcile raises Q06 when the upload's figures, with those already held,
// complete a year of an indicator that DfE publishes for the council, and
// the year's monthly total differs from DfE's figure by more than the
// reconciliation tolerance. A flow's year is complete when all twelve
// months of the financial year are held after the upload and the upload
// carries at least one of them; a stock's (or a rate's) when the upload
// carries the period-end month. Figures with an error of their own are
// left out, as they are from the other queries.
func (v *validator) reconcile() {
	tol := v.vc.ReconcileTolerance
	if v.vc.Official == nil || tol < 0 {
		return
	}
	if tol == 0 {
		tol = analytics.DefaultReconcileTolerance
	}
	type pair struct{ council, pos int }
	seen := map[pair]bool{}
	var pairs []pair
	for i := range v.f.list {
		if v.bad[i] || !v.f.hasValue(i) {
			continue
		}
		_, pos, ok := v.indicatorAt(i)
		if !ok {
			continue
		}
		p := pair{int(v.f.list[i].council), pos}
		if !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	for _, p := range pairs {
		ind := v.vc.Catalogue.Indicators[p.pos]
		for _, o := range v.vc.Official(p.council, ind.Code) {
			if o.Value != nil && (o.Indicator == "" || o.Indicator == ind.Code) {
				v.reconcileYear(p.council, p.pos, ind, o, tol)
			}
		}
	}
}

// reconcileYear checks one official year of one council and indicator.
func (v *validator) reconcileYear(council, pos int, ind domain.Indicator, o domain.OfficialValue, tol float64) {
	if len(o.PeriodEnd) < 7 {
		return
	}
	end, err := domain.ParseMonth(o.PeriodEnd[:7])
	if err != nil {
		return
	}
	first := end
	if analytics.ReconcileSums(ind) {
		first = end.Add(-11)
	}
	series := analytics.Series{}
	latest := -1 // the upload's figure for the latest month of the year
	for _, m := range domain.MonthsBetween(first, end) {
		if j, ok := v.seen.get(council, pos, m.Index()); ok && !v.bad[j] && v.f.hasValue(j) {
			series.Set(m, v.f.list[j].value)
			latest = j
			continue
		}
		if v.vc.Held != nil {
			if x, ok := v.vc.Held(council, ind.Code, m); ok {
				series.Set(m, x)
			}
		}
	}
	if latest < 0 {
		return // the upload carries none of the year's months
	}
	// An indicator shown as a percentage of another (re-referrals of
	// referrals) meets DfE's percentage with the other's figures too.
	var of analytics.Series
	if code := ind.PercentOf(); code != "" {
		of = analytics.Series{}
		ofPos := -1
		for k, other := range v.vc.Catalogue.Indicators {
			if other.Code == code {
				ofPos = k
			}
		}
		for _, m := range domain.MonthsBetween(first, end) {
			if j, ok := v.seen.get(council, ofPos, m.Index()); ofPos >= 0 && ok && !v.bad[j] && v.f.hasValue(j) {
				of.Set(m, v.f.list[j].value)
			} else if v.vc.Held != nil {
				if x, ok := v.vc.Held(council, code, m); ok {
					of.Set(m, x)
				}
			}
		}
	}
	rows := analytics.ReconcileOf(ind, series, of, []domain.OfficialValue{o}, tol)
	if len(rows) != 1 || !rows[0].Flagged {
		return
	}
	if !v.out.admit(RuleReconcile, "") {
		return
	}
	r := rows[0]
	at := v.at(latest)
	when := "in the year to " + humanISODate(r.PeriodEnd)
	what := fmt.Sprintf("the monthly figures for %s to %s add up to %s", r.First.Label(), r.End.Label(), reconcileNumber(ind, *r.MonthlyTotal))
	published, diff := reconcileNumber(ind, *r.Official), signed(reconcileNumber(ind, *r.Difference), *r.Difference)
	if ind.PercentOf() != "" {
		// DfE publishes the year's percentage: the months' counts are
		// compared as one, and the difference is in percentage points.
		pct := func(x float64) string {
			return strconv.FormatFloat(round1(math.Abs(x)), 'f', 1, 64) + ind.DisplayUnit()
		}
		what = fmt.Sprintf("the monthly figures for %s to %s come to %s", r.First.Label(), r.End.Label(), pct(*r.MonthlyTotal))
		published = pct(*r.Official)
		diff = signed(strconv.FormatFloat(round1(math.Abs(*r.Difference)), 'f', 1, 64), *r.Difference) + " points"
	}
	if !analytics.ReconcileSums(ind) {
		when = "at " + humanISODate(r.PeriodEnd)
		what = fmt.Sprintf("the figure for %s is %s", r.End.Label(), reconcileNumber(ind, *r.MonthlyTotal))
	}
	v.out.put(RuleReconcile, at.Sheet, at.Cell(), &at, "",
		fmt.Sprintf("%s for %s %s: %s, but DfE published %s, a difference of %s (%s%%), beyond the %s%% tolerance. Check the monthly figures, or explain the difference.",
			name(ind), v.councilName(council), when, what, published,
			diff, signed(strconv.FormatFloat(math.Abs(round1(*r.DifferencePercent)), 'f', 1, 64), *r.DifferencePercent),
			formatNumber(100*tol)))
}

// councilName names a council for a message: its name and number when the
// context can name it, the number otherwise.
func (v *validator) councilName(n int) string {
	if v.vc.CouncilName != nil {
		if s := v.vc.CouncilName(n); s != "" {
			return fmt.Sprintf("%s (%d)", s, n)
		}
	}
	return "council " + strconv.Itoa(n)
}

// reconcileNumber writes a figure of the indicator: counts whole, rates
// and ratios to one decimal place.
func reconcileNumber(ind domain.Indicator, x float64) string {
	if ind.Unit == domain.UnitCount && ind.PercentOf() == "" {
		return formatNumber(math.Round(math.Abs(x)))
	}
	return formatNumber(round1(math.Abs(x)))
}

// signed puts the sign of x before its written size.
func signed(s string, x float64) string {
	switch {
	case x > 0:
		return "+" + s
	case x < 0:
		return "-" + s
	}
	return s
}

// humanISODate writes "2025-03-31" as "31 March 2025".
func humanISODate(iso string) string {
	m, err := domain.ParseMonth(iso[:min(7, len(iso))])
	if err != nil || len(iso) < 10 {
		return iso
	}
	day := iso[8:10]
	if day[0] == '0' {
		day = day[1:]
	}
	return day + " " + m.Start().Format("January 2006")
}

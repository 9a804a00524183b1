package dashboard

import (
	"fmt"
	"math"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// ReconcileRow is one year of a council's monthly returns against DfE's
// published figure, as the API, the downloads and the pages give it. The
// figures marshal to a number, "c" (withheld, SECURITY D1) or null.
type ReconcileRow struct {
	Year              int    `json:"year"`
	PeriodEnd         string `json:"period_end"`
	MonthlyTotal      Figure `json:"monthly_total"`
	Months            int    `json:"months"`
	MonthsExpected    int    `json:"months_expected"`
	Official          Figure `json:"official"`
	Difference        Figure `json:"difference"`
	DifferencePercent Figure `json:"difference_percent"`
	Flagged           bool   `json:"flagged"`
	// Marker is DfE's symbol where it published no figure: "c"
	// (suppressed), "x" (not available), "z" (not applicable), "low".
	Marker string `json:"marker,omitempty"`

	// For the pages: the months the comparison rests on, the figures as
	// text and what the row means in words.
	Period   string `json:"-"`
	Total    string `json:"-"`
	DfE      string `json:"-"`
	Diff     string `json:"-"`
	Percent  string `json:"-"`
	Words    string `json:"-"`
	Complete bool   `json:"-"`
}

// ReconciledIndicators are the catalogue's indicators that DfE publishes
// an annual figure of for councils, in catalogue order.
func (d *Snapshot) ReconciledIndicators() []domain.Indicator {
	var out []domain.Indicator
	for _, ind := range d.Indicators {
		for _, o := range d.Official[ind.Code] {
			if o.Level == "council" {
				out = append(out, ind)
				break
			}
		}
	}
	return out
}

// OfficialOf returns one council's official figures of an indicator.
func (d *Snapshot) OfficialOf(code string, council int) []domain.OfficialValue {
	area := strconv.Itoa(council)
	var out []domain.OfficialValue
	for _, o := range d.Official[code] {
		if o.Level == "council" && o.Area == area {
			out = append(out, o)
		}
	}
	return out
}

// Reconcile sets a council's monthly returns of an indicator against
// DfE's figures for every year from the first the dashboard can hold
// (period ends from January 2017), oldest first. A viewer from another
// council does not see a total that rests on a count of 1 to 5, nor the
// difference that would give it back (SECURITY D1).
func (d *Snapshot) Reconcile(ind domain.Indicator, council int, v Viewer, official []domain.OfficialValue, tol float64) []ReconcileRow {
	series := d.Values[ind.Code][council].toSeries()
	var of analytics.Series
	if code := ind.PercentOf(); code != "" {
		of = d.Values[code][council].toSeries()
	}
	var out []ReconcileRow
	for _, r := range analytics.ReconcileOf(ind, series, of, official, tol) {
		if r.End.Before(domain.FirstMonth) {
			continue
		}
		row := ReconcileRow{Year: r.Year, PeriodEnd: r.PeriodEnd, Months: r.Months, MonthsExpected: r.MonthsExpected,
			Flagged: r.Flagged, Marker: r.Marker, Complete: r.Complete(), Official: figureOf(r.Official),
			MonthlyTotal: figureOf(r.MonthlyTotal), Difference: figureOf(r.Difference), DifferencePercent: figureOf(r.DifferencePercent)}
		withheld := false
		if r.MonthlyTotal != nil && ind.PercentOf() == "" && v.Suppressed(ind, council, *r.MonthlyTotal) {
			withheld = true
		}
		for _, m := range domain.MonthsBetween(r.First, r.End) {
			if x, ok := series.At(m); ok && v.Suppressed(ind, council, x) {
				withheld = true
			}
		}
		if withheld {
			row.MonthlyTotal, row.Difference, row.DifferencePercent = Figure{Suppressed: true}, Figure{Suppressed: true}, Figure{Suppressed: true}
			row.Flagged = false
		}
		row.Period = r.End.Label()
		if r.MonthsExpected > 1 {
			row.Period = r.First.Label() + " to " + r.End.Label()
		}
		row.Total, row.DfE = reconText(ind, row.MonthlyTotal, false), reconText(ind, row.Official, false)
		if row.DfE == "" && r.Marker != "" {
			row.DfE = r.Marker
		}
		// A part-year's difference from the whole year's figure says
		// nothing, so the pages leave it blank (the downloads and the API
		// keep it, beside the months it rests on).
		if r.Complete() {
			row.Diff, row.Percent = reconText(ind, row.Difference, true), percentFigure(row.DifferencePercent)
		}
		row.Words = reconWords(r, withheld, tol)
		out = append(out, row)
	}
	return out
}

// figureOf is a known number, or a missing one.
func figureOf(p *float64) Figure {
	if p == nil {
		return Figure{}
	}
	return Figure{Value: *p, OK: true}
}

// reconText writes a figure of the indicator for a table: counts whole
// with thousands separators, rates, percentages and ratios to one decimal
// place; signed
// for a difference.
func reconText(ind domain.Indicator, f Figure, signed bool) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	size := math.Abs(f.Value)
	text := strconv.FormatFloat(RoundTo(size, 1), 'f', 1, 64)
	if ind.Unit == domain.UnitCount && ind.PercentOf() == "" {
		text = FormatCount(size)
	}
	if !signed {
		if f.Value < 0 {
			return "-" + text
		}
		return text
	}
	return signOf(f.Value, text)
}

// percentFigure writes a difference in per cent to one decimal place.
func percentFigure(f Figure) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	return signOf(f.Value, strconv.FormatFloat(RoundTo(math.Abs(f.Value), 1), 'f', 1, 64)+"%")
}

// signOf puts the sign of x before text, which writes its size.
func signOf(x float64, text string) string {
	switch {
	case x > 0:
		return "+" + text
	case x < 0:
		return "-" + text
	}
	return text
}

// reconWords says what a year's comparison means.
func reconWords(r analytics.Reconciliation, withheld bool, tol float64) string {
	markers := map[string]string{"c": "suppressed", "x": "not available", "z": "not applicable", "low": "too low to publish", "u": "low reliability"}
	switch {
	case r.Official == nil && r.Marker != "":
		what := markers[r.Marker]
		if what == "" {
			what = "not published"
		}
		return fmt.Sprintf("No DfE figure to compare (%s: %s)", r.Marker, what)
	case r.Official == nil:
		return "No DfE figure to compare"
	case r.Months == 0:
		return "No monthly figures"
	case withheld:
		return "Withheld: rests on a count of 1 to 5"
	case !r.Complete() && !r.Missing[len(r.Missing)-1].Before(domain.FirstMonth):
		return fmt.Sprintf("Rests on %d of %d months (none for %s): not compared", r.Months, r.MonthsExpected, MonthList(r.Missing))
	case !r.Complete():
		return fmt.Sprintf("Rests on %d of %d months (monthly figures start in %s): not compared", r.Months, r.MonthsExpected, domain.FirstMonth.Label())
	case r.DifferencePercent == nil:
		return "DfE's figure is 0: no percentage difference"
	case r.Flagged:
		return fmt.Sprintf("Differs by %s%%, beyond the %s tolerance", strconv.FormatFloat(RoundTo(math.Abs(*r.DifferencePercent), 1), 'f', 1, 64), PercentText(tol))
	}
	return fmt.Sprintf("Within the %s tolerance", PercentText(tol))
}

// PercentText writes a tolerance for people: 0.05 as "5%".
func PercentText(f float64) string {
	return strconv.FormatFloat(RoundTo(f*100, 2), 'f', -1, 64) + "%"
}

package web

import (
	"fmt"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Colours of a projection on the profile's chart: the council's own
// near-black, the intervals as translucent greys so the neighbours' blue
// band and every line stay readable through them.
const (
	projection80Fill = "rgba(11, 12, 12, 0.18)"
	projection95Fill = "rgba(11, 12, 12, 0.08)"
)

// projectionView is a council's projection of one indicator as the
// profile shows it: the planning table and its accuracy, or why there is
// none.
type projectionView struct {
	OK bool
	// Sentence is the headline: "Children looked after in 12 months (Sep
	// 2027): 412, likely 380 to 445."
	Sentence string
	// Accuracy is the backtest in words; Origins and Forecasts the
	// months projected from and the figures scored.
	Accuracy           string
	Origins, Forecasts int
	Label              string
	Reason             string
	Unit               string
	// Rate is true when the table adds the rate per 10,000 children.
	Rate bool
	Rows []projectionRow
	API  string
	last domain.Month
	p    *dashboard.Projected
}

// projectionRow is one month of the planning table.
type projectionRow struct {
	Month, Figure, Likely, Range, Rate string
}

// buildProjectionView reads the council's projection from the read
// model, as the signed-in user may see it.
func buildProjectionView(c *gin.Context, d *dashboard.Snapshot, ind domain.Indicator, council int) *projectionView {
	p := d.ProjectionFor(dashboard.ViewerOf(currentUser(c)), ind, council)
	v := &projectionView{OK: p.OK, Reason: p.ReasonText(), Accuracy: p.AccuracyText(), Unit: dashboard.ProjectedUnit(ind),
		API: fmt.Sprintf("/api/v1/councils/%d/projection?indicator=%s", council, ind.Code), last: p.LastMonth, p: p,
		Rate: ind.PerChildren() && ind.PercentOf() == "", Origins: p.Backtest.Origins, Forecasts: p.Backtest.Forecasts, Label: ind.Label}
	if !p.OK {
		return v
	}
	f := func(x float64) string { return dashboard.FormatProjected(ind, x) }
	for _, pt := range p.Points {
		m := dashboard.MonthOfIndex(pt.Month)
		row := projectionRow{Month: m.Label(), Figure: f(pt.Forecast), Likely: f(pt.Lower80) + " to " + f(pt.Upper80),
			Range: f(pt.Lower95) + " to " + f(pt.Upper95)}
		if v.Rate {
			if r, ok := d.DisplayedProjection(ind, council, m, pt.Forecast); ok {
				row.Rate = dashboard.FormatValue(ind, r)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	end := p.Points[len(p.Points)-1]
	v.Sentence = fmt.Sprintf("%s in %d months (%s): %s, likely %s to %s.", ind.Label, end.Ahead,
		dashboard.MonthOfIndex(end.Month).Label(), f(end.Forecast), f(end.Lower80), f(end.Upper80))
	return v
}

// projectionLines extends the chart's months by the projection's and
// returns the projection's lines: the 95% and 80% bands (drawn first, so
// every line is drawn over them) and the dashed projection, starting at
// the last figure so it continues the council's line.
func projectionLines(d *dashboard.Snapshot, ind domain.Indicator, council int, v *projectionView, months []domain.Month) ([]domain.Month, []charts.Line) {
	p := v.p
	ext := append([]domain.Month(nil), months...)
	for _, pt := range p.Points {
		ext = append(ext, dashboard.MonthOfIndex(pt.Month))
	}
	n := len(ext)
	line := make([]*float64, n)
	lo80, hi80, lo95, hi95 := make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	val := func(m domain.Month, x float64) *float64 {
		if shown, ok := d.DisplayedProjection(ind, council, m, x); ok {
			return &shown
		}
		return nil
	}
	lastAt := len(months) - 1
	for i, m := range months {
		if m == p.LastMonth {
			lastAt = i
		}
	}
	if shown, ok := d.ShownAt(ind, council, p.LastMonth); ok {
		line[lastAt] = &shown
	}
	for k, pt := range p.Points {
		i, m := len(months)+k, dashboard.MonthOfIndex(pt.Month)
		line[i], lo80[i], hi80[i], lo95[i], hi95[i] = val(m, pt.Forecast), val(m, pt.Lower80), val(m, pt.Upper80), val(m, pt.Lower95), val(m, pt.Upper95)
	}
	return ext, []charts.Line{
		{Name: "Projection: 95% range", Values: lo95, Kind: charts.KindBandLower, Band: "projection-95", Fill: projection95Fill},
		{Name: "Projection: 95% range", Values: hi95, Kind: charts.KindBandUpper, Band: "projection-95", Fill: projection95Fill},
		{Name: "Projection: 80% range", Values: lo80, Kind: charts.KindBandLower, Band: "projection-80", Fill: projection80Fill},
		{Name: "Projection: 80% range", Values: hi80, Kind: charts.KindBandUpper, Band: "projection-80", Fill: projection80Fill},
		{Name: "Projection", Values: line, Colour: charts.ProjectionColour, Dashed: true},
	}
}

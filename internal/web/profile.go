package web

import (
	"fmt"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// comparisonView is the detailed chart of one indicator for a council
// against its neighbours, region and England, with its data table: the
// read model's numbers, drawn.
type comparisonView struct {
	*dashboard.CouncilComparison
	Option   map[string]any
	From, To string
	// ChartNote is the note under the chart: the figures' note and a key
	// to the timeline's shading.
	ChartNote string
	// Missing names the months in the period with no figure for the
	// council; the chart leaves them blank rather than plotting zero.
	Missing string
	// Projection is the council's projection beyond its last figure, or
	// why there is none.
	Projection *projectionView
}

// buildComparisonChart draws a council's comparison for one indicator
// over first to last, as the signed-in user may see it.
func buildComparisonChart(c *gin.Context, d *dashboard.Snapshot, ind domain.Indicator, council int, first, last domain.Month) (*comparisonView, error) {
	cc := d.CouncilComparison(dashboard.ViewerOf(currentUser(c)), ind, council, first, last)
	co := cc.Council
	view := &comparisonView{CouncilComparison: cc, From: first.String(), To: last.String()}
	var lines, projLine []charts.Line
	months := cc.Months
	proj := buildProjectionView(c, d, ind, council)
	view.Projection = proj
	if proj.OK && !last.Before(proj.last) {
		// The projection continues the chart beyond the last figure:
		// shaded 95% and 80% intervals under a dashed line.
		ext, pl := projectionLines(d, ind, council, proj, months)
		months, lines, projLine = ext, pl[:len(pl)-1], pl[len(pl)-1:]
	}
	// A council with no neighbours (a former council, say) has no band or
	// median: the chart leaves them out rather than listing empty series.
	if hasFigure(cc.Q1) && hasFigure(cc.Q3) {
		lines = append(lines, charts.Line{Name: "Neighbours' middle half", Values: cc.Q1, Kind: charts.KindBandLower},
			charts.Line{Name: "Neighbours' middle half", Values: cc.Q3, Kind: charts.KindBandUpper})
	}
	lines = append(lines, charts.Line{Name: co.Name, Values: cc.Own, Selected: true})
	if hasFigure(cc.Median) {
		lines = append(lines, charts.Line{Name: "Statistical neighbours (median)", Values: cc.Median, Colour: charts.NeighboursColour, Dashed: true})
	}
	if hasFigure(cc.Region) {
		lines = append(lines, charts.Line{Name: co.RegionName, Values: cc.Region, Colour: charts.RegionColour})
	}
	if hasFigure(cc.England) {
		lines = append(lines, charts.Line{Name: "England", Values: cc.England, Colour: charts.EnglandColour, Dashed: true})
	}
	for k, ctx := range cc.Context {
		lines = append(lines, charts.Line{Name: ctx.Name, Values: ctx.Values, Colour: charts.ContextColours[k%len(charts.ContextColours)], Dashed: true})
	}
	if cc.Official && hasFigure(cc.OfficialValues) {
		lines = append(lines, charts.Line{Name: "DfE official figure", Values: cc.OfficialValues, Kind: charts.KindPoints, Colour: charts.OfficialColour})
	}
	// The dashed projection goes last: the timeline's shading rides on
	// the first ordinary line, which must be one that is always there.
	lines = append(lines, projLine...)
	subtitle := co.Name + " · " + ind.DisplayUnit()
	if proj.OK && len(months) > len(cc.Months) {
		subtitle += "\nProjection: " + proj.Accuracy
	}
	opt, err := charts.TrendOption(charts.Trend{Title: ind.Label, Subtitle: subtitle, Months: months,
		Lines: lines, AxisNames: [2]string{ind.DisplayUnit()}, Events: d.Timeline})
	if err != nil {
		return nil, err
	}
	view.ChartNote = cc.Note
	if proj.OK && len(months) > len(cc.Months) {
		view.ChartNote += " The dashed line beyond " + proj.last.Label() + " is the projection, with its 80% range shaded darker and its 95% range lighter; how accurate such projections have been is measured on the council's own figures (below)."
	}
	if len(d.Timeline) > 0 {
		view.ChartNote += " Orange shading marks national lockdowns and grey shading the response phases, each named on the chart; dashed lines mark dated events."
	}
	view.Option = opt
	if len(cc.Missing) > 0 {
		view.Missing = co.Name + " in " + dashboard.MonthList(cc.Missing)
	}
	return view, nil
}

// hasFigure reports whether any month has a value.
func hasFigure(vals []*float64) bool {
	return slices.ContainsFunc(vals, func(v *float64) bool { return v != nil })
}

// councilComparisonData downloads the profile's comparison chart as a
// table, CSV or Excel (?indicator=CODE&from=&to= as on the page).
func (s *Server) councilComparisonData(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	format, ok := dataFormat(c.Param("file"))
	if !ok {
		s.notFound(c)
		return
	}
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	co, ok := d.ByNumber[n]
	if !ok || d.First.IsZero() {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There are no monthly figures for council %d.", n))
		return
	}
	ind, ok := d.ByCode[c.DefaultQuery("indicator", "CSC_REFERRALS")]
	if !ok {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q.", c.Query("indicator")))
		return
	}
	first, last := period(c, d)
	view, err := buildComparisonChart(c, d, ind, n, first, last)
	if err != nil {
		s.handleError(c, err)
		return
	}
	header := []string{"month", "indicator_code", "unit", co.Name, "neighbours_median", "neighbours_lower_quartile", "neighbours_upper_quartile",
		"neighbours_mean", "neighbours_min", "neighbours_max", co.RegionName, "England", "dfe_official"}
	rows := make([][]string, 0, len(view.Points))
	for _, p := range view.Points {
		rows = append(rows, []string{p.Month, ind.Code, ind.DisplayUnit(), p.Council.Text(2), p.NeighboursMed.Text(2), p.NeighboursQ1.Text(2),
			p.NeighboursQ3.Text(2), p.NeighboursMean.Text(2), p.NeighboursMin.Text(2), p.NeighboursMax.Text(2), p.Region.Text(2), p.England.Text(2), p.Official.Text(2)})
	}
	s.sendTable(c, format, fmt.Sprintf("%d-%s-comparison", n, ind.Code), ind.Label+": "+co.Name+" against neighbours, region and England", view.Note, header, rows)
}

// periodOf reads ?from= and ?to= for one council's charts: within the
// months held, defaulting to all, a former council's ending with its last
// month.
func periodOf(c *gin.Context, d *dashboard.Snapshot, co domain.Council) (domain.Month, domain.Month) {
	return d.Period(c.Query("from"), c.Query("to"), &co)
}

// period reads ?from= and ?to= within the months held, defaulting to all.
func period(c *gin.Context, d *dashboard.Snapshot) (domain.Month, domain.Month) {
	return d.Period(c.Query("from"), c.Query("to"), nil)
}

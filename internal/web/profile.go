package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// tileArea groups a council's headline tiles by area.
type tileArea struct {
	Label string
	// BaselineYears names the baseline's years as people read them
	// ("2017–19"), from the configured years.
	BaselineYears string
	Tiles         []tile
}

// tile is one indicator's headline: the latest figure, its change against
// the pre-pandemic baseline and the same month a year before, and its
// quartile band among all councils.
type tile struct {
	Code          string
	Label         string
	Value         string
	Unit          string
	Month         string
	Baseline      change
	BaselineYears string
	YearAgo       change
	Band          string
	Neutral       bool
	// BaselineFrom names the former councils whose figures make the
	// baseline of a council that did not exist in the baseline years.
	BaselineFrom string
	// CarriedYear is the mid-year population estimate carried forward
	// for the latest month's rate, or 0 when that month's own estimate is
	// published (or the figure is no rate).
	CarriedYear int
}

// change is a relative change with an arrow coloured by the indicator's
// polarity: red when the move is for the worse, green for the better.
type change struct {
	OK    bool
	Text  string
	Arrow string
	Class string
	Words string
}

func changeOf(ind domain.Indicator, rel float64, ok bool) change {
	if !ok || math.IsNaN(rel) || math.IsInf(rel, 0) {
		return change{}
	}
	ch := change{OK: true, Text: fmt.Sprintf("%+.0f%%", rel*100), Arrow: "→", Class: "app-change--flat", Words: "no change"}
	switch {
	case rel > 0.005:
		ch.Arrow, ch.Words = "↑", "up"
	case rel < -0.005:
		ch.Arrow, ch.Words = "↓", "down"
	default:
		return ch
	}
	worse := (rel > 0) == (ind.Polarity == domain.HigherWorse)
	switch {
	case ind.Polarity == domain.Neutral:
		ch.Class = "app-change--neutral"
	case worse:
		ch.Class, ch.Words = "app-change--worse", ch.Words+", worse"
	default:
		ch.Class, ch.Words = "app-change--better", ch.Words+", better"
	}
	return ch
}

// profileTiles builds the headline tiles for one council with the default
// baseline years; profileTilesFor takes the configured ones.
func profileTiles(d *dataset, council int, v viewer) []tileArea {
	return profileTilesFor(d, council, v, analytics.DefaultBaselineYears)
}

// profileTilesFor builds the headline tiles for one council, with changes
// against the mean of the same calendar month in the baseline years. A
// viewer from another council sees its counts of 1 to 5 as "c" (D1), and
// no change is computed from such a figure: they are left out of the
// series before the baseline and the year-ago change are taken, so a
// percentage change cannot give a suppressed count back.
func profileTilesFor(d *dataset, council int, v viewer, years []int) []tileArea {
	if len(years) == 0 {
		years = analytics.DefaultBaselineYears
	}
	label := analytics.YearsLabel(years)
	var out []tileArea
	for _, area := range domain.Areas {
		ta := tileArea{Label: domain.AreaLabel(area), BaselineYears: label}
		for _, ind := range d.indicators {
			if ind.Area != area {
				continue
			}
			ta.Tiles = append(ta.Tiles, profileTile(d, ind, council, v, years, label))
		}
		out = append(out, ta)
	}
	return out
}

func profileTile(d *dataset, ind domain.Indicator, council int, v viewer, years []int, label string) tile {
	t := tile{Code: ind.Code, Label: ind.Label, Unit: ind.DisplayUnit(), Neutral: ind.Polarity == domain.Neutral, BaselineYears: label}
	stored := d.values[ind.Code][council]
	latest, ok := latestMonth(stored)
	if !ok {
		return t
	}
	if v.suppressed(ind, council, stored[latest.Index()]) {
		t.Value, t.Month = analytics.SuppressedMarker, latest.Label()
		return t
	}
	series := viewerSeries(d, ind, council, v)
	last, ok := latestMonth(series)
	if !ok {
		return t
	}
	shown, _ := series.At(last)
	t.Value, t.Month = formatValue(ind, shown), last.Label()
	rel, okB := analytics.ChangeVsBaseline(series, last, years)
	t.Baseline = changeOf(ind, rel, okB)
	if first := d.byNumber[council].FirstMonth(); okB && !first.IsZero() && first.Year > years[0] {
		var names []string
		for _, p := range d.predecessorsOf(council) {
			names = append(names, p.Name)
		}
		t.BaselineFrom = strings.Join(names, " and ")
	}
	rel, okY := analytics.ChangeVsYearAgo(series, last)
	t.YearAgo = changeOf(ind, rel, okY)
	t.Band = d.monthStats(ind, last).Band[council]
	if ind.PerChildren() {
		if _, year, carried, ok := d.pops[council].PopulationFor(last); ok && carried {
			t.CarriedYear = year
		}
	}
	return t
}

// shownSeries is a council's series as displayed, in full: rates per
// 10,000 children for per-child indicators. For what a particular viewer
// may see, use viewerSeries.
func shownSeries(d *dataset, ind domain.Indicator, council int) analytics.Series {
	return viewerSeries(d, ind, council, viewer{})
}

// viewerSeries is a council's series as displayed to v, with the figures v
// may not see (D1) left out, so that nothing computed from the series
// (a change against the baseline or a year ago) can give them back. A
// council that replaced others continues, before its first month, with
// their combined figure, so its baseline and year-ago changes reach back
// across the reorganisation (Cumberland's 2017–19 baseline is Cumbria's).
func viewerSeries(d *dataset, ind domain.Indicator, council int, v viewer) analytics.Series {
	out := analytics.Series{}
	if first := d.byNumber[council].FirstMonth(); !first.IsZero() {
		if preds := d.predecessorsOf(council); len(preds) > 0 {
			for idx := d.first.Index(); idx < first.Index(); idx++ {
				if x, ok := d.combined(ind, preds, monthFromIndex(idx), v); ok {
					out[idx] = x
				}
			}
		}
	}
	for idx, raw := range d.values[ind.Code][council] {
		if v.suppressed(ind, council, raw) {
			continue
		}
		m := monthFromIndex(idx)
		if shown, ok := d.display(ind, council, m, raw); ok {
			out[idx] = shown
		}
	}
	return out
}

// combined is the displayed figure of several councils together in month
// m: summed counts over summed children for a rate, a population-weighted
// mean otherwise. It needs every one of them to have a figure v may see
// (and, for a rate, a population).
func (d *dataset) combined(ind domain.Indicator, councils []domain.Council, m domain.Month, v viewer) (float64, bool) {
	var num, weight float64
	for _, c := range councils {
		raw, ok := d.values[ind.Code][c.Number][m.Index()]
		if !ok || !c.ExistedIn(m) || v.suppressed(ind, c.Number, raw) {
			return 0, false
		}
		pop, _, _, hasPop := d.pops[c.Number].PopulationFor(m)
		switch {
		case ind.PerChildren() && !hasPop:
			return 0, false
		case ind.PerChildren():
			num, weight = num+raw, weight+float64(pop)
		case hasPop:
			num, weight = num+raw*float64(pop), weight+float64(pop)
		default:
			num, weight = num+raw, weight+1
		}
	}
	if weight == 0 {
		return 0, false
	}
	if ind.PerChildren() {
		return analytics.RatePer10k(num, int64(weight))
	}
	return num / weight, true
}

func monthFromIndex(idx int) domain.Month {
	return domain.Month{Year: idx / 12, Month: time.Month(idx%12 + 1)}
}

func timelineOf(d *dataset) []domain.TimelineEvent { return d.timeline }

func latestMonth(s analytics.Series) (domain.Month, bool) {
	best, ok := 0, false
	for idx := range s {
		if !ok || idx > best {
			best, ok = idx, true
		}
	}
	return monthFromIndex(best), ok
}

// comparisonView is the detailed chart of one indicator for a council
// against its neighbours, region and England, with its data table.
type comparisonView struct {
	Indicator domain.Indicator
	Option    map[string]any
	Rows      []comparisonRow
	From, To  string
	Note      string
	Official  bool
	Points    []comparisonPoint
	// Missing lists the months in the period with no figure for the
	// council; the chart leaves them blank rather than plotting zero.
	Missing string
	// Predecessors names the former councils drawn as context lines;
	// NoNeighbours says why no neighbours are drawn, when none are.
	Predecessors []string
	NoNeighbours string
}

// comparisonPoint is one month of the comparison in numbers, for the API.
type comparisonPoint struct {
	Month           string `json:"month"`
	Council         figure `json:"council"`
	NeighboursQ1    figure `json:"neighbours_lower_quartile"`
	NeighboursMed   figure `json:"neighbours_median"`
	NeighboursQ3    figure `json:"neighbours_upper_quartile"`
	NeighboursMean  figure `json:"neighbours_mean"`
	NeighboursMin   figure `json:"neighbours_min"`
	NeighboursMax   figure `json:"neighbours_max"`
	NeighboursCount int    `json:"neighbours_reporting"`
	Region          figure `json:"region"`
	England         figure `json:"england"`
	Official        figure `json:"official,omitempty"`
}

type comparisonRow struct {
	Month                                                        string
	Council, Median, Q1, Q3, Mean, Range, Region, England, Offic string
}

// buildComparisonChart draws the council's line, its statistical
// neighbours' median with the inter-quartile range shaded, its region,
// England, the timeline, and DfE's official figure where one exists.
func buildComparisonChart(c *gin.Context, d *dataset, ind domain.Indicator, council int, first, last domain.Month) (*comparisonView, error) {
	v := viewerOf(currentUser(c))
	co := d.byNumber[council]
	months := domain.MonthsBetween(first, last)
	n := len(months)
	own, med, q1, q3, region, england, official := make([]*float64, n), make([]*float64, n), make([]*float64, n),
		make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	view := &comparisonView{Indicator: ind, From: first.String(), To: last.String()}
	offByMonth := officialByMonth(d, ind, council)
	p := func(x float64) *float64 { x = roundTo(x, 2); return &x }
	var gaps []domain.Month
	carriedFrom, carriedYear := domain.Month{}, 0
	for i, m := range months {
		row := comparisonRow{Month: m.Label()}
		pt := comparisonPoint{Month: m.String()}
		if ind.PerChildren() && carriedYear == 0 {
			if _, year, carried, ok := d.pops[council].PopulationFor(m); ok && carried {
				carriedFrom, carriedYear = m, year
			}
		}
		if _, ok := d.values[ind.Code][council][m.Index()]; !ok && co.ExistedIn(m) {
			gaps = append(gaps, m)
		}
		if raw, ok := d.values[ind.Code][council][m.Index()]; ok && v.suppressed(ind, council, raw) {
			row.Council, pt.Council = analytics.SuppressedMarker, figure{Suppressed: true}
		} else if ok {
			if shown, ok := d.display(ind, council, m, raw); ok {
				own[i], pt.Council = p(shown), figure{shown, true, false}
				row.Council = strconv.FormatFloat(roundTo(shown, 1), 'f', 1, 64)
			}
		}
		var nbVals []float64
		for _, nb := range d.neighbours[council] {
			raw, ok := d.values[ind.Code][nb][m.Index()]
			if !ok || v.suppressed(ind, nb, raw) {
				continue
			}
			if shown, ok := d.display(ind, nb, m, raw); ok {
				nbVals = append(nbVals, shown)
			}
		}
		if st, ok := analytics.Summarise(nbVals); ok && st.N >= 3 {
			med[i], q1[i], q3[i] = p(st.Median), p(st.Q1), p(st.Q3)
			pt.NeighboursQ1, pt.NeighboursMed, pt.NeighboursQ3 = figure{st.Q1, true, false}, figure{st.Median, true, false}, figure{st.Q3, true, false}
			pt.NeighboursMean, pt.NeighboursMin, pt.NeighboursMax = figure{st.Mean, true, false}, figure{st.Min, true, false}, figure{st.Max, true, false}
			pt.NeighboursCount = st.N
			row.Median, row.Q1, row.Q3 = fmt.Sprintf("%.1f", st.Median), fmt.Sprintf("%.1f", st.Q1), fmt.Sprintf("%.1f", st.Q3)
			row.Mean, row.Range = fmt.Sprintf("%.1f", st.Mean), fmt.Sprintf("%.1f to %.1f", st.Min, st.Max)
		}
		st := d.monthStats(ind, m)
		eng, reg := st.England, st.Region[co.RegionCode]
		if v.restricted {
			eng, reg = st.EnglandRounded, st.RegionRounded[co.RegionCode]
		}
		pt.Region, pt.England = figure{reg.Value, reg.OK, false}, figure{eng.Value, eng.OK, false}
		if reg.OK {
			region[i] = p(reg.Value)
			row.Region = fmt.Sprintf("%.1f", reg.Value)
		}
		if eng.OK {
			england[i] = p(eng.Value)
			row.England = fmt.Sprintf("%.1f", eng.Value)
		}
		if o, ok := offByMonth[m.Index()]; ok {
			official[i], pt.Official = p(o), figure{o, true, false}
			row.Offic = fmt.Sprintf("%.1f", o)
			view.Official = true
		}
		view.Rows = append(view.Rows, row)
		view.Points = append(view.Points, pt)
	}
	for i, j := 0, len(view.Rows)-1; i < j; i, j = i+1, j-1 {
		view.Rows[i], view.Rows[j] = view.Rows[j], view.Rows[i]
	}
	// A successor shows each predecessor's figures, in the same unit, as
	// a context line up to the predecessor's last month.
	var context []charts.Line
	for k, pred := range d.predecessorsOf(council) {
		vals := make([]*float64, n)
		any := false
		for i, m := range months {
			raw, ok := d.values[ind.Code][pred.Number][m.Index()]
			if !ok || !pred.ExistedIn(m) || v.suppressed(ind, pred.Number, raw) {
				continue
			}
			if shown, ok := d.display(ind, pred.Number, m, raw); ok {
				vals[i], any = p(shown), true
			}
		}
		if any {
			context = append(context, charts.Line{Name: pred.Name + " (predecessor, to " + pred.LastMonth().Label() + ")",
				Values: vals, Colour: predecessorColours[k%len(predecessorColours)], Dashed: true})
			view.Predecessors = append(view.Predecessors, pred.Name)
		}
	}
	lines := []charts.Line{
		{Name: "Neighbours' middle half", Values: q3, Kind: charts.KindBandUpper},
		{Name: "Neighbours' middle half", Values: q1, Kind: charts.KindBandLower},
		{Name: co.Name, Values: own, Colour: "#d4351c"},
		{Name: "Statistical neighbours (median)", Values: med, Colour: "#1d70b8", Dashed: true},
		{Name: co.RegionName, Values: region, Colour: "#00703c"},
		{Name: "England", Values: england, Colour: "#0b0c0c", Dashed: true},
	}
	lines = append(lines, context...)
	if view.Official {
		lines = append(lines, charts.Line{Name: "DfE official figure", Values: official, Kind: charts.KindPoints, Colour: "#6f3fa0"})
	}
	opt, err := charts.TrendOption(charts.Trend{Title: ind.Label, Subtitle: co.Name + " · " + ind.DisplayUnit(), Months: months,
		Lines: lines, AxisNames: [2]string{ind.DisplayUnit()}, Events: timelineOf(d)})
	if err != nil {
		return nil, err
	}
	view.Option = opt
	view.Note = "Source: monthly returns; England and regional figures are sums of counts over sums of children. " +
		"The shaded band is the middle half of the council's ten statistical neighbours (DfE 2025 model), between their lower and upper quartiles; LAIT shows their mean instead."
	if len(d.neighbours[council]) == 0 {
		view.NoNeighbours = co.Name + " has no statistical neighbours: DfE's 2025 model covers only the councils that exist now, so the chart compares it with its region and England alone."
		view.Note = "Source: monthly returns; England and regional figures are sums of counts over sums of children. " + view.NoNeighbours
	}
	if len(view.Predecessors) > 0 {
		view.Note += " Dashed context lines are the figures of the councils " + co.Name + " replaced (" + strings.Join(view.Predecessors, ", ") + "), up to their last month."
	}
	if view.Official {
		view.Note += " Diamonds are DfE's published annual figures (" + officialNote(ind) + ")."
	}
	if ind.PerChildren() {
		view.Note += " Rates are per 10,000 children aged 0 to 17, using the ONS mid-year estimate for the year in which the month's financial year began."
		if carriedYear > 0 {
			view.Note += fmt.Sprintf(" From %s that estimate is not published yet, so the latest (mid-%d) is carried forward.", carriedFrom.Label(), carriedYear)
		}
	}
	switch {
	case v.restricted && council != v.own:
		view.Note += " " + co.Name + "'s counts of 1 to 5 are shown as c and left out of the chart, neighbours' counts of 1 to 5 are left out of their figures, and regional and England totals are rounded to the nearest 10."
	case v.restricted:
		view.Note += " Neighbours' counts of 1 to 5 are left out, and regional and England totals are rounded to the nearest 10."
	}
	if len(gaps) > 0 {
		view.Missing = co.Name + " in " + monthList(gaps)
	}
	return view, nil
}

// predecessorColours draw predecessors' context lines, apart from the
// council, neighbour, region, England and official colours.
var predecessorColours = []string{"#b58840", "#912b88", "#28a197"}

// officialNote says how an annual official figure is placed among monthly
// ones.
func officialNote(ind domain.Indicator) string {
	switch {
	case ind.Kind == domain.KindFlow:
		return "the year's total divided by 12, at the March that ends the year"
	case ind.Unit != domain.UnitCount:
		return "at 30 September each year"
	}
	return "at 31 March each year"
}

// officialByMonth places a council's official annual figures on the
// monthly axis, in the indicator's displayed unit.
func officialByMonth(d *dataset, ind domain.Indicator, council int) map[int]float64 {
	out := map[int]float64{}
	area := strconv.Itoa(council)
	for _, o := range d.official[ind.Code] {
		if o.Area != area || o.Value == nil {
			continue
		}
		m, err := domain.ParseMonth(o.PeriodEnd[:min(7, len(o.PeriodEnd))])
		if err != nil {
			continue
		}
		v := *o.Value
		if ind.Kind == domain.KindFlow {
			v /= 12
		}
		if shown, ok := d.display(ind, council, m, v); ok {
			out[m.Index()] = shown
		}
	}
	return out
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
	co, ok := d.byNumber[n]
	if !ok || d.first.IsZero() {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There are no monthly figures for council %d.", n))
		return
	}
	ind, ok := d.byCode[c.DefaultQuery("indicator", "CSC_REFERRALS")]
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

// periodOf is period for one council's charts: a former council's
// default ends with its last month.
func periodOf(c *gin.Context, d *dataset, co domain.Council) (domain.Month, domain.Month) {
	first, last := period(c, d)
	if end := co.LastMonth(); c.Query("to") == "" && !end.IsZero() && end.Before(last) && !end.Before(first) {
		last = end
	}
	return first, last
}

// period reads ?from= and ?to= within the months held, defaulting to all.
func period(c *gin.Context, d *dataset) (domain.Month, domain.Month) {
	first, last := d.first, d.last
	if m, err := domain.ParseMonth(c.Query("from")); err == nil && !m.Before(d.first) && !d.last.Before(m) {
		first = m
	}
	if m, err := domain.ParseMonth(c.Query("to")); err == nil && !m.Before(first) && !d.last.Before(m) {
		last = m
	}
	return first, last
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// councilNumber reads the :number path parameter as a DfE LA number.
func councilNumber(c *gin.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n < 100 || n > 999 {
		return 0, domain.Errorf(domain.ENOTFOUND, "%q is not a DfE LA number: use three digits, for example 202 for Camden.", c.Param("number"))
	}
	return n, nil
}

// councilData is everything the profile, its CSV files and the series API
// draw on for one council, from the read model.
type councilData = dashboard.CouncilFigures

// loadCouncil reads a council's figures from the read model.
func (s *Server) loadCouncil(ctx context.Context, n int, v dashboard.Viewer) (*councilData, error) {
	d, err := s.dataset(ctx)
	if err != nil {
		return nil, err
	}
	return d.CouncilFigures(n, v)
}

type councilPage struct {
	Tiles []dashboard.TileArea
	// TilesCaveat says once, for every tile, which population estimate
	// is carried forward.
	TilesCaveat string
	// MinChangeBase is the smallest count a tile takes a percentage
	// change from.
	MinChangeBase int
	Comparison    *comparisonView
	// Exceptions are the council's months in the last year whose figure
	// fell outside the range projected for it the month before.
	Exceptions []exceptionRow
	// Enquiry is the council's key lines of enquiry.
	Enquiry    []dashboard.Sentence
	Indicators []domain.Indicator
	Months     []monthOption
	From, To   string
	Council    domain.Council
	Population string
	PopYear    int
	FirstMonth string
	LastMonth  string
	Neighbours []councilLink
	// Successors are the councils that replaced a former council;
	// Predecessors those a council replaced, whose rates its main chart
	// shows as context; Lifetime says when it existed.
	Successors   []councilLink
	Predecessors []councilLink
	Lifetime     string
	Began        string
	Areas        []areaView
	Timeline     []timelineItem
	Assessment   *assessmentView
	// Reconciliation sets the chart's indicator against DfE's published
	// figures, when DfE publishes one for the council.
	Reconciliation *reconcileView
}

// timelineItem is one line of the key to the events drawn on the charts.
type timelineItem struct {
	Dates string
	Label string
	Kind  string
}

// timelineKey describes the timeline in words, for the key under the
// charts and for people who cannot see them.
func timelineKey(events []domain.TimelineEvent) []timelineItem {
	out := make([]timelineItem, 0, len(events))
	for i, e := range events {
		dates := humanDate(e.Start)
		if e.End != e.Start {
			dates += " to " + humanDate(e.End)
		}
		kind := map[string]string{"lockdown": charts.EventName(events, i) + " (shaded orange, named at the top of the chart)",
			"phase": "Response phase (shaded grey, named at the foot of the chart)"}[e.Kind]
		if kind == "" {
			kind = "Event (dashed line)"
		}
		out = append(out, timelineItem{Dates: dates, Label: e.Label, Kind: kind})
	}
	return out
}

// humanDate writes an ISO date as "23 Mar 2020", the way every page
// writes dates (months as "Mar 2020"), or leaves it as it is.
func humanDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("2 Jan 2006")
}

type areaView struct {
	ID         string
	Label      string
	ChartLabel string
	Note       string
	CSV        string
	XLSX       string
	Option     map[string]any
	// Height is the small multiples' height in pixels.
	Height  int
	Missing string
	Columns []string
	Rows    []tableRow
	// Challenges are the self-assessment's challenges that bear on this
	// area's indicators (system fatigue beside the workforce).
	Challenges []challengeView
}

type tableRow struct {
	Month string
	Cells []string
}

func (s *Server) councilPage(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	ctx := c.Request.Context()
	// One snapshot for the whole page, so every part of it agrees.
	ds, err := s.dataset(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	d, err := ds.CouncilFigures(n, dashboard.ViewerOf(currentUser(c)))
	if err != nil {
		s.handleError(c, err)
		return
	}
	page := councilPage{Council: d.Council, Timeline: timelineKey(d.Timeline)}
	if y := d.Pops.LatestYear(); y > 0 {
		page.PopYear, page.Population = y, dashboard.FormatCount(float64(d.Pops[y]))
	}
	if !d.First.IsZero() {
		page.FirstMonth, page.LastMonth = d.First.Label(), d.Last.Label()
	}
	for _, co := range ds.Links(ds.Neighbours[n]) {
		page.Neighbours = append(page.Neighbours, councilLink{Number: co.Number, Name: co.Name})
	}
	page.Lifetime = d.Council.Lifetime()
	if first := d.Council.FirstMonth(); !first.IsZero() {
		page.Began = first.Label()
	}
	for _, co := range ds.Links(d.Council.SuccessorNumbers()) {
		page.Successors = append(page.Successors, councilLink{Number: co.Number, Name: co.Name})
	}
	if !d.First.IsZero() {
		for _, p := range ds.PredecessorsOf(n) {
			page.Predecessors = append(page.Predecessors, councilLink{Number: p.Number, Name: p.Name})
		}
		page.Tiles = ds.Tiles(n, dashboard.ViewerOf(currentUser(c)))
		page.TilesCaveat, page.MinChangeBase = dashboard.TilesCaveat(page.Tiles), dashboard.MinChangeBase
		ind, ok := ds.ByCode[c.DefaultQuery("indicator", "CSC_REFERRALS")]
		if !ok {
			s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q.", c.Query("indicator")))
			return
		}
		first, last := periodOf(c, ds, d.Council)
		if page.Comparison, err = buildComparisonChart(c, ds, ind, n, first, last); err != nil {
			s.handleError(c, err)
			return
		}
		page.Indicators = ds.Indicators
		for _, m := range ds.Months() {
			page.Months = append(page.Months, monthOption{Value: m.String(), Label: m.Start().Format("Jan 2006")})
		}
		page.From, page.To = first.String(), last.String()
		for _, e := range ds.ExceptionsOf(dashboard.ViewerOf(currentUser(c)), n, ds.Last.Add(-11)) {
			page.Exceptions = append(page.Exceptions, exceptionRow{Month: e.Month.Label(), Reason: e.Reason(), Direction: e.Direction, Href: exceptionHref(e)})
		}
		page.Enquiry = ds.Narrative(dashboard.ViewerOf(currentUser(c)), n, s.now(), s.reconcileTolerance())
	}
	if ind, ok := ds.ByCode[c.DefaultQuery("indicator", "CSC_REFERRALS")]; ok {
		page.Reconciliation = s.buildReconcileView(ds, ind, n, dashboard.ViewerOf(currentUser(c)))
	}
	if d.Council.Current {
		if page.Assessment, err = s.buildAssessmentView(ctx, ds, n, currentUser(c)); err != nil {
			s.handleError(c, err)
			return
		}
	}
	if !d.First.IsZero() {
		for _, area := range domain.Areas {
			av, err := buildArea(d, area)
			if err != nil {
				s.handleError(c, err)
				return
			}
			if av != nil {
				if page.Assessment != nil {
					av.Challenges = challengesForArea(page.Assessment.Challenges, ds, area)
				}
				page.Areas = append(page.Areas, *av)
			}
		}
	}
	s.render(c, http.StatusOK, "council", pageData{
		Title:       d.Council.Name,
		Breadcrumbs: []crumb{{"Home", "/"}, {d.Council.RegionName, "/?q=" + d.Council.RegionName}},
		Scripts:     []string{"vendor/echarts/echarts.min.js", "js/charts.js"},
		Body:        page,
	})
}

// areaIndicators returns the catalogue's indicators in one area.
func areaIndicators(inds []domain.Indicator, area string) []domain.Indicator {
	var out []domain.Indicator
	for _, ind := range inds {
		if ind.Area == area {
			out = append(out, ind)
		}
	}
	return out
}

// buildArea assembles one area's small multiples (one panel per
// indicator, each on its own value axis), table and notes.
func buildArea(d *councilData, area string) (*areaView, error) {
	inds := areaIndicators(d.Indicators, area)
	if len(inds) == 0 {
		return nil, nil
	}
	months := domain.MonthsBetween(d.First, d.Last)
	pos := make(map[int]int, len(months))
	for i, m := range months {
		pos[m.Index()] = i
	}
	label := domain.AreaLabel(area)
	av := &areaView{ID: strings.ReplaceAll(area, "_", "-"), Label: label,
		CSV: fmt.Sprintf("/councils/%d/areas/%s.csv", d.Council.Number, area), XLSX: fmt.Sprintf("/councils/%d/areas/%s.xlsx", d.Council.Number, area)}
	var panels []charts.Panel
	var missing []string
	carried, perChildren := false, false
	cells := make([][]string, len(months))
	for i := range cells {
		cells[i] = make([]string, len(inds))
	}
	for j, ind := range inds {
		unit := ind.DisplayUnit()
		perChildren = perChildren || ind.PerChildren()
		vals := make([]*float64, len(months))
		for _, p := range d.Points[ind.Code] {
			i, ok := pos[p.Month.Index()]
			if ok && p.Suppressed {
				cells[i][j] = analytics.SuppressedMarker
			}
			if !ok || !p.Displayed {
				continue
			}
			v := p.Display
			vals[i] = &v
			cells[i][j] = dashboard.FormatValue(ind, v)
			carried = carried || p.Carried
		}
		for i := range cells {
			if cells[i][j] == "" {
				cells[i][j] = "no figure"
			}
		}
		if gaps := analytics.MissingMonths(d.Points[ind.Code], d.First, d.Last); len(gaps) > 0 {
			missing = append(missing, fmt.Sprintf("%s (%s)", ind.Label, dashboard.MonthList(gaps)))
		}
		panels = append(panels, charts.Panel{Title: ind.Label, Unit: unit, Values: vals})
		av.Columns = append(av.Columns, fmt.Sprintf("%s (%s)", ind.Label, unit))
	}
	opt, err := charts.MultiplesOption(charts.Multiples{Months: months, Panels: panels, Events: d.Timeline})
	if err != nil {
		return nil, err
	}
	av.Option, av.Height = opt, charts.MultiplesHeight(len(panels))
	av.ChartLabel = fmt.Sprintf("%d small line charts of %s in %s by month, %s to %s, one for each indicator. The table below holds the same figures.",
		len(panels), strings.ToLower(label), d.Council.Name, d.First.Label(), d.Last.Label())
	av.Note = "Source: monthly returns. Each small chart has its own scale: compare the shapes of the lines, not their heights. Shading as on the chart above: orange for lockdowns, grey for response phases."
	if perChildren {
		av.Note += " Rates are per 10,000 children aged 0 to 17 (ONS mid-year estimates"
		if carried {
			av.Note += fmt.Sprintf("; mid-%d carried forward for later months", d.Pops.LatestYear())
		}
		av.Note += ")."
	}
	if len(missing) > 0 {
		av.Missing = strings.Join(missing, "; ")
	}
	for i := len(months) - 1; i >= 0; i-- {
		av.Rows = append(av.Rows, tableRow{Month: months[i].Label(), Cells: cells[i]})
	}
	return av, nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// councilAreaData downloads one area's figures in long format, as CSV or
// Excel.
func (s *Server) councilAreaData(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	file := c.Param("file")
	area, format := splitExt(file)
	if indexOf(domain.Areas, area) < 0 || (format != "csv" && format != "xlsx") {
		s.notFound(c)
		return
	}
	d, err := s.loadCouncil(c.Request.Context(), n, dashboard.ViewerOf(currentUser(c)))
	if err != nil {
		s.handleError(c, err)
		return
	}
	header := []string{"la_number", "council", "month", "indicator_code", "indicator", "unit", "value", "rate_per_10000_children", "population_year", "source", "percent_of"}
	var rows [][]string
	for _, ind := range areaIndicators(d.Indicators, area) {
		for _, p := range d.Points[ind.Code] {
			rate, popYear, value, pct := "", "", strconv.FormatFloat(p.Value, 'f', -1, 64), ""
			if ind.PerChildren() && p.Displayed {
				rate, popYear = strconv.FormatFloat(p.Display, 'f', 2, 64), strconv.Itoa(p.PopYear)
			}
			if ind.PercentOf() != "" && p.Displayed {
				pct = strconv.FormatFloat(p.Display, 'f', 2, 64)
			}
			if p.Suppressed {
				value, rate = analytics.SuppressedMarker, analytics.SuppressedMarker
				if ind.PercentOf() != "" {
					pct = analytics.SuppressedMarker
				}
			}
			rows = append(rows, []string{strconv.Itoa(d.Council.Number), d.Council.Name, p.Month.String(), ind.Code, ind.Label,
				ind.Unit, value, rate, popYear, "monthly return", pct})
		}
	}
	s.sendTable(c, format, fmt.Sprintf("%d-%s", d.Council.Number, area), domain.AreaLabel(area)+": "+d.Council.Name,
		"Source: monthly returns. Rates per 10,000 children aged 0 to 17 use the ONS mid-year estimate for the year the month's financial year began. percent_of is re-referrals as a percentage of the same month's referrals.", header, rows)
}

// splitExt splits "social_care.csv" into "social_care" and "csv".
func splitExt(file string) (string, string) {
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		return file[:i], file[i+1:]
	}
	return file, ""
}

// dataFormat reads a download's file name, "data.csv" or "data.xlsx",
// and returns its format; ok is false for any other name.
func dataFormat(file string) (string, bool) {
	name, format := splitExt(file)
	return format, name == "data" && (format == "csv" || format == "xlsx")
}

// csvSafe neutralises cells a spreadsheet would run as a formula (SECURITY
// U10) by prefixing them with an apostrophe.
func csvSafe(row []string) []string {
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r\n", rune(v[0])) {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				continue // a negative number is data, not a formula
			}
			row[i] = "'" + v
		}
	}
	return row
}

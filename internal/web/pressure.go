package web

import (
	"fmt"
	"math"
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

// lgaOnly routes are for LGA officers and administrators, who see every
// council in full.
var lgaOnly = Access{Roles: []domain.Role{domain.RoleLGA, domain.RoleAdmin}}

// pressureFor reads the request's filter and returns the snapshot, the
// filter and the month's pressure points; on failure it has answered.
func (s *Server) pressureFor(c *gin.Context) (*dashboard.Snapshot, pressureFilter, *dashboard.Pressure, bool) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return nil, pressureFilter{}, nil, false
	}
	f, err := d.ParsePressureFilter(c.Query("month"), c.Query("region"), c.Query("area"), c.Query("sort"))
	if err != nil {
		s.handleError(c, err)
		return nil, pressureFilter{}, nil, false
	}
	pf := pressureFilter{PressureFilter: f}
	if pf.Recent, err = flagParam("recent", c.Query("recent")); err != nil {
		s.handleError(c, err)
		return nil, pressureFilter{}, nil, false
	}
	switch c.Query("councils") {
	case "", "top":
	case "all":
		pf.AllCouncils = true
	default:
		s.handleError(c, domain.Errorf(domain.EINVALID, "councils %q: use all, or leave it out for the top %d.", c.Query("councils"), rankedShown))
		return nil, pressureFilter{}, nil, false
	}
	return d, pf, d.Pressure(f.Month), true
}

// pressureFilter is the read model's filter with the page's own choices:
// Recent leaves self-assessments over 12 months old off the matrix, and
// AllCouncils lists every ranked council rather than the top ones.
type pressureFilter struct {
	dashboard.PressureFilter
	Recent      bool
	AllCouncils bool
}

// flagParam reads a yes-or-no query parameter: 1, true, yes or on; 0,
// false, no, off or nothing.
func flagParam(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true, nil
	case "", "0", "false", "no", "off":
		return false, nil
	}
	return false, domain.Errorf(domain.EINVALID, "%s %q: use 1 or 0.", name, v)
}

// rankedShown is how many councils the ranking lists before "show all".
const rankedShown = 20

// pressureQuery writes a filter back as a query string for links.
func pressureQuery(f pressureFilter) string {
	v := []string{"month=" + f.Month.String()}
	if f.Region != "" {
		v = append(v, "region="+f.Region)
	}
	if f.Area != "" {
		v = append(v, "area="+f.Area)
	}
	if f.Sort != "pressure" {
		v = append(v, "sort="+f.Sort)
	}
	if f.Recent {
		v = append(v, "recent=1")
	}
	return strings.Join(v, "&")
}

type pressurePage struct {
	Month        string
	MonthValue   string
	Months       []pressureMonthOption
	Prev, Next   *monthLink
	Latest       string
	LatestHalf   bool
	Partial      bool
	WithFigures  int
	AllCouncils  int
	Region       string
	Area         string
	Sort         string
	Recent       bool
	ShowAll      bool
	Regions      []option
	AreaOptions  []option
	Query        string
	Threshold    string
	Band         string
	Years        string
	HeatOption   map[string]any
	HeatHeight   int
	HeatCols     []string
	HeatRows     []heatRow
	Ranked       []rankedRow
	RankedTotal  int
	RankedShown  int
	AllHref      string
	TopHref      string
	TotalPoints  int
	CountCols    []string
	Counts       []countRow
	MatrixOption map[string]any
	MatrixRows   []matrixRow
	Priority     []matrixRow
	NotAssessed  []matrixRow
	NoFigures    int
	Stale        int
	Excluded     int
	RecentHref   string
	EveryHref    string
	PSplit       string
	PRule        string
	CSplit       string
}

type option struct{ Value, Label string }

// pressureMonthOption is a month in the pressure page's picker.
type pressureMonthOption struct {
	Value, Label string
	Selected     bool
}

type monthLink struct{ Href, Label string }

type heatRow struct {
	Number   int
	Name     string
	Region   string
	Pressure string
	Cells    []string
}

// rankedRow is a council in the ranking by demand pressure, its points
// beneath.
type rankedRow struct {
	Rank     int
	Number   int
	Name     string
	Region   string
	Pressure string
	Points   int
	Shown    []rankedPoint
	More     []rankedPoint
}

// pointsShown is how many of a ranked council's points show at once; the
// rest are a click away, so twenty councils still fit a few screens.
const pointsShown = 3

type rankedPoint struct {
	Council   int
	Code      string
	Indicator string
	Worse     string
	Band      string
	Direction string
	Level     string
	Severity  string
}

type countRow struct {
	Label    string
	Councils int
	Cells    []pressureCount
	Total    pressureCount
	England  bool
}

type pressureCount struct {
	N   int
	Per string
}

type matrixRow struct {
	Number     int
	Name       string
	Region     string
	Rank       int
	Pressure   string
	Conditions string
	Enablers   string
	Assessed   string
	AssessedOn string
	Stale      bool
	Quadrant   string
	Points     int
}

func severityText(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// pressureDate writes an ISO date as people read it: "15 Jul 2022".
func pressureDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("2 Jan 2006")
}

// splitRule says in words where the matrix splits high from low pressure.
func splitRule(cfg analytics.MatrixConfig) string {
	switch cfg.PressureRule {
	case analytics.SplitUpperQuartile:
		return "the upper quartile of every council's demand pressure this month"
	case analytics.SplitMedian:
		return "the median of every council's demand pressure this month"
	}
	return "a fixed split"
}

func (s *Server) pressurePage(c *gin.Context) {
	d, f, p, ok := s.pressureFor(c)
	if !ok {
		return
	}
	var err error
	cfg := p.Result.Config
	mcfg := d.Config().Matrix
	page := pressurePage{Month: f.Month.Label(), MonthValue: f.Month.String(), Region: f.Region, Area: f.Area, Sort: f.Sort, Recent: f.Recent, ShowAll: f.AllCouncils,
		Query: pressureQuery(f), Threshold: fmt.Sprintf("%.0f%%", cfg.Threshold*100), Band: cfg.WorstBand, Years: analytics.YearsLabel(cfg.BaselineYears),
		PSplit: strconv.FormatFloat(dashboard.RoundTo(p.Split, 1), 'f', 1, 64), PRule: splitRule(mcfg),
		CSplit: strconv.FormatFloat(mcfg.ConditionsSplit, 'f', -1, 64), WithFigures: len(p.Councils), AllCouncils: len(d.Councils)}
	for _, code := range d.Regions {
		page.Regions = append(page.Regions, option{Value: code, Label: d.RegionName[code]})
	}
	for _, a := range domain.Areas {
		page.AreaOptions = append(page.AreaOptions, option{Value: a, Label: domain.AreaLabel(a)})
	}

	// The month picker: every month with figures, and the months either side.
	latest, _ := d.PressureMonth()
	page.Latest = latest.Label()
	page.Partial = 2*len(p.Councils) < len(d.Councils)
	page.LatestHalf = 2*len(d.Pressure(latest).Councils) >= len(d.Councils)
	for _, m := range d.PressureMonths() {
		label := m.Label()
		if m == latest && page.LatestHalf {
			label += " (latest with most returns in)"
		}
		page.Months = append(page.Months, pressureMonthOption{Value: m.String(), Label: label, Selected: m == f.Month})
	}
	link := func(m domain.Month) *monthLink {
		g := f
		g.Month = m
		return &monthLink{Href: "/pressure?" + pressureQuery(g), Label: m.Label()}
	}
	if prev := f.Month.Add(-1); !prev.Before(d.First) {
		page.Prev = link(prev)
	}
	if next := f.Month.Add(1); !d.Last.Before(next) {
		page.Next = link(next)
	}

	// The heatmap and its table.
	councils := d.CouncilsFor(f.PressureFilter, p)
	inds := d.IndicatorsFor(f.PressureFilter)
	heat := charts.Heatmap{Title: "Pressure points by council and indicator, " + page.Month,
		Subtitle: fmt.Sprintf("Band %s and more than %s worse than the %s baseline, coloured by severity. Select a cell for the council's chart.", cfg.WorstBand, page.Threshold, page.Years)}
	for _, ind := range inds {
		heat.XLabels = append(heat.XLabels, charts.ShortLabel(ind.Code, ind.Label))
		page.HeatCols = append(page.HeatCols, ind.Label)
	}
	for y, co := range councils {
		heat.YLabels = append(heat.YLabels, co.Name)
		row := heatRow{Number: co.Number, Name: co.Name, Region: co.RegionName, Pressure: scoreOrDash(p.Demand[co.Number], p.Councils[co.Number])}
		for x, ind := range inds {
			cell := charts.HeatCell{X: x, Y: y, Href: fmt.Sprintf("/councils/%d?indicator=%s#comparison", co.Number, ind.Code)}
			pc, ok := p.Result.Cell(co.Number, ind.Code)
			switch {
			case !ok:
				cell.Tip = co.Name + "\n" + ind.Label + "\nNo figure for " + page.Month
				row.Cells = append(row.Cells, "no figure")
			case pc.Flagged:
				cell.Value = ptr(pc.Severity)
				cell.Tip = fmt.Sprintf("%s\n%s\nPressure point: severity %s (%s)", co.Name, pc.Reason, severityText(pc.Severity), pc.Level)
				row.Cells = append(row.Cells, severityText(pc.Severity)+" "+pc.Level)
			default:
				cell.Value = ptr(0)
				cell.Tip = co.Name + "\n" + pc.Reason + "\nNot a pressure point"
				row.Cells = append(row.Cells, "not a pressure point")
			}
			heat.Cells = append(heat.Cells, cell)
		}
		page.HeatRows = append(page.HeatRows, row)
	}
	if len(councils) > 0 && len(inds) > 0 {
		if page.HeatOption, err = charts.HeatmapOption(heat); err != nil {
			s.handleError(c, err)
			return
		}
		page.HeatHeight = charts.HeatmapHeight(len(councils))
	}

	// Councils ranked by demand pressure, each with its points.
	ranked := d.RankCouncils(p)
	kept := d.RankedFor(f.PressureFilter, ranked)
	page.RankedTotal = len(kept)
	page.TotalPoints = len(d.PointsFor(f.PressureFilter, p))
	for i, r := range kept {
		if i == rankedShown && !f.AllCouncils {
			break
		}
		page.Ranked = append(page.Ranked, rankedRowOf(d, r, page.Years))
	}
	page.RankedShown = len(page.Ranked)
	all := f
	all.AllCouncils = true
	page.AllHref = "/pressure?" + pressureQuery(all) + "&councils=all#ranking"
	page.TopHref = "/pressure?" + pressureQuery(f) + "#ranking"

	// Counts per region and area, and per council (every point in the month).
	for _, a := range domain.Areas {
		page.CountCols = append(page.CountCols, domain.AreaLabel(a))
	}
	for _, rc := range d.RegionCounts(p) {
		row := countRow{Label: rc.Name, Councils: rc.Councils, England: rc.Code == "",
			Total: pressureCount{N: rc.Total, Per: perCouncil(rc.PerCouncil(rc.Total))}}
		for _, n := range rc.ByArea {
			row.Cells = append(row.Cells, pressureCount{N: n, Per: perCouncil(rc.PerCouncil(n))})
		}
		page.Counts = append(page.Counts, row)
	}

	// The resilience matrix.
	rows, counts := s.matrixRowsOf(d, p, f.PressureFilter, ranked)
	groups := map[string]*charts.MatrixGroup{}
	order := []struct{ q, colour string }{
		{analytics.QuadrantHighPressureWeak, "#d4351c"}, {analytics.QuadrantHighPressureStrong, "#f47738"},
		{analytics.QuadrantLowPressureWeak, "#1d70b8"}, {analytics.QuadrantLowPressureStrong, "#00703c"},
	}
	for _, o := range order {
		groups[o.q] = &charts.MatrixGroup{Name: capitalise(o.q), Colour: o.colour}
	}
	for _, r := range rows {
		if r.Stale {
			page.Stale++
			if f.Recent {
				page.Excluded++
				continue
			}
		}
		page.MatrixRows = append(page.MatrixRows, r)
		switch {
		case r.Quadrant == analytics.QuadrantNotAssessed:
			if p.Councils[r.Number] {
				page.NotAssessed = append(page.NotAssessed, r)
			} else {
				page.NoFigures++
			}
			continue
		case r.Quadrant == analytics.QuadrantHighPressureWeak:
			page.Priority = append(page.Priority, r)
		}
		assessed := "assessed " + r.Assessed
		if r.Stale {
			assessed += ", over 12 months ago"
		}
		g := groups[r.Quadrant]
		g.Points = append(g.Points, charts.MatrixPoint{Name: r.Name, X: p.Demand[r.Number], Y: p.Conditions[r.Number],
			Href: fmt.Sprintf("/councils/%d#assessment", r.Number), Stale: r.Stale, Label: r.Quadrant == analytics.QuadrantHighPressureWeak,
			Tip: fmt.Sprintf("%s (%s)\nDemand pressure %s, ranked %d; %d pressure points\nEnabling-conditions score %s (%s)", r.Name, r.Region, r.Pressure, r.Rank, counts[r.Number], r.Conditions, assessed)})
	}
	recent, every := f, f
	recent.Recent, every.Recent = true, false
	page.RecentHref = "/pressure?" + pressureQuery(recent) + "#matrix"
	page.EveryHref = "/pressure?" + pressureQuery(every) + "#matrix"
	var gs []charts.MatrixGroup
	plotted := 0
	for _, o := range order {
		gs = append(gs, *groups[o.q])
		plotted += len(groups[o.q].Points)
	}
	if plotted > 0 {
		staleKey := ""
		if page.Stale > page.Excluded {
			staleKey = "Hollow ring: self-assessment over 12 months old"
		}
		if page.MatrixOption, err = charts.MatrixOption(charts.Matrix{
			Title:    "Resilience matrix, " + page.Month,
			Subtitle: "Demand pressure against the enabling-conditions score of each council's latest self-assessment. Select a council for its profile.",
			XName:    "Demand pressure (0 to 100), split at " + page.PSplit, YName: "Enabling conditions (1 to 4), split at " + page.CSplit,
			XSplit: p.Split, YSplit: mcfg.ConditionsSplit, Groups: gs, StaleKey: staleKey,
			Quadrants: [4]string{"Low pressure, strong conditions", "High pressure, strong conditions", "Low pressure, weak conditions", "High pressure, weak conditions: act here"},
		}); err != nil {
			s.handleError(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "pressure", pageData{Title: "Pressure points", Breadcrumbs: []crumb{{"Home", "/"}},
		Scripts: []string{"vendor/echarts/echarts.min.js", "js/charts.js"}, Body: page})
}

// perCouncil writes points per council to one decimal place.
func perCouncil(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func scoreOrDash(v float64, ok bool) string {
	if !ok {
		return "no figures"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// worseText says how much worse than its baseline a point is: "34% worse",
// to one decimal place below 20% as the reasons write it.
func worseText(pt analytics.PressureCell) string {
	if !pt.ChangeBaselineOK {
		return "no baseline"
	}
	w := pt.Worse * 100
	if math.Abs(w) < 20 {
		return strconv.FormatFloat(w, 'f', 1, 64) + "% worse"
	}
	return strconv.FormatFloat(w, 'f', 0, 64) + "% worse"
}

// directionText says which way a point has moved over the last months.
func directionText(pt analytics.PressureCell) string {
	months := func(n int) string {
		if n == 1 {
			return " for 1 month"
		}
		return fmt.Sprintf(" for %d months", n)
	}
	switch {
	case pt.Direction == analytics.Rising && pt.MonthsRising > 0:
		return "rising" + months(pt.MonthsRising)
	case pt.Direction == analytics.Falling && pt.MonthsFalling > 0:
		return "falling" + months(pt.MonthsFalling)
	case pt.Direction != "":
		return pt.Direction
	}
	return "not known"
}

func rankedRowOf(d *dashboard.Snapshot, r dashboard.CouncilPressure, years string) rankedRow {
	row := rankedRow{Rank: r.Rank, Number: r.Council.Number, Name: r.Council.Name, Region: r.Council.RegionName,
		Pressure: strconv.FormatFloat(r.Shown, 'f', 1, 64), Points: len(r.Points)}
	for i, pt := range r.Points {
		list := &row.Shown
		if i >= pointsShown {
			list = &row.More
		}
		*list = append(*list, rankedPoint{Council: r.Council.Number, Code: pt.Indicator, Indicator: d.ByCode[pt.Indicator].Label, Worse: worseText(pt) + " than " + years,
			Band: pt.Band, Direction: directionText(pt), Level: pt.Level, Severity: severityText(pt.Severity)})
	}
	return row
}

// matrixRowsOf lists every council the filter keeps with its place on the
// matrix, highest pressure first, its rank by demand pressure, whether its
// self-assessment is stale today, and counts its pressure points.
func (s *Server) matrixRowsOf(d *dashboard.Snapshot, p *dashboard.Pressure, f dashboard.PressureFilter, ranked []dashboard.CouncilPressure) ([]matrixRow, map[int]int) {
	counts := map[int]int{}
	for _, pt := range p.Result.Points {
		counts[pt.Council]++
	}
	rank := map[int]int{}
	for _, r := range ranked {
		rank[r.Council.Number] = r.Rank
	}
	now := s.now()
	f.Sort = "pressure"
	var rows []matrixRow
	for _, co := range d.CouncilsFor(f, p) {
		r := matrixRow{Number: co.Number, Name: co.Name, Region: co.RegionName, Rank: rank[co.Number], Pressure: scoreOrDash(p.Demand[co.Number], p.Councils[co.Number]),
			Quadrant: p.Quadrant[co.Number], Points: counts[co.Number], Conditions: "not assessed", Enablers: "not assessed"}
		if v, ok := p.Conditions[co.Number]; ok {
			r.Conditions, r.AssessedOn = strconv.FormatFloat(v, 'f', 2, 64), p.Assessed[co.Number]
			r.Assessed, r.Stale = pressureDate(r.AssessedOn), analytics.AssessmentStale(r.AssessedOn, now)
		}
		if v, ok := p.Enablers[co.Number]; ok {
			r.Enablers = strconv.FormatFloat(v, 'f', 2, 64)
		}
		if !p.Councils[co.Number] {
			r.Quadrant = analytics.QuadrantNotAssessed
		}
		rows = append(rows, r)
	}
	return rows, counts
}

// pressureExport downloads the pressure points the filter keeps (CSV or
// Excel; SECURITY U10 applies through sendTable), each with its council's
// demand pressure and rank.
func (s *Server) pressureExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, f, p, ok := s.pressureFor(c)
		if !ok {
			return
		}
		rank := map[int]int{}
		for _, r := range d.RankCouncils(p) {
			rank[r.Council.Number] = r.Rank
		}
		header := []string{"rank", "month", "la_number", "council", "region", "area", "indicator_code", "indicator", "value", "unit", "band",
			"rank_of_councils", "councils", "change_vs_baseline_pct", "change_vs_year_ago_pct", "direction", "severity", "level", "reason",
			"demand_pressure", "demand_pressure_rank"}
		var rows [][]string
		for i, pt := range d.PointsFor(f.PressureFilter, p) {
			co, ind := d.ByNumber[pt.Council], d.ByCode[pt.Indicator]
			rows = append(rows, []string{strconv.Itoa(i + 1), f.Month.String(), strconv.Itoa(pt.Council), co.Name, co.RegionName, domain.AreaLabel(ind.Area),
				ind.Code, ind.Label, strconv.FormatFloat(dashboard.RoundTo(pt.Value, 2), 'f', -1, 64), ind.DisplayUnit(), pt.Band,
				strconv.Itoa(pt.Rank), strconv.Itoa(pt.N), pctText(pt.ChangeBaseline, pt.ChangeBaselineOK), pctText(pt.ChangeYearAgo, pt.ChangeYearAgoOK),
				pt.Direction, severityText(pt.Severity), pt.Level, pt.Reason,
				strconv.FormatFloat(p.Demand[pt.Council], 'f', 1, 64), strconv.Itoa(rank[pt.Council])})
		}
		s.sendTable(c, format, "pressure-points-"+f.Month.String(), "Pressure points, "+f.Month.Label(),
			pressureNote(p.Result.Config)+" demand_pressure_rank: the council's place among every council with figures, by demand pressure to one decimal place, then more pressure points, then name.", header, rows)
	}
}

// matrixNote explains the matrix export: the scores, the split and the
// stale flag, and whether stale self-assessments were left out.
func matrixNote(cfg analytics.MatrixConfig, split float64, recent bool, excluded int) string {
	n := fmt.Sprintf("Demand pressure: 100 × the mean over the five areas of the council's most severe pressure point in each (0 where none); high from %s (%s). Conditions score: mean of the three enabling conditions (1 to 4) in its latest self-assessment; strong from %s. stale = yes: the self-assessment is more than %d months old.",
		strconv.FormatFloat(dashboard.RoundTo(split, 1), 'f', 1, 64), splitRule(cfg), strconv.FormatFloat(cfg.ConditionsSplit, 'f', -1, 64), analytics.StaleAfterMonths)
	if recent {
		n += fmt.Sprintf(" Councils with a stale self-assessment are left out (%d).", excluded)
	}
	return n
}

// matrixExport downloads the resilience matrix: every council the filter
// keeps with its demand pressure and rank, conditions score, the date of
// its self-assessment and whether that is stale, and its quadrant.
func (s *Server) matrixExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, f, p, ok := s.pressureFor(c)
		if !ok {
			return
		}
		rows, _ := s.matrixRowsOf(d, p, f.PressureFilter, d.RankCouncils(p))
		header := []string{"la_number", "council", "region", "month", "demand_pressure", "pressure_points", "conditions_score", "enablers_score", "assessed_on", "stale", "quadrant", "demand_pressure_rank"}
		var out [][]string
		excluded := 0
		for _, r := range rows {
			if f.Recent && r.Stale {
				excluded++
				continue
			}
			stale, rank := "", ""
			if r.AssessedOn != "" {
				stale = "no"
				if r.Stale {
					stale = "yes"
				}
			}
			if r.Rank > 0 {
				rank = strconv.Itoa(r.Rank)
			}
			out = append(out, []string{strconv.Itoa(r.Number), r.Name, r.Region, f.Month.String(), r.Pressure, strconv.Itoa(r.Points), r.Conditions, r.Enablers, r.AssessedOn, stale, r.Quadrant, rank})
		}
		s.sendTable(c, format, "resilience-matrix-"+f.Month.String(), "Resilience matrix, "+f.Month.Label(),
			matrixNote(d.Config().Matrix, p.Split, f.Recent, excluded), header, out)
	}
}

func pctText(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(dashboard.RoundTo(v*100, 1), 'f', -1, 64)
}

func pressureNote(cfg analytics.PressureConfig) string {
	return fmt.Sprintf("A pressure point: quartile band %s (the worst quarter of councils by polarity) and more than %.0f%% worse than the %s baseline (mean of the same calendar month). Severity 0 to 1 = 0.6 × min(1, worse change / 50%%) + 0.3 × depth into the worst quarter + 0.1 if the last %d months moved the worse way.",
		cfg.WorstBand, cfg.Threshold*100, analytics.YearsLabel(cfg.BaselineYears), cfg.DirectionMonths)
}

// apiPressure returns the pressure points, the ranking of councils, the
// counts and the matrix as JSON, with the same filters as the page.
func (s *Server) apiPressure(c *gin.Context) {
	d, f, p, ok := s.pressureFor(c)
	if !ok {
		return
	}
	cfg := p.Result.Config
	mcfg := d.Config().Matrix
	ranked := d.RankCouncils(p)
	rank := map[int]int{}
	for _, r := range ranked {
		rank[r.Council.Number] = r.Rank
	}
	type pointOut struct {
		Council          int      `json:"la_number"`
		Name             string   `json:"council"`
		Region           string   `json:"region"`
		Area             string   `json:"area"`
		Indicator        string   `json:"indicator"`
		Value            float64  `json:"value"`
		Unit             string   `json:"unit"`
		Band             string   `json:"band"`
		Rank             int      `json:"rank"`
		N                int      `json:"councils"`
		ChangeBaseline   *float64 `json:"change_vs_baseline"`
		ChangeYearAgo    *float64 `json:"change_vs_year_ago"`
		Direction        string   `json:"direction"`
		MonthsRising     int      `json:"months_rising"`
		MonthsFalling    int      `json:"months_falling"`
		Severity         float64  `json:"severity"`
		Level            string   `json:"level"`
		Reason           string   `json:"reason"`
		PressureRankings int      `json:"position"`
		DemandRank       int      `json:"demand_pressure_rank"`
	}
	var points []pointOut
	for i, pt := range d.PointsFor(f.PressureFilter, p) {
		co, ind := d.ByNumber[pt.Council], d.ByCode[pt.Indicator]
		points = append(points, pointOut{Council: pt.Council, Name: co.Name, Region: co.RegionCode, Area: ind.Area, Indicator: pt.Indicator,
			Value: dashboard.RoundTo(pt.Value, 4), Unit: ind.DisplayUnit(), Band: pt.Band, Rank: pt.Rank, N: pt.N,
			ChangeBaseline: optionalRounded(pt.ChangeBaseline, pt.ChangeBaselineOK), ChangeYearAgo: optionalRounded(pt.ChangeYearAgo, pt.ChangeYearAgoOK),
			Direction: pt.Direction, MonthsRising: pt.MonthsRising, MonthsFalling: pt.MonthsFalling, Severity: dashboard.RoundTo(pt.Severity, 4), Level: pt.Level,
			Reason: pt.Reason, PressureRankings: i + 1, DemandRank: rank[pt.Council]})
	}
	type rankedOut struct {
		Rank     int     `json:"rank"`
		Council  int     `json:"la_number"`
		Name     string  `json:"council"`
		Region   string  `json:"region"`
		Pressure float64 `json:"demand_pressure"`
		Points   int     `json:"pressure_points"`
	}
	var ranking []rankedOut
	for _, r := range d.RankedFor(dashboard.PressureFilter{Region: f.Region}, ranked) {
		ranking = append(ranking, rankedOut{Rank: r.Rank, Council: r.Council.Number, Name: r.Council.Name, Region: r.Council.RegionCode,
			Pressure: r.Shown, Points: len(r.Points)})
	}
	type matrixOut struct {
		Council    int      `json:"la_number"`
		Name       string   `json:"council"`
		Region     string   `json:"region"`
		Pressure   *float64 `json:"demand_pressure"`
		Rank       *int     `json:"demand_pressure_rank"`
		Points     int      `json:"pressure_points"`
		Conditions *float64 `json:"conditions_score"`
		Enablers   *float64 `json:"enablers_score"`
		Assessed   string   `json:"assessed,omitempty"`
		Stale      bool     `json:"stale"`
		Quadrant   string   `json:"quadrant"`
	}
	rows, counts := s.matrixRowsOf(d, p, f.PressureFilter, ranked)
	var matrix []matrixOut
	excluded := 0
	for _, r := range rows {
		if f.Recent && r.Stale {
			excluded++
			continue
		}
		mo := matrixOut{Council: r.Number, Name: r.Name, Region: d.ByNumber[r.Number].RegionCode, Points: counts[r.Number], Quadrant: r.Quadrant,
			Assessed: p.Assessed[r.Number], Stale: r.Stale}
		if p.Councils[r.Number] {
			mo.Pressure = optionalRounded(p.Demand[r.Number], true)
		}
		if r.Rank > 0 {
			mo.Rank = &r.Rank
		}
		if v, ok := p.Conditions[r.Number]; ok {
			mo.Conditions = optionalRounded(v, true)
		}
		if v, ok := p.Enablers[r.Number]; ok {
			mo.Enablers = optionalRounded(v, true)
		}
		matrix = append(matrix, mo)
	}
	type regionOut struct {
		Region     string         `json:"region"`
		Name       string         `json:"name"`
		Councils   int            `json:"councils"`
		Points     int            `json:"points"`
		PerCouncil float64        `json:"points_per_council"`
		ByArea     map[string]int `json:"by_area"`
	}
	var regions []regionOut
	for _, rc := range d.RegionCounts(p) {
		ro := regionOut{Region: rc.Code, Name: rc.Name, Councils: rc.Councils, Points: rc.Total, PerCouncil: dashboard.RoundTo(rc.PerCouncil(rc.Total), 2), ByArea: map[string]int{}}
		if ro.Region == "" {
			ro.Region = "E92000001"
		}
		for i, a := range domain.Areas {
			ro.ByArea[a] = rc.ByArea[i]
		}
		regions = append(regions, ro)
	}
	byRegion := analytics.CountBy(p.Result.Points, func(pt analytics.PressureCell) string { return d.ByNumber[pt.Council].RegionCode })
	byArea := analytics.CountBy(p.Result.Points, func(pt analytics.PressureCell) string { return d.ByCode[pt.Indicator].Area })
	c.JSON(http.StatusOK, gin.H{
		"month":                 f.Month.String(),
		"councils_with_figures": len(p.Councils),
		"rule": gin.H{"worst_band": cfg.WorstBand, "threshold": cfg.Threshold, "baseline_years": cfg.BaselineYears, "direction_months": cfg.DirectionMonths,
			"description": pressureNote(cfg)},
		"matrix_rule": gin.H{"pressure_split": dashboard.RoundTo(p.Split, 4), "pressure_rule": pressureRuleName(mcfg), "conditions_split": mcfg.ConditionsSplit,
			"stale_after_months": analytics.StaleAfterMonths, "recent_only": f.Recent, "stale_left_out": excluded,
			"demand_pressure":  "100 × the mean over the five areas of the council's most severe pressure point in each (0 where none)",
			"conditions_score": "mean of the three enabling conditions' ratings (1 to 4) in the council's latest self-assessment"},
		"points":           points,
		"ranking":          ranking,
		"counts_by_region": byRegion,
		"counts_by_area":   byArea,
		"region_counts":    regions,
		"matrix":           matrix,
	})
}

// pressureRuleName is the matrix's pressure rule as the API names it.
func pressureRuleName(cfg analytics.MatrixConfig) string {
	if cfg.PressureRule == "" {
		return analytics.SplitFixed
	}
	return cfg.PressureRule
}

func optionalRounded(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	r := dashboard.RoundTo(v, 4)
	return &r
}

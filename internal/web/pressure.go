package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
func (s *Server) pressureFor(c *gin.Context) (*dashboard.Snapshot, dashboard.PressureFilter, *dashboard.Pressure, bool) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return nil, dashboard.PressureFilter{}, nil, false
	}
	f, err := d.ParsePressureFilter(c.Query("month"), c.Query("region"), c.Query("area"), c.Query("sort"))
	if err != nil {
		s.handleError(c, err)
		return nil, dashboard.PressureFilter{}, nil, false
	}
	return d, f, d.Pressure(f.Month), true
}

// pressureQuery writes a filter back as a query string for links.
func pressureQuery(f dashboard.PressureFilter) string {
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
	return strings.Join(v, "&")
}

type pressurePage struct {
	Month        string
	MonthValue   string
	Region       string
	Area         string
	Sort         string
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
	Points       []pointRow
	TotalPoints  int
	CountCols    []string
	Counts       []countRow
	CountTotals  []int
	GrandTotal   int
	MatrixOption map[string]any
	MatrixRows   []matrixRow
	Priority     []matrixRow
	NotAssessed  []matrixRow
	NoFigures    int
	PSplit       string
	CSplit       string
}

type option struct{ Value, Label string }

type heatRow struct {
	Number   int
	Name     string
	Region   string
	Pressure string
	Cells    []string
}

type pointRow struct {
	Rank      int
	Number    int
	Council   string
	Region    string
	Code      string
	Indicator string
	Level     string
	Severity  string
	Reason    string
}

type countRow struct {
	Label string
	Cells []int
	Total int
}

type matrixRow struct {
	Number     int
	Name       string
	Region     string
	Pressure   string
	Conditions string
	Enablers   string
	Assessed   string
	Quadrant   string
	Points     int
}

func severityText(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func (s *Server) pressurePage(c *gin.Context) {
	d, f, p, ok := s.pressureFor(c)
	if !ok {
		return
	}
	var err error
	cfg := p.Result.Config
	page := pressurePage{Month: f.Month.Start().Format("January 2006"), MonthValue: f.Month.String(), Region: f.Region, Area: f.Area, Sort: f.Sort,
		Query: pressureQuery(f), Threshold: fmt.Sprintf("%.0f%%", cfg.Threshold*100), Band: cfg.WorstBand, Years: analytics.YearsLabel(cfg.BaselineYears),
		PSplit: strconv.FormatFloat(d.Config().Matrix.PressureSplit, 'f', -1, 64), CSplit: strconv.FormatFloat(d.Config().Matrix.ConditionsSplit, 'f', -1, 64)}
	for _, code := range d.Regions {
		page.Regions = append(page.Regions, option{code, d.RegionName[code]})
	}
	for _, a := range domain.Areas {
		page.AreaOptions = append(page.AreaOptions, option{a, domain.AreaLabel(a)})
	}

	// The heatmap and its table.
	councils := d.CouncilsFor(f, p)
	inds := d.IndicatorsFor(f)
	heat := charts.Heatmap{Title: "Pressure points by council and indicator, " + page.Month,
		Subtitle: fmt.Sprintf("Band %s and more than %s worse than the %s baseline; colour by severity. Select a cell for the council's chart.", cfg.WorstBand, page.Threshold, page.Years)}
	for _, ind := range inds {
		heat.XLabels = append(heat.XLabels, shortLabel(ind.Label))
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
				cell.Tip = co.Name + "\n" + ind.Label + ": no figure for " + page.Month
				row.Cells = append(row.Cells, "no figure")
			case pc.Flagged:
				cell.Value = ptr(pc.Severity)
				cell.Tip = fmt.Sprintf("%s\n%s\nSeverity %s (%s)", co.Name, pc.Reason, severityText(pc.Severity), pc.Level)
				row.Cells = append(row.Cells, severityText(pc.Severity)+" "+pc.Level)
			default:
				cell.Value = ptr(0)
				cell.Tip = co.Name + "\n" + pc.Reason + "\nNot a pressure point"
				row.Cells = append(row.Cells, "–")
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
		page.HeatHeight = 200 + 18*len(councils)
	}

	// The ranked list.
	points := d.PointsFor(f, p)
	page.TotalPoints = len(points)
	for i, pt := range points {
		if i == 50 {
			break
		}
		page.Points = append(page.Points, pointRowOf(d, i+1, pt))
	}

	// Counts per region and area (every point in the month).
	for _, a := range domain.Areas {
		page.CountCols = append(page.CountCols, domain.AreaLabel(a))
	}
	page.CountTotals = make([]int, len(domain.Areas))
	for _, code := range d.Regions {
		row := countRow{Label: d.RegionName[code], Cells: make([]int, len(domain.Areas))}
		for _, pt := range p.Result.Points {
			if co, ok := d.ByNumber[pt.Council]; ok && co.RegionCode == code {
				i := slices.Index(domain.Areas, d.ByCode[pt.Indicator].Area)
				if i >= 0 {
					row.Cells[i]++
					row.Total++
					page.CountTotals[i]++
					page.GrandTotal++
				}
			}
		}
		page.Counts = append(page.Counts, row)
	}

	// The resilience matrix.
	rows, counts := matrixRowsOf(d, p, f)
	page.MatrixRows = rows
	groups := map[string]*charts.MatrixGroup{}
	order := []struct{ q, colour string }{
		{analytics.QuadrantHighPressureWeak, "#d4351c"}, {analytics.QuadrantHighPressureStrong, "#f47738"},
		{analytics.QuadrantLowPressureWeak, "#1d70b8"}, {analytics.QuadrantLowPressureStrong, "#00703c"},
	}
	for _, o := range order {
		groups[o.q] = &charts.MatrixGroup{Name: capitalise(o.q), Colour: o.colour}
	}
	for _, r := range rows {
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
		g := groups[r.Quadrant]
		g.Points = append(g.Points, charts.MatrixPoint{Name: r.Name, X: p.Demand[r.Number], Y: p.Conditions[r.Number],
			Href: fmt.Sprintf("/councils/%d#assessment", r.Number),
			Tip:  fmt.Sprintf("%s (%s)\nDemand pressure %s; %d pressure points\nEnabling-conditions score %s (assessed %s)", r.Name, r.Region, r.Pressure, counts[r.Number], r.Conditions, r.Assessed)})
	}
	var gs []charts.MatrixGroup
	for _, o := range order {
		gs = append(gs, *groups[o.q])
	}
	if page.MatrixOption, err = charts.MatrixOption(charts.Matrix{
		Title:    "Resilience matrix, " + page.Month,
		Subtitle: "Demand pressure (x) against the enabling-conditions score from each council's latest self-assessment (y). Select a council for its profile.",
		XName:    "Demand pressure (0 to 100)", YName: "Enabling conditions (1 to 4)",
		XSplit: d.Config().Matrix.PressureSplit, YSplit: d.Config().Matrix.ConditionsSplit, Groups: gs,
		Quadrants: [4]string{"Low pressure, strong conditions", "High pressure, strong conditions", "Low pressure, weak conditions", "High pressure, weak conditions: act here"},
	}); err != nil {
		s.handleError(c, err)
		return
	}
	s.render(c, http.StatusOK, "pressure", pageData{Title: "Pressure points", Breadcrumbs: []crumb{{"Councils", "/"}},
		Scripts: []string{"vendor/echarts/echarts.min.js", "js/charts.js"}, Body: page})
}

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

// shortLabel trims an indicator's label for the heatmap's columns; the
// table and tooltips carry the whole label.
func shortLabel(label string) string {
	const max = 28
	r := []rune(label)
	if len(r) <= max {
		return label
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

func pointRowOf(d *dashboard.Snapshot, rank int, pt analytics.PressureCell) pointRow {
	co := d.ByNumber[pt.Council]
	return pointRow{Rank: rank, Number: pt.Council, Council: co.Name, Region: co.RegionName, Code: pt.Indicator,
		Indicator: d.ByCode[pt.Indicator].Label, Level: pt.Level, Severity: severityText(pt.Severity), Reason: pt.Reason}
}

// matrixRowsOf lists every council the filter keeps with its place on the
// matrix, highest pressure first, and counts its pressure points.
func matrixRowsOf(d *dashboard.Snapshot, p *dashboard.Pressure, f dashboard.PressureFilter) ([]matrixRow, map[int]int) {
	counts := map[int]int{}
	for _, pt := range p.Result.Points {
		counts[pt.Council]++
	}
	f.Sort = "pressure"
	var rows []matrixRow
	for _, co := range d.CouncilsFor(f, p) {
		r := matrixRow{Number: co.Number, Name: co.Name, Region: co.RegionName, Pressure: scoreOrDash(p.Demand[co.Number], p.Councils[co.Number]),
			Quadrant: p.Quadrant[co.Number], Points: counts[co.Number], Conditions: "not assessed", Enablers: "not assessed"}
		if v, ok := p.Conditions[co.Number]; ok {
			r.Conditions, r.Assessed = strconv.FormatFloat(v, 'f', 2, 64), humanDate(p.Assessed[co.Number])
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
// Excel; SECURITY U10 applies through sendTable).
func (s *Server) pressureExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, f, p, ok := s.pressureFor(c)
		if !ok {
			return
		}
		header := []string{"rank", "month", "la_number", "council", "region", "area", "indicator_code", "indicator", "value", "unit", "band",
			"rank_of_councils", "councils", "change_vs_baseline_pct", "change_vs_year_ago_pct", "direction", "severity", "level", "reason"}
		var rows [][]string
		for i, pt := range d.PointsFor(f, p) {
			co, ind := d.ByNumber[pt.Council], d.ByCode[pt.Indicator]
			rows = append(rows, []string{strconv.Itoa(i + 1), f.Month.String(), strconv.Itoa(pt.Council), co.Name, co.RegionName, domain.AreaLabel(ind.Area),
				ind.Code, ind.Label, strconv.FormatFloat(dashboard.RoundTo(pt.Value, 2), 'f', -1, 64), ind.DisplayUnit(), pt.Band,
				strconv.Itoa(pt.Rank), strconv.Itoa(pt.N), pctText(pt.ChangeBaseline, pt.ChangeBaselineOK), pctText(pt.ChangeYearAgo, pt.ChangeYearAgoOK),
				pt.Direction, severityText(pt.Severity), pt.Level, pt.Reason})
		}
		s.sendTable(c, format, "pressure-points-"+f.Month.String(), "Pressure points, "+f.Month.Label(),
			pressureNote(p.Result.Config), header, rows)
	}
}

// matrixExport downloads the resilience matrix: every council the filter
// keeps with its demand pressure, conditions score and quadrant.
func (s *Server) matrixExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, f, p, ok := s.pressureFor(c)
		if !ok {
			return
		}
		rows, _ := matrixRowsOf(d, p, f)
		header := []string{"la_number", "council", "region", "month", "demand_pressure", "pressure_points", "conditions_score", "enablers_score", "assessed", "quadrant"}
		var out [][]string
		for _, r := range rows {
			out = append(out, []string{strconv.Itoa(r.Number), r.Name, r.Region, f.Month.String(), r.Pressure, strconv.Itoa(r.Points), r.Conditions, r.Enablers, r.Assessed, r.Quadrant})
		}
		s.sendTable(c, format, "resilience-matrix-"+f.Month.String(), "Resilience matrix, "+f.Month.Label(),
			"Demand pressure: 100 × the mean over the five areas of the council's most severe pressure point in each (0 where none). Conditions score: mean of the three enabling conditions (1 to 4) in its latest self-assessment.",
			header, out)
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

// apiPressure returns the pressure points, the counts and the matrix as
// JSON, with the same filters as the page.
func (s *Server) apiPressure(c *gin.Context) {
	d, f, p, ok := s.pressureFor(c)
	if !ok {
		return
	}
	cfg := p.Result.Config
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
	}
	var points []pointOut
	for i, pt := range d.PointsFor(f, p) {
		co, ind := d.ByNumber[pt.Council], d.ByCode[pt.Indicator]
		points = append(points, pointOut{Council: pt.Council, Name: co.Name, Region: co.RegionCode, Area: ind.Area, Indicator: pt.Indicator,
			Value: dashboard.RoundTo(pt.Value, 4), Unit: ind.DisplayUnit(), Band: pt.Band, Rank: pt.Rank, N: pt.N,
			ChangeBaseline: optionalRounded(pt.ChangeBaseline, pt.ChangeBaselineOK), ChangeYearAgo: optionalRounded(pt.ChangeYearAgo, pt.ChangeYearAgoOK),
			Direction: pt.Direction, MonthsRising: pt.MonthsRising, MonthsFalling: pt.MonthsFalling, Severity: dashboard.RoundTo(pt.Severity, 4), Level: pt.Level,
			Reason: pt.Reason, PressureRankings: i + 1})
	}
	type matrixOut struct {
		Council    int      `json:"la_number"`
		Name       string   `json:"council"`
		Region     string   `json:"region"`
		Pressure   *float64 `json:"demand_pressure"`
		Points     int      `json:"pressure_points"`
		Conditions *float64 `json:"conditions_score"`
		Enablers   *float64 `json:"enablers_score"`
		Assessed   string   `json:"assessed,omitempty"`
		Quadrant   string   `json:"quadrant"`
	}
	rows, counts := matrixRowsOf(d, p, f)
	var matrix []matrixOut
	for _, r := range rows {
		mo := matrixOut{Council: r.Number, Name: r.Name, Region: d.ByNumber[r.Number].RegionCode, Points: counts[r.Number], Quadrant: r.Quadrant,
			Assessed: p.Assessed[r.Number]}
		if p.Councils[r.Number] {
			mo.Pressure = optionalRounded(p.Demand[r.Number], true)
		}
		if v, ok := p.Conditions[r.Number]; ok {
			mo.Conditions = optionalRounded(v, true)
		}
		if v, ok := p.Enablers[r.Number]; ok {
			mo.Enablers = optionalRounded(v, true)
		}
		matrix = append(matrix, mo)
	}
	byRegion := analytics.CountBy(p.Result.Points, func(pt analytics.PressureCell) string { return d.ByNumber[pt.Council].RegionCode })
	byArea := analytics.CountBy(p.Result.Points, func(pt analytics.PressureCell) string { return d.ByCode[pt.Indicator].Area })
	c.JSON(http.StatusOK, gin.H{
		"month": f.Month.String(),
		"rule": gin.H{"worst_band": cfg.WorstBand, "threshold": cfg.Threshold, "baseline_years": cfg.BaselineYears, "direction_months": cfg.DirectionMonths,
			"description": pressureNote(cfg)},
		"matrix_rule": gin.H{"pressure_split": d.Config().Matrix.PressureSplit, "conditions_split": d.Config().Matrix.ConditionsSplit,
			"demand_pressure":  "100 × the mean over the five areas of the council's most severe pressure point in each (0 where none)",
			"conditions_score": "mean of the three enabling conditions' ratings (1 to 4) in the council's latest self-assessment"},
		"points":           points,
		"counts_by_region": byRegion,
		"counts_by_area":   byArea,
		"matrix":           matrix,
	})
}

func optionalRounded(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	r := dashboard.RoundTo(v, 4)
	return &r
}

package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	ourcharts "github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

type comparePage struct {
	*dashboard.Comparison
	// MonthLabel is the month as people read it ("Nov 2026"); Month
	// stays YYYY-MM for links and the API.
	MonthLabel string
	Indicators []domain.Indicator
	Months     []monthOption
	Choices    []domain.Council
	Selected   *domain.Council
	Ranking    map[string]any
	// RankingHeight is the ranking chart's height in pixels: enough for
	// every council's name to be read.
	RankingHeight int
	// RankingRegion names the region whose average the ranking chart
	// draws (the selected council's), or "".
	RankingRegion string
	Neighbours    map[string]any
	NbTable       *neighbourTable
	Table         *compareTable
}

// neighbourTable is the neighbours-over-time chart as a table, with the
// months it has no figures for and a note on the population used.
type neighbourTable struct {
	Names   []string
	Rows    []tableRow
	Missing string
	Note    string
}

// comparePage shows a ranking of every council for one indicator and
// month, the selected council against each of its neighbours over time,
// the quartile thresholds, and a table of the same that sorts by any
// column (?sort=rank|council|region|value|rate|band&dir=asc|desc).
func (s *Server) comparePage(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	ind, m, council, err := s.compareParams(c, d)
	if err != nil {
		s.handleError(c, err)
		return
	}
	sortKey, dir, err := compareSortParams(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	cmp := s.buildComparison(c, d, ind, m, council)
	page := comparePage{Comparison: cmp, MonthLabel: m.Label(), Indicators: d.Indicators, Choices: d.Existing(m)}
	for _, mm := range d.Months() {
		page.Months = append([]monthOption{{Value: mm.String(), Label: mm.Label(), Selected: mm == m}}, page.Months...)
	}
	if co, ok := d.ByNumber[council]; ok {
		page.Selected = &co
	}
	page.Ranking, page.RankingHeight, page.RankingRegion = rankingOption(cmp, ind, m)
	if page.Selected != nil {
		page.Neighbours, page.NbTable = s.neighboursOption(c, d, ind, m, council)
	}
	page.Table = buildCompareTable(cmp, ind, sortKey, dir)
	s.render(c, http.StatusOK, "compare", pageData{Title: "Compare councils: " + ind.Label + ", " + m.Label(), Breadcrumbs: []crumb{{"Home", "/"}},
		Scripts: []string{"vendor/echarts/echarts.min.js", "js/charts.js"}, Body: page})
}

// Colours of the ranking chart: the selected council strongest, its
// statistical neighbours a second colour, every other council light grey
// (the same red and blue tint the table's rows carry).
const (
	rankSelected  = "#d4351c"
	rankNeighbour = "#1d70b8"
	rankOther     = "#b1b4b6"
	// rankBarPixels is the height each council's bar is given, enough for
	// its name in 12 px type.
	rankBarPixels = 15
	rankTop       = 110
	rankBottom    = 48
)

// rankingOption is a horizontal bar chart of every council's shown value,
// rank 1 at the top, each bar named on the category axis, with the
// selected council and its neighbours coloured, labelled with their
// values, and the England and regional averages drawn as named reference
// lines. It returns the chart's height and the region drawn. One series
// holds every council, so the chart's scale is the councils' own.
func rankingOption(cmp *dashboard.Comparison, ind domain.Indicator, m domain.Month) (map[string]any, int, string) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: ind.Label + ", " + m.Label(), Subtitle: rankingSubtitle(cmp, ind)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
	)
	bar.Validate()
	option := bar.JSON()
	var names []any
	var data []map[string]any
	longest := 0
	for _, r := range cmp.Councils {
		if !r.Shown.OK || r.Shown.Suppressed {
			continue
		}
		v := dashboard.RoundTo(r.Shown.Value, 1)
		longest = max(longest, utf8.RuneCountInString(r.Name))
		point := map[string]any{"value": v}
		name := any(r.Name)
		switch {
		case r.Selected:
			point["itemStyle"] = map[string]any{"color": rankSelected}
			point["label"] = map[string]any{"show": true, "position": "right", "fontWeight": "bold", "color": "#0b0c0c"}
			name = map[string]any{"value": r.Name, "textStyle": map[string]any{"fontWeight": "bold", "color": rankSelected}}
		case r.Neighbour:
			point["itemStyle"] = map[string]any{"color": rankNeighbour}
			point["label"] = map[string]any{"show": true, "position": "right", "color": "#0b0c0c"}
			name = map[string]any{"value": r.Name, "textStyle": map[string]any{"color": rankNeighbour}}
		}
		names = append(names, name)
		data = append(data, point)
	}
	series := []map[string]any{{"name": "Councils", "type": "bar", "data": data, "barCategoryGap": "25%",
		"itemStyle": map[string]any{"color": rankOther}}}
	// The averages are reference lines, each its own legend entry so it is
	// named and can be switched off.
	region := ""
	// Their labels stack at the foot of the chart, where they cannot run
	// into the value axis or each other.
	reference := func(name string, v dashboard.Figure, colour, dash string, row int) {
		if !v.OK || v.Suppressed {
			return
		}
		label := fmt.Sprintf("%s: %s", name, v.Text(1))
		series = append(series, map[string]any{"name": label, "type": "line", "data": []any{}, "symbol": "none",
			"itemStyle": map[string]any{"color": colour}, "lineStyle": map[string]any{"color": colour, "type": dash, "width": 2},
			"markLine": map[string]any{"symbol": []string{"none", "none"}, "silent": true,
				"lineStyle": map[string]any{"color": colour, "type": dash, "width": 2},
				"label": map[string]any{"show": true, "position": "end", "formatter": label, "color": colour, "fontWeight": "bold",
					"offset": []int{0, 16 * row}},
				"data": []any{map[string]any{"name": label, "xAxis": dashboard.RoundTo(v.Value, 1)}}}})
	}
	reference("England average", cmp.England.Value, "#0b0c0c", "dashed", 0)
	for _, r := range cmp.Councils {
		if !r.Selected {
			continue
		}
		for _, a := range cmp.Regions {
			if a.Name == r.Region {
				region = a.Name
				reference(a.Name+" average", a.Value, "#6f3fa0", "dotted", 1)
			}
		}
	}
	height := rankTop + rankBottom + rankBarPixels*max(len(names), 4)
	option["series"] = series
	var legend []string
	for _, s := range series[1:] {
		legend = append(legend, s["name"].(string))
	}
	// The reference lines' legend entries are short bars of their colour
	// (the key above the chart shows their dashes).
	option["legend"] = []map[string]any{{"show": len(legend) > 0, "top": 56, "left": 8, "data": legend,
		"icon": "rect", "itemWidth": 24, "itemHeight": 3}}
	// echarts measures only a sample of a long category axis' labels when
	// it contains them (containLabel), so the longest name ("Bournemouth,
	// Christchurch and Poole") was clipped: the left margin is sized for
	// the longest name instead, and every label is given that width.
	option["grid"] = []map[string]any{{"left": 16 + labelPixels(longest), "right": 56, "top": rankTop, "bottom": rankBottom, "containLabel": false}}
	option["xAxis"] = []map[string]any{{"type": "value", "position": "top", "scale": false,
		"splitLine": map[string]any{"show": true, "lineStyle": map[string]any{"color": "#e5e6e7"}}}}
	option["yAxis"] = []map[string]any{{"type": "category", "inverse": true, "data": names,
		"axisTick": map[string]any{"show": false}, "axisLabel": map[string]any{"interval": 0, "fontSize": 12, "color": "#0b0c0c",
			"width": labelPixels(longest), "overflow": "truncate", "align": "right"}}}
	option["tooltip"] = map[string]any{"show": true, "trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}}
	return option, height, region
}

// labelPixels is a generous width for n characters of 12 px Arial, bold.
func labelPixels(n int) int { return n * 7 }

// rankingSubtitle says what rank 1 is, the unit, and what the colours
// mean, so that a saved image of the chart explains itself.
func rankingSubtitle(cmp *dashboard.Comparison, ind domain.Indicator) string {
	s := "1 at the top is " + dashboard.RankMeaning(ind) + " · " + ind.DisplayUnit()
	for _, r := range cmp.Councils {
		if r.Selected {
			s += " · " + r.Name + " in red, its statistical neighbours in blue, other councils in grey"
		}
	}
	return s
}

// compareDashes are the line styles the neighbours take in turn.
var compareDashes = []string{"solid", "dashed", "dotted"}

// neighboursOption is the selected council against each of its
// statistical neighbours over the last three years, each a line the
// legend can switch off, with the same figures as a table. The selected
// council is the thick dark line drawn over the rest; hovering a line or
// its legend entry fades the others.
func (s *Server) neighboursOption(c *gin.Context, d *dashboard.Snapshot, ind domain.Indicator, m domain.Month, council int) (map[string]any, *neighbourTable) {
	nd := d.NeighbourSeries(dashboard.ViewerOf(currentUser(c)), ind, m, council)
	lines := make([]ourcharts.Line, len(nd.Councils))
	for i, co := range nd.Councils {
		vals := make([]*float64, len(nd.Months))
		for j, f := range nd.Values[i] {
			if f.OK && !f.Suppressed {
				x := dashboard.RoundTo(f.Value, 2)
				vals[j] = &x
			}
		}
		lines[i] = ourcharts.Line{Name: co.Name, Values: vals}
	}
	opt, err := ourcharts.TrendOption(ourcharts.Trend{Title: d.ByNumber[council].Name + " and its statistical neighbours",
		Subtitle: ind.Label + " · " + ind.DisplayUnit() + " · " + d.ByNumber[council].Name + " is the thick dark line",
		Months:   nd.Months, Lines: lines, AxisNames: [2]string{ind.DisplayUnit()}})
	if err != nil {
		return nil, nil
	}
	styleNeighbourLines(opt)
	table := &neighbourTable{Missing: nd.Missing, Note: nd.Note}
	for _, co := range nd.Councils {
		table.Names = append(table.Names, co.Name)
	}
	for j := len(nd.Months) - 1; j >= 0; j-- {
		row := tableRow{Month: nd.Months[j].Label()}
		for i := range nd.Councils {
			cell := shownText(nd.Values[i][j], ind)
			if cell == "" {
				cell = "no figure"
			}
			row.Cells = append(row.Cells, cell)
		}
		table.Rows = append(table.Rows, row)
	}
	return opt, table
}

// styleNeighbourLines gives the first series (the selected council) a
// thick near-black line drawn on top, and each neighbour its own colour
// from the shared colour-blind-safe palette (charts.Palette) and a line
// style in turn, so neighbours of similar hue differ in style.
func styleNeighbourLines(opt map[string]any) {
	series, _ := opt["series"].([]any)
	var colours []string
	for i, s := range series {
		sm, ok := s.(map[string]any)
		if !ok {
			continue
		}
		colour, width, dash, z := ourcharts.CouncilColour, 4, "solid", 10
		if i > 0 {
			colour, width, dash, z = ourcharts.PaletteColour(i-1), 2, compareDashes[(i-1)%len(compareDashes)], 3
		}
		colours = append(colours, colour)
		sm["lineStyle"] = map[string]any{"color": colour, "width": width, "type": dash}
		sm["itemStyle"] = map[string]any{"color": colour}
		sm["z"] = z
		sm["emphasis"] = map[string]any{"focus": "series"}
	}
	opt["color"] = colours
}

// compareCSV downloads the comparison as CSV, with cells that a
// spreadsheet would run as formulas neutralised (SECURITY U10).
func (s *Server) compareCSV(c *gin.Context) { s.compareDownload(c, "csv") }

// compareXLSX downloads the comparison as a workbook; text goes in as
// text, never as a formula (SECURITY U10).
func (s *Server) compareXLSX(c *gin.Context) { s.compareDownload(c, "xlsx") }

// compareDownload sends the comparison through sendTable, so the CSV has
// its byte-order mark and the workbook its headings in words. The file
// name keeps the month as YYYY-MM, so downloads sort by month; the
// workbook's title reads "Nov 2026".
func (s *Server) compareDownload(c *gin.Context, format string) {
	cmp, ok := s.comparisonFor(c)
	if !ok {
		return
	}
	title := cmp.Indicator.Label + ", " + cmp.Month
	if m, err := domain.ParseMonth(cmp.Month); err == nil {
		title = cmp.Indicator.Label + ", " + m.Label()
	}
	s.sendTable(c, format, fmt.Sprintf("compare-%s-%s", cmp.Indicator.Code, cmp.Month), title, cmp.Note,
		compareHeader(cmp), compareRows(cmp))
}

func (s *Server) comparisonFor(c *gin.Context) (*dashboard.Comparison, bool) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return nil, false
	}
	ind, m, council, err := s.compareParams(c, d)
	if err != nil {
		s.handleError(c, err)
		return nil, false
	}
	return s.buildComparison(c, d, ind, m, council), true
}

func compareHeader(cmp *dashboard.Comparison) []string {
	return []string{"la_number", "council", "region", "month", "indicator_code", "value", shownColumn(cmp.Indicator), "rank", "quartile_band", "source"}
}

// shownColumn heads the column of the figure worked out from the stored
// count: a rate per 10,000 children, or a percentage of another
// indicator (re-referrals as a percentage of referrals).
func shownColumn(ind domain.Indicator) string {
	if ind.PercentOf() != "" {
		return "percent_of_" + ind.DenominatorNoun()
	}
	return "rate_per_10000_children"
}

func compareRows(cmp *dashboard.Comparison) [][]string {
	var out [][]string
	for _, r := range cmp.Councils {
		if !r.Value.OK {
			continue
		}
		rank := fmt.Sprint(r.Rank)
		worked := r.Rate
		if cmp.Indicator.PercentOf() != "" {
			worked = r.Shown
		}
		out = append(out, []string{strconv.Itoa(r.Number), r.Name, r.Region, cmp.Month, cmp.Indicator.Code,
			r.Value.Text(2), worked.Text(2), rank, r.Band, "monthly return"})
	}
	out = append(out, []string{"", "England", "", cmp.Month, cmp.Indicator.Code, cmp.England.Total.Text(0), cmp.England.Value.Text(2), "", "", "aggregate of monthly returns"})
	for _, a := range cmp.Regions {
		out = append(out, []string{"", a.Name, a.Name, cmp.Month, cmp.Indicator.Code, a.Total.Text(0), a.Value.Text(2), "", "", "aggregate of monthly returns"})
	}
	for _, row := range out {
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
	}
	return out
}

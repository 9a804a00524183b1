package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	ourcharts "github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/xuri/excelize/v2"
)

type comparePage struct {
	*dashboard.Comparison
	Indicators []domain.Indicator
	Months     []monthOption
	Choices    []domain.Council
	Selected   *domain.Council
	Ranking    map[string]any
	Neighbours map[string]any
	NbTable    *neighbourTable
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
// the quartile thresholds, and a table of the same.
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
	cmp := s.buildComparison(c, d, ind, m, council)
	page := comparePage{Comparison: cmp, Indicators: d.Indicators, Choices: d.Existing(m)}
	for _, mm := range d.Months() {
		page.Months = append([]monthOption{{Value: mm.String(), Label: mm.Start().Format("January 2006"), Selected: mm == m}}, page.Months...)
	}
	if co, ok := d.ByNumber[council]; ok {
		page.Selected = &co
	}
	page.Ranking = rankingOption(cmp, ind)
	if page.Selected != nil {
		page.Neighbours, page.NbTable = s.neighboursOption(c, d, ind, m, council)
	}
	s.render(c, http.StatusOK, "compare", pageData{Title: "Compare councils", Breadcrumbs: []crumb{{"Councils", "/"}},
		Scripts: []string{"vendor/echarts/echarts.min.js", "js/charts.js"}, Body: page})
}

// rankingOption is a bar chart of every council's shown value, best first,
// with the selected council and its neighbours picked out and the quartile
// thresholds drawn across it.
func rankingOption(cmp *dashboard.Comparison, ind domain.Indicator) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: ind.Label + ", " + cmp.Month, Subtitle: "Every council, ranked · " + ind.DisplayUnit()}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "46", Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
			DataZoom:    &opts.ToolBoxFeatureDataZoom{Show: opts.Bool(true)},
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "Reset zoom"},
		}}),
		charts.WithGridOpts(opts.Grid{Left: "56", Right: "40", Top: "100", Bottom: "70", ContainLabel: opts.Bool(true)}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: ind.DisplayUnit(), Type: "value", Scale: opts.Bool(true)}),
	)
	var names []string
	var all, picked, nbs []opts.BarData
	for _, r := range cmp.Councils {
		if !r.Shown.OK || r.Shown.Suppressed {
			continue
		}
		names = append(names, r.Name)
		v := dashboard.RoundTo(r.Shown.Value, 2)
		switch {
		case r.Selected:
			all, picked, nbs = append(all, opts.BarData{Value: "-"}), append(picked, opts.BarData{Value: v}), append(nbs, opts.BarData{Value: "-"})
		case r.Neighbour:
			all, picked, nbs = append(all, opts.BarData{Value: "-"}), append(picked, opts.BarData{Value: "-"}), append(nbs, opts.BarData{Value: v})
		default:
			all, picked, nbs = append(all, opts.BarData{Value: v}), append(picked, opts.BarData{Value: "-"}), append(nbs, opts.BarData{Value: "-"})
		}
	}
	bar.SetXAxis(names)
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "councils", BarCategoryGap: "10%"})
	lines := []any{}
	if q := cmp.Quartiles; q != nil {
		// Labels sit at different ends of their lines so they never overlap.
		mark := func(name string, v float64, pos string) map[string]any {
			return map[string]any{"name": name, "yAxis": dashboard.RoundTo(v, 2), "label": map[string]any{"position": pos, "formatter": "{b}: {c}"}}
		}
		lines = append(lines, mark("Lower quartile", q.Q1, "insideStartBottom"), mark("Median", q.Median, "insideMiddleTop"),
			mark("Upper quartile", q.Q3, "insideEndTop"))
	}
	bar.AddSeries("Other councils", all, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#b1b4b6"}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.MarkLines = &opts.MarkLines{Data: lines, MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}: {c}"}, LineStyle: &opts.LineStyle{Color: "#0b0c0c", Type: "dashed"}}}
		}))
	bar.AddSeries("Statistical neighbours", nbs, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#1d70b8"}))
	bar.AddSeries("Selected council", picked, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d4351c"}))
	bar.Validate()
	option := bar.JSON()
	option["xAxis"] = []map[string]any{{"type": "category", "data": names, "axisLabel": map[string]any{"show": false}, "axisTick": map[string]any{"show": false}}}
	option["dataZoom"] = []map[string]any{{"type": "inside", "xAxisIndex": 0}, {"type": "slider", "xAxisIndex": 0, "bottom": 10, "height": 22}}
	return option
}

// neighboursOption is the selected council against each of its
// statistical neighbours over the last three years, each a line the
// legend can switch off, with the same figures as a table.
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
		Subtitle: ind.Label + " · " + ind.DisplayUnit(), Months: nd.Months, Lines: lines, AxisNames: [2]string{ind.DisplayUnit()}})
	if err != nil {
		return nil, nil
	}
	table := &neighbourTable{Missing: nd.Missing, Note: nd.Note}
	for _, co := range nd.Councils {
		table.Names = append(table.Names, co.Name)
	}
	for j := len(nd.Months) - 1; j >= 0; j-- {
		row := tableRow{Month: nd.Months[j].Label()}
		for i := range nd.Councils {
			cell := nd.Values[i][j].Text(1)
			if cell == "" {
				cell = "no figure"
			}
			row.Cells = append(row.Cells, cell)
		}
		table.Rows = append(table.Rows, row)
	}
	return opt, table
}

// compareCSV downloads the comparison as CSV, with cells that a
// spreadsheet would run as formulas neutralised (SECURITY U10).
func (s *Server) compareCSV(c *gin.Context) {
	cmp, ok := s.comparisonFor(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(compareHeader(cmp))
	for _, row := range compareRows(cmp) {
		_ = w.Write(csvSafe(row))
	}
	w.Flush()
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="compare-%s-%s.csv"`, cmp.Indicator.Code, cmp.Month))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// compareXLSX downloads the comparison as a workbook; text goes in through
// SetCellValue as text, never as a formula (SECURITY U10).
func (s *Server) compareXLSX(c *gin.Context) {
	cmp, ok := s.comparisonFor(c)
	if !ok {
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Comparison"
	_ = f.SetSheetName("Sheet1", sheet)
	_ = f.SetCellStr(sheet, "A1", cmp.Indicator.Label+", "+cmp.Month)
	_ = f.SetCellStr(sheet, "A2", cmp.Note)
	header := compareHeader(cmp)
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		_ = f.SetCellStr(sheet, cell, h)
	}
	for r, row := range compareRows(cmp) {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+5)
			if n, err := strconv.ParseFloat(v, 64); err == nil && i != 1 && i != 2 {
				_ = f.SetCellValue(sheet, cell, n)
			} else {
				_ = f.SetCellStr(sheet, cell, v)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		s.handleError(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="compare-%s-%s.xlsx"`, cmp.Indicator.Code, cmp.Month))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
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

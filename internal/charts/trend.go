// Package charts turns analytics results into echarts options with
// go-echarts. It never renders HTML: pages put the option into a JSON data
// block through html/template, which escapes it, and one static script draws
// it. go-echarts' own renderers write options unescaped and turn "__f__"
// strings into live JavaScript, so they are not used (SECURITY W4).
package charts

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Kinds of series on a trend chart.
const (
	// KindLine is an ordinary line (the default).
	KindLine = ""
	// KindPoints draws markers only, for annual figures among monthly ones.
	KindPoints = "points"
	// KindBandLower and KindBandUpper draw a shaded band between them (the
	// neighbours' inter-quartile range): the upper edge is shaded down to
	// the axis and the lower edge masks what lies beneath it in white, so
	// both take plain values. They must come first, upper then lower, so
	// every other line is drawn over them; tooltips leave them out, and the
	// data table covers them.
	KindBandLower = "band-lower"
	KindBandUpper = "band-upper"
)

// Line is one series on a trend chart. Values align with Trend.Months; a
// nil value is a month with no figure, drawn as a gap, never as zero.
type Line struct {
	Name   string
	Values []*float64
	// Axis is 0 for the left y-axis and 1 for the right.
	Axis int
	Kind string
	// Colour overrides the palette; Dashed draws a dashed line.
	Colour string
	Dashed bool
}

// Trend describes a time-series chart of one area or indicator.
type Trend struct {
	Title    string
	Subtitle string
	Months   []domain.Month
	Lines    []Line
	// AxisNames label the left and (when used) right y-axes.
	AxisNames [2]string
	Events    []domain.TimelineEvent
}

// TrendOption builds the echarts option for a trend chart: tooltips, a
// legend that toggles series, zoom on the time axis, save-as-image, a
// y-axis that need not start at zero, and the timeline drawn as shaded
// periods and dated lines.
func TrendOption(t Trend) (map[string]any, error) {
	if len(t.Months) == 0 {
		return nil, fmt.Errorf("trend chart %q has no months", t.Title)
	}
	x := make([]string, len(t.Months))
	index := make(map[string]bool, len(t.Months))
	for i, m := range t.Months {
		x[i] = m.String()
		index[x[i]] = true
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: t.Title, Subtitle: t.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "46", Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
			DataZoom:    &opts.ToolBoxFeatureDataZoom{Show: opts.Bool(true)},
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "Reset zoom"},
		}}),
		charts.WithGridOpts(opts.Grid{Left: "56", Right: "56", Top: "130", Bottom: "70", ContainLabel: opts.Bool(true)}),
		charts.WithColorsOpts(opts.Colors(Palette)),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Name: t.AxisNames[0], Type: "value", Scale: opts.Bool(true), NameLocation: "end"}),
	)
	if usesRightAxis(t.Lines) {
		line.ExtendYAxis(opts.YAxis{Name: t.AxisNames[1], Type: "value", Scale: opts.Bool(true), Position: "right",
			SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	}
	line.SetXAxis(x)
	for i, l := range t.Lines {
		data := make([]opts.LineData, len(t.Months))
		for j := range t.Months {
			if j < len(l.Values) && l.Values[j] != nil {
				data[j] = opts.LineData{Value: *l.Values[j]}
			} else {
				data[j] = opts.LineData{Value: "-"}
			}
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: l.Axis, ShowSymbol: opts.Bool(false), ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2}),
		}
		if i == timelineSeries(t.Lines) {
			so = append(so, timelineOpts(t.Events, index)...)
		}
		line.AddSeries(l.Name, data, so...)
	}
	line.Validate()
	option, err := generic(line.JSON())
	if err != nil {
		return nil, err
	}
	styleSeries(option, t.Lines)
	// go-echarts has no field for the zoom slider's position or the
	// category axis' boundary gap, so they are set on the option itself.
	option["dataZoom"] = []map[string]any{
		{"type": "inside", "xAxisIndex": 0},
		{"type": "slider", "xAxisIndex": 0, "bottom": 10, "height": 22},
	}
	option["xAxis"] = []map[string]any{{"type": "category", "data": x, "boundaryGap": false}}
	return option, nil
}

// generic turns a go-echarts option into plain maps, so that settings
// go-echarts has no field for can be added.
func generic(option map[string]any) (map[string]any, error) {
	b, err := json.Marshal(option)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(b, &out)
	return out, err
}

// styleSeries applies each line's kind, colour and dash.
func styleSeries(option map[string]any, lines []Line) {
	series, _ := option["series"].([]any)
	for i, l := range lines {
		if i >= len(series) {
			break
		}
		s, ok := series[i].(map[string]any)
		if !ok {
			continue
		}
		style := map[string]any{"width": 2}
		if l.Colour != "" {
			style["color"] = l.Colour
			s["itemStyle"] = map[string]any{"color": l.Colour}
		}
		if l.Dashed {
			style["type"] = "dashed"
		}
		switch l.Kind {
		case KindPoints:
			s["type"], s["symbol"], s["symbolSize"] = "scatter", "diamond", 11
			delete(s, "showSymbol")
		case KindBandLower, KindBandUpper:
			style["opacity"] = 0
			s["symbol"], s["tooltip"], s["silent"] = "none", map[string]any{"show": false}, true
			colour := "#dbe8f3"
			if l.Kind == KindBandLower {
				colour = "#ffffff"
			}
			s["areaStyle"] = map[string]any{"color": colour, "opacity": 1, "origin": "start"}
		}
		s["lineStyle"] = style
	}
}

// timelineSeries picks the first ordinary line to carry the timeline's
// shaded periods and dated lines.
func timelineSeries(ls []Line) int {
	for i, l := range ls {
		if l.Kind == KindLine {
			return i
		}
	}
	return 0
}

func usesRightAxis(ls []Line) bool {
	for _, l := range ls {
		if l.Axis == 1 {
			return true
		}
	}
	return false
}

// timelineOpts draws lockdowns and phases as shaded areas and one-day events
// as vertical lines. Dates fall on the month that contains them; events
// outside the chart's months are left out.
func timelineOpts(events []domain.TimelineEvent, index map[string]bool) []charts.SeriesOpts {
	var areas, lines []any
	for _, e := range events {
		start, end := monthOf(e.Start), monthOf(e.End)
		if !index[start] {
			continue
		}
		if e.Start == e.End || start == end && e.Kind == "event" {
			lines = append(lines, map[string]any{"name": e.Label, "xAxis": start})
			continue
		}
		if !index[end] {
			end = ""
		}
		colour := "rgba(29, 112, 184, 0.08)"
		if e.Kind == "lockdown" {
			colour = "rgba(212, 53, 28, 0.10)"
		}
		first := map[string]any{"name": e.Label, "xAxis": start, "itemStyle": map[string]any{"color": colour}}
		second := map[string]any{"xAxis": end}
		if end == "" {
			second = map[string]any{"x": "95%"}
		}
		areas = append(areas, []any{first, second})
	}
	var out []charts.SeriesOpts
	if len(areas) > 0 {
		out = append(out, charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.MarkAreas = &opts.MarkAreas{Data: areas, MarkAreaStyle: opts.MarkAreaStyle{
				Label: &opts.Label{Show: opts.Bool(false)},
			}}
		}))
	}
	if len(lines) > 0 {
		out = append(out, charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.MarkLines = &opts.MarkLines{Data: lines, MarkLineStyle: opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				Label:     &opts.Label{Show: opts.Bool(false)},
				LineStyle: &opts.LineStyle{Color: "#505a5f", Type: "dashed", Width: 1},
			}}
		}))
	}
	return out
}

// monthOf reduces an ISO date (YYYY-MM-DD) to its month (YYYY-MM).
func monthOf(date string) string {
	if len(date) >= 7 && strings.Count(date[:7], "-") == 1 {
		return date[:7]
	}
	return date
}

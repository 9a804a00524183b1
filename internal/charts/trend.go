// Package charts turns analytics results into echarts options with
// go-echarts. It never renders HTML: pages put the option into a JSON data
// block through html/template, which escapes it, and one static script draws
// it. go-echarts' own renderers write options unescaped and turn "__f__"
// strings into live JavaScript, so they are not used (SECURITY W4).
package charts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Kinds of series on a trend chart.
const (
	// KindLine is an ordinary line (the default).
	KindLine = ""
	// KindPoints draws markers only, for annual figures among monthly ones:
	// outlined diamonds drawn above every line (OfficialZ).
	KindPoints = "points"
	// KindBandLower and KindBandUpper draw a translucent band between them
	// (the neighbours' inter-quartile range). Both take plain values: the
	// lower edge is an invisible line and the upper one is stacked on it
	// as the difference, so echarts fills only between the two and
	// nothing paints over gridlines, markers or the timeline's shading.
	// They must come first, lower then upper, so every other line is
	// drawn over them; tooltips leave them out, and the data table covers
	// them.
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
	// Band names the band a KindBandLower or KindBandUpper line edges
	// ("" for the neighbours' middle half), so a chart may draw several
	// (a projection's 80% and 95% intervals); Fill is its colour.
	Band, Fill string
	// Selected marks the council the chart is about: drawn in
	// CouncilColour (unless Colour says otherwise), thicker and over the
	// other lines, which are drawn thinner and lighter.
	Selected bool
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

// plotWidth is roughly how wide a full-width trend chart's plotting area
// is on a 1280 px screen, to judge whether a timeline label fits across
// its shaded period or must run upwards.
const plotWidth = 780

// TrendOption builds the echarts option for a trend chart: tooltips, a
// legend that toggles series, zoom on the time axis, save-as-image, time
// labels at the turn of each year, a y-axis from zero unless that would
// flatten the lines (and then named as not starting at zero), and the
// timeline drawn as named shaded periods and dated lines.
func TrendOption(t Trend) (map[string]any, error) {
	if len(t.Months) == 0 {
		return nil, fmt.Errorf("trend chart %q has no months", t.Title)
	}
	x := make([]string, len(t.Months))
	index := make(map[string]int, len(t.Months))
	for i, m := range t.Months {
		x[i] = m.String()
		index[x[i]] = i
	}
	lines := bandAsDifference(t.Lines)
	// A two-line subtitle (a projection's accuracy) moves the legend and
	// the plot down by a line.
	legendTop, gridTop := "46", "130"
	if strings.Contains(t.Subtitle, "\n") {
		legendTop, gridTop = "64", "148"
	}
	left, right := AxisFromZero(valuesOn(t.Lines, 0)...), AxisFromZero(valuesOn(t.Lines, 1)...)
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: t.Title, Subtitle: t.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: legendTop, Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
			DataZoom:    &opts.ToolBoxFeatureDataZoom{Show: opts.Bool(true)},
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "Reset zoom"},
		}}),
		charts.WithGridOpts(opts.Grid{Left: "56", Right: "56", Top: gridTop, Bottom: "70", ContainLabel: opts.Bool(true)}),
		charts.WithColorsOpts(opts.Colors(Palette)),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Name: AxisName(t.AxisNames[0], left), Type: "value", Scale: opts.Bool(!left), NameLocation: "end"}),
	)
	if usesRightAxis(t.Lines) {
		line.ExtendYAxis(opts.YAxis{Name: AxisName(t.AxisNames[1], right), Type: "value", Scale: opts.Bool(!right), Position: "right",
			SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	}
	line.SetXAxis(x)
	for _, l := range lines {
		line.AddSeries(l.Name, lineData(l.Values, len(t.Months)),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: l.Axis, ShowSymbol: opts.Bool(false), ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2}))
	}
	line.Validate()
	option, err := generic(line.JSON())
	if err != nil {
		return nil, err
	}
	styleSeries(option, lines)
	// A long axis name starts at the axis rather than centring on it,
	// where it would run off the chart's left edge.
	if ys, _ := option["yAxis"].([]any); len(ys) > 0 {
		for k, y := range ys {
			if y, ok := y.(map[string]any); ok {
				y["nameTextStyle"] = map[string]any{"align": []string{"left", "right"}[min(k, 1)], "color": "#505a5f"}
			}
		}
	}
	if i := timelineSeries(lines); i >= 0 {
		addTimeline(option, i, t.Events, index, len(t.Months), true)
	}
	if usesRightAxis(t.Lines) {
		tieRightAxis(option, lines)
	}
	// go-echarts has no field for the zoom slider's position or the
	// category axis' boundary gap, so they are set on the option itself.
	option["dataZoom"] = []map[string]any{
		{"type": "inside", "xAxisIndex": 0},
		{"type": "slider", "xAxisIndex": 0, "bottom": 10, "height": 22},
	}
	option["xAxis"] = []map[string]any{timeAxis(x, 0, 1)}
	return option, nil
}

// timeAxis is a category axis of YYYY-MM months labelled at the turn of
// every step-th year: charts.js reads the yearStart flag and supplies the
// label and tick intervals (callbacks live there, never in the option).
func timeAxis(months []string, grid, step int) map[string]any {
	if !slices.ContainsFunc(months, func(m string) bool { return strings.HasSuffix(m, "-01") }) {
		// No turn of the year to label: every month is labelled as it fits.
		return map[string]any{"type": "category", "data": months, "boundaryGap": false, "gridIndex": grid}
	}
	return map[string]any{"type": "category", "data": months, "boundaryGap": false, "gridIndex": grid,
		"axisLabel": map[string]any{"yearStart": true, "yearStep": step, "hideOverlap": true},
		"axisTick":  map[string]any{"yearStart": true}}
}

// lineData turns values into echarts data, "-" marking a month with no
// figure so the line breaks there.
func lineData(values []*float64, n int) []opts.LineData {
	data := make([]opts.LineData, n)
	for j := range n {
		if j < len(values) && values[j] != nil {
			data[j] = opts.LineData{Value: *values[j]}
		} else {
			data[j] = opts.LineData{Value: "-"}
		}
	}
	return data
}

// bandAsDifference returns the lines with the band's upper edge replaced
// by its height above the lower edge, for stacking on it; a month where
// either edge is missing has no band.
func bandAsDifference(ls []Line) []Line {
	out := slices.Clone(ls)
	for i, l := range out {
		if l.Kind != KindBandUpper {
			continue
		}
		lower := slices.IndexFunc(ls, func(b Line) bool { return b.Kind == KindBandLower && b.Band == l.Band })
		diff := make([]*float64, len(l.Values))
		for j, v := range l.Values {
			if v == nil || lower < 0 || j >= len(ls[lower].Values) || ls[lower].Values[j] == nil {
				continue
			}
			d := *v - *ls[lower].Values[j]
			diff[j] = &d
		}
		out[i].Values = diff
	}
	return out
}

// valuesOn gathers every drawn value on one y-axis.
func valuesOn(ls []Line, axis int) []float64 {
	var out []float64
	for _, l := range ls {
		if l.Axis != axis {
			continue
		}
		for _, v := range l.Values {
			if v != nil {
				out = append(out, *v)
			}
		}
	}
	return out
}

// AxisFromZero says whether a value axis should start at zero: it does,
// unless every value lies in the top part of the range from zero (the
// lowest above 60% of the highest), where a zero-based axis would press
// the lines flat; such an axis is scaled to the data and AxisName says so.
func AxisFromZero(values ...float64) bool {
	if len(values) == 0 {
		return true
	}
	lo, hi := slices.Min(values), slices.Max(values)
	return lo <= 0 || lo < 0.6*hi
}

// NotFromZero is added to the name of an axis scaled to the data.
const NotFromZero = "axis does not start at 0"

// AxisName names a value axis by its unit, saying when it does not start
// at zero.
func AxisName(unit string, fromZero bool) string {
	if fromZero {
		return unit
	}
	if unit == "" {
		return NotFromZero
	}
	return unit + " (" + NotFromZero + ")"
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

// styleSeries applies each line's kind, colour, dash and weight: the
// selected council strongest and on top, other lines thinner and lighter
// when there is a selected council, the band translucent, official
// figures as outlined diamonds above everything.
func styleSeries(option map[string]any, lines []Line) {
	series, _ := option["series"].([]any)
	selected := slices.ContainsFunc(lines, func(l Line) bool { return l.Selected })
	for i, l := range lines {
		if i >= len(series) {
			break
		}
		s, ok := series[i].(map[string]any)
		if !ok {
			continue
		}
		style := map[string]any{"width": 2}
		colour := l.Colour
		if l.Selected && colour == "" {
			colour = CouncilColour
		}
		if colour != "" {
			style["color"] = colour
			s["itemStyle"] = map[string]any{"color": colour}
		}
		if l.Dashed {
			style["type"] = "dashed"
		}
		switch {
		case l.Selected:
			style["width"] = CouncilLineWidth
			s["z"] = CouncilZ
		case selected && l.Kind == KindLine:
			style["width"] = ComparatorLineWidth
			style["opacity"] = ComparatorOpacity
		}
		switch l.Kind {
		case KindPoints:
			s["type"], s["symbol"], s["symbolSize"], s["z"] = "scatter", "diamond", 12, OfficialZ
			c := colour
			if c == "" {
				c = OfficialColour
			}
			s["itemStyle"] = map[string]any{"color": c, "borderColor": CouncilColour, "borderWidth": 1.5, "opacity": 1}
			delete(s, "showSymbol")
		case KindBandLower, KindBandUpper:
			style["opacity"] = 0
			stack, fill, legend := "neighbours-band", BandFill, BandLegend
			if l.Band != "" {
				stack, fill, legend = "band-"+l.Band, l.Fill, l.Fill
			}
			s["symbol"], s["tooltip"], s["silent"], s["stack"] = "none", map[string]any{"show": false}, true, stack
			s["itemStyle"] = map[string]any{"color": legend}
			if l.Kind == KindBandUpper {
				s["areaStyle"] = map[string]any{"color": fill, "opacity": 1}
			} else {
				delete(s, "areaStyle")
			}
		}
		s["lineStyle"] = style
	}
}

// tieRightAxis colours a right-hand axis' name and labels as the line it
// carries, when it carries one, so a reader can tell which line it
// measures.
func tieRightAxis(option map[string]any, lines []Line) {
	var on []Line
	for _, l := range lines {
		if l.Axis == 1 {
			on = append(on, l)
		}
	}
	ys, _ := option["yAxis"].([]any)
	if len(on) != 1 || len(ys) < 2 {
		return
	}
	y, _ := ys[1].(map[string]any)
	colour := on[0].Colour
	if colour == "" {
		colour = Palette[slices.IndexFunc(lines, func(l Line) bool { return l.Axis == 1 })%len(Palette)]
	}
	if y != nil {
		name, _ := y["name"].(string)
		y["name"] = on[0].Name + ": " + name
		y["nameTextStyle"] = map[string]any{"color": colour, "align": "right"}
		y["axisLabel"] = map[string]any{"color": colour}
		y["axisLine"] = map[string]any{"show": true, "lineStyle": map[string]any{"color": colour}}
	}
}

// timelineSeries picks the first ordinary line to carry the timeline's
// shaded periods and dated lines, or -1 when there is none.
func timelineSeries(ls []Line) int {
	return slices.IndexFunc(ls, func(l Line) bool { return l.Kind == KindLine })
}

func usesRightAxis(ls []Line) bool {
	for _, l := range ls {
		if l.Axis == 1 {
			return true
		}
	}
	return false
}

// Timeline shading: stronger than a tint, light enough that lines read
// through it. Lockdowns in orange, response phases in grey.
const (
	LockdownShade = "rgba(230, 159, 0, 0.22)"
	PhaseShade    = "rgba(80, 90, 95, 0.10)"
)

// addTimeline draws lockdowns and phases as shaded areas and one-day
// events as dashed vertical lines on series i. Dates fall on the month
// that contains them; events outside the chart's months are left out.
// With labels, each shaded period carries its name: lockdowns at the top
// of the chart, phases at the foot, written across when the period is
// wide enough and upwards when it is not.
func addTimeline(option map[string]any, i int, events []domain.TimelineEvent, index map[string]int, n int, labels bool) {
	series, _ := option["series"].([]any)
	if i < 0 || i >= len(series) {
		return
	}
	s, _ := series[i].(map[string]any)
	if s == nil {
		return
	}
	var areas, marks []any
	for k, e := range events {
		start, end := monthOf(e.Start), monthOf(e.End)
		first, ok := index[start]
		if !ok {
			continue
		}
		if e.Start == e.End || start == end && e.Kind == "event" {
			marks = append(marks, map[string]any{"name": e.Label, "xAxis": start})
			continue
		}
		last, ok := index[end]
		if !ok {
			last = n - 1
		}
		shade, position := PhaseShade, "insideBottom"
		if e.Kind == "lockdown" {
			shade, position = LockdownShade, "insideTop"
		}
		label := map[string]any{"show": false}
		if labels {
			label = areaLabel(EventName(events, k), position, float64(last-first+1)*plotWidth/float64(max(n, 1)))
		}
		from := map[string]any{"name": e.Label, "xAxis": start, "itemStyle": map[string]any{"color": shade}, "label": label}
		to := map[string]any{"xAxis": end}
		if !ok {
			to = map[string]any{"xAxis": n - 1}
		}
		areas = append(areas, []any{from, to})
	}
	if len(areas) > 0 {
		s["markArea"] = map[string]any{"silent": true, "data": areas}
	}
	if len(marks) > 0 {
		s["markLine"] = map[string]any{"silent": true, "symbol": []string{"none", "none"}, "data": marks,
			"label":     map[string]any{"show": false},
			"lineStyle": map[string]any{"color": "#505a5f", "type": "dashed", "width": 1}}
	}
}

// areaLabel names a shaded period: across it when the name fits in its
// width (about 6 px a character at 11 px), otherwise running upwards
// from the top or foot of the chart. A white halo keeps the name
// readable over lines without hiding them.
func areaLabel(name, position string, width float64) map[string]any {
	l := map[string]any{"show": true, "formatter": name, "color": "#0b0c0c", "fontSize": 11,
		"textBorderColor": "#ffffff", "textBorderWidth": 3, "position": position}
	if float64(len(name))*6+8 <= width {
		return l
	}
	// Turned upwards, the text's top faces right: aligned at its top, the
	// name sits right of the period's middle, clear of a dated event's
	// line at its first month.
	l["rotate"], l["verticalAlign"], l["distance"] = 90, "top", 4
	if position == "insideTop" {
		l["align"] = "right"
	} else {
		l["align"] = "left"
	}
	return l
}

// EventName is the name a chart gives the i-th timeline event: lockdowns
// are numbered in order, "Lockdown 1", "Lockdown 2", short enough to fit
// their narrow shading; other events keep their label.
func EventName(events []domain.TimelineEvent, i int) string {
	if i < 0 || i >= len(events) {
		return ""
	}
	if events[i].Kind != "lockdown" {
		return events[i].Label
	}
	n := 0
	for _, e := range events[:i+1] {
		if e.Kind == "lockdown" {
			n++
		}
	}
	return fmt.Sprintf("Lockdown %d", n)
}

// monthOf reduces an ISO date (YYYY-MM-DD) to its month (YYYY-MM).
func monthOf(date string) string {
	if len(date) >= 7 && strings.Count(date[:7], "-") == 1 {
		return date[:7]
	}
	return date
}

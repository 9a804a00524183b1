package charts

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Profile is one set of ratings drawn on a radar chart: a council's, or
// the median of its neighbours'. Values align with Radar.Axes; a nil
// value is an item nobody rated, drawn at the centre and said in the table.
type Profile struct {
	Name   string
	Values []*float64
	Colour string
	Dashed bool
	// Style, when set, overrides Colour and Dashed with one of the radar's
	// three looks: RadarOwn, RadarNeighbours, RadarAll.
	Style RadarStyle
}

// RadarStyle is how a profile is drawn, so that the council's own stands
// out and two medians that coincide both stay visible: each has its own
// colour (colour-blind safe: blue, vermilion, grey), line pattern and
// symbol. The council's polygon, widest and shaded, lies underneath; the
// neighbours' median (dashed, solid triangles) on it; every council's
// median on top, dotted with hollow squares, so that where the medians
// coincide the neighbours' shows through.
type RadarStyle int

// The radar's looks.
const (
	RadarDefault RadarStyle = iota
	// RadarOwn is the council's own ratings: the strongest line, solid,
	// with filled dots and a shaded polygon.
	RadarOwn
	// RadarNeighbours is its neighbours' median: dashed vermilion with
	// triangles.
	RadarNeighbours
	// RadarAll is every council's median: dotted grey with hollow
	// squares, drawn last.
	RadarAll
)

// radarLooks are the line colour, pattern, width, symbol, symbol size and
// drawing order of each style.
var radarLooks = map[RadarStyle]struct {
	colour, pattern string
	width           float64
	symbol          string
	size            int
	z               int
}{
	RadarOwn:        {"#1d70b8", "solid", 4, "circle", 13, 2},
	RadarNeighbours: {"#d55e00", "dashed", 2.5, "triangle", 11, 3},
	RadarAll:        {"#383f43", "dotted", 2, "rect", 13, 4},
}

// Radar describes a radar chart of self-assessment ratings on the 1–4
// scale.
type Radar struct {
	Title    string
	Subtitle string
	Axes     []string
	Profiles []Profile
	// Levels names the ratings 1 to 4 ("Not in place" ... "Strong"); the
	// radial scale writes them on its first axis ("3 Established").
	Levels []string
}

// RadarOption builds the echarts option for a radar chart: tooltips, a
// legend that toggles each profile, save-as-image, and axes from 0 to 4 so
// "not in place" (1) still shows as a shape, with the scale's ratings
// written up the first axis.
func RadarOption(r Radar) (map[string]any, error) {
	if len(r.Axes) < 3 {
		return nil, fmt.Errorf("radar chart %q needs at least three axes", r.Title)
	}
	radar := charts.NewRadar()
	ind := make([]*opts.Indicator, len(r.Axes))
	for i, a := range r.Axes {
		ind[i] = &opts.Indicator{Name: a, Min: 0, Max: 4}
	}
	radar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: r.Title, Subtitle: r.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Bottom: "0", Left: "center"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithColorsOpts(opts.Colors(Palette)),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Shape: "polygon", SplitNumber: 4,
			Center: []string{"50%", "55%"}}),
	)
	for _, p := range r.Profiles {
		vals := make([]any, len(r.Axes))
		for i := range r.Axes {
			if i < len(p.Values) && p.Values[i] != nil {
				vals[i] = *p.Values[i]
			} else {
				vals[i] = 0
			}
		}
		radar.AddSeries(p.Name, []opts.RadarData{{Name: p.Name, Value: vals}})
	}
	radar.Validate()
	option, err := generic(radar.JSON())
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(r.Profiles))
	for i, p := range r.Profiles {
		lines[i] = Line{Name: p.Name, Colour: p.Colour, Dashed: p.Dashed}
	}
	styleSeries(option, lines)
	series, _ := option["series"].([]any)
	styled := false
	for i, p := range r.Profiles {
		look, ok := radarLooks[p.Style]
		if !ok || i >= len(series) {
			continue
		}
		s, ok := series[i].(map[string]any)
		if !ok {
			continue
		}
		styled = true
		s["lineStyle"] = map[string]any{"color": look.colour, "type": look.pattern, "width": look.width}
		s["itemStyle"] = map[string]any{"color": look.colour, "borderColor": "#ffffff", "borderWidth": 1}
		if p.Style == RadarAll {
			// Hollow, so that a triangle beneath shows through.
			s["itemStyle"] = map[string]any{"color": "transparent", "borderColor": look.colour, "borderWidth": 2}
		}
		s["symbol"], s["symbolSize"], s["z"] = look.symbol, look.size, look.z
		if p.Style == RadarOwn {
			s["areaStyle"] = map[string]any{"color": look.colour, "opacity": 0.15}
		}
	}
	// Without styles, the council's own profile (the first) is shaded.
	if len(series) > 0 && !styled {
		if s, ok := series[0].(map[string]any); ok {
			s["areaStyle"] = map[string]any{"opacity": 0.15}
		}
	}
	// The radar's axis names sit outside the polygon; long ones wrap.
	if m, ok := option["radar"].(map[string]any); ok {
		m["axisName"] = map[string]any{"color": "#0b0c0c", "fontSize": 13}
		m["radius"] = "62%"
		m["splitLine"] = map[string]any{"lineStyle": map[string]any{"color": "#b1b4b6"}}
		m["splitArea"] = map[string]any{"show": false}
		// The 1–4 scale is written once, up the first axis: echarts keeps
		// an indicator's own axisLabel over the radar's. The names travel
		// as data (valueNames); charts.js turns them into the labels.
		if len(r.Levels) > 0 {
			names := map[string]string{"0": ""}
			for i, l := range r.Levels {
				names[fmt.Sprint(i+1)] = fmt.Sprintf("%d %s", i+1, l)
			}
			m["axisLabel"] = map[string]any{"show": false}
			if inds, ok := m["indicator"].([]any); ok && len(inds) > 0 {
				if first, ok := inds[0].(map[string]any); ok {
					first["axisLabel"] = map[string]any{"show": true, "showMinLabel": false, "color": "#0b0c0c", "fontSize": 12,
						"backgroundColor": "rgba(255,255,255,0.8)", "padding": []int{1, 3}, "margin": 12, "valueNames": names}
				}
			}
		}
	}
	return option, nil
}

// Versions describes a line chart of ratings across a council's submitted
// self-assessments, one point per version, labelled with its date.
type Versions struct {
	Title    string
	Subtitle string
	Dates    []string
	Lines    []Line
}

// VersionsOption builds the echarts option for ratings over versions:
// tooltips, a legend that toggles each line, save-as-image, and a y-axis
// fixed to the 1–4 scale.
func VersionsOption(v Versions) (map[string]any, error) {
	if len(v.Dates) == 0 {
		return nil, fmt.Errorf("versions chart %q has no versions", v.Title)
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: v.Title, Subtitle: v.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "46", Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithGridOpts(opts.Grid{Left: "56", Right: "32", Top: "110", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithColorsOpts(opts.Colors(Palette)),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "Rating (1 to 4)", Type: "value", Min: 1, Max: 4, SplitNumber: 3, NameLocation: "end"}),
	)
	line.SetXAxis(v.Dates)
	for _, l := range v.Lines {
		data := make([]opts.LineData, len(v.Dates))
		for j := range v.Dates {
			if j < len(l.Values) && l.Values[j] != nil {
				data[j] = opts.LineData{Value: *l.Values[j]}
			} else {
				data[j] = opts.LineData{Value: "-"}
			}
		}
		line.AddSeries(l.Name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), ConnectNulls: opts.Bool(false)}))
	}
	line.Validate()
	option, err := generic(line.JSON())
	if err != nil {
		return nil, err
	}
	styleSeries(option, v.Lines)
	for _, s := range option["series"].([]any) {
		if m, ok := s.(map[string]any); ok {
			m["symbolSize"] = 8
		}
	}
	return option, nil
}

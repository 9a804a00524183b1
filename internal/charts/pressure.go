package charts

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Severity bands on the heatmap, matching analytics' pressure levels.
const (
	colourNotFlagged = "#f3f2f1"
	colourLow        = "#ffdd00"
	colourMedium     = "#f47738"
	colourHigh       = "#d4351c"
)

// HeatCell is one council × indicator cell. Value is the pressure point's
// severity (0 when assessed and not a pressure point); nil when there is
// no figure, drawn blank. Href is a path on this server the cell opens;
// Tip is plain text for the tooltip (the page's script escapes it).
type HeatCell struct {
	X, Y  int
	Value *float64
	Href  string
	Tip   string
}

// Heatmap describes councils (rows) by indicators (columns).
type Heatmap struct {
	Title    string
	Subtitle string
	XLabels  []string
	YLabels  []string
	Cells    []HeatCell
}

// HeatmapOption builds the echarts option for the pressure heatmap:
// severity in four colours (not a pressure point, low, medium, high), a
// tooltip with each cell's reason, save-as-image, and cells that link to
// the council's chart for that indicator.
func HeatmapOption(h Heatmap) (map[string]any, error) {
	if len(h.XLabels) == 0 || len(h.YLabels) == 0 {
		return nil, fmt.Errorf("heatmap %q has no rows or columns", h.Title)
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: h.Title, Subtitle: h.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "110", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: h.XLabels, Position: "top"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: h.YLabels, Inverse: opts.Bool(true)}),
	)
	hm.AddSeries("Pressure", nil)
	hm.Validate()
	option, err := generic(hm.JSON())
	if err != nil {
		return nil, err
	}
	data := make([]any, 0, len(h.Cells))
	for _, c := range h.Cells {
		var v any = "-"
		if c.Value != nil {
			v = *c.Value
		}
		item := map[string]any{"value": []any{c.X, c.Y, v}}
		if c.Href != "" {
			item["href"] = c.Href
		}
		if c.Tip != "" {
			item["tip"] = c.Tip
		}
		data = append(data, item)
	}
	option["series"] = []any{map[string]any{
		"name": "Pressure", "type": "heatmap", "data": data,
		"itemStyle":   map[string]any{"borderColor": "#ffffff", "borderWidth": 1},
		"emphasis":    map[string]any{"itemStyle": map[string]any{"borderColor": "#0b0c0c", "borderWidth": 2}},
		"progressive": 0,
	}}
	// One series needs no legend; the colour key is the visual map.
	option["legend"] = []any{map[string]any{"show": false}}
	option["visualMap"] = []any{map[string]any{
		"type": "piecewise", "dimension": 2, "orient": "horizontal", "left": "center", "top": 52,
		"pieces": []any{
			map[string]any{"value": 0, "label": "Not a pressure point", "color": colourNotFlagged},
			map[string]any{"gt": 0, "lt": 0.35, "label": "Low", "color": colourLow},
			map[string]any{"gte": 0.35, "lt": 0.6, "label": "Medium", "color": colourMedium},
			map[string]any{"gte": 0.6, "label": "High", "color": colourHigh},
		},
	}}
	if xs, ok := option["xAxis"].([]any); ok && len(xs) > 0 {
		if x, ok := xs[0].(map[string]any); ok {
			x["axisLabel"] = map[string]any{"rotate": 50, "interval": 0, "fontSize": 11}
			x["splitArea"] = map[string]any{"show": false}
		}
	}
	if ys, ok := option["yAxis"].([]any); ok && len(ys) > 0 {
		if y, ok := ys[0].(map[string]any); ok {
			y["axisLabel"] = map[string]any{"interval": 0, "fontSize": 11}
		}
	}
	return option, nil
}

// MatrixPoint is one council on the resilience matrix.
type MatrixPoint struct {
	Name string
	X, Y float64
	Href string
	Tip  string
}

// MatrixGroup is the councils of one quadrant, drawn in one colour.
type MatrixGroup struct {
	Name   string
	Colour string
	Points []MatrixPoint
}

// Matrix describes the resilience matrix: demand pressure (x, 0 to 100)
// against the enabling-conditions score (y, 1 to 4), split into labelled
// quadrants.
type Matrix struct {
	Title    string
	Subtitle string
	XName    string
	YName    string
	XSplit   float64
	YSplit   float64
	Groups   []MatrixGroup
	// Quadrants label the top left, top right, bottom left and bottom
	// right quarters.
	Quadrants [4]string
}

// MatrixOption builds the echarts option for the resilience matrix: a
// scatter with one series per quadrant (toggled in the legend), the splits
// drawn as lines, each quarter labelled, tooltips naming the council, and
// points that link to its profile.
func MatrixOption(m Matrix) (map[string]any, error) {
	if len(m.Groups) == 0 {
		return nil, fmt.Errorf("matrix %q has no groups", m.Title)
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: m.Title, Subtitle: m.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "52", Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{Left: "56", Right: "40", Top: "110", Bottom: "50", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: m.XName, NameLocation: "middle", NameGap: 30, Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: m.YName, NameLocation: "end", Min: 1, Max: 4}),
	)
	for _, g := range m.Groups {
		sc.AddSeries(g.Name, nil)
	}
	sc.Validate()
	option, err := generic(sc.JSON())
	if err != nil {
		return nil, err
	}
	var series []any
	for i, g := range m.Groups {
		data := make([]any, 0, len(g.Points))
		for _, p := range g.Points {
			item := map[string]any{"value": []any{p.X, p.Y}, "name": p.Name}
			if p.Href != "" {
				item["href"] = p.Href
			}
			if p.Tip != "" {
				item["tip"] = p.Tip
			}
			data = append(data, item)
		}
		s := map[string]any{"name": g.Name, "type": "scatter", "data": data, "symbolSize": 11,
			"itemStyle": map[string]any{"color": g.Colour, "borderColor": "#0b0c0c", "borderWidth": 0.5}}
		if i == 0 {
			q := func(x0, y0, x1, y1 float64, label string) []any {
				return []any{
					map[string]any{"name": label, "xAxis": x0, "yAxis": y0},
					map[string]any{"xAxis": x1, "yAxis": y1},
				}
			}
			s["markArea"] = map[string]any{"silent": true,
				"itemStyle": map[string]any{"color": "rgba(0,0,0,0)"},
				"label":     map[string]any{"show": true, "color": "#505a5f", "fontSize": 12, "position": "insideTop"},
				"data": []any{
					q(0, m.YSplit, m.XSplit, 4, m.Quadrants[0]), q(m.XSplit, m.YSplit, 100, 4, m.Quadrants[1]),
					q(0, 1, m.XSplit, m.YSplit, m.Quadrants[2]), q(m.XSplit, 1, 100, m.YSplit, m.Quadrants[3]),
				}}
			s["markLine"] = map[string]any{"silent": true, "symbol": []string{"none", "none"},
				"label":     map[string]any{"show": false},
				"lineStyle": map[string]any{"color": "#505a5f", "type": "dashed", "width": 1},
				"data":      []any{map[string]any{"xAxis": m.XSplit}, map[string]any{"yAxis": m.YSplit}}}
		}
		series = append(series, s)
	}
	option["series"] = series
	return option, nil
}

package charts

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Colours of the heatmap. Severity runs along a colour-blind-safe
// sequential scale (ColorBrewer's YlOrRd: light to dark as well as yellow
// to red, so it reads in greyscale too); a cell assessed and not a pressure
// point is very pale grey; a cell with no figure is mid-grey and hatched, so
// the two never look alike.
const (
	colourNotFlagged = "#f3f2f1"
	colourLow        = "#fed976"
	colourMedium     = "#fd8d3c"
	colourHigh       = "#bd0026"
	colourNoFigure   = "#b1b4b6"
)

// NoFigureSeries names the heatmap's series of cells with no figure, and
// its legend entry.
const NoFigureSeries = "No figure"

// HeatCell is one council × indicator cell. Value is the pressure point's
// severity (0 when assessed and not a pressure point); nil when there is
// no figure, drawn grey and hatched in a series of its own. Href is a path
// on this server the cell opens; Tip is plain text for the tooltip (the
// page's script escapes it).
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

// Layout of the heatmap, in pixels.
const (
	heatTop       = 92 // above the column labels: title, subtitle, key
	heatRowHeight = 20
	heatLabelRoom = 120 // the column labels, at 45°: up to 24 characters
)

// HeatmapHeight is the height, in pixels, the heatmap needs for rows
// councils: every row tall enough to read its name.
func HeatmapHeight(rows int) int { return heatTop + heatLabelRoom + heatRowHeight*rows + 16 }

// labelWidth estimates the width in pixels of the longest label at the
// heatmap's 11 px Arial: wide enough that no name is cut.
func labelWidth(labels []string) int {
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	return longest*6 + 8
}

// HeatmapOption builds the echarts option for the pressure heatmap:
// severity in three colours of a sequential scale beside "not a pressure
// point", cells with no figure in a hatched grey series of their own with
// its own legend entry, a tooltip with each cell's reason, save-as-image,
// and cells that link to the council's chart for that indicator. Every
// row's name is given room in full (the left margin is worked out from the
// longest), and the column labels are rotated.
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
		// Margins set from the labels' lengths rather than containLabel:
		// echarts measures only a sample of a long category axis's labels
		// for containLabel, so a long name between them was cut.
		charts.WithGridOpts(opts.Grid{Left: fmt.Sprint(labelWidth(h.YLabels) + 12), Right: "24", Top: fmt.Sprint(heatTop + heatLabelRoom), Bottom: "8", ContainLabel: opts.Bool(false)}),
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
	var missing []any
	for _, c := range h.Cells {
		item := map[string]any{}
		if c.Href != "" {
			item["href"] = c.Href
		}
		if c.Tip != "" {
			item["tip"] = c.Tip
		}
		if c.Value == nil {
			item["value"] = []any{c.X, c.Y, 1}
			missing = append(missing, item)
			continue
		}
		item["value"] = []any{c.X, c.Y, *c.Value}
		data = append(data, item)
	}
	border := map[string]any{"borderColor": "#ffffff", "borderWidth": 1}
	emphasis := map[string]any{"itemStyle": map[string]any{"borderColor": "#0b0c0c", "borderWidth": 2}}
	series := []any{map[string]any{
		"name": "Pressure", "type": "heatmap", "data": data,
		"itemStyle": border, "emphasis": emphasis, "progressive": 0,
	}}
	if len(missing) > 0 {
		series = append(series, map[string]any{
			"name": NoFigureSeries, "type": "heatmap", "data": missing, "progressive": 0,
			"itemStyle": map[string]any{"color": colourNoFigure, "borderColor": "#ffffff", "borderWidth": 1,
				"decal": map[string]any{"symbol": "rect", "color": "rgba(255,255,255,0.7)", "dashArrayX": []any{1, 0}, "dashArrayY": []any{2, 3}, "rotation": -0.785398}},
			"emphasis": emphasis,
		})
		// The legend names the no-figure series only: the visual map is
		// the key to the others.
		option["legend"] = []any{map[string]any{"show": true, "data": []any{NoFigureSeries}, "top": 56, "right": 24,
			"itemWidth": 14, "itemHeight": 14, "textStyle": map[string]any{"fontSize": 12}, "selectedMode": false}}
	} else {
		option["legend"] = []any{map[string]any{"show": false}}
	}
	option["series"] = series
	option["visualMap"] = []any{map[string]any{
		"type": "piecewise", "dimension": 2, "orient": "horizontal", "left": 8, "top": 56, "seriesIndex": 0,
		"itemWidth": 14, "itemHeight": 14, "textStyle": map[string]any{"fontSize": 12},
		"pieces": []any{
			map[string]any{"value": 0, "label": "Not a pressure point", "color": colourNotFlagged},
			map[string]any{"gt": 0, "lt": 0.35, "label": "Low severity", "color": colourLow},
			map[string]any{"gte": 0.35, "lt": 0.6, "label": "Medium", "color": colourMedium},
			map[string]any{"gte": 0.6, "label": "High", "color": colourHigh},
		},
		"itemSymbol": "rect",
	}}
	if xs, ok := option["xAxis"].([]any); ok && len(xs) > 0 {
		if x, ok := xs[0].(map[string]any); ok {
			x["axisLabel"] = map[string]any{"rotate": 45, "interval": 0, "fontSize": 11, "color": "#0b0c0c"}
			x["axisTick"] = map[string]any{"interval": 0}
			x["splitArea"] = map[string]any{"show": false}
		}
	}
	if ys, ok := option["yAxis"].([]any); ok && len(ys) > 0 {
		if y, ok := ys[0].(map[string]any); ok {
			y["axisLabel"] = map[string]any{"interval": 0, "fontSize": 11, "color": "#0b0c0c", "width": labelWidth(h.YLabels), "overflow": "none", "align": "right"}
			y["axisTick"] = map[string]any{"show": false}
		}
	}
	return option, nil
}

// MatrixPoint is one council on the resilience matrix. Stale marks a
// self-assessment over 12 months old, drawn as a hollow ring; Label shows
// the council's name beside its dot (the quadrant the LGA acts on).
type MatrixPoint struct {
	Name  string
	X, Y  float64
	Href  string
	Tip   string
	Stale bool
	Label bool
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
	// StaleKey is the key's words for a hollow ring ("" leaves the key
	// out, when no dot is hollow).
	StaleKey string
}

// The matrix's y axis runs half a point beyond the 1 to 4 scale each way:
// no council can sit in those bands, so the quadrants' labels go there,
// clear of every dot.
const (
	matrixYMin = 0.5
	matrixYMax = 4.5
	// matrixCallout is the room, in pixels, right of the plot for the
	// names of the councils to act on.
	matrixCallout = 180
)

// MatrixOption builds the echarts option for the resilience matrix: a
// scatter with one series per quadrant (toggled in the legend), the splits
// drawn as dashed lines, each quarter labelled in a band beyond the 1 to 4
// scale where no dot can be, tooltips naming every council, the names of
// the councils with Label beside their dots (moved or hidden by echarts
// rather than drawn over one another), stale assessments as hollow rings
// with a key, and points that link to the council's profile. Groups with
// no council are left out, so no series draws nothing.
func MatrixOption(m Matrix) (map[string]any, error) {
	var groups []MatrixGroup
	for _, g := range m.Groups {
		if len(g.Points) > 0 {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("matrix %q has no councils", m.Title)
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Renderer: "canvas"}),
		charts.WithTitleOpts(opts.Title{Title: m.Title, Subtitle: m.Subtitle}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "56", Left: "8"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Save as image", Type: "png"},
		}}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{Left: "40", Right: fmt.Sprint(matrixCallout), Top: "124", Bottom: "48", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: m.XName, NameLocation: "middle", NameGap: 30, Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: m.YName, NameLocation: "middle", NameGap: 32, Min: matrixYMin, Max: matrixYMax}),
	)
	for _, g := range groups {
		sc.AddSeries(g.Name, nil)
	}
	sc.Validate()
	option, err := generic(sc.JSON())
	if err != nil {
		return nil, err
	}
	var series []any
	for i, g := range groups {
		data := make([]any, 0, len(g.Points))
		for _, p := range g.Points {
			item := map[string]any{"value": []any{p.X, p.Y}, "name": p.Name}
			if p.Href != "" {
				item["href"] = p.Href
			}
			if p.Tip != "" {
				item["tip"] = p.Tip
			}
			if p.Stale {
				item["itemStyle"] = map[string]any{"color": "#ffffff", "borderColor": g.Colour, "borderWidth": 2.5}
			}
			if p.Label {
				item["label"] = map[string]any{"show": true}
				item["labelLine"] = map[string]any{"show": true}
			}
			data = append(data, item)
		}
		s := map[string]any{"name": g.Name, "type": "scatter", "data": data, "symbolSize": 11,
			"itemStyle": map[string]any{"color": g.Colour, "borderColor": "#0b0c0c", "borderWidth": 0.5, "opacity": 0.9},
			"label": map[string]any{"show": false, "formatter": "{b}", "position": "right", "distance": 8,
				"fontSize": 12, "lineHeight": 16, "color": "#0b0c0c", "width": matrixCallout - 16, "overflow": "break"},
			"labelLine": map[string]any{"show": false, "lineStyle": map[string]any{"color": "#505a5f"}},
			// Names go in a column right of the plot, each joined to its
			// dot by a line and moved up or down clear of the others, so
			// no name lies over a dot or another name; charts.js turns
			// "callout" into that layout, and without it echarts still
			// moves or hides overlapping names.
			"labelLayout": map[string]any{"hideOverlap": true, "moveOverlap": "shiftY", "callout": "right"},
			"emphasis":    map[string]any{"scale": 1.6, "focus": "self"},
		}
		if i == 0 {
			q := func(x0, y0, x1, y1 float64, label, position string, strong bool) []any {
				l := map[string]any{"position": position}
				if strong {
					l["fontWeight"] = "bold"
					l["color"] = "#0b0c0c"
				}
				return []any{
					map[string]any{"name": label, "xAxis": x0, "yAxis": y0, "label": l},
					map[string]any{"xAxis": x1, "yAxis": y1},
				}
			}
			s["markArea"] = map[string]any{"silent": true,
				"itemStyle": map[string]any{"color": "rgba(0,0,0,0)"},
				"label":     map[string]any{"show": true, "color": "#505a5f", "fontSize": 12, "distance": 6},
				"data": []any{
					q(0, m.YSplit, m.XSplit, matrixYMax, m.Quadrants[0], "insideTopLeft", false),
					q(m.XSplit, m.YSplit, 100, matrixYMax, m.Quadrants[1], "insideTopRight", false),
					q(0, matrixYMin, m.XSplit, m.YSplit, m.Quadrants[2], "insideBottomLeft", false),
					q(m.XSplit, matrixYMin, 100, m.YSplit, m.Quadrants[3], "insideBottomRight", true),
				}}
			s["markLine"] = map[string]any{"silent": true, "symbol": []string{"none", "none"},
				"label":     map[string]any{"show": false},
				"lineStyle": map[string]any{"color": "#505a5f", "type": "dashed", "width": 1},
				"data":      []any{map[string]any{"xAxis": m.XSplit}, map[string]any{"yAxis": m.YSplit}}}
		}
		series = append(series, s)
	}
	option["series"] = series
	// Drawn without the growing animation: echarts lays out the names as
	// the dots are first drawn, and dots growing from nothing give it
	// labels of no size to compare.
	option["animation"] = false
	// Ticks at 1 to 4 only (echarts finds them from the extent; a set
	// interval would count from 0.5): the half-point bands beyond hold the
	// quadrants' labels, not scores.
	if ys, ok := option["yAxis"].([]any); ok && len(ys) > 0 {
		if y, ok := ys[0].(map[string]any); ok {
			y["splitNumber"] = 4
			y["axisLabel"] = map[string]any{"showMinLabel": false, "showMaxLabel": false}
		}
	}
	if m.StaleKey != "" {
		option["graphic"] = []any{map[string]any{"type": "group", "left": 12, "top": 86, "children": []any{
			map[string]any{"type": "circle", "shape": map[string]any{"cx": 6, "cy": 7, "r": 5},
				"style": map[string]any{"fill": "#ffffff", "stroke": "#505a5f", "lineWidth": 2.5}},
			map[string]any{"type": "text", "x": 18, "y": 1, "style": map[string]any{"text": m.StaleKey, "fill": "#0b0c0c", "font": "12px arial, sans-serif"}},
		}}}
	}
	return option, nil
}

package charts

import (
	"fmt"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Panel is one small chart among Multiples: one indicator, on its own
// value axis, named by its unit. Values align with Multiples.Months; nil is
// a month with no figure.
type Panel struct {
	Title  string
	Unit   string
	Values []*float64
}

// Multiples is a grid of small charts sharing a time axis, one indicator
// each, so indicators of very different size never share a value axis
// (LG Inform's small multiples). One echarts instance draws them all.
type Multiples struct {
	Months []domain.Month
	Panels []Panel
	// Events are shaded on every panel, unnamed: the panels are too narrow
	// to name them, and the full-width chart above names them.
	Events []domain.TimelineEvent
}

// Small multiples' layout: MultiplesColumns panels a row, each
// MultiplesRowHeight pixels tall (title, unit, plot and year labels).
const (
	MultiplesColumns   = 3
	MultiplesRowHeight = 192
	multiplesTitleH    = 56
	multiplesFootH     = 24
	// multiplesWidth is the width in pixels a chart has on a 1280 px
	// screen, to wrap panel titles within their panel.
	multiplesWidth = 940
)

// multiplesColumns is how many panels go in a row: four make two rows of
// two rather than three and one.
func multiplesColumns(n int) int {
	if n == 4 || n <= 2 {
		return 2
	}
	return MultiplesColumns
}

// MultiplesHeight is the height in pixels of a chart of n panels.
func MultiplesHeight(n int) int {
	cols := multiplesColumns(n)
	rows := (n + cols - 1) / cols
	return max(rows, 1)*MultiplesRowHeight + 8
}

// MultiplesOption builds one echarts option with a grid, axes and series
// for each panel. Each value axis starts at zero unless that would press
// its line flat, and then says so in its name.
func MultiplesOption(m Multiples) (map[string]any, error) {
	if len(m.Months) == 0 {
		return nil, fmt.Errorf("small multiples have no months")
	}
	if len(m.Panels) == 0 {
		return nil, fmt.Errorf("small multiples have no panels")
	}
	x := make([]string, len(m.Months))
	index := make(map[string]int, len(m.Months))
	for i, mo := range m.Months {
		x[i] = mo.String()
		index[x[i]] = i
	}
	// Year labels every other year when a year is too narrow for one.
	step := 1
	if len(m.Months) > 6*12 && multiplesColumns(len(m.Panels)) > 2 {
		step = 2
	}
	cols := multiplesColumns(len(m.Panels))
	width := 100.0 / float64(cols)
	titleWidth := multiplesWidth/cols - 40
	var titles, grids, xAxes, yAxes, series []any
	for i, p := range m.Panels {
		col, row := i%cols, i/cols
		top := row * MultiplesRowHeight
		left := fmt.Sprintf("%.2f%%", float64(col)*width+1)
		var vals []float64
		for _, v := range p.Values {
			if v != nil {
				vals = append(vals, *v)
			}
		}
		fromZero := AxisFromZero(vals...)
		title := map[string]any{"text": p.Title, "left": left, "top": top + 4,
			"textStyle": map[string]any{"fontSize": 13, "fontWeight": "bold", "color": "#0b0c0c", "width": titleWidth, "overflow": "break", "lineHeight": 16}}
		if len(vals) == 0 {
			title["subtext"] = "No figures yet"
		}
		titles = append(titles, title)
		grids = append(grids, map[string]any{"left": left, "width": fmt.Sprintf("%.2f%%", width-4), "top": top + multiplesTitleH,
			"height": MultiplesRowHeight - multiplesTitleH - multiplesFootH, "containLabel": true})
		ax := timeAxis(x, i, step)
		ax["axisLabel"].(map[string]any)["fontSize"] = 11
		xAxes = append(xAxes, ax)
		yAxes = append(yAxes, map[string]any{"type": "value", "gridIndex": i, "scale": !fromZero, "splitNumber": 3,
			"name": AxisName(p.Unit, fromZero), "nameLocation": "end", "nameGap": 8,
			"nameTextStyle": map[string]any{"align": "left", "fontSize": 11, "color": "#505a5f"},
			"axisLabel":     map[string]any{"fontSize": 11}})
		if len(vals) == 0 {
			continue
		}
		data := make([]any, len(m.Months))
		for j := range data {
			data[j] = "-"
			if j < len(p.Values) && p.Values[j] != nil {
				data[j] = *p.Values[j]
			}
		}
		s := map[string]any{"type": "line", "name": p.Title, "xAxisIndex": i, "yAxisIndex": i, "data": data,
			"showSymbol": false, "connectNulls": false, "z": CouncilZ,
			"lineStyle": map[string]any{"width": 2, "color": PaletteColour(i)}, "itemStyle": map[string]any{"color": PaletteColour(i)}}
		series = append(series, s)
		opt := map[string]any{"series": []any{s}}
		addTimeline(opt, 0, m.Events, index, len(m.Months), false)
	}
	return map[string]any{
		"aria":    map[string]any{"enabled": true},
		"color":   Palette,
		"tooltip": map[string]any{"show": true, "trigger": "axis"},
		"title":   titles,
		"grid":    grids,
		"xAxis":   xAxes,
		"yAxis":   yAxes,
		"series":  series,
	}, nil
}

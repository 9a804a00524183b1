package charts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHeatmapNoFigureIsItsOwnSeries(t *testing.T) {
	sev, zero := 0.8, 0.0
	names := []string{"Bournemouth, Christchurch and Poole", "Camden", "Kingston upon Hull, City of"}
	opt, err := HeatmapOption(Heatmap{Title: "Pressure", XLabels: []string{"Referrals", "EHC plans"}, YLabels: names,
		Cells: []HeatCell{
			{X: 0, Y: 0, Value: &sev, Tip: "flagged"}, {X: 1, Y: 0, Value: &zero, Tip: "Not a pressure point"},
			{X: 0, Y: 1, Tip: "no figure"}, {X: 1, Y: 1, Value: &zero}, {X: 0, Y: 2, Value: &zero}, {X: 1, Y: 2, Value: &zero},
		}})
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Series []struct {
			Name      string                  `json:"name"`
			Data      []struct{ Value []any } `json:"data"`
			ItemStyle map[string]any          `json:"itemStyle"`
		} `json:"series"`
		Legend    []struct{ Data []string } `json:"legend"`
		VisualMap []struct {
			SeriesIndex int `json:"seriesIndex"`
			Pieces      []struct {
				Label string `json:"label"`
				Color string `json:"color"`
			} `json:"pieces"`
		} `json:"visualMap"`
		YAxis []struct {
			Data      []string       `json:"data"`
			AxisLabel map[string]any `json:"axisLabel"`
		} `json:"yAxis"`
		Grid []map[string]any `json:"grid"`
	}
	roundTrip(t, opt, &o)
	if len(o.Series) != 2 || o.Series[1].Name != NoFigureSeries || len(o.Series[1].Data) != 1 || len(o.Series[0].Data) != 5 {
		t.Fatalf("series: %+v", o.Series)
	}
	// The missing cell is Camden's referrals, in the no-figure series
	// only, grey and hatched; the visual map colours the first series
	// alone, so it never takes a severity colour.
	if v := o.Series[1].Data[0].Value; v[0] != 0.0 || v[1] != 1.0 {
		t.Errorf("no-figure cell at %v", v)
	}
	if o.Series[1].ItemStyle["color"] != colourNoFigure || o.Series[1].ItemStyle["decal"] == nil {
		t.Errorf("no-figure style %v", o.Series[1].ItemStyle)
	}
	if len(o.VisualMap) != 1 || o.VisualMap[0].SeriesIndex != 0 {
		t.Fatalf("visual map %+v", o.VisualMap)
	}
	colours := map[string]string{}
	for _, p := range o.VisualMap[0].Pieces {
		colours[p.Label] = p.Color
	}
	if colours["Not a pressure point"] == "" || colours["Not a pressure point"] == colourNoFigure || slices.Contains([]string{colours["Low severity"], colours["Medium"], colours["High"]}, colourNoFigure) {
		t.Errorf("colours %v against no figure %s", colours, colourNoFigure)
	}
	if len(o.Legend) != 1 || !slices.Equal(o.Legend[0].Data, []string{NoFigureSeries}) {
		t.Errorf("legend %+v", o.Legend)
	}
	// Every council is on the axis, in full, with room for the longest.
	if !slices.Equal(o.YAxis[0].Data, names) {
		t.Errorf("y axis %v", o.YAxis[0].Data)
	}
	if w, _ := o.YAxis[0].AxisLabel["width"].(float64); w < float64(utf8.RuneCountInString(names[0])*6) || o.YAxis[0].AxisLabel["interval"] != 0.0 {
		t.Errorf("y labels %v: too narrow for %q, or some skipped", o.YAxis[0].AxisLabel, names[0])
	}
	// The left margin holds the longest name at about 6 px a character
	// (Arial at 11 px averages nearer 5.5).
	if left, _ := strconv.Atoi(fmt.Sprint(o.Grid[0]["left"])); left < utf8.RuneCountInString(names[0])*6 {
		t.Errorf("grid %v leaves too little room for %q", o.Grid[0], names[0])
	}
	if HeatmapHeight(153) < 153*18 {
		t.Errorf("height %d for 153 councils", HeatmapHeight(153))
	}

	// With every figure present there is no empty no-figure series.
	opt, err = HeatmapOption(Heatmap{Title: "All there", XLabels: []string{"A"}, YLabels: []string{"B"}, Cells: []HeatCell{{Value: &zero}}})
	if err != nil {
		t.Fatal(err)
	}
	o.Series = nil
	roundTrip(t, opt, &o)
	if len(o.Series) != 1 {
		t.Errorf("%d series with no missing figure", len(o.Series))
	}
}

func TestShortLabels(t *testing.T) {
	for code, s := range shortLabels {
		if n := utf8.RuneCountInString(s); n > maxShortLabel {
			t.Errorf("%s: %q is %d characters", code, s, n)
		}
	}
	if got := ShortLabel("CSC_S47", "Section 47 enquiries started"); got != "Section 47 enquiries" {
		t.Errorf("kept label: %q", got)
	}
	got := ShortLabel("NEW_CODE", "Children missing education for more than four weeks")
	if utf8.RuneCountInString(got) > maxShortLabel || !strings.HasSuffix(got, "…") || strings.Contains(got, " …") {
		t.Errorf("cut label: %q", got)
	}
	if got := ShortLabel("X", "Short"); got != "Short" {
		t.Errorf("short label: %q", got)
	}
}

func TestMatrixLabelsStaleAndQuadrants(t *testing.T) {
	opt, err := MatrixOption(Matrix{Title: "Matrix", XSplit: 42.5, YSplit: 2.5, StaleKey: "Hollow ring: assessed over 12 months ago",
		Quadrants: [4]string{"LS", "HS", "LW", "HW: act here"},
		Groups: []MatrixGroup{
			{Name: "High pressure, weak conditions", Colour: "#d4351c", Points: []MatrixPoint{{Name: "Camden", X: 60, Y: 2, Label: true, Stale: true}}},
			{Name: "Empty quadrant", Colour: "#f47738"},
			{Name: "Low pressure, strong conditions", Colour: "#00703c", Points: []MatrixPoint{{Name: "Barnet", X: 20, Y: 3, Tip: "Barnet"}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(opt)
	s := string(b)
	var o struct {
		Series []struct {
			Name        string           `json:"name"`
			Data        []map[string]any `json:"data"`
			LabelLayout map[string]any   `json:"labelLayout"`
			MarkArea    struct {
				Data [][]map[string]any `json:"data"`
			} `json:"markArea"`
		} `json:"series"`
		YAxis []map[string]any `json:"yAxis"`
	}
	roundTrip(t, opt, &o)
	// The empty quadrant has no series (it would draw nothing).
	if len(o.Series) != 2 || o.Series[0].Name != "High pressure, weak conditions" || o.Series[1].Name != "Low pressure, strong conditions" {
		t.Fatalf("series %+v", o.Series)
	}
	camden := o.Series[0].Data[0]
	if camden["label"] == nil || camden["itemStyle"] == nil || o.Series[1].Data[0]["label"] != nil || o.Series[1].Data[0]["itemStyle"] != nil {
		t.Errorf("Camden %v labelled and hollow, Barnet %v neither", camden, o.Series[1].Data[0])
	}
	if o.Series[0].LabelLayout["hideOverlap"] != true || o.Series[0].LabelLayout["moveOverlap"] != "shiftY" {
		t.Errorf("label layout %v", o.Series[0].LabelLayout)
	}
	// The quadrants' labels sit in the bands beyond 1 to 4, where no
	// score can fall: the top two reach 4.5, the bottom two start at 0.5.
	ma := o.Series[0].MarkArea.Data
	if len(ma) != 4 || ma[0][1]["yAxis"] != 4.5 || ma[1][1]["yAxis"] != 4.5 || ma[2][0]["yAxis"] != 0.5 || ma[3][0]["yAxis"] != 0.5 {
		t.Errorf("quadrant areas %v", ma)
	}
	if o.YAxis[0]["min"] != 0.5 || o.YAxis[0]["max"] != 4.5 {
		t.Errorf("y axis %v", o.YAxis[0])
	}
	if !strings.Contains(s, "Hollow ring: assessed over 12 months ago") {
		t.Error("no key for hollow rings")
	}
	if _, err := MatrixOption(Matrix{Title: "Nobody", Groups: []MatrixGroup{{Name: "Empty"}}}); err == nil {
		t.Error("a matrix with no council built")
	}
}

func roundTrip(t *testing.T, opt map[string]any, into any) {
	t.Helper()
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}

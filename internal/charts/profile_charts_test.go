package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func f(v float64) *float64 { return &v }

// seriesOf reads an option's series back as JSON does in the browser.
func seriesOf(t *testing.T, opt map[string]any) []map[string]any {
	t.Helper()
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Series []map[string]any `json:"series"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back.Series
}

func comparisonTrend() Trend {
	return Trend{Title: "Referrals", Months: months(3), Lines: []Line{
		{Name: "Neighbours' middle half", Values: []*float64{f(30), nil, f(32)}, Kind: KindBandLower},
		{Name: "Neighbours' middle half", Values: []*float64{f(50), f(51), f(55)}, Kind: KindBandUpper},
		{Name: "Camden", Values: []*float64{f(40), f(41), f(42)}, Selected: true},
		{Name: "England", Values: []*float64{f(45), f(46), f(47)}, Colour: EnglandColour, Dashed: true},
		{Name: "DfE official figure", Values: []*float64{nil, nil, f(43)}, Kind: KindPoints},
	}}
}

// The band is filled only between its edges, translucently: its lower
// edge has no fill at all (once it was white and hid the official
// figures, gridlines and shading), and its upper edge is stacked on it as
// the difference.
func TestBandHasNoOpaqueFill(t *testing.T) {
	opt, err := TrendOption(comparisonTrend())
	if err != nil {
		t.Fatal(err)
	}
	series := seriesOf(t, opt)
	lower, upper := series[0], series[1]
	if _, ok := lower["areaStyle"]; ok {
		t.Errorf("band's lower edge has a fill: %v", lower["areaStyle"])
	}
	area, _ := upper["areaStyle"].(map[string]any)
	colour, _ := area["color"].(string)
	if !strings.HasPrefix(colour, "rgba(") || strings.HasSuffix(strings.ReplaceAll(colour, " ", ""), ",1)") {
		t.Errorf("band's fill %q is not translucent", colour)
	}
	if lower["stack"] == nil || lower["stack"] != upper["stack"] {
		t.Errorf("band edges not stacked together: %v, %v", lower["stack"], upper["stack"])
	}
	data, _ := upper["data"].([]any)
	first, _ := data[0].(map[string]any)
	if first["value"] != 20.0 {
		t.Errorf("upper edge stacked as %v; want the difference 20", first["value"])
	}
	if second, _ := data[1].(map[string]any); second["value"] != "-" {
		t.Errorf("a month without a lower edge has band height %v; want none", second["value"])
	}
	for _, s := range series {
		a, _ := s["areaStyle"].(map[string]any)
		if c, _ := a["color"].(string); strings.EqualFold(c, "#ffffff") || strings.EqualFold(c, "white") {
			t.Errorf("series %v is filled white", s["name"])
		}
	}
}

// DfE's official figures are outlined diamonds drawn above the band and
// every line; the selected council is the thickest line, above the rest.
func TestOfficialMarkersAboveBandAndCouncilStrongest(t *testing.T) {
	opt, err := TrendOption(comparisonTrend())
	if err != nil {
		t.Fatal(err)
	}
	series := seriesOf(t, opt)
	z := func(s map[string]any) float64 { v, _ := s["z"].(float64); return v }
	width := func(s map[string]any) float64 {
		ls, _ := s["lineStyle"].(map[string]any)
		w, _ := ls["width"].(float64)
		return w
	}
	official, council, england := series[4], series[2], series[3]
	if official["type"] != "scatter" || official["symbol"] != "diamond" {
		t.Errorf("official figures drawn as %v %v; want scatter diamonds", official["type"], official["symbol"])
	}
	for _, s := range series[:4] {
		if z(official) <= z(s) {
			t.Errorf("official figures at z %v, not above %v at z %v", z(official), s["name"], z(s))
		}
	}
	if is, _ := official["itemStyle"].(map[string]any); is["borderColor"] == nil {
		t.Error("official diamonds have no outline")
	}
	if width(council) <= width(england) || z(council) <= z(england) {
		t.Errorf("council width %v z %v; England width %v z %v: council should be strongest", width(council), z(council), width(england), z(england))
	}
	if ls, _ := council["lineStyle"].(map[string]any); ls["color"] != CouncilColour {
		t.Errorf("council drawn in %v; want %s", ls["color"], CouncilColour)
	}
}

// Time axes carry the flag charts.js turns into labels at each January.
func TestTimeAxesLabelledAtYearStart(t *testing.T) {
	long := domain.MonthsBetween(domain.Month{Year: 2019, Month: 4}, domain.Month{Year: 2022, Month: 3})
	v := make([]*float64, len(long))
	for i := range v {
		v[i] = f(float64(i))
	}
	trend, err := TrendOption(Trend{Title: "x", Months: long, Lines: []Line{{Name: "a", Values: v}}})
	if err != nil {
		t.Fatal(err)
	}
	multi, err := MultiplesOption(Multiples{Months: long, Panels: []Panel{{Title: "a", Unit: "%", Values: v}, {Title: "b", Unit: "%", Values: v}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, opt := range map[string]map[string]any{"trend": trend, "multiples": multi} {
		b, _ := json.Marshal(opt["xAxis"])
		var axes []struct {
			AxisLabel map[string]any `json:"axisLabel"`
			AxisTick  map[string]any `json:"axisTick"`
		}
		if err := json.Unmarshal(b, &axes); err != nil || len(axes) == 0 {
			t.Fatalf("%s: x axes %s: %v", name, b, err)
		}
		for _, a := range axes {
			if a.AxisLabel["yearStart"] != true || a.AxisTick["yearStart"] != true {
				t.Errorf("%s: x axis %v lacks the year-start flag", name, a)
			}
		}
	}
}

// Each small multiple holds exactly one indicator on its own axes, named
// by its unit; and an axis that does not start at zero says so.
func TestEachSmallMultipleHoldsOneIndicator(t *testing.T) {
	ms := months(4)
	panels := []Panel{
		{Title: "Children in need", Unit: "per 10,000 children", Values: []*float64{f(500), f(510), f(520), f(515)}},
		{Title: "Re-referrals", Unit: "per 10,000 children", Values: []*float64{f(2), f(12), f(5), nil}},
		{Title: "Attendance", Unit: "%", Values: []*float64{f(91), f(93), f(92), f(94)}},
		{Title: "Nothing yet", Unit: "%"},
	}
	opt, err := MultiplesOption(Multiples{Months: ms, Panels: panels,
		Events: []domain.TimelineEvent{{Start: "2020-02-01", End: "2020-03-31", Kind: "lockdown", Label: "First national lockdown"}}})
	if err != nil {
		t.Fatal(err)
	}
	series := seriesOf(t, opt)
	if len(series) != 3 {
		t.Fatalf("%d series; want one for each panel with figures (3)", len(series))
	}
	perAxis := map[float64]int{}
	for i, s := range series {
		if s["xAxisIndex"] != s["yAxisIndex"] {
			t.Errorf("series %d on x axis %v but y axis %v", i, s["xAxisIndex"], s["yAxisIndex"])
		}
		y, _ := s["yAxisIndex"].(float64)
		perAxis[y]++
		if s["name"] != panels[int(y)].Title {
			t.Errorf("panel %v draws %v", y, s["name"])
		}
	}
	for axis, n := range perAxis {
		if n != 1 {
			t.Errorf("y axis %v carries %d series; want 1", axis, n)
		}
	}
	ys, _ := opt["yAxis"].([]any)
	grids, _ := opt["grid"].([]any)
	titles, _ := opt["title"].([]any)
	if len(ys) != len(panels) || len(grids) != len(panels) || len(titles) != len(panels) {
		t.Fatalf("%d y axes, %d grids, %d titles; want %d each", len(ys), len(grids), len(titles), len(panels))
	}
	name := func(i int) string { return ys[i].(map[string]any)["name"].(string) }
	if name(0) != "per 10,000 children ("+NotFromZero+")" {
		t.Errorf("children in need (500 to 520) axis named %q; want it to say it does not start at 0", name(0))
	}
	if name(1) != "per 10,000 children" || ys[1].(map[string]any)["scale"] != false {
		t.Errorf("re-referrals (2 to 12) axis named %q, scale %v; want from zero", name(1), ys[1].(map[string]any)["scale"])
	}
	if !strings.Contains(name(2), NotFromZero) {
		t.Errorf("attendance axis named %q", name(2))
	}
	if series[0]["markArea"] == nil {
		t.Error("panels do not shade the lockdown")
	}
	if MultiplesHeight(len(panels)) != 2*MultiplesRowHeight+8 {
		t.Errorf("four panels are %d px tall; want two rows of two", MultiplesHeight(len(panels)))
	}
}

// Timeline shading is named on the full-width chart, lockdowns by number.
func TestTimelineNamedOnChart(t *testing.T) {
	events := []domain.TimelineEvent{
		{Start: "2020-03-01", End: "2020-04-30", Kind: "phase", Label: "Initial response"},
		{Start: "2020-03-23", End: "2020-05-31", Kind: "lockdown", Label: "First national lockdown"},
		{Start: "2020-11-05", End: "2020-12-02", Kind: "lockdown", Label: "Second national lockdown"},
	}
	if EventName(events, 2) != "Lockdown 2" || EventName(events, 0) != "Initial response" {
		t.Errorf("event names %q, %q", EventName(events, 2), EventName(events, 0))
	}
	ms := domain.MonthsBetween(domain.Month{Year: 2020, Month: 1}, domain.Month{Year: 2020, Month: 12})
	v := make([]*float64, len(ms))
	for i := range v {
		v[i] = f(10)
	}
	opt, err := TrendOption(Trend{Title: "x", Months: ms, Lines: []Line{{Name: "a", Values: v}}, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(opt)
	for _, want := range []string{`"formatter":"Lockdown 1"`, `"formatter":"Lockdown 2"`, `"formatter":"Initial response"`, LockdownShade, PhaseShade} {
		if !strings.Contains(string(b), want) {
			t.Errorf("option lacks %s", want)
		}
	}
}

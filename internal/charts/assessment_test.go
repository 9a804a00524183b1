package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRadarOption(t *testing.T) {
	three, two := 3.0, 2.0
	opt, err := RadarOption(Radar{Title: "T", Axes: []string{"A", "B", `</script><script>alert(1)</script>`},
		Profiles: []Profile{{Name: "Council", Values: []*float64{&three, nil, &two}}, {Name: "__f__alert(1)__f__", Values: []*float64{&two, &two, &two}, Dashed: true}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(opt)
	s := string(b)
	radar, ok := opt["radar"].(map[string]any)
	if !ok {
		t.Fatalf("radar component is %T", opt["radar"])
	}
	if radar["axisName"] == nil {
		t.Error("axis names are not styled")
	}
	ind, _ := radar["indicator"].([]any)
	if len(ind) != 3 || ind[0].(map[string]any)["max"].(float64) != 4 {
		t.Errorf("indicators = %v", radar["indicator"])
	}
	series := opt["series"].([]any)
	if len(series) != 2 {
		t.Fatalf("%d series", len(series))
	}
	first := series[0].(map[string]any)["data"].([]any)[0].(map[string]any)["value"].([]any)
	if first[0].(float64) != 3 || first[1].(float64) != 0 || first[2].(float64) != 2 {
		t.Errorf("first profile = %v", first)
	}
	// Hostile text stays data: the option is plain JSON, escaped by
	// html/template when the page writes it (SECURITY W4).
	if !strings.Contains(s, `__f__alert(1)__f__`) {
		t.Error("the series name was altered")
	}
	if _, err := RadarOption(Radar{Axes: []string{"A", "B"}}); err == nil {
		t.Error("a radar with two axes was built")
	}
}

func TestVersionsOption(t *testing.T) {
	v := 3.0
	opt, err := VersionsOption(Versions{Title: "T", Dates: []string{"2020-10-15", "2021-07-15"}, Lines: []Line{{Name: "Shared values", Values: []*float64{&v, nil}}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(opt)
	if !strings.Contains(string(b), `"-"`) {
		t.Error("a version with no rating is not a gap")
	}
	y := opt["yAxis"].([]any)[0].(map[string]any)
	if y["min"].(float64) != 1 || y["max"].(float64) != 4 {
		t.Errorf("y axis = %v", y)
	}
	if _, err := VersionsOption(Versions{}); err == nil {
		t.Error("a chart with no versions was built")
	}
}

// The radar's styles keep the two medians apart and the council's own
// strongest, and write the 1–4 scale with its names up the first axis.
func TestRadarStylesAndScale(t *testing.T) {
	three := 3.0
	vals := []*float64{&three, &three, &three}
	opt, err := RadarOption(Radar{Title: "T", Axes: []string{"A", "B", "C"}, Levels: []string{"Not in place", "Developing", "Established", "Strong"},
		Profiles: []Profile{{Name: "Camden", Values: vals, Style: RadarOwn}, {Name: "Neighbours", Values: vals, Style: RadarNeighbours}, {Name: "All", Values: vals, Style: RadarAll}}})
	if err != nil {
		t.Fatal(err)
	}
	series := opt["series"].([]any)
	style := func(i int) (map[string]any, map[string]any, map[string]any) {
		s := series[i].(map[string]any)
		return s, s["lineStyle"].(map[string]any), s["itemStyle"].(map[string]any)
	}
	own, ownLine, _ := style(0)
	nb, nbLine, _ := style(1)
	all, allLine, allItem := style(2)
	if nbLine["color"] == allLine["color"] || nbLine["type"] == allLine["type"] || nb["symbol"] == all["symbol"] || nbLine["color"] == ownLine["color"] {
		t.Errorf("medians not apart: %v %v", nb, all)
	}
	if ownLine["width"].(float64) <= nbLine["width"].(float64) || own["areaStyle"] == nil || allItem["color"] != "transparent" {
		t.Errorf("own %v not strongest, or all councils' symbols not hollow %v", own, allItem)
	}
	first := opt["radar"].(map[string]any)["indicator"].([]any)[0].(map[string]any)
	label := first["axisLabel"].(map[string]any)
	names := label["valueNames"].(map[string]string)
	if label["show"] != true || names["1"] != "1 Not in place" || names["4"] != "4 Strong" || names["0"] != "" {
		t.Errorf("scale labels %v", label)
	}
}

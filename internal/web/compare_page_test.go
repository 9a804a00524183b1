package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	ourcharts "github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// newCompareEnv has April 2024 referrals for every council that existed
// then, all different, with City of London's a count of 3 (withheld from
// other councils' staff), Camden's 1,234, and Camden's social worker
// vacancy rate 12.345%.
func newCompareEnv(t *testing.T) *testEnv {
	t.Helper()
	apr := domain.Month{Year: 2024, Month: 4}
	return newTestEnvWith(t, Config{}, func(ref *reference.Data, emit func(domain.Observation) error) error {
		for i, co := range ref.Councils {
			if !co.ExistedIn(apr) {
				continue
			}
			v := float64(100 + 7*i)
			switch co.Number {
			case 201:
				v = 3
			case 202:
				v = 1234
			}
			if err := emit(domain.Observation{Council: co.Number, Indicator: "CSC_REFERRALS", Month: "2024-04", Value: v}); err != nil {
				return err
			}
		}
		return emit(domain.Observation{Council: 202, Indicator: "WF_VACANCY", Month: "2024-04", Value: 12.345})
	})
}

// apiComparison reads /api/v1/compare: each council's name, whether it is
// the selected council or a neighbour, and whether it has a shown figure.
func apiComparison(t *testing.T, env *testEnv, c *http.Client, query string) (named []string, neighbours []string) {
	t.Helper()
	_, body, _ := env.get(c, "/api/v1/compare?"+query)
	var api struct {
		Councils []struct {
			Name      string `json:"name"`
			Shown     any    `json:"shown"`
			Neighbour bool   `json:"neighbour"`
		} `json:"councils"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	for _, r := range api.Councils {
		if _, ok := r.Shown.(float64); ok {
			named = append(named, r.Name)
		}
		if r.Neighbour {
			neighbours = append(neighbours, r.Name)
		}
	}
	return named, neighbours
}

// The ranking chart names every council with a shown figure on its
// category axis, in rank order, with room for the longest name; the
// selected council's bar and name are red, its neighbours' blue, the rest
// grey; and the England and London averages are named reference lines.
func TestRankingChartNamesEveryCouncil(t *testing.T) {
	env := newCompareEnv(t)
	dcs := env.signIn("dcs@rank.test", env.addUser("dcs@rank.test", domain.RoleDCS, 202))
	const q = "indicator=CSC_REFERRALS&month=2024-04&council=202"
	want, neighbours := apiComparison(t, env, dcs, q)
	if len(want) < 140 || len(neighbours) != 10 {
		t.Fatalf("API: %d councils with a figure, %d neighbours", len(want), len(neighbours))
	}
	if slices.Contains(want, "City of London") {
		t.Fatal("City of London's count of 3 is shown to another council's DCS")
	}
	_, page, _ := env.get(dcs, "/compare?"+q)
	opt := chartOption(t, page, "chart-ranking")
	axis := opt["yAxis"].([]any)[0].(map[string]any)
	if axis["type"] != "category" || axis["inverse"] != true {
		t.Fatalf("ranking chart's y-axis %v; want councils as categories, rank 1 at the top", axis["type"])
	}
	if label := axis["axisLabel"].(map[string]any); label["interval"] != float64(0) {
		t.Errorf("axis labels interval %v; want 0, every council named", label["interval"])
	}
	var names []string
	colourOf := map[string]any{}
	for _, item := range axis["data"].([]any) {
		switch v := item.(type) {
		case string:
			names = append(names, v)
		case map[string]any:
			names = append(names, v["value"].(string))
			colourOf[v["value"].(string)] = v["textStyle"].(map[string]any)["color"]
		}
	}
	if !slices.Equal(names, want) {
		t.Fatalf("ranking chart names %d councils; want the %d with a figure, in rank order:\n%q\n%q", len(names), len(want), names, want)
	}
	series := opt["series"].([]any)
	bars := series[0].(map[string]any)["data"].([]any)
	if len(bars) != len(names) {
		t.Fatalf("%d bars for %d names", len(bars), len(names))
	}
	for i, name := range names {
		bar := bars[i].(map[string]any)
		style, _ := bar["itemStyle"].(map[string]any)
		var got any
		if style != nil {
			got = style["color"]
		}
		switch {
		case name == "Camden":
			if got != rankSelected || colourOf[name] != rankSelected || bar["label"] == nil {
				t.Errorf("Camden's bar %v, name colour %v; want red and labelled", bar, colourOf[name])
			}
		case slices.Contains(neighbours, name):
			if got != rankNeighbour || colourOf[name] != rankNeighbour {
				t.Errorf("neighbour %s's bar %v, name colour %v; want blue", name, got, colourOf[name])
			}
		default:
			if got != nil || colourOf[name] != nil {
				t.Errorf("%s is coloured %v, %v; want the grey of every other council", name, got, colourOf[name])
			}
		}
	}
	var refs []string
	for _, s := range series[1:] {
		refs = append(refs, s.(map[string]any)["name"].(string))
	}
	if len(refs) != 2 || !strings.HasPrefix(refs[0], "England average: ") || !strings.HasPrefix(refs[1], "London average: ") {
		t.Errorf("reference lines %q; want England's and London's averages", refs)
	}
	longest := 0
	for _, n := range names {
		longest = max(longest, utf8.RuneCountInString(n))
	}
	grid := opt["grid"].([]any)[0].(map[string]any)
	if left := grid["left"].(float64); left < float64(7*longest) {
		t.Errorf("grid left %v leaves too little room for a name of %d characters", left, longest)
	}
	// Tall enough for every name to be read.
	height := regexp.MustCompile(`id="chart-ranking"[^>]*style="height: (\d+)px"`).FindStringSubmatch(page)
	if height == nil || parseNumber(t, "height", height[1]) < float64(14*len(names)) {
		t.Errorf("ranking chart height %q for %d councils", height, len(names))
	}
}

// The neighbours chart gives each of its eleven councils a colour of its
// own and no two the same colour and line style; the selected council is
// the thickest line, drawn on top.
func TestNeighboursChartHasNoRepeatedColour(t *testing.T) {
	env := newCompareEnv(t)
	lga := env.signIn("lga@nbc.test", env.addUser("lga@nbc.test", domain.RoleLGA, 0))
	_, page, _ := env.get(lga, "/compare?indicator=CSC_REFERRALS&month=2024-04&council=202")
	opt := chartOption(t, page, "chart-neighbours")
	series := opt["series"].([]any)
	if len(series) != 11 {
		t.Fatalf("%d lines; want Camden and its ten neighbours", len(series))
	}
	colours, styles := map[any]string{}, map[string]string{}
	for i, s := range series {
		sm := s.(map[string]any)
		ls := sm["lineStyle"].(map[string]any)
		name := sm["name"].(string)
		if other, dup := colours[ls["color"]]; dup {
			t.Errorf("%s and %s are both %v", other, name, ls["color"])
		}
		colours[ls["color"]] = name
		styles[fmt.Sprint(ls["color"], ls["type"])] = name
		if i == 0 {
			if name != "Camden" || ls["width"] != float64(4) || sm["z"] != float64(10) {
				t.Errorf("the selected council's line %s: %v, z %v; want Camden thickest and on top", name, ls, sm["z"])
			}
		} else if w, _ := ls["width"].(float64); w >= 4 {
			t.Errorf("neighbour %s is drawn as thick as the selected council", name)
		}
		if sm["emphasis"] == nil {
			t.Errorf("%s: hovering does not pick the line out", name)
		}
	}
	if len(styles) != 11 {
		t.Errorf("only %d distinct colour and line-style pairs among 11 lines", len(styles))
	}
	if len(ourcharts.Palette) < 10 {
		t.Errorf("charts.Palette has %d colours; ten neighbours need ten", len(ourcharts.Palette))
	}
}

// compareRows returns the compare table's rows as cell texts, with links
// and tags stripped.
func compareTableCells(t *testing.T, page string) [][]string {
	t.Helper()
	i := strings.Index(page, `id="compare-table"`)
	if i < 0 {
		t.Fatal("no compare table")
	}
	table := page[i:]
	table = table[:strings.Index(table, "</table>")]
	var out [][]string
	tag := regexp.MustCompile(`<[^>]+>`)
	for _, row := range regexp.MustCompile(`(?s)<tr class="govuk-table__row[^"]*"[^>]*>\s*<td(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
		var cells []string
		for _, c := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch("<td"+row[1], -1) {
			cells = append(cells, strings.TrimSpace(tag.ReplaceAllString(c[1], "")))
		}
		out = append(out, cells)
	}
	return out
}

// The compare table writes counts as whole numbers with thousands
// separated, rates to one decimal place and percentages to one decimal
// place with a per cent sign; the page's title, chart and caption read
// the month as "Apr 2024".
func TestCompareTableNumbersAndMonths(t *testing.T) {
	env := newCompareEnv(t)
	lga := env.signIn("lga@num.test", env.addUser("lga@num.test", domain.RoleLGA, 0))
	_, page, _ := env.get(lga, "/compare?indicator=CSC_REFERRALS&month=2024-04&council=202")
	rows := compareTableCells(t, page)
	camden := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 1 && strings.HasPrefix(r[1], "Camden") })
	if camden < 0 {
		t.Fatal("no Camden row")
	}
	if got := rows[camden][3]; got != "1,234" {
		t.Errorf("Camden's referrals %q; want 1,234", got)
	}
	if !regexp.MustCompile(`^\d+\.\d$`).MatchString(rows[camden][4]) {
		t.Errorf("Camden's rate %q; want one decimal place", rows[camden][4])
	}
	for _, r := range rows {
		if strings.HasSuffix(r[3], ".0") || strings.Contains(r[3], ".") {
			t.Errorf("a count written with decimals: %q", r)
		}
	}
	for _, want := range []string{"<title>Compare councils: Referrals to children&#39;s social care, Apr 2024 – Resilience</title>",
		"Referrals to children&#39;s social care, Apr 2024, every council</caption>", `<option value="2024-04" selected>Apr 2024</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	title := chartOption(t, page, "chart-ranking")["title"]
	if b, _ := json.Marshal(title); !strings.Contains(string(b), "Referrals to children's social care, Apr 2024") {
		t.Errorf("ranking chart title %s", b)
	}
	for _, h := range regexp.MustCompile(`(?s)<(h1|h2|h3|caption|title)[ >].*?</(h1|h2|h3|caption|title)>`).FindAllString(page, -1) {
		if strings.Contains(h, "2024-04") {
			t.Errorf("a heading shows the month as 2024-04: %s", h)
		}
	}

	_, page, _ = env.get(lga, "/compare?indicator=WF_VACANCY&month=2024-04&council=202")
	rows = compareTableCells(t, page)
	if len(rows) == 0 || !strings.HasPrefix(rows[0][1], "Camden") || rows[0][3] != "12.3%" {
		t.Errorf("vacancy rate row %q; want Camden at 12.3%%", rows[0])
	}
}

// Each column heading sorts the table, and says so through aria-sort;
// councils whose figure is withheld stay at the bottom either way, so
// sorting gives nothing of them away; the selected council's row is
// summarised above the table with a link to it.
func TestCompareTableSorts(t *testing.T) {
	env := newCompareEnv(t)
	dcs := env.signIn("dcs@sort.test", env.addUser("dcs@sort.test", domain.RoleDCS, 202))
	base := "/compare?indicator=CSC_REFERRALS&month=2024-04&council=202"
	_, page, _ := env.get(dcs, base)
	if !strings.Contains(page, `aria-sort="ascending"><a class="govuk-link govuk-link--no-visited-state app-sortable__link" href="/compare?council=202&amp;dir=desc&amp;indicator=CSC_REFERRALS&amp;month=2024-04&amp;sort=rank#compare-table">Rank`) {
		t.Error("the Rank heading is not marked ascending with a link to reverse it")
	}
	if !strings.Contains(page, `href="#selected-council">Jump to Camden's row in the table</a>`) || !strings.Contains(page, `id="selected-council"`) {
		t.Error("no link to Camden's row")
	}
	if strings.Contains(page, `<div class="app-table-wrap">
<table class="govuk-table app-table" id="compare-table">`) {
		t.Error("the table is still in a scroll box")
	}
	for _, tc := range []struct {
		query, first string
	}{
		{"&sort=value&dir=desc", "Camden"},
		{"&sort=council&dir=asc", "Barking and Dagenham"},
		{"&sort=council&dir=desc", "York"},
	} {
		_, page, _ := env.get(dcs, base+tc.query)
		rows := compareTableCells(t, page)
		if len(rows) < 140 || !strings.HasPrefix(rows[0][1], tc.first) {
			t.Errorf("%s: first row %q; want %s", tc.query, rows[0], tc.first)
		}
		if strings.Contains(tc.query, "sort=council") {
			continue // names are not withheld
		}
		if last := rows[len(rows)-1]; !strings.HasPrefix(last[1], "City of London") || last[3] != "c" {
			t.Errorf("%s: last row %q; want City of London's withheld figure", tc.query, last)
		}
	}
	_, page, _ = env.get(dcs, base+"&sort=value&dir=asc")
	if rows := compareTableCells(t, page); !strings.HasPrefix(rows[len(rows)-1][1], "City of London") {
		t.Errorf("ascending by value, the withheld figure is not last: %q", rows[len(rows)-1])
	}
	for _, bad := range []string{"&sort=colour", "&sort=value&dir=up"} {
		if status, _, _ := env.get(dcs, base+bad); status != http.StatusBadRequest {
			t.Errorf("%s: %d; want 400", bad, status)
		}
	}
}

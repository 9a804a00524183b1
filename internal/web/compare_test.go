package web

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/xuri/excelize/v2"
)

// The series API and the compare API give the same England and regional
// figures for the same month, and they follow the rule: sums of counts over
// sums of children. The test data has 40 referrals in each of Camden and
// Barking and Dagenham every month.
func TestSeriesAndCompareAPIsAgree(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("lga@cmp.test", domain.RoleLGA, 0)
	c := env.signIn("lga@cmp.test", pw)
	status, body, _ := env.get(c, "/api/v1/compare?indicator=CSC_REFERRALS&month=2024-04&council=202")
	if status != http.StatusOK {
		t.Fatalf("compare: %d %s", status, body)
	}
	var cmp struct {
		England struct {
			Value float64 `json:"value"`
			Total float64 `json:"total"`
		} `json:"england"`
		Councils []struct {
			Number int     `json:"la_number"`
			Rate   float64 `json:"rate_per_10000_children"`
			Rank   any     `json:"rank"`
		} `json:"councils"`
	}
	if err := json.Unmarshal([]byte(body), &cmp); err != nil {
		t.Fatal(err)
	}
	if cmp.England.Total != 80 {
		t.Fatalf("England total %v; want 40 + 40", cmp.England.Total)
	}
	// Two councils with equal counts: the one with more children has the
	// lower rate, and so rank 1 when higher is worse.
	if len(cmp.Councils) < 2 || cmp.Councils[0].Rank != float64(1) || cmp.Councils[0].Rate > cmp.Councils[1].Rate {
		t.Fatalf("ranking %+v", cmp.Councils[:2])
	}
	status, body, _ = env.get(c, "/api/v1/councils/202/series?indicator=CSC_REFERRALS")
	if status != http.StatusOK {
		t.Fatalf("series: %d", status)
	}
	var series struct {
		Comparators []struct {
			Month   string  `json:"month"`
			England float64 `json:"england"`
		} `json:"comparators"`
	}
	if err := json.Unmarshal([]byte(body), &series); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range series.Comparators {
		if p.Month == "2024-04" {
			found = true
			if math.Abs(p.England-cmp.England.Value) > 1e-3 {
				t.Errorf("England in April 2024: series API %v, compare API %v", p.England, cmp.England.Value)
			}
		}
	}
	if !found {
		t.Fatal("no April 2024 in the series comparators")
	}
}

// storeFigures stores observations as an accepted return.
func storeFigures(t testing.TB, env *testEnv, obs ...domain.Observation) {
	t.Helper()
	sub := &domain.Submission{SubmittedBy: "test", Source: "api", FileName: "extra.xlsx", SHA256: fmt.Sprint(len(obs), obs[0])}
	if err := env.db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
}

// readCSV parses a CSV download, which must start with UTF-8's
// byte-order mark.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(withoutBOM(t, body)))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return rows
}

// withoutBOM checks that a CSV download starts with the byte-order mark
// (EF BB BF) and returns it without.
func withoutBOM(t *testing.T, body string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, "\xef\xbb\xbf")
	if !ok {
		t.Errorf("CSV does not start with the UTF-8 byte-order mark: %.40q", body)
	}
	return rest
}

// readXLSX returns the first sheet of an Excel download as text.
func readXLSX(t *testing.T, body string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowWhere returns the first row whose column col is value.
func rowWhere(rows [][]string, col int, value string) []string {
	for _, r := range rows {
		if len(r) > col && r[col] == value {
			return r
		}
	}
	return nil
}

// columnOf returns the index of a header, or -1.
func columnOf(header []string, name string) int {
	return slices.Index(header, name)
}

// chartOption parses the JSON option of the chart with the given id.
func chartOption(t *testing.T, page, id string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(id) + `-option">(.*?)</script>`).FindStringSubmatch(page)
	if len(m) < 2 {
		t.Fatalf("no chart %s on the page", id)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(m[1]), &opt); err != nil {
		t.Fatalf("chart %s: %v", id, err)
	}
	return opt
}

// seriesPoint is one series' value at a month on a trend chart: a number,
// or "-" for a gap.
func seriesPoint(t *testing.T, opt map[string]any, series, month string) any {
	t.Helper()
	axes, _ := opt["xAxis"].([]any)
	if len(axes) == 0 {
		t.Fatal("chart has no x-axis")
	}
	months, _ := axes[0].(map[string]any)["data"].([]any)
	at := slices.Index(months, any(month))
	if at < 0 {
		t.Fatalf("chart has no month %s: %v", month, months)
	}
	all, _ := opt["series"].([]any)
	for _, s := range all {
		sm, _ := s.(map[string]any)
		if sm["name"] != series {
			continue
		}
		data, _ := sm["data"].([]any)
		if p, ok := data[at].(map[string]any); ok {
			return p["value"]
		}
		return data[at]
	}
	t.Fatalf("chart has no series %q", series)
	return nil
}

// tableRowCells returns the cells of the HTML table row headed by label
// in the table with the given caption text, or nil.
func tableRowCells(page, caption, label string) []string {
	i := strings.Index(page, caption)
	if i < 0 {
		return nil
	}
	table := page[i:]
	if j := strings.Index(table, "</table>"); j >= 0 {
		table = table[:j]
	}
	re := regexp.MustCompile(`(?s)<tr class="govuk-table__row[^"]*">\s*<th scope="row" class="govuk-table__header">` + regexp.QuoteMeta(label) + `</th>(.*?)</tr>`)
	m := re.FindStringSubmatch(table)
	if m == nil {
		return nil
	}
	var cells []string
	for _, c := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(m[1], -1) {
		cells = append(cells, strings.TrimSpace(c[1]))
	}
	return cells
}

// tileOf returns the HTML of one headline tile on a profile.
func tileOf(page, code string) string {
	i := strings.Index(page, `href="?indicator=`+code+`#comparison">`)
	if i < 0 {
		return ""
	}
	tile := page[i:]
	if j := strings.Index(tile, "</li>"); j >= 0 {
		tile = tile[:j]
	}
	return tile
}

func parseNumber(t *testing.T, what, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", what, s)
	}
	return v
}

// Fix for the audit: one council, indicator and month give the same number
// in /api/v1/compare, in the /compare page's table and in /compare.csv
// (and the xlsx), to the precision each shows.
func TestCompareAPIPageAndDownloadsAgree(t *testing.T) {
	env := newTestEnv(t, Config{})
	storeFigures(t, env, domain.Observation{Council: 202, Indicator: "CSC_CLA", Month: "2024-03", Value: 123.456})
	pw := env.addUser("lga@agree.test", domain.RoleLGA, 0)
	c := env.signIn("lga@agree.test", pw)
	const q = "indicator=CSC_CLA&month=2024-03&council=202"
	_, body, _ := env.get(c, "/api/v1/compare?"+q)
	var api struct {
		Councils []struct {
			Number int     `json:"la_number"`
			Value  float64 `json:"value"`
			Rate   float64 `json:"rate_per_10000_children"`
			Rank   int     `json:"rank"`
			Band   string  `json:"band"`
		} `json:"councils"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(api.Councils, func(r struct {
		Number int     `json:"la_number"`
		Value  float64 `json:"value"`
		Rate   float64 `json:"rate_per_10000_children"`
		Rank   int     `json:"rank"`
		Band   string  `json:"band"`
	}) bool {
		return r.Number == 202
	})
	if i < 0 {
		t.Fatalf("no Camden in the API: %s", body)
	}
	want := api.Councils[i]
	if want.Value != 123.456 || want.Rate == 0 {
		t.Fatalf("API: Camden %+v", want)
	}

	_, page, _ := env.get(c, "/compare?"+q)
	row := regexp.MustCompile(`(?s)<tr class="govuk-table__row app-row--selected" id="selected-council">(.*?)</tr>`).FindStringSubmatch(page)
	if row == nil {
		t.Fatal("no selected row in the compare table")
	}
	var cells []string
	for _, m := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(row[1], -1) {
		cells = append(cells, strings.TrimSpace(m[1]))
	}
	if len(cells) != 6 || !strings.Contains(cells[1], ">Camden</a>") {
		t.Fatalf("compare table row %q", cells)
	}
	// A count is written as a whole number; the rate to one decimal place.
	if cells[0] != strconv.Itoa(want.Rank) || cells[3] != strconv.FormatFloat(want.Value, 'f', 0, 64) ||
		cells[4] != strconv.FormatFloat(want.Rate, 'f', 1, 64) || cells[5] != want.Band {
		t.Errorf("page row %q; API rank %d value %v rate %v band %s", cells, want.Rank, want.Value, want.Rate, want.Band)
	}

	_, csvBody, _ := env.get(c, "/compare.csv?"+q)
	_, xlsxBody, _ := env.get(c, "/compare.xlsx?"+q)
	for name, rows := range map[string][][]string{"CSV": readCSV(t, csvBody), "xlsx": readXLSX(t, xlsxBody)} {
		r := rowWhere(rows, 0, "202")
		if r == nil {
			t.Fatalf("%s: no Camden row", name)
		}
		if v := parseNumber(t, name+" value", r[5]); math.Abs(v-want.Value) > 0.005 {
			t.Errorf("%s value %v; API %v", name, v, want.Value)
		}
		if v := parseNumber(t, name+" rate", r[6]); math.Abs(v-want.Rate) > 0.005 {
			t.Errorf("%s rate %v; API %v", name, v, want.Rate)
		}
		if r[7] != strconv.Itoa(want.Rank) || r[8] != want.Band {
			t.Errorf("%s rank %s band %s; API %d %s", name, r[7], r[8], want.Rank, want.Band)
		}
	}
}

// The comparison chart on the profile and the compare page's neighbours
// chart say which months have no figure for the council, leave them blank
// in the chart data (never zero), and mark them in the tables.
func TestComparisonChartsSayWhichMonthsAreMissing(t *testing.T) {
	env := newTestEnv(t, Config{})
	// Camden skips May 2024 for referrals.
	storeFigures(t, env, domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2024-06", Value: 40},
		domain.Observation{Council: 301, Indicator: "CSC_REFERRALS", Month: "2024-05", Value: 40},
		domain.Observation{Council: 301, Indicator: "CSC_REFERRALS", Month: "2024-06", Value: 40})
	pw := env.addUser("lga@gaps.test", domain.RoleLGA, 0)
	c := env.signIn("lga@gaps.test", pw)
	const warning = "These months are left blank, not plotted as zero."

	_, page, _ := env.get(c, "/councils/202?indicator=CSC_REFERRALS")
	section := page[strings.Index(page, `id="comparison"`):]
	section = section[:strings.Index(section, "</section>")]
	if !strings.Contains(section, "No figures for Camden in May 2024. "+warning) {
		t.Errorf("profile comparison: no warning naming May 2024:\n%s", section)
	}
	if v := seriesPoint(t, chartOption(t, page, "chart-comparison"), "Camden", "2024-05"); v != "-" {
		t.Errorf("profile comparison chart plots May 2024 as %v; want a gap", v)
	}
	if v := seriesPoint(t, chartOption(t, page, "chart-comparison"), "Camden", "2024-06"); v == "-" {
		t.Error("profile comparison chart lost June 2024")
	}
	if cells := tableRowCells(section, "and comparators", "May 2024"); len(cells) == 0 || cells[0] != "" {
		t.Errorf("profile comparison table, May 2024: %q", cells)
	}
	// Barking and Dagenham has every month: no warning.
	_, page, _ = env.get(c, "/councils/301?indicator=CSC_REFERRALS")
	if section := page[strings.Index(page, `id="comparison"`):]; strings.Contains(section[:strings.Index(section, "</section>")], warning) {
		t.Error("profile comparison warns about a council with every month")
	}

	_, page, _ = env.get(c, "/compare?indicator=CSC_REFERRALS&month=2024-06&council=202")
	if !strings.Contains(page, "No figures for Camden in May 2024; ") || !strings.Contains(page, " in any of these months. "+warning) {
		t.Errorf("compare page: no warning naming Camden's May 2024 and the neighbours without figures")
	}
	opt := chartOption(t, page, "chart-neighbours")
	if v := seriesPoint(t, opt, "Camden", "2024-05"); v != "-" {
		t.Errorf("neighbours chart plots May 2024 as %v; want a gap", v)
	}
	if v := seriesPoint(t, opt, "Islington", "2024-06"); v != "-" {
		t.Errorf("neighbours chart plots Islington (no figures) as %v", v)
	}
	if cells := tableRowCells(page, "by month</caption>", "May 2024"); len(cells) == 0 || cells[0] != "no figure" {
		t.Errorf("neighbours table, May 2024: %q", cells)
	}
}

// Where a month's rate uses the latest ONS estimate carried forward (the
// reference data runs to mid-2024, so April 2025 onwards), the tiles, the
// profile's comparison chart, the compare page, its API and the
// neighbours chart say so.
func TestCarriedForwardPopulationIsSaid(t *testing.T) {
	env := newTestEnv(t, Config{})
	storeFigures(t, env, domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2025-04", Value: 40},
		domain.Observation{Council: 301, Indicator: "CSC_REFERRALS", Month: "2025-04", Value: 40})
	pw := env.addUser("lga@carried.test", domain.RoleLGA, 0)
	c := env.signIn("lga@carried.test", pw)
	_, page, _ := env.get(c, "/councils/202?indicator=CSC_REFERRALS")
	// The tiles say it once, under their heading, in full; no tile
	// repeats it.
	const caveat = "Rates per 10,000 children use the ONS mid-2024 population estimate, carried forward because it is the latest published: the mid-2025 estimate is not out yet."
	if strings.Count(page, caveat) != 1 || strings.Count(page, "population estimate, carried forward") != 1 {
		t.Errorf("the tiles' population caveat is not said once in full (%d times)", strings.Count(page, "population estimate, carried forward"))
	}
	if tile := tileOf(page, "CSC_REFERRALS"); !strings.Contains(tile, "Apr 2025") || strings.Contains(tile, "carried forward") {
		t.Errorf("referrals tile repeats the caveat or lacks its month:\n%s", tile)
	}
	if tile := tileOf(page, "CSC_CLA"); strings.Contains(tile, "carried forward") {
		t.Errorf("a tile for April 2024 (mid-2024 published) says carried forward:\n%s", tile)
	}
	if !strings.Contains(page, "From Apr 2025 that estimate is not published yet, so the latest (mid-2024) is carried forward.") {
		t.Error("profile comparison note does not say the population is carried forward")
	}
	_, page, _ = env.get(c, "/councils/202?indicator=CSC_REFERRALS&to=2024-04")
	if section := page[strings.Index(page, `id="comparison"`):]; strings.Contains(section[:strings.Index(section, "</section>")], "carried forward") {
		t.Error("profile comparison to April 2024 says carried forward")
	}

	const carried = "The mid-2025 estimate for Apr 2025 is not published yet, so the latest published (mid-2024) is carried forward."
	_, page, _ = env.get(c, "/compare?indicator=CSC_REFERRALS&month=2025-04&council=202")
	if !strings.Contains(page, carried) {
		t.Error("compare page does not say the population is carried forward")
	}
	if !strings.Contains(page, "From Apr 2025 that estimate is not published yet, so the latest (mid-2024) is carried forward.") {
		t.Error("neighbours chart note does not say the population is carried forward")
	}
	_, body, _ := env.get(c, "/api/v1/compare?indicator=CSC_REFERRALS&month=2025-04")
	var api struct {
		PopulationNote string `json:"population_note"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil || api.PopulationNote != carried {
		t.Errorf("compare API population_note %q (%v)", api.PopulationNote, err)
	}
	_, page, _ = env.get(c, "/compare?indicator=CSC_REFERRALS&month=2024-04&council=202")
	if strings.Contains(page, "carried forward") {
		t.Error("compare page for April 2024 (mid-2024 published) says carried forward")
	}
}

// The compare page's neighbours table downloads as CSV and xlsx with
// exactly its figures (each council's value by month, newest first), the
// page links to both, and formula-like text is neutralised (U10).
func TestCompareNeighboursDownloads(t *testing.T) {
	env := newTestEnv(t, Config{})
	// A council name a spreadsheet would run as a formula.
	raw, err := sql.Open("sqlite", env.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE councils SET name = '=HYPERLINK("http://evil","x")' WHERE la_number = 206`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	storeFigures(t, env, domain.Observation{Council: 206, Indicator: "CSC_REFERRALS", Month: "2024-03", Value: 17},
		domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2024-02", Value: 41.5})
	pw := env.addUser("lga@nbdl.test", domain.RoleLGA, 0)
	c := env.signIn("lga@nbdl.test", pw)
	const q = "indicator=CSC_REFERRALS&month=2024-04&council=202"
	_, page, _ := env.get(c, "/compare?"+q)
	for _, href := range []string{`href="/compare/neighbours/data.csv?indicator=CSC_REFERRALS&amp;month=2024-04&amp;council=202"`,
		`href="/compare/neighbours/data.xlsx?indicator=CSC_REFERRALS&amp;month=2024-04&amp;council=202"`,
		`href="/compare.csv?indicator=CSC_REFERRALS&amp;month=2024-04&amp;council=202"`} {
		if !strings.Contains(page, href) {
			t.Errorf("compare page lacks the link %s", href)
		}
	}
	caption := "by month</caption>"
	names := regexp.MustCompile(`(?s)<th scope="col" class="govuk-table__header govuk-table__header--numeric">(.*?)</th>`).
		FindAllStringSubmatch(page[strings.Index(page, caption):], 11)
	if len(names) != 11 {
		t.Fatalf("neighbours table has %d columns", len(names))
	}
	status, csvBody, h := env.get(c, "/compare/neighbours/data.csv?"+q)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", status, h.Get("Content-Type"))
	}
	_, xlsxBody, _ := env.get(c, "/compare/neighbours/data.xlsx?"+q)
	xrows := readXLSX(t, xlsxBody)
	if len(xrows) < 4 {
		t.Fatalf("xlsx has %d rows", len(xrows))
	}
	for name, rows := range map[string][][]string{"CSV": readCSV(t, csvBody), "xlsx": xrows[3:]} {
		header := rows[0]
		if len(header) != 3+11 || header[3] != "Camden" {
			t.Fatalf("%s header %q", name, header)
		}
		if name == "CSV" && header[4] != `'=HYPERLINK("http://evil","x")` {
			t.Errorf("CSV header cell %q is not neutralised", header[4])
		}
		if len(rows) != 1+4 {
			t.Fatalf("%s: %d rows; want a header and January to April 2024", name, len(rows))
		}
		for i, m := range []string{"2024-04", "2024-03", "2024-02", "2024-01"} {
			r := rows[1+i]
			if r[0] != m || r[1] != "CSC_REFERRALS" || r[2] != "per 10,000 children" {
				t.Errorf("%s row %d: %q", name, i, r[:3])
			}
			month, _ := domain.ParseMonth(m)
			cells := tableRowCells(page, caption, month.Label())
			if len(cells) != 11 {
				t.Fatalf("page row %s: %q", m, cells)
			}
			for j, cell := range cells {
				got := ""
				if 3+j < len(r) {
					got = r[3+j]
				}
				if cell == "no figure" {
					if got != "" {
						t.Errorf("%s %s col %d = %q; the page has no figure", name, m, j, got)
					}
					continue
				}
				if v := parseNumber(t, name, got); strconv.FormatFloat(v, 'f', 1, 64) != cell {
					t.Errorf("%s %s col %d = %q; the page shows %s", name, m, j, got, cell)
				}
				if pt := seriesPoint(t, chartOption(t, page, "chart-neighbours"), html.UnescapeString(names[j][1]), m); pt != parseNumber(t, name, got) {
					t.Errorf("%s %s col %d = %q; the chart has %v", name, m, j, got, pt)
				}
			}
		}
		if rows[1+1][4] == "" || rows[1+2][3] == "" {
			t.Errorf("%s lost the test figures: %q", name, rows)
		}
	}
	if status, _, _ := env.get(c, "/compare/neighbours/data.csv?indicator=CSC_REFERRALS&month=2024-04"); status != http.StatusBadRequest {
		t.Errorf("download without a council: %d; want 400", status)
	}
	if status, _, _ := env.get(c, "/compare/neighbours/other.csv?"+q); status != http.StatusNotFound {
		t.Errorf("unknown file: %d; want 404", status)
	}
}

// The baseline years come from the configuration (analytics' 2017 to 2019
// by default), and the tiles name the years they used.
func TestTilesUseConfiguredBaselineYears(t *testing.T) {
	def := newTestEnv(t, Config{})
	if dd, err := def.srv.dataset(context.Background()); err != nil || !slices.Equal(dd.Config().BaselineYears, analytics.DefaultBaselineYears) {
		t.Fatalf("default baseline years %v, %v; want %v", dd.Config().BaselineYears, err, analytics.DefaultBaselineYears)
	}
	pw := def.addUser("lga@base.test", domain.RoleLGA, 0)
	_, page, _ := def.get(def.signIn("lga@base.test", pw), "/councils/202")
	if !strings.Contains(page, "that month's average over 2017–19") {
		t.Error("the profile does not name the default baseline years")
	}

	env := newTestEnv(t, withSettings(func(c *config.Config) { c.BaselineYears = []int{2023} }))
	storeFigures(t, env, domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2023-04", Value: 20})
	d, err := env.srv.dataset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	find := func(areas []dashboard.TileArea, code string) dashboard.Tile {
		for _, a := range areas {
			for _, tl := range a.Tiles {
				if tl.Code == code {
					return tl
				}
			}
		}
		t.Fatalf("no tile %s", code)
		return dashboard.Tile{}
	}
	configured := d.Tiles(202, dashboard.Viewer{})
	got := find(configured, "CSC_REFERRALS")
	pops := d.Pops[202]
	rel := (40/float64(pops[2024]))/(20/float64(pops[2023])) - 1
	if configured[0].BaselineYears != "2023" || got.BaselineYears != "2023" || !got.Baseline.OK || got.Baseline.Text != fmt.Sprintf("%+.0f%%", rel*100) {
		t.Errorf("with 2023 as the baseline: %q %+v; want %+.0f%%", got.BaselineYears, got.Baseline, rel*100)
	}
	if got.YearAgo.Text != got.Baseline.Text {
		t.Errorf("a year ago %q; the same month as the baseline, %q", got.YearAgo.Text, got.Baseline.Text)
	}
	withDefaults, err := dashboard.New(env.db, dashboard.Config{}).Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byDefault := find(withDefaults.Tiles(202, dashboard.Viewer{}), "CSC_REFERRALS")
	if byDefault.BaselineYears != "2017–19" || byDefault.Baseline.OK {
		t.Errorf("with the default years (no figures for 2017 to 2019): %q %+v", byDefault.BaselineYears, byDefault.Baseline)
	}
}

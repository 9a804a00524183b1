package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY D1: another council's counts of 1 to 5 show as "c" to council
// staff (DCSs and uploaders), with rates, ranks and changes built on them
// suppressed and regional and England totals rounded to the nearest 10;
// the council itself, LGA officers and administrators see the figures.
// Checked on the raw responses for each role: the compare API, page and
// downloads, the series API, the profile's tiles, comparison chart data and
// downloads, the area CSV and the neighbours chart and its downloads.
func TestSmallNumbersSuppressedByRole(t *testing.T) {
	env := newTestEnv(t, Config{})
	ctx := context.Background()
	// City of London (201) has 3 children on a plan in April 2024, and 4
	// children returned to school from home education in April 2023
	// against 17 in April 2024: "+325% vs a year ago" would give the 4
	// back.
	sub := &domain.Submission{SubmittedBy: "test", Source: "api", FileName: "city.xlsx", SHA256: "x"}
	obs := []domain.Observation{{Council: 201, Indicator: "CSC_CPP", Month: "2024-04", Value: 3}, {Council: 201, Indicator: "CSC_CIN", Month: "2024-04", Value: 4},
		{Council: 201, Indicator: "EHE_RETURNED", Month: "2023-04", Value: 4}, {Council: 201, Indicator: "EHE_RETURNED", Month: "2024-04", Value: 17}}
	if err := env.db.StoreSubmission(ctx, sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	type role struct {
		role    domain.Role
		council int
		hidden  bool // City of London's small counts are suppressed
		rounded bool // regional and England totals are rounded
	}
	roles := map[string]role{
		"dcs-202":      {domain.RoleDCS, 202, true, true},
		"uploader-202": {domain.RoleUploader, 202, true, true},
		"dcs-201":      {domain.RoleDCS, 201, false, true},
		"uploader-201": {domain.RoleUploader, 201, false, true},
		"lga":          {domain.RoleLGA, 0, false, false},
		"admin":        {domain.RoleAdmin, 0, false, false},
	}
	clients := map[string]*http.Client{}
	for name, u := range roles {
		pw := env.addUser(name+"@d1.test", u.role, u.council)
		clients[name] = env.signIn(name+"@d1.test", pw)
	}
	const q = "indicator=CSC_CPP&month=2024-04"
	type cmpJSON struct {
		England struct {
			Value json.RawMessage `json:"value"`
			Total json.RawMessage `json:"total"`
		} `json:"england"`
		Regions []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
			Total json.RawMessage `json:"total"`
		} `json:"regions"`
		Councils []struct {
			Number int             `json:"la_number"`
			Value  json.RawMessage `json:"value"`
			Rate   json.RawMessage `json:"rate_per_10000_children"`
			Rank   json.RawMessage `json:"rank"`
		} `json:"councils"`
	}
	englandValue := map[bool]float64{}
	for name, r := range roles {
		t.Run(name, func(t *testing.T) {
			c := clients[name]
			// Barking and Dagenham (301) and Camden (202), with 40 each, are
			// in London too.
			wantValue, wantEngland, wantLondon := `3`, `83`, `83`
			if r.hidden {
				wantValue = `"c"`
			}
			if r.rounded {
				wantEngland, wantLondon = `80`, `80`
			}

			// The compare API.
			status, body, _ := env.get(c, "/api/v1/compare?"+q)
			if status != http.StatusOK {
				t.Fatalf("compare API: %d", status)
			}
			var got cmpJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			for _, co := range got.Councils {
				if co.Number != 201 {
					continue
				}
				if string(co.Value) != wantValue {
					t.Errorf("compare API: City of London's value %s; want %s", co.Value, wantValue)
				}
				if r.hidden && (string(co.Rate) != `"c"` || string(co.Rank) != `"c"`) {
					t.Errorf("compare API: rate %s and rank %s must be suppressed too", co.Rate, co.Rank)
				}
			}
			if string(got.England.Total) != wantEngland {
				t.Errorf("compare API: England total %s; want %s", got.England.Total, wantEngland)
			}
			var england float64
			_ = json.Unmarshal(got.England.Value, &england)
			englandValue[r.rounded] = england
			london := ""
			for _, reg := range got.Regions {
				if reg.Name == "London" {
					london = string(reg.Total)
					var v float64
					_ = json.Unmarshal(reg.Value, &v)
					londonRate := fmt.Sprintf("%.2f", v)
					// The profile's comparison data shows the same regional figure.
					_, cmpCSV, _ := env.get(c, "/councils/201/comparison/data.csv?indicator=CSC_CPP")
					rows := readCSV(t, cmpCSV)
					if row := rowWhere(rows, 0, "2024-04"); row == nil || row[columnOf(rows[0], "London")] != londonRate ||
						row[columnOf(rows[0], "England")] != fmt.Sprintf("%.2f", england) {
						t.Errorf("comparison CSV April 2024 %q; want London %s and England %.2f as the compare API", row, londonRate, england)
					}
				}
			}
			if london != wantLondon {
				t.Errorf("compare API: London total %s; want %s", london, wantLondon)
			}

			// The compare downloads.
			_, csvBody, _ := env.get(c, "/compare.csv?"+q)
			row := regexp.MustCompile(`(?m)^201,City of London,[^\n]*$`).FindString(csvBody)
			if suppressed := strings.Contains(row, ",c,c,c,c,"); suppressed != r.hidden {
				t.Errorf("compare CSV row %q", row)
			}
			_, xlsxBody, _ := env.get(c, "/compare.xlsx?"+q)
			xrows := readXLSX(t, xlsxBody)
			for what, rows := range map[string][][]string{"compare CSV": readCSV(t, csvBody), "compare xlsx": xrows} {
				city, eng, lon := rowWhere(rows, 0, "201"), rowWhere(rows, 1, "England"), rowWhere(rows, 1, "London")
				if city == nil || eng == nil || lon == nil {
					t.Fatalf("%s lacks City of London, England or London", what)
				}
				if r.hidden && (city[5] != "c" || city[6] != "c" || city[7] != "c" || city[8] != "c") {
					t.Errorf("%s City of London %q; want c for value, rate, rank and band", what, city)
				}
				if !r.hidden && parseNumber(t, what, city[5]) != 3 {
					t.Errorf("%s City of London %q; want the value 3", what, city)
				}
				if eng[5] != wantEngland || lon[5] != wantLondon {
					t.Errorf("%s totals: England %s, London %s; want %s and %s", what, eng[5], lon[5], wantEngland, wantLondon)
				}
			}

			// The series API and the area download.
			_, series, _ := env.get(c, "/api/v1/councils/201/series?indicator=CSC_CPP")
			if hidden := strings.Contains(series, `"value":"c"`) && strings.Contains(series, `"rate_per_10000_children":"c"`); hidden != r.hidden {
				t.Errorf("series API suppression = %v: %s", hidden, series)
			}
			_, areaCSV, _ := env.get(c, "/councils/201/areas/social_care.csv")
			cpp := regexp.MustCompile(`(?m)^201,City of London,2024-04,CSC_CPP,[^\n]*$`).FindString(areaCSV)
			if hidden := strings.Contains(cpp, ",c,c,"); hidden != r.hidden {
				t.Errorf("area CSV row %q", cpp)
			}

			// The compare page: ranking chart, table, and the neighbours
			// chart, table and downloads with City of London selected.
			_, page, _ := env.get(c, "/compare?"+q+"&council=202")
			chart := regexp.MustCompile(`(?s)id="chart-ranking-option">(.*?)</script>`).FindStringSubmatch(page)
			if len(chart) < 2 {
				t.Fatal("no ranking chart")
			}
			if inChart := strings.Contains(chart[1], "City of London"); inChart == r.hidden {
				t.Errorf("City of London in the ranking chart data = %v", inChart)
			}
			cityRow := regexp.MustCompile(`(?s)<tr class="govuk-table__row">\s*<td[^>]*>([^<]*)</td>\s*<td class="govuk-table__cell"><a class="govuk-link" href="/councils/201">City of London</a></td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>`).FindStringSubmatch(page)
			if cityRow == nil {
				t.Fatal("no City of London row in the compare table")
			}
			if hidden := cityRow[1] == "c" && cityRow[2] == "c" && cityRow[3] == "c" && cityRow[4] == "c"; hidden != r.hidden {
				t.Errorf("compare table City of London rank, value, rate, band = %q", cityRow[1:])
			}
			if !r.hidden && cityRow[2] != "3" {
				t.Errorf("compare table City of London value %q; want 3, a count written as a whole number", cityRow[2])
			}
			_, page, _ = env.get(c, "/compare?"+q+"&council=201")
			point := seriesPoint(t, chartOption(t, page, "chart-neighbours"), "City of London", "2024-04")
			if (point == "-") != r.hidden {
				t.Errorf("neighbours chart, City of London in April 2024: %v", point)
			}
			if cells := tableRowCells(page, "by month</caption>", "Apr 2024"); len(cells) == 0 || (cells[0] == "c") != r.hidden {
				t.Errorf("neighbours table, April 2024: %q", cells)
			}
			_, nbCSV, _ := env.get(c, "/compare/neighbours/data.csv?"+q+"&council=201")
			_, nbXLSX, _ := env.get(c, "/compare/neighbours/data.xlsx?"+q+"&council=201")
			nbx := readXLSX(t, nbXLSX)
			for what, rows := range map[string][][]string{"neighbours CSV": readCSV(t, nbCSV), "neighbours xlsx": nbx[min(3, len(nbx)):]} {
				apr := rowWhere(rows, 0, "2024-04")
				if len(rows) == 0 || rows[0][3] != "City of London" || apr == nil {
					t.Fatalf("%s: %q", what, rows)
				}
				if (apr[3] == "c") != r.hidden || apr[3] == "" {
					t.Errorf("%s, City of London in April 2024: %q", what, apr[3])
				}
			}

			// The profile: tiles and the comparison chart, table and downloads.
			_, page, _ = env.get(c, "/councils/201?indicator=CSC_CPP")
			cppTile := tileOf(page, "CSC_CPP")
			if hidden := strings.Contains(cppTile, `<span class="app-tile__value">c</span>`); hidden != r.hidden {
				t.Errorf("children on a plan tile: suppressed = %v:\n%s", hidden, cppTile)
			}
			ehe := tileOf(page, "EHE_RETURNED")
			if !strings.Contains(ehe, `<span class="app-tile__value">`) || strings.Contains(ehe, `app-tile__value">c<`) {
				t.Errorf("returned to school tile must show April 2024's figure:\n%s", ehe)
			}
			// The year-ago count is 4: too few for a percentage change,
			// which the tile says to those who may see it, and to no one
			// else (it would tell them the count is below 10).
			if said := strings.Contains(ehe, "Too few children a year before for a percentage change"); said == r.hidden || strings.Contains(ehe, "vs a year ago") {
				t.Errorf("returned to school tile: small year-ago count said = %v; the year-ago count is 4:\n%s", said, ehe)
			}
			if r.hidden && strings.Contains(ehe, "%") {
				t.Errorf("returned to school tile shows a change built on a suppressed count:\n%s", ehe)
			}
			point = seriesPoint(t, chartOption(t, page, "chart-comparison"), "City of London", "2024-04")
			if (point == "-") != r.hidden {
				t.Errorf("comparison chart, City of London in April 2024: %v", point)
			}
			if cells := tableRowCells(page, "and comparators", "Apr 2024"); len(cells) == 0 || (cells[0] == "c") != r.hidden || cells[0] == "" {
				t.Errorf("comparison table, April 2024: %q", cells)
			}
			_, cmpCSV, _ := env.get(c, "/councils/201/comparison/data.csv?indicator=CSC_CPP")
			_, cmpXLSX, _ := env.get(c, "/councils/201/comparison/data.xlsx?indicator=CSC_CPP")
			cx := readXLSX(t, cmpXLSX)
			for what, rows := range map[string][][]string{"comparison CSV": readCSV(t, cmpCSV), "comparison xlsx": cx[min(3, len(cx)):]} {
				apr := rowWhere(rows, 0, "2024-04")
				if len(rows) == 0 || rows[0][3] != "City of London" || apr == nil {
					t.Fatalf("%s: %q", what, rows)
				}
				if (apr[3] == "c") != r.hidden || apr[3] == "" {
					t.Errorf("%s, City of London in April 2024: %q", what, apr[3])
				}
			}
			_, series, _ = env.get(c, "/api/v1/councils/201/series?indicator=CSC_CPP")
			if hidden := strings.Contains(series, `"council":"c"`); hidden != r.hidden {
				t.Errorf("series API comparators: council suppressed = %v", hidden)
			}
		})
	}
	// Rounded: England's rate is 80 children over the same population
	// rather than 83.
	if full, rounded := englandValue[false], englandValue[true]; full == 0 || math.Abs(rounded/full-80.0/83) > 1e-3 {
		t.Errorf("England rates: %v in full, %v rounded; want a ratio of 80/83", full, rounded)
	}
}

package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY D1: another council's counts of 1 to 5 show as "c" to council
// staff, with rates and ranks built on them suppressed and England totals
// rounded to the nearest 10; the council itself and LGA officers see the
// figures. Checked on the raw JSON, CSV, HTML and chart data.
func TestSmallNumbersSuppressedByRole(t *testing.T) {
	env := newTestEnv(t, Config{})
	ctx := context.Background()
	// City of London (201) has 3 children on a plan in April 2024.
	sub := &domain.Submission{SubmittedBy: "test", Source: "api", FileName: "city.xlsx", SHA256: "x"}
	obs := []domain.Observation{{Council: 201, Indicator: "CSC_CPP", Month: "2024-04", Value: 3}, {Council: 201, Indicator: "CSC_CIN", Month: "2024-04", Value: 4}}
	if err := env.db.StoreSubmission(ctx, sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*http.Client{}
	for name, u := range map[string]struct {
		role    domain.Role
		council int
	}{"dcs-202": {domain.RoleDCS, 202}, "dcs-201": {domain.RoleDCS, 201}, "lga": {domain.RoleLGA, 0}} {
		pw := env.addUser(name+"@d1.test", u.role, u.council)
		clients[name] = env.signIn(name+"@d1.test", pw)
	}
	const q = "indicator=CSC_CPP&month=2024-04"
	type cmpJSON struct {
		England struct {
			Total json.RawMessage `json:"total"`
		} `json:"england"`
		Councils []struct {
			Number int             `json:"la_number"`
			Value  json.RawMessage `json:"value"`
			Rate   json.RawMessage `json:"rate_per_10000_children"`
			Rank   json.RawMessage `json:"rank"`
		} `json:"councils"`
	}
	for name, want := range map[string]struct{ value, total string }{
		"dcs-202": {`"c"`, `80`}, "dcs-201": {`3`, `80`}, "lga": {`3`, `83`},
	} {
		status, body, _ := env.get(clients[name], "/api/v1/compare?"+q)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", name, status)
		}
		var got cmpJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		for _, c := range got.Councils {
			if c.Number != 201 {
				continue
			}
			if string(c.Value) != want.value {
				t.Errorf("%s: City of London's value %s; want %s", name, c.Value, want.value)
			}
			if want.value == `"c"` && (string(c.Rate) != `"c"` || string(c.Rank) != `"c"`) {
				t.Errorf("%s: rate %s and rank %s must be suppressed too", name, c.Rate, c.Rank)
			}
		}
		if string(got.England.Total) != want.total {
			t.Errorf("%s: England total %s; want %s", name, got.England.Total, want.total)
		}

		_, csvBody, _ := env.get(clients[name], "/compare.csv?"+q)
		row := regexp.MustCompile(`(?m)^201,City of London,[^\n]*$`).FindString(csvBody)
		if suppressed := strings.Contains(row, ",c,c,c,c,"); suppressed != (want.value == `"c"`) {
			t.Errorf("%s: CSV row %q", name, row)
		}

		_, series, _ := env.get(clients[name], "/api/v1/councils/201/series?indicator=CSC_CPP")
		if hidden := strings.Contains(series, `"value":"c"`) && strings.Contains(series, `"rate_per_10000_children":"c"`); hidden != (want.value == `"c"`) {
			t.Errorf("%s: series API suppression = %v: %s", name, hidden, series)
		}
		_, areaCSV, _ := env.get(clients[name], "/councils/201/areas/social_care.csv")
		cpp := regexp.MustCompile(`(?m)^201,City of London,2024-04,CSC_CPP,[^\n]*$`).FindString(areaCSV)
		if hidden := strings.Contains(cpp, ",c,c,"); hidden != (want.value == `"c"`) {
			t.Errorf("%s: area CSV row %q", name, cpp)
		}

		_, page, _ := env.get(clients[name], "/compare?"+q+"&council=202")
		chart := regexp.MustCompile(`(?s)id="chart-ranking-option">(.*?)</script>`).FindStringSubmatch(page)
		if len(chart) < 2 {
			t.Fatalf("%s: no ranking chart", name)
		}
		if inChart := strings.Contains(chart[1], "City of London"); inChart == (want.value == `"c"`) {
			t.Errorf("%s: City of London in the chart data = %v", name, inChart)
		}
	}
}

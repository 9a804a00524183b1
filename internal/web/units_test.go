package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Re-referrals are shown as DfE publishes them, a percentage of the
// month's referrals: a council with 40 referrals and 10 re-referrals
// shows 25.0 in the compare API, its CSV and the profile's tile, and
// England's figure is the sum of re-referrals over the sum of referrals.
func TestReReferralsAsPercentOfReferrals(t *testing.T) {
	env := newTestEnv(t, Config{})
	// The test data gives Camden (202) and Barking and Dagenham (301) 40
	// of everything; in April 2024 (a return replaces the council-month's
	// figures) they have 40 referrals, of which 10 and 30 re-referrals.
	storeFigures(t, env, domain.Observation{Council: 301, Indicator: "CSC_REREFERRALS", Month: "2024-04", Value: 30},
		domain.Observation{Council: 301, Indicator: "CSC_REFERRALS", Month: "2024-04", Value: 40},
		domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2024-04", Value: 40},
		domain.Observation{Council: 202, Indicator: "CSC_REREFERRALS", Month: "2024-04", Value: 10})
	pw := env.addUser("dcs@units.test", domain.RoleDCS, 202)
	c := env.signIn("dcs@units.test", pw)

	code, body, _ := env.get(c, "/api/v1/compare?indicator=CSC_REREFERRALS&month=2024-04&council=202")
	if code != http.StatusOK {
		t.Fatalf("compare API: %d %s", code, body)
	}
	var api struct {
		DisplayUnit string `json:"display_unit"`
		Indicator   struct {
			Denominator string `json:"denominator"`
		} `json:"indicator"`
		England struct {
			Value any `json:"value"`
			Total any `json:"total"`
		} `json:"england"`
		Councils []struct {
			Number int `json:"la_number"`
			Value  any `json:"value"`
			Rate   any `json:"rate_per_10000_children"`
			Shown  any `json:"shown"`
		} `json:"councils"`
		Note string `json:"note"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	if api.DisplayUnit != "% of referrals" || api.Indicator.Denominator != "CSC_REFERRALS" {
		t.Errorf("display unit %q, denominator %q; want %% of referrals", api.DisplayUnit, api.Indicator.Denominator)
	}
	shown := map[int]any{}
	for _, r := range api.Councils {
		shown[r.Number] = r.Shown
		if r.Number == 202 && (r.Value != 10.0 || r.Rate != nil) {
			t.Errorf("Camden's row: value %v, rate %v; want the count 10 and no rate", r.Value, r.Rate)
		}
	}
	if shown[202] != 25.0 || shown[301] != 75.0 {
		t.Errorf("shown: Camden %v, Barking and Dagenham %v; want 25 and 75", shown[202], shown[301])
	}
	// England: (10 + 30) / (40 + 40) = 50%, not a mean of percentages
	// weighted by children; totals are rounded to 10 for council staff.
	if v, ok := api.England.Value.(float64); !ok || math.Abs(v-50) > 1e-9 || api.England.Total != 40.0 {
		t.Errorf("England %v (total %v); want 50 from 40 of 80", api.England.Value, api.England.Total)
	}
	if !strings.Contains(api.Note, "sum of re-referrals within 12 months over the sum of referrals") {
		t.Errorf("note does not say how England is made: %s", api.Note)
	}

	// The CSV download carries the percentage in its own column.
	_, csv, _ := env.get(c, "/compare.csv?indicator=CSC_REREFERRALS&month=2024-04&council=202")
	if !strings.Contains(csv, "percent_of_referrals") || !strings.Contains(csv, "202,Camden,London,2024-04,CSC_REREFERRALS,10.00,25.00,") {
		t.Errorf("compare CSV lacks the percentage:\n%s", csv)
	}

	// The tile: 10 re-referrals · 25.0% of referrals.
	_, page, _ := env.get(c, "/councils/202")
	tile := tileOf(page, "CSC_REREFERRALS")
	for _, want := range []string{`<span class="app-tile__value">10</span> re-referrals`, `<span class="app-tile__rate">25.0</span>% of referrals`, "Apr 2024"} {
		if !strings.Contains(tile, want) {
			t.Errorf("re-referrals tile lacks %q:\n%s", want, tile)
		}
	}
	// A rate's tile carries its count: 40 referrals beside the rate.
	if tile := tileOf(page, "CSC_REFERRALS"); !strings.Contains(tile, `<span class="app-tile__value">40</span> referrals`) || !strings.Contains(tile, "per 10,000") {
		t.Errorf("referrals tile lacks its count beside the rate:\n%s", tile)
	}

	// The series API gives the percentage beside each count.
	_, body, _ = env.get(c, "/api/v1/councils/202/series?indicator=CSC_REREFERRALS")
	var series struct {
		DisplayUnit string `json:"display_unit"`
		Points      []struct {
			Month   string `json:"month"`
			Value   any    `json:"value"`
			Percent any    `json:"percent_of"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(body), &series); err != nil {
		t.Fatal(err)
	}
	if n := len(series.Points); series.DisplayUnit != "% of referrals" || n == 0 || series.Points[n-1].Percent != 25.0 || series.Points[0].Percent != 100.0 {
		t.Errorf("series API: unit %q, points %+v; want 100%% in January and 25%% in April", series.DisplayUnit, series.Points)
	}
}

// The profile's radar draws the two medians apart (colour, line pattern
// and symbol), the council's own strongest, writes the 1–4 scale with the
// ratings' names, and a self-assessment more than 12 months old says so
// in the chart's subtitle and beside its date.
func TestAssessmentRadarOnProfile(t *testing.T) {
	env := newTestEnv(t, Config{})
	submitAssessment(t, env, 202, 3, "evidence")
	submitAssessment(t, env, 301, 3, "evidence")
	a, err := env.db.LatestAssessments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	latest := a[202]
	assessed, err := time.Parse(time.DateOnly, latest.Date())
	if err != nil {
		t.Fatal(err)
	}
	radar := func() (string, map[string]any) {
		t.Helper()
		pw := env.addUser("dcs"+env.clock.Now().Format("20060102")+"@radar.test", domain.RoleDCS, 202)
		_, page, _ := env.get(env.signIn("dcs"+env.clock.Now().Format("20060102")+"@radar.test", pw), "/councils/202")
		raw := between(page, `<script type="application/json" id="chart-assessment-radar-option">`, "</script>")
		var opt map[string]any
		if err := json.Unmarshal([]byte(raw), &opt); err != nil {
			t.Fatalf("radar option: %v\n%s", err, raw)
		}
		return page, opt
	}
	// The test clock is after the assessment; move it to 11 months on.
	if d := assessed.AddDate(0, 11, 0).Sub(env.clock.Now()); d > 0 {
		env.clock.Add(d)
	}
	page, opt := radar()
	if strings.Contains(page, "over 12 months ago") {
		t.Error("an assessment of 11 months ago is called old")
	}
	series := opt["series"].([]any)
	if len(series) != 3 {
		t.Fatalf("%d radar series; want the council and two medians", len(series))
	}
	type look struct {
		colour, pattern, symbol, fill string
		width, z                      float64
	}
	looks := map[string]look{}
	for _, s := range series {
		m := s.(map[string]any)
		ls := m["lineStyle"].(map[string]any)
		fill, _ := m["itemStyle"].(map[string]any)["color"].(string)
		looks[m["name"].(string)] = look{ls["color"].(string), ls["type"].(string), m["symbol"].(string), fill, ls["width"].(float64), m["z"].(float64)}
	}
	own, nb, all := looks["Camden"], looks["Neighbours' median"], looks["All councils' median"]
	if nb.colour == all.colour || nb.pattern == all.pattern || nb.symbol == all.symbol || nb.colour == own.colour {
		t.Errorf("the medians are not drawn apart: neighbours %+v, all %+v, own %+v", nb, all, own)
	}
	// The council's line is the widest; the medians lie on it, and all
	// councils' median, on top, is dotted with hollow squares, so the
	// neighbours' median shows through it where the two coincide.
	if own.width <= nb.width || own.width <= all.width || own.z >= nb.z || nb.z >= all.z || all.pattern != "dotted" || all.fill != "transparent" {
		t.Errorf("the council's own polygon is not strongest, or all councils' median hides the neighbours': %+v %+v %+v", own, nb, all)
	}
	ind := opt["radar"].(map[string]any)["indicator"].([]any)
	label, _ := ind[0].(map[string]any)["axisLabel"].(map[string]any)
	names, _ := label["valueNames"].(map[string]any)
	if label["show"] != true || names["1"] != "1 Not in place" || names["2"] != "2 Developing" || names["3"] != "3 Established" || names["4"] != "4 Strong" {
		t.Errorf("radial axis labels %v; want 1 Not in place to 4 Strong", label)
	}
	if sub := opt["title"].(map[string]any)["subtext"].(string); !strings.HasPrefix(sub, "Assessed "+assessed.Format("2 Jan 2006")+".") {
		t.Errorf("radar subtitle %q; want it to start with the date", sub)
	}

	// Thirteen months on, it is old.
	env.clock.Add(assessed.AddDate(0, 13, 0).Sub(env.clock.Now()))
	page, opt = radar()
	if sub := opt["title"].(map[string]any)["subtext"].(string); !strings.HasPrefix(sub, "Assessed "+assessed.Format("2 Jan 2006")+" — over 12 months ago") {
		t.Errorf("radar subtitle %q; want the date marked over 12 months ago", sub)
	}
	if !strings.Contains(page, "submitted "+assessed.Format("2 Jan 2006")+` — <strong class="app-old">over 12 months ago</strong>`) {
		t.Error("the section does not mark the old assessment beside its date")
	}
}

// between is the text of s between the first open and the next close.
func between(s, open, close string) string {
	i := strings.Index(s, open)
	if i < 0 {
		return ""
	}
	s = s[i+len(open):]
	if j := strings.Index(s, close); j >= 0 {
		return s[:j]
	}
	return s
}

package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// assessOn saves a submitted self-assessment for a council dated at, every
// item rated the same.
func assessOn(t *testing.T, env *testEnv, council, rating int, at string) {
	t.Helper()
	f, err := env.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a := domain.Assessment{Council: council, Status: domain.AssessmentSubmitted, By: "test", Narrative: "narrative", At: at}
	for _, it := range f.Items {
		a.Ratings = append(a.Ratings, domain.Rating{Item: it.Code, Rating: rating, Evidence: "evidence"})
	}
	if _, err := env.db.SaveAssessment(t.Context(), a, domain.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

// The month picker lists the months with figures, opens on the latest and
// moves a month either way; a past month comes from ?month=.
func TestPressureMonthPicker(t *testing.T) {
	env := newPressureEnv(t)
	lga := env.signIn("lga@test", env.addUser("lga@test", domain.RoleLGA, 0))

	status, page, _ := env.get(lga, "/pressure")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	// Eight councils of 153 have figures, so no month has half: the page
	// opens on the latest month and warns.
	for _, want := range []string{`<label class="govuk-label govuk-label--s" for="month">Month</label>`,
		`<option value="2024-04" selected>Apr 2024</option>`, `<option value="2024-03">Mar 2024</option>`,
		`href="/pressure?month=2024-03" rel="prev"`, `Mar 2024</span>`, "All councils · Apr 2024", "Fewer than half the councils have returned Apr 2024"} {
		if !contains(page, want) {
			t.Errorf("the latest month's page lacks %s", want)
		}
	}
	if contains(page, `rel="next"`) {
		t.Error("the latest month links to a next month")
	}

	_, page, _ = env.get(lga, "/pressure?month=2024-03&region=E12000007&recent=1")
	for _, want := range []string{`<option value="2024-03" selected>Mar 2024</option>`, "All councils · Mar 2024",
		`href="/pressure?month=2024-02&amp;region=E12000007&amp;recent=1" rel="prev"`, `href="/pressure?month=2024-04&amp;region=E12000007&amp;recent=1" rel="next"`} {
		if !contains(page, want) {
			t.Errorf("March's page lacks %s", want)
		}
	}
	for _, bad := range []string{"/pressure?month=2030-01", "/pressure?month=March", "/pressure?recent=maybe", "/pressure?councils=some"} {
		if status, _, _ := env.get(lga, bad); status != http.StatusBadRequest {
			t.Errorf("%s: status %d; want 400", bad, status)
		}
	}
}

// Councils are ranked by demand pressure with ties broken by points then
// name; regions count points per council; a self-assessment over 12
// months old is flagged, and ?recent=1 leaves it off the matrix, its
// table and its downloads.
func TestPressureRankingCountsAndStale(t *testing.T) {
	env := newPressureEnv(t)
	// The server's day is 2 Nov 2026: Camden's June 2025 assessment is
	// stale, Westminster's (213 has no figures) and 203's are recent.
	assessOn(t, env, 202, 2, "2025-06-01T10:00:00Z")
	assessOn(t, env, 203, 3, "2026-09-01T10:00:00Z")
	lga := env.signIn("lga@test", env.addUser("lga@test", domain.RoleLGA, 0))

	type api struct {
		Ranking []struct {
			Rank     int     `json:"rank"`
			Council  int     `json:"la_number"`
			Name     string  `json:"council"`
			Pressure float64 `json:"demand_pressure"`
			Points   int     `json:"pressure_points"`
		} `json:"ranking"`
		Regions []struct {
			Region     string  `json:"region"`
			Councils   int     `json:"councils"`
			Points     int     `json:"points"`
			PerCouncil float64 `json:"points_per_council"`
		} `json:"region_counts"`
		Rule struct {
			Split    float64 `json:"pressure_split"`
			Rule     string  `json:"pressure_rule"`
			Recent   bool    `json:"recent_only"`
			LeftOut  int     `json:"stale_left_out"`
			StaleAge int     `json:"stale_after_months"`
		} `json:"matrix_rule"`
		Matrix []struct {
			Council int    `json:"la_number"`
			Rank    *int   `json:"demand_pressure_rank"`
			Stale   bool   `json:"stale"`
			On      string `json:"assessed"`
		} `json:"matrix"`
	}
	read := func(path string) api {
		t.Helper()
		status, body, _ := env.get(lga, path)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		var a api
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := read("/api/v1/pressure")
	// Camden first with its one point; the seven at 0.0 with no points
	// follow by name.
	if len(a.Ranking) != 8 || a.Ranking[0].Council != 202 || a.Ranking[0].Rank != 1 || a.Ranking[0].Pressure != 20 || a.Ranking[0].Points != 1 {
		t.Fatalf("ranking %+v", a.Ranking)
	}
	var rest []string
	for i, r := range a.Ranking[1:] {
		rest = append(rest, r.Name)
		if r.Rank != i+2 {
			t.Errorf("%s ranked %d at place %d", r.Name, r.Rank, i+2)
		}
	}
	if !slices.IsSorted(rest) {
		t.Errorf("councils tied at 0.0 not by name: %v", rest)
	}
	// London: eight councils with figures, one point, 0.125 each.
	for _, r := range a.Regions {
		switch r.Region {
		case "E12000007":
			if r.Councils != 8 || r.Points != 1 || r.PerCouncil != 0.13 {
				t.Errorf("London %+v", r)
			}
		case "E92000001":
			if r.Councils != 8 || r.Points != 1 {
				t.Errorf("England %+v", r)
			}
		default:
			if r.Councils != 0 || r.Points != 0 || r.PerCouncil != 0 {
				t.Errorf("%+v", r)
			}
		}
	}
	if a.Rule.Rule != "upper-quartile" || a.Rule.Split != 20 || a.Rule.StaleAge != 12 || a.Rule.Recent {
		t.Errorf("matrix rule %+v", a.Rule)
	}
	stale := map[int]bool{}
	for _, m := range a.Matrix {
		stale[m.Council] = m.Stale
		if m.Council == 202 && (m.Rank == nil || *m.Rank != 1) {
			t.Errorf("Camden's rank %v", m.Rank)
		}
	}
	if !stale[202] || stale[203] {
		t.Errorf("stale %v; want Camden's only", stale)
	}

	a = read("/api/v1/pressure?recent=1")
	for _, m := range a.Matrix {
		if m.Council == 202 {
			t.Error("?recent=1 kept Camden's stale assessment on the matrix")
		}
	}
	if !a.Rule.Recent || a.Rule.LeftOut != 1 {
		t.Errorf("matrix rule with recent %+v", a.Rule)
	}

	_, csv, _ := env.get(lga, "/pressure/matrix.csv")
	if !contains(csv, "202,Camden,London,2024-04,20.0,1,2.00,2.00,2025-06-01,yes,") || !contains(csv, ",2026-09-01,no,") {
		t.Errorf("matrix CSV: %.600s", csv)
	}
	_, csv, _ = env.get(lga, "/pressure/matrix.csv?recent=1")
	if contains(csv, "202,Camden") || !contains(csv, ",2026-09-01,no,") {
		t.Errorf("matrix CSV with recent: %.600s", csv)
	}
	_, csv, _ = env.get(lga, "/pressure.csv")
	if !strings.Contains(strings.SplitN(csv, "\n", 2)[0], "demand_pressure,demand_pressure_rank") || !contains(csv, ",20.0,1\n") {
		t.Errorf("points CSV: %.600s", csv)
	}

	_, page, _ := env.get(lga, "/pressure")
	for _, want := range []string{`1.</span> <a class="govuk-link" href="/councils/202">Camden</a>`, "Demand pressure <strong>20.0</strong> · 1 pressure point</p>",
		"than 2017–19", "1 council's self-assessment is more than 12 months old: drawn as hollow rings",
		"Over 12 months old", "0.1 per council", "Hollow ring: self-assessment over 12 months old"} {
		if !contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	_, page, _ = env.get(lga, "/pressure?recent=1")
	if !contains(page, "1 council's self-assessment is more than 12 months old and left out") || !contains(page, `id="recent" name="recent" type="checkbox" value="1" checked`) ||
		!contains(page, `href="/pressure/matrix.csv?month=2024-04&amp;recent=1"`) {
		t.Error("the page with recent=1 does not say what it left out, or its downloads do not leave it out")
	}
}

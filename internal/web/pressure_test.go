package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// pressureCouncils are the London boroughs the pressure tests load.
var pressureCouncils = []int{202, 203, 204, 205, 206, 207, 208, 209}

// newPressureEnv loads referrals for eight councils: the same count in
// April 2017–19 and around April 2024 for all but Camden (202), whose
// April 2024 count is three times its baseline and rising, so it is the
// one pressure point on referrals.
func newPressureEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, Config{}, func(_ *reference.Data, emit func(domain.Observation) error) error {
		for _, n := range pressureCouncils {
			for _, y := range []int{2017, 2018, 2019} {
				if err := emit(domain.Observation{Council: n, Indicator: "CSC_REFERRALS", Month: fmt.Sprintf("%d-04", y), Value: 300}); err != nil {
					return err
				}
			}
			for i, m := range []string{"2024-02", "2024-03", "2024-04"} {
				v := 300.0
				if n == 202 {
					v = 500 + 200*float64(i)
				}
				if err := emit(domain.Observation{Council: n, Indicator: "CSC_REFERRALS", Month: m, Value: v}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func TestPressurePointsAndMatrix(t *testing.T) {
	env := newPressureEnv(t)
	submitAssessment(t, env, 202, 2, "weak") // Camden: weak conditions
	submitAssessment(t, env, 203, 4, "strong")
	lga := env.signIn("lga@test", env.addUser("lga@test", domain.RoleLGA, 0))

	status, body, _ := env.get(lga, "/api/v1/pressure")
	if status != http.StatusOK {
		t.Fatalf("API: status %d: %s", status, body)
	}
	var api struct {
		Month  string `json:"month"`
		Points []struct {
			Council   int     `json:"la_number"`
			Indicator string  `json:"indicator"`
			Band      string  `json:"band"`
			Severity  float64 `json:"severity"`
			Reason    string  `json:"reason"`
		} `json:"points"`
		ByRegion map[string]int `json:"counts_by_region"`
		ByArea   map[string]int `json:"counts_by_area"`
		Matrix   []struct {
			Council    int      `json:"la_number"`
			Pressure   *float64 `json:"demand_pressure"`
			Conditions *float64 `json:"conditions_score"`
			Quadrant   string   `json:"quadrant"`
		} `json:"matrix"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	if api.Month != "2024-04" || len(api.Points) != 1 {
		t.Fatalf("month %s, %d points; want 2024-04 and one: %s", api.Month, len(api.Points), body)
	}
	pt := api.Points[0]
	// Camden's April 2024: 900 referrals against 300 in each April of
	// 2017–19; as rates per 10,000 children (its population fell) that is
	// +232%, the worst of eight.
	if pt.Council != 202 || pt.Indicator != "CSC_REFERRALS" || pt.Band != "D" ||
		!strings.Contains(pt.Reason, "Referrals to children's social care 255.1 per 10,000 children, band D, +232% on the 2017–19 baseline") {
		t.Errorf("point = %+v", pt)
	}
	// Severity: 0.6 × min(1, 2.32/0.5) + 0.3 × depth into the worst
	// quarter (rank 8 of 8, rank 1 being the best: (8 − 6)/2 = 1) + 0.1
	// for rising over three months = 1.
	if pt.Severity != 1 {
		t.Errorf("severity = %v; want 1", pt.Severity)
	}
	if api.ByRegion["E12000007"] != 1 || api.ByArea["social_care"] != 1 {
		t.Errorf("counts = %v, %v", api.ByRegion, api.ByArea)
	}
	quadrants := map[int]string{}
	for _, m := range api.Matrix {
		quadrants[m.Council] = m.Quadrant
		if m.Council == 202 && (m.Pressure == nil || *m.Pressure != 20 || m.Conditions == nil || *m.Conditions != 2) {
			t.Errorf("Camden on the matrix: pressure %v, conditions %v; want 20 (one area of five at severity 1) and 2", m.Pressure, m.Conditions)
		}
	}
	// The split is the upper quartile of the month's demand pressure;
	// with seven of the eight at 0 that is 0, so it is the lowest above 0,
	// Camden's 20: Camden is high pressure, and its conditions are weak.
	// 203 is assessed and strong; 204 has figures but no assessment and is
	// shown apart, not dropped.
	if quadrants[202] != "high pressure, weak conditions" || quadrants[203] != "low pressure, strong conditions" || quadrants[204] != "not assessed" {
		t.Errorf("quadrants = %v", quadrants)
	}

	status, page, _ := env.get(lga, "/pressure")
	for _, want := range []string{"chart-pressure-heatmap", "chart-pressure-matrix", "+232% on the 2017–19 baseline",
		`href="/councils/202?indicator=CSC_REFERRALS#comparison"`, "Not yet assessed (6)", "Demand pressure"} {
		if !contains(page, want) {
			t.Errorf("page (status %d) lacks %q", status, want)
		}
	}
	// Filtering to another area leaves no point.
	if _, body, _ := env.get(lga, "/api/v1/pressure?area=send"); contains(body, `"la_number":202,"council":"Camden","region":"E12000007","area":"social_care"`) {
		t.Error("the area filter kept a social-care point")
	}
	if status, _, _ := env.get(lga, "/api/v1/pressure?region=nowhere"); status != http.StatusBadRequest {
		t.Errorf("unknown region: status %d", status)
	}

	status, csv, hdr := env.get(lga, "/pressure.csv")
	if status != http.StatusOK || !strings.HasPrefix(withoutBOM(t, csv), "rank,month,la_number,council") || !contains(csv, "Camden") || !contains(hdr.Get("Content-Disposition"), "pressure-points-2024-04.csv") {
		t.Errorf("pressure CSV: status %d: %.300s", status, csv)
	}
	status, csv, _ = env.get(lga, "/pressure/matrix.csv")
	if status != http.StatusOK || !contains(csv, "202,Camden,London,2024-04,20.0,1,2.00") || !contains(csv, "not assessed") || !contains(csv, "assessed_on,stale,quadrant,demand_pressure_rank") {
		t.Errorf("matrix CSV: status %d: %.400s", status, csv)
	}
	for _, path := range []string{"/pressure.xlsx", "/pressure/matrix.xlsx"} {
		if status, body, _ := env.get(lga, path); status != http.StatusOK || !strings.HasPrefix(body, "PK") {
			t.Errorf("%s: status %d", path, status)
		}
	}
}

// Only LGA officers and administrators reach the pressure overview.
func TestPressureScope(t *testing.T) {
	env := newPressureEnv(t)
	for _, role := range []domain.Role{domain.RoleUploader, domain.RoleDCS, domain.RoleLGA, domain.RoleAdmin} {
		council := 0
		if role.Scoped() {
			council = 202
		}
		c := env.signIn(string(role)+"@test", env.addUser(string(role)+"@test", role, council))
		want := http.StatusForbidden
		if role == domain.RoleLGA || role == domain.RoleAdmin {
			want = http.StatusOK
		}
		for _, path := range []string{"/pressure", "/api/v1/pressure", "/pressure.csv", "/pressure/matrix.xlsx"} {
			if status, _, _ := env.get(c, path); status != want {
				t.Errorf("%s as %s: %d; want %d", path, role, status, want)
			}
		}
	}
}

package web

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
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

package analytics

import (
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func TestPopulationForFollowsFinancialYear(t *testing.T) {
	pops := Populations{2022: 1000, 2023: 2000, 2024: 3000}
	tests := []struct {
		name    string
		month   domain.Month
		pop     int64
		year    int
		carried bool
		ok      bool
	}{
		{"MarchUsesPreviousMidYear", domain.Month{Year: 2024, Month: time.March}, 2000, 2023, false, true},
		{"AprilUsesSameMidYear", domain.Month{Year: 2024, Month: time.April}, 3000, 2024, false, true},
		{"LatestCarriedForward", domain.Month{Year: 2026, Month: time.May}, 3000, 2024, true, true},
		{"NothingBefore", domain.Month{Year: 2021, Month: time.May}, 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pop, year, carried, ok := pops.PopulationFor(tt.month)
			if pop != tt.pop || year != tt.year || carried != tt.carried || ok != tt.ok {
				t.Fatalf("PopulationFor(%s) = %d, %d, %v, %v; want %d, %d, %v, %v",
					tt.month, pop, year, carried, ok, tt.pop, tt.year, tt.carried, tt.ok)
			}
		})
	}
}

func TestRatePer10k(t *testing.T) {
	// 1,808 children in need in a population of 40,000 is 452 per 10,000.
	if got, ok := RatePer10k(1808, 40000); !ok || got != 452 {
		t.Fatalf("RatePer10k = %v, %v; want 452, true", got, ok)
	}
	if _, ok := RatePer10k(5, 0); ok {
		t.Fatal("a zero population must give no rate")
	}
}

func TestPresentComputesRatesAndKeepsPercents(t *testing.T) {
	pops := Populations{2020: 20000}
	rate := domain.Indicator{Code: "CSC_REFERRALS", Unit: domain.UnitCount, Denominator: domain.DenomChildren}
	pts := Present(rate, []domain.Observation{{Month: "2020-04", Value: 50}, {Month: "2020-03", Value: 10}}, pops)
	if len(pts) != 2 || !pts[0].Displayed || pts[0].Display != 25 {
		t.Fatalf("April 2020: got %+v; want 25 per 10,000", pts[0])
	}
	if pts[1].Displayed {
		t.Fatalf("March 2020 needs mid-2019, which is absent: got %+v", pts[1])
	}
	pct := domain.Indicator{Code: "WF_VACANCY", Unit: domain.UnitPercent, Denominator: domain.DenomNone}
	if p := Present(pct, []domain.Observation{{Month: "2020-04", Value: 17.5}}, pops); p[0].Display != 17.5 {
		t.Fatalf("percent shown as %v; want 17.5", p[0].Display)
	}
}

func TestMissingMonths(t *testing.T) {
	pts := []Point{{Month: domain.Month{Year: 2020, Month: time.January}}, {Month: domain.Month{Year: 2020, Month: time.March}}}
	got := MissingMonths(pts, domain.Month{Year: 2020, Month: time.January}, domain.Month{Year: 2020, Month: time.April})
	if len(got) != 2 || got[0].String() != "2020-02" || got[1].String() != "2020-04" {
		t.Fatalf("MissingMonths = %v; want [2020-02 2020-04]", got)
	}
}

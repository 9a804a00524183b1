package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// newHistoryEnv holds the demo's figures for Northamptonshire (928), its
// successors (940, 941), Cumbria (909) and its successors (942, 943), and
// two London councils, from 2019 to 2024: each council in the months it
// existed.
func newHistoryEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, Config{}, func(ref *reference.Data, emit func(domain.Observation) error) error {
		return demo.Generate(ref, demo.Options{Seed: demo.DefaultSeed, First: domain.Month{Year: 2019, Month: time.January},
			Last: domain.Month{Year: 2024, Month: time.June}, Councils: []int{202, 301, 837, 839, 909, 928, 940, 941, 942, 943}}, emit)
	})
}

type compareJSON struct {
	Councils []struct {
		Number int     `json:"la_number"`
		Value  any     `json:"value"`
		Rate   any     `json:"rate_per_10000_children"`
		Rank   any     `json:"rank"`
		Ended  string  `json:"ended"`
		Shown  float64 `json:"shown"`
	} `json:"councils"`
	England struct {
		Total    any `json:"total"`
		Councils int `json:"councils"`
	} `json:"england"`
}

// Predecessors take part in comparisons, ranks and the England figure of
// the months they existed, with their own population for the year, and
// successors only from their first month.
func TestPredecessorsInComparisonsOfTheirMonths(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	get := func(month string) compareJSON {
		t.Helper()
		code, body, _ := e.get(lga, "/api/v1/compare?indicator=CSC_CLA&month="+month)
		if code != http.StatusOK {
			t.Fatalf("compare %s: %d %s", month, code, body)
		}
		var out compareJSON
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	has := func(c compareJSON, n int) (int, bool) {
		for i, r := range c.Councils {
			if r.Number == n {
				return i, true
			}
		}
		return 0, false
	}
	may20 := get("2020-05")
	for _, n := range []int{928, 909, 202} {
		i, ok := has(may20, n)
		if !ok {
			t.Fatalf("May 2020 lacks council %d", n)
		}
		if _, ranked := may20.Councils[i].Rank.(float64); !ranked {
			t.Errorf("council %d in May 2020 has rank %v; want a number", n, may20.Councils[i].Rank)
		}
	}
	for _, n := range []int{940, 941, 942, 943} {
		if _, ok := has(may20, n); ok {
			t.Errorf("May 2020 lists council %d, which did not exist yet", n)
		}
	}
	i, _ := has(may20, 928)
	if may20.Councils[i].Ended != "2021-03" {
		t.Errorf("Northamptonshire ended %q; want 2021-03", may20.Councils[i].Ended)
	}
	// Its rate uses its own mid-2020 population (the financial year
	// April 2020 to March 2021 began in 2020).
	count := may20.Councils[i].Value.(float64)
	pop, ok := e.popOf(928, 2020)
	if !ok {
		t.Fatal("no mid-2020 population for Northamptonshire")
	}
	if rate := may20.Councils[i].Rate.(float64); math.Abs(rate-count*1e4/float64(pop)) > 1e-3 {
		t.Errorf("Northamptonshire's rate %v; want %v", rate, count*1e4/float64(pop))
	}
	if may20.England.Councils != 5 {
		t.Errorf("England in May 2020 from %d councils; want 5 (202, 301, 839, 909, 928)", may20.England.Councils)
	}

	may22 := get("2022-05")
	for n, want := range map[int]bool{928: false, 940: true, 941: true, 909: true, 942: false} {
		if _, ok := has(may22, n); ok != want {
			t.Errorf("May 2022 lists council %d: %v; want %v", n, ok, want)
		}
	}
	may23 := get("2023-05")
	for n, want := range map[int]bool{909: false, 942: true, 943: true} {
		if _, ok := has(may23, n); ok != want {
			t.Errorf("May 2023 lists council %d: %v; want %v", n, ok, want)
		}
	}
}

// A predecessor's profile says when it ended and who succeeded it, and
// that it has no statistical neighbours; a successor's profile draws its
// predecessor's figures as a labelled context line.
func TestPredecessorAndSuccessorProfiles(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	code, body, _ := e.get(lga, "/councils/928")
	if code != http.StatusOK {
		t.Fatalf("928: %d", code)
	}
	for _, want := range []string{"Northamptonshire no longer exists: it existed Jan 2009 to Mar 2021",
		`href="/councils/940">North Northamptonshire</a>`, `href="/councils/941">West Northamptonshire</a>`,
		"has no statistical neighbours", "None: DfE's 2025 statistical neighbour model"} {
		if !contains(body, want) {
			t.Errorf("Northamptonshire's profile does not say %q", want)
		}
	}
	code, body, _ = e.get(lga, "/councils/940?indicator=CSC_CLA")
	if code != http.StatusOK {
		t.Fatalf("940: %d", code)
	}
	for _, want := range []string{"North Northamptonshire began in Apr 2021, succeeding",
		`href="/councils/928">Northamptonshire</a>`, "Northamptonshire (predecessor, to Mar 2021)",
		"Dashed context lines are the figures of the councils North Northamptonshire replaced (Northamptonshire)",
		"vs 2017–19</span> <span class=\"app-tile__unit\">(Northamptonshire's figures)</span>"} {
		if !contains(body, want) {
			t.Errorf("North Northamptonshire's profile does not say %q", want)
		}
	}
	// The months before it began are not listed as missing.
	if contains(body, "North Northamptonshire in Jan 2019") {
		t.Error("months before North Northamptonshire began are listed as missing")
	}
}

// popOf reads a council's population for a year from the database.
func (e *testEnv) popOf(council, year int) (int64, bool) {
	pops, err := e.db.Populations(e.t.Context(), "council")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range pops {
		if p.Area == strconv.Itoa(council) && p.Year == year {
			return p.Children, true
		}
	}
	return 0, false
}

// The return template exists for a council in the months it existed,
// former councils included; outside them the page says why.
func TestTemplateFollowsLifetimes(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	if code, body, _ := e.get(lga, "/returns/template?council=928&month=2021-03"); code != http.StatusOK {
		t.Fatalf("Northamptonshire's March 2021 template: %d %.200s", code, body)
	}
	code, body, _ := e.get(lga, "/returns/template?council=928&month=2021-04")
	if code != http.StatusBadRequest || !contains(body, "Northamptonshire (928) did not exist in April 2021") ||
		!contains(body, "North Northamptonshire (940) and West Northamptonshire (941)") {
		t.Fatalf("Northamptonshire's April 2021 template: %d %.300s", code, body)
	}
}

// The compare page ranks a former council among the councils of its
// months, and says it has no statistical neighbours.
func TestComparePageForAFormerCouncil(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	code, body, _ := e.get(lga, "/compare?indicator=CSC_CLA&month=2020-05&council=928")
	if code != http.StatusOK {
		t.Fatalf("compare for 928: %d", code)
	}
	if !contains(body, "Northamptonshire has no statistical neighbours") {
		t.Error("the compare page does not say Northamptonshire has no statistical neighbours")
	}
	if contains(body, "North Northamptonshire") && contains(body, ">North Northamptonshire</") {
		t.Error("May 2020 lists North Northamptonshire, which did not exist yet")
	}
}

// ONS publishes no population for Bournemouth (837) before 2019: its
// count is listed in its months, with no rate or rank, and it stays out
// of the rates' aggregates rather than distorting them.
func TestFormerCouncilWithoutPopulationShowsItsCount(t *testing.T) {
	e := newHistoryEnv(t)
	lga := e.signIn("lga@example.test", e.addUser("lga@example.test", domain.RoleLGA, 0))
	code, body, _ := e.get(lga, "/api/v1/compare?indicator=CSC_CLA&month=2019-02")
	if code != http.StatusOK {
		t.Fatalf("compare: %d", code)
	}
	var out compareJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range out.Councils {
		switch r.Number {
		case 837:
			found = true
			if _, ok := r.Value.(float64); !ok || r.Rate != nil || r.Rank != nil || r.Ended != "2019-03" {
				t.Errorf("Bournemouth in February 2019: %+v; want its count, no rate or rank, ended 2019-03", r)
			}
		case 839:
			t.Error("Bournemouth, Christchurch and Poole listed before it began")
		}
	}
	if !found {
		t.Error("Bournemouth not listed in February 2019")
	}
	if out.England.Councils != 4 {
		t.Errorf("England's rate from %d councils; want 4 (those with a population)", out.England.Councils)
	}
}

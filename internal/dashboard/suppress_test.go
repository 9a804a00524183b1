package dashboard

import (
	"slices"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY D1: the quartiles, median, ranks and bands a council's staff
// see cannot give back another council's suppressed count. With eleven
// councils, the median over all of them is council 106's exact rate,
// built on a count of 5: a DCS who knows 106's population could work the
// count out. Over the councils they may see, it is not; and the visible
// ranks run 1, 2, 3 … without the gap that would count the hidden ones.
func TestRestrictedRankingRevealsNoSuppressedFigure(t *testing.T) {
	m := domain.Month{Year: 2024, Month: time.March}
	ind := domain.Indicator{Code: "CSC_CLA", Unit: domain.UnitCount, Denominator: domain.DenomChildren, Polarity: domain.HigherWorse}
	d := &Snapshot{ByCode: map[string]domain.Indicator{ind.Code: ind}, ByNumber: map[int]domain.Council{},
		Pops: map[int]analytics.Populations{}, Values: map[string]map[int]analytics.Series{ind.Code: {}}}
	d.initCaches()
	// Councils 101–111, each with 10,000 children; 106 holds 5.
	counts := map[int]float64{101: 1, 102: 2, 103: 3, 104: 4, 105: 4, 106: 5, 107: 60, 108: 70, 109: 80, 110: 90, 111: 100}
	for n, c := range counts {
		d.ByNumber[n] = domain.Council{Number: n, Current: true, RegionCode: "E12000007"}
		d.Pops[n] = analytics.Populations{2023: 10000}
		d.Values[ind.Code][n] = analytics.Series{m.Index(): c}
	}
	st := d.MonthStats(ind, m)
	if st.Bands.Median != st.Display[106] {
		t.Fatalf("the set-up is wrong: the full median %v is not 106's rate %v", st.Bands.Median, st.Display[106])
	}
	v := Viewer{Restricted: true, Own: 111}
	r := d.RankingFor(ind, st, v)
	for n, c := range counts {
		if v.Suppressed(ind, n, c) {
			if _, ranked := r.Ranks[n]; ranked {
				t.Errorf("suppressed council %d is ranked", n)
			}
			if x := st.Display[n]; x == r.Bands.Median || x == r.Bands.Q1 || x == r.Bands.Q3 {
				t.Errorf("a threshold equals suppressed council %d's rate %v", n, x)
			}
		}
	}
	var ranks []int
	for _, k := range r.Ranks {
		ranks = append(ranks, k)
	}
	slices.Sort(ranks)
	if !slices.Equal(ranks, []int{1, 2, 3, 4, 5}) || r.Of != 5 {
		t.Errorf("visible ranks %v of %d; want 1 to 5 of 5", ranks, r.Of)
	}
	// Through the comparison as the API gives it.
	cmp := d.Compare(v, ind, m, 111)
	if cmp.Quartiles == nil || cmp.Quartiles.Median == RoundTo(st.Display[106], 4) {
		t.Errorf("the comparison's median %+v gives back 106's rate", cmp.Quartiles)
	}
	for _, row := range cmp.Councils {
		if row.Number == 106 && (!row.Value.Suppressed || row.Rank != analytics.SuppressedMarker) {
			t.Errorf("106 shown as %+v", row)
		}
	}
	// An LGA officer sees every figure and the full ranking.
	if full := d.RankingFor(ind, st, Viewer{}); full.Of != 11 || full.Bands.Median != st.Display[106] {
		t.Errorf("the full ranking runs over %d councils, median %v", full.Of, full.Bands.Median)
	}
}

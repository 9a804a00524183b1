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
		Pops: map[int]analytics.Populations{}, Values: map[string]map[int]*series{ind.Code: {}}}
	d.initCaches()
	// Councils 101–111, each with 10,000 children; 106 holds 5.
	counts := map[int]float64{101: 1, 102: 2, 103: 3, 104: 4, 105: 4, 106: 5, 107: 60, 108: 70, 109: 80, 110: 90, 111: 100}
	for n, c := range counts {
		d.ByNumber[n] = domain.Council{Number: n, Current: true, RegionCode: "E12000007"}
		d.Pops[n] = analytics.Populations{2023: 10000}
		s := &series{}
		s.set(m.Index(), c)
		d.Values[ind.Code][n] = s
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

// A series grows either way, forgets a month, and reads back what was set.
func TestCompactSeries(t *testing.T) {
	var s series
	for _, idx := range []int{24300, 24305, 24290, 24301} {
		s.set(idx, float64(idx))
	}
	s.set(24305, 1) // replace
	s.del(24300)
	s.del(24299) // not held: nothing happens
	var got []int
	s.each(func(idx int, v float64) {
		got = append(got, idx)
		if want := float64(idx); idx != 24305 && v != want {
			t.Errorf("%d holds %v", idx, v)
		}
	})
	if !slices.Equal(got, []int{24290, 24301, 24305}) || s.len() != 3 {
		t.Errorf("months %v (%d); want 24290 24301 24305", got, s.len())
	}
	if v, ok := s.at(24305); !ok || v != 1 {
		t.Errorf("24305 = %v, %v", v, ok)
	}
	if _, ok := s.at(24300); ok {
		t.Error("a forgotten month is still held")
	}
	if last, ok := s.latest(); !ok || last != 24305 {
		t.Errorf("latest %d", last)
	}
	var none *series
	if _, ok := none.at(1); ok || none.len() != 0 {
		t.Error("a nil series holds something")
	}
}

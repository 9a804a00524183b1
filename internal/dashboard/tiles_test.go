package dashboard

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// tileSnapshot holds, in April of 2017 to 2019, 2023 and 2024, figures
// for Camden (202), Greenwich (203) and Hackney (204), each with 41,912
// children (so 412 referrals are 98.3 per 10,000):
//
//   - referrals and re-referrals: 202 has 412 and 100 in April 2024; 203
//     has 40 and 10 (25%), against 8 of 40 (20%) in 2017–19 and 10 of 40
//     a year before; 204 has no referrals in April 2024 (0), so no
//     percentage;
//   - attendance of all pupils (a percentage): 202 has 94.0 in 2017–19
//     and 91.9 in 2023 and 2024;
//   - new home education: 202 has 4, 5 and 6 in 2017–19 (fewer than 10)
//     and 12 a year before, 82 now.
func tileSnapshot(t *testing.T) *Snapshot {
	t.Helper()
	inds := []domain.Indicator{
		{Code: "EHE_NEW", Area: domain.AreaEHE, Label: "Newly registered for elective home education", Unit: domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "CSC_REFERRALS", Area: domain.AreaSocial, Label: "Referrals to children's social care", Unit: domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomChildren},
		{Code: "CSC_REREFERRALS", Area: domain.AreaSocial, Label: "Re-referrals within 12 months", Unit: domain.UnitCount, Kind: domain.KindFlow, Polarity: domain.HigherWorse, Denominator: domain.DenomReferrals, SubsetOf: "CSC_REFERRALS"},
		{Code: "SEND_ATTEND_ALL", Area: domain.AreaSEND, Label: "Attendance of all pupils", Unit: domain.UnitPercent, Kind: domain.KindFlow, Polarity: domain.HigherBetter, Denominator: domain.DenomNone},
	}
	d := &Snapshot{cfg: Config{}.withDefaults(), Indicators: inds, ByCode: map[string]domain.Indicator{}, ByNumber: map[int]domain.Council{},
		RegionName: map[string]string{"E12000007": "London"}, Regions: []string{"E12000007"}, Pops: map[int]analytics.Populations{},
		Values: map[string]map[int]*series{}, Neighbours: map[int][]int{}}
	d.initCaches()
	for _, ind := range inds {
		d.ByCode[ind.Code] = ind
		d.Values[ind.Code] = map[int]*series{}
	}
	for _, n := range []int{202, 203, 204} {
		co := domain.Council{Number: n, Name: map[int]string{202: "Camden", 203: "Greenwich", 204: "Hackney"}[n], Current: true, RegionCode: "E12000007", RegionName: "London"}
		d.ByNumber[n] = co
		d.Councils, d.All = append(d.Councils, co), append(d.All, co)
		d.Pops[n] = analytics.Populations{2016: 41912, 2017: 41912, 2018: 41912, 2022: 41912, 2023: 41912, 2024: 41912}
	}
	april := func(y int) int { return domain.Month{Year: y, Month: time.April}.Index() }
	put := func(code string, n int, byYear map[int]float64) {
		s := &series{}
		for y, v := range byYear {
			s.set(april(y), v)
		}
		d.Values[code][n] = s
	}
	put("CSC_REFERRALS", 202, map[int]float64{2017: 400, 2018: 400, 2019: 400, 2023: 412, 2024: 412})
	put("CSC_REREFERRALS", 202, map[int]float64{2017: 100, 2018: 100, 2019: 100, 2023: 100, 2024: 100})
	put("CSC_REFERRALS", 203, map[int]float64{2017: 40, 2018: 40, 2019: 40, 2023: 40, 2024: 40})
	put("CSC_REREFERRALS", 203, map[int]float64{2017: 8, 2018: 8, 2019: 8, 2023: 10, 2024: 10})
	put("CSC_REFERRALS", 204, map[int]float64{2024: 0})
	put("CSC_REREFERRALS", 204, map[int]float64{2024: 0})
	put("SEND_ATTEND_ALL", 202, map[int]float64{2017: 94, 2018: 94, 2019: 94, 2023: 91.9, 2024: 91.9})
	put("EHE_NEW", 202, map[int]float64{2017: 4, 2018: 5, 2019: 6, 2023: 12, 2024: 82})
	d.span()
	return d
}

func tileFor(t *testing.T, areas []TileArea, code string) Tile {
	t.Helper()
	for _, a := range areas {
		for _, tl := range a.Tiles {
			if tl.Code == code {
				return tl
			}
		}
	}
	t.Fatalf("no tile %s", code)
	return Tile{}
}

// A tile gives the count beside the rate, changes of a percentage in
// points, no percentage change from a baseline of fewer than 10, and
// never "-0%".
func TestTileValues(t *testing.T) {
	d := tileSnapshot(t)
	t.Run("CountBesideRate", func(t *testing.T) {
		tl := tileFor(t, d.Tiles(202, Viewer{}), "CSC_REFERRALS")
		if tl.Count != "412" || tl.CountNoun != "referrals" || tl.Value != "98.3" || tl.ShortUnit != "per 10,000" || tl.Month != "Apr 2024" {
			t.Errorf("referrals tile %q %q · %q %q (%s); want 412 referrals · 98.3 per 10,000 (Apr 2024)", tl.Count, tl.CountNoun, tl.Value, tl.ShortUnit, tl.Month)
		}
		if !tl.Baseline.OK || tl.Baseline.Text != "+3%" || tl.Baseline.Class != "app-change--worse" {
			t.Errorf("referrals against 2017–19: %+v; want +3%%, worse", tl.Baseline)
		}
		// The same figure a year before is no change, never "+0%".
		if tl.YearAgo.Text != "no change" || tl.YearAgo.Arrow != "→" {
			t.Errorf("referrals a year before: %+v; want no change", tl.YearAgo)
		}
	})
	t.Run("PercentOfReferrals", func(t *testing.T) {
		tl := tileFor(t, d.Tiles(203, Viewer{}), "CSC_REREFERRALS")
		if tl.Value != "25.0" || tl.Unit != "% of referrals" || tl.ShortUnit != "% of referrals" || tl.Count != "10" || tl.CountNoun != "re-referrals" {
			t.Errorf("re-referrals tile %q %q · %q %q; want 10 re-referrals · 25.0 %% of referrals", tl.Count, tl.CountNoun, tl.Value, tl.ShortUnit)
		}
		if tl.Baseline.Text != "+5.0 points" || tl.Baseline.Class != "app-change--worse" {
			t.Errorf("re-referrals against 2017–19 (20%%): %+v; want +5.0 points, worse", tl.Baseline)
		}
		if tl.YearAgo.Text != "no change" {
			t.Errorf("re-referrals a year before (25%%): %+v; want no change", tl.YearAgo)
		}
		// No referrals: no percentage, and no tile figure of 0%.
		if tl := tileFor(t, d.Tiles(204, Viewer{}), "CSC_REREFERRALS"); tl.Value != "" {
			t.Errorf("with no referrals the re-referrals tile shows %q", tl.Value)
		}
	})
	t.Run("PointsForPercentages", func(t *testing.T) {
		tl := tileFor(t, d.Tiles(202, Viewer{}), "SEND_ATTEND_ALL")
		if tl.Value != "91.9" || tl.Count != "" || tl.ShortUnit != "%" {
			t.Errorf("attendance tile %q %q %q; want 91.9%% and no count", tl.Value, tl.ShortUnit, tl.Count)
		}
		if tl.Baseline.Text != "-2.1 points" || tl.Baseline.Class != "app-change--worse" || !strings.Contains(tl.Baseline.Words, "down") {
			t.Errorf("attendance against 2017–19: %+v; want -2.1 points, down, worse", tl.Baseline)
		}
	})
	t.Run("SmallBaseline", func(t *testing.T) {
		tl := tileFor(t, d.Tiles(202, Viewer{}), "EHE_NEW")
		if tl.Baseline.OK || tl.Baseline.Why != "Too few children in 2017–19 for a percentage change" {
			t.Errorf("new home education against a baseline of 5 children: %+v; want no change, with why", tl.Baseline)
		}
		// A year before, 12 children: enough, and 82 is "6.8 times",
		// never "+583%".
		if !tl.YearAgo.OK || tl.YearAgo.Text != "6.8 times" {
			t.Errorf("new home education a year before (12 → 82): %+v; want 6.8 times", tl.YearAgo)
		}
	})
	t.Run("NoMinusZero", func(t *testing.T) {
		ind := d.ByCode["CSC_REFERRALS"]
		for _, rel := range []float64{-0.004, 0.004, -0.0049} {
			if ch := ChangeOf(ind, rel, true); ch.Text != "no change" || ch.Class != "app-change--flat" {
				t.Errorf("ChangeOf(%v) = %+v; want no change", rel, ch)
			}
		}
		if ch := PointsOf(d.ByCode["SEND_ATTEND_ALL"], -0.04, true); ch.Text != "no change" {
			t.Errorf("PointsOf(-0.04) = %+v; want no change", ch)
		}
		if ch := ChangeOf(ind, -0.006, true); ch.Text != "-1%" || ch.Arrow != "↓" {
			t.Errorf("ChangeOf(-0.006) = %+v; want -1%%", ch)
		}
	})
}

// Re-referrals are shown as a percentage of the same council-month's
// referrals; England and regions are the sum of re-referrals over the sum
// of referrals, not a mean of percentages; a council with no referrals has
// no figure and takes no part.
func TestReReferralsArePercentOfReferrals(t *testing.T) {
	d := tileSnapshot(t)
	ind := d.ByCode["CSC_REREFERRALS"]
	m := domain.Month{Year: 2024, Month: time.April}
	st := d.MonthStats(ind, m)
	if got := st.Display[203]; math.Abs(got-25) > 1e-9 {
		t.Errorf("Greenwich: %v; want 25 (10 of 40 referrals)", got)
	}
	if _, ok := st.Display[204]; ok {
		t.Error("Hackney, with no referrals, has a percentage")
	}
	want := 110.0 / 452 * 100
	if !st.England.OK || math.Abs(st.England.Value-want) > 1e-9 || st.England.N != 2 || st.England.Total != 110 {
		t.Errorf("England %+v; want %.4f%% (110 of 452), from 2 councils", st.England, want)
	}
	cmp := d.Compare(Viewer{}, ind, m, 203)
	if cmp.DisplayUnit != "% of referrals" || !strings.Contains(cmp.Note, "sum of re-referrals within 12 months over the sum of referrals") {
		t.Errorf("comparison unit %q, note %q", cmp.DisplayUnit, cmp.Note)
	}
	for _, r := range cmp.Councils {
		if r.Number == 203 && (r.Shown.Value != 25 || r.Value.Value != 10 || r.Rate.OK) {
			t.Errorf("Greenwich's row %+v; want shown 25, value 10, no rate", r)
		}
	}
	// The read model's own series and the profile's figures agree.
	if got, _ := d.ShownSeries(ind, 203).At(m); got != 25 {
		t.Errorf("shown series %v; want 25", got)
	}
	cf, err := d.CouncilFigures(203, Viewer{})
	if err != nil {
		t.Fatal(err)
	}
	pts := cf.Points["CSC_REREFERRALS"]
	if last := pts[len(pts)-1]; !last.Displayed || last.Display != 25 || last.Value != 10 {
		t.Errorf("council figures %+v; want 10 shown as 25", last)
	}
}

// The tiles' population caveat is one sentence for the page.
func TestTilesCaveat(t *testing.T) {
	areas := []TileArea{{Tiles: []Tile{{CarriedYear: 2024, WantedYear: 2025}, {}}}, {Tiles: []Tile{{CarriedYear: 2024, WantedYear: 2025}}}}
	want := "Rates per 10,000 children use the ONS mid-2024 population estimate, carried forward because it is the latest published: the mid-2025 estimate is not out yet."
	if got := TilesCaveat(areas); got != want {
		t.Errorf("caveat %q; want %q", got, want)
	}
	if got := TilesCaveat([]TileArea{{Tiles: []Tile{{}}}}); got != "" {
		t.Errorf("with nothing carried forward: %q", got)
	}
}

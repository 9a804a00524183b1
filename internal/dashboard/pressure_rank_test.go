package dashboard

import (
	"slices"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// rankSnapshot is five councils in two regions and two indicators, with
// a month in which four have figures.
func rankSnapshot() (*Snapshot, *Pressure) {
	d := &Snapshot{ByNumber: map[int]domain.Council{}, RegionName: map[string]string{"E1": "North", "E2": "South"}, Regions: []string{"E1", "E2"},
		ByCode: map[string]domain.Indicator{"REF": {Code: "REF", Area: domain.AreaSocial}, "VAC": {Code: "VAC", Area: domain.AreaWorkforce}},
		First:  domain.Month{Year: 2024, Month: time.January}, Last: domain.Month{Year: 2024, Month: time.April}}
	for _, c := range []domain.Council{{Number: 1, Name: "Ash", RegionCode: "E1"}, {Number: 2, Name: "Birch", RegionCode: "E1"},
		{Number: 3, Name: "Cedar", RegionCode: "E2"}, {Number: 4, Name: "Alder", RegionCode: "E2"}, {Number: 5, Name: "Elm", RegionCode: "E2"}} {
		d.ByNumber[c.Number] = c
	}
	pt := func(n int, ind string, sev float64) analytics.PressureCell {
		return analytics.PressureCell{Council: n, Indicator: ind, Flagged: true, Severity: sev}
	}
	// Ash and Birch both show 20.0: Birch has two points, Ash one, so
	// Birch ranks first. Cedar and Alder both show 0.0 with no points:
	// by name, Alder first. Elm has no figures and is not ranked.
	p := &Pressure{Demand: map[int]float64{1: 20.04, 2: 19.96, 3: 0, 4: 0}, Councils: map[int]bool{1: true, 2: true, 3: true, 4: true},
		Result: analytics.PressureResult{Points: []analytics.PressureCell{pt(2, "REF", 0.9), pt(1, "REF", 1), pt(2, "VAC", 0.5)}}}
	return d, p
}

func TestRankCouncilsBreaksTies(t *testing.T) {
	d, p := rankSnapshot()
	ranked := d.RankCouncils(p)
	var names []string
	for i, r := range ranked {
		names = append(names, r.Council.Name)
		if r.Rank != i+1 {
			t.Errorf("%s ranked %d at place %d", r.Council.Name, r.Rank, i+1)
		}
	}
	if want := []string{"Birch", "Ash", "Alder", "Cedar"}; !slices.Equal(names, want) {
		t.Fatalf("ranking %v; want %v", names, want)
	}
	if ranked[0].Shown != 20 || len(ranked[0].Points) != 2 || ranked[0].Points[0].Severity != 0.9 {
		t.Errorf("Birch: %+v", ranked[0])
	}
	// Filtering to the workforce area keeps Birch's one workforce point
	// and the national ranks; filtering to a region keeps its councils.
	kept := d.RankedFor(PressureFilter{Area: domain.AreaWorkforce}, ranked)
	if len(kept) != 4 || len(kept[0].Points) != 1 || kept[0].Points[0].Indicator != "VAC" || len(kept[1].Points) != 0 {
		t.Errorf("workforce only: %+v", kept)
	}
	south := d.RankedFor(PressureFilter{Region: "E2"}, ranked)
	if len(south) != 2 || south[0].Council.Name != "Alder" || south[0].Rank != 3 {
		t.Errorf("South: %+v", south)
	}
}

func TestRegionCountsPerCouncil(t *testing.T) {
	d, p := rankSnapshot()
	got := d.RegionCounts(p)
	if len(got) != 3 {
		t.Fatalf("%d rows; want North, South and England", len(got))
	}
	north, south, england := got[0], got[1], got[2]
	social := slices.Index(domain.Areas, domain.AreaSocial)
	workforce := slices.Index(domain.Areas, domain.AreaWorkforce)
	// North: two councils with figures, three points: 1.5 each.
	if north.Name != "North" || north.Councils != 2 || north.Total != 3 || north.ByArea[social] != 2 || north.ByArea[workforce] != 1 || north.PerCouncil(north.Total) != 1.5 {
		t.Errorf("North: %+v", north)
	}
	// South: Elm has no figures this month, so two councils, not three.
	if south.Councils != 2 || south.Total != 0 || south.PerCouncil(south.Total) != 0 {
		t.Errorf("South: %+v", south)
	}
	if england.Name != "England" || england.Councils != 4 || england.Total != 3 || england.PerCouncil(england.Total) != 0.75 {
		t.Errorf("England: %+v", england)
	}
	if (RegionCount{}).PerCouncil(3) != 0 {
		t.Error("a region with no councils has points per council")
	}
}

func TestPressureMonthsNewestFirst(t *testing.T) {
	d, _ := rankSnapshot()
	var got []string
	for _, m := range d.PressureMonths() {
		got = append(got, m.Label())
	}
	if want := []string{"Apr 2024", "Mar 2024", "Feb 2024", "Jan 2024"}; !slices.Equal(got, want) {
		t.Fatalf("months %v; want %v", got, want)
	}
	if (&Snapshot{}).PressureMonths() != nil {
		t.Error("an empty snapshot has months")
	}
}

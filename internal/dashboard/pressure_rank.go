package dashboard

import (
	"cmp"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// PressureMonths lists the months the figures cover, newest first: the
// months an officer may pick on the pressure overview.
func (d *Snapshot) PressureMonths() []domain.Month {
	if d.Last.IsZero() {
		return nil
	}
	var out []domain.Month
	for m := d.Last; !m.Before(d.First); m = m.Add(-1) {
		out = append(out, m)
	}
	return out
}

// CouncilPressure is one council's place in the ranking by demand
// pressure, with its pressure points, most severe first.
type CouncilPressure struct {
	// Rank is the council's place among every council with figures in
	// the month, 1 for the highest demand pressure; no two share one.
	Rank    int
	Council domain.Council
	// Demand is the demand pressure (0 to 100), Shown the same to one
	// decimal place as the page shows it and the ranking compares it.
	Demand float64
	Shown  float64
	Points []analytics.PressureCell
}

// RankCouncils ranks every council with figures in the month by demand
// pressure as shown (one decimal place), highest first; councils showing
// the same pressure go by more pressure points first, then by name. Each
// carries its points, most severe first.
func (d *Snapshot) RankCouncils(p *Pressure) []CouncilPressure {
	byCouncil := map[int][]analytics.PressureCell{}
	for _, pt := range p.Result.Points {
		byCouncil[pt.Council] = append(byCouncil[pt.Council], pt)
	}
	var out []CouncilPressure
	for n := range p.Councils {
		co, ok := d.ByNumber[n]
		if !ok {
			continue
		}
		out = append(out, CouncilPressure{Council: co, Demand: p.Demand[n], Shown: RoundTo(p.Demand[n], 1), Points: byCouncil[n]})
	}
	slices.SortFunc(out, func(a, b CouncilPressure) int {
		return cmp.Or(cmp.Compare(b.Shown, a.Shown), cmp.Compare(len(b.Points), len(a.Points)),
			cmp.Compare(a.Council.Name, b.Council.Name), cmp.Compare(a.Council.Number, b.Council.Number))
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// RankedFor keeps the ranked councils the filter keeps (by region), each
// with only the points in the filter's area; ranks stay national.
func (d *Snapshot) RankedFor(f PressureFilter, ranked []CouncilPressure) []CouncilPressure {
	var out []CouncilPressure
	for _, r := range ranked {
		if f.Region != "" && r.Council.RegionCode != f.Region {
			continue
		}
		if f.Area != "" {
			var pts []analytics.PressureCell
			for _, pt := range r.Points {
				if d.ByCode[pt.Indicator].Area == f.Area {
					pts = append(pts, pt)
				}
			}
			r.Points = pts
		}
		out = append(out, r)
	}
	return out
}

// RegionCount is the pressure points of one region's councils in a month,
// by area (in the order of domain.Areas), with the number of its councils
// that have figures that month so that regions of different size compare.
type RegionCount struct {
	Code, Name string
	Councils   int
	ByArea     []int
	Total      int
}

// PerCouncil is n pressure points shared among the region's councils; 0
// when it has none with figures.
func (r RegionCount) PerCouncil(n int) float64 {
	if r.Councils == 0 {
		return 0
	}
	return float64(n) / float64(r.Councils)
}

// RegionCounts counts the month's pressure points by region and area, in
// the order of Regions, and England's (code "") last.
func (d *Snapshot) RegionCounts(p *Pressure) []RegionCount {
	idx := map[string]int{}
	out := make([]RegionCount, 0, len(d.Regions)+1)
	for _, code := range d.Regions {
		idx[code] = len(out)
		out = append(out, RegionCount{Code: code, Name: d.RegionName[code], ByArea: make([]int, len(domain.Areas))})
	}
	england := RegionCount{Name: "England", ByArea: make([]int, len(domain.Areas))}
	for n := range p.Councils {
		co, ok := d.ByNumber[n]
		if !ok {
			continue
		}
		england.Councils++
		if i, ok := idx[co.RegionCode]; ok {
			out[i].Councils++
		}
	}
	for _, pt := range p.Result.Points {
		co, ok := d.ByNumber[pt.Council]
		a := slices.Index(domain.Areas, d.ByCode[pt.Indicator].Area)
		if !ok || a < 0 {
			continue
		}
		england.ByArea[a]++
		england.Total++
		if i, ok := idx[co.RegionCode]; ok {
			out[i].ByArea[a]++
			out[i].Total++
		}
	}
	return append(out, england)
}

package dashboard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// NeighbourData is the selected council and each of its statistical
// neighbours over the three years to a month, as v may see them: the one
// source for the chart, its table and its downloads, so they agree.
type NeighbourData struct {
	Months   []domain.Month
	Councils []domain.Council
	// Values[i][j] is council i in month j: a shown value, "c" (D1) or
	// missing.
	Values  [][]Figure
	Missing string
	Note    string
}

func (d *Snapshot) NeighbourSeries(v Viewer, ind domain.Indicator, m domain.Month, council int) *NeighbourData {
	first := m.Add(-35)
	if first.Before(d.First) {
		first = d.First
	}
	nd := &NeighbourData{Months: domain.MonthsBetween(first, m)}
	nd.Councils = append(nd.Councils, d.ByNumber[council])
	for _, n := range d.Neighbours[council] {
		if co, ok := d.ByNumber[n]; ok {
			nd.Councils = append(nd.Councils, co)
		}
	}
	var gaps, none []string
	carriedFrom, carriedYears := domain.Month{}, []int{}
	for _, co := range nd.Councils {
		vals := make([]Figure, len(nd.Months))
		s := d.Values[ind.Code][co.Number]
		var missing []domain.Month
		for j, mm := range nd.Months {
			raw, ok := s.at(mm.Index())
			switch {
			case !ok && !co.ExistedIn(mm):
				// before the council began, or after it ended
			case !ok:
				missing = append(missing, mm)
			case v.Suppressed(ind, co.Number, raw):
				vals[j] = Figure{Suppressed: true}
			default:
				if shown, ok := d.Display(ind, co.Number, mm, raw); ok {
					vals[j] = Figure{shown, true, false}
					if _, year, carried, ok := d.Pops[co.Number].PopulationFor(mm); ind.PerChildren() && ok && carried {
						if carriedFrom.IsZero() || mm.Before(carriedFrom) {
							carriedFrom = mm
						}
						if !slices.Contains(carriedYears, year) {
							carriedYears = append(carriedYears, year)
						}
					}
				}
			}
		}
		switch {
		case len(missing) == len(nd.Months):
			none = append(none, co.Name)
		case len(missing) > 0:
			gaps = append(gaps, co.Name+" in "+MonthList(missing))
		}
		nd.Values = append(nd.Values, vals)
	}
	if len(none) > 0 {
		gaps = append(gaps, JoinNames(none)+" in any of these months")
	}
	nd.Missing = strings.Join(gaps, "; ")
	nd.Note = "Source: monthly returns."
	if len(nd.Councils) == 1 {
		nd.Note += " " + nd.Councils[0].Name + " has no statistical neighbours: DfE's 2025 model covers only the councils that exist now."
	}
	if ind.PerChildren() {
		nd.Note += " Rates are per 10,000 children aged 0 to 17, using the ONS mid-year estimate for the year in which the month's financial year began."
		if len(carriedYears) > 0 {
			slices.Sort(carriedYears)
			mids := make([]string, len(carriedYears))
			for i, y := range carriedYears {
				mids[i] = fmt.Sprintf("mid-%d", y)
			}
			nd.Note += fmt.Sprintf(" From %s that estimate is not published yet, so the latest (%s) is carried forward.", carriedFrom.Label(), strings.Join(mids, ", "))
		}
	}
	if v.Restricted {
		nd.Note += " Other councils' counts of 1 to 5 are shown as c and left out of the chart."
	}
	return nd
}

// JoinNames writes "A", "A and B" or "A, B and C".
func JoinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// MonthList names months as people read them, the first twelve and how
// many more.
func MonthList(ms []domain.Month) string {
	const most = 12
	parts := make([]string, 0, min(len(ms), most))
	for i, m := range ms {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(ms)-most))
			break
		}
		parts = append(parts, m.Label())
	}
	return strings.Join(parts, ", ")
}

package dashboard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// CompareRow is one council in a comparison.
type CompareRow struct {
	Number    int    `json:"la_number"`
	Name      string `json:"name"`
	Region    string `json:"region"`
	Value     Figure `json:"value"`
	Rate      Figure `json:"rate_per_10000_children,omitempty"`
	Shown     Figure `json:"shown"`
	Rank      any    `json:"rank"`
	Band      string `json:"band"`
	Selected  bool   `json:"selected,omitempty"`
	Neighbour bool   `json:"neighbour,omitempty"`
	// Ended is, for a former council, the last month it existed.
	Ended string `json:"ended,omitempty"`
}

// Comparison is every council's figure for one indicator and month, with
// the aggregates: the one source for the compare page, its API, and its
// CSV and xlsx downloads, so they always agree.
type Comparison struct {
	Indicator   domain.Indicator `json:"indicator"`
	Month       string           `json:"month"`
	DisplayUnit string           `json:"display_unit"`
	Source      string           `json:"source"`
	Demo        bool             `json:"demonstration"`
	Council     int              `json:"selected_council,omitempty"`
	Quartiles   *Quartiles       `json:"quartiles,omitempty"`
	England     AggregateView    `json:"england"`
	Regions     []AggregateView  `json:"regions"`
	Councils    []CompareRow     `json:"councils"`
	// RankedOf is how many councils the ranks run over.
	RankedOf int    `json:"ranked_of"`
	Note     string `json:"note"`
	// PopulationNote says when the month's rates use a population
	// estimate carried forward because its own is not published yet.
	PopulationNote string `json:"population_note,omitempty"`
}

// Quartiles are the thresholds of the quartile bands.
type Quartiles struct {
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
}

// AggregateView is a regional or England figure as shown.
type AggregateView struct {
	Code     string `json:"code,omitempty"`
	Name     string `json:"name"`
	Value    Figure `json:"value"`
	Total    Figure `json:"total,omitempty"`
	Councils int    `json:"councils"`
}

// Compare assembles the comparison of one indicator in month m as v may
// see it, with council picked out (0 for none).
func (d *Snapshot) Compare(v Viewer, ind domain.Indicator, m domain.Month, council int) *Comparison {
	st := d.MonthStats(ind, m)
	rk := d.RankingFor(ind, st, v)
	cmp := &Comparison{Indicator: ind, Month: m.String(), DisplayUnit: ind.DisplayUnit(), Source: "monthly returns", Demo: d.Demo,
		Council: council, RankedOf: rk.Of}
	if rk.BandsOK {
		cmp.Quartiles = &Quartiles{Q1: RoundTo(rk.Bands.Q1, 4), Median: RoundTo(rk.Bands.Median, 4), Q3: RoundTo(rk.Bands.Q3, 4)}
	}
	eng, regions := st.England, st.Region
	if v.Restricted {
		eng, regions = st.EnglandRounded, st.RegionRounded
	}
	cmp.England = AggregateView{Code: "E92000001", Name: "England", Value: Figure{eng.Value, eng.OK, false}, Councils: eng.N}
	if ind.PerChildren() || ind.PercentOf() != "" {
		cmp.England.Total = Figure{eng.Total, eng.OK, false}
	}
	for _, code := range d.Regions {
		a := regions[code]
		av := AggregateView{Code: code, Name: d.RegionName[code], Value: Figure{a.Value, a.OK, false}, Councils: a.N}
		if ind.PerChildren() || ind.PercentOf() != "" {
			av.Total = Figure{a.Total, a.OK, false}
		}
		cmp.Regions = append(cmp.Regions, av)
	}
	nbs := d.Neighbours[council]
	for _, co := range d.Existing(m) {
		row := CompareRow{Number: co.Number, Name: co.Name, Region: co.RegionName, Selected: co.Number == council,
			Neighbour: slices.Contains(nbs, co.Number), Rank: nil}
		if !co.Current {
			row.Ended = co.LastMonth().String()
		}
		count, ok := st.Count[co.Number]
		if ok {
			hide := v.Suppressed(ind, co.Number, count)
			row.Value = Figure{count, true, hide}
			shown, shownOK := st.Display[co.Number]
			if ind.PerChildren() {
				row.Rate = Figure{shown, shownOK, hide}
			}
			row.Shown = Figure{shown, shownOK, hide}
			switch {
			case hide:
				row.Rank, row.Band = analytics.SuppressedMarker, analytics.SuppressedMarker
			case shownOK:
				row.Rank, row.Band = rk.Ranks[co.Number], rk.Band[co.Number]
			}
		}
		cmp.Councils = append(cmp.Councils, row)
	}
	slices.SortStableFunc(cmp.Councils, func(a, b CompareRow) int { return rankOrder(a) - rankOrder(b) })
	cmp.Note = fmt.Sprintf("%s, %s. Source: monthly returns. Rank 1 is %s; quartile band A is the best quarter of councils%s. %s",
		ind.Label, m.Label(), RankMeaning(ind), neutralNote(ind), AggregateNote(ind))
	if ind.PerChildren() {
		cmp.Note += " Rates are per 10,000 children aged 0 to 17, using the ONS mid-year estimate for the year in which the month's financial year began."
		cmp.PopulationNote = d.CarriedNote(m, st.Count)
		if cmp.PopulationNote != "" {
			cmp.Note += " " + cmp.PopulationNote
		}
	}
	if v.Restricted {
		cmp.Note += " Other councils' counts of 1 to 5 are shown as c, and regional and England totals are rounded to the nearest 10."
		if rk.Of < len(st.Display) {
			cmp.Note += " Ranks, bands and quartiles run over the councils whose figures are shown."
		}
	}
	return cmp
}

// AggregateNote says how England and regional figures of an indicator are
// made.
func AggregateNote(ind domain.Indicator) string {
	switch {
	case ind.PercentOf() != "":
		return fmt.Sprintf("Each figure is %s as a percentage of the same month's %s; England and regional figures are the sum of %s over the sum of %s, not averages of percentages.",
			strings.ToLower(ind.Label), ind.DenominatorNoun(), strings.ToLower(ind.Label), ind.DenominatorNoun())
	case ind.PerChildren():
		return "England and regional figures are sums of counts over sums of children, not averages of rates."
	}
	return "England and regional figures are means of the councils' figures weighted by their children's population."
}

// CarriedNote says which population estimates are carried forward for the
// rates of the councils with a figure in month m, or "" when each one's
// own estimate is published.
func (d *Snapshot) CarriedNote(m domain.Month, councils map[int]float64) string {
	var years []int
	for n := range councils {
		if _, year, carried, ok := d.Pops[n].PopulationFor(m); ok && carried && !slices.Contains(years, year) {
			years = append(years, year)
		}
	}
	if len(years) == 0 {
		return ""
	}
	slices.Sort(years)
	mids := make([]string, len(years))
	for i, y := range years {
		mids[i] = fmt.Sprintf("mid-%d", y)
	}
	return fmt.Sprintf("The mid-%d estimate for %s is not published yet, so the latest published (%s) is carried forward.",
		m.FinancialYearStart(), m.Label(), strings.Join(mids, ", "))
}

func rankOrder(r CompareRow) int {
	if n, ok := r.Rank.(int); ok {
		return n
	}
	return 1 << 20
}

// RankMeaning says which value ranks first.
func RankMeaning(ind domain.Indicator) string {
	switch ind.Polarity {
	case domain.HigherWorse:
		return "the lowest value (higher is worse)"
	case domain.HigherBetter:
		return "the highest value (higher is better)"
	}
	return "the highest value"
}

func neutralNote(ind domain.Indicator) string {
	if ind.Polarity == domain.Neutral {
		return " (for this indicator neither direction is better: A is simply the highest quarter)"
	}
	return ""
}

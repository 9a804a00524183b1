package dashboard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// ComparisonPoint is one month of a council's comparison in numbers.
type ComparisonPoint struct {
	Month           string `json:"month"`
	Council         Figure `json:"council"`
	NeighboursQ1    Figure `json:"neighbours_lower_quartile"`
	NeighboursMed   Figure `json:"neighbours_median"`
	NeighboursQ3    Figure `json:"neighbours_upper_quartile"`
	NeighboursMean  Figure `json:"neighbours_mean"`
	NeighboursMin   Figure `json:"neighbours_min"`
	NeighboursMax   Figure `json:"neighbours_max"`
	NeighboursCount int    `json:"neighbours_reporting"`
	Region          Figure `json:"region"`
	England         Figure `json:"england"`
	Official        Figure `json:"official,omitempty"`
}

// ComparisonRow is one month of a council's comparison as its table shows
// it, newest first.
type ComparisonRow struct {
	Month                                                        string
	Council, Median, Q1, Q3, Mean, Range, Region, England, Offic string
}

// ContextLine is a former council's figures drawn beside its successor's.
type ContextLine struct {
	Name   string
	Values []*float64
}

// CouncilComparison is one indicator for a council against its
// neighbours' median and middle half, its region, England and DfE's
// published figures, month by month, as a viewer may see it: the numbers
// behind the profile's main chart, its table, downloads and the series
// API.
type CouncilComparison struct {
	Council   domain.Council
	Indicator domain.Indicator
	Months    []domain.Month
	// One value per month, nil where there is none.
	Own, Median, Q1, Q3, Region, England, OfficialValues []*float64
	// Context holds the predecessors' lines; Predecessors their names.
	Context      []ContextLine
	Predecessors []string
	Rows         []ComparisonRow
	Points       []ComparisonPoint
	// Official is true when any month has DfE's figure.
	Official bool
	// Missing lists the months the council existed with no figure.
	Missing      []domain.Month
	NoNeighbours string
	Note         string
}

// CouncilComparison assembles council's comparison for one indicator over
// first to last, as v may see it.
func (d *Snapshot) CouncilComparison(v Viewer, ind domain.Indicator, council int, first, last domain.Month) *CouncilComparison {
	co := d.ByNumber[council]
	months := domain.MonthsBetween(first, last)
	n := len(months)
	cc := &CouncilComparison{Council: co, Indicator: ind, Months: months, Own: make([]*float64, n), Median: make([]*float64, n),
		Q1: make([]*float64, n), Q3: make([]*float64, n), Region: make([]*float64, n), England: make([]*float64, n), OfficialValues: make([]*float64, n)}
	offByMonth := d.OfficialByMonth(ind, council)
	p := func(x float64) *float64 { x = RoundTo(x, 2); return &x }
	carriedFrom, carriedYear := domain.Month{}, 0
	for i, m := range months {
		row := ComparisonRow{Month: m.Label()}
		pt := ComparisonPoint{Month: m.String()}
		if ind.PerChildren() && carriedYear == 0 {
			if _, year, carried, ok := d.Pops[council].PopulationFor(m); ok && carried {
				carriedFrom, carriedYear = m, year
			}
		}
		raw, ok := d.Values[ind.Code][council].at(m.Index())
		switch {
		case !ok && co.ExistedIn(m):
			cc.Missing = append(cc.Missing, m)
		case ok && v.Suppressed(ind, council, raw):
			row.Council, pt.Council = analytics.SuppressedMarker, Figure{Suppressed: true}
		case ok:
			if shown, ok := d.Display(ind, council, m, raw); ok {
				cc.Own[i], pt.Council = p(shown), Known(shown)
				row.Council = strconv.FormatFloat(RoundTo(shown, 1), 'f', 1, 64)
			}
		}
		var nbVals []float64
		for _, nb := range d.Neighbours[council] {
			raw, ok := d.Values[ind.Code][nb].at(m.Index())
			if !ok || v.Suppressed(ind, nb, raw) {
				continue
			}
			if shown, ok := d.Display(ind, nb, m, raw); ok {
				nbVals = append(nbVals, shown)
			}
		}
		if st, ok := analytics.Summarise(nbVals); ok && st.N >= 3 {
			cc.Median[i], cc.Q1[i], cc.Q3[i] = p(st.Median), p(st.Q1), p(st.Q3)
			pt.NeighboursQ1, pt.NeighboursMed, pt.NeighboursQ3 = Known(st.Q1), Known(st.Median), Known(st.Q3)
			pt.NeighboursMean, pt.NeighboursMin, pt.NeighboursMax = Known(st.Mean), Known(st.Min), Known(st.Max)
			pt.NeighboursCount = st.N
			row.Median, row.Q1, row.Q3 = fmt.Sprintf("%.1f", st.Median), fmt.Sprintf("%.1f", st.Q1), fmt.Sprintf("%.1f", st.Q3)
			row.Mean, row.Range = fmt.Sprintf("%.1f", st.Mean), fmt.Sprintf("%.1f to %.1f", st.Min, st.Max)
		}
		st := d.MonthStats(ind, m)
		eng, reg := st.England, st.Region[co.RegionCode]
		if v.Restricted {
			eng, reg = st.EnglandRounded, st.RegionRounded[co.RegionCode]
		}
		pt.Region, pt.England = Figure{reg.Value, reg.OK, false}, Figure{eng.Value, eng.OK, false}
		if reg.OK {
			cc.Region[i] = p(reg.Value)
			row.Region = fmt.Sprintf("%.1f", reg.Value)
		}
		if eng.OK {
			cc.England[i] = p(eng.Value)
			row.England = fmt.Sprintf("%.1f", eng.Value)
		}
		if o, ok := offByMonth[m.Index()]; ok {
			cc.OfficialValues[i], pt.Official = p(o), Known(o)
			row.Offic = fmt.Sprintf("%.1f", o)
			cc.Official = true
		}
		cc.Rows = append(cc.Rows, row)
		cc.Points = append(cc.Points, pt)
	}
	for i, j := 0, len(cc.Rows)-1; i < j; i, j = i+1, j-1 {
		cc.Rows[i], cc.Rows[j] = cc.Rows[j], cc.Rows[i]
	}
	// A successor shows each predecessor's figures, in the same unit, as
	// a context line up to the predecessor's last month.
	for _, pred := range d.predecessors[council] {
		vals := make([]*float64, n)
		any := false
		for i, m := range months {
			raw, ok := d.Values[ind.Code][pred.Number].at(m.Index())
			if !ok || !pred.ExistedIn(m) || v.Suppressed(ind, pred.Number, raw) {
				continue
			}
			if shown, ok := d.Display(ind, pred.Number, m, raw); ok {
				vals[i], any = p(shown), true
			}
		}
		if any {
			cc.Context = append(cc.Context, ContextLine{Name: pred.Name + " (predecessor, to " + pred.LastMonth().Label() + ")", Values: vals})
			cc.Predecessors = append(cc.Predecessors, pred.Name)
		}
	}
	cc.Note = "Source: monthly returns. " + AggregateNote(ind) + " " +
		"The shaded band is the middle half of the council's ten statistical neighbours (DfE 2025 model), between their lower and upper quartiles; LAIT shows their mean instead."
	if len(d.Neighbours[council]) == 0 {
		cc.NoNeighbours = co.Name + " has no statistical neighbours: DfE's 2025 model covers only the councils that exist now, so the chart compares it with its region and England alone."
		cc.Note = "Source: monthly returns. " + AggregateNote(ind) + " " + cc.NoNeighbours
	}
	if len(cc.Predecessors) > 0 {
		cc.Note += " Dashed context lines are the figures of the councils " + co.Name + " replaced (" + strings.Join(cc.Predecessors, ", ") + "), up to their last month."
	}
	if cc.Official {
		cc.Note += " Diamonds are DfE's published annual figures (" + OfficialNote(ind) + ")."
	}
	if ind.PerChildren() {
		cc.Note += " Rates are per 10,000 children aged 0 to 17, using the ONS mid-year estimate for the year in which the month's financial year began."
		if carriedYear > 0 {
			cc.Note += fmt.Sprintf(" From %s that estimate is not published yet, so the latest (mid-%d) is carried forward.", carriedFrom.Label(), carriedYear)
		}
	}
	switch {
	case v.Restricted && council != v.Own:
		cc.Note += " " + co.Name + "'s counts of 1 to 5 are shown as c and left out of the chart, neighbours' counts of 1 to 5 are left out of their figures, and regional and England totals are rounded to the nearest 10."
	case v.Restricted:
		cc.Note += " Neighbours' counts of 1 to 5 are left out, and regional and England totals are rounded to the nearest 10."
	}
	return cc
}

// OfficialNote says how an annual official figure is placed among monthly
// ones.
func OfficialNote(ind domain.Indicator) string {
	switch {
	case ind.PercentOf() != "":
		return "the year's percentage, at the March that ends the year"
	case ind.Kind == domain.KindFlow:
		return "the year's total divided by 12, at the March that ends the year"
	case ind.Unit != domain.UnitCount:
		return "at 30 September each year"
	}
	return "at 31 March each year"
}

// OfficialByMonth places a council's official annual figures on the
// monthly axis, in the indicator's displayed unit.
func (d *Snapshot) OfficialByMonth(ind domain.Indicator, council int) map[int]float64 {
	out := map[int]float64{}
	area := strconv.Itoa(council)
	for _, o := range d.Official[ind.Code] {
		if o.Area != area || o.Value == nil {
			continue
		}
		m, err := domain.ParseMonth(o.PeriodEnd[:min(7, len(o.PeriodEnd))])
		if err != nil {
			continue
		}
		v := *o.Value
		if ind.PercentOf() != "" {
			// DfE publishes the year's percentage: it is already in the
			// displayed unit.
			out[m.Index()] = v
			continue
		}
		if ind.Kind == domain.KindFlow {
			v /= 12
		}
		if shown, ok := d.Display(ind, council, m, v); ok {
			out[m.Index()] = shown
		}
	}
	return out
}

// CouncilFigures is everything a council's profile, its CSV files and the
// series API draw on: its figures by indicator as a viewer may see them.
type CouncilFigures struct {
	Council    domain.Council
	Pops       analytics.Populations
	Indicators []domain.Indicator
	// Points holds each indicator's figures in month order.
	Points   map[string][]analytics.Point
	First    domain.Month
	Last     domain.Month
	Timeline []domain.TimelineEvent
}

// CouncilFigures returns council n's figures as v may see them (D1: other
// councils' counts of 1 to 5, and rates on them, marked suppressed).
func (d *Snapshot) CouncilFigures(n int, v Viewer) (*CouncilFigures, error) {
	co, ok := d.ByNumber[n]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %d.", n)
	}
	cf := &CouncilFigures{Council: co, Indicators: d.Indicators, Pops: d.Pops[n], Points: map[string][]analytics.Point{}, Timeline: d.Timeline}
	if cf.Pops == nil {
		cf.Pops = analytics.Populations{}
	}
	for _, ind := range d.Indicators {
		s := d.Values[ind.Code][n]
		obs := make([]domain.Observation, 0, s.len())
		s.each(func(idx int, v float64) {
			obs = append(obs, domain.Observation{Council: n, Indicator: ind.Code, Month: MonthOfIndex(idx).String(), Value: v})
		})
		var of func(domain.Month) (float64, bool)
		if code := ind.PercentOf(); code != "" {
			den := d.Values[code][n]
			of = func(m domain.Month) (float64, bool) { return den.at(m.Index()) }
		}
		pts := analytics.PresentOf(ind, obs, cf.Pops, of)
		for i := range pts {
			if v.Suppressed(ind, n, pts[i].Value) {
				pts[i].Suppressed, pts[i].Displayed, pts[i].Display = true, false, 0
			}
		}
		cf.Points[ind.Code] = pts
		if len(pts) > 0 {
			if cf.First.IsZero() || pts[0].Month.Before(cf.First) {
				cf.First = pts[0].Month
			}
			if last := pts[len(pts)-1].Month; cf.Last.IsZero() || cf.Last.Before(last) {
				cf.Last = last
			}
		}
	}
	return cf, nil
}

// Links names councils by LA number, in the order given, skipping any
// unknown.
func (d *Snapshot) Links(numbers []int) []domain.Council {
	out := make([]domain.Council, 0, len(numbers))
	for _, n := range numbers {
		if co, ok := d.ByNumber[n]; ok {
			out = append(out, co)
		}
	}
	return out
}

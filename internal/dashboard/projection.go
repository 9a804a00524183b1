package dashboard

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/forecast"
)

// ProjectionHorizon is how many months ahead every projection reaches.
const ProjectionHorizon = 12

// projKey names one council's projection of one indicator.
type projKey struct {
	code    string
	council int
}

// Projected is one council's projection of one indicator, in the unit it
// is projected in: the stored figure (a count, a percentage, a ratio),
// except for an indicator shown as a percentage of another (re-referrals),
// which is projected as that percentage.
type Projected struct {
	Indicator domain.Indicator
	Council   int
	forecast.Projection
	// LastMonth is the month of the last figure the projection starts from.
	LastMonth domain.Month
}

// Reason codes besides the forecast package's.
const (
	// ReasonFormer: a council that no longer exists is not projected.
	ReasonFormer = "former_council"
	// ReasonWithheld: the viewer may not see the council's recent small
	// counts, so nor a projection made from them.
	ReasonWithheld = "withheld"
)

// ProjectedUnit names the unit the projection's figures are in.
func ProjectedUnit(ind domain.Indicator) string {
	switch {
	case ind.PercentOf() != "":
		return "% of " + ind.DenominatorNoun()
	case ind.Unit == domain.UnitPercent:
		return "%"
	case ind.Unit == domain.UnitRatio:
		return "cases per worker"
	}
	return "count"
}

// FormatProjected writes a projected figure as people read it: counts as
// whole numbers, percentages with one decimal and a % sign, ratios with
// one decimal.
func FormatProjected(ind domain.Indicator, v float64) string {
	switch {
	case ind.ShownAsPercent():
		return strconv.FormatFloat(RoundTo(v, 1), 'f', 1, 64) + "%"
	case ind.Unit == domain.UnitCount:
		return FormatCount(v)
	}
	return strconv.FormatFloat(RoundTo(v, 1), 'f', 1, 64)
}

// projectedDecimals is how many decimals a projected figure is written
// with.
func projectedDecimals(ind domain.Indicator) int {
	if ind.Unit == domain.UnitCount && !ind.ShownAsPercent() {
		return 0
	}
	return 1
}

// kindOf is the forecast kind of an indicator's projected series.
func kindOf(ind domain.Indicator) forecast.Kind {
	switch {
	case ind.ShownAsPercent():
		return forecast.Percent
	case ind.Unit == domain.UnitRatio:
		return forecast.Ratio
	}
	return forecast.Count
}

// projectionSeries is the series a council's projection is made from.
func (d *Snapshot) projectionSeries(ind domain.Indicator, council int) forecast.Series {
	s := forecast.Series{Kind: kindOf(ind)}
	raw := d.Values[ind.Code][council]
	last, ok := raw.latest()
	if !ok {
		return s
	}
	first := last
	raw.each(func(idx int, _ float64) { first = min(first, idx) })
	s.Start = first
	s.Values = make([]float64, last-first+1)
	for i := range s.Values {
		s.Values[i] = math.NaN()
	}
	raw.each(func(idx int, v float64) {
		if ind.PercentOf() != "" {
			of, ok := d.Values[ind.PercentOf()][council].at(idx)
			if !ok {
				return
			}
			if v, ok = analytics.PercentOf(v, of); !ok {
				return
			}
		}
		s.Values[idx-first] = v
	})
	return s
}

// Projection is council's projection of ind, computed once per snapshot
// (and carried to the next snapshot unless a return touched the council).
func (d *Snapshot) Projection(ind domain.Indicator, council int) *Projected {
	key := projKey{ind.Code, council}
	d.mu.Lock()
	p, ok := d.projections[key]
	d.mu.Unlock()
	if ok {
		return p
	}
	p = d.project(ind, council)
	d.mu.Lock()
	d.projections[key] = p
	d.mu.Unlock()
	return p
}

func (d *Snapshot) project(ind domain.Indicator, council int) *Projected {
	p := &Projected{Indicator: ind, Council: council}
	if co, ok := d.ByNumber[council]; ok && !co.Current {
		p.Reason = ReasonFormer
		return p
	}
	s := d.projectionSeries(ind, council)
	p.Projection = forecast.Project(s, ProjectionHorizon)
	if len(s.Values) > 0 {
		p.LastMonth = MonthOfIndex(p.Last)
	}
	return p
}

// ProjectAll computes every current council's projection of every
// indicator that is not computed yet, on every core: the snapshot's
// warm-up does it in the background after each update, so pages find them
// ready.
func (d *Snapshot) ProjectAll() {
	var todo []projKey
	d.mu.Lock()
	for _, ind := range d.Indicators {
		for _, co := range d.Councils {
			if _, ok := d.projections[projKey{ind.Code, co.Number}]; !ok {
				todo = append(todo, projKey{ind.Code, co.Number})
			}
		}
	}
	d.mu.Unlock()
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(todo); i += workers {
				d.Projection(d.ByCode[todo[i].code], todo[i].council)
			}
		})
	}
	wg.Wait()
}

// ProjectionFor is the projection as v may see it: a restricted viewer
// sees another council's projection of a count only when none of its last
// year's figures is a count of 1 to 5 they may not see (D1).
func (d *Snapshot) ProjectionFor(v Viewer, ind domain.Indicator, council int) *Projected {
	p := d.Projection(ind, council)
	if v.Restricted && council != v.Own && ind.Unit == domain.UnitCount && p.OK {
		raw := d.Values[ind.Code][council]
		for idx := p.Last - 11; idx <= p.Last; idx++ {
			if x, ok := raw.at(idx); ok && v.Suppressed(ind, council, x) {
				return &Projected{Indicator: ind, Council: council, LastMonth: p.LastMonth,
					Projection: forecast.Projection{Reason: ReasonWithheld, Last: p.Last, Backtest: p.Backtest, Method: p.Method}}
			}
		}
	}
	return p
}

// ReasonText says in words why there is no projection.
func (p *Projected) ReasonText() string {
	b := p.Backtest
	switch p.Reason {
	case "":
		return ""
	case forecast.ReasonShort:
		return fmt.Sprintf("Not projected: a projection needs at least %d months of figures outside the 2020–21 break (Mar 2020 to Jun 2021) and enough of them to test it on.", forecast.DefaultMinMonths)
	case forecast.ReasonErratic:
		return fmt.Sprintf("Not projected: these figures are too erratic to project honestly. Tested on the last three years, projections were off by %s on average against %s for the same month a year before, no better than last year's figure.",
			FormatProjected(p.Indicator, b.MAE), FormatProjected(p.Indicator, b.NaiveMAE))
	case ReasonFormer:
		return "Not projected: the council no longer exists."
	case ReasonWithheld:
		return "Not shown: the council's figures in the last year include counts of 1 to 5, which only its own staff and LGA officers see."
	}
	return "Not projected."
}

// AccuracyText says how accurate the projection has been, in words: "12%
// closer than last year's figures; 80% range held 81% of the time".
func (p *Projected) AccuracyText() string {
	b := p.Backtest
	if b.Forecasts == 0 {
		return ""
	}
	closer := 1 - b.RelativeMAE
	var first string
	switch {
	case math.Round(100*closer) > 0:
		first = fmt.Sprintf("%.0f%% closer than last year's figures", 100*closer)
	case math.Round(100*closer) < 0:
		first = fmt.Sprintf("%.0f%% further off than last year's figures", -100*closer)
	default:
		first = "as close as last year's figures"
	}
	return fmt.Sprintf("%s; 80%% range held %.0f%% of the time, 95%% range %.0f%%", first, 100*b.Coverage80, 100*b.Coverage95)
}

// DisplayedProjection turns a projected figure for month m into the unit
// the charts show: a rate per 10,000 children with the population the
// month would use (the latest carried forward), the figure itself
// otherwise.
func (d *Snapshot) DisplayedProjection(ind domain.Indicator, council int, m domain.Month, v float64) (float64, bool) {
	if ind.PercentOf() != "" || !ind.PerChildren() {
		return v, true
	}
	return d.Display(ind, council, m, v)
}

// Exception is a month whose figure fell outside the 95% interval of the
// projection made the month before.
type Exception struct {
	Council   domain.Council
	Indicator domain.Indicator
	Month     domain.Month
	Value     float64
	Expected  float64
	Lower95   float64
	Upper95   float64
	// Direction is "higher" or "lower" (than expected).
	Direction string
}

// Reason says the exception in words, with its figures.
func (e Exception) Reason() string {
	return fmt.Sprintf("%s in %s was %s, %s than expected: the projection from the figures to %s expected %s (95%% range %s to %s).",
		e.Indicator.Label, e.Month.Label(), FormatProjected(e.Indicator, e.Value), e.Direction, e.Month.Add(-1).Label(),
		FormatProjected(e.Indicator, e.Expected), FormatProjected(e.Indicator, e.Lower95), FormatProjected(e.Indicator, e.Upper95))
}

// ExceptionsOf lists council's exceptions from month since on, as v may
// see them, latest first.
func (d *Snapshot) ExceptionsOf(v Viewer, council int, since domain.Month) []Exception {
	co, ok := d.ByNumber[council]
	if !ok {
		return nil
	}
	var out []Exception
	for _, ind := range d.Indicators {
		p := d.ProjectionFor(v, ind, council)
		if !p.OK {
			continue
		}
		dec := projectedDecimals(ind)
		for _, c := range p.Checks {
			m := MonthOfIndex(c.Month)
			if m.Before(since) {
				continue
			}
			// The range is judged as it is written, to the figure's own
			// precision: a vacancy rate of 20.2% is within "20.2% to 24.8%".
			lo, hi, v := RoundTo(c.Lower95, dec), RoundTo(c.Upper95, dec), RoundTo(c.Value, dec)
			dir := ""
			switch {
			case v > hi:
				dir = "higher"
			case v < lo:
				dir = "lower"
			default:
				continue
			}
			out = append(out, Exception{Council: co, Indicator: ind, Month: m, Value: c.Value, Expected: c.Expected,
				Lower95: lo, Upper95: hi, Direction: dir})
		}
	}
	sortExceptions(out)
	return out
}

// Exceptions lists every current council's exceptions from month since
// on, latest first, then by council name and indicator.
func (d *Snapshot) Exceptions(v Viewer, since domain.Month) []Exception {
	d.ProjectAll()
	var out []Exception
	for _, co := range d.Councils {
		out = append(out, d.ExceptionsOf(v, co.Number, since)...)
	}
	sortExceptions(out)
	return out
}

func sortExceptions(es []Exception) {
	slices.SortStableFunc(es, func(a, b Exception) int {
		return cmp.Or(cmp.Compare(b.Month.Index(), a.Month.Index()), cmp.Compare(a.Council.Name, b.Council.Name),
			cmp.Compare(a.Indicator.Position, b.Indicator.Position))
	})
}

// IndicatorAccuracy is the backtest of one indicator's projections over
// every current council: the LGA's national table.
type IndicatorAccuracy struct {
	Indicator domain.Indicator
	// Projected and NotProjected count councils.
	Projected, NotProjected int
	// MedianRelativeMAE and MeanRelativeMAE summarise the councils'
	// relative MAEs; Coverage80 and Coverage95 are the shares of every
	// scored figure within the intervals, over Forecasts figures.
	MedianRelativeMAE, MeanRelativeMAE float64
	Coverage80, Coverage95             float64
	Forecasts                          int
}

// NationalAccuracy summarises every indicator's backtests.
func (d *Snapshot) NationalAccuracy() []IndicatorAccuracy {
	d.ProjectAll()
	out := make([]IndicatorAccuracy, 0, len(d.Indicators))
	for _, ind := range d.Indicators {
		a := IndicatorAccuracy{Indicator: ind}
		var rel []float64
		var c80, c95 int
		for _, co := range d.Councils {
			p := d.Projection(ind, co.Number)
			if !p.OK {
				a.NotProjected++
				continue
			}
			a.Projected++
			rel = append(rel, p.Backtest.RelativeMAE)
			c80, c95, a.Forecasts = c80+p.Backtest.Covered80, c95+p.Backtest.Covered95, a.Forecasts+p.Backtest.Forecasts
		}
		if st, ok := analytics.Summarise(rel); ok {
			a.MedianRelativeMAE, a.MeanRelativeMAE = st.Median, st.Mean
		}
		if a.Forecasts > 0 {
			a.Coverage80, a.Coverage95 = float64(c80)/float64(a.Forecasts), float64(c95)/float64(a.Forecasts)
		}
		out = append(out, a)
	}
	return out
}

// Outlook is one council's projected year for one indicator, against its
// last year and the quartile bands of the latest month.
type Outlook struct {
	Council domain.Council
	// LastYear and NextYear are the monthly means of the last 12 figures
	// and of the 12 projected months, in the displayed unit; Change is
	// NextYear/LastYear − 1.
	LastYear, NextYear, Change float64
	// Band is the council's band in the latest month, ProjectedBand the
	// band its figure 12 months on would have against that month's
	// thresholds.
	Band, ProjectedBand string
	// In12 is the projected figure 12 months on, displayed, with its 80%
	// range.
	In12, Lower80, Upper80 float64
	Projection             *Projected
}

// Outlooks lists every current council's outlook for ind, the largest
// projected rise first; month is the month whose bands are used.
func (d *Snapshot) Outlooks(ind domain.Indicator) ([]Outlook, domain.Month) {
	d.ProjectAll()
	month, _ := d.PressureMonth()
	st := d.MonthStats(ind, month)
	var out []Outlook
	for _, co := range d.Councils {
		p := d.Projection(ind, co.Number)
		if !p.OK || len(p.Points) < ProjectionHorizon {
			continue
		}
		var last, next float64
		nl, nn := 0, 0
		for idx := p.Last - 11; idx <= p.Last; idx++ {
			if x, ok := d.shown(Viewer{}, ind, co.Number, MonthOfIndex(idx)); ok {
				last, nl = last+x, nl+1
			}
		}
		for _, pt := range p.Points {
			if x, ok := d.DisplayedProjection(ind, co.Number, MonthOfIndex(pt.Month), pt.Forecast); ok {
				next, nn = next+x, nn+1
			}
		}
		if nl < 6 || nn == 0 || last == 0 {
			continue
		}
		o := Outlook{Council: co, LastYear: last / float64(nl), NextYear: next / float64(nn), Projection: p, Band: st.Band[co.Number]}
		o.Change = o.NextYear/o.LastYear - 1
		end := p.Points[ProjectionHorizon-1]
		m := MonthOfIndex(end.Month)
		o.In12, _ = d.DisplayedProjection(ind, co.Number, m, end.Forecast)
		o.Lower80, _ = d.DisplayedProjection(ind, co.Number, m, end.Lower80)
		o.Upper80, _ = d.DisplayedProjection(ind, co.Number, m, end.Upper80)
		if st.BandsOK {
			o.ProjectedBand = analytics.QuartileBand(o.In12, st.Bands, ind.Polarity)
		}
		out = append(out, o)
	}
	worse := ind.Polarity == domain.HigherBetter
	slices.SortStableFunc(out, func(a, b Outlook) int {
		if worse {
			return cmp.Or(cmp.Compare(a.Change, b.Change), cmp.Compare(a.Council.Name, b.Council.Name))
		}
		return cmp.Or(cmp.Compare(b.Change, a.Change), cmp.Compare(a.Council.Name, b.Council.Name))
	})
	return out, month
}

// ShownAt is council's displayed figure of ind in month m (a rate per
// 10,000 children, a percentage of another indicator, or the figure).
func (d *Snapshot) ShownAt(ind domain.Indicator, council int, m domain.Month) (float64, bool) {
	return d.shown(Viewer{}, ind, council, m)
}

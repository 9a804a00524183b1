package dashboard

import (
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// ShownSeries is a council's series as displayed, in full: rates per
// 10,000 children for per-child indicators, percentages of referrals for
// re-referrals. For what a particular viewer
// may see, use ViewerSeries. It is worked out on each call rather than
// kept: every council's would double the snapshot's memory, and the
// pressure points, its main user, are kept per month.
func (d *Snapshot) ShownSeries(ind domain.Indicator, council int) analytics.Series {
	return d.ViewerSeries(ind, council, Viewer{})
}

// ViewerSeries is a council's series as displayed to v, with the figures v
// may not see (D1) left out, so that nothing computed from the series (a
// change against the baseline or a year ago) can give them back. A
// council that replaced others continues, before its first month, with
// their combined figure, so its baseline and year-ago changes reach back
// across the reorganisation (Cumberland's 2017–19 baseline is Cumbria's).
func (d *Snapshot) ViewerSeries(ind domain.Indicator, council int, v Viewer) analytics.Series {
	out := analytics.Series{}
	if first := d.ByNumber[council].FirstMonth(); !first.IsZero() {
		if preds := d.predecessors[council]; len(preds) > 0 {
			for idx := d.First.Index(); idx < first.Index(); idx++ {
				if x, ok := d.Combined(ind, preds, MonthOfIndex(idx), v); ok {
					out[idx] = x
				}
			}
		}
	}
	d.Values[ind.Code][council].each(func(idx int, raw float64) {
		if v.Suppressed(ind, council, raw) {
			return
		}
		if shown, ok := d.Display(ind, council, MonthOfIndex(idx), raw); ok {
			out[idx] = shown
		}
	})
	return out
}

// Combined is the displayed figure of several councils together in month
// m: summed counts over summed children for a rate, summed counts over the
// summed other counts for a percentage of another indicator, a
// population-weighted mean otherwise. It needs every one of them to have a
// figure v may see (and, for a rate, a population).
func (d *Snapshot) Combined(ind domain.Indicator, councils []domain.Council, m domain.Month, v Viewer) (float64, bool) {
	var num, weight float64
	for _, c := range councils {
		raw, ok := d.Values[ind.Code][c.Number].at(m.Index())
		if !ok || !c.ExistedIn(m) || v.Suppressed(ind, c.Number, raw) {
			return 0, false
		}
		if code := ind.PercentOf(); code != "" {
			of, ok := d.Values[code][c.Number].at(m.Index())
			if !ok {
				return 0, false
			}
			num, weight = num+raw, weight+of
			continue
		}
		pop, _, _, hasPop := d.Pops[c.Number].PopulationFor(m)
		switch {
		case ind.PerChildren() && !hasPop:
			return 0, false
		case ind.PerChildren():
			num, weight = num+raw, weight+float64(pop)
		case hasPop:
			num, weight = num+raw*float64(pop), weight+float64(pop)
		default:
			num, weight = num+raw, weight+1
		}
	}
	if ind.PercentOf() != "" {
		return analytics.PercentOf(num, weight)
	}
	if weight == 0 {
		return 0, false
	}
	if ind.PerChildren() {
		return analytics.RatePer10k(num, int64(weight))
	}
	return num / weight, true
}

// shown reads a council's displayed figures (rates per 10,000 children
// where the indicator is per child) straight from the stored ones, month
// by month, continuing through its predecessors before it began: what
// ShownSeries gives, without building it.
type shown struct {
	d       *Snapshot
	ind     domain.Indicator
	council domain.Council
	raw     *series
	preds   []domain.Council
}

// At is the displayed figure for month m.
func (s shown) At(m domain.Month) (float64, bool) {
	if first := s.council.FirstMonth(); len(s.preds) > 0 && !first.IsZero() && m.Before(first) {
		return s.d.Combined(s.ind, s.preds, m, Viewer{})
	}
	raw, ok := s.raw.at(m.Index())
	if !ok {
		return 0, false
	}
	return s.d.Display(s.ind, s.council.Number, m, raw)
}

// DisplayValues is every council's displayed figures, by indicator: what
// pressure points are assessed on. Nothing is copied: each is read from
// the stored figures as it is asked for.
func (d *Snapshot) DisplayValues() map[string]map[int]analytics.Lookup {
	out := make(map[string]map[int]analytics.Lookup, len(d.Indicators))
	for _, ind := range d.Indicators {
		byCouncil := make(map[int]analytics.Lookup, len(d.Values[ind.Code]))
		for n, raw := range d.Values[ind.Code] {
			if co, known := d.ByNumber[n]; known {
				byCouncil[n] = shown{d: d, ind: ind, council: co, raw: raw, preds: d.predecessors[n]}
			}
		}
		// Successors with no figures of their own before they began still
		// continue their predecessors'.
		for n, preds := range d.predecessors {
			if _, done := byCouncil[n]; !done {
				if co, known := d.ByNumber[n]; known {
					byCouncil[n] = shown{d: d, ind: ind, council: co, preds: preds}
				}
			}
		}
		out[ind.Code] = byCouncil
	}
	return out
}

// LatestMonth is the latest month a series holds.
func LatestMonth(s analytics.Series) (domain.Month, bool) {
	best, ok := 0, false
	for idx := range s {
		if !ok || idx > best {
			best, ok = idx, true
		}
	}
	return MonthOfIndex(best), ok
}

package dashboard

import (
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// MonthStats is one indicator in one month across every council that
// existed then.
type MonthStats struct {
	Month   domain.Month
	Display map[int]float64 // shown value: rate per 10,000, percentage of another indicator, or the value itself
	Count   map[int]float64 // stored value, also for councils with no population
	Ranks   map[int]int
	Bands   analytics.Bands
	BandsOK bool
	Band    map[int]string
	England Aggregate
	Region  map[string]Aggregate
	// Restricted versions for viewers outside the council and the LGA:
	// totals rounded to the nearest 10 before the rate is taken (D1).
	EnglandRounded Aggregate
	RegionRounded  map[string]Aggregate
}

// Aggregate is a regional or national figure for one month.
type Aggregate struct {
	Value float64
	Total float64 // the sum of counts, for counts
	N     int     // councils contributing
	OK    bool
}

// MonthStats computes (once per snapshot) one indicator's figures for
// every council in one month: shown values, ranks, quartile bands, and
// the regional and England aggregates.
func (d *Snapshot) MonthStats(ind domain.Indicator, m domain.Month) *MonthStats {
	key := statKey{ind.Code, m.Index()}
	d.mu.Lock()
	if st, ok := d.stats[key]; ok {
		d.mu.Unlock()
		return st
	}
	d.mu.Unlock()
	st := &MonthStats{Month: m, Display: map[int]float64{}, Count: map[int]float64{}, Band: map[int]string{},
		Region: map[string]Aggregate{}, RegionRounded: map[string]Aggregate{}}
	type acc struct {
		counts []float64
		pops   []int64
		of     []float64
	}
	england, byRegion := acc{}, map[string]*acc{}
	for n, s := range d.Values[ind.Code] {
		c, known := d.ByNumber[n]
		v, ok := s.at(m.Index())
		if !known || !ok || !c.ExistedIn(m) {
			continue
		}
		shown, ok := d.Display(ind, n, m, v)
		if !ok {
			// No population: the count is shown, without a rate, rank or
			// share of the aggregates.
			st.Count[n] = v
			continue
		}
		st.Display[n], st.Count[n] = shown, v
		pop, _, _, _ := d.Pops[n].PopulationFor(m)
		// An indicator shown as a percentage of another aggregates over
		// the other's counts, which Display has just found.
		of, _ := d.Values[ind.PercentOf()][n].at(m.Index())
		england.counts, england.pops, england.of = append(england.counts, v), append(england.pops, pop), append(england.of, of)
		r := byRegion[c.RegionCode]
		if r == nil {
			r = &acc{}
			byRegion[c.RegionCode] = r
		}
		r.counts, r.pops, r.of = append(r.counts, v), append(r.pops, pop), append(r.of, of)
	}
	st.Ranks = analytics.Rank(st.Display, ind.Polarity)
	st.Bands, st.BandsOK = analytics.BandsOfMap(st.Display)
	if st.BandsOK {
		for n, v := range st.Display {
			st.Band[n] = analytics.QuartileBand(v, st.Bands, ind.Polarity)
		}
	}
	st.England, st.EnglandRounded = aggregateOf(ind, england.counts, england.pops, england.of)
	for code, r := range byRegion {
		st.Region[code], st.RegionRounded[code] = aggregateOf(ind, r.counts, r.pops, r.of)
	}
	d.mu.Lock()
	d.stats[key] = st
	d.mu.Unlock()
	return st
}

// aggregateOf computes a regional or national figure: sums of counts over
// sums of population for rates, sums of counts over sums of the other
// indicator's counts (of) for a percentage of another, a
// population-weighted mean otherwise. The second result rounds the total
// counts to the nearest 10 first (D1).
func aggregateOf(ind domain.Indicator, counts []float64, pops []int64, of []float64) (Aggregate, Aggregate) {
	if ind.PercentOf() != "" {
		v, n, ok := analytics.AggregatePercent(counts, of)
		var total, totalOf float64
		for i, c := range counts {
			total += c
			totalOf += of[i]
		}
		full := Aggregate{Value: v, Total: total, N: n, OK: ok}
		rounded := full
		rounded.Total = analytics.RoundTo10(total)
		if r, ok := analytics.PercentOf(rounded.Total, analytics.RoundTo10(totalOf)); ok {
			rounded.Value = r
		}
		return full, rounded
	}
	if !ind.PerChildren() {
		v, n, ok := analytics.WeightedMeanCoverage(counts, pops)
		a := Aggregate{Value: v, N: n, OK: ok}
		return a, a
	}
	v, n, ok := analytics.AggregateRateCoverage(counts, pops)
	var total float64
	var pop int64
	for i, c := range counts {
		total += c
		pop += pops[i]
	}
	full := Aggregate{Value: v, Total: total, N: n, OK: ok}
	rounded := full
	rounded.Total = analytics.RoundTo10(total)
	if r, ok := analytics.RatePer10k(rounded.Total, pop); ok {
		rounded.Value = r
	}
	return full, rounded
}

// Ranking is the ranks, quartile bands and thresholds one viewer may see
// for an indicator and month.
type Ranking struct {
	Ranks   map[int]int
	Band    map[int]string
	Bands   analytics.Bands
	BandsOK bool
	// Of is how many councils the ranks run over.
	Of int
}

// RankingFor is st's ranking as v may see it (SECURITY D1). A restricted
// viewer's ranks, bands, quartiles and median are worked out over the
// figures they may see alone: a median over every council is one
// council's exact rate, and a rank that skips places shows how many
// hidden councils sit between two visible ones, so either would let a
// suppressed count be worked out.
func (d *Snapshot) RankingFor(ind domain.Indicator, st *MonthStats, v Viewer) Ranking {
	if !v.Restricted || ind.Unit != domain.UnitCount {
		return Ranking{Ranks: st.Ranks, Band: st.Band, Bands: st.Bands, BandsOK: st.BandsOK, Of: len(st.Display)}
	}
	visible := make(map[int]float64, len(st.Display))
	for n, shown := range st.Display {
		if !v.Suppressed(ind, n, st.Count[n]) {
			visible[n] = shown
		}
	}
	if len(visible) == len(st.Display) {
		return Ranking{Ranks: st.Ranks, Band: st.Band, Bands: st.Bands, BandsOK: st.BandsOK, Of: len(st.Display)}
	}
	r := Ranking{Ranks: analytics.Rank(visible, ind.Polarity), Band: map[int]string{}, Of: len(visible)}
	r.Bands, r.BandsOK = analytics.BandsOfMap(visible)
	if r.BandsOK {
		for n, x := range visible {
			r.Band[n] = analytics.QuartileBand(x, r.Bands, ind.Polarity)
		}
	}
	return r
}

package web

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// dataset is every current figure and the reference data comparisons need,
// held in memory and rebuilt when a return is accepted (the store's data
// version changes). What depends only on stored data is computed once per
// version and cached here, so pages stay fast under load.
type dataset struct {
	version    string
	built      time.Time
	first      domain.Month
	last       domain.Month
	indicators []domain.Indicator
	byCode     map[string]domain.Indicator
	councils   []domain.Council // current, by name
	// all holds every council, current and former, by name; byNumber
	// finds any of them. Former councils (predecessors) take part in the
	// comparisons of the months they existed.
	all        []domain.Council
	byNumber   map[int]domain.Council
	regionName map[string]string
	regions    []string // region codes, by name
	pops       map[int]analytics.Populations
	values     map[string]map[int]analytics.Series // indicator → council → stored values
	neighbours map[int][]int
	official   map[string][]domain.OfficialValue // indicator → council-level official figures
	timeline   []domain.TimelineEvent
	// framework is the current enabling-conditions framework (nil before
	// the reference data is loaded); assessed holds every council's latest
	// submitted self-assessment.
	framework *domain.Framework
	assessed  map[int]domain.Assessment

	mu    sync.Mutex
	stats map[statKey]*monthStats
	// pressureCache holds the pressure points by month index; displayed
	// every council's shown series, built once for them.
	pressureCache map[int]*pressureData
	displayOnce   sync.Once
	displayed     map[string]map[int]analytics.Series
}

type statKey struct {
	indicator string
	month     int
}

// monthStats is one indicator in one month across every council.
type monthStats struct {
	Month   domain.Month
	Display map[int]float64 // shown value: rate per 10,000 or the value itself
	Count   map[int]float64 // stored value
	Ranks   map[int]int
	Bands   analytics.Bands
	BandsOK bool
	Band    map[int]string
	England aggregate
	Region  map[string]aggregate
	// Restricted versions for viewers outside the council and the LGA:
	// totals rounded to the nearest 10 before the rate is taken (D1).
	EnglandRounded aggregate
	RegionRounded  map[string]aggregate
}

// aggregate is a regional or national figure for one month.
type aggregate struct {
	Value float64
	Total float64 // the sum of counts, for counts
	N     int     // councils contributing
	OK    bool
}

// datasets keeps the current data set and rebuilds it when stale.
type datasets struct {
	mu      sync.Mutex
	current *dataset
	// checked is when the data version was last read, so a burst of
	// requests costs one database read, not one each.
	checked time.Time
}

// dataset returns the in-memory data set, rebuilding it if a return has
// been accepted since it was built.
func (s *Server) dataset(ctx context.Context) (*dataset, error) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	if d := s.data.current; d != nil && time.Since(s.data.checked) < 250*time.Millisecond {
		return d, nil
	}
	version, err := s.db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.data.checked = time.Now()
	if d := s.data.current; d != nil && d.version == version {
		return d, nil
	}
	d, err := s.buildDataset(ctx, version)
	if err != nil {
		return nil, err
	}
	s.data.current = d
	return d, nil
}

func (s *Server) buildDataset(ctx context.Context, version string) (*dataset, error) {
	d := &dataset{version: version, built: time.Now(), byCode: map[string]domain.Indicator{}, byNumber: map[int]domain.Council{},
		regionName: map[string]string{}, pops: map[int]analytics.Populations{}, values: map[string]map[int]analytics.Series{},
		neighbours: map[int][]int{}, official: map[string][]domain.OfficialValue{}, stats: map[statKey]*monthStats{},
		pressureCache: map[int]*pressureData{}}
	var err error
	if d.indicators, err = s.db.Indicators(ctx); err != nil {
		return nil, err
	}
	for _, ind := range d.indicators {
		d.byCode[ind.Code] = ind
		d.values[ind.Code] = map[int]analytics.Series{}
	}
	if d.all, err = s.db.AllCouncils(ctx); err != nil {
		return nil, err
	}
	sort.SliceStable(d.all, func(i, j int) bool { return d.all[i].Name < d.all[j].Name })
	for _, c := range d.all {
		d.byNumber[c.Number] = c
		if c.Current {
			d.councils = append(d.councils, c)
		}
		if _, ok := d.regionName[c.RegionCode]; !ok {
			d.regionName[c.RegionCode] = c.RegionName
			d.regions = append(d.regions, c.RegionCode)
		}
	}
	sort.Slice(d.regions, func(i, j int) bool { return d.regionName[d.regions[i]] < d.regionName[d.regions[j]] })
	pops, err := s.db.Populations(ctx, "council")
	if err != nil {
		return nil, err
	}
	for _, p := range pops {
		n, err := strconv.Atoi(p.Area)
		if err != nil {
			continue
		}
		if d.pops[n] == nil {
			d.pops[n] = analytics.Populations{}
		}
		d.pops[n][p.Year] = p.Children
	}
	err = s.db.EachCurrentObservation(ctx, func(council int, indicator, month string, value float64) {
		byCouncil := d.values[indicator]
		if byCouncil == nil {
			return
		}
		m, err := domain.ParseMonth(month)
		if err != nil {
			return
		}
		series := byCouncil[council]
		if series == nil {
			series = analytics.Series{}
			byCouncil[council] = series
		}
		series[m.Index()] = value
		if d.first.IsZero() || m.Before(d.first) {
			d.first = m
		}
		if d.last.IsZero() || d.last.Before(m) {
			d.last = m
		}
	})
	if err != nil {
		return nil, err
	}
	nbs, err := s.db.AllNeighbours(ctx)
	if err != nil {
		return nil, err
	}
	for n, list := range nbs {
		for _, nb := range list {
			d.neighbours[n] = append(d.neighbours[n], nb.Neighbour)
		}
	}
	if d.timeline, err = s.db.Timeline(ctx); err != nil {
		return nil, err
	}
	off, err := s.db.AllOfficial(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range off {
		if o.Level == "council" {
			d.official[o.Indicator] = append(d.official[o.Indicator], o)
		}
	}
	if d.framework, err = s.db.Framework(ctx); domain.ErrorCode(err) == domain.ENOTFOUND {
		d.framework = nil
	} else if err != nil {
		return nil, err
	}
	if d.assessed, err = s.db.LatestAssessments(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// display turns a stored value into what is shown: a rate per 10,000
// children for per-child indicators (DfE's population convention), the
// value itself otherwise.
func (d *dataset) display(ind domain.Indicator, council int, m domain.Month, v float64) (float64, bool) {
	if !ind.PerChildren() {
		return v, true
	}
	pop, _, _, ok := d.pops[council].PopulationFor(m)
	if !ok {
		return 0, false
	}
	return analytics.RatePer10k(v, pop)
}

// monthStats computes (once per data version) one indicator's figures for
// every council in one month: shown values, ranks, quartile bands, and the
// regional and England aggregates.
func (d *dataset) monthStats(ind domain.Indicator, m domain.Month) *monthStats {
	key := statKey{ind.Code, m.Index()}
	d.mu.Lock()
	if st, ok := d.stats[key]; ok {
		d.mu.Unlock()
		return st
	}
	d.mu.Unlock()
	st := &monthStats{Month: m, Display: map[int]float64{}, Count: map[int]float64{}, Band: map[int]string{},
		Region: map[string]aggregate{}, RegionRounded: map[string]aggregate{}}
	type acc struct {
		counts []float64
		pops   []int64
	}
	england, byRegion := acc{}, map[string]*acc{}
	for n, series := range d.values[ind.Code] {
		c, known := d.byNumber[n]
		v, ok := series[m.Index()]
		if !known || !ok || !c.ExistedIn(m) {
			continue
		}
		shown, ok := d.display(ind, n, m, v)
		if !ok {
			// No population: the count is shown, without a rate, rank or
			// share of the aggregates.
			st.Count[n] = v
			continue
		}
		st.Display[n], st.Count[n] = shown, v
		pop, _, _, _ := d.pops[n].PopulationFor(m)
		england.counts, england.pops = append(england.counts, v), append(england.pops, pop)
		r := byRegion[c.RegionCode]
		if r == nil {
			r = &acc{}
			byRegion[c.RegionCode] = r
		}
		r.counts, r.pops = append(r.counts, v), append(r.pops, pop)
	}
	st.Ranks = analytics.Rank(st.Display, ind.Polarity)
	st.Bands, st.BandsOK = analytics.BandsOfMap(st.Display)
	if st.BandsOK {
		for n, v := range st.Display {
			st.Band[n] = analytics.QuartileBand(v, st.Bands, ind.Polarity)
		}
	}
	st.England, st.EnglandRounded = aggregateOf(ind, england.counts, england.pops)
	for code, r := range byRegion {
		st.Region[code], st.RegionRounded[code] = aggregateOf(ind, r.counts, r.pops)
	}
	d.mu.Lock()
	d.stats[key] = st
	d.mu.Unlock()
	return st
}

// aggregateOf computes a regional or national figure: sums of counts over
// sums of population for rates, a population-weighted mean otherwise. The
// second result rounds the total count to the nearest 10 first (D1).
func aggregateOf(ind domain.Indicator, counts []float64, pops []int64) (aggregate, aggregate) {
	if !ind.PerChildren() {
		v, n, ok := analytics.WeightedMeanCoverage(counts, pops)
		a := aggregate{Value: v, N: n, OK: ok}
		return a, a
	}
	v, n, ok := analytics.AggregateRateCoverage(counts, pops)
	var total float64
	var pop int64
	for i, c := range counts {
		total += c
		pop += pops[i]
	}
	full := aggregate{Value: v, Total: total, N: n, OK: ok}
	rounded := full
	rounded.Total = analytics.RoundTo10(total)
	if pop > 0 {
		rounded.Value = rounded.Total * 10000 / float64(pop)
	}
	return full, rounded
}

// existing lists, by name, the councils that existed in month m: in
// 2020, Northamptonshire rather than its successors.
func (d *dataset) existing(m domain.Month) []domain.Council {
	out := make([]domain.Council, 0, len(d.councils))
	for _, c := range d.all {
		if c.ExistedIn(m) {
			out = append(out, c)
		}
	}
	return out
}

// predecessorsOf lists the former councils that council n replaced.
func (d *dataset) predecessorsOf(n int) []domain.Council {
	var out []domain.Council
	for _, c := range d.all {
		if slices.Contains(c.SuccessorNumbers(), n) {
			out = append(out, c)
		}
	}
	return out
}

// months lists every month the data set covers.
func (d *dataset) months() []domain.Month {
	if d.first.IsZero() {
		return nil
	}
	return domain.MonthsBetween(d.first, d.last)
}

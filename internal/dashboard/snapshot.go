package dashboard

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Snapshot is every current figure and the reference data the comparisons
// need, as of one data version. Its exported fields are never changed once
// it is published: an update builds a new snapshot, sharing what did not
// change. What depends only on its data (a month's statistics, pressure
// points) is computed once, on first use, and cached in
// it.
type Snapshot struct {
	// Version is the store's data version the snapshot holds.
	Version string
	// First and Last are the first and last months with any figure.
	First, Last domain.Month
	Indicators  []domain.Indicator
	ByCode      map[string]domain.Indicator
	// Councils are the current councils, by name; All adds the former
	// ones (Northamptonshire ...), which take part in the comparisons of
	// the months they existed. ByNumber finds any of them.
	Councils   []domain.Council
	All        []domain.Council
	ByNumber   map[int]domain.Council
	RegionName map[string]string
	// Regions are the region codes, by name.
	Regions []string
	Pops    map[int]analytics.Populations
	// Values holds the stored figures: indicator → council → month index.
	Values     map[string]map[int]*series
	Neighbours map[int][]int
	// Official holds DfE's council-level published figures by indicator.
	Official map[string][]domain.OfficialValue
	Timeline []domain.TimelineEvent
	// Framework is the current enabling-conditions framework (nil before
	// the reference data is loaded); Assessed holds every council's latest
	// submitted self-assessment.
	Framework *domain.Framework
	Assessed  map[int]domain.Assessment
	// Demo is true while the labelled demonstration data is loaded.
	Demo bool

	cfg Config
	// returnsSeen is the highest return id the figures include, where the
	// next update starts.
	returnsSeen int64
	// predecessors maps a council to the former councils it replaced.
	predecessors map[int][]domain.Council

	mu          sync.Mutex
	stats       map[statKey]*MonthStats
	pressure    map[int]*Pressure
	projections map[projKey]*Projected
}

type statKey struct {
	indicator string
	month     int
}

// load builds a snapshot from the database, reading every figure.
func load(ctx context.Context, db *store.DB, cfg Config) (*Snapshot, error) {
	version, err := db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	seen, err := db.LatestReturnID(ctx)
	if err != nil {
		return nil, err
	}
	return loadWithout(ctx, db, cfg, version, seen, func(d *Snapshot) error {
		return db.EachCurrentObservation(ctx, func(council int, indicator, month string, value float64) {
			byCouncil := d.Values[indicator]
			if byCouncil == nil {
				return
			}
			m, err := domain.ParseMonth(month)
			if err != nil {
				return
			}
			s := byCouncil[council]
			if s == nil {
				s = &series{}
				byCouncil[council] = s
			}
			s.set(m.Index(), value)
		})
	})
}

// loadWithout builds a snapshot of the given data version whose figures
// figures fills in, reading everything else from the database.
func loadWithout(ctx context.Context, db *store.DB, cfg Config, version string, returnsSeen int64, figures func(d *Snapshot) error) (*Snapshot, error) {
	d := &Snapshot{Version: version, cfg: cfg, returnsSeen: returnsSeen, ByCode: map[string]domain.Indicator{},
		ByNumber: map[int]domain.Council{}, RegionName: map[string]string{}, Pops: map[int]analytics.Populations{},
		Values: map[string]map[int]*series{}, Neighbours: map[int][]int{}}
	d.initCaches()
	var err error
	if d.Indicators, err = db.Indicators(ctx); err != nil {
		return nil, err
	}
	for _, ind := range d.Indicators {
		d.ByCode[ind.Code] = ind
		d.Values[ind.Code] = map[int]*series{}
	}
	if err := d.loadCouncils(ctx, db); err != nil {
		return nil, err
	}
	if err := figures(d); err != nil {
		return nil, err
	}
	d.span()
	if err := d.loadOfficial(ctx, db); err != nil {
		return nil, err
	}
	if d.Timeline, err = db.Timeline(ctx); err != nil {
		return nil, err
	}
	if err := d.loadAssessments(ctx, db); err != nil {
		return nil, err
	}
	if d.Demo, err = db.DemoLoaded(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// initCaches gives a new snapshot empty caches.
func (d *Snapshot) initCaches() {
	d.stats = map[statKey]*MonthStats{}
	d.pressure = map[int]*Pressure{}
	d.projections = map[projKey]*Projected{}
}

// loadCouncils reads the councils, populations and neighbours.
func (d *Snapshot) loadCouncils(ctx context.Context, db *store.DB) error {
	all, err := db.AllCouncils(ctx)
	if err != nil {
		return err
	}
	d.All = all
	sort.SliceStable(d.All, func(i, j int) bool { return d.All[i].Name < d.All[j].Name })
	d.predecessors = map[int][]domain.Council{}
	for _, c := range d.All {
		d.ByNumber[c.Number] = c
		if c.Current {
			d.Councils = append(d.Councils, c)
		}
		if _, ok := d.RegionName[c.RegionCode]; !ok {
			d.RegionName[c.RegionCode] = c.RegionName
			d.Regions = append(d.Regions, c.RegionCode)
		}
		for _, s := range c.SuccessorNumbers() {
			d.predecessors[s] = append(d.predecessors[s], c)
		}
	}
	sort.Slice(d.Regions, func(i, j int) bool { return d.RegionName[d.Regions[i]] < d.RegionName[d.Regions[j]] })
	pops, err := db.Populations(ctx, "council")
	if err != nil {
		return err
	}
	for _, p := range pops {
		n, err := strconv.Atoi(p.Area)
		if err != nil {
			continue
		}
		if d.Pops[n] == nil {
			d.Pops[n] = analytics.Populations{}
		}
		d.Pops[n][p.Year] = p.Children
	}
	nbs, err := db.AllNeighbours(ctx)
	if err != nil {
		return err
	}
	for n, list := range nbs {
		for _, nb := range list {
			d.Neighbours[n] = append(d.Neighbours[n], nb.Neighbour)
		}
	}
	return nil
}

// loadOfficial reads DfE's council-level published figures.
func (d *Snapshot) loadOfficial(ctx context.Context, db *store.DB) error {
	off, err := db.AllOfficial(ctx)
	if err != nil {
		return err
	}
	d.Official = map[string][]domain.OfficialValue{}
	for _, o := range off {
		if o.Level == "council" {
			d.Official[o.Indicator] = append(d.Official[o.Indicator], o)
		}
	}
	return nil
}

// loadAssessments reads the framework and the latest self-assessments.
func (d *Snapshot) loadAssessments(ctx context.Context, db *store.DB) error {
	var err error
	if d.Framework, err = db.Framework(ctx); domain.ErrorCode(err) == domain.ENOTFOUND {
		d.Framework = nil
	} else if err != nil {
		return err
	}
	d.Assessed, err = db.LatestAssessments(ctx)
	return err
}

// span sets First and Last from the figures held.
func (d *Snapshot) span() {
	lo, hi := 0, -1
	for _, byCouncil := range d.Values {
		for _, s := range byCouncil {
			s.each(func(idx int, _ float64) {
				if hi < lo || idx < lo {
					lo = idx
				}
				if hi < idx {
					hi = idx
				}
			})
		}
	}
	d.First, d.Last = domain.Month{}, domain.Month{}
	if hi >= lo {
		d.First, d.Last = MonthOfIndex(lo), MonthOfIndex(hi)
	}
}

// MonthOfIndex is the month whose Index is idx.
func MonthOfIndex(idx int) domain.Month {
	return domain.Month{Year: idx / 12, Month: time.Month(idx%12 + 1)}
}

// Display turns a stored value into what is shown: a rate per 10,000
// children for per-child indicators (DfE's population convention), a
// percentage of the other indicator's count for the same council and month
// for an indicator shown as one (none when that count is 0 or missing),
// the value itself otherwise.
func (d *Snapshot) Display(ind domain.Indicator, council int, m domain.Month, v float64) (float64, bool) {
	if code := ind.PercentOf(); code != "" {
		of, ok := d.Values[code][council].at(m.Index())
		if !ok {
			return 0, false
		}
		return analytics.PercentOf(v, of)
	}
	if !ind.PerChildren() {
		return v, true
	}
	pop, _, _, ok := d.Pops[council].PopulationFor(m)
	if !ok {
		return 0, false
	}
	return analytics.RatePer10k(v, pop)
}

// Existing lists, by name, the councils that existed in month m: in 2020,
// Northamptonshire rather than its successors.
func (d *Snapshot) Existing(m domain.Month) []domain.Council {
	out := make([]domain.Council, 0, len(d.Councils))
	for _, c := range d.All {
		if c.ExistedIn(m) {
			out = append(out, c)
		}
	}
	return out
}

// PredecessorsOf lists, by name, the former councils that council n
// replaced.
func (d *Snapshot) PredecessorsOf(n int) []domain.Council {
	return slices.Clone(d.predecessors[n])
}

// Months lists every month the snapshot covers.
func (d *Snapshot) Months() []domain.Month {
	if d.First.IsZero() {
		return nil
	}
	return domain.MonthsBetween(d.First, d.Last)
}

// Period reads a from/to pair within the months held, defaulting to all
// of them; a former council's default ends with its last month.
func (d *Snapshot) Period(from, to string, co *domain.Council) (domain.Month, domain.Month) {
	first, last := d.First, d.Last
	if m, err := domain.ParseMonth(from); err == nil && !m.Before(d.First) && !d.Last.Before(m) {
		first = m
	}
	if m, err := domain.ParseMonth(to); err == nil && !m.Before(first) && !d.Last.Before(m) {
		last = m
	} else if co != nil {
		if end := co.LastMonth(); !end.IsZero() && end.Before(last) && !end.Before(first) {
			last = end
		}
	}
	return first, last
}

// ByRegion lists the current councils by region name, then name.
func (d *Snapshot) ByRegion() []domain.Council {
	out := slices.Clone(d.Councils)
	slices.SortStableFunc(out, func(a, b domain.Council) int {
		if a.RegionName != b.RegionName {
			return strings.Compare(a.RegionName, b.RegionName)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

package dashboard

import (
	"context"
	"maps"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// reloadAbove is how many council-months one update may touch before it
// is cheaper to read every figure again (a national bulk load touches some
// 18,000).
const reloadAbove = 4000

// update builds the snapshot for data version `version` from d, redoing
// only what the store's change log says changed: the council-months of
// the returns added since d (and the statistics and
// pressure points that depend on them), DfE's figures, the
// self-assessments or the timeline. d itself is left as it is, for the
// readers still using it.
//
// It also says how many council-months it took in, or -1 when it read
// every figure again.
func (d *Snapshot) update(ctx context.Context, db *store.DB, version string) (*Snapshot, int, error) {
	kinds, ok, err := db.ChangesSince(ctx, d.Version, version)
	if err != nil {
		return nil, 0, err
	}
	if !ok || slices.Contains(kinds, store.ChangeAll) {
		next, err := load(ctx, db, d.cfg)
		return next, -1, err
	}
	next := &Snapshot{Version: version, First: d.First, Last: d.Last, Indicators: d.Indicators, ByCode: d.ByCode,
		Councils: d.Councils, All: d.All, ByNumber: d.ByNumber, RegionName: d.RegionName, Regions: d.Regions, Pops: d.Pops,
		Values: d.Values, Neighbours: d.Neighbours, Official: d.Official, Timeline: d.Timeline, Framework: d.Framework,
		Assessed: d.Assessed, Demo: d.Demo, cfg: d.cfg, returnsSeen: d.returnsSeen, predecessors: d.predecessors}
	next.initCaches()
	keepPressure := true
	var touched map[int]map[int]bool // council → month indexes
	all := false
	for _, kind := range kinds {
		switch kind {
		case store.ChangeFigures:
			if touched, all, err = next.applyFigures(ctx, db); err != nil {
				return nil, 0, err
			}
		case store.ChangeOfficial:
			if err := next.loadOfficial(ctx, db); err != nil {
				return nil, 0, err
			}
		case store.ChangeAssessments, store.ChangeFramework:
			if err := next.loadAssessments(ctx, db); err != nil {
				return nil, 0, err
			}
			keepPressure = false // the matrix places councils by their assessments
		case store.ChangeTimeline:
			if next.Timeline, err = db.Timeline(ctx); err != nil {
				return nil, 0, err
			}
		default:
			next, err := load(ctx, db, d.cfg)
			return next, -1, err
		}
	}
	if all {
		return next, -1, nil // every figure read again: nothing cached carries over
	}
	next.carryCaches(d, touched, keepPressure)
	n := 0
	for _, ms := range touched {
		n += len(ms)
	}
	return next, n, nil
}

// applyFigures reads the returns added since the snapshot was made and
// replaces the figures of the council-months they touched, copying only
// the series it changes. It reports the council-months touched, or all
// when there were so many that it read every figure again.
func (d *Snapshot) applyFigures(ctx context.Context, db *store.DB) (map[int]map[int]bool, bool, error) {
	keys, seen, err := db.ReturnsSince(ctx, d.returnsSeen)
	if err != nil {
		return nil, false, err
	}
	d.returnsSeen = seen
	if len(keys) == 0 {
		return nil, false, nil
	}
	if len(keys) > reloadAbove {
		values := map[string]map[int]*series{}
		for _, ind := range d.Indicators {
			values[ind.Code] = map[int]*series{}
		}
		err := db.EachCurrentObservation(ctx, func(council int, indicator, month string, value float64) {
			if byCouncil := values[indicator]; byCouncil != nil {
				if m, err := domain.ParseMonth(month); err == nil {
					s := byCouncil[council]
					if s == nil {
						s = &series{}
						byCouncil[council] = s
					}
					s.set(m.Index(), value)
				}
			}
		})
		if err != nil {
			return nil, false, err
		}
		d.Values = values
		d.span()
		return nil, true, nil
	}
	touched := map[int]map[int]bool{}
	for _, k := range keys {
		m, err := domain.ParseMonth(k.Month)
		if err != nil {
			continue
		}
		if touched[k.Council] == nil {
			touched[k.Council] = map[int]bool{}
		}
		touched[k.Council][m.Index()] = true
	}
	// Copy on write: the indicator maps and council series that change
	// are copied once; everything else is shared with the old snapshot.
	values := maps.Clone(d.Values)
	copiedInd := map[string]bool{}
	copiedSeries := map[string]map[int]bool{}
	own := func(code string, council int) *series {
		if !copiedInd[code] {
			values[code] = maps.Clone(values[code])
			copiedInd[code] = true
			copiedSeries[code] = map[int]bool{}
		}
		if !copiedSeries[code][council] {
			values[code][council] = values[code][council].clone()
			copiedSeries[code][council] = true
		}
		return values[code][council]
	}
	// Every touched council-month is cleared, then filled from its current
	// return: a new version may hold fewer figures than the one before.
	for code, byCouncil := range d.Values {
		for council, months := range touched {
			s := byCouncil[council]
			for idx := range months {
				if _, ok := s.at(idx); ok {
					own(code, council).del(idx)
				}
			}
		}
	}
	err = db.EachCurrentObservationIn(ctx, keys, func(council int, indicator, month string, value float64) {
		if _, ok := values[indicator]; !ok {
			return
		}
		if m, err := domain.ParseMonth(month); err == nil {
			own(indicator, council).set(m.Index(), value)
		}
	})
	if err != nil {
		return nil, false, err
	}
	d.Values = values
	d.extendSpan(touched)
	return touched, false, nil
}

// extendSpan moves First and Last to take in the touched months, reading
// every figure again only when a touched month was at either end and may
// have emptied.
func (d *Snapshot) extendSpan(touched map[int]map[int]bool) {
	first, last := d.First.Index(), d.Last.Index()
	if d.First.IsZero() {
		first, last = 1<<30, -1
	}
	for _, months := range touched {
		for idx := range months {
			if idx == first || idx == last {
				d.span()
				return
			}
		}
	}
	for council, months := range touched {
		for idx := range months {
			for _, byCouncil := range d.Values {
				if _, ok := byCouncil[council].at(idx); ok {
					first, last = min(first, idx), max(last, idx)
					break
				}
			}
		}
	}
	if last >= first {
		d.First, d.Last = MonthOfIndex(first), MonthOfIndex(last)
	}
}

// carryCaches keeps what old computed that the update did not change:
// each month's statistics for the months not touched, and pressure
// points of the months before the first touched one (a month's pressure
// draws on it, the months before and the baseline years).
func (d *Snapshot) carryCaches(old *Snapshot, touched map[int]map[int]bool, keepPressure bool) {
	months := map[int]bool{}
	firstTouched := 1 << 30
	councils := map[int]bool{}
	for council, ms := range touched {
		councils[council] = true
		for _, c := range old.ByNumber[council].SuccessorNumbers() {
			councils[c] = true
		}
		for idx := range ms {
			months[idx] = true
			firstTouched = min(firstTouched, idx)
		}
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	for k, st := range old.stats {
		if !months[k.month] {
			d.stats[k] = st
		}
	}
	// A council's projections rest on its own figures alone (and, for a
	// percentage of another indicator, its own figures of that one).
	for k, p := range old.projections {
		if !councils[k.council] {
			d.projections[k] = p
		}
	}
	if keepPressure {
		for idx, p := range old.pressure {
			if idx < firstTouched {
				d.pressure[idx] = p
			}
		}
	}
}

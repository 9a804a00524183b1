package dashboard

import (
	"cmp"
	"slices"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Pressure is every council's pressure points in one month and its place
// on the resilience matrix, computed once per snapshot and month.
type Pressure struct {
	Result     analytics.PressureResult
	Demand     map[int]float64 // demand pressure, 0 to 100
	Conditions map[int]float64 // enabling-conditions score, for assessed councils
	Enablers   map[int]float64
	Assessed   map[int]string // date of the latest assessment
	Quadrant   map[int]string
	Councils   map[int]bool // councils with any figure in the month
	// Split is the demand pressure at or above which a council is high
	// pressure this month (the configured rule's answer, MatrixConfig.SplitFor).
	Split float64
}

// PressureMonth is the latest month that at least half the current
// councils have figures for: the latest month before it may still be
// arriving, and quartiles among a handful of early returns would mislead.
func (d *Snapshot) PressureMonth() (domain.Month, bool) {
	if d.Last.IsZero() {
		return domain.Month{}, false
	}
	need := (len(d.Councils) + 1) / 2
	for m := d.Last; !m.Before(d.First); m = m.Add(-1) {
		seen := map[int]bool{}
		for _, byCouncil := range d.Values {
			for n, s := range byCouncil {
				if _, ok := s.at(m.Index()); ok {
					seen[n] = true
				}
			}
		}
		if len(seen) >= need {
			return m, true
		}
	}
	return d.Last, true
}

// Pressure computes (once per snapshot and month) every pressure point and
// the matrix.
func (d *Snapshot) Pressure(m domain.Month) *Pressure {
	d.mu.Lock()
	if p, ok := d.pressure[m.Index()]; ok {
		d.mu.Unlock()
		return p
	}
	d.mu.Unlock()
	res := analytics.AssessPressureOf(m, d.Indicators, d.DisplayValues(), d.cfg.Pressure)
	p := &Pressure{Result: res, Demand: analytics.DemandPressure(res.Cells, analytics.IndicatorAreas(d.Indicators), domain.Areas),
		Conditions: map[int]float64{}, Enablers: map[int]float64{}, Assessed: map[int]string{}, Quadrant: map[int]string{}, Councils: map[int]bool{}}
	for _, c := range res.Cells {
		p.Councils[c.Council] = true
	}
	p.Split = d.cfg.Matrix.SplitFor(p.Demand)
	split := analytics.MatrixConfig{PressureSplit: p.Split, ConditionsSplit: d.cfg.Matrix.ConditionsSplit}
	for _, co := range d.Councils {
		a, has := d.Assessed[co.Number]
		var score float64
		ok := false
		if has && d.Framework != nil {
			score, ok = analytics.ConditionsScore(a, d.Framework)
			if e, okE := analytics.EnablersScore(a, d.Framework); okE {
				p.Enablers[co.Number] = e
			}
		}
		if ok {
			p.Conditions[co.Number], p.Assessed[co.Number] = score, a.Date()
		}
		p.Quadrant[co.Number] = analytics.Quadrant(p.Demand[co.Number], score, ok, split)
	}
	d.mu.Lock()
	d.pressure[m.Index()] = p
	d.mu.Unlock()
	return p
}

// PressureFilter is what an officer narrowed the pressure overview to.
type PressureFilter struct {
	Month  domain.Month
	Region string
	Area   string
	Sort   string
}

// ParsePressureFilter checks a filter as given in a query (month YYYY-MM or
// empty for the latest month most councils have returned, region code,
// area, sort).
func (d *Snapshot) ParsePressureFilter(month, region, area, sort string) (PressureFilter, error) {
	if sort == "" {
		sort = "pressure"
	}
	f := PressureFilter{Region: region, Area: area, Sort: sort}
	m, ok := d.PressureMonth()
	if !ok {
		return f, domain.Errorf(domain.ENOTFOUND, "No monthly figures are stored yet, so there are no pressure points to show.")
	}
	f.Month = m
	if month != "" {
		qm, err := domain.ParseMonth(month)
		if err != nil || qm.Before(d.First) || d.Last.Before(qm) {
			return f, domain.Errorf(domain.EINVALID, "month %q is not one the figures cover (%s to %s); use YYYY-MM.", month, d.First, d.Last)
		}
		f.Month = qm
	}
	if f.Region != "" {
		if _, ok := d.RegionName[f.Region]; !ok {
			return f, domain.Errorf(domain.EINVALID, "%q is not a region code; use one of the E12 codes in the list.", f.Region)
		}
	}
	if f.Area != "" && !slices.Contains(domain.Areas, f.Area) {
		return f, domain.Errorf(domain.EINVALID, "%q is not an area; use one of %s.", f.Area, strings.Join(domain.Areas, ", "))
	}
	if !slices.Contains([]string{"pressure", "name", "region"}, f.Sort) {
		return f, domain.Errorf(domain.EINVALID, "sort %q: use pressure, name or region.", f.Sort)
	}
	return f, nil
}

// CouncilsFor lists the current councils the filter keeps, in its order.
func (d *Snapshot) CouncilsFor(f PressureFilter, p *Pressure) []domain.Council {
	var out []domain.Council
	for _, co := range d.Councils {
		if f.Region == "" || co.RegionCode == f.Region {
			out = append(out, co)
		}
	}
	slices.SortStableFunc(out, func(a, b domain.Council) int {
		switch f.Sort {
		case "region":
			return cmp.Or(cmp.Compare(a.RegionName, b.RegionName), cmp.Compare(p.Demand[b.Number], p.Demand[a.Number]), cmp.Compare(a.Name, b.Name))
		case "name":
			return cmp.Compare(a.Name, b.Name)
		}
		return cmp.Or(cmp.Compare(p.Demand[b.Number], p.Demand[a.Number]), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// IndicatorsFor lists the indicators the filter keeps, in catalogue order.
func (d *Snapshot) IndicatorsFor(f PressureFilter) []domain.Indicator {
	var out []domain.Indicator
	for _, ind := range d.Indicators {
		if f.Area == "" || ind.Area == f.Area {
			out = append(out, ind)
		}
	}
	return out
}

// PointsFor lists the pressure points the filter keeps, most severe first.
func (d *Snapshot) PointsFor(f PressureFilter, p *Pressure) []analytics.PressureCell {
	var out []analytics.PressureCell
	for _, pt := range p.Result.Points {
		co, ok := d.ByNumber[pt.Council]
		if !ok || (f.Region != "" && co.RegionCode != f.Region) || (f.Area != "" && d.ByCode[pt.Indicator].Area != f.Area) {
			continue
		}
		out = append(out, pt)
	}
	return out
}

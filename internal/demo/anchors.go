package demo

import (
	"math"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/reference"
)

// Official measures the demo anchors on (reference.Data.Official).
const (
	mCIN       = "cin_at31"        // children in need at 31 March of the year
	mReferrals = "referrals"       // referrals, April (year-1) to March (year)
	mRerefs    = "rereferrals"     // re-referrals within 12 months, same year
	mCPPStart  = "cpp_started"     // child protection plans started, same year
	mVacancy   = "sw_vacancy_rate" // social worker vacancy rate %, 30 September
	mAgency    = "sw_agency_rate"  // agency social worker rate %, 30 September
	mCaseload  = "sw_caseload"     // average caseload, 30 September
	mAbsence   = "sw_absence_rate" // social worker absence rate %, 30 September
)

// countMeasures are counted per financial year (or at its end), so their
// rate uses the population of the year the financial year began.
var countMeasures = []string{mCIN, mReferrals, mRerefs, mCPPStart}

// levelMeasures are rates or ratios already; they need no population.
var levelMeasures = []string{mVacancy, mAgency, mCaseload, mAbsence}

// nationalDefault is used when the reference data carries no official
// figures for a measure at all (counts per 10,000 children a year, or the
// level itself): England around 2019.
var nationalDefault = map[string]float64{
	mCIN: 330, mReferrals: 540, mRerefs: 120, mCPPStart: 60,
	mVacancy: 16.5, mAgency: 15.5, mCaseload: 16.5, mAbsence: 3.2,
}

// fallbackChildren is the population assumed for a council the reference
// data has no population for at all; real data always has one.
const fallbackChildren = 50000

// index holds what Generate needs from the reference data, arranged for
// quick look-up, over the calendar years lo to hi inclusive.
type index struct {
	lo, hi int
	pop    map[int][]float64                  // council -> children by year
	off    map[string]map[int]map[int]float64 // measure -> council -> year -> value
	preds  map[int][]int                      // council -> predecessors
	succ   map[int][]int                      // former council -> successors
	nat    map[string][]float64               // measure -> national rate or mean by year
}

func (ix *index) span() int { return ix.hi - ix.lo + 1 }

// y2i turns a year into a slice index, clamping to the span.
func (ix *index) y2i(y int) int { return min(max(y, ix.lo), ix.hi) - ix.lo }

func newIndex(ref *reference.Data, lo, hi int) *index {
	ix := &index{
		lo: lo, hi: hi,
		pop:   map[int][]float64{},
		off:   map[string]map[int]map[int]float64{},
		preds: map[int][]int{},
		succ:  map[int][]int{},
		nat:   map[string][]float64{},
	}
	// Populations: fill each council's years, carrying the latest year
	// forward (as the product does when ONS has not published yet) and the
	// earliest back.
	known := map[int]map[int]float64{}
	for _, p := range ref.Populations {
		if p.Level != "council" || p.Children <= 0 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(p.Area))
		if err != nil {
			continue
		}
		if known[n] == nil {
			known[n] = map[int]float64{}
		}
		known[n][p.Year] = float64(p.Children)
	}
	for n, years := range known {
		ix.pop[n] = fillNearest(years, lo, hi)
	}
	for _, o := range ref.Official {
		if o.Level != "council" || o.Value == nil || math.IsNaN(*o.Value) || math.IsInf(*o.Value, 0) || *o.Value < 0 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(o.Area))
		if err != nil {
			continue
		}
		byCouncil := ix.off[o.Measure]
		if byCouncil == nil {
			byCouncil = map[int]map[int]float64{}
			ix.off[o.Measure] = byCouncil
		}
		if byCouncil[n] == nil {
			byCouncil[n] = map[int]float64{}
		}
		byCouncil[n][o.Year] = *o.Value
	}
	for _, c := range ref.Councils {
		for _, s := range strings.Fields(c.Successors) {
			if n, err := strconv.Atoi(s); err == nil {
				ix.preds[n] = append(ix.preds[n], c.Number)
				ix.succ[c.Number] = append(ix.succ[c.Number], n)
			}
		}
	}
	for _, m := range countMeasures {
		ix.nat[m] = ix.national(m, true)
	}
	for _, m := range levelMeasures {
		ix.nat[m] = ix.national(m, false)
	}
	return ix
}

// fillNearest spreads values known for some years over lo..hi: each year
// takes the nearest known year's value, the earlier one on a tie.
func fillNearest(years map[int]float64, lo, hi int) []float64 {
	out := make([]float64, hi-lo+1)
	for y := lo; y <= hi; y++ {
		best, bestD := 0.0, math.MaxInt
		for k, v := range years {
			d := abs(k - y)
			if d < bestD || (d == bestD && k < y) {
				best, bestD = v, d
			}
		}
		out[y-lo] = best
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// children is a council's population in year y.
func (ix *index) children(council, y int) float64 {
	if p, ok := ix.pop[council]; ok {
		return p[ix.y2i(y)]
	}
	var sum float64
	for _, p := range ix.preds[council] {
		if pp, ok := ix.pop[p]; ok {
			sum += pp[ix.y2i(y)]
		}
	}
	if sum > 0 {
		return sum
	}
	// A former council ONS publishes no estimate for (Bournemouth, Poole
	// and Dorset county before 2019): an equal share of its successors'
	// children among every council they replaced.
	shared := map[int]bool{}
	for _, s := range ix.succ[council] {
		if pp, ok := ix.pop[s]; ok {
			sum += pp[ix.y2i(y)]
		}
		for _, p := range ix.preds[s] {
			shared[p] = true
		}
	}
	if sum > 0 && len(shared) > 0 {
		return sum / float64(len(shared))
	}
	return fallbackChildren
}

// rate is an official count per 10,000 children; the year's figure counts
// the financial year that began in year-1 (or ended on 31 March of year),
// so it uses that year's population, DfE's convention.
func (ix *index) rate(measure string, council, year int) (float64, bool) {
	v, ok := ix.off[measure][council][year]
	if !ok {
		return 0, false
	}
	return v / ix.children(council, year-1) * 1e4, true
}

// national builds the England series for a measure: for counts the sum of
// councils' figures over the sum of their children (never a mean of
// rates), for levels the mean of councils. Years without data are filled:
// gaps linearly, earlier years with the first value, later years carried
// forward with a gentle trend.
func (ix *index) national(measure string, count bool) []float64 {
	n := ix.span()
	num, den := make([]float64, n), make([]float64, n)
	for c, years := range ix.off[measure] {
		if _, ok := ix.pop[c]; count && !ok {
			continue // no population, no rate: it would only distort England's
		}
		for y, v := range years {
			if y < ix.lo || y > ix.hi {
				continue
			}
			if count {
				num[y-ix.lo] += v
				den[y-ix.lo] += ix.children(c, y-1)
			} else {
				num[y-ix.lo] += v
				den[y-ix.lo]++
			}
		}
	}
	out := make([]float64, n)
	var have []int
	for i := range out {
		if den[i] > 0 {
			out[i] = num[i] / den[i]
			if count {
				out[i] *= 1e4
			}
			have = append(have, i)
		}
	}
	if len(have) == 0 {
		for i := range out {
			out[i] = nationalDefault[measure]
		}
		return out
	}
	first, last := have[0], have[len(have)-1]
	for i := 0; i < first; i++ {
		out[i] = out[first]
	}
	for k := 1; k < len(have); k++ {
		a, b := have[k-1], have[k]
		for i := a + 1; i < b; i++ {
			out[i] = out[a] + (out[b]-out[a])*float64(i-a)/float64(b-a)
		}
	}
	// Beyond the last published year counts follow the last three years'
	// growth, held between -1.5% and +2% a year; levels stay flat.
	g := 1.0
	if count && last >= 3 && out[last-3] > 0 {
		g = math.Pow(out[last]/out[last-3], 1.0/3)
		g = min(max(g, 0.985), 1.02)
	}
	for i := last + 1; i < n; i++ {
		out[i] = out[i-1] * g
	}
	return out
}

// own collects a council's rates (counts) or levels for a measure, falling
// back to its predecessors' combined figures (Northamptonshire for North
// and West Northamptonshire before 2021, say).
func (ix *index) own(measure string, council int, count bool) map[int]float64 {
	out := map[int]float64{}
	for y := range ix.off[measure][council] {
		if count {
			out[y], _ = ix.rate(measure, council, y)
		} else {
			out[y] = ix.off[measure][council][y]
		}
	}
	preds := ix.preds[council]
	if len(preds) == 0 {
		return out
	}
	years := map[int]bool{}
	for _, p := range preds {
		for y := range ix.off[measure][p] {
			years[y] = true
		}
	}
	for y := range years {
		if _, ok := out[y]; ok {
			continue
		}
		var num, den float64
		for _, p := range preds {
			if _, ok := ix.pop[p]; count && !ok {
				continue
			}
			if v, ok := ix.off[measure][p][y]; ok {
				num += v
				if count {
					den += ix.children(p, y-1)
				} else {
					den++
				}
			}
		}
		if den > 0 {
			out[y] = num / den
			if count {
				out[y] *= 1e4
			}
		}
	}
	return out
}

// annual returns a council's yearly anchors for a measure over lo..hi:
// official counts (or levels) where published; otherwise the nearest
// published year moved with the national trend (ratio for counts,
// difference for levels), which also carries the last year forward gently;
// and where the council has nothing at all, the national rate (times
// scale, for counts) applied to its children.
func (ix *index) annual(measure string, council int, count bool, scale float64) []float64 {
	nat := ix.nat[measure]
	own := ix.own(measure, council, count)
	out := make([]float64, ix.span())
	for i := range out {
		y := ix.lo + i
		var v float64
		if r, ok := own[y]; ok {
			v = r
		} else if len(own) > 0 {
			y0, best := 0, math.MaxInt
			for k := range own {
				d := abs(k - y)
				if d < best || (d == best && k > y0) {
					y0, best = k, d
				}
			}
			j := ix.y2i(y0)
			if count {
				v = own[y0]
				if nat[j] > 0 {
					v *= nat[i] / nat[j]
				}
			} else {
				v = own[y0] + nat[i] - nat[j]
			}
		} else if count {
			v = nat[i] * scale
		} else {
			v = nat[i]
		}
		if count {
			v = v * ix.children(council, y-1) / 1e4
		}
		out[i] = math.Max(v, 0)
	}
	return out
}

// deprivation is how far a council's children-in-need rate sits above or
// below England's, damped and bounded: deprived places see more of every
// demand, so the indicators with no official anchor scale with it.
func (ix *index) deprivation(council int) float64 {
	own := ix.own(mCIN, council, true)
	nat := ix.nat[mCIN]
	var sum float64
	var n int
	for y, r := range own {
		if r > 0 && y >= ix.lo && y <= ix.hi && nat[y-ix.lo] > 0 {
			sum += math.Log(r / nat[y-ix.lo])
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return min(max(math.Exp(0.7*sum/float64(n)), 0.5), 2.0)
}

// childrenAt is a council's population at the end of month m, moving
// smoothly between mid-year estimates (30 June), so that counts made from
// rates do not step every April. Rates shown by the product still use the
// financial-year convention; this is only for making plausible counts.
func (g *generator) childrenAt(council int, m domain.Month) float64 {
	y := m.Year
	if m.Month < time.June {
		y--
	}
	t := float64(m.Index()-domain.Month{Year: y, Month: time.June}.Index()) / 12
	a, b := g.ix.children(council, y), g.ix.children(council, y+1)
	return a + t*(b-a)
}

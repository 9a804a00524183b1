// Package demo generates the labelled synthetic demo data a newcomer sees
// on first run: a monthly figure for every council, catalogue indicator
// and month the council existed, deterministic from a seed.
//
// The figures are made to be plausible to a Director of Children's
// Services, not to be true. Where DfE publishes an annual figure for a
// council (children in need at 31 March, referrals and child protection
// plans started in the year, the September social work workforce census),
// the demo anchors on it: March children in need match the census, a
// financial year's referrals sum to the published total. Everything else
// comes from national rates per 10,000 children, scaled to each council's
// children and its level of need, shaped by the seasons and by the
// pandemic as published (see shape.go), with a little monthly noise.
package demo

import (
	"cmp"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// DefaultSeed is the seed the server uses for its first-run demo.
const DefaultSeed = 20200323

// Banner is the text every page shows while demo data is loaded.
const Banner = "Demonstration data — synthetic, not real council figures"

// Options choose what Generate produces.
type Options struct {
	Seed  int64
	First domain.Month // default domain.FirstMonth (Jan 2017)
	Last  domain.Month // required: normally domain.LastComplete(time.Now())
	// Councils restricts generation to these LA numbers; nil means every
	// council that existed at some time from First to Last, former
	// councils (Northamptonshire, Cumbria ...) among them.
	Councils []int
	// EveryMonth generates every month from First to Last for each
	// council, its lifetime aside: the synthetic stress-scale data set
	// (153 councils × 40 indicators × 240 months) is a fixed size.
	EveryMonth bool
}

// Generate calls emit once per (council, indicator, month) of the months
// the council existed, in a stable order (council number, indicator
// position, month), stopping at the first error from emit: a former
// council's figures end with its last month, a successor's begin with its
// first.
//
// Each council's series depend only on the seed, the council, the
// indicator and the reference data, never on which other councils are
// generated or in what order, so a run restricted by Options.Councils
// gives the same figures for those councils as a full run. It returns an
// EINVALID error for missing reference data, a missing or backwards
// period, or a number that is not a council.
func Generate(ref *reference.Data, opts Options, emit func(domain.Observation) error) error {
	if ref == nil {
		return domain.Errorf(domain.EINVALID, "demo: no reference data")
	}
	if emit == nil {
		return domain.Errorf(domain.EINVALID, "demo: no emit function")
	}
	first := opts.First
	if first.IsZero() {
		first = domain.FirstMonth
	}
	if opts.Last.IsZero() {
		return domain.Errorf(domain.EINVALID, "demo: the last month to generate is required")
	}
	if opts.Last.Before(first) {
		return domain.Errorf(domain.EINVALID, "demo: last month %s is before first month %s", opts.Last, first)
	}
	councils, err := selectCouncils(ref, opts.Councils, first, opts.Last)
	if err != nil {
		return err
	}
	inds := slices.Clone(ref.Indicators)
	slices.SortStableFunc(inds, func(a, b domain.Indicator) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Code, b.Code))
	})

	g := newGenerator(ref, opts.Seed, first, opts.Last)
	known := make(map[string]int, nKnown)
	for i, c := range knownCodes {
		known[c] = i
	}
	other := make([]float64, len(g.months))
	for _, co := range councils {
		c := co.Number
		g.fill(c)
		for _, ind := range inds {
			series := other
			if k, ok := known[ind.Code]; ok {
				series = g.buf[k]
			} else {
				g.generic(c, ind, other)
			}
			// Index 0 is the month before First, kept for lagged flows.
			for i := 1; i < len(g.months); i++ {
				if !opts.EveryMonth && !co.ExistedIn(g.months[i]) {
					continue
				}
				o := domain.Observation{Council: c, Indicator: ind.Code, Month: g.labels[i], Value: series[i]}
				if err := emit(o); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// selectCouncils returns the councils to generate, by LA number: every
// council that existed at some time from first to last, or those asked
// for.
func selectCouncils(ref *reference.Data, want []int, first, last domain.Month) ([]domain.Council, error) {
	var out []domain.Council
	if want == nil {
		for _, c := range ref.Councils {
			if !c.LastMonth().IsZero() && c.LastMonth().Before(first) || !c.FirstMonth().IsZero() && last.Before(c.FirstMonth()) {
				continue
			}
			out = append(out, c)
		}
	} else {
		for _, n := range want {
			c, ok := ref.CouncilByNumber(n)
			if !ok {
				return nil, domain.Errorf(domain.EINVALID, "demo: %d is not a council", n)
			}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b domain.Council) int { return a.Number - b.Number })
	return slices.CompactFunc(out, func(a, b domain.Council) bool { return a.Number == b.Number }), nil
}

// generator holds one Generate call's look-ups and working buffers, reused
// council after council so a full run allocates little.
type generator struct {
	seed   int64
	ix     *index
	months []domain.Month // the month before First, then First to Last
	labels []string       // months as YYYY-MM
	buf    [nKnown][]float64
	kids   []float64 // children (in 10,000s) by month
	tmp    []float64
}

func newGenerator(ref *reference.Data, seed int64, first, last domain.Month) *generator {
	months := domain.MonthsBetween(first.Add(-1), last)
	// Years the anchors must cover: interpolation reaches a year either
	// side of each month, and a financial year ends in the next calendar
	// year. 2012 is where the population estimates start.
	lo, hi := min(first.Year-2, 2012), last.Year+3
	g := &generator{
		seed:   seed,
		ix:     newIndex(ref, lo, hi),
		months: months,
		labels: make([]string, len(months)),
		kids:   make([]float64, len(months)),
		tmp:    make([]float64, len(months)),
	}
	for i, m := range months {
		g.labels[i] = m.String()
	}
	for k := range g.buf {
		g.buf[k] = make([]float64, len(months))
	}
	return g
}

package reference

import (
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// index holds the lookups over a Data, built once by Load. It maps keys to
// positions in Data's slices rather than copying rows, so a caller that
// edits a row in place (a test renaming a council, say) sees the edit
// through every lookup.
type index struct {
	hash         string
	byNumber     map[int]int    // LA number → position in Councils
	byCode       map[string]int // ONS code, current or retired → LA number
	current      []int          // positions in Councils of current councils
	predecessors map[int][]int  // LA number → positions in Councils of the councils it replaced
	population   map[popKey]int // → position in Populations
	neighbours   map[int][]int  // LA number → positions in Neighbours, by rank
	indicators   map[string]int // code → position in Indicators
}

// popKey identifies one population figure.
type popKey struct {
	level, area string
	year        int
}

// buildIndex builds the lookups; Load has already checked the data.
func buildIndex(d *Data) *index {
	x := &index{
		byNumber:     map[int]int{},
		byCode:       map[string]int{},
		predecessors: map[int][]int{},
		population:   map[popKey]int{},
		neighbours:   map[int][]int{},
		indicators:   map[string]int{},
	}
	for i, c := range d.Councils {
		x.byNumber[c.Number] = i
		x.byCode[c.ONSCode] = c.Number
		if c.Current {
			x.current = append(x.current, i)
		}
		for _, s := range strings.Fields(c.Successors) {
			n, _ := strconv.Atoi(s)
			x.predecessors[n] = append(x.predecessors[n], i)
		}
	}
	for _, c := range d.Codes {
		x.byCode[c.ONSCode] = c.Number
	}
	for i, p := range d.Populations {
		x.population[popKey{p.Level, p.Area, p.Year}] = i
	}
	for i, n := range d.Neighbours {
		x.neighbours[n.Council] = append(x.neighbours[n.Council], i)
	}
	for _, ns := range x.neighbours {
		slices.SortFunc(ns, func(a, b int) int { return d.Neighbours[a].Rank - d.Neighbours[b].Rank })
	}
	for i, ind := range d.Indicators {
		x.indicators[ind.Code] = i
	}
	return x
}

// lookups returns the index, building a throwaway one for a Data that did
// not come from Load (a test fixture, say), so the methods always work.
// Rows may be edited in place after Load; adding or removing rows needs a
// new Load.
func (d *Data) lookups() *index {
	if d.idx != nil {
		return d.idx
	}
	return buildIndex(d)
}

// Hash is the SHA-256 (hex) of the files Load read, so the store can tell
// whether the reference data it holds is already this version. It is ""
// for a Data not made by Load.
func (d *Data) Hash() string {
	if d.idx == nil {
		return ""
	}
	return d.idx.hash
}

// CouncilByNumber finds a council, current or former, by DfE LA number.
func (d *Data) CouncilByNumber(n int) (domain.Council, bool) {
	i, ok := d.lookups().byNumber[n]
	if !ok {
		return domain.Council{}, false
	}
	return d.Councils[i], true
}

// CouncilByCode finds a council by ONS code, current or retired: Barnsley
// is found by E08000038 and by E08000016, North Yorkshire by E06000065 and
// E10000023.
func (d *Data) CouncilByCode(ons string) (domain.Council, bool) {
	n, ok := d.lookups().byCode[strings.ToUpper(strings.TrimSpace(ons))]
	if !ok {
		return domain.Council{}, false
	}
	return d.CouncilByNumber(n)
}

// CurrentCouncils returns the current councils sorted by name.
func (d *Data) CurrentCouncils() []domain.Council {
	out := pick(d.Councils, d.lookups().current)
	slices.SortFunc(out, func(a, b domain.Council) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return a.Number - b.Number
	})
	return out
}

// PredecessorsOf returns the former councils that n replaced (for North
// Northamptonshire, Northamptonshire), so a time series can reach back
// before the reorganisation.
func (d *Data) PredecessorsOf(n int) []domain.Council {
	return pick(d.Councils, d.lookups().predecessors[n])
}

// Population returns the children aged 0 to 17 in an area in a year
// (ONS mid-year estimate). level is LevelNational, LevelRegional or
// LevelCouncil; area is the ONS code, or the LA number as text for a
// council.
func (d *Data) Population(level, area string, year int) (int64, bool) {
	i, ok := d.lookups().population[popKey{level, area, year}]
	if !ok {
		return 0, false
	}
	return d.Populations[i].Children, true
}

// NeighboursOf returns council n's statistical neighbours, closest first.
func (d *Data) NeighboursOf(n int) []domain.Neighbour {
	return pick(d.Neighbours, d.lookups().neighbours[n])
}

// Indicator finds an indicator in the catalogue by code.
func (d *Data) Indicator(code string) (domain.Indicator, bool) {
	i, ok := d.lookups().indicators[code]
	if !ok {
		return domain.Indicator{}, false
	}
	return d.Indicators[i], true
}

// pick copies the rows at the given positions.
func pick[T any](rows []T, at []int) []T {
	out := make([]T, 0, len(at))
	for _, i := range at {
		out = append(out, rows[i])
	}
	return out
}

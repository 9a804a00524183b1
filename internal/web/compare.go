package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// viewer says what small-number rules apply to a signed-in user (SECURITY
// D1): LGA officers and administrators see every figure; council staff see
// their own council's in full and other councils' counts of 1 to 5 as "c",
// with regional and England totals rounded to the nearest 10.
type viewer struct {
	restricted bool
	own        int
}

func viewerOf(u *domain.User) viewer {
	if u != nil && u.Role.Scoped() {
		return viewer{restricted: true, own: u.Council}
	}
	return viewer{}
}

// suppressed reports whether a council's figure must be hidden from v.
func (v viewer) suppressed(ind domain.Indicator, council int, count float64) bool {
	return v.restricted && council != v.own && ind.Unit == domain.UnitCount && analytics.SuppressRate(count)
}

// figure is a number as shown: a value, or "c" when suppressed, or
// missing. It marshals to a JSON number, "c" or null.
type figure struct {
	Value      float64
	OK         bool
	Suppressed bool
}

func (f figure) MarshalJSON() ([]byte, error) {
	switch {
	case f.Suppressed:
		return []byte(`"c"`), nil
	case !f.OK || math.IsNaN(f.Value) || math.IsInf(f.Value, 0):
		return []byte("null"), nil
	}
	return json.Marshal(roundTo(f.Value, 4))
}

// Text writes the figure for tables and CSV files.
func (f figure) Text(decimals int) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	return strconv.FormatFloat(roundTo(f.Value, decimals), 'f', decimals, 64)
}

func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

// compareRow is one council in a comparison.
type compareRow struct {
	Number    int    `json:"la_number"`
	Name      string `json:"name"`
	Region    string `json:"region"`
	Value     figure `json:"value"`
	Rate      figure `json:"rate_per_10000_children,omitempty"`
	Shown     figure `json:"shown"`
	Rank      any    `json:"rank"`
	Band      string `json:"band"`
	Selected  bool   `json:"selected,omitempty"`
	Neighbour bool   `json:"neighbour,omitempty"`
	// Ended is, for a former council, the last month it existed.
	Ended string `json:"ended,omitempty"`
}

// comparison is every council's figure for one indicator and month, with
// the aggregates: the one source for the compare page, its API, and its
// CSV and xlsx downloads, so they always agree.
type comparison struct {
	Indicator   domain.Indicator `json:"indicator"`
	Month       string           `json:"month"`
	DisplayUnit string           `json:"display_unit"`
	Source      string           `json:"source"`
	Demo        bool             `json:"demonstration"`
	Council     int              `json:"selected_council,omitempty"`
	Quartiles   *quartiles       `json:"quartiles,omitempty"`
	England     aggregateView    `json:"england"`
	Regions     []aggregateView  `json:"regions"`
	Councils    []compareRow     `json:"councils"`
	Note        string           `json:"note"`
	// PopulationNote says when the month's rates use a population
	// estimate carried forward because its own is not published yet.
	PopulationNote string `json:"population_note,omitempty"`
}

type quartiles struct {
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
}

type aggregateView struct {
	Code     string `json:"code,omitempty"`
	Name     string `json:"name"`
	Value    figure `json:"value"`
	Total    figure `json:"total,omitempty"`
	Councils int    `json:"councils"`
}

// buildComparison assembles a comparison for a viewer.
func (s *Server) buildComparison(c *gin.Context, d *dataset, ind domain.Indicator, m domain.Month, council int) *comparison {
	v := viewerOf(currentUser(c))
	st := d.monthStats(ind, m)
	demo, _ := s.isDemo(c.Request.Context())
	cmp := &comparison{Indicator: ind, Month: m.String(), DisplayUnit: ind.DisplayUnit(), Source: "monthly returns", Demo: demo, Council: council}
	if st.BandsOK {
		cmp.Quartiles = &quartiles{Q1: roundTo(st.Bands.Q1, 4), Median: roundTo(st.Bands.Median, 4), Q3: roundTo(st.Bands.Q3, 4)}
	}
	eng, regions := st.England, st.Region
	if v.restricted {
		eng, regions = st.EnglandRounded, st.RegionRounded
	}
	cmp.England = aggregateView{Code: "E92000001", Name: "England", Value: figure{eng.Value, eng.OK, false}, Councils: eng.N}
	if ind.PerChildren() {
		cmp.England.Total = figure{eng.Total, eng.OK, false}
	}
	for _, code := range d.regions {
		a := regions[code]
		av := aggregateView{Code: code, Name: d.regionName[code], Value: figure{a.Value, a.OK, false}, Councils: a.N}
		if ind.PerChildren() {
			av.Total = figure{a.Total, a.OK, false}
		}
		cmp.Regions = append(cmp.Regions, av)
	}
	nbs := d.neighbours[council]
	for _, co := range d.existing(m) {
		row := compareRow{Number: co.Number, Name: co.Name, Region: co.RegionName, Selected: co.Number == council,
			Neighbour: slices.Contains(nbs, co.Number), Rank: nil}
		if !co.Current {
			row.Ended = co.LastMonth().String()
		}
		count, ok := st.Count[co.Number]
		if ok {
			hide := v.suppressed(ind, co.Number, count)
			row.Value = figure{count, true, hide}
			shown, shownOK := st.Display[co.Number]
			if ind.PerChildren() {
				row.Rate = figure{shown, shownOK, hide}
			}
			row.Shown = figure{shown, shownOK, hide}
			if !shownOK && !hide {
				row.Rank, row.Band = nil, ""
			} else if hide {
				row.Rank, row.Band = analytics.SuppressedMarker, analytics.SuppressedMarker
			} else {
				row.Rank, row.Band = st.Ranks[co.Number], st.Band[co.Number]
			}
		}
		cmp.Councils = append(cmp.Councils, row)
	}
	slices.SortStableFunc(cmp.Councils, func(a, b compareRow) int { return rankOrder(a) - rankOrder(b) })
	cmp.Note = fmt.Sprintf("%s, %s. Source: monthly returns. Rank 1 is %s; quartile band A is the best quarter of councils%s. England and regional figures are sums of counts over sums of children, not averages of rates.",
		ind.Label, m.Label(), rankMeaning(ind), neutralNote(ind))
	if ind.PerChildren() {
		cmp.Note += " Rates are per 10,000 children aged 0 to 17, using the ONS mid-year estimate for the year in which the month's financial year began."
		cmp.PopulationNote = carriedNote(d, m, st.Count)
		if cmp.PopulationNote != "" {
			cmp.Note += " " + cmp.PopulationNote
		}
	}
	if v.restricted {
		cmp.Note += " Other councils' counts of 1 to 5 are shown as c, and regional and England totals are rounded to the nearest 10."
	}
	return cmp
}

// carriedNote says which population estimates are carried forward for the
// rates of the councils with a figure in month m, or "" when each one's
// own estimate is published.
func carriedNote(d *dataset, m domain.Month, councils map[int]float64) string {
	var years []int
	for n := range councils {
		if _, year, carried, ok := d.pops[n].PopulationFor(m); ok && carried && !slices.Contains(years, year) {
			years = append(years, year)
		}
	}
	if len(years) == 0 {
		return ""
	}
	slices.Sort(years)
	mids := make([]string, len(years))
	for i, y := range years {
		mids[i] = fmt.Sprintf("mid-%d", y)
	}
	return fmt.Sprintf("The mid-%d estimate for %s is not published yet, so the latest published (%s) is carried forward.",
		m.FinancialYearStart(), m.Label(), strings.Join(mids, ", "))
}

func rankOrder(r compareRow) int {
	if n, ok := r.Rank.(int); ok {
		return n
	}
	return 1 << 20
}

func rankMeaning(ind domain.Indicator) string {
	switch ind.Polarity {
	case domain.HigherWorse:
		return "the lowest value (higher is worse)"
	case domain.HigherBetter:
		return "the highest value (higher is better)"
	}
	return "the highest value"
}

func neutralNote(ind domain.Indicator) string {
	if ind.Polarity == domain.Neutral {
		return " (for this indicator neither direction is better: A is simply the highest quarter)"
	}
	return ""
}

// compareParams reads indicator, month and council from the query, with
// sensible defaults: the latest month and the user's own council.
func (s *Server) compareParams(c *gin.Context, d *dataset) (domain.Indicator, domain.Month, int, error) {
	code := c.DefaultQuery("indicator", "CSC_REFERRALS")
	ind, ok := d.byCode[code]
	if !ok {
		return ind, domain.Month{}, 0, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q; /api/v1/indicators lists them.", code)
	}
	m := d.last
	if q := c.Query("month"); q != "" {
		var err error
		if m, err = domain.ParseMonth(q); err != nil {
			return ind, m, 0, err
		}
	}
	if m.IsZero() {
		return ind, m, 0, domain.Errorf(domain.ENOTFOUND, "No monthly figures are stored yet.")
	}
	council := 0
	if u := currentUser(c); u != nil && u.Role.Scoped() {
		council = u.Council
	}
	if q := c.Query("council"); q != "" {
		n, err := strconv.Atoi(q)
		if _, known := d.byNumber[n]; err != nil || !known {
			return ind, m, 0, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %q.", q)
		}
		council = n
	}
	return ind, m, council, nil
}

// apiCompare returns every council's value, rate, rank and band for one
// indicator and month, with the regional and England aggregates.
func (s *Server) apiCompare(c *gin.Context) {
	cmp, ok := s.comparisonFor(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, cmp)
}

// apiIndicators returns the catalogue.
func (s *Server) apiIndicators(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	type apiIndicator struct {
		domain.Indicator
		DisplayUnit string `json:"display_unit"`
		AreaLabel   string `json:"area_label"`
	}
	out := make([]apiIndicator, len(d.indicators))
	for i, ind := range d.indicators {
		out[i] = apiIndicator{ind, ind.DisplayUnit(), domain.AreaLabel(ind.Area)}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"indicators": out, "count": len(out)})
}

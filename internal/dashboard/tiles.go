package dashboard

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// TileArea groups a council's headline tiles by area.
type TileArea struct {
	Label string
	// BaselineYears names the baseline's years as people read them
	// ("2017–19"), from the configured years.
	BaselineYears string
	Tiles         []Tile
}

// Tile is one indicator's headline: the latest figure (with the count it
// rests on, beside a rate or a percentage of another indicator), its
// change against the pre-pandemic baseline and the same month a year
// before, and its quartile band among all councils.
type Tile struct {
	Code  string
	Label string
	// Value is the figure compared and banded: a rate, a percentage, a
	// ratio; Unit its unit as a chart axis names it ("per 10,000
	// children") and ShortUnit as the tile writes it beside the value
	// ("per 10,000").
	Value     string
	Unit      string
	ShortUnit string
	// Count is the stored count behind a rate or a percentage of another
	// indicator ("412"), with CountNoun naming what it counts
	// ("children", "1 referral"); empty for percentages and ratios, and
	// when the count is withheld.
	Count         string
	CountNoun     string
	Month         string
	Baseline      Change
	BaselineYears string
	YearAgo       Change
	Band          string
	Neutral       bool
	// BaselineFrom names the former councils whose figures make the
	// baseline of a council that did not exist in the baseline years.
	BaselineFrom string
	// CarriedYear is the mid-year population estimate carried forward
	// for the latest month's rate, or 0 when that month's own estimate is
	// published (or the figure is no rate). The page says so once, under
	// its tiles (TilesCaveat), rather than on every tile.
	CarriedYear int
	// WantedYear is the mid-year estimate the latest month's rate would
	// use if it were published; set with CarriedYear.
	WantedYear int
}

// UnitSpaced reports whether a space goes between the value and its
// short unit: "98.3 per 10,000", but "25.0% of referrals".
func (t Tile) UnitSpaced() bool { return !strings.HasPrefix(t.ShortUnit, "%") }

// MinChangeBase is the smallest count a percentage change may be taken
// from: below 10, one child more or fewer moves the figure by 10% or more,
// so a tile shows no percentage and says why instead. It applies to the
// count behind a rate (children, referrals) averaged over the baseline
// years or a year before, and to the count a percentage of another
// indicator is taken over (referrals, for re-referrals).
const MinChangeBase = 10

// Change is a change with an arrow coloured by the indicator's polarity:
// red when the move is for the worse, green for the better. It is a
// relative change in per cent for counts, rates and ratios, and a change in
// percentage points for percentages. OK is false when there is none to
// show; Why then says, where it can, why not ("Too few children in 2017–19
// for a percentage change").
type Change struct {
	OK    bool
	Text  string
	Arrow string
	Class string
	Words string
	Why   string
}

// ChangeOf describes a relative change rel of an indicator: "+12%",
// "-3%", "2.4 times" from a tripling on, and "no change" when it rounds
// to nothing (never "-0%").
func ChangeOf(ind domain.Indicator, rel float64, ok bool) Change {
	if !ok || math.IsNaN(rel) || math.IsInf(rel, 0) {
		return Change{}
	}
	pct := math.Round(rel * 100)
	text := fmt.Sprintf("%+.0f%%", pct)
	if rel >= 2 {
		text = strconv.FormatFloat(RoundTo(1+rel, 1), 'f', 1, 64) + " times"
	}
	return changeBy(ind, pct, text)
}

// PointsOf describes a change of a percentage in percentage points:
// "+2.1 points", "-0.4 points", and "no change" when it rounds to nothing.
func PointsOf(ind domain.Indicator, points float64, ok bool) Change {
	if !ok || math.IsNaN(points) || math.IsInf(points, 0) {
		return Change{}
	}
	p := RoundTo(points, 1)
	unit := " points"
	if math.Abs(p) == 1 {
		unit = " point"
	}
	return changeBy(ind, p, fmt.Sprintf("%+.1f", p)+unit)
}

// changeBy finishes a change whose rounded size is r and text is text.
func changeBy(ind domain.Indicator, r float64, text string) Change {
	ch := Change{OK: true, Text: text, Arrow: "↑", Words: "up"}
	switch {
	case r == 0:
		return Change{OK: true, Text: "no change", Arrow: "→", Class: "app-change--flat", Words: "no change"}
	case r < 0:
		ch.Arrow, ch.Words = "↓", "down"
	}
	worse := (r > 0) == (ind.Polarity == domain.HigherWorse)
	switch {
	case ind.Polarity == domain.Neutral:
		ch.Class = "app-change--neutral"
	case worse:
		ch.Class, ch.Words = "app-change--worse", ch.Words+", worse"
	default:
		ch.Class, ch.Words = "app-change--better", ch.Words+", better"
	}
	return ch
}

// Tiles builds the headline tiles for one council as v may see them, with
// changes against the mean of the same calendar month in the configured
// baseline years. A viewer from another council sees its counts of 1 to
// 5 as "c" (D1), and no change is computed from such a figure: they are
// left out of the series before the baseline and the year-ago change are
// taken, so a percentage change cannot give a suppressed count back.
func (d *Snapshot) Tiles(council int, v Viewer) []TileArea {
	years := d.cfg.BaselineYears
	label := analytics.YearsLabel(years)
	var out []TileArea
	for _, area := range domain.Areas {
		ta := TileArea{Label: domain.AreaLabel(area), BaselineYears: label}
		for _, ind := range d.Indicators {
			if ind.Area == area {
				ta.Tiles = append(ta.Tiles, d.tile(ind, council, v, years, label))
			}
		}
		out = append(out, ta)
	}
	return out
}

// TilesCaveat is the one sentence a page of tiles gives about population
// estimates carried forward, or "" when every rate uses its own year's.
func TilesCaveat(areas []TileArea) string {
	var carried, wanted []int
	for _, a := range areas {
		for _, t := range a.Tiles {
			if t.CarriedYear > 0 && !slices.Contains(carried, t.CarriedYear) {
				carried = append(carried, t.CarriedYear)
			}
			if t.WantedYear > 0 && !slices.Contains(wanted, t.WantedYear) {
				wanted = append(wanted, t.WantedYear)
			}
		}
	}
	if len(carried) == 0 {
		return ""
	}
	slices.Sort(carried)
	slices.Sort(wanted)
	mid := func(ys []int) string {
		parts := make([]string, len(ys))
		for i, y := range ys {
			parts[i] = fmt.Sprintf("mid-%d", y)
		}
		return JoinNames(parts)
	}
	verb := "is"
	if len(wanted) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("Rates per 10,000 children use the ONS %s population estimate, carried forward because it is the latest published: the %s estimate %s not out yet.",
		mid(carried), mid(wanted), verb)
}

// countNouns name what each count indicator counts, singular and plural,
// for the count beside a tile's rate.
var countNouns = map[string][2]string{
	"CSC_REFERRALS": {"referral", "referrals"}, "CSC_REREFERRALS": {"re-referral", "re-referrals"},
	"CSC_ASSESSMENTS": {"assessment", "assessments"}, "CSC_S47": {"enquiry", "enquiries"},
	"EH_REQUESTS": {"request", "requests"}, "EH_ASSESSMENTS": {"assessment", "assessments"},
	"SEND_EHCP": {"plan", "plans"}, "SEND_EHC_REQUESTS": {"request", "requests"},
}

// CountNoun names what n of an indicator's count are: "children",
// "1 child", "referrals".
func CountNoun(ind domain.Indicator, n float64) string {
	nouns, ok := countNouns[ind.Code]
	if !ok {
		nouns = [2]string{"child", "children"}
	}
	if math.Round(n) == 1 {
		return nouns[0]
	}
	return nouns[1]
}

// ShortUnit is the unit a tile writes beside its value.
func ShortUnit(ind domain.Indicator) string {
	switch {
	case ind.PerChildren():
		return "per 10,000"
	case ind.Unit == domain.UnitPercent:
		return "%"
	}
	return ind.DisplayUnit()
}

func (d *Snapshot) tile(ind domain.Indicator, council int, v Viewer, years []int, label string) Tile {
	t := Tile{Code: ind.Code, Label: ind.Label, Unit: ind.DisplayUnit(), ShortUnit: ShortUnit(ind), Neutral: ind.Polarity == domain.Neutral, BaselineYears: label}
	stored := d.Values[ind.Code][council]
	idx, ok := stored.latest()
	if !ok {
		return t
	}
	latest := MonthOfIndex(idx)
	if raw, _ := stored.at(idx); v.Suppressed(ind, council, raw) {
		t.Value, t.Month = analytics.SuppressedMarker, latest.Label()
		return t
	}
	series := d.ViewerSeries(ind, council, v)
	last, ok := LatestMonth(series)
	if !ok {
		return t
	}
	shown, _ := series.At(last)
	t.Value, t.Month = FormatValue(ind, shown), last.Label()
	counts := d.countLookup(ind.Code, council, v)
	if ind.Unit == domain.UnitCount {
		if n, ok := counts.At(last); ok {
			t.Count, t.CountNoun = FormatCount(n), CountNoun(ind, n)
		}
	}
	// A change is taken from the count a rate rests on, or for a
	// percentage of another indicator the count it is taken over.
	base := counts
	noun := CountNoun(ind, 2)
	if code := ind.PercentOf(); code != "" {
		base, noun = d.countLookup(code, council, v), ind.DenominatorNoun()
	}
	change := func(refOK bool, refValue float64, baseCount float64, baseOK bool, when string) Change {
		switch {
		case !refOK:
			return Change{}
		case ind.Unit == domain.UnitCount && baseOK && baseCount < MinChangeBase && ind.ShownAsPercent():
			return Change{Why: fmt.Sprintf("Too few %s %s to compare", noun, when)}
		case ind.Unit == domain.UnitCount && baseOK && baseCount < MinChangeBase:
			return Change{Why: fmt.Sprintf("Too few %s %s for a percentage change", noun, when)}
		case ind.ShownAsPercent():
			return PointsOf(ind, shown-refValue, true)
		}
		rel, ok := analytics.RelativeChange(shown, refValue)
		return ChangeOf(ind, rel, ok)
	}
	mean, _, okB := analytics.Baseline(series, last, years)
	baseCount, _, okBC := analytics.Baseline(base, last, years)
	t.Baseline = change(okB, mean, baseCount, okBC, "in "+label)
	if first := d.ByNumber[council].FirstMonth(); okB && !first.IsZero() && first.Year > years[0] {
		var names []string
		for _, p := range d.predecessors[council] {
			names = append(names, p.Name)
		}
		t.BaselineFrom = strings.Join(names, " and ")
	}
	yearAgo, okY := series.At(last.Add(-12))
	yearAgoCount, okYC := base.At(last.Add(-12))
	t.YearAgo = change(okY, yearAgo, yearAgoCount, okYC, "a year before")
	t.Band = d.MonthStats(ind, last).Band[council]
	if v.Restricted {
		t.Band = d.RankingFor(ind, d.MonthStats(ind, last), v).Band[council]
	}
	if ind.PerChildren() {
		if _, year, carried, ok := d.Pops[council].PopulationFor(last); ok && carried {
			t.CarriedYear, t.WantedYear = year, last.FinancialYearStart()
		}
	}
	return t
}

// countLookup reads a council's stored counts of an indicator month by
// month as v may see them, continuing before the council began with its
// predecessors' summed counts (for the baseline of a successor).
func (d *Snapshot) countLookup(code string, council int, v Viewer) countLookup {
	return countLookup{d: d, ind: d.ByCode[code], council: d.ByNumber[council], v: v}
}

type countLookup struct {
	d       *Snapshot
	ind     domain.Indicator
	council domain.Council
	v       Viewer
}

// At is the count for month m.
func (c countLookup) At(m domain.Month) (float64, bool) {
	councils := []domain.Council{c.council}
	if first := c.council.FirstMonth(); !first.IsZero() && m.Before(first) {
		councils = c.d.predecessors[c.council.Number]
	}
	var sum float64
	for _, co := range councils {
		raw, ok := c.d.Values[c.ind.Code][co.Number].at(m.Index())
		if !ok || c.v.Suppressed(c.ind, co.Number, raw) || (co.Number != c.council.Number && !co.ExistedIn(m)) {
			return 0, false
		}
		sum += raw
	}
	return sum, len(councils) > 0
}

// FormatValue writes a displayed value as a table shows it: rates and
// percentages to one decimal place, counts whole.
func FormatValue(ind domain.Indicator, v float64) string {
	if ind.PerChildren() || ind.PercentOf() != "" || ind.Unit != domain.UnitCount {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return FormatCount(v)
}

// FormatCount writes a whole number with thousands separators.
func FormatCount(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

package dashboard

import (
	"fmt"
	"math"
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

// Tile is one indicator's headline: the latest figure, its change against
// the pre-pandemic baseline and the same month a year before, and its
// quartile band among all councils.
type Tile struct {
	Code          string
	Label         string
	Value         string
	Unit          string
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
	// published (or the figure is no rate).
	CarriedYear int
}

// Change is a relative change with an arrow coloured by the indicator's
// polarity: red when the move is for the worse, green for the better.
type Change struct {
	OK    bool
	Text  string
	Arrow string
	Class string
	Words string
}

// ChangeOf describes a relative change rel of an indicator.
func ChangeOf(ind domain.Indicator, rel float64, ok bool) Change {
	if !ok || math.IsNaN(rel) || math.IsInf(rel, 0) {
		return Change{}
	}
	ch := Change{OK: true, Text: fmt.Sprintf("%+.0f%%", rel*100), Arrow: "→", Class: "app-change--flat", Words: "no change"}
	switch {
	case rel > 0.005:
		ch.Arrow, ch.Words = "↑", "up"
	case rel < -0.005:
		ch.Arrow, ch.Words = "↓", "down"
	default:
		return ch
	}
	worse := (rel > 0) == (ind.Polarity == domain.HigherWorse)
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

func (d *Snapshot) tile(ind domain.Indicator, council int, v Viewer, years []int, label string) Tile {
	t := Tile{Code: ind.Code, Label: ind.Label, Unit: ind.DisplayUnit(), Neutral: ind.Polarity == domain.Neutral, BaselineYears: label}
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
	rel, okB := analytics.ChangeVsBaseline(series, last, years)
	t.Baseline = ChangeOf(ind, rel, okB)
	if first := d.ByNumber[council].FirstMonth(); okB && !first.IsZero() && first.Year > years[0] {
		var names []string
		for _, p := range d.predecessors[council] {
			names = append(names, p.Name)
		}
		t.BaselineFrom = strings.Join(names, " and ")
	}
	rel, okY := analytics.ChangeVsYearAgo(series, last)
	t.YearAgo = ChangeOf(ind, rel, okY)
	t.Band = d.MonthStats(ind, last).Band[council]
	if v.Restricted {
		t.Band = d.RankingFor(ind, d.MonthStats(ind, last), v).Band[council]
	}
	if ind.PerChildren() {
		if _, year, carried, ok := d.Pops[council].PopulationFor(last); ok && carried {
			t.CarriedYear = year
		}
	}
	return t
}

// FormatValue writes a displayed value as a table shows it: rates and
// percentages to one decimal place, counts whole.
func FormatValue(ind domain.Indicator, v float64) string {
	if ind.PerChildren() || ind.Unit != domain.UnitCount {
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

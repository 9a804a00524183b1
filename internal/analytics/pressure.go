package analytics

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Pressure points: an indicator on which a council is in the worst quartile
// of all councils AND has moved the worse way against its pre-pandemic
// baseline by more than a threshold. AssessPressure assesses every council
// on every indicator for one month, flags the pressure points, scores how
// severe each is and says in words why it was flagged.

// Defaults of PressureConfig, the configuration's (package config).
var (
	// DefaultPressureThreshold is the change against the baseline, in the
	// worse direction, that a worst-quartile council must exceed to be a
	// pressure point: 0.10 is 10%.
	DefaultPressureThreshold = config.Default().PressureThreshold
	// DefaultWorstBand is the quartile band that can hold pressure points.
	DefaultWorstBand = config.Default().PressureBand
)

// DefaultDirectionMonths is the window, in months ending at the month
// assessed, over which Direction is read: part of the pressure-point rule
// rather than a setting.
const DefaultDirectionMonths = 3

// PressureConfig tunes AssessPressure. A zero field takes its default, so
// PressureConfig{} is DefaultPressureConfig().
type PressureConfig struct {
	// BaselineYears are the years whose same calendar month make the
	// baseline; empty means DefaultBaselineYears.
	BaselineYears []int
	// Threshold is the change against the baseline, signed so that
	// positive is worse, that must be exceeded (strictly) for a
	// worst-band council to be flagged. Zero, a negative number or NaN
	// take DefaultPressureThreshold; to flag any worsening at all pass a
	// tiny positive number such as 1e-9.
	Threshold float64
	// WorstBand is the band that can hold pressure points; empty means
	// DefaultWorstBand ("D").
	WorstBand string
	// DirectionMonths is the window Direction reads; below 2 (including
	// zero) means DefaultDirectionMonths.
	DirectionMonths int
}

// DefaultPressureConfig returns the configuration used when a caller sets
// nothing: the 2017–2019 baseline, a 10% threshold, band D and a 3-month
// direction.
func DefaultPressureConfig() PressureConfig {
	return PressureConfig{
		BaselineYears:   slices.Clone(DefaultBaselineYears),
		Threshold:       DefaultPressureThreshold,
		WorstBand:       DefaultWorstBand,
		DirectionMonths: DefaultDirectionMonths,
	}
}

// WithDefaults fills zero fields and puts the baseline years in order
// without repeats (Baseline counts a repeated year once anyway).
func (c PressureConfig) WithDefaults() PressureConfig {
	years := c.BaselineYears
	if len(years) == 0 {
		years = DefaultBaselineYears
	}
	years = slices.Clone(years)
	slices.Sort(years)
	c.BaselineYears = slices.Compact(years)
	if !(c.Threshold > 0) || math.IsInf(c.Threshold, 0) {
		c.Threshold = DefaultPressureThreshold
	}
	if c.WorstBand == "" {
		c.WorstBand = DefaultWorstBand
	}
	if c.DirectionMonths < 2 {
		c.DirectionMonths = DefaultDirectionMonths
	}
	return c
}

// Severity levels of a pressure point, as SeverityLevel assigns them.
const (
	LevelHigh   = "high"
	LevelMedium = "medium"
	LevelLow    = "low"
)

// SeverityLevel names a severity: LevelHigh at 0.6 or more, LevelMedium at
// 0.35 or more, otherwise LevelLow. A severity exactly on a boundary takes
// the higher level.
func SeverityLevel(severity float64) string {
	switch {
	case severity >= 0.6:
		return LevelHigh
	case severity >= 0.35:
		return LevelMedium
	}
	return LevelLow
}

// The weights and the cap of the severity formula; see Severity.
const (
	severityChangeWeight    = 0.6
	severityPositionWeight  = 0.3
	severityDirectionWeight = 0.1
	// severityChangeCap is the worse change at which the change term is
	// full: a rise of 50% or more on the baseline scores the whole 0.6.
	severityChangeCap = 0.5
)

// Severity scores a pressure point in (0, 1], exactly as follows:
//
//	severity = 0.6 × min(1, worse / 0.5)
//	         + 0.3 × position
//	         + 0.1 × (1 if the direction is the worse way, else 0)
//	position = clamp((rank − 0.75·n) / (0.25·n), 0, 1)
//
// worse is the change against the baseline signed so that positive is
// worse (0.34 for 34% worse); below zero the change term counts as 0. rank
// is the council's rank among the n councils with a value (1 best, as Rank
// gives it), so position is how deep into the worst quarter the council
// sits: 0 at three quarters of the way down or above, 1 for the last. The
// worse way is Rising for a higher-is-worse indicator and Falling for a
// higher-is-better one; for any other polarity no direction counts. The
// sum is rounded to 12 decimal places, so that the last bit of floating
// point arithmetic (0.3 + 0.15 landing a hair off 0.45) cannot move a level
// or break a tie; a positive sum too small to survive that rounding is
// kept as it is, so a point's severity is never 0.
//
// With n = 8: a council ranked 8th, 60% worse than its baseline and rising
// scores 0.6 + 0.3 + 0.1 = 1; one ranked 7th (position 0.5), 25% worse and
// flat scores 0.6 × 0.5 + 0.3 × 0.5 = 0.45.
func Severity(worse float64, rank, n int, direction, polarity string) float64 {
	change := min(1, max(0, worse/severityChangeCap))
	if math.IsNaN(change) {
		change = 0
	}
	position := 0.0
	if n > 0 {
		fn := float64(n)
		position = min(1, max(0, (float64(rank)-0.75*fn)/(0.25*fn)))
	}
	dir := 0.0
	if direction != "" && direction == worseDirection(polarity) {
		dir = 1
	}
	raw := severityChangeWeight*change + severityPositionWeight*position + severityDirectionWeight*dir
	if s := math.Round(raw*1e12) / 1e12; s > 0 || raw <= 0 {
		return s
	}
	return raw
}

// worseDirection is the Direction that means things are getting worse:
// Rising when higher is worse, Falling when higher is better, and "" for a
// neutral (or unknown) polarity, where neither is.
func worseDirection(polarity string) string {
	switch polarity {
	case domain.HigherWorse:
		return Rising
	case domain.HigherBetter:
		return Falling
	}
	return ""
}

// worseSign is +1 when a rise is worse, -1 when a fall is worse and 0 when
// neither is (neutral or an unknown polarity).
func worseSign(polarity string) float64 {
	switch polarity {
	case domain.HigherWorse:
		return 1
	case domain.HigherBetter:
		return -1
	}
	return 0
}

// MonthsFalling counts the consecutive months, ending at m, in which the
// 3-month rolling mean fell strictly below the previous month's: 0 when it
// did not fall into m. It mirrors MonthsRising, stopping at the first month
// that did not fall or where either rolling mean cannot be computed
// because of a gap.
func MonthsFalling(s Lookup, m domain.Month) int {
	n := 0
	cur, ok := RollingMean(s, m, 3)
	for ok {
		m = m.Add(-1)
		prev, okPrev := RollingMean(s, m, 3)
		if !okPrev || !(cur < prev) {
			break
		}
		n++
		cur = prev
	}
	return n
}

// PressureKey names one council and indicator.
type PressureKey struct {
	Council   int    // DfE LA number
	Indicator string // indicator code
}

// PressureCell is the assessment of one council on one indicator in the
// month assessed: one square of the LA × indicator heatmap. Only councils
// with a value that month have a cell; the others are listed in
// PressureResult.Missing.
type PressureCell struct {
	// Council is the DfE LA number and Indicator the indicator code.
	Council   int
	Indicator string
	// Value is the displayed value in the month (a rate per 10,000
	// children for per-child indicators).
	Value float64
	// Band is the quartile band, "A" (best by polarity) to "D" (worst),
	// among all councils with a value that month (BandsOfMap and
	// QuartileBand).
	Band string
	// Rank is the council's rank, 1 best by polarity, among the N councils
	// with a value that month (Rank: ties share the better rank).
	Rank int
	N    int
	// Baseline is the mean of the baseline years' same calendar month and
	// BaselineN how many of those years had a value (0 when none did, and
	// then Baseline is 0).
	Baseline  float64
	BaselineN int
	// ChangeBaseline is the relative change against Baseline (0.34 is 34%
	// up), as ChangeVsBaseline computes it; ChangeBaselineOK is false when
	// there is no baseline or it is zero.
	ChangeBaseline   float64
	ChangeBaselineOK bool
	// ChangeYearAgo is the relative change against the same month a year
	// before (ChangeVsYearAgo); ChangeYearAgoOK is false when there is
	// none.
	ChangeYearAgo   float64
	ChangeYearAgoOK bool
	// Direction is Direction over PressureConfig.DirectionMonths months
	// ending at the month: Rising, Falling, Flat, or "" when too few
	// months have values.
	Direction string
	// MonthsRising and MonthsFalling count the months the 3-month rolling
	// mean has risen, or fallen, in a row up to the month.
	MonthsRising  int
	MonthsFalling int
	// Worse is ChangeBaseline signed so that positive is worse: as it is
	// when higher is worse, negated when higher is better. It is 0 for a
	// neutral indicator and when ChangeBaselineOK is false.
	Worse float64
	// Flagged says the cell is a pressure point: Band is the worst band
	// and Worse exceeds the threshold (strictly). Neutral indicators are
	// never flagged.
	Flagged bool
	// Severity (see the Severity function) and Level (SeverityLevel) are
	// set only on flagged cells; otherwise they are 0 and "".
	Severity float64
	Level    string
	// Reason describes the cell in words, for example "Referrals received
	// 612.3 per 10,000 children, band D, +34% on the 2017–19 baseline,
	// rising for 3 months". On a flagged cell it says why it was flagged;
	// every other cell gets the same description, for a heatmap's tooltip.
	Reason string
}

// Key returns the cell's council and indicator.
func (c PressureCell) Key() PressureKey {
	return PressureKey{Council: c.Council, Indicator: c.Indicator}
}

// PressureResult is AssessPressure's answer for one month.
type PressureResult struct {
	// Month is the month assessed and Config the configuration used, with
	// its defaults filled in (so a page can say "more than 10% on the
	// 2017–19 baseline").
	Month  domain.Month
	Config PressureConfig
	// Cells holds every council × indicator assessed, in catalogue order
	// of indicator and then by LA number.
	Cells []PressureCell
	// Points are the flagged cells, most severe first; ties go by
	// indicator code and then LA number, so the order is always the same.
	Points []PressureCell
	// Missing lists, in the order of Cells, the councils and indicators
	// not assessed because the council has no value for the month (or one
	// that is not a finite number). They are gaps, never zeros.
	Missing []PressureKey

	index map[PressureKey]int // into Cells
}

// Cell returns the assessment of one council on one indicator; ok is false
// when it was not assessed (see Missing).
func (r PressureResult) Cell(council int, indicator string) (PressureCell, bool) {
	k := PressureKey{Council: council, Indicator: indicator}
	if r.index != nil {
		i, ok := r.index[k]
		if !ok {
			return PressureCell{}, false
		}
		return r.Cells[i], true
	}
	for _, c := range r.Cells {
		if c.Key() == k {
			return c, true
		}
	}
	return PressureCell{}, false
}

// AssessPressure assesses every council on every indicator of inds for
// month m (normally the latest complete month) and flags the pressure
// points.
//
// values holds, by indicator code and then LA number, each council's
// Series of displayed values: rates per 10,000 children for per-child
// indicators, the value itself otherwise (the caller computes them, for
// example with SeriesOf). The councils assessed are every LA number that
// appears in values under any indicator of inds; one with no value for m
// on an indicator is listed in Missing for it, not assessed as zero, and
// takes no part in that indicator's bands and ranks. Codes in values that
// are not in inds are ignored, and an indicator listed twice is assessed
// once.
//
// For each council and indicator it records the value, the quartile band
// and rank among councils with a value, the change against the baseline
// and against a year before, the direction and the months rising and
// falling (see PressureCell). A cell is a pressure point when its band is
// cfg.WorstBand and its worse-signed change against the baseline is
// strictly greater than cfg.Threshold; neutral indicators are assessed but
// never flagged. Points get a Severity and a Level, and are returned most
// severe first.
func AssessPressure(m domain.Month, inds []domain.Indicator, values map[string]map[int]Series, cfg PressureConfig) PressureResult {
	looks := make(map[string]map[int]Lookup, len(values))
	for code, byCouncil := range values {
		looks[code] = make(map[int]Lookup, len(byCouncil))
		for c, s := range byCouncil {
			looks[code][c] = s
		}
	}
	return AssessPressureOf(m, inds, looks, cfg)
}

// AssessPressureOf is AssessPressure over any Lookup of each council's
// displayed figures, so a read model need not copy them into maps.
func AssessPressureOf(m domain.Month, inds []domain.Indicator, values map[string]map[int]Lookup, cfg PressureConfig) PressureResult {
	cfg = cfg.WithDefaults()
	years := cfg.BaselineYears
	yearsLabel := YearsLabel(years)

	// Every council that appears under any indicator, in LA number order.
	seen := make(map[string]bool, len(inds))
	catalogue := make([]domain.Indicator, 0, len(inds))
	councilSet := make(map[int]struct{}, 160)
	for _, ind := range inds {
		if seen[ind.Code] {
			continue
		}
		seen[ind.Code] = true
		catalogue = append(catalogue, ind)
		for c := range values[ind.Code] {
			councilSet[c] = struct{}{}
		}
	}
	councils := make([]int, 0, len(councilSet))
	for c := range councilSet {
		councils = append(councils, c)
	}
	slices.Sort(councils)

	res := PressureResult{
		Month:  m,
		Config: cfg,
		Cells:  make([]PressureCell, 0, len(councils)*len(catalogue)),
		index:  make(map[PressureKey]int, len(councils)*len(catalogue)),
	}
	at := make(map[int]float64, len(councils))
	var sb strings.Builder
	for _, ind := range catalogue {
		byCouncil := values[ind.Code]
		clear(at)
		for _, c := range councils {
			var v float64
			ok := false
			if s := byCouncil[c]; s != nil {
				v, ok = s.At(m)
			}
			if !ok || !finite(v) {
				res.Missing = append(res.Missing, PressureKey{Council: c, Indicator: ind.Code})
				continue
			}
			at[c] = v
		}
		if len(at) == 0 {
			continue
		}
		bands, _ := BandsOfMap(at)
		ranks := Rank(at, ind.Polarity)
		n := len(at)
		sign := worseSign(ind.Polarity)
		for _, c := range councils {
			v, ok := at[c]
			if !ok {
				continue
			}
			s := byCouncil[c]
			cell := PressureCell{
				Council:   c,
				Indicator: ind.Code,
				Value:     v,
				Band:      QuartileBand(v, bands, ind.Polarity),
				Rank:      ranks[c],
				N:         n,
				Direction: Direction(s, m, cfg.DirectionMonths),
			}
			// ChangeVsBaseline, keeping the baseline itself and how
			// many years made it.
			if base, bn, ok := Baseline(s, m, years); ok {
				cell.Baseline, cell.BaselineN = base, bn
				cell.ChangeBaseline, cell.ChangeBaselineOK = RelativeChange(v, base)
			}
			cell.ChangeYearAgo, cell.ChangeYearAgoOK = ChangeVsYearAgo(s, m)
			cell.MonthsRising = MonthsRising(s, m)
			if cell.MonthsRising == 0 {
				// The rolling mean cannot both rise and fall into m.
				cell.MonthsFalling = MonthsFalling(s, m)
			}
			if cell.ChangeBaselineOK && sign != 0 {
				cell.Worse = sign * cell.ChangeBaseline
				if cell.Worse == 0 {
					cell.Worse = 0 // not -0, from negating a zero change
				}
			}
			if sign != 0 && cell.Band == cfg.WorstBand && cell.Worse > cfg.Threshold {
				cell.Flagged = true
				cell.Severity = Severity(cell.Worse, cell.Rank, n, cell.Direction, ind.Polarity)
				cell.Level = SeverityLevel(cell.Severity)
			}
			cell.Reason = describeCell(&sb, ind, &cell, yearsLabel, len(years))
			res.index[cell.Key()] = len(res.Cells)
			res.Cells = append(res.Cells, cell)
		}
	}
	for _, c := range res.Cells {
		if c.Flagged {
			res.Points = append(res.Points, c)
		}
	}
	rankPoints(res.Points)
	return res
}

// rankPoints orders points by severity, highest first, then by indicator
// code and LA number.
func rankPoints(points []PressureCell) {
	slices.SortFunc(points, func(a, b PressureCell) int {
		if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		if c := strings.Compare(a.Indicator, b.Indicator); c != 0 {
			return c
		}
		return cmp.Compare(a.Council, b.Council)
	})
}

// CountBy counts points by a key of the caller's choosing, such as the
// indicator code, the level, or a region the caller looks up from the LA
// number.
func CountBy(points []PressureCell, key func(PressureCell) string) map[string]int {
	out := make(map[string]int)
	for _, p := range points {
		out[key(p)]++
	}
	return out
}

// describeCell writes a cell's Reason: the indicator's label (its code when
// it has none), the value with its display unit, the band, the change
// against the baseline and, when there is one, how many months the
// 3-month rolling mean has moved the way that matters. sb is reused
// between calls to save allocations.
//
// The change is a signed percentage, to one decimal place below 20% (so a
// change just over a 10% threshold does not read as exactly 10%) and to the
// nearest whole percent from 20% up. When only some baseline years had a
// value it says how many, e.g. "(2 of 3 years)". The months clause counts
// MonthsRising for a higher-is-worse indicator ("rising for 3 months",
// "rising for 1 month") and MonthsFalling for a higher-is-better one; a
// neutral indicator reports whichever is non-zero. The clause is left out
// when the count is 0.
func describeCell(sb *strings.Builder, ind domain.Indicator, c *PressureCell, yearsLabel string, nYears int) string {
	sb.Reset()
	label := ind.Label
	if label == "" {
		label = ind.Code
	}
	sb.WriteString(label)
	sb.WriteByte(' ')
	sb.WriteString(formatDisplay(ind, c.Value))
	if c.Band != "" {
		sb.WriteString(", band ")
		sb.WriteString(c.Band)
	}
	sb.WriteString(", ")
	switch {
	case c.ChangeBaselineOK:
		sb.WriteString(formatChange(c.ChangeBaseline))
		sb.WriteString(" on the ")
		sb.WriteString(yearsLabel)
		sb.WriteString(" baseline")
		if c.BaselineN < nYears {
			sb.WriteString(" (")
			sb.WriteString(strconv.Itoa(c.BaselineN))
			sb.WriteString(" of ")
			sb.WriteString(strconv.Itoa(nYears))
			sb.WriteString(" years)")
		}
	case c.BaselineN > 0:
		sb.WriteString("the ")
		sb.WriteString(yearsLabel)
		sb.WriteString(" baseline is zero")
	default:
		sb.WriteString("no ")
		sb.WriteString(yearsLabel)
		sb.WriteString(" baseline")
	}
	word, months := Rising, c.MonthsRising
	switch ind.Polarity {
	case domain.HigherWorse:
	case domain.HigherBetter:
		word, months = Falling, c.MonthsFalling
	default:
		if months == 0 {
			word, months = Falling, c.MonthsFalling
		}
	}
	if months > 0 {
		sb.WriteString(", ")
		sb.WriteString(word)
		sb.WriteString(" for ")
		sb.WriteString(strconv.Itoa(months))
		if months == 1 {
			sb.WriteString(" month")
		} else {
			sb.WriteString(" months")
		}
	}
	return sb.String()
}

// formatDisplay writes a displayed value with its unit: "612.3 per 10,000
// children" for a rate, "12.5%" for a percentage, "18.3% of referrals" for
// a percentage of another indicator, "17.2 cases per worker"
// for the caseload ratio (one decimal place for all three), and a plain
// number for a count, whole when it is whole and otherwise to one decimal
// place. Thousands are separated by commas.
func formatDisplay(ind domain.Indicator, v float64) string {
	switch {
	case ind.PerChildren():
		return groupDigits(v, 1) + " " + ind.DisplayUnit()
	case ind.PercentOf() != "":
		return groupDigits(v, 1) + ind.DisplayUnit()
	case ind.Unit == domain.UnitPercent:
		return groupDigits(v, 1) + "%"
	case ind.Unit == domain.UnitRatio:
		return groupDigits(v, 1) + " " + ind.DisplayUnit()
	}
	dec := 1
	if v == math.Trunc(v) {
		dec = 0
	}
	s := groupDigits(v, dec)
	if u := ind.DisplayUnit(); u != "" && u != domain.UnitCount {
		s += " " + u
	}
	return s
}

// formatChange writes a relative change as a signed percentage: "+34%",
// "-12.5%", "+10.4%"; one decimal place below 20%, whole from 20% up, and
// no sign when it rounds to zero.
func formatChange(change float64) string {
	pct := change * 100
	dec := 0
	if math.Abs(pct) < 20 {
		dec = 1
	}
	s := strconv.FormatFloat(pct, 'f', dec, 64)
	switch {
	case strings.Trim(s, "-0.") == "":
		return strings.TrimPrefix(s, "-") + "%"
	case pct > 0:
		return "+" + s + "%"
	}
	return s + "%"
}

// groupDigits formats v with dec decimal places and commas between
// thousands, never writing "-0".
func groupDigits(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
		if strings.Trim(s, "0.") == "" {
			neg = false
		}
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 && !neg {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(intPart)/3 + 1)
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	b.WriteString(frac)
	return b.String()
}

// YearsLabel writes baseline years as people read them: a run of
// consecutive years as "2017–19" (an en dash, the end year shortened to
// two digits unless the century changes, as in "1999–2001"), a single year
// as "2019", and separate runs joined by commas, as in "2015, 2017–19".
// Years are put in order and repeats dropped; no years give "".
func YearsLabel(years []int) string {
	ys := slices.Clone(years)
	slices.Sort(ys)
	ys = slices.Compact(ys)
	var b strings.Builder
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(ys[i]))
		if j > i {
			b.WriteString("–")
			end := strconv.Itoa(ys[j])
			if ys[i]/100 == ys[j]/100 && len(end) >= 2 {
				end = end[len(end)-2:]
			}
			b.WriteString(end)
		}
		i = j + 1
	}
	return b.String()
}

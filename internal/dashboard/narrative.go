package dashboard

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Sentence is one key line of enquiry: a plain-English sentence built
// from the council's figures, the chart it rests on, and those figures.
type Sentence struct {
	// Topic is what the sentence is about: pressure, movement, exception,
	// projection, reconciliation or assessment.
	Topic string `json:"topic"`
	Text  string `json:"text"`
	Href  string `json:"href"`
	// Figures are the numbers the sentence states, by name.
	Figures []NamedFigure `json:"figures"`
}

// NamedFigure is one number a sentence rests on.
type NamedFigure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	Month string  `json:"month,omitempty"`
}

// How many sentences of each kind the summary keeps.
const (
	narrativePressure   = 3
	narrativeMovers     = 2
	narrativeProjection = 2
)

func chartHref(council int, code, anchor string) string {
	return fmt.Sprintf("/councils/%d?indicator=%s#%s", council, url.QueryEscape(code), anchor)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// Narrative is council's key lines of enquiry, as v may see them: its
// pressure points, its largest movements against its neighbours, its
// recent exceptions, the projections that rise most, the years its
// monthly returns differ from DfE's figures beyond tol, and the age of
// its self-assessment. Every sentence states the figures it rests on and
// links to the chart that shows them.
func (d *Snapshot) Narrative(v Viewer, council int, now time.Time, tol float64) []Sentence {
	co, ok := d.ByNumber[council]
	if !ok {
		return nil
	}
	var out []Sentence
	out = append(out, d.pressureSentences(v, co)...)
	for i, mv := range d.Movers(v, council) {
		if i == narrativeMovers {
			break
		}
		out = append(out, Sentence{Topic: "movement", Href: chartHref(council, mv.Indicator.Code, "comparison"),
			Text: fmt.Sprintf("%s moved from %s to %s its statistical neighbours' median (%s against %s): %s against %s %s.",
				mv.Indicator.Label, mv.PositionBefore, mv.Position, mv.Period, mv.PeriodBefore, mv.Value, mv.Neighbours, mv.Unit),
			Figures: []NamedFigure{{Name: "share_above_neighbours_now", Value: RoundTo(mv.Now, 4), Month: mv.Month.String()},
				{Name: "share_above_neighbours_before", Value: RoundTo(mv.Before, 4), Month: mv.Since.String()}}})
	}
	out = append(out, d.exceptionSentences(v, co)...)
	out = append(out, d.projectionSentences(v, co)...)
	out = append(out, d.reconcileSentences(v, co, tol)...)
	if s, ok := d.assessmentSentence(co, now); ok {
		out = append(out, s)
	}
	return out
}

func (d *Snapshot) pressureSentences(v Viewer, co domain.Council) []Sentence {
	m, ok := d.PressureMonth()
	if !ok || !co.ExistedIn(m) {
		return nil
	}
	p := d.Pressure(m)
	var points, assessed int
	var out []Sentence
	for _, cell := range p.Result.Cells {
		if cell.Council != co.Number {
			continue
		}
		assessed++
		if !cell.Flagged {
			continue
		}
		points++
		ind := d.ByCode[cell.Indicator]
		if raw, ok := d.Values[ind.Code][co.Number].at(m.Index()); ok && v.Suppressed(ind, co.Number, raw) {
			continue
		}
		out = append(out, Sentence{Topic: "pressure", Href: chartHref(co.Number, ind.Code, "comparison"),
			Text: fmt.Sprintf("Pressure point in %s: %s.", m.Label(), cell.Reason),
			Figures: []NamedFigure{{Name: "value", Value: RoundTo(cell.Value, 2), Unit: ind.DisplayUnit(), Month: m.String()},
				{Name: "change_on_baseline", Value: RoundTo(cell.ChangeBaseline, 4)}, {Name: "severity", Value: RoundTo(cell.Severity, 3)}},
			// Most severe first, kept below.
		})
		out[len(out)-1].Figures = append(out[len(out)-1].Figures, NamedFigure{Name: "rank", Value: float64(cell.Rank)})
	}
	slices.SortStableFunc(out, func(a, b Sentence) int {
		return cmpFloat(figureOfName(b, "severity"), figureOfName(a, "severity"))
	})
	if len(out) > narrativePressure {
		out = out[:narrativePressure]
	}
	if points == 0 && assessed > 0 {
		out = append(out, Sentence{Topic: "pressure", Href: "/councils/" + fmt.Sprint(co.Number) + "#headlines",
			Text:    fmt.Sprintf("None of the %d indicators with a figure in %s is a pressure point (band D and more than %.0f%% worse than the pre-pandemic baseline).", assessed, m.Label(), 100*d.cfg.Pressure.Threshold),
			Figures: []NamedFigure{{Name: "indicators_assessed", Value: float64(assessed), Month: m.String()}}})
	} else if points > len(out) && len(out) > 0 {
		out[0].Text = fmt.Sprintf("%d pressure points in %s; the most severe: %s", points, m.Label(), strings.TrimPrefix(out[0].Text, "Pressure point in "+m.Label()+": "))
		out[0].Figures = append(out[0].Figures, NamedFigure{Name: "pressure_points", Value: float64(points), Month: m.String()})
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func figureOfName(s Sentence, name string) float64 {
	for _, f := range s.Figures {
		if f.Name == name {
			return f.Value
		}
	}
	return 0
}

func (d *Snapshot) exceptionSentences(v Viewer, co domain.Council) []Sentence {
	if d.Last.IsZero() {
		return nil
	}
	since := d.Last.Add(-2)
	es := d.ExceptionsOf(v, co.Number, since)
	if len(es) == 0 {
		return nil
	}
	e := es[0]
	text := "In the last three months one figure fell outside the range projected for it the month before: " + lowerFirst(e.Reason())
	if len(es) > 1 {
		text = fmt.Sprintf("In the last three months %d figures fell outside the range projected for them the month before; the latest: %s", len(es), lowerFirst(e.Reason()))
	}
	return []Sentence{{Topic: "exception", Href: chartHref(co.Number, e.Indicator.Code, "exceptions"), Text: text,
		Figures: []NamedFigure{{Name: "exceptions", Value: float64(len(es)), Month: since.String()},
			{Name: "value", Value: RoundTo(e.Value, 2), Unit: ProjectedUnit(e.Indicator), Month: e.Month.String()},
			{Name: "expected", Value: RoundTo(e.Expected, 2)}, {Name: "lower_95", Value: RoundTo(e.Lower95, 2)}, {Name: "upper_95", Value: RoundTo(e.Upper95, 2)}}}}
}

// projectionSentences names the projections that move most the worse
// way, among those whose backtest beat last year's figure.
func (d *Snapshot) projectionSentences(v Viewer, co domain.Council) []Sentence {
	type cand struct {
		p      *Projected
		change float64
		last   float64
	}
	var cs []cand
	for _, ind := range d.Indicators {
		if ind.Polarity == domain.Neutral {
			continue
		}
		p := d.ProjectionFor(v, ind, co.Number)
		if !p.OK || len(p.Points) < ProjectionHorizon || p.Backtest.RelativeMAE >= 1 {
			continue
		}
		var last, next float64
		n := 0
		for _, c := range p.Checks {
			if c.Month > p.Last-12 {
				last, n = last+c.Value, n+1
			}
		}
		for _, pt := range p.Points {
			next += pt.Forecast
		}
		if n < 12 || last <= 0 {
			continue
		}
		change := (next/float64(len(p.Points)))/(last/float64(n)) - 1
		worse := change
		if ind.Polarity == domain.HigherBetter {
			worse = -change
		}
		if worse > 0.02 {
			cs = append(cs, cand{p, change, last / float64(n)})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmpFloat(math.Abs(b.change), math.Abs(a.change)) })
	var out []Sentence
	for i, c := range cs {
		if i == narrativeProjection {
			break
		}
		ind, p := c.p.Indicator, c.p
		end := p.Points[len(p.Points)-1]
		f := func(x float64) string { return FormatProjected(ind, x) }
		dir := "rise"
		if c.change < 0 {
			dir = "fall"
		}
		out = append(out, Sentence{Topic: "projection", Href: chartHref(co.Number, ind.Code, "projection"),
			Text: fmt.Sprintf("%s is projected to %s by %.0f%% over the next 12 months, to %s in %s (likely %s to %s); such projections have been %s.",
				ind.Label, dir, math.Abs(100*c.change), f(end.Forecast), MonthOfIndex(end.Month).Label(), f(end.Lower80), f(end.Upper80), p.AccuracyText()),
			Figures: []NamedFigure{{Name: "change_next_12_months", Value: RoundTo(c.change, 4)},
				{Name: "forecast", Value: RoundTo(end.Forecast, 2), Unit: ProjectedUnit(ind), Month: MonthOfIndex(end.Month).String()},
				{Name: "lower_80", Value: RoundTo(end.Lower80, 2)}, {Name: "upper_80", Value: RoundTo(end.Upper80, 2)},
				{Name: "relative_mae", Value: RoundTo(p.Backtest.RelativeMAE, 4)}, {Name: "coverage_80", Value: RoundTo(p.Backtest.Coverage80, 4)}}})
	}
	return out
}

func (d *Snapshot) reconcileSentences(v Viewer, co domain.Council, tol float64) []Sentence {
	var out []Sentence
	for _, ind := range d.ReconciledIndicators() {
		rows := d.Reconcile(ind, co.Number, v, d.OfficialOf(ind.Code, co.Number), tol)
		for i := len(rows) - 1; i >= 0; i-- {
			r := rows[i]
			if !r.Flagged || !r.MonthlyTotal.OK || !r.Official.OK || !r.DifferencePercent.OK {
				continue
			}
			out = append(out, Sentence{Topic: "reconciliation", Href: chartHref(co.Number, ind.Code, "reconciliation"),
				Text: fmt.Sprintf("%s: the monthly returns for %s give %s against DfE's published %s, a difference of %s%%, beyond the %.0f%% tolerance.",
					ind.Label, r.Period, r.Total, r.DfE, signedText(r.DifferencePercent.Value), 100*tol),
				Figures: []NamedFigure{{Name: "monthly_total", Value: RoundTo(r.MonthlyTotal.Value, 2)}, {Name: "official", Value: RoundTo(r.Official.Value, 2)},
					{Name: "difference_percent", Value: RoundTo(r.DifferencePercent.Value, 2)}, {Name: "year", Value: float64(r.Year)}}})
			break // the latest flagged year of each indicator
		}
	}
	return out
}

func signedText(x float64) string {
	s := fmt.Sprintf("%.1f", math.Abs(x))
	if x < 0 {
		return "−" + s
	}
	return "+" + s
}

func (d *Snapshot) assessmentSentence(co domain.Council, now time.Time) (Sentence, bool) {
	if !co.Current {
		return Sentence{}, false
	}
	href := fmt.Sprintf("/councils/%d#assessment", co.Number)
	a, ok := d.Assessed[co.Number]
	if !ok {
		n := 0
		for _, c := range d.Councils {
			if _, has := d.Assessed[c.Number]; has {
				n++
			}
		}
		return Sentence{Topic: "assessment", Href: href,
			Text:    fmt.Sprintf("No self-assessment of the enabling conditions has been submitted; %d of the %d councils have submitted one.", n, len(d.Councils)),
			Figures: []NamedFigure{{Name: "councils_assessed", Value: float64(n)}, {Name: "councils", Value: float64(len(d.Councils))}}}, true
	}
	age, ok := AgeOf(a.Date(), now)
	if !ok {
		return Sentence{}, false
	}
	months := monthsBetween(age.at, now)
	when := fmt.Sprintf("%s (%d months)", age.Ago, months)
	if strings.Contains(age.Ago, "month") || strings.Contains(age.Ago, "day") {
		when = age.Ago
	}
	text := fmt.Sprintf("The self-assessment of the enabling conditions was submitted on %s, %s.", age.Date, when)
	if age.Stale {
		text = fmt.Sprintf("The self-assessment of the enabling conditions was submitted on %s, %s: more than %d months old, so due for review.", age.Date, when, domain.AssessmentStaleAfterMonths)
	}
	return Sentence{Topic: "assessment", Href: href, Text: text,
		Figures: []NamedFigure{{Name: "months_old", Value: float64(months)}}}, true
}

// monthsBetween counts whole months from a to b.
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		n--
	}
	return max(n, 0)
}

package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/charts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// assessmentView is the self-assessment section of a council's profile:
// the latest ratings against its neighbours' and every council's median,
// the conditions over versions, the challenges, and (for those who may
// read it) the evidence.
type assessmentView struct {
	Council int
	Has     bool
	Version int
	Date    string
	// Old says the latest self-assessment is over 12 months old: the
	// page and the radar's title say so beside its date.
	Old            bool
	Score          string
	Enablers       string
	CanEdit        bool
	CanSeeEvidence bool
	RadarOption    map[string]any
	RadarRows      []radarRow
	NeighboursN    int
	AllN           int
	Challenges     []challengeView
	VersionsOption map[string]any
	VersionRows    []versionRow
	VersionCols    []string
	Evidence       []evidenceView
	Narrative      string
}

type radarRow struct {
	Kind, Label              string
	Council, Neighbours, All string
}

// challengeView is one challenge's latest rating with the indicators it
// bears on, shown in the section and beside those indicators' area.
type challengeView struct {
	Code       string
	Label      string
	Statement  string
	Rating     string
	Level      int
	Neighbours string
	Date       string
	Indicators []indicatorLink
}

type indicatorLink struct {
	Code  string
	Label string
}

type versionRow struct {
	Date  string
	Cells []string
}

type evidenceView struct {
	Kind     string
	Label    string
	Rating   string
	Evidence string
}

// medianText writes a median rating, or "No ratings".
func medianText(st analytics.Stats, ok bool) string {
	if !ok {
		return "No ratings"
	}
	return strconv.FormatFloat(st.Median, 'f', 1, 64)
}

// buildAssessmentView assembles the profile's self-assessment section.
// Everyone signed in sees the submitted ratings; the evidence and the
// narrative only those canSeeEvidence allows.
func (s *Server) buildAssessmentView(ctx context.Context, d *dashboard.Snapshot, council int, u *domain.User) (*assessmentView, error) {
	f := d.Framework
	if f == nil {
		return nil, nil
	}
	v := &assessmentView{Council: council, CanEdit: canEditAssessment(u, council), CanSeeEvidence: canSeeEvidence(u, council)}
	versions, err := s.db.Assessments(ctx, council)
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return v, nil
	}
	latest := versions[len(versions)-1]
	v.Has, v.Version, v.Date = true, latest.Version, humanDate(latest.Date())
	v.Old = assessmentOld(latest.Date(), s.now())
	v.Score = scoreText(analytics.ConditionsScore(latest, f))
	v.Enablers = scoreText(analytics.EnablersScore(latest, f))

	var neighbours, all []domain.Assessment
	for _, nb := range d.Neighbours[council] {
		if a, ok := d.Assessed[nb]; ok {
			neighbours = append(neighbours, a)
		}
	}
	for n, a := range d.Assessed {
		if d.ByNumber[n].Current {
			all = append(all, a)
		}
	}
	v.NeighboursN, v.AllN = len(neighbours), len(all)

	// The radar: conditions and enablers, where higher is stronger.
	var axes []string
	own, nbMed, allMed := charts.Profile{Name: d.ByNumber[council].Name, Style: charts.RadarOwn},
		charts.Profile{Name: "Neighbours' median", Style: charts.RadarNeighbours},
		charts.Profile{Name: "All councils' median", Style: charts.RadarAll}
	if own.Name == "" {
		own.Name = "This council"
	}
	for _, kind := range []string{domain.ItemCondition, domain.ItemEnabler} {
		for _, it := range f.ItemsOf(kind) {
			axes = append(axes, it.Label)
			r := latest.RatingOf(it.Code).Rating
			row := radarRow{Kind: domain.KindLabel(kind), Label: it.Label, Council: ratingText(kind, r)}
			if r > 0 {
				own.Values = append(own.Values, ptr(float64(r)))
			} else {
				own.Values = append(own.Values, nil)
			}
			st, ok := analytics.RatingStats(neighbours, it.Code)
			row.Neighbours = medianText(st, ok)
			nbMed.Values = append(nbMed.Values, optional(st.Median, ok))
			st, ok = analytics.RatingStats(all, it.Code)
			row.All = medianText(st, ok)
			allMed.Values = append(allMed.Values, optional(st.Median, ok))
			v.RadarRows = append(v.RadarRows, row)
		}
	}
	levels := make([]string, 0, domain.MaxRating)
	for r := domain.MinRating; r <= domain.MaxRating; r++ {
		levels = append(levels, domain.RatingLabel(domain.ItemCondition, r))
	}
	if v.RadarOption, err = charts.RadarOption(charts.Radar{
		Title:    "Enabling conditions and practical enablers",
		Subtitle: fmt.Sprintf("%s. Against the medians of %d neighbours and %d councils; 1 not in place to 4 strong", v.AssessedText(), v.NeighboursN, v.AllN),
		Axes:     axes,
		Profiles: []charts.Profile{own, nbMed, allMed},
		Levels:   levels,
	}); err != nil {
		return nil, err
	}
	v.Challenges = challengesOf(f, latest, neighbours, d)

	// The conditions over versions, with the score.
	vs := charts.Versions{Title: "Enabling conditions over time", Subtitle: "Each submitted self-assessment; the score is the mean of the three conditions"}
	conds := f.ItemsOf(domain.ItemCondition)
	lines := make([]charts.Line, len(conds)+1)
	for i, it := range conds {
		lines[i].Name = it.Label
		v.VersionCols = append(v.VersionCols, it.Label)
	}
	lines[len(conds)] = charts.Line{Name: "Conditions score", Dashed: true, Colour: "#0b0c0c"}
	v.VersionCols = append(v.VersionCols, "Conditions score", "Practical enablers")
	for _, a := range versions {
		vs.Dates = append(vs.Dates, humanDate(a.Date()))
		row := versionRow{Date: humanDate(a.Date()) + fmt.Sprintf(" (version %d)", a.Version)}
		for i, it := range conds {
			r := a.RatingOf(it.Code).Rating
			var p *float64
			if r > 0 {
				p = ptr(float64(r))
			}
			lines[i].Values = append(lines[i].Values, p)
			row.Cells = append(row.Cells, ratingText(domain.ItemCondition, r))
		}
		sc, ok := analytics.ConditionsScore(a, f)
		lines[len(conds)].Values = append(lines[len(conds)].Values, optional(sc, ok))
		row.Cells = append(row.Cells, scoreText(sc, ok), scoreText(analytics.EnablersScore(a, f)))
		v.VersionRows = append(v.VersionRows, row)
	}
	vs.Lines = lines
	if v.VersionsOption, err = charts.VersionsOption(vs); err != nil {
		return nil, err
	}

	if v.CanSeeEvidence {
		v.Narrative = latest.Narrative
		for _, kind := range domain.ItemKinds {
			for _, it := range f.ItemsOf(kind) {
				r := latest.RatingOf(it.Code)
				v.Evidence = append(v.Evidence, evidenceView{Kind: domain.KindLabel(kind), Label: it.Label, Rating: ratingText(kind, r.Rating), Evidence: r.Evidence})
			}
		}
	}
	return v, nil
}

// challengesOf lists the latest rating of each challenge, with the median
// of the neighbours' and the indicators it bears on.
func challengesOf(f *domain.Framework, latest domain.Assessment, neighbours []domain.Assessment, d *dashboard.Snapshot) []challengeView {
	var out []challengeView
	for _, it := range f.ItemsOf(domain.ItemChallenge) {
		r := latest.RatingOf(it.Code).Rating
		st, ok := analytics.RatingStats(neighbours, it.Code)
		ch := challengeView{Code: it.Code, Label: it.Label, Statement: it.Statement, Rating: ratingText(domain.ItemChallenge, r), Level: r,
			Neighbours: medianText(st, ok), Date: humanDate(latest.Date())}
		for _, code := range it.Indicators {
			if ind, ok := d.ByCode[code]; ok {
				ch.Indicators = append(ch.Indicators, indicatorLink{Code: code, Label: ind.Label})
			}
		}
		out = append(out, ch)
	}
	return out
}

// challengesForArea picks the challenges that bear on an area's
// indicators, to show beside its chart.
func challengesForArea(all []challengeView, d *dashboard.Snapshot, area string) []challengeView {
	var out []challengeView
	for _, ch := range all {
		if slices.ContainsFunc(ch.Indicators, func(l indicatorLink) bool { return d.ByCode[l.Code].Area == area }) {
			out = append(out, ch)
		}
	}
	return out
}

// AssessedText says when the self-assessment was made, and that it is old
// when it is: "Assessed 15 Jul 2022 — over 12 months ago".
func (v *assessmentView) AssessedText() string {
	if v.Old {
		return "Assessed " + v.Date + " — over 12 months ago"
	}
	return "Assessed " + v.Date
}

// assessmentOld reports whether a self-assessment dated iso (YYYY-MM-DD)
// is more than 12 months before now.
func assessmentOld(iso string, now time.Time) bool {
	t, err := time.Parse(time.DateOnly, iso)
	return err == nil && t.Before(now.AddDate(-1, 0, 0))
}

func ptr(v float64) *float64 { return &v }

func optional(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

// councilRatingsData downloads the radar chart's table (the latest
// ratings against the neighbours' and all councils' medians) as CSV or
// Excel. Ratings only: evidence stays on the pages that may show it.
func (s *Server) councilRatingsData(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	format, ok := dataFormat(c.Param("file"))
	if !ok {
		s.notFound(c)
		return
	}
	ctx := c.Request.Context()
	co, err := s.db.Council(ctx, n)
	if err != nil {
		s.handleError(c, err)
		return
	}
	d, err := s.dataset(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	v, err := s.buildAssessmentView(ctx, d, n, currentUser(c))
	if err != nil {
		s.handleError(c, err)
		return
	}
	if v == nil || !v.Has {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "%s has not submitted a self-assessment yet.", co.Name))
		return
	}
	header := []string{"council", "la_number", "assessed", "version", "kind", "item", "rating", "neighbours_median", "all_councils_median"}
	var rows [][]string
	for _, r := range v.RadarRows {
		rows = append(rows, []string{co.Name, strconv.Itoa(n), v.Date, strconv.Itoa(v.Version), r.Kind, r.Label, r.Council, r.Neighbours, r.All})
	}
	for _, ch := range v.Challenges {
		rows = append(rows, []string{co.Name, strconv.Itoa(n), v.Date, strconv.Itoa(v.Version), domain.KindLabel(domain.ItemChallenge), ch.Label, ch.Rating, ch.Neighbours, ""})
	}
	rows = append(rows, []string{co.Name, strconv.Itoa(n), v.Date, strconv.Itoa(v.Version), "Score", "Enabling-conditions score (mean of the three conditions)", v.Score, "", ""})
	s.sendTable(c, format, fmt.Sprintf("self-assessment-%d", n), co.Name+": self-assessment ratings",
		"Self-assessment of "+v.Date+"; ratings 1 to 4 (conditions and enablers: 4 strong; challenges: 4 severe pressure).", header, rows)
}

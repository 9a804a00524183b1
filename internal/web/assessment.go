package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Who may do what with a council's self-assessment. Its submitted ratings
// are for everyone signed in (they are drawn on the profile and the
// resilience matrix); the evidence, the narrative and the history are for
// the council's own staff, LGA officers and administrators; the draft and
// the form are for those who may complete it: the council's DCS, and LGA
// officers on a council's behalf.

// canEditAssessment reports whether u may complete council's assessment.
func canEditAssessment(u *domain.User, council int) bool {
	if u == nil {
		return false
	}
	return u.Role == domain.RoleLGA || (u.Role == domain.RoleDCS && u.Council == council)
}

// canSeeEvidence reports whether u may read council's evidence text,
// narrative and version history.
func canSeeEvidence(u *domain.User, council int) bool {
	if u == nil {
		return false
	}
	return !u.Role.Scoped() || u.Council == council
}

// assessmentViewers may open a council's assessment page: its own staff
// (uploaders read it, DCSs complete it), LGA officers and administrators.
var assessmentViewers = Access{CouncilParam: "number"}

// assessmentEditors may save a council's assessment.
var assessmentEditors = Access{Roles: []domain.Role{domain.RoleDCS, domain.RoleLGA}, CouncilParam: "number"}

// assessmentFormPage is the one-page form (or, for those who may only
// read it, the latest submitted assessment).
type assessmentFormPage struct {
	Council   domain.Council
	Framework *domain.Framework
	Groups    []formGroup
	Narrative string
	Errors    []fieldError
	Notice    string
	CanEdit   bool
	// Draft is the working copy the form was filled from, if any; Latest
	// the latest submitted version.
	Draft  *domain.Assessment
	Latest *domain.Assessment
}

type formGroup struct {
	Kind  string
	Label string
	Hint  string
	Items []formItem
}

type formItem struct {
	Item   domain.FrameworkItem
	Rating int
	Label  string
	// Level says what the chosen rating looks like (the framework's words).
	Level    string
	Evidence string
	Error    string
	Options  []ratingOption
}

type ratingOption struct {
	ID      string
	Value   int
	Label   string
	Hint    string
	Checked bool
}

// groupHints explain each scale in the form.
var groupHints = map[string]string{
	domain.ItemCondition: "The three conditions the research found in the local systems that coped best. Rate each from 1 (not in place) to 4 (strong).",
	domain.ItemEnabler:   "The practical enablers councils named. Rate each from 1 (not in place) to 4 (strong).",
	domain.ItemChallenge: "The challenges councils named. Rate the pressure each puts on your local system now, from 1 (low) to 4 (severe).",
}

// buildForm lays the framework out as the form, filled from a.
func buildForm(f *domain.Framework, a *domain.Assessment, errs []fieldError) []formGroup {
	errOf := map[string]string{}
	for _, e := range errs {
		errOf[e.Field] = e.Message
	}
	var out []formGroup
	for _, kind := range domain.ItemKinds {
		g := formGroup{Kind: kind, Label: domain.KindLabel(kind), Hint: groupHints[kind]}
		for _, it := range f.ItemsOf(kind) {
			var r domain.Rating
			if a != nil {
				r = a.RatingOf(it.Code)
			}
			fi := formItem{Item: it, Rating: r.Rating, Label: domain.RatingLabel(kind, r.Rating), Level: it.Level(r.Rating), Evidence: r.Evidence, Error: errOf["rating-"+it.Code]}
			if fi.Error == "" {
				fi.Error = errOf["evidence-"+it.Code]
			}
			for v := domain.MinRating; v <= domain.MaxRating; v++ {
				id := fmt.Sprintf("rating-%s-%d", it.Code, v)
				if v == domain.MinRating {
					// The error summary links to the first radio.
					id = "rating-" + it.Code
				}
				fi.Options = append(fi.Options, ratingOption{ID: id, Value: v, Label: fmt.Sprintf("%d – %s", v, domain.RatingLabel(kind, v)), Hint: it.Level(v), Checked: v == r.Rating})
			}
			g.Items = append(g.Items, fi)
		}
		out = append(out, g)
	}
	return out
}

// assessmentSubject loads what every assessment handler needs: the
// council named in the path, the current framework and the council's
// submitted versions, oldest first. On failure it has answered already.
func (s *Server) assessmentSubject(c *gin.Context) (domain.Council, *domain.Framework, []domain.Assessment, bool) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return domain.Council{}, nil, nil, false
	}
	ctx := c.Request.Context()
	co, err := s.db.Council(ctx, n)
	if err != nil {
		s.handleError(c, err)
		return domain.Council{}, nil, nil, false
	}
	f, err := s.db.Framework(ctx)
	if err != nil {
		s.handleError(c, err)
		return domain.Council{}, nil, nil, false
	}
	versions, err := s.db.Assessments(ctx, n)
	if err != nil {
		s.handleError(c, err)
		return domain.Council{}, nil, nil, false
	}
	return co, f, versions, true
}

func (s *Server) assessmentPage(c *gin.Context) {
	co, f, versions, ok := s.assessmentSubject(c)
	if !ok {
		return
	}
	ctx, n, u := c.Request.Context(), co.Number, currentUser(c)
	page := assessmentFormPage{Council: co, Framework: f, CanEdit: canEditAssessment(u, n)}
	var err error
	if len(versions) > 0 {
		page.Latest = &versions[len(versions)-1]
	}
	fill := page.Latest
	if page.CanEdit {
		if page.Draft, err = s.db.AssessmentDraft(ctx, n); err != nil {
			s.handleError(c, err)
			return
		}
		if page.Draft != nil {
			fill = page.Draft
		}
	}
	if fill != nil {
		page.Narrative = fill.Narrative
	}
	switch c.Query("saved") {
	case "draft":
		page.Notice = "Your draft is saved. Only people who can complete this assessment see it until you submit it."
	case "review":
		page.Notice = "Your draft is saved. Check your answers, then submit when they are ready."
	case "submitted":
		if page.Latest != nil {
			page.Notice = fmt.Sprintf("Version %d is submitted. It now shows on the council's profile and in the resilience matrix.", page.Latest.Version)
		}
	}
	if c.Query("review") == "incomplete" && page.Draft != nil {
		// Sent back from the review: say what is still to do.
		page.Errors = reviewProblems(f, page.Draft)
	}
	page.Groups = buildForm(f, fill, page.Errors)
	s.renderAssessment(c, http.StatusOK, page)
}

func (s *Server) renderAssessment(c *gin.Context, status int, page assessmentFormPage) {
	title := "Self-assessment"
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "assessment", pageData{
		Title: title + " – " + page.Council.Name,
		Breadcrumbs: []crumb{{"Home", "/"}, {page.Council.Name, fmt.Sprintf("/councils/%d", page.Council.Number)},
			{"Self-assessment", fmt.Sprintf("/councils/%d/assessment", page.Council.Number)}},
		Body: page,
	})
}

// saveAssessment saves the form as a draft or submits it as a new version.
// A submission needs every item rated; anything amiss comes back with the
// GOV.UK error summary and nothing is stored.
func (s *Server) saveAssessment(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	ctx := c.Request.Context()
	co, err := s.db.Council(ctx, n)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if !co.Current {
		s.handleError(c, domain.Errorf(domain.EINVALID, "%s no longer exists, so it cannot be assessed.", co.Name))
		return
	}
	f, err := s.db.Framework(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	u := currentUser(c)
	// "draft" saves the working copy as it is; "review" saves it once
	// complete and shows the review page; "submit" (from the review page,
	// with the confirmation ticked) stores a new version for good.
	action := c.PostForm("action")
	status := domain.AssessmentDraft
	if action == "submit" || action == "review" {
		// Checked as a submission: every item rated.
		status = domain.AssessmentSubmitted
	}
	a := domain.Assessment{Council: n, Status: status, Narrative: cleanText(c.PostForm("narrative")), By: u.Email}
	var errs []fieldError
	for _, it := range f.Items {
		r := domain.Rating{Item: it.Code, Evidence: cleanText(c.PostForm("evidence-" + it.Code))}
		if v := c.PostForm("rating-" + it.Code); v != "" {
			if r.Rating, err = strconv.Atoi(v); err != nil || r.Rating < domain.MinRating || r.Rating > domain.MaxRating {
				r.Rating = 0
				errs = append(errs, fieldError{"rating-" + it.Code, fmt.Sprintf("Select a rating from %d to %d for %s", domain.MinRating, domain.MaxRating, it.Label)})
			}
		}
		a.Ratings = append(a.Ratings, r)
	}
	for _, e := range a.Check(f) {
		errs = append(errs, fieldError{e.Field, e.Message})
	}
	if len(errs) == 0 && action == "submit" && c.PostForm("confirm") != "yes" {
		// A submission is kept for good: it needs the confirmation ticked.
		page := s.reviewPage(co, f, &a)
		page.Errors = []fieldError{{"confirm", "Confirm that the ratings and evidence are ready to submit: tick the box"}}
		s.renderReview(c, statusFor(domain.EINVALID), page)
		return
	}
	if action == "review" {
		a.Status = domain.AssessmentDraft
	}
	if len(errs) == 0 {
		_, err = s.db.SaveAssessment(ctx, a, domain.AuditEntry{Actor: u.Email, Remote: c.ClientIP()})
		if domain.ErrorCode(err) == domain.EINVALID {
			errs = append(errs, fieldError{"narrative", domain.ErrorMessage(err)})
		} else if err != nil {
			s.handleError(c, err)
			return
		}
	}
	if len(errs) > 0 {
		page := assessmentFormPage{Council: co, Framework: f, CanEdit: true, Narrative: a.Narrative, Errors: dedupeErrors(errs)}
		page.Groups = buildForm(f, &a, page.Errors)
		s.renderAssessment(c, statusFor(domain.EINVALID), page)
		return
	}
	if action == "review" {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/assessment/review", n))
		return
	}
	s.refreshModel(c)
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/assessment?saved=%s", n, a.Status))
}

// cleanText normalises line endings and trims a typed text.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// dedupeErrors keeps the first message for each field.
func dedupeErrors(errs []fieldError) []fieldError {
	seen := map[string]bool{}
	var out []fieldError
	for _, e := range errs {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}

// historyPage lists a council's submitted versions and what changed
// between two of them.
type historyPage struct {
	Council  domain.Council
	Versions []versionSummary
	From, To int
	Changes  []itemChange
	Options  []int
	// NarrativeChanged, with the two narratives, when it changed.
	NarrativeChanged   bool
	FromNarr, ToNarr   string
	FromDate, ToDate   string
	FrameworkChanged   bool
	FromFrame, ToFrame int
}

type versionSummary struct {
	Version   int
	Date      string
	By        string
	Score     string
	Enablers  string
	Framework int
}

type itemChange struct {
	Kind          string
	Label         string
	From, To      string
	RatingChanged bool
	Direction     string
	FromEvidence  string
	ToEvidence    string
	EvidenceSame  bool
}

func (s *Server) assessmentHistory(c *gin.Context) {
	co, f, versions, ok := s.assessmentSubject(c)
	if !ok {
		return
	}
	n := co.Number
	page := historyPage{Council: co}
	for i := len(versions) - 1; i >= 0; i-- {
		a := versions[i]
		page.Versions = append(page.Versions, versionSummary{Version: a.Version, Date: humanDate(a.Date()), By: a.By,
			Score: scoreText(analytics.ConditionsScore(a, f)), Enablers: scoreText(analytics.EnablersScore(a, f)), Framework: a.FrameworkVersion})
		page.Options = append(page.Options, a.Version)
	}
	if len(versions) >= 2 {
		page.To, page.From = versions[len(versions)-1].Version, versions[len(versions)-2].Version
		if v, err := strconv.Atoi(c.Query("to")); err == nil {
			page.To = v
		}
		if v, err := strconv.Atoi(c.Query("from")); err == nil {
			page.From = v
		}
		from, okF := versionOf(versions, page.From)
		to, okT := versionOf(versions, page.To)
		if !okF || !okT {
			s.handleError(c, domain.Errorf(domain.ENOTFOUND, "%s has versions 1 to %d of its self-assessment.", co.Name, len(versions)))
			return
		}
		page.Changes = diffAssessments(f, from, to)
		page.FromDate, page.ToDate = humanDate(from.Date()), humanDate(to.Date())
		if from.Narrative != to.Narrative {
			page.NarrativeChanged, page.FromNarr, page.ToNarr = true, from.Narrative, to.Narrative
		}
		if from.FrameworkVersion != to.FrameworkVersion {
			page.FrameworkChanged, page.FromFrame, page.ToFrame = true, from.FrameworkVersion, to.FrameworkVersion
		}
	}
	s.render(c, http.StatusOK, "assessment-history", pageData{
		Title: "Self-assessment history – " + co.Name,
		Breadcrumbs: []crumb{{"Home", "/"}, {co.Name, fmt.Sprintf("/councils/%d", n)},
			{"Self-assessment", fmt.Sprintf("/councils/%d/assessment", n)}},
		Body: page,
	})
}

func versionOf(as []domain.Assessment, v int) (domain.Assessment, bool) {
	for _, a := range as {
		if a.Version == v {
			return a, true
		}
	}
	return domain.Assessment{}, false
}

// diffAssessments lists every item with its rating and evidence in two
// versions, marking what changed. For conditions and enablers a higher
// rating is better; for challenges a higher one is more pressure.
func diffAssessments(f *domain.Framework, from, to domain.Assessment) []itemChange {
	var out []itemChange
	for _, kind := range domain.ItemKinds {
		for _, it := range f.ItemsOf(kind) {
			a, b := from.RatingOf(it.Code), to.RatingOf(it.Code)
			ch := itemChange{Kind: domain.KindLabel(kind), Label: it.Label, From: ratingText(kind, a.Rating), To: ratingText(kind, b.Rating),
				RatingChanged: a.Rating != b.Rating, FromEvidence: a.Evidence, ToEvidence: b.Evidence, EvidenceSame: a.Evidence == b.Evidence}
			if ch.RatingChanged {
				better := b.Rating > a.Rating
				if kind == domain.ItemChallenge {
					better = !better
				}
				ch.Direction = map[bool]string{true: "better", false: "worse"}[better]
			}
			out = append(out, ch)
		}
	}
	return out
}

// ratingText writes a rating as "3 – Established", or "Not rated".
func ratingText(kind string, r int) string {
	if l := domain.RatingLabel(kind, r); l != "" {
		return fmt.Sprintf("%d – %s", r, l)
	}
	return "Not rated"
}

func scoreText(v float64, ok bool) string {
	if !ok {
		return "Not scored"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// apiAssessment returns a council's latest submitted self-assessment: its
// ratings, scores and the dates of every version for anyone signed in;
// the evidence and narrative only for those who may read them. Drafts are
// never included.
func (s *Server) apiAssessment(c *gin.Context) {
	co, f, versions, ok := s.assessmentSubject(c)
	if !ok {
		return
	}
	n := co.Number
	evidence := canSeeEvidence(currentUser(c), n)
	type ratingOut struct {
		Item        string `json:"item"`
		Kind        string `json:"kind"`
		Label       string `json:"label"`
		Rating      int    `json:"rating"`
		RatingLabel string `json:"rating_label"`
		Evidence    string `json:"evidence,omitempty"`
	}
	type versionOut struct {
		Version         int      `json:"version"`
		Date            string   `json:"date"`
		Framework       int      `json:"framework_version"`
		ConditionsScore *float64 `json:"conditions_score"`
		EnablersScore   *float64 `json:"enablers_score"`
	}
	score := func(v float64, ok bool) *float64 {
		if !ok {
			return nil
		}
		return &v
	}
	out := gin.H{"council": n, "framework_version": f.Version, "evidence_included": evidence,
		"score_method": "conditions_score is the mean of the three enabling conditions' ratings (1 not in place to 4 strong); enablers_score is the mean of the three practical enablers, shown separately."}
	var vs []versionOut
	for _, a := range versions {
		cs, okC := analytics.ConditionsScore(a, f)
		es, okE := analytics.EnablersScore(a, f)
		vs = append(vs, versionOut{Version: a.Version, Date: a.Date(), Framework: a.FrameworkVersion, ConditionsScore: score(cs, okC), EnablersScore: score(es, okE)})
	}
	out["versions"] = vs
	if len(versions) == 0 {
		out["latest"] = nil
		c.JSON(http.StatusOK, out)
		return
	}
	a := versions[len(versions)-1]
	var rs []ratingOut
	for _, it := range f.Items {
		r := a.RatingOf(it.Code)
		ro := ratingOut{Item: it.Code, Kind: it.Kind, Label: it.Label, Rating: r.Rating, RatingLabel: domain.RatingLabel(it.Kind, r.Rating)}
		if evidence {
			ro.Evidence = r.Evidence
		}
		rs = append(rs, ro)
	}
	latest := gin.H{"version": a.Version, "date": a.Date(), "ratings": rs, "conditions_score": vs[len(vs)-1].ConditionsScore, "enablers_score": vs[len(vs)-1].EnablersScore}
	if evidence {
		latest["narrative"] = a.Narrative
		latest["by"] = a.By
	}
	out["latest"] = latest
	c.JSON(http.StatusOK, out)
}

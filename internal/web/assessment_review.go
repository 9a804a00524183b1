package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// assessmentReviewPage shows every rating and its evidence before the
// assessment is submitted, with the warning that a submitted version
// cannot be changed and the confirmation to tick.
type assessmentReviewPage struct {
	Council   domain.Council
	Framework *domain.Framework
	Groups    []formGroup
	Narrative string
	// Hidden carries the reviewed answers back with the submission, so
	// what is submitted is exactly what was reviewed.
	Hidden []hiddenField
	Errors []fieldError
	// Next is the version the submission will be.
	Next int
}

type hiddenField struct{ Name, Value string }

// reviewPage lays a complete assessment out for review.
func (s *Server) reviewPage(co domain.Council, f *domain.Framework, a *domain.Assessment) assessmentReviewPage {
	page := assessmentReviewPage{Council: co, Framework: f, Groups: buildForm(f, a, nil), Narrative: a.Narrative,
		Hidden: []hiddenField{{"action", "submit"}, {"narrative", a.Narrative}}}
	for _, it := range f.Items {
		r := a.RatingOf(it.Code)
		page.Hidden = append(page.Hidden, hiddenField{"rating-" + it.Code, strconv.Itoa(r.Rating)}, hiddenField{"evidence-" + it.Code, r.Evidence})
	}
	return page
}

func (s *Server) renderReview(c *gin.Context, status int, page assessmentReviewPage) {
	ctx := c.Request.Context()
	if versions, err := s.db.Assessments(ctx, page.Council.Number); err == nil {
		page.Next = len(versions) + 1
	}
	title := "Check your self-assessment"
	if page.Errors != nil {
		title = "Error: " + title
	}
	n := page.Council.Number
	s.render(c, status, "assessment-review", pageData{
		Title: title + " – " + page.Council.Name,
		Breadcrumbs: []crumb{{"Home", "/"}, {page.Council.Name, fmt.Sprintf("/councils/%d", n)},
			{"Self-assessment", fmt.Sprintf("/councils/%d/assessment", n)}},
		Body: page,
	})
}

// assessmentReview shows the council's draft for review before it is
// submitted; a draft with items still to rate goes back to the form with
// what is missing, and no draft at all to the form.
func (s *Server) assessmentReview(c *gin.Context) {
	co, f, _, ok := s.assessmentSubject(c)
	if !ok {
		return
	}
	draft, err := s.db.AssessmentDraft(c.Request.Context(), co.Number)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if draft == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/assessment", co.Number))
		return
	}
	if len(reviewProblems(f, draft)) > 0 {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/councils/%d/assessment?review=incomplete", co.Number))
		return
	}
	s.renderReview(c, http.StatusOK, s.reviewPage(co, f, draft))
}

// reviewProblems lists what a draft lacks before it can be submitted.
func reviewProblems(f *domain.Framework, draft *domain.Assessment) []fieldError {
	check := *draft
	check.Status = domain.AssessmentSubmitted
	var out []fieldError
	for _, e := range check.Check(f) {
		out = append(out, fieldError{e.Field, e.Message})
	}
	return out
}

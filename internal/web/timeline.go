package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// timelinePage lets an administrator keep the timeline that every trend
// chart draws: lockdowns, response phases and one-day events.
type timelinePage struct {
	Events []timelineRow
	Kinds  []option
	// Form is the event being added or edited (ID 0 to add).
	Form   domain.TimelineEvent
	Errors []fieldError
	Notice string
}

type timelineRow struct {
	domain.TimelineEvent
	Dates    string
	KindText string
}

var timelineKindLabels = map[string]string{
	domain.EventOneDay:   "Event (one day, dashed line)",
	domain.EventLockdown: "Lockdown (shaded orange)",
	domain.EventPhase:    "Response phase (shaded grey)",
}

func (s *Server) timelineData(c *gin.Context, page *timelinePage) error {
	events, err := s.db.Timeline(c.Request.Context())
	if err != nil {
		return err
	}
	for _, e := range events {
		dates := humanDate(e.Start)
		if e.End != e.Start {
			dates += " to " + humanDate(e.End)
		}
		page.Events = append(page.Events, timelineRow{TimelineEvent: e, Dates: dates, KindText: timelineKindLabels[e.Kind]})
	}
	for _, k := range domain.TimelineKinds {
		page.Kinds = append(page.Kinds, option{k, timelineKindLabels[k]})
	}
	return nil
}

func (s *Server) adminTimeline(c *gin.Context) {
	page := timelinePage{Form: domain.TimelineEvent{Kind: domain.EventOneDay}}
	if err := s.timelineData(c, &page); err != nil {
		s.handleError(c, err)
		return
	}
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil {
		for _, e := range page.Events {
			if e.ID == id {
				page.Form = e.TimelineEvent
			}
		}
		if page.Form.ID == 0 {
			s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There is no timeline event %d.", id))
			return
		}
	}
	switch c.Query("done") {
	case "saved":
		page.Notice = "The event is saved; every chart now draws it."
	case "deleted":
		page.Notice = "The event is deleted from every chart."
	}
	s.renderTimeline(c, http.StatusOK, page)
}

func (s *Server) renderTimeline(c *gin.Context, status int, page timelinePage) {
	title := "Timeline"
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "admin-timeline", pageData{Title: title, Breadcrumbs: []crumb{{"Councils", "/"}, {"Administration", "/admin/users"}}, Body: page})
}

// adminSaveTimeline adds an event (no id) or changes one (id in the form).
func (s *Server) adminSaveTimeline(c *gin.Context) {
	e := domain.TimelineEvent{Start: c.PostForm("starts"), End: c.PostForm("ends"), Kind: c.PostForm("kind"),
		Label: c.PostForm("label"), Description: cleanText(c.PostForm("description"))}
	if id := c.PostForm("id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			s.handleError(c, domain.Errorf(domain.EINVALID, "%q is not a timeline event.", id))
			return
		}
		e.ID = n
	}
	page := timelinePage{Form: e}
	for _, fe := range e.Check() {
		page.Errors = append(page.Errors, fieldError{fe.Field, fe.Message})
	}
	if len(page.Errors) == 0 {
		u := currentUser(c)
		err := s.db.SaveTimelineEvent(c.Request.Context(), &e, domain.AuditEntry{Actor: u.Email, Remote: c.ClientIP()})
		switch domain.ErrorCode(err) {
		case "":
			s.refreshModel(c)
			c.Redirect(http.StatusSeeOther, "/admin/timeline?done=saved")
			return
		case domain.EINVALID:
			page.Errors = append(page.Errors, fieldError{"label", domain.ErrorMessage(err)})
		default:
			s.handleError(c, err)
			return
		}
	}
	if err := s.timelineData(c, &page); err != nil {
		s.handleError(c, err)
		return
	}
	s.renderTimeline(c, statusFor(domain.EINVALID), page)
}

func (s *Server) adminDeleteTimeline(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	u := currentUser(c)
	if err := s.db.DeleteTimelineEvent(c.Request.Context(), id, domain.AuditEntry{Actor: u.Email, Remote: c.ClientIP()}); err != nil {
		s.handleError(c, err)
		return
	}
	s.refreshModel(c)
	c.Redirect(http.StatusSeeOther, "/admin/timeline?done=deleted")
}

package web

import (
	"net/http"
	"strconv"
	"time"

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
	Starts dateField
	Ends   dateField
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
		dates := shortDate(e.Start)
		if e.End != e.Start {
			dates += " to " + shortDate(e.End)
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
	page.Starts = dateFieldOf("starts", "Start date", startsHint, page.Form.Start)
	page.Ends = dateFieldOf("ends", "End date", endsHint, page.Form.End)
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
	s.render(c, status, "admin-timeline", pageData{Title: title, Breadcrumbs: []crumb{{"Home", "/"}, {"Administration", "/admin/users"}}, Body: page})
}

// Hints of the timeline form's date inputs.
const (
	startsHint = "For example, 23 3 2020"
	endsHint   = "The same as the start for a one-day event. For example, 31 5 2020"
)

// adminSaveTimeline adds an event (no id) or changes one (id in the form).
// Its dates come from GOV.UK date inputs (day, month and year), or as
// text ("2020-03-23", "23 Mar 2020") from a single field.
func (s *Server) adminSaveTimeline(c *gin.Context) {
	e := domain.TimelineEvent{Kind: c.PostForm("kind"), Label: c.PostForm("label"), Description: cleanText(c.PostForm("description"))}
	starts := readDateField(c, "starts", "Start date", startsHint)
	ends := readDateField(c, "ends", "End date", endsHint)
	var dateErrs []fieldError
	if t, fe := starts.parse(true); fe != nil {
		dateErrs = append(dateErrs, *fe)
	} else {
		e.Start = t.Format(time.DateOnly)
	}
	// A one-day event may leave its end empty: it ends on the day it starts.
	if t, fe := ends.parse(e.Kind != domain.EventOneDay); fe != nil {
		dateErrs = append(dateErrs, *fe)
	} else if !t.IsZero() {
		e.End = t.Format(time.DateOnly)
	}
	if id := c.PostForm("id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			s.handleError(c, domain.Errorf(domain.EINVALID, "%q is not a timeline event.", id))
			return
		}
		e.ID = n
	}
	page := timelinePage{Form: e, Starts: starts, Ends: ends, Errors: dateErrs}
	for _, fe := range e.Check() {
		if len(dateErrs) > 0 && (fe.Field == "starts" || fe.Field == "ends") {
			continue // the date inputs have said what is wrong
		}
		switch fe.Field {
		case "starts":
			// The date input's first field carries the link.
			fe.Field, page.Starts.Error = "starts-day", fe.Message
		case "ends":
			fe.Field, page.Ends.Error = "ends-day", fe.Message
		}
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

// shortDate writes an ISO date as "23 Mar 2020" (domain.DateLabel).
func shortDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return domain.DateLabel(t)
}

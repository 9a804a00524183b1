package web

import (
	"html"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// auditPageSize is how many audit lines a page shows.
const auditPageSize = 50

type adminAuditPage struct {
	User     string
	Council  string
	Action   string
	From, To dateField
	Actions  []option
	Councils []domain.Council
	Entries  []auditRow
	Errors   []fieldError
	Filtered bool
	Page     int
	Prev     string
	Next     string
}

// auditRow is one audit line as the page shows it: the time in local
// time, the action in words, the council by name, hashes shortened.
type auditRow struct {
	When    string
	At      string
	Actor   string
	What    string
	Code    string
	Council string
	Subject string
	Detail  template.HTML
	Remote  string
}

// sha256Hex finds SHA-256 digests written in hexadecimal.
var sha256Hex = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// auditDetail escapes an audit line's detail and shortens each SHA-256
// digest in it to its first 12 characters, the whole kept in a title and
// for screen readers.
func auditDetail(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range sha256Hex.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		h := s[m[0]:m[1]]
		b.WriteString(`<span class="app-hash" title="` + h + `">` + h[:12] + `…<span class="govuk-visually-hidden"> (full digest ` + h + `)</span></span>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
	return template.HTML(b.String()) //nolint:gosec // every part is escaped above
}

// adminAudit lists the audit log, newest first, 50 lines a page, filtered
// by event, user, council and the days from and to (local dates, both
// included).
func (s *Server) adminAudit(c *gin.Context) {
	ctx := c.Request.Context()
	page := adminAuditPage{User: strings.TrimSpace(c.Query("user")), Council: strings.TrimSpace(c.Query("council")), Action: strings.TrimSpace(c.Query("action")),
		From: readDateField(c, "from", "From", "For example, 1 11 2025"), To: readDateField(c, "to", "To", "For example, 30 11 2025")}
	page.From.Name, page.To.Name = "from date", "to date"
	for _, a := range domain.AuditActions() {
		page.Actions = append(page.Actions, option{a, domain.AuditActionWords(a)})
	}
	councils, err := s.db.Councils(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	page.Councils = councils
	f := store.AuditFilter{User: page.User, Action: page.Action, Limit: auditPageSize + 1}
	if page.Council != "" {
		n, err := strconv.Atoi(page.Council)
		if err != nil {
			page.Errors = append(page.Errors, fieldError{"council", "Select a council from the list"})
		}
		f.Council = n
	}
	if from, fe := page.From.parse(false); fe != nil {
		page.Errors = append(page.Errors, *fe)
	} else if !from.IsZero() {
		f.From = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, london)
	}
	if to, fe := page.To.parse(false); fe != nil {
		page.Errors = append(page.Errors, *fe)
	} else if !to.IsZero() {
		f.To = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, london)
		if !f.From.IsZero() && !f.To.After(f.From) {
			page.To.Error = "The to date must be the same as or after the from date"
			page.Errors = append(page.Errors, fieldError{page.To.Anchor(), page.To.Error})
		}
	}
	page.Filtered = page.User != "" || page.Council != "" || page.Action != "" || !f.From.IsZero() || !f.To.IsZero()
	if len(page.Errors) > 0 {
		s.renderAudit(c, statusFor(domain.EINVALID), page)
		return
	}
	page.Page = 1
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 && n <= 100000 {
		page.Page = n
	}
	f.Offset = (page.Page - 1) * auditPageSize
	entries, err := s.db.AuditLog(ctx, f)
	if err != nil {
		s.handleError(c, err)
		return
	}
	more := len(entries) > auditPageSize
	if more {
		entries = entries[:auditPageSize]
	}
	for _, e := range entries {
		row := auditRow{When: localTime(e.At), At: e.At, Actor: e.Actor, What: domain.AuditActionWords(e.Action), Code: e.Action,
			Subject: e.Subject, Detail: auditDetail(e.Detail), Remote: e.Remote}
		if e.Council != 0 {
			row.Council = councilName(councils, e.Council)
		}
		page.Entries = append(page.Entries, row)
	}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return "/admin/audit?" + q.Encode()
	}
	if page.Page > 1 {
		page.Prev = link(page.Page - 1)
	}
	if more {
		page.Next = link(page.Page + 1)
	}
	s.renderAudit(c, http.StatusOK, page)
}

func (s *Server) renderAudit(c *gin.Context, status int, page adminAuditPage) {
	title := "Audit log"
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "admin-audit", pageData{Title: title, Breadcrumbs: []crumb{{"Home", "/"}, {"Administration", "/admin/users"}}, Body: page})
}

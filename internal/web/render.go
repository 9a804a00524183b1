package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/assets"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// pageData is what the layout needs; Body is the page's own data, given to
// its "content" template.
type pageData struct {
	Title string
	User  *domain.User
	// CouncilName names the signed-in user's council in the header.
	CouncilName string
	Demo        bool
	DemoBanner  string
	Breadcrumbs []crumb
	Scripts     []string
	Body        any
}

type crumb struct{ Text, Href string }

// pages holds one parsed template set per page, each being the layout plus
// the page's content.
type pages struct {
	sets map[string]*template.Template
}

func newPages(static *staticFiles) (*pages, error) {
	funcs := template.FuncMap{
		"static":       static.url,
		"statusLabel":  statusLabel,
		"explainField": explanationField,
		"monthSpan":    monthSpan,
		"date":         humanDate,
		"withQuery":    withQuery,
		"errorFor":     errorFor,
		"localTime":    localTime,
		"dict":         dict,
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range []string{"home", "council", "error", "sign-in", "admin-users", "admin-audit",
		"returns-home", "returns-council", "returns-month", "returns-job", "returns-report", "returns-unchanged", "compare",
		"assessment", "assessment-history", "admin-framework", "pressure", "admin-timeline", "returns-tracker",
		"reconciliation", "account-password", "admin-user", "assessment-review", "projections"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets.Templates, "templates/layout.html", "templates/forms.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean error page rather than half a page.
func (s *Server) render(c *gin.Context, status int, name string, data pageData) {
	data.User = currentUser(c)
	if data.User != nil && data.User.Council != 0 {
		if d, err := s.dataset(c.Request.Context()); err == nil {
			data.CouncilName = d.ByNumber[data.User.Council].Name
		}
	}
	data.Demo, _ = s.isDemo(c.Request.Context())
	data.DemoBanner = demo.Banner
	var buf bytes.Buffer
	t, ok := s.pages.sets[name]
	if !ok {
		s.cfg.Logger.Error("unknown template", "name", name)
		c.String(statusFor(domain.EINTERNAL), "Something went wrong.")
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.cfg.Logger.Error("render", "template", name, "error", err, "request_id", c.GetString(requestIDKey))
		c.String(statusFor(domain.EINTERNAL), "Something went wrong. Reference: "+c.GetString(requestIDKey))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) isDemo(ctx context.Context) (bool, error) {
	return s.db.DemoLoaded(ctx)
}

// statusLabel names a submission status for people.
func statusLabel(status string) string {
	switch status {
	case domain.StatusStored:
		return "Stored"
	case domain.StatusRejected:
		return "Not accepted (errors)"
	case domain.StatusAwaiting:
		return "Waiting for explanations"
	case domain.StatusUnchanged:
		return "Identical to the current return"
	case domain.StatusSuperseded:
		return "Replaced by a later upload"
	}
	return status
}

// monthSpan writes a submission's space-separated months briefly: one
// month as it is, several as "first to last (n months)".
func monthSpan(months string) string {
	f := strings.Fields(months)
	for i, m := range f {
		if mm, err := domain.ParseMonth(m); err == nil {
			f[i] = mm.Label()
		}
	}
	switch len(f) {
	case 0:
		return ""
	case 1:
		return f[0]
	}
	return fmt.Sprintf("%s to %s (%d months)", f[0], f[len(f)-1], len(f))
}

// errorFor is the message for one field of a form, or "", so the field
// can show its error beside it as well as in the summary.
func errorFor(errs []fieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// dict builds a map from alternating keys and values, to pass several
// values to a shared template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

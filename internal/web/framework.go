package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// frameworkPage lets an administrator reword the enabling-conditions
// framework; every save is a new version, listed with who and when.
type frameworkPage struct {
	Framework *domain.Framework
	Groups    []frameworkGroup
	Versions  []domain.Framework
	Errors    []fieldError
	Notice    string
	Note      string
}

type frameworkGroup struct {
	Label string
	Items []frameworkField
}

type frameworkField struct {
	domain.FrameworkItem
	// DescriptorText holds the descriptors one to a line.
	DescriptorText string
	// LevelFields are the words for each rating, 1 to 4.
	LevelFields []levelField
}

type levelField struct {
	ID, Label, Text string
}

func frameworkGroups(f *domain.Framework) []frameworkGroup {
	var out []frameworkGroup
	for _, kind := range domain.ItemKinds {
		g := frameworkGroup{Label: domain.KindLabel(kind)}
		for _, it := range f.ItemsOf(kind) {
			ff := frameworkField{FrameworkItem: it, DescriptorText: strings.Join(it.Descriptors, "\n")}
			for r := domain.MinRating; r <= domain.MaxRating; r++ {
				ff.LevelFields = append(ff.LevelFields, levelField{ID: fmt.Sprintf("level-%s-%d", it.Code, r),
					Label: fmt.Sprintf("%d – %s", r, domain.RatingLabel(kind, r)), Text: it.Level(r)})
			}
			g.Items = append(g.Items, ff)
		}
		out = append(out, g)
	}
	return out
}

func (s *Server) adminFramework(c *gin.Context) {
	ctx := c.Request.Context()
	f, err := s.db.Framework(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	page := frameworkPage{Framework: f, Groups: frameworkGroups(f)}
	if page.Versions, err = s.db.FrameworkVersions(ctx); err != nil {
		s.handleError(c, err)
		return
	}
	if v := c.Query("saved"); v != "" {
		page.Notice = "Version " + v + " of the framework is saved. New self-assessments are made against it; earlier ones keep the version they were made against."
	}
	s.renderFramework(c, http.StatusOK, page)
}

func (s *Server) renderFramework(c *gin.Context, status int, page frameworkPage) {
	title := "Enabling-conditions framework"
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "admin-framework", pageData{Title: title,
		Breadcrumbs: []crumb{{"Home", "/"}, {"Administration", "/admin/users"}}, Body: page})
}

// adminSaveFramework saves the reworded framework as a new version. Items
// keep their codes and kinds; their labels, statements and descriptors (one
// to a line, two to four) may change.
func (s *Server) adminSaveFramework(c *gin.Context) {
	ctx := c.Request.Context()
	cur, err := s.db.Framework(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	next := domain.Framework{Note: cleanText(c.PostForm("note"))}
	var errs []fieldError
	if next.Note == "" {
		errs = append(errs, fieldError{"note", "Say what changed in this version"})
	}
	for _, it := range cur.Items {
		ni := it
		ni.Label = cleanText(c.PostForm("label-" + it.Code))
		ni.Statement = cleanText(c.PostForm("statement-" + it.Code))
		ni.Descriptors = nil
		for _, line := range strings.Split(cleanText(c.PostForm("descriptors-"+it.Code)), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				ni.Descriptors = append(ni.Descriptors, line)
			}
		}
		ni.Levels = nil
		missing := 0
		for r := domain.MinRating; r <= domain.MaxRating; r++ {
			l := cleanText(c.PostForm(fmt.Sprintf("level-%s-%d", it.Code, r)))
			if l == "" && missing == 0 {
				missing = r
			}
			ni.Levels = append(ni.Levels, l)
		}
		switch {
		case ni.Label == "":
			errs = append(errs, fieldError{"label-" + it.Code, "Enter a label for " + it.Label})
		case ni.Statement == "":
			errs = append(errs, fieldError{"statement-" + it.Code, "Enter a statement for " + ni.Label})
		case len(ni.Descriptors) < 2 || len(ni.Descriptors) > 4:
			errs = append(errs, fieldError{"descriptors-" + it.Code, "Give two to four descriptors for " + ni.Label + ", one to a line"})
		case missing != 0:
			errs = append(errs, fieldError{fmt.Sprintf("level-%s-%d", it.Code, missing),
				fmt.Sprintf("Say what rating %d (%s) looks like for %s", missing, domain.RatingLabel(it.Kind, missing), ni.Label)})
		}
		next.Items = append(next.Items, ni)
	}
	if len(errs) == 0 {
		u := currentUser(c)
		next.By = u.Email
		v, err := s.db.SaveFramework(ctx, next, domain.AuditEntry{Actor: u.Email, Remote: c.ClientIP()})
		switch domain.ErrorCode(err) {
		case "":
			s.refreshModel(c)
			c.Redirect(http.StatusSeeOther, "/admin/framework?saved="+strconv.Itoa(v))
			return
		case domain.EINVALID, domain.ECONFLICT:
			errs = append(errs, fieldError{"note", domain.ErrorMessage(err)})
		default:
			s.handleError(c, err)
			return
		}
	}
	page := frameworkPage{Framework: cur, Groups: frameworkGroups(&next), Errors: errs, Note: next.Note}
	if page.Versions, err = s.db.FrameworkVersions(ctx); err != nil {
		s.handleError(c, err)
		return
	}
	s.renderFramework(c, statusFor(domain.EINVALID), page)
}

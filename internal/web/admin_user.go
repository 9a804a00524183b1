package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// adminUserPage is one account: its role and council to change, and its
// password to reset.
type adminUserPage struct {
	User     *domain.User
	Me       bool
	Roles    []domain.Role
	Councils []domain.Council
	// Role and Council are the form's values.
	Role     string
	Council  string
	Errors   []fieldError
	Password string
}

// CouncilName writes a council as "Camden (202)".
func (p adminUserPage) CouncilName(n int) string { return councilName(p.Councils, n) }

func (s *Server) adminUserData(c *gin.Context) (adminUserPage, bool) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return adminUserPage{}, false
	}
	u, err := s.db.UserByID(ctx, id)
	if err != nil {
		s.handleError(c, err)
		return adminUserPage{}, false
	}
	councils, err := s.db.Councils(ctx)
	if err != nil {
		s.handleError(c, err)
		return adminUserPage{}, false
	}
	var current []domain.Council
	for _, co := range councils {
		if co.Current {
			current = append(current, co)
		}
	}
	page := adminUserPage{User: u, Me: u.ID == currentUser(c).ID, Roles: domain.Roles, Councils: current, Role: string(u.Role)}
	if u.Council != 0 {
		page.Council = strconv.Itoa(u.Council)
	}
	return page, true
}

func (s *Server) renderAdminUser(c *gin.Context, status int, page adminUserPage) {
	title := page.User.Email
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "admin-user", pageData{Title: title, Breadcrumbs: []crumb{{"Home", "/"}, {"Administration", "/admin/users"}, {"Users", "/admin/users"}}, Body: page})
}

func (s *Server) adminUser(c *gin.Context) {
	page, ok := s.adminUserData(c)
	if !ok {
		return
	}
	s.renderAdminUser(c, http.StatusOK, page)
}

// adminChangeUser changes an account's role and council: a data lead or
// DCS needs a current council, an LGA officer or administrator none.
// Administrators cannot change their own, so the service always keeps
// one administrator who can undo a mistake.
func (s *Server) adminChangeUser(c *gin.Context) {
	page, ok := s.adminUserData(c)
	if !ok {
		return
	}
	if page.Me {
		s.handleError(c, domain.Errorf(domain.EINVALID, "You cannot change your own role or council: ask another administrator."))
		return
	}
	page.Role, page.Council = c.PostForm("role"), strings.TrimSpace(c.PostForm("council"))
	council := 0
	if page.Council != "" {
		n, err := strconv.Atoi(page.Council)
		if err != nil {
			page.Errors = []fieldError{{accounts.FieldCouncil, "Select a council from the list"}}
			s.renderAdminUser(c, statusFor(domain.EINVALID), page)
			return
		}
		council = n
	}
	admin := currentUser(c)
	svc := accounts.Service{DB: s.db}
	problems, _, err := svc.ChangeScope(c.Request.Context(), page.User.ID, page.Role, council, domain.AuditEntry{Actor: admin.Email, Remote: c.ClientIP()})
	if err != nil {
		s.handleError(c, err)
		return
	}
	if len(problems) > 0 {
		for _, p := range problems {
			page.Errors = append(page.Errors, fieldError{p.Field, p.Message})
		}
		s.renderAdminUser(c, statusFor(domain.EINVALID), page)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=changed")
}

// adminResetPassword gives an account a new random password, shown once;
// the person must change it when they next sign in, and their open
// sessions end now.
func (s *Server) adminResetPassword(c *gin.Context) {
	page, ok := s.adminUserData(c)
	if !ok {
		return
	}
	if page.Me {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Change your own password on the “Change your password” page."))
		return
	}
	ctx := c.Request.Context()
	admin := currentUser(c)
	svc := accounts.Service{DB: s.db}
	password, err := svc.ResetPassword(ctx, page.User.ID, domain.AuditEntry{Actor: admin.Email, Remote: c.ClientIP()})
	if err != nil {
		s.handleError(c, err)
		return
	}
	if err := s.endSessionsOf(ctx, page.User.ID); err != nil {
		s.handleError(c, err)
		return
	}
	page.Password = password
	page.User.MustChangePassword = true
	s.renderAdminUser(c, http.StatusOK, page)
}

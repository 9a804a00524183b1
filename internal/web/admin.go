package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

type adminUsersPage struct {
	Me       int64
	Users    []domain.User
	Roles    []domain.Role
	Councils []domain.Council
	Form     newUserForm
	Errors   []fieldError
	Created  *createdUser
	Notice   string
}

// CouncilName writes a council as "Camden (202)", or "All councils" for
// none.
func (p adminUsersPage) CouncilName(n int) string { return councilName(p.Councils, n) }

func councilName(councils []domain.Council, n int) string {
	if n == 0 {
		return "All councils"
	}
	for _, c := range councils {
		if c.Number == n {
			return fmt.Sprintf("%s (%d)", c.Name, n)
		}
	}
	return fmt.Sprintf("Council %d", n)
}

type newUserForm struct {
	Email   string
	Role    string
	Council string
}

type createdUser struct {
	Email    string
	Password string
}

func (s *Server) adminUsersData(c *gin.Context) (adminUsersPage, error) {
	ctx := c.Request.Context()
	users, err := s.db.Users(ctx)
	if err != nil {
		return adminUsersPage{}, err
	}
	councils, err := s.db.Councils(ctx)
	if err != nil {
		return adminUsersPage{}, err
	}
	page := adminUsersPage{Users: users, Roles: domain.Roles, Councils: councils}
	if u := currentUser(c); u != nil {
		page.Me = u.ID
	}
	return page, nil
}

func (s *Server) adminUsers(c *gin.Context) {
	page, err := s.adminUsersData(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	switch c.Query("done") {
	case "disabled":
		page.Notice = "The account is disabled and its sessions have ended."
	case "enabled":
		page.Notice = "The account is enabled again."
	case "changed":
		page.Notice = "The account's role and council are changed. They apply from the person's next page."
	}
	s.renderAdminUsers(c, http.StatusOK, page)
}

func (s *Server) renderAdminUsers(c *gin.Context, status int, page adminUsersPage) {
	s.render(c, status, "admin-users", pageData{Title: "Users", Breadcrumbs: []crumb{{"Home", "/"}, {"Administration", "/admin/users"}}, Body: page})
}

// adminAddUser creates an account with a random first password, shown to
// the administrator once and stored nowhere but as a hash.
func (s *Server) adminAddUser(c *gin.Context) {
	ctx := c.Request.Context()
	page, err := s.adminUsersData(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	page.Form = newUserForm{Email: strings.TrimSpace(c.PostForm("email")), Role: c.PostForm("role"), Council: strings.TrimSpace(c.PostForm("council"))}
	// A council that is not a number is none, which the check names.
	council, _ := strconv.Atoi(page.Form.Council)
	account := accounts.Account{Email: page.Form.Email, Role: page.Form.Role, Council: council, Generate: true, MustChange: true, How: "added on the users page"}
	svc := accounts.Service{DB: s.db}
	problems, err := svc.Check(ctx, account)
	if err != nil {
		s.handleError(c, err)
		return
	}
	for _, p := range problems {
		page.Errors = append(page.Errors, fieldError{p.Field, p.Message})
	}
	if len(page.Errors) > 0 {
		s.renderAdminUsers(c, statusFor(domain.EINVALID), page)
		return
	}
	admin := currentUser(c)
	u, password, err := svc.Create(ctx, account, domain.AuditEntry{Actor: admin.Email, Remote: c.ClientIP()})
	if p, ok := accounts.ProblemOf(err); ok {
		page.Errors = append(page.Errors, fieldError{p.Field, p.Message})
		s.renderAdminUsers(c, statusFor(domain.EINVALID), page)
		return
	} else if err != nil {
		s.handleError(c, err)
		return
	}
	page, err = s.adminUsersData(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	page.Created = &createdUser{Email: u.Email, Password: password}
	s.renderAdminUsers(c, http.StatusCreated, page)
}

func (s *Server) adminDisableUser(c *gin.Context) { s.adminSetDisabled(c, true) }
func (s *Server) adminEnableUser(c *gin.Context)  { s.adminSetDisabled(c, false) }

// adminSetDisabled disables or re-enables an account; disabling also ends
// every session the account has.
func (s *Server) adminSetDisabled(c *gin.Context, disabled bool) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.notFound(c)
		return
	}
	target, err := s.db.UserByID(ctx, id)
	if err != nil {
		s.handleError(c, err)
		return
	}
	admin := currentUser(c)
	if disabled && target.ID == admin.ID {
		s.handleError(c, domain.Errorf(domain.EINVALID, "You cannot disable your own account."))
		return
	}
	if _, err := s.db.SetUserDisabled(ctx, target.Email, disabled, domain.AuditEntry{Actor: admin.Email, Remote: c.ClientIP()}); err != nil {
		s.handleError(c, err)
		return
	}
	done := "enabled"
	if disabled {
		done = "disabled"
		if err := s.endSessionsOf(ctx, target.ID); err != nil {
			s.handleError(c, err)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done="+done)
}

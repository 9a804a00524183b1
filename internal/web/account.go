package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// passwordPath is where people change their own password, and where
// anyone whose password an administrator set is sent until they do.
const passwordPath = "/account/password"

// passwordPage is the change-password form.
type passwordPage struct {
	Email     string
	Forced    bool
	MinLength int
	Errors    []fieldError
	Notice    string
}

func (s *Server) passwordPage(c *gin.Context) {
	u := currentUser(c)
	page := passwordPage{Email: u.Email, Forced: u.MustChangePassword, MinLength: auth.MinPasswordLength}
	if c.Query("done") == "1" {
		page.Notice = "Your password is changed. You stay signed in here; any other session of yours has ended."
	}
	s.renderPassword(c, http.StatusOK, page)
}

func (s *Server) renderPassword(c *gin.Context, status int, page passwordPage) {
	title := "Change your password"
	if page.Errors != nil {
		title = "Error: " + title
	}
	s.render(c, status, "account-password", pageData{Title: title, Body: page})
}

// changePassword checks the current password and stores the new one
// (audited), then ends the person's other sessions and gives this one a
// new ID, so a session opened with the old password does not outlive it.
func (s *Server) changePassword(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	wasForced := u.MustChangePassword
	svc := accounts.Service{DB: s.db}
	change := accounts.PasswordChange{Current: c.PostForm("current-password"), New: c.PostForm("new-password"), Confirm: c.PostForm("confirm-password")}
	if len(change.Current) > 1024 || len(change.New) > 1024 || len(change.Confirm) > 1024 {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Passwords must be %d characters or fewer.", auth.MaxPasswordLength))
		return
	}
	// Guesses at the current password count towards the account's limit,
	// as sign-in failures do (SECURITY W3).
	failures, err := s.db.FailedSignIns(ctx, u.Email, s.now().Add(-failureWindow))
	if err != nil {
		s.handleError(c, err)
		return
	}
	page := passwordPage{Email: u.Email, Forced: wasForced, MinLength: auth.MinPasswordLength}
	if failures >= maxFailedSignIns {
		page.Errors = []fieldError{{accounts.FieldCurrentPassword, "Too many wrong passwords: wait 5 minutes and try again"}}
		s.renderPassword(c, statusFor(domain.EUNAUTHORIZED), page)
		return
	}
	problems, err := svc.ChangePassword(ctx, u, change, domain.AuditEntry{Remote: c.ClientIP()})
	if err != nil {
		s.handleError(c, err)
		return
	}
	if len(problems) > 0 {
		for _, p := range problems {
			page.Errors = append(page.Errors, fieldError{p.Field, p.Message})
			if p.Field == accounts.FieldCurrentPassword && change.Current != "" {
				_ = s.db.Audit(ctx, domain.AuditEntry{Actor: u.Email, Action: domain.AuditSignInFailed, Subject: u.Email,
					Council: u.Council, Detail: "wrong current password when changing it", Remote: c.ClientIP()})
			}
		}
		s.renderPassword(c, statusFor(domain.EINVALID), page)
		return
	}
	if err := s.endOtherSessions(ctx, u.ID); err != nil {
		s.handleError(c, err)
		return
	}
	if wasForced {
		c.Redirect(http.StatusSeeOther, homeFor(u))
		return
	}
	c.Redirect(http.StatusSeeOther, passwordPath+"?done=1")
}

// endOtherSessions gives the current session a new ID and destroys every
// other session of the user.
func (s *Server) endOtherSessions(ctx context.Context, userID int64) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	current := s.sessions.Token(ctx)
	return s.sessions.Iterate(ctx, func(ctx context.Context) error {
		if s.sessions.Token(ctx) != current && s.sessions.GetInt64(ctx, sessionUserID) == userID {
			return s.sessions.Destroy(ctx)
		}
		return nil
	})
}

// mustChangePassword holds back anyone whose password an administrator
// set: every page but the change-password form and sign-out sends them to
// the form, and the API answers password_change_required.
func (s *Server) mustChangePassword(c *gin.Context, u *domain.User) bool {
	if !u.MustChangePassword {
		return false
	}
	switch p := c.Request.URL.Path; {
	case p == passwordPath, p == "/sign-out", strings.HasPrefix(p, "/static/"):
		return false
	}
	if wantsJSON(c) || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		s.handleError(c, domain.Errorf(domain.EPASSWORDCHANGE, "Change your password before you go on: an administrator set it. Sign in on the website and choose your own at %s.", passwordPath))
		return true
	}
	c.Redirect(http.StatusSeeOther, passwordPath)
	c.Abort()
	return true
}

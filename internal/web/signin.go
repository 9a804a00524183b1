package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Password guessing is limited per account (SECURITY W3).
const (
	maxFailedSignIns = 10
	failureWindow    = 5 * time.Minute
)

// signInFailed is the one message for every failed sign-in, so that the
// page never tells whether an account exists.
const signInFailed = "Enter a correct email address and password. After 10 failed attempts, signing in to that account is paused for 5 minutes."

type signInPage struct {
	Email   string
	Next    string
	Errors  []fieldError
	Notice  string
	Expired bool
}

type fieldError struct {
	Field   string
	Message string
}

func (s *Server) signInPage(c *gin.Context) {
	if u := currentUser(c); u != nil {
		c.Redirect(http.StatusSeeOther, homeFor(u))
		return
	}
	page := signInPage{Next: safeNext(c.Query("next"))}
	if c.Query("signed-out") == "1" {
		page.Notice = "You have signed out."
	}
	s.render(c, http.StatusOK, "sign-in", pageData{Title: "Sign in", Body: page})
}

// signIn checks the email and password, starts a new session (a new ID,
// so a planted session cannot be taken over) and records the outcome in
// the audit log.
func (s *Server) signIn(c *gin.Context) {
	ctx := c.Request.Context()
	email := domain.NormaliseEmail(c.PostForm("email"))
	password := c.PostForm("password")
	page := signInPage{Email: email, Next: safeNext(c.PostForm("next"))}
	if email == "" || password == "" {
		if email == "" {
			page.Errors = append(page.Errors, fieldError{"email", "Enter your email address"})
		}
		if password == "" {
			page.Errors = append(page.Errors, fieldError{"password", "Enter your password"})
		}
		s.render(c, http.StatusBadRequest, "sign-in", pageData{Title: "Sign in", Body: page})
		return
	}
	if len(email) > 254 || len(password) > 1024 {
		page.Errors = []fieldError{{"email", signInFailed}}
		s.render(c, http.StatusUnauthorized, "sign-in", pageData{Title: "Sign in", Body: page})
		return
	}
	remote := c.ClientIP()
	failures, err := s.db.FailedSignIns(ctx, email, s.now().Add(-failureWindow))
	if err != nil {
		s.handleError(c, err)
		return
	}
	u, lookupErr := s.db.UserByEmail(ctx, email)
	ok := false
	switch {
	case lookupErr != nil && domain.ErrorCode(lookupErr) != domain.ENOTFOUND:
		s.handleError(c, lookupErr)
		return
	case lookupErr != nil:
		auth.VerifyDummy(password) // same cost as a real check
	default:
		ok, err = auth.VerifyPassword(password, u.PasswordHash)
		if err != nil {
			s.cfg.Logger.Error("password hash unreadable", "user", u.ID, "error", err)
			ok = false
		}
	}
	reason := ""
	switch {
	case failures >= maxFailedSignIns:
		reason = "too many failed attempts"
	case lookupErr != nil:
		reason = "unknown email"
	case !ok:
		reason = "wrong password"
	case u.Disabled:
		reason = "account disabled"
	}
	if reason != "" {
		if err := s.db.Audit(ctx, domain.AuditEntry{At: store.FormatAuditTime(s.now()), Actor: "anonymous", Action: domain.AuditSignInFailed, Subject: email, Detail: reason, Remote: remote}); err != nil {
			s.handleError(c, err)
			return
		}
		page.Errors = []fieldError{{"email", signInFailed}}
		s.render(c, http.StatusUnauthorized, "sign-in", pageData{Title: "Sign in", Body: page})
		return
	}
	if auth.NeedsRehash(u.PasswordHash) {
		if h, err := auth.HashPassword(password); err == nil {
			_ = s.db.SetPasswordHash(ctx, u.ID, h)
		}
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.handleError(c, err)
		return
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionLastSeen, s.now().Unix())
	if err := s.db.RecordSignIn(ctx, u, domain.AuditEntry{Remote: remote}); err != nil {
		s.handleError(c, err)
		return
	}
	next := page.Next
	if next == "" {
		next = homeFor(u)
	}
	c.Redirect(http.StatusSeeOther, next)
}

// signOut ends the session and records it.
func (s *Server) signOut(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	if err := s.sessions.Destroy(ctx); err != nil {
		s.handleError(c, err)
		return
	}
	if u != nil {
		_ = s.db.Audit(ctx, domain.AuditEntry{Actor: u.Email, Action: domain.AuditSignOut, Subject: u.Email, Council: u.Council, Remote: c.ClientIP()})
	}
	c.Redirect(http.StatusSeeOther, "/sign-in?signed-out=1")
}

// homeFor is where a user lands after signing in: their own council for
// council staff, the list of councils for everyone else.
func homeFor(u *domain.User) string {
	if u.Role.Scoped() {
		return fmt.Sprintf("/councils/%d", u.Council)
	}
	return "/"
}

// safeNext keeps a post-sign-in redirect on this site: a local path, not
// "//evil.example" or "/\evil.example".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || len(next) > 512 {
		return ""
	}
	return next
}

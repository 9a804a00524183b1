package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

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
		s.render(c, statusFor(domain.EINVALID), "sign-in", pageData{Title: "Sign in", Body: page})
		return
	}
	if len(email) > 254 || len(password) > 1024 {
		page.Errors = []fieldError{{"email", signInFailed}}
		s.render(c, statusFor(domain.EUNAUTHORIZED), "sign-in", pageData{Title: "Sign in", Body: page})
		return
	}
	remote := c.ClientIP()
	u, err := s.checkSignIn(ctx, email, password, remote)
	if err != nil {
		s.handleError(c, err)
		return
	}
	if u == nil {
		page.Errors = []fieldError{{"email", signInFailed}}
		s.render(c, statusFor(domain.EUNAUTHORIZED), "sign-in", pageData{Title: "Sign in", Body: page})
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

// checkSignIn decides one sign-in attempt: it counts the account's recent
// failures, checks the password and records a failure as one step, holding
// the account's lock throughout, so guesses sent in parallel cannot all
// read the count before any of them adds to it (SECURITY W3). It returns
// the user when the attempt succeeds, nil when it fails (the failure is
// already in the audit log, with the account's council when the account
// exists), and an error only when the attempt could not be decided.
func (s *Server) checkSignIn(ctx context.Context, email, password, remote string) (*domain.User, error) {
	unlock, err := signInLocks.lock(ctx, email)
	if err != nil {
		return nil, err
	}
	defer unlock()
	failures, err := s.db.FailedSignIns(ctx, email, s.now().Add(-failureWindow))
	if err != nil {
		return nil, err
	}
	u, lookupErr := s.db.UserByEmail(ctx, email)
	ok := false
	switch {
	case lookupErr != nil && domain.ErrorCode(lookupErr) != domain.ENOTFOUND:
		return nil, lookupErr
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
	if reason == "" {
		return u, nil
	}
	entry := domain.AuditEntry{At: store.FormatAuditTime(s.now()), Actor: "anonymous", Action: domain.AuditSignInFailed, Subject: email, Detail: reason, Remote: remote}
	if lookupErr == nil {
		// Recorded against the account's council, so the audit page's
		// council filter shows attacks on that council's accounts.
		entry.Council = u.Council
	}
	if err := s.db.Audit(ctx, entry); err != nil {
		return nil, err
	}
	return nil, nil
}

// signInLocks serialises sign-in attempts per normalised email address.
// It is shared by every Server in the process, which only ever serialises
// more than needed, never less. Instances sharing a PostgreSQL database
// each keep their own locks, so across instances the limit can be passed
// by at most the number of attempts in flight at once.
var signInLocks = keyedLock{}

// keyedLock is a set of mutexes named by a string, each created when first
// wanted and dropped when nobody holds or waits for it, so the map does not
// grow with every address ever tried.
type keyedLock struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	held  chan struct{} // holds one token while the key is locked
	users int           // holders plus waiters
}

// lock waits for the key's lock, or until ctx ends (a client that gave up
// stops queueing), and returns the function that releases it.
func (k *keyedLock) lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{held: make(chan struct{}, 1)}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	select {
	case l.held <- struct{}{}:
		return func() { <-l.held; k.release(key, l) }, nil
	case <-ctx.Done():
		k.release(key, l)
		return nil, ctx.Err()
	}
}

func (k *keyedLock) release(key string, l *keyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l.users--
	if l.users == 0 {
		delete(k.locks, key)
	}
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

// safeNext keeps a post-sign-in redirect on this site (SECURITY W7): a
// path on this server, never anything a browser could read as another
// host. The address is judged as given and once more percent-decoded, as
// a browser or proxy may decode it: either way it must start with a
// single "/" and hold no backslash (read as "/"), no control character (a
// browser drops a TAB or a newline, so "/\t/host/" becomes "//host/") and
// no scheme or host. Anything else gives "", the user's home page.
func safeNext(next string) string {
	if next == "" || len(next) > 512 {
		return ""
	}
	decoded, err := url.PathUnescape(next)
	if err != nil {
		return ""
	}
	for _, v := range []string{next, decoded} {
		if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.ContainsRune(v, '\\') ||
			strings.ContainsFunc(v, unicode.IsControl) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return ""
	}
	return next
}

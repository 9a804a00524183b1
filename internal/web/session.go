package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

const (
	sessionUserID   = "user_id"
	sessionLastSeen = "last_seen"
	userKey         = "user"
	// touchEvery limits session writes: the last-seen time is saved at most
	// once a minute per user, not on every request.
	touchEvery = time.Minute
)

// sessionManager keeps sessions server-side in the database (SECURITY W2),
// so they can be ended at once and shared between instances. The cookie is
// HttpOnly and SameSite=Lax, and Secure when the service is served over
// https. The new session ID at sign-in is issued by RenewToken.
func (s *Server) sessionManager() *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessionStore(s.db)
	sm.Lifetime = s.cfg.SessionLifetime
	sm.Cookie.Name = "resilience_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(s.cfg.BaseURL, "https://")
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.cfg.Logger.Error("session", "error", err, "path", r.URL.Path)
		http.Error(w, "Something went wrong with your session. Sign in again.", statusFor(domain.EINTERNAL))
	}
	return sm
}

// loadUser puts the signed-in user, if any, into the request. The account
// is read on every request, so disabling it ends its sessions at once; a
// session idle for longer than the timeout is ended too.
func (s *Server) loadUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		if sessionless(c.Request.URL.Path) {
			c.Next()
			return
		}
		ctx := c.Request.Context()
		id := s.sessions.GetInt64(ctx, sessionUserID)
		if id == 0 {
			c.Next()
			return
		}
		now := s.now()
		last := time.Unix(s.sessions.GetInt64(ctx, sessionLastSeen), 0)
		u, err := s.db.UserByID(ctx, id)
		switch {
		case err != nil && domain.ErrorCode(err) != domain.ENOTFOUND:
			s.handleError(c, err)
			return
		case err != nil || u.Disabled || now.Sub(last) > s.cfg.IdleTimeout:
			_ = s.sessions.Destroy(ctx)
			c.Next()
			return
		}
		if now.Sub(last) > touchEvery {
			s.sessions.Put(ctx, sessionLastSeen, now.Unix())
		}
		c.Set(userKey, u)
		c.Next()
	}
}

// sessionStore keeps sessions in the database's own sessions table: on
// PostgreSQL through scs's PostgreSQL store on the one pool, shared by
// every instance; on SQLite through a splitStore.
func sessionStore(db *store.DB) interface {
	scs.Store
	scs.IterableStore
} {
	if db.Dialect() == store.Postgres {
		return postgresstore.NewWithCleanupInterval(db.SessionDB(), 10*time.Minute)
	}
	return splitStore{
		read:  sqlite3store.NewWithCleanupInterval(db.SessionReadDB(), 0),
		write: sqlite3store.NewWithCleanupInterval(db.SessionDB(), 10*time.Minute),
	}
}

// splitStore reads sessions through the database's reader pool and writes
// them through its single writer, so that the look-up every request makes
// never queues behind a write's fsync (synchronous=FULL).
type splitStore struct {
	read, write *sqlite3store.SQLite3Store
}

// Find implements scs.Store.
func (s splitStore) Find(token string) ([]byte, bool, error) { return s.read.Find(token) }

// Commit implements scs.Store.
func (s splitStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.write.Commit(token, b, expiry)
}

// Delete implements scs.Store.
func (s splitStore) Delete(token string) error { return s.write.Delete(token) }

// All implements scs.IterableStore, for ending a user's sessions.
func (s splitStore) All() (map[string][]byte, error) { return s.read.All() }

// currentUser returns the signed-in user, or nil.
func currentUser(c *gin.Context) *domain.User {
	if v, ok := c.Get(userKey); ok {
		if u, ok := v.(*domain.User); ok {
			return u
		}
	}
	return nil
}

// endSessionsOf destroys every session of one user, so a disabled account
// is signed out everywhere without waiting for its next request.
func (s *Server) endSessionsOf(ctx context.Context, userID int64) error {
	return s.sessions.Iterate(ctx, func(ctx context.Context) error {
		if s.sessions.GetInt64(ctx, sessionUserID) == userID {
			return s.sessions.Destroy(ctx)
		}
		return nil
	})
}

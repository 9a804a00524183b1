package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "request_id"

// requestID gives every request an identifier that appears in its log line
// and on error pages, so a user's report can be matched to the log.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

// logRequests writes one structured line per request.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		s.cfg.Logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", c.ClientIP()),
			slog.String("request_id", c.GetString(requestIDKey)),
		)
	}
}

// errPanic is what a request that panicked shows: an internal error,
// already logged with its stack.
var errPanic = errors.New("panic")

// recoverPanics turns a panic into a logged 500 page instead of a dropped
// connection.
func (s *Server) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.cfg.Logger.Error("panic", "error", r, "request_id", c.GetString(requestIDKey), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					s.showError(c, errPanic, c.GetString(requestIDKey))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// contentSecurityPolicy allows scripts, styles, images and fonts from this
// server only and forbids framing (SECURITY W4). Inline style attributes are
// allowed because echarts positions its tooltip with them; inline scripts
// are not.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders sets the headers every response carries (SECURITY
// W4). It is the one list, used both outside everything (withSecurityHeaders)
// and inside Gin (securityHeaders).
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// securityHeaders sets the headers every response carries.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		setSecurityHeaders(c.Writer.Header())
		c.Next()
	}
}

// withSecurityHeaders sets the security headers before anything else runs,
// so responses written outside Gin (a cross-origin refusal, an error from
// the session layer) carry them too.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

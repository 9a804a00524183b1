package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// statusOf is the one map from application error codes to HTTP statuses.
var statusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	domain.EINTERNAL:     http.StatusInternalServerError,
}

var headingOf = map[int]string{
	http.StatusBadRequest:            "There is a problem with the request",
	http.StatusNotFound:              "Page not found",
	http.StatusConflict:              "That could not be saved",
	http.StatusUnauthorized:          "Sign in to continue",
	http.StatusForbidden:             "You do not have access to this page",
	http.StatusRequestEntityTooLarge: "The file is too large",
	http.StatusUnprocessableEntity:   "The file could not be used",
	http.StatusInternalServerError:   "Sorry, there is a problem with the service",
}

// wantsJSON reports whether the caller is the API or asked for JSON.
func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") ||
		strings.Contains(c.GetHeader("Accept"), "application/json")
}

// handleError answers with the status and message the error's code calls
// for; internal errors are logged and shown only as a reference.
func (s *Server) handleError(c *gin.Context, err error) {
	code := domain.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := domain.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("internal error", "error", err, "request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path)
		msg = "Something went wrong. Try again later."
	}
	s.fail(c, status, headingOf[status], msg)
}

func (s *Server) notFound(c *gin.Context) {
	s.fail(c, http.StatusNotFound, headingOf[http.StatusNotFound], "If you typed the web address, check it is correct.")
}

// fail writes an error response as JSON for the API and as a page otherwise.
func (s *Server) fail(c *gin.Context, status int, heading, msg string) {
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"status": status, "message": msg, "request_id": c.GetString(requestIDKey)}})
		return
	}
	s.render(c, status, "error", pageData{Title: heading, Body: errorPage{Heading: heading, Message: msg, RequestID: c.GetString(requestIDKey)}})
	c.Abort()
}

type errorPage struct {
	Heading   string
	Message   string
	RequestID string
}

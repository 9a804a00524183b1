package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// statusOf is the one map from application error codes to HTTP statuses.
// No other file names an error status: handlers give a domain.Error and
// this file decides what it becomes (errors_test.go checks).
var statusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	// Forbidden until the password is changed at /account/password.
	domain.EPASSWORDCHANGE: http.StatusForbidden,
	domain.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	domain.EUNPROCESSABLE:  http.StatusUnprocessableEntity,
	domain.EMETHOD:         http.StatusMethodNotAllowed,
	domain.EUNAVAILABLE:    http.StatusServiceUnavailable,
	domain.EINTERNAL:       http.StatusInternalServerError,
}

var headingOf = map[int]string{
	http.StatusBadRequest:            "There is a problem with the request",
	http.StatusNotFound:              "Page not found",
	http.StatusConflict:              "That could not be saved",
	http.StatusUnauthorized:          "Sign in to continue",
	http.StatusForbidden:             "You do not have access to this page",
	http.StatusRequestEntityTooLarge: "The file is too large",
	http.StatusUnprocessableEntity:   "The file could not be used",
	http.StatusMethodNotAllowed:      "Method not allowed",
	http.StatusServiceUnavailable:    "The service is unavailable",
	http.StatusInternalServerError:   "Sorry, there is a problem with the service",
}

// internalMessage is all a person is told of an internal error, beside
// the reference that finds it in the log.
const internalMessage = "Something went wrong. Try again later."

// statusFor is the HTTP status for an error code; an unknown code is an
// internal error.
func statusFor(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// outcomeStatus is the status the JSON API answers a submission with: 201
// once stored, 200 when identical to what is held, and the statuses of
// ECONFLICT while queries wait for explanations and of EUNPROCESSABLE when
// the file has errors. A file refused for its size answers as ETOOLARGE.
func outcomeStatus(outcome string, err error) int {
	if domain.ErrorCode(err) == domain.ETOOLARGE {
		return statusFor(domain.ETOOLARGE)
	}
	switch outcome {
	case domain.StatusStored:
		return http.StatusCreated
	case domain.StatusUnchanged:
		return http.StatusOK
	case domain.StatusAwaiting:
		return statusFor(domain.ECONFLICT)
	case domain.StatusRejected:
		return statusFor(domain.EUNPROCESSABLE)
	}
	return statusFor(domain.EINTERNAL)
}

// headed gives an error page its own heading in place of the status's.
type headed struct {
	error
	heading string
}

func (h headed) Unwrap() error { return h.error }

// withHeading shows err under its own heading.
func withHeading(err error, heading string) error { return headed{err, heading} }

// wantsJSON reports whether the caller is the API or asked for JSON.
func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") ||
		strings.Contains(c.GetHeader("Accept"), "application/json")
}

// handleError answers with the status and message the error's code calls
// for; internal errors are logged and shown only as a reference.
func (s *Server) handleError(c *gin.Context, err error) {
	if domain.ErrorCode(err) == domain.EINTERNAL {
		s.cfg.Logger.Error("internal error", "error", err, "request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path)
	}
	s.showError(c, err, c.GetString(requestIDKey))
}

// showError answers with err without logging it, giving reference as the
// request ID to quote: that of the request under which it was logged,
// which for an upload job is the upload, not the page showing its fate.
func (s *Server) showError(c *gin.Context, err error, reference string) {
	status := statusFor(domain.ErrorCode(err))
	msg := domain.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		msg = internalMessage
	}
	heading := headingOf[status]
	var h headed
	if errors.As(err, &h) {
		heading = h.heading
	}
	s.fail(c, status, domain.ErrorCode(err), heading, msg, reference)
}

// errPageNotFound answers an address that names nothing.
var errPageNotFound = domain.Errorf(domain.ENOTFOUND, "If you typed the web address, check it is correct.")

func (s *Server) notFound(c *gin.Context) { s.handleError(c, errPageNotFound) }

// fail writes an error response as JSON for the API and as a page
// otherwise. Only this file calls it: handlers give handleError an error.
func (s *Server) fail(c *gin.Context, status int, code, heading, msg, reference string) {
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"status": status, "code": code, "message": msg, "request_id": reference}})
		return
	}
	s.render(c, status, "error", pageData{Title: heading, Body: errorPage{Heading: heading, Message: msg, RequestID: reference}})
	c.Abort()
}

// failText answers a client that reads no pages, such as a health check
// or a missing static file, with the error's status and a line of text.
func failText(c *gin.Context, err error) {
	c.Header("Cache-Control", "no-store")
	msg := domain.ErrorMessage(err)
	if domain.ErrorCode(err) == domain.EINTERNAL {
		msg = internalMessage
	}
	c.String(statusFor(domain.ErrorCode(err)), msg+"\n")
	c.Abort()
}

type errorPage struct {
	Heading   string
	Message   string
	RequestID string
}

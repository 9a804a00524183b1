package domain

import (
	"errors"
	"fmt"
)

// Error codes understood by every layer; web maps them to HTTP statuses in
// one place.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EINTERNAL     = "internal"
	// EUNPROCESSABLE is a request understood but whose content cannot be
	// used as it stands: a return with errors, or queries still waiting
	// for an explanation.
	EUNPROCESSABLE = "unprocessable"
	// EMETHOD is a request with a method the address does not accept.
	EMETHOD = "method_not_allowed"
	// EUNAVAILABLE is a service that cannot do its work now, such as a
	// database that cannot be written.
	EUNAVAILABLE = "unavailable"
	// EPASSWORDCHANGE is a request from someone who must change the
	// password an administrator set before doing anything else.
	EPASSWORDCHANGE = "password_change_required"
)

// Error is an application error with a code and a message safe to show to
// the person who caused it.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other error, or "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of an application error, or a
// generic one for any other error so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong."
}

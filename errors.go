package nhacviec

import (
	"errors"
	"fmt"
)

// Error codes. The bot maps them to Vietnamese messages at the edge.
const (
	EInvalid   = "invalid"   // the input is malformed
	ENotFound  = "not_found" // no such thing, or not visible to the caller
	EForbidden = "forbidden" // the caller may not do this
	EConflict  = "conflict"  // the state does not allow it (e.g. already done)
	EInternal  = "internal"  // a bug or an outage: never shown in detail
)

// Error is a domain error with a code and a message for the person who
// caused it. Message is Vietnamese, safe to show in chat.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("nhacviec: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err, or "" when err is
// not an *Error (internal details are never shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

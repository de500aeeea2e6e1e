package providers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Code classifies a provider failure. Callers branch on it with errors.Is
// and the sentinels below, never on message text.
type Code int

// The failure codes.
const (
	CodeUnknown        Code = iota // not classified
	CodeRateLimited                // the vendor asked us to slow down (HTTP 429)
	CodeTimeout                    // the call or an attempt took too long
	CodeAuth                       // missing, invalid or insufficient credentials (401/403)
	CodeInvalidRequest             // the request is malformed or unsupported (400/404/422)
	CodeContentFilter              // the vendor refused the content by policy
	CodeTruncated                  // the reply was cut off and cannot be used
	CodeUnavailable                // the vendor is down, overloaded or unreachable (5xx, connection errors)
	CodeCanceled                   // the caller's context was cancelled
)

// Sentinels matched by errors.Is against an *Error of the same code.
var (
	ErrUnknown        = errors.New("providers: unknown error")
	ErrRateLimited    = errors.New("providers: rate limited")
	ErrTimeout        = errors.New("providers: timeout")
	ErrAuth           = errors.New("providers: authentication failed")
	ErrInvalidRequest = errors.New("providers: invalid request")
	ErrContentFilter  = errors.New("providers: content filtered")
	ErrTruncated      = errors.New("providers: reply truncated")
	ErrUnavailable    = errors.New("providers: unavailable")
	ErrCanceled       = errors.New("providers: canceled")
)

func (c Code) sentinel() error {
	switch c {
	case CodeRateLimited:
		return ErrRateLimited
	case CodeTimeout:
		return ErrTimeout
	case CodeAuth:
		return ErrAuth
	case CodeInvalidRequest:
		return ErrInvalidRequest
	case CodeContentFilter:
		return ErrContentFilter
	case CodeTruncated:
		return ErrTruncated
	case CodeUnavailable:
		return ErrUnavailable
	case CodeCanceled:
		return ErrCanceled
	}
	return ErrUnknown
}

// String returns the code's name.
func (c Code) String() string {
	switch c {
	case CodeRateLimited:
		return "rate_limited"
	case CodeTimeout:
		return "timeout"
	case CodeAuth:
		return "auth"
	case CodeInvalidRequest:
		return "invalid_request"
	case CodeContentFilter:
		return "content_filter"
	case CodeTruncated:
		return "truncated"
	case CodeUnavailable:
		return "unavailable"
	case CodeCanceled:
		return "canceled"
	}
	return "unknown"
}

// Retryable reports whether a call that failed with this code may succeed if
// repeated unchanged: rate limits, timeouts and unavailability.
func (c Code) Retryable() bool {
	switch c {
	case CodeRateLimited, CodeTimeout, CodeUnavailable:
		return true
	}
	return false
}

// Error is a failed provider call.
//
// errors.Is(err, ErrRateLimited) (and the other sentinels) matches on Code;
// errors.As reaches the vendor's own error through Err.
type Error struct {
	Provider string // adapter name, e.g. "openai"
	Op       string // what was being done, e.g. "generate"
	Code     Code
	// StatusCode is the HTTP status, when there was one.
	StatusCode int
	// RetryAfter is the delay the vendor asked for (Retry-After), if any.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	msg := "providers"
	if e.Provider != "" {
		msg += ": " + e.Provider
	}
	if e.Op != "" {
		msg += ": " + e.Op
	}
	msg += ": " + e.Code.String()
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error and the sentinel for Code, so that
// errors.Is and errors.As see both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code.sentinel()}
	}
	return []error{e.Err, e.Code.sentinel()}
}

// CodeOf returns the Code of the first *Error in err's tree, CodeCanceled or
// CodeTimeout for bare context errors, and CodeUnknown otherwise.
func CodeOf(err error) Code {
	if err == nil {
		return CodeUnknown
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	}
	return CodeUnknown
}

package wire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/careguard/careguard/providers"
)

// ContextError returns the error for a call whose ctx is done: a
// *providers.Error with CodeCanceled or CodeTimeout that wraps ctx.Err()
// (and the cause, if ctx has a different one).
func ContextError(ctx context.Context, provider string) *providers.Error {
	err := ctx.Err()
	code := providers.CodeCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		code = providers.CodeTimeout
	}
	if cause := context.Cause(ctx); cause != nil && cause != err {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return &providers.Error{Provider: provider, Op: "generate", Code: code, Err: err}
}

// Invalid returns req.Validate's error with the provider named, or nil.
func Invalid(req *providers.Request, provider string) error {
	err := req.Validate()
	if err == nil {
		return nil
	}
	if pe, ok := errors.AsType[*providers.Error](err); ok {
		c := *pe
		c.Provider = provider
		return &c
	}
	return err
}

// Classify turns a failed call into a *providers.Error, from what the
// transport saw, never from the SDK's message text:
//
//   - ctx done: [ContextError];
//   - an HTTP status that is not 2xx: the code for the status (see
//     [CodeForStatus]), with StatusCode and RetryAfter set;
//   - no response (connection refused, DNS, TLS, reset): CodeUnavailable,
//     or CodeTimeout for a network timeout, wrapping the transport's error;
//   - the body passed the Transport's limit: CodeUnknown wrapping
//     malformed and [ErrResponseTooLarge];
//   - the body broke off while read: CodeUnavailable;
//   - a 2xx response the SDK could not use: CodeUnknown wrapping malformed;
//   - nothing sent at all: CodeUnknown.
//
// sdkErr is the SDK's error (nil when the SDK reported success but the
// transport saw a failing status). usage, if not nil, is attached to a
// failed 2xx reply as tokens spent.
func Classify(ctx context.Context, provider string, ex *Exchange, sdkErr, malformed error, now func() time.Time, usage *providers.Usage) error {
	if ctx.Err() != nil {
		return ContextError(ctx, provider)
	}
	e := &providers.Error{Provider: provider, Op: "generate", Err: sdkErr}
	switch {
	case ex.RewriteErr != nil:
		e.Code, e.Err = providers.CodeUnknown, fmt.Errorf("editing the request body: %w", ex.RewriteErr)
	case ex.TransportErr != nil:
		e.Code, e.Err = providers.CodeUnavailable, ex.TransportErr
		if ne, ok := errors.AsType[net.Error](ex.TransportErr); ok && ne.Timeout() {
			e.Code = providers.CodeTimeout
		}
	case ex.Status != 0 && (ex.Status < 200 || ex.Status > 299):
		e.Code, e.StatusCode = CodeForStatus(ex.Status), ex.Status
		if d, ok := ParseRetryAfter(ex.Header, Now(now)); ok {
			e.RetryAfter = d
		}
		if e.Err == nil {
			e.Err = fmt.Errorf("HTTP %d %s", ex.Status, http.StatusText(ex.Status))
		}
	case errors.Is(ex.BodyErr, ErrResponseTooLarge):
		// A reply no chat completion comes near: malformed, not an outage
		// (retrying would read it again).
		e.Code, e.StatusCode, e.Err = providers.CodeUnknown, ex.Status, ex.BodyErr
		if malformed != nil {
			e.Err = fmt.Errorf("%w: %w", malformed, ex.BodyErr)
		}
	case ex.BodyErr != nil:
		e.Code, e.StatusCode, e.Err = providers.CodeUnavailable, ex.Status, fmt.Errorf("reading the response: %w", ex.BodyErr)
	case ex.Status != 0:
		e.Code, e.StatusCode = providers.CodeUnknown, ex.Status
		e.Err = errors.Join(malformed, sdkErr)
		if usage != nil && *usage != (providers.Usage{}) {
			e.Err = &SpentError{Usage: *usage, Err: e.Err}
		}
	default:
		e.Code = providers.CodeUnknown
	}
	return e
}

// CodeForStatus maps an HTTP status to a code: 401, 403 → auth; 429 → rate
// limited; 408 → timeout; 409 and every 5xx (including Anthropic's 529
// overloaded) → unavailable; other 4xx (400, 404, 413, 422, …) → invalid
// request; anything else → unknown.
func CodeForStatus(status int) providers.Code {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.CodeAuth
	case status == http.StatusTooManyRequests:
		return providers.CodeRateLimited
	case status == http.StatusRequestTimeout:
		return providers.CodeTimeout
	case status == http.StatusConflict || (status >= 500 && status <= 599):
		return providers.CodeUnavailable
	case status >= 400 && status <= 499:
		return providers.CodeInvalidRequest
	}
	return providers.CodeUnknown
}

// SpentError marks a failure that still consumed tokens (a reply arrived
// and was billed, but could not be used). Middleware that sums usage finds
// it through its TokenUsage method.
type SpentError struct {
	Usage providers.Usage
	Err   error
}

func (e *SpentError) Error() string {
	return fmt.Sprintf("%v (%d tokens spent)", e.Err, e.Usage.Total())
}

// Unwrap returns the underlying error.
func (e *SpentError) Unwrap() error { return e.Err }

// TokenUsage returns the tokens the failed call consumed.
func (e *SpentError) TokenUsage() providers.Usage { return e.Usage }

// Recover, deferred by an adapter's Generate with its named results, turns
// a panic inside the SDK (langchaingo dereferences nil on some malformed
// replies, such as a body of "null") into a *providers.Error of
// providers.CodeUnknown wrapping malformed, so that a broken or hostile
// server cannot crash the caller. Only runtime errors are described; other
// panic values, which could carry reply content, are not quoted.
func Recover(provider string, malformed error, resp **providers.Response, err *error) {
	v := recover()
	if v == nil {
		return
	}
	what := "the SDK panicked"
	if re, ok := v.(runtime.Error); ok {
		what += ": " + re.Error()
	}
	*resp = nil
	*err = &providers.Error{Provider: provider, Op: "generate", Code: providers.CodeUnknown, Err: fmt.Errorf("%w (%s)", malformed, what)}
}

package middleware

import (
	"context"
	"errors"
	"fmt"

	"github.com/careguard/careguard/providers"
)

// Sentinels wrapped by the *providers.Error values the middleware makes.
var (
	// ErrAttemptTimeout: an attempt took longer than its [Timeout].
	ErrAttemptTimeout = errors.New("middleware: attempt timed out")
	// ErrOpen: the [Breaker] is open and the call was not made.
	ErrOpen = errors.New("middleware: circuit open")
	// ErrRateLimitDeadline: waiting for the [RateLimit] would pass the
	// call's deadline, so the call was not made.
	ErrRateLimitDeadline = errors.New("middleware: rate limit wait would pass the deadline")
	// ErrNoReply: the wrapped provider returned neither a reply nor an
	// error, which breaks the providers.Provider contract.
	ErrNoReply = errors.New("middleware: provider returned no reply and no error")
)

// generate calls p and turns a (nil, nil) return, which breaks the
// Provider contract, into a *providers.Error of providers.CodeUnknown
// wrapping [ErrNoReply], so that no middleware dereferences a nil reply.
func generate(ctx context.Context, p providers.Provider, req *providers.Request, op string) (*providers.Response, error) {
	resp, err := p.Generate(ctx, req)
	if resp == nil && err == nil {
		return nil, &providers.Error{Op: op, Code: providers.CodeUnknown, Err: ErrNoReply}
	}
	return resp, err
}

// AttemptsError is the error of a [Retry] or [Fallback] call that failed: it
// wraps the last attempt's error (for Fallback, the secondary's error, then
// the primary's), says how many attempts were made, and sums the tokens the
// failed attempts reported as spent.
type AttemptsError struct {
	Attempts int
	Usage    providers.Usage
	Err      error
}

func (e *AttemptsError) Error() string {
	msg := fmt.Sprintf("middleware: %d attempt(s)", e.Attempts)
	if n := e.Usage.Total(); n > 0 {
		msg += fmt.Sprintf(", %d tokens spent", n)
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *AttemptsError) Unwrap() error { return e.Err }

// TokenUsage returns the tokens the failed attempts reported as spent.
func (e *AttemptsError) TokenUsage() providers.Usage { return e.Usage }

// usageReporter is an error that says how many tokens its call consumed
// (adapters report this for billed replies they could not use).
type usageReporter interface {
	error
	TokenUsage() providers.Usage
}

// spentBy returns the tokens err reports as spent, if any.
func spentBy(err error) providers.Usage {
	if r, ok := errors.AsType[usageReporter](err); ok {
		return r.TokenUsage()
	}
	return providers.Usage{}
}

// attemptsIn returns the attempts err accounts for: those of an
// *AttemptsError in it, else 1.
func attemptsIn(err error) int {
	if a, ok := errors.AsType[*AttemptsError](err); ok {
		return a.Attempts
	}
	return 1
}

// add sums usage, leaving u untouched when v is zero.
func add(u, v providers.Usage) providers.Usage {
	if v == (providers.Usage{}) {
		return u
	}
	if u == (providers.Usage{}) {
		return v
	}
	return u.Add(v)
}

// withUsage returns resp, or a copy of it with spent added to its usage.
func withUsage(resp *providers.Response, spent providers.Usage) *providers.Response {
	if spent == (providers.Usage{}) {
		return resp
	}
	out := *resp
	out.Usage = resp.Usage.Add(spent)
	return &out
}

// contextError returns err if it already says that ctx is done, and
// otherwise a *providers.Error that does (wrapping ctx.Err() and err), so
// that callers and outer middleware see the caller's cancellation first.
func contextError(ctx context.Context, op string, err error) error {
	cerr := ctx.Err()
	code := providers.CodeCanceled
	if errors.Is(cerr, context.DeadlineExceeded) {
		code = providers.CodeTimeout
	}
	if err != nil && errors.Is(err, cerr) && providers.CodeOf(err) == code {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && cause != cerr {
		cerr = fmt.Errorf("%w: %w", cerr, cause)
	}
	if err != nil {
		cerr = fmt.Errorf("%w (last error: %w)", cerr, err)
	}
	return &providers.Error{Op: op, Code: code, Err: cerr}
}

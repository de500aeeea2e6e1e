package middleware

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/careguard/careguard/providers"
)

// RetryOptions configure a [Retry]. A nil *RetryOptions means the defaults;
// zero fields take the default noted on each.
type RetryOptions struct {
	// MaxAttempts bounds the calls, the first included. Default 3.
	MaxAttempts int
	// MaxElapsed bounds the time from the first call's start: no wait
	// that would end later than this is begun. Default 2 minutes.
	MaxElapsed time.Duration
	// BaseDelay is the backoff cap after the first failure; it doubles
	// with each further failure. Default 500 ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff (not a vendor's Retry-After). Default
	// 30 s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After honoured: a vendor asking
	// for more ends the retries at once. Default 2 minutes.
	MaxRetryAfter time.Duration
	// Rand returns a number in [0, 1) for the jitter; it must be safe for
	// concurrent use. Default math/rand/v2's Float64.
	Rand func() float64
	// Now is the clock for MaxElapsed and ctx deadlines. Waiting uses
	// timers, so tests that fake time run under testing/synctest.
	// Default time.Now.
	Now func() time.Time
}

// Retry is a [providers.Provider] that repeats calls failing with a
// retryable code ([providers.Code.Retryable]: rate limited, timeout,
// unavailable), with exponential backoff and full jitter: before retry n
// it waits a random duration in [0, min(MaxDelay, BaseDelay·2ⁿ⁻¹)), or the
// vendor's Retry-After if that is longer. It stops at MaxAttempts, at
// MaxElapsed, when the wait would pass ctx's deadline, when the vendor asks
// for more than MaxRetryAfter, on any other code, and as soon as ctx is
// done.
//
// The Response of a call that succeeded after failed attempts reports the
// usage of the successful attempt plus every token the failed attempts
// reported as spent (an error reports spent tokens through a TokenUsage
// method; see the package documentation). Errors are *[AttemptsError].
//
// A Retry is safe for concurrent use by multiple goroutines if its provider
// is.
type Retry struct {
	p             providers.Provider
	maxAttempts   int
	maxElapsed    time.Duration
	base, maxWait time.Duration
	maxRetryAfter time.Duration
	rand          func() float64
	now           func() time.Time
}

var _ providers.Provider = (*Retry)(nil)

// NewRetry returns p wrapped in a Retry.
func NewRetry(p providers.Provider, opts *RetryOptions) *Retry {
	var o RetryOptions
	if opts != nil {
		o = *opts
	}
	r := &Retry{
		p: p, maxAttempts: o.MaxAttempts, maxElapsed: o.MaxElapsed, base: o.BaseDelay, maxWait: o.MaxDelay,
		maxRetryAfter: o.MaxRetryAfter, rand: o.Rand, now: o.Now,
	}
	if r.maxAttempts <= 0 {
		r.maxAttempts = 3
	}
	if r.maxElapsed <= 0 {
		r.maxElapsed = 2 * time.Minute
	}
	if r.base <= 0 {
		r.base = 500 * time.Millisecond
	}
	if r.maxWait <= 0 {
		r.maxWait = 30 * time.Second
	}
	if r.maxRetryAfter <= 0 {
		r.maxRetryAfter = 2 * time.Minute
	}
	if r.rand == nil {
		r.rand = rand.Float64
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Generate calls the wrapped provider until it succeeds or a stop rule
// applies. It fails with an *[AttemptsError] wrapping the last attempt's
// error; when ctx is done, that error wraps ctx.Err() and is classified
// [providers.CodeCanceled] or [providers.CodeTimeout].
func (r *Retry) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	start := r.now()
	var spent providers.Usage
	for attempt := 1; ; attempt++ {
		resp, err := generate(ctx, r.p, req, "retry")
		if err == nil {
			return withUsage(resp, spent), nil
		}
		spent = add(spent, spentBy(err))
		fail := func(err error) (*providers.Response, error) {
			return nil, &AttemptsError{Attempts: attempt, Usage: spent, Err: err}
		}
		if ctx.Err() != nil {
			return fail(contextError(ctx, "retry", err))
		}
		if attempt >= r.maxAttempts || !providers.CodeOf(err).Retryable() {
			return fail(err)
		}
		delay := r.backoff(attempt)
		if pe, ok := errors.AsType[*providers.Error](err); ok && pe.RetryAfter > 0 {
			if pe.RetryAfter > r.maxRetryAfter {
				return fail(err)
			}
			delay = max(delay, pe.RetryAfter)
		}
		now := r.now()
		if now.Add(delay).Sub(start) > r.maxElapsed {
			return fail(err)
		}
		if dl, ok := ctx.Deadline(); ok && !now.Add(delay).Before(dl) {
			return fail(err)
		}
		if sleep(ctx, delay) != nil {
			return fail(contextError(ctx, "retry", err))
		}
	}
}

// backoff is the full-jitter delay before retry number attempt.
func (r *Retry) backoff(attempt int) time.Duration {
	ceiling := r.maxWait
	if attempt-1 < 40 {
		if d := r.base << (attempt - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	f := r.rand()
	if f < 0 || f >= 1 {
		f = 0
	}
	return time.Duration(f * float64(ceiling))
}

// sleep waits for d or until ctx is done, returning ctx.Err() then.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

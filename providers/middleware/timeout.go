package middleware

import (
	"context"
	"fmt"
	"time"

	"github.com/careguard/careguard/providers"
)

// Timeout is a [providers.Provider] that bounds each call to its provider
// by a duration. A call that runs out of time fails with a
// *providers.Error of [providers.CodeTimeout] wrapping [ErrAttemptTimeout]
// while the caller's ctx is still live, so a [Retry] around it tries again;
// when the caller's own ctx ends first, the error says so instead.
//
// A Timeout is safe for concurrent use by multiple goroutines if its
// provider is.
type Timeout struct {
	p providers.Provider
	d time.Duration
}

var _ providers.Provider = (*Timeout)(nil)

// NewTimeout returns p with each call bounded by d; d <= 0 means no bound.
func NewTimeout(p providers.Provider, d time.Duration) *Timeout {
	return &Timeout{p: p, d: d}
}

// Generate calls the wrapped provider with a ctx that ends after the
// Timeout's duration. It returns the provider's reply or error, except that
// an attempt cut short by the Timeout fails with [providers.CodeTimeout]
// wrapping [ErrAttemptTimeout] and the provider's error.
func (t *Timeout) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if t.d <= 0 {
		return generate(ctx, t.p, req, "timeout")
	}
	actx, cancel := context.WithTimeoutCause(ctx, t.d, ErrAttemptTimeout)
	defer cancel()
	resp, err := generate(actx, t.p, req, "timeout")
	if err == nil {
		return resp, nil
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx, "timeout", err)
	}
	if actx.Err() != nil {
		return nil, &providers.Error{Op: "timeout", Code: providers.CodeTimeout, Err: fmt.Errorf("%w after %v: %w", ErrAttemptTimeout, t.d, err)}
	}
	return nil, err
}

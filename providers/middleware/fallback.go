package middleware

import (
	"context"
	"fmt"

	"github.com/careguard/careguard/providers"
)

// FallbackOptions configure a [Fallback]. A nil *FallbackOptions means the
// defaults.
type FallbackOptions struct {
	// ShouldFallback says whether the primary's error is one the
	// secondary should get a chance at. It is not asked when the caller's
	// ctx is done. Default: every error.
	ShouldFallback func(error) bool
}

// Fallback is a [providers.Provider] that asks a secondary provider when the
// primary fails. The Response says which answered (Provider, Model); its
// usage adds any tokens the primary's error reported as spent.
//
// Every error falls back by default, invalid requests included, because
// what one vendor rejects (a schema keyword, a context length) another may
// accept; a request that fails [providers.Request.Validate] fails on both
// without a network call. A caller whose ctx is done gets its error at once.
//
// A Fallback is safe for concurrent use by multiple goroutines if its
// providers are.
type Fallback struct {
	primary, secondary providers.Provider
	should             func(error) bool
}

var _ providers.Provider = (*Fallback)(nil)

// NewFallback returns a provider that asks secondary when primary fails.
func NewFallback(primary, secondary providers.Provider, opts *FallbackOptions) *Fallback {
	f := &Fallback{primary: primary, secondary: secondary}
	if opts != nil {
		f.should = opts.ShouldFallback
	}
	return f
}

// Generate asks the primary, then, if it failed and ShouldFallback agrees,
// the secondary. When both fail it returns an *[AttemptsError] wrapping the
// secondary's error and then the primary's, so [providers.CodeOf] gives
// the secondary's code and errors.Is matches either.
func (f *Fallback) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	resp, err := generate(ctx, f.primary, req, "fallback")
	if err == nil {
		return resp, nil
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx, "fallback", err)
	}
	if f.should != nil && !f.should(err) {
		return nil, err
	}
	spent := spentBy(err)
	resp, err2 := generate(ctx, f.secondary, req, "fallback")
	if err2 == nil {
		return withUsage(resp, spent), nil
	}
	if ctx.Err() != nil {
		err2 = contextError(ctx, "fallback", err2)
	}
	return nil, &AttemptsError{
		Attempts: attemptsIn(err) + attemptsIn(err2),
		Usage:    add(spent, spentBy(err2)),
		Err:      fmt.Errorf("%w (after the primary failed: %w)", err2, err),
	}
}

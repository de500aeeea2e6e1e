package middleware

import (
	"context"
	"sync"
	"time"

	"github.com/careguard/careguard/providers"
)

// BreakerState is the state of a [Breaker].
type BreakerState int

// The breaker states.
const (
	// BreakerClosed: calls pass and failures are counted.
	BreakerClosed BreakerState = iota
	// BreakerOpen: calls fail at once until the cooldown has passed.
	BreakerOpen
	// BreakerHalfOpen: one probe call passes; its outcome closes or
	// reopens the breaker, and other calls fail at once meanwhile.
	BreakerHalfOpen
)

// String returns the state's name.
func (s BreakerState) String() string {
	switch s {
	case BreakerClosed:
		return "closed"
	case BreakerOpen:
		return "open"
	case BreakerHalfOpen:
		return "half-open"
	}
	return "unknown"
}

// BreakerOptions configure a [Breaker]. A nil *BreakerOptions means the
// defaults; zero fields take the default noted on each.
type BreakerOptions struct {
	// FailureThreshold is how many consecutive failures open the
	// breaker. Default 5.
	FailureThreshold int
	// Cooldown is how long the breaker stays open before a probe.
	// Default 30 s.
	Cooldown time.Duration
	// IsFailure says whether a call's error counts against the vendor.
	// It is not asked about calls whose ctx was done: the caller giving
	// up says nothing about the vendor. Default [IsOutage].
	IsFailure func(error) bool
	// Now is the breaker's clock. Default time.Now.
	Now func() time.Time
}

// IsOutage reports whether err suggests the vendor is down or overloaded:
// codes unavailable, timeout, rate limited and unknown. Authentication,
// invalid-request, content-filter and truncation errors show a vendor that
// answered, and cancellation shows a caller that gave up.
func IsOutage(err error) bool {
	switch providers.CodeOf(err) {
	case providers.CodeUnavailable, providers.CodeTimeout, providers.CodeRateLimited, providers.CodeUnknown:
		return true
	}
	return false
}

// Breaker is a [providers.Provider] that stops calling a failing vendor: a
// circuit breaker. After FailureThreshold consecutive failures it opens,
// and calls fail at once with a *providers.Error of
// [providers.CodeUnavailable] wrapping [ErrOpen], RetryAfter set to the rest
// of the cooldown. After the cooldown one probe call is let through: success
// closes the breaker, failure opens it for another cooldown. A success, or
// an error that is not a failure, resets the count.
//
// A Breaker is safe for concurrent use by multiple goroutines if its
// provider is; its lock is never held during a call.
type Breaker struct {
	p         providers.Provider
	threshold int
	cooldown  time.Duration
	isFailure func(error) bool
	now       func() time.Time

	mu       sync.Mutex
	state    BreakerState
	failures int
	openedAt time.Time
	probing  bool
}

var _ providers.Provider = (*Breaker)(nil)

// NewBreaker returns p wrapped in a closed Breaker.
func NewBreaker(p providers.Provider, opts *BreakerOptions) *Breaker {
	var o BreakerOptions
	if opts != nil {
		o = *opts
	}
	b := &Breaker{p: p, threshold: o.FailureThreshold, cooldown: o.Cooldown, isFailure: o.IsFailure, now: o.Now}
	if b.threshold <= 0 {
		b.threshold = 5
	}
	if b.cooldown <= 0 {
		b.cooldown = 30 * time.Second
	}
	if b.isFailure == nil {
		b.isFailure = IsOutage
	}
	if b.now == nil {
		b.now = time.Now
	}
	return b
}

// State returns the breaker's state now (an open breaker whose cooldown has
// passed reports half-open).
func (b *Breaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == BreakerOpen && b.now().Sub(b.openedAt) >= b.cooldown {
		return BreakerHalfOpen
	}
	return b.state
}

// Generate calls the wrapped provider unless the breaker is open (or
// half-open with its probe in flight), in which case it fails at once with
// [ErrOpen] as described on [Breaker]. Otherwise it returns the provider's
// reply or error unchanged. A malformed request or a done ctx fails before
// the breaker is consulted, and counts for nothing.
func (b *Breaker) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx, "breaker", nil)
	}
	probe, err := b.admit()
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			// The provider panicked: a failure, recorded before the panic
			// goes on, so that a half-open breaker is not left waiting
			// for a probe that never ends.
			b.record(probe, true, false)
		}
	}()
	resp, err := generate(ctx, b.p, req, "breaker")
	done = true
	b.record(probe, err != nil && ctx.Err() == nil && b.isFailure(err), err != nil && ctx.Err() != nil)
	return resp, err
}

// admit decides whether a call may pass, and whether it is the probe.
func (b *Breaker) admit() (probe bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerClosed:
		return false, nil
	case BreakerOpen:
		now := b.now()
		if wait := b.openedAt.Add(b.cooldown).Sub(now); wait > 0 {
			return false, &providers.Error{Op: "breaker", Code: providers.CodeUnavailable, RetryAfter: wait, Err: ErrOpen}
		}
		b.state = BreakerHalfOpen
	}
	if b.probing {
		return false, &providers.Error{Op: "breaker", Code: providers.CodeUnavailable, Err: ErrOpen}
	}
	b.probing = true
	return true, nil
}

// record updates the state with a call's outcome. Calls that were not the
// probe change nothing unless the breaker is closed.
func (b *Breaker) record(probe, failed, abandoned bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case probe && abandoned:
		b.probing = false // the next call probes
	case probe && failed:
		b.probing, b.state, b.openedAt = false, BreakerOpen, b.now()
	case probe:
		b.probing, b.state, b.failures = false, BreakerClosed, 0
	case b.state != BreakerClosed || abandoned:
	case failed:
		b.failures++
		if b.failures >= b.threshold {
			b.state, b.openedAt = BreakerOpen, b.now()
		}
	default:
		b.failures = 0
	}
}

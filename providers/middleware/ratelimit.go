package middleware

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/careguard/careguard/providers"
)

// RateLimitOptions configure a [RateLimit]. A nil *RateLimitOptions means
// no limits.
type RateLimitOptions struct {
	// RequestsPerMinute caps calls; 0 means no cap.
	RequestsPerMinute int
	// RequestBurst is how many calls may start at once; default 1.
	RequestBurst int
	// TokensPerMinute caps tokens (input + output); 0 means no cap. The
	// burst is one minute's worth.
	TokensPerMinute int
	// Estimate is the tokens a request is charged before it is sent.
	// Default [EstimateTokens], which, as vendors' own limiters do, counts
	// the reply's cap in full.
	Estimate func(*providers.Request) int
	// Now is the limiters' clock. Waiting uses timers, so tests that fake
	// time run under testing/synctest. Default time.Now.
	Now func() time.Time
}

// EstimateTokens is the default charge of a request: a quarter of the bytes
// of its messages and schema (the strict one, when set, as vendors that
// enforce a schema receive it), plus MaxTokens.
func EstimateTokens(req *providers.Request) int {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Content)
	}
	if s := req.Schema; s != nil {
		if len(s.Strict) > 0 {
			n += len(s.Strict)
		} else {
			n += len(s.Full)
		}
	}
	return (n+3)/4 + req.MaxTokens
}

// RateLimit is a [providers.Provider] that admits calls within a rate of
// requests and of tokens per minute (token buckets from
// golang.org/x/time/rate). A call waits for its turn; if the wait would pass
// ctx's deadline it fails at once with [providers.CodeRateLimited] wrapping
// [ErrRateLimitDeadline], with RetryAfter set to the wait. A call is
// charged its estimate before it is sent; when the reply reports more
// tokens than the estimate, the difference is charged too (later calls wait
// for it). Tokens a failed call reports as spent are charged the same way.
//
// A RateLimit is safe for concurrent use by multiple goroutines if its
// provider is. Share one RateLimit between all callers of a vendor account.
type RateLimit struct {
	p        providers.Provider
	requests *rate.Limiter
	tokens   *rate.Limiter
	estimate func(*providers.Request) int
	now      func() time.Time
}

var _ providers.Provider = (*RateLimit)(nil)

// NewRateLimit returns p wrapped in a RateLimit.
func NewRateLimit(p providers.Provider, opts *RateLimitOptions) *RateLimit {
	var o RateLimitOptions
	if opts != nil {
		o = *opts
	}
	r := &RateLimit{p: p, estimate: o.Estimate, now: o.Now}
	if o.RequestsPerMinute > 0 {
		r.requests = rate.NewLimiter(rate.Limit(float64(o.RequestsPerMinute)/60), max(o.RequestBurst, 1))
	}
	if o.TokensPerMinute > 0 {
		r.tokens = rate.NewLimiter(rate.Limit(float64(o.TokensPerMinute)/60), o.TokensPerMinute)
	}
	if r.estimate == nil {
		r.estimate = EstimateTokens
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Generate waits for the limits, then calls the wrapped provider. It fails
// with the request's validation error, a ctx error (wrapping ctx.Err()), an
// [ErrRateLimitDeadline] error, or the provider's error.
func (r *RateLimit) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, contextError(ctx, "ratelimit", nil)
	}
	var charged int
	if r.requests != nil || r.tokens != nil {
		now := r.now()
		var rr, tr *rate.Reservation
		if r.requests != nil {
			rr = r.requests.ReserveN(now, 1)
		}
		if r.tokens != nil {
			charged = min(max(r.estimate(req), 1), r.tokens.Burst())
			tr = r.tokens.ReserveN(now, charged)
		}
		if err := r.wait(ctx, now, rr, tr); err != nil {
			return nil, err
		}
	}
	resp, err := generate(ctx, r.p, req, "ratelimit")
	if r.tokens != nil {
		var used int
		if err == nil {
			used = resp.Usage.Total()
		} else {
			used = spentBy(err).Total()
		}
		if extra := used - charged; extra > 0 {
			// Charged now, paid for by later calls.
			r.tokens.ReserveN(r.now(), min(extra, r.tokens.Burst()))
		}
	}
	return resp, err
}

// wait sleeps until both reservations are due, giving them back if the call
// will not be made.
func (r *RateLimit) wait(ctx context.Context, now time.Time, rs ...*rate.Reservation) error {
	var delay time.Duration
	for _, res := range rs {
		if res != nil {
			delay = max(delay, res.DelayFrom(now))
		}
	}
	giveBack := func() {
		at := r.now()
		for _, res := range rs {
			if res != nil {
				res.CancelAt(at)
			}
		}
	}
	if delay == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(delay).After(dl) {
		giveBack()
		return &providers.Error{Op: "ratelimit", Code: providers.CodeRateLimited, RetryAfter: delay,
			Err: fmt.Errorf("%w (wait %v)", ErrRateLimitDeadline, delay)}
	}
	if sleep(ctx, delay) != nil {
		giveBack()
		return contextError(ctx, "ratelimit", nil)
	}
	return nil
}

package middleware_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/middleware"
	"github.com/careguard/careguard/providers/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func ask() *providers.Request {
	return &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one goal."}}}
}

func fail(code providers.Code, retryAfter time.Duration) fake.Step {
	return fake.FailCode(code, &fake.ErrorOptions{RetryAfter: retryAfter})
}

// spent is a failure that reports billed tokens, as adapters do for a
// reply they could not use.
type spent struct {
	usage providers.Usage
	err   error
}

func (s *spent) Error() string               { return "billed but unusable" }
func (s *spent) Unwrap() error               { return s.err }
func (s *spent) TokenUsage() providers.Usage { return s.usage }
func failSpent(code providers.Code, in, out int) fake.Step {
	return fake.Fail(&spent{
		usage: providers.Usage{InputTokens: in, OutputTokens: out, TotalTokens: in + out},
		err:   &providers.Error{Provider: "fake", Code: code},
	})
}

func usage(in, out int) providers.Usage {
	return providers.Usage{InputTokens: in, OutputTokens: out, TotalTokens: in + out}
}

// gaps returns the time between the starts of consecutive calls.
func gaps(m *fake.Model) []time.Duration {
	calls := m.Calls()
	var out []time.Duration
	for i := 1; i < len(calls); i++ {
		out = append(out, calls[i].Start.Sub(calls[i-1].Start))
	}
	return out
}

func constRand(f float64) func() float64 { return func() float64 { return f } }

func TestRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reason    string
		opts      *middleware.RetryOptions
		steps     []fake.Step
		deadline  time.Duration // 0: none
		wantCalls int
		wantGaps  []time.Duration
		wantErr   error
		wantUsage providers.Usage
	}{
		{
			name:      "success at once",
			reason:    "a success is returned as is",
			steps:     []fake.Step{fake.Reply("ok").WithUsage(usage(10, 2))},
			wantCalls: 1,
			wantUsage: usage(10, 2),
		},
		{
			name:      "backoff doubles with full jitter",
			reason:    "with Rand = 0.5 the waits are half of 500ms, 1s",
			opts:      &middleware.RetryOptions{Rand: constRand(0.5)},
			steps:     []fake.Step{fail(providers.CodeUnavailable, 0), fail(providers.CodeTimeout, 0), fake.Reply("ok").WithUsage(usage(10, 2))},
			wantCalls: 3,
			wantGaps:  []time.Duration{250 * time.Millisecond, 500 * time.Millisecond},
			wantUsage: usage(10, 2),
		},
		{
			name:      "backoff capped",
			reason:    "MaxDelay caps the jitter range",
			opts:      &middleware.RetryOptions{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 1500 * time.Millisecond, Rand: constRand(0.999)},
			steps:     []fake.Step{fail(providers.CodeUnavailable, 0), fail(providers.CodeUnavailable, 0), fail(providers.CodeUnavailable, 0), fake.Reply("ok")},
			wantCalls: 4,
			wantGaps:  []time.Duration{999 * time.Millisecond, 1498500 * time.Microsecond, 1498500 * time.Microsecond},
			wantUsage: usage(4, 1),
		},
		{
			name:      "Retry-After honoured",
			reason:    "the vendor's delay wins over a shorter backoff",
			opts:      &middleware.RetryOptions{Rand: constRand(0)},
			steps:     []fake.Step{fail(providers.CodeRateLimited, 7*time.Second), fake.Reply("ok")},
			wantCalls: 2,
			wantGaps:  []time.Duration{7 * time.Second},
			wantUsage: usage(4, 1),
		},
		{
			name:      "Retry-After too long",
			reason:    "a vendor asking for more than MaxRetryAfter ends the retries",
			opts:      &middleware.RetryOptions{MaxRetryAfter: time.Minute},
			steps:     []fake.Step{fail(providers.CodeRateLimited, 5*time.Minute), fake.Reply("ok")},
			wantCalls: 1,
			wantErr:   providers.ErrRateLimited,
		},
		{
			name:      "not retryable",
			reason:    "auth failures are not repeated",
			steps:     []fake.Step{fail(providers.CodeAuth, 0), fake.Reply("ok")},
			wantCalls: 1,
			wantErr:   providers.ErrAuth,
		},
		{
			name:      "invalid request",
			reason:    "invalid requests are not repeated",
			steps:     []fake.Step{fail(providers.CodeInvalidRequest, 0), fake.Reply("ok")},
			wantCalls: 1,
			wantErr:   providers.ErrInvalidRequest,
		},
		{
			name:      "attempts exhausted",
			reason:    "MaxAttempts counts the first call",
			opts:      &middleware.RetryOptions{MaxAttempts: 2, Rand: constRand(0)},
			steps:     []fake.Step{fail(providers.CodeUnavailable, 0), fail(providers.CodeUnavailable, 0), fake.Reply("ok")},
			wantCalls: 2,
			wantErr:   providers.ErrUnavailable,
		},
		{
			name:      "elapsed bound",
			reason:    "no wait that ends after MaxElapsed is begun",
			opts:      &middleware.RetryOptions{MaxAttempts: 10, MaxElapsed: 10 * time.Second},
			steps:     []fake.Step{fail(providers.CodeRateLimited, 6*time.Second), fail(providers.CodeRateLimited, 6*time.Second), fake.Reply("ok")},
			wantCalls: 2,
			wantGaps:  []time.Duration{6 * time.Second},
			wantErr:   providers.ErrRateLimited,
		},
		{
			name:      "deadline bound",
			reason:    "no wait that would pass ctx's deadline is begun",
			steps:     []fake.Step{fail(providers.CodeRateLimited, 30*time.Second), fake.Reply("ok")},
			deadline:  10 * time.Second,
			wantCalls: 1,
			wantErr:   providers.ErrRateLimited,
		},
		{
			name:      "usage summed",
			reason:    "tokens billed on failed attempts are added to the reply's",
			opts:      &middleware.RetryOptions{Rand: constRand(0)},
			steps:     []fake.Step{failSpent(providers.CodeUnavailable, 100, 20), failSpent(providers.CodeTimeout, 50, 0), fake.Reply("ok").WithUsage(usage(100, 30))},
			wantCalls: 3,
			wantGaps:  []time.Duration{0, 0},
			wantUsage: usage(250, 50),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				m := fake.New(tt.steps...)
				r := middleware.NewRetry(m, tt.opts)
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				resp, err := r.Generate(ctx, ask())
				assert.Equal(t, tt.wantCalls, m.CallCount(), tt.reason)
				if tt.wantGaps != nil {
					assert.Equal(t, tt.wantGaps, gaps(m), tt.reason)
				}
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr, tt.reason)
					ae, ok := errors.AsType[*middleware.AttemptsError](err)
					require.True(t, ok, "want *AttemptsError, got %T", err)
					assert.Equal(t, tt.wantCalls, ae.Attempts)
					return
				}
				require.NoError(t, err, tt.reason)
				assert.Equal(t, tt.wantUsage, resp.Usage, tt.reason)
			})
		})
	}
}

func TestRetryFailureReportsSpentUsage(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(failSpent(providers.CodeUnavailable, 10, 1), failSpent(providers.CodeUnavailable, 20, 2))
		_, err := middleware.NewRetry(m, &middleware.RetryOptions{MaxAttempts: 2}).Generate(t.Context(), ask())
		ae, ok := errors.AsType[*middleware.AttemptsError](err)
		require.True(t, ok)
		assert.Equal(t, usage(30, 3), ae.TokenUsage())
		assert.Equal(t, providers.CodeUnavailable, providers.CodeOf(err))
	})
}

// Waiting for a backoff ends as soon as the caller cancels, in real time.
func TestCancelDuringWaits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		make   func() providers.Provider
	}{
		{"retry backoff", "a Retry waiting out an hour-long Retry-After", func() providers.Provider {
			return middleware.NewRetry(fake.New(fail(providers.CodeRateLimited, time.Hour), fake.Reply("ok")), &middleware.RetryOptions{MaxRetryAfter: 2 * time.Hour, MaxElapsed: 2 * time.Hour})
		}},
		{"rate limit", "a RateLimit whose next slot is a minute away", func() providers.Provider {
			rl := middleware.NewRateLimit(fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("ok")), &middleware.RateLimitOptions{RequestsPerMinute: 1})
			_, _ = rl.Generate(context.Background(), ask()) // spends the only slot
			return rl
		}},
		{"timeout", "a Timeout around a provider that takes an hour", func() providers.Provider {
			return middleware.NewTimeout(fake.New(fake.Reply("late").WithDelay(time.Hour)), 2*time.Hour)
		}},
		{"full stack", "every layer at once", func() providers.Provider {
			slow := fake.New(fake.Reply("late").WithDelay(time.Hour))
			return middleware.NewFallback(middleware.NewBreaker(middleware.NewRetry(middleware.NewTimeout(slow, 2*time.Hour), nil), nil), slow, nil)
		}},
	}
	for _, tt := range tests {
		// In virtual time the proof is exact: the call returns at the very
		// instant its context is cancelled, whatever the machine's load.
		t.Run(tt.name+"/virtual time", func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				p := tt.make()
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(20*time.Millisecond, cancel)
				start := time.Now()
				_, err := p.Generate(ctx, ask())
				assert.Equal(t, 20*time.Millisecond, time.Since(start), "%s: returns when cancelled, not later", tt.reason)
				require.ErrorIs(t, err, context.Canceled, tt.reason)
				assert.Equal(t, providers.CodeCanceled, providers.CodeOf(err), tt.reason)
			})
		})
		// On the wall clock, latency is measured from the moment cancel
		// runs, so a late timer on a loaded machine does not count.
		t.Run(tt.name+"/wall clock", func(t *testing.T) {
			t.Parallel()
			p := tt.make()
			ctx, cancel := context.WithCancel(t.Context())
			cancelled := make(chan time.Time, 1)
			time.AfterFunc(20*time.Millisecond, func() { cancelled <- time.Now(); cancel() })
			_, err := p.Generate(ctx, ask())
			latency := time.Since(<-cancelled)
			assert.Less(t, latency, 100*time.Millisecond, "%s: a cancelled call must return within 100ms", tt.reason)
			require.ErrorIs(t, err, context.Canceled, tt.reason)
			assert.Equal(t, providers.CodeCanceled, providers.CodeOf(err), tt.reason)
		})
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("late").WithDelay(time.Minute), fake.Reply("fast").WithDelay(time.Second))
		p := middleware.NewTimeout(m, 10*time.Second)
		start := time.Now()
		_, err := p.Generate(t.Context(), ask())
		assert.Equal(t, 10*time.Second, time.Since(start), "the attempt ends at the timeout")
		require.ErrorIs(t, err, middleware.ErrAttemptTimeout)
		assert.Equal(t, providers.CodeTimeout, providers.CodeOf(err), "retryable, since the caller is still waiting")
		assert.NoError(t, t.Context().Err())

		resp, err := p.Generate(t.Context(), ask())
		require.NoError(t, err, "a fast attempt passes")
		assert.Equal(t, "fast", resp.Text)
	})
}

func TestTimeoutUnderRetry(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("late").WithDelay(time.Hour), fake.Reply("ok"))
		p := middleware.NewRetry(middleware.NewTimeout(m, 30*time.Second), &middleware.RetryOptions{Rand: constRand(0)})
		resp, err := p.Generate(t.Context(), ask())
		require.NoError(t, err, "a timed-out attempt is retried")
		assert.Equal(t, "ok", resp.Text)
		assert.Equal(t, 2, m.CallCount())
	})
}

func TestTimeoutCallerDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("late").WithDelay(time.Hour))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err := middleware.NewTimeout(m, time.Minute).Generate(ctx, ask())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, middleware.ErrAttemptTimeout, "the caller's deadline came first")
	})
}

func TestRateLimitRequests(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("ok"))
		p := middleware.NewRateLimit(m, &middleware.RateLimitOptions{RequestsPerMinute: 60, RequestBurst: 2})
		for range 4 {
			_, err := p.Generate(t.Context(), ask())
			require.NoError(t, err)
		}
		assert.Equal(t, []time.Duration{0, time.Second, time.Second}, gaps(m), "a burst of two, then one a second")
	})
}

func TestRateLimitTokens(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(
			fake.Reply("a").WithUsage(usage(300, 300)), // 600 used, 500 charged: 100 more
			fake.Reply("b").WithUsage(usage(100, 100)), // charged 500
			fake.Reply("c").WithUsage(usage(100, 100)),
		)
		p := middleware.NewRateLimit(m, &middleware.RateLimitOptions{
			TokensPerMinute: 1200,
			Estimate:        func(*providers.Request) int { return 500 },
		})
		for range 3 {
			_, err := p.Generate(t.Context(), ask())
			require.NoError(t, err)
		}
		// 1200 at start; first call charged 500 + 100 after: 600 left; second
		// 500: 100 left; third needs 400 more at 20 tokens/s: 20s.
		assert.Equal(t, []time.Duration{0, 20 * time.Second}, gaps(m))
	})
}

func TestRateLimitDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("ok"))
		p := middleware.NewRateLimit(m, &middleware.RateLimitOptions{RequestsPerMinute: 1})
		_, err := p.Generate(t.Context(), ask())
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err = p.Generate(ctx, ask())
		require.ErrorIs(t, err, middleware.ErrRateLimitDeadline)
		assert.Zero(t, time.Since(start), "no point waiting for a slot after the deadline")
		pe, ok := errors.AsType[*providers.Error](err)
		require.True(t, ok)
		assert.Equal(t, providers.CodeRateLimited, pe.Code)
		assert.Equal(t, time.Minute, pe.RetryAfter)
		assert.Equal(t, 1, m.CallCount())

		// The slot given back is still there for the next caller.
		time.Sleep(time.Minute)
		_, err = p.Generate(t.Context(), ask())
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{time.Minute}, gaps(m))
	})
}

func TestBreaker(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(
			fail(providers.CodeUnavailable, 0), fail(providers.CodeUnavailable, 0), fail(providers.CodeTimeout, 0), // opens
			fail(providers.CodeUnavailable, 0), // failed probe: opens again
			fake.Reply("ok"),                   // good probe: closes
			fake.Reply("ok"),
		)
		b := middleware.NewBreaker(m, &middleware.BreakerOptions{FailureThreshold: 3, Cooldown: time.Minute})
		for range 3 {
			_, err := b.Generate(t.Context(), ask())
			require.Error(t, err)
		}
		assert.Equal(t, middleware.BreakerOpen, b.State())

		time.Sleep(20 * time.Second)
		_, err := b.Generate(t.Context(), ask())
		require.ErrorIs(t, err, middleware.ErrOpen, "an open breaker answers itself")
		pe, _ := errors.AsType[*providers.Error](err)
		require.NotNil(t, pe)
		assert.Equal(t, providers.CodeUnavailable, pe.Code)
		assert.Equal(t, 40*time.Second, pe.RetryAfter, "the rest of the cooldown")
		assert.Equal(t, 3, m.CallCount(), "the vendor was not called")

		time.Sleep(40 * time.Second)
		assert.Equal(t, middleware.BreakerHalfOpen, b.State())
		_, err = b.Generate(t.Context(), ask())
		require.ErrorIs(t, err, providers.ErrUnavailable)
		assert.NotErrorIs(t, err, middleware.ErrOpen, "the probe reached the vendor")
		assert.Equal(t, middleware.BreakerOpen, b.State(), "a failed probe reopens")

		time.Sleep(time.Minute)
		_, err = b.Generate(t.Context(), ask())
		require.NoError(t, err)
		assert.Equal(t, middleware.BreakerClosed, b.State(), "a good probe closes")
		_, err = b.Generate(t.Context(), ask())
		require.NoError(t, err)
	})
}

func TestBreakerCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		steps  []fake.Step
		want   middleware.BreakerState
	}{
		{"consecutive", "two outages in a row open a threshold of two", []fake.Step{fail(providers.CodeUnavailable, 0), fail(providers.CodeRateLimited, 0)}, middleware.BreakerOpen},
		{"reset by success", "a success in between resets the count", []fake.Step{fail(providers.CodeUnavailable, 0), fake.Reply("ok"), fail(providers.CodeUnavailable, 0)}, middleware.BreakerClosed},
		{"reset by an answer", "an auth error shows a vendor that answers", []fake.Step{fail(providers.CodeUnavailable, 0), fail(providers.CodeAuth, 0), fail(providers.CodeUnavailable, 0)}, middleware.BreakerClosed},
		{"not outages", "invalid requests never open it", []fake.Step{fail(providers.CodeInvalidRequest, 0), fail(providers.CodeContentFilter, 0), fail(providers.CodeInvalidRequest, 0)}, middleware.BreakerClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := middleware.NewBreaker(fake.New(tt.steps...), &middleware.BreakerOptions{FailureThreshold: 2})
			for range tt.steps {
				_, _ = b.Generate(t.Context(), ask())
			}
			assert.Equal(t, tt.want, b.State(), tt.reason)
		})
	}
}

func TestBreakerIgnoresCancellation(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("late").WithDelay(time.Hour))
		b := middleware.NewBreaker(m, &middleware.BreakerOptions{FailureThreshold: 1})
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err := b.Generate(ctx, ask())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, middleware.BreakerClosed, b.State(), "a caller giving up says nothing about the vendor")
	})
}

// While half-open exactly one probe reaches the vendor.
func TestBreakerOneProbe(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var calls sync.Map
		n := 0
		var mu sync.Mutex
		inner := fake.NewFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
			mu.Lock()
			n++
			k := n
			mu.Unlock()
			calls.Store(k, true)
			if k == 1 {
				return nil, &providers.Error{Code: providers.CodeUnavailable}
			}
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return &providers.Response{Text: "ok"}, nil
		})
		b := middleware.NewBreaker(inner, &middleware.BreakerOptions{FailureThreshold: 1, Cooldown: time.Second})
		_, _ = b.Generate(t.Context(), ask())
		time.Sleep(time.Second)

		var wg sync.WaitGroup
		errs := make([]error, 5)
		for i := range errs {
			wg.Go(func() { _, errs[i] = b.Generate(t.Context(), ask()) })
		}
		synctest.Wait()
		close(release)
		wg.Wait()
		open := 0
		for _, err := range errs {
			if errors.Is(err, middleware.ErrOpen) {
				open++
			}
		}
		assert.Equal(t, 4, open, "all but the probe are turned away")
		assert.Equal(t, 2, inner.CallCount())
		assert.Equal(t, middleware.BreakerClosed, b.State())
	})
}

func TestFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		reason        string
		primary       []fake.Step
		secondary     []fake.Step
		opts          *middleware.FallbackOptions
		wantText      string
		wantUsage     providers.Usage
		wantErr       []error
		wantSecondary int
	}{
		{"primary answers", "the secondary is not asked", []fake.Step{fake.Reply("first").WithUsage(usage(1, 1))}, nil, nil, "first", usage(1, 1), nil, 0},
		{"primary down", "the secondary answers", []fake.Step{fail(providers.CodeUnavailable, 0)}, []fake.Step{fake.Reply("second").WithUsage(usage(5, 5))}, nil, "second", usage(5, 5), nil, 1},
		{"billed failure", "the primary's spent tokens are added", []fake.Step{failSpent(providers.CodeUnknown, 40, 10)}, []fake.Step{fake.Reply("second").WithUsage(usage(5, 5))}, nil, "second", usage(45, 15), nil, 1},
		{"both fail", "the secondary's code comes first; both errors are kept", []fake.Step{fail(providers.CodeAuth, 0)}, []fake.Step{fail(providers.CodeUnavailable, 0)}, nil, "", providers.Usage{}, []error{providers.ErrUnavailable, providers.ErrAuth}, 1},
		{"vetoed", "ShouldFallback can keep an error", []fake.Step{fail(providers.CodeAuth, 0)}, []fake.Step{fake.Reply("second")},
			&middleware.FallbackOptions{ShouldFallback: func(err error) bool { return !errors.Is(err, providers.ErrAuth) }}, "", providers.Usage{}, []error{providers.ErrAuth}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			second := fake.NewWithOptions(&fake.Options{Model: "second-model"}, tt.secondary...)
			p := middleware.NewFallback(fake.New(tt.primary...), second, tt.opts)
			resp, err := p.Generate(t.Context(), ask())
			assert.Equal(t, tt.wantSecondary, second.CallCount(), tt.reason)
			if tt.wantErr != nil {
				for _, want := range tt.wantErr {
					require.ErrorIs(t, err, want, tt.reason)
				}
				assert.Equal(t, map[error]providers.Code{providers.ErrUnavailable: providers.CodeUnavailable, providers.ErrAuth: providers.CodeAuth}[tt.wantErr[0]],
					providers.CodeOf(err), tt.reason)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.wantText, resp.Text, tt.reason)
			assert.Equal(t, tt.wantUsage, resp.Usage, tt.reason)
		})
	}
}

func TestFallbackNotForCancelledCaller(t *testing.T) {
	t.Parallel()
	second := fake.New(fake.Reply("second"))
	p := middleware.NewFallback(fake.New(fake.Reply("late").WithDelay(time.Hour)), second, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	_, err := p.Generate(ctx, ask())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, providers.CodeTimeout, providers.CodeOf(err))
	assert.Zero(t, second.CallCount())
}

// stack is the documented full stack around a primary, falling back to a
// secondary.
func stack(primary, secondary providers.Provider) providers.Provider {
	return middleware.NewFallback(
		middleware.NewBreaker(
			middleware.NewRetry(
				middleware.NewRateLimit(
					middleware.NewTimeout(primary, time.Minute),
					&middleware.RateLimitOptions{RequestsPerMinute: 1_000_000, RequestBurst: 1_000_000, TokensPerMinute: 1_000_000_000}),
				nil),
			nil),
		secondary, nil)
}

func TestStack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		primary := fake.New(fail(providers.CodeRateLimited, 2*time.Second), failSpent(providers.CodeUnavailable, 7, 3), fake.Reply("primary").WithUsage(usage(10, 10)))
		resp, err := stack(primary, fake.New()).Generate(t.Context(), ask())
		require.NoError(t, err)
		assert.Equal(t, "primary", resp.Text, "retried through the stack")
		assert.Equal(t, usage(17, 13), resp.Usage)
	})
}

func TestConformance(t *testing.T) {
	t.Parallel()
	echo := func() providers.Provider { return fake.NewFunc(fake.Echo) }
	down := func() providers.Provider {
		return fake.NewFunc(func(context.Context, *providers.Request) (*providers.Response, error) {
			return nil, &providers.Error{Code: providers.CodeUnavailable}
		})
	}
	tests := []struct {
		name string
		make func() providers.Provider
	}{
		{"Retry", func() providers.Provider { return middleware.NewRetry(echo(), nil) }},
		{"Timeout", func() providers.Provider { return middleware.NewTimeout(echo(), time.Minute) }},
		{"RateLimit", func() providers.Provider {
			return middleware.NewRateLimit(echo(), &middleware.RateLimitOptions{RequestsPerMinute: 60_000, RequestBurst: 100, TokensPerMinute: 10_000_000})
		}},
		{"Breaker", func() providers.Provider { return middleware.NewBreaker(echo(), nil) }},
		{"Fallback", func() providers.Provider { return middleware.NewFallback(down(), echo(), nil) }},
		{"Stack", func() providers.Provider { return stack(echo(), echo()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			providertest.Run(t, func(*testing.T) providers.Provider { return tt.make() })
		})
	}
}

func BenchmarkStack(b *testing.B) {
	p := stack(fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("ok")), fake.New())
	req := ask()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFake(b *testing.B) {
	p := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("ok"))
	req := ask()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// static answers at once, to measure the middleware alone.
type static struct{ resp providers.Response }

func (s *static) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	r := s.resp
	return &r, nil
}

func BenchmarkStackOverhead(b *testing.B) {
	p := stack(&static{providers.Response{Text: "ok", FinishReason: providers.FinishStop, Provider: "static", Usage: usage(4, 1)}}, fake.New())
	req := ask()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// providerFunc adapts a function to providers.Provider, for providers that
// break the contract in ways the fake cannot script.
type providerFunc func(context.Context, *providers.Request) (*providers.Response, error)

func (f providerFunc) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	return f(ctx, req)
}

// TestNoReply: a provider that returns neither a reply nor an error gets a
// typed error from every middleware, never a nil dereference.
func TestNoReply(t *testing.T) {
	t.Parallel()
	none := providerFunc(func(context.Context, *providers.Request) (*providers.Response, error) { return nil, nil })
	tests := []struct {
		name string
		p    providers.Provider
	}{
		{"retry", middleware.NewRetry(none, &middleware.RetryOptions{MaxAttempts: 1})},
		{"timeout", middleware.NewTimeout(none, time.Minute)},
		{"timeout, unbounded", middleware.NewTimeout(none, 0)},
		{"rate limit", middleware.NewRateLimit(none, &middleware.RateLimitOptions{TokensPerMinute: 1000, RequestsPerMinute: 60})},
		{"breaker", middleware.NewBreaker(none, nil)},
		{"fallback", middleware.NewFallback(none, none, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.p.Generate(t.Context(), ask())
			require.ErrorIs(t, err, middleware.ErrNoReply)
			assert.Nil(t, resp)
			assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err))
		})
	}
}

// TestBreakerProbePanics: a probe whose provider panics counts as a failed
// probe, so the breaker reopens instead of refusing every call forever.
func TestBreakerProbePanics(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		p := providerFunc(func(context.Context, *providers.Request) (*providers.Response, error) {
			switch calls.Add(1) {
			case 1:
				return nil, &providers.Error{Provider: "test", Code: providers.CodeUnavailable}
			case 2:
				panic("provider bug")
			}
			return &providers.Response{Text: "ok", FinishReason: providers.FinishStop}, nil
		})
		b := middleware.NewBreaker(p, &middleware.BreakerOptions{FailureThreshold: 1, Cooldown: time.Minute})
		_, err := b.Generate(t.Context(), ask())
		require.Error(t, err)
		require.Equal(t, middleware.BreakerOpen, b.State())
		time.Sleep(time.Minute)
		require.Panics(t, func() { _, _ = b.Generate(t.Context(), ask()) })
		assert.Equal(t, middleware.BreakerOpen, b.State(), "the panicking probe failed")
		time.Sleep(time.Minute)
		_, err = b.Generate(t.Context(), ask())
		require.NoError(t, err, "the next probe is let through")
		assert.Equal(t, middleware.BreakerClosed, b.State())
	})
}

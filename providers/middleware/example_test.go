package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/middleware"
)

// The documented stack: a primary model that is rate limited once and then
// down, and a secondary that answers.
func Example() {
	primary := fake.New(
		fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{StatusCode: 429, RetryAfter: 10 * time.Millisecond}),
		fake.FailCode(providers.CodeUnavailable, &fake.ErrorOptions{StatusCode: 503}),
		fake.FailCode(providers.CodeUnavailable, &fake.ErrorOptions{StatusCode: 503}),
	)
	secondary := fake.NewWithOptions(&fake.Options{Model: "backup-model"}, fake.Reply(`{"goal":"HbA1c below 7%"}`))

	p := middleware.NewFallback(
		middleware.NewBreaker(
			middleware.NewRetry(
				middleware.NewRateLimit(
					middleware.NewTimeout(primary, 30*time.Second),
					&middleware.RateLimitOptions{RequestsPerMinute: 600, RequestBurst: 10}),
				&middleware.RetryOptions{BaseDelay: time.Millisecond}),
			nil),
		secondary, nil)

	resp, err := p.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one goal."}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("primary attempts:", primary.CallCount())
	fmt.Println("answered by:", resp.Model)
	// Output:
	// primary attempts: 3
	// answered by: backup-model
}

// Retrying a rate limit after the delay the vendor asked for.
func ExampleNewRetry() {
	m := fake.New(
		fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{RetryAfter: 20 * time.Millisecond}),
		fake.Reply("ok"),
	)
	r := middleware.NewRetry(m, &middleware.RetryOptions{MaxAttempts: 3})
	resp, err := r.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Hi"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	calls := m.Calls()
	fmt.Println(resp.Text, "after", len(calls), "calls; waited at least 20ms:", calls[1].Start.Sub(calls[0].Start) >= 20*time.Millisecond)
	// Output:
	// ok after 2 calls; waited at least 20ms: true
}

// A breaker that has seen two outages turns calls away until its cooldown
// has passed.
func ExampleNewBreaker() {
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.FailCode(providers.CodeUnavailable, nil))
	b := middleware.NewBreaker(m, &middleware.BreakerOptions{FailureThreshold: 2, Cooldown: time.Hour})
	req := &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "Hi"}}}
	for range 3 {
		_, err := b.Generate(context.Background(), req)
		fmt.Println(errors.Is(err, middleware.ErrOpen), b.State())
	}
	fmt.Println("vendor calls:", m.CallCount())
	// Output:
	// false closed
	// false open
	// true open
	// vendor calls: 2
}

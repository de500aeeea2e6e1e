package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
)

// A model that first breaks the schema, then complies: the caller's repair
// loop must re-ask once.
func Example() {
	m := fake.New(
		fake.Reply(`{"goal": "lower HbA1c`), // cut-off JSON
		fake.Reply(`{"goal": "lower HbA1c below 7%"}`),
	)
	req := &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one goal."}},
		Schema:   &providers.Schema{Name: "goal", Full: json.RawMessage(`{"type":"object"}`)},
	}

	for attempt := 1; ; attempt++ {
		resp, err := m.Generate(context.Background(), req)
		if err != nil {
			log.Fatal(err)
		}
		var goal struct{ Goal string }
		if err := json.Unmarshal([]byte(resp.Text), &goal); err != nil {
			fmt.Printf("attempt %d: invalid JSON, re-asking\n", attempt)
			continue
		}
		fmt.Printf("attempt %d: %s (%d tokens)\n", attempt, goal.Goal, resp.Usage.Total())
		break
	}
	fmt.Println("steps left:", m.Remaining())
	// Output:
	// attempt 1: invalid JSON, re-asking
	// attempt 2: lower HbA1c below 7% (12 tokens)
	// steps left: 0
}

// Injecting a rate limit and classifying it the way retry middleware does.
func ExampleFailCode() {
	m := fake.New(
		fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{StatusCode: 429, RetryAfter: 2 * time.Second}),
		fake.Reply("ok"),
	)
	req := &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "Hi"}}}

	_, err := m.Generate(context.Background(), req)
	fmt.Println("rate limited:", errors.Is(err, providers.ErrRateLimited))
	var perr *providers.Error
	if errors.As(err, &perr) {
		fmt.Println("retryable:", perr.Code.Retryable(), "after:", perr.RetryAfter)
	}

	resp, err := m.Generate(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second call:", resp.Text)
	// Output:
	// rate limited: true
	// retryable: true after: 2s
	// second call: ok
}

// Reading what the code under test sent to the model.
func ExampleModel_Calls() {
	m := fake.NewFunc(fake.Echo)
	ctx := context.Background()
	for _, q := range []string{"What is metformin?", "And its main risk?"} {
		req := &providers.Request{Messages: []providers.Message{
			{Role: providers.RoleSystem, Content: "Answer for a patient."},
			{Role: providers.RoleUser, Content: q},
		}}
		if _, err := m.Generate(ctx, req); err != nil {
			log.Fatal(err)
		}
	}

	for i, c := range m.Calls() {
		fmt.Printf("call %d: %d messages, asked %q, got %q\n", i, len(c.Request.Messages), c.Request.Messages[1].Content, c.Response.Text)
	}
	// Output:
	// call 0: 2 messages, asked "What is metformin?", got "What is metformin?"
	// call 1: 2 messages, asked "And its main risk?", got "And its main risk?"
}

// A slow step lets a test exercise the caller's timeout.
func ExampleStep_WithDelay() {
	m := fake.New(fake.Reply("too late").WithDelay(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	_, err := m.Generate(ctx, &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "Hi"}}})
	fmt.Println(errors.Is(err, context.DeadlineExceeded), providers.CodeOf(err))
	// Output:
	// true timeout
}

// Scripted stops short of a complete reply.
func ExampleTruncated() {
	m := fake.New(
		fake.Truncated(`{"goals": [`),
		fake.Refusal("I can't give dosing advice."),
		fake.ContentFiltered(""),
	)
	req := &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: "Plan"}}}
	for range 3 {
		resp, err := m.Generate(context.Background(), req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: text %q, refusal %q\n", resp.FinishReason, resp.Text, resp.Refusal)
	}
	// Output:
	// length: text "{\"goals\": [", refusal ""
	// refusal: text "", refusal "I can't give dosing advice."
	// content_filter: text "", refusal ""
}

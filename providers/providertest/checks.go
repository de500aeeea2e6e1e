package providertest

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/careguard/careguard/providers"
)

const (
	// callLimit bounds any call, so that a hanging provider fails the check
	// instead of the whole test binary.
	callLimit = 10 * time.Second
	// promptLimit bounds a call whose ctx is already done.
	promptLimit = 100 * time.Millisecond

	goroutines     = 16
	callsPerWorker = 4
)

// checkFunc returns what the provider did wrong, if anything.
type checkFunc func(ctx context.Context, p providers.Provider) []error

// check is a leaf (run set) or a group of checks (sub set).
type check struct {
	name string
	run  checkFunc
	sub  []check
}

func checks() []check {
	return []check{
		{name: "Reply", sub: []check{
			{name: "Minimal", run: checkReply(minimalRequest)},
			{name: "Conversation", run: checkReply(conversationRequest)},
			{name: "Schema", run: checkReply(schemaRequest)},
		}},
		{name: "RequestUnchanged", sub: []check{
			{name: "Conversation", run: checkUnchanged(conversationRequest)},
			{name: "Schema", run: checkUnchanged(schemaRequest)},
		}},
		{name: "InvalidRequest", sub: invalidChecks()},
		{name: "Context", sub: []check{
			{name: "Canceled", run: checkContext(context.Canceled, providers.CodeCanceled, func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return ctx, cancel
			})},
			{name: "DeadlineExceeded", run: checkContext(context.DeadlineExceeded, providers.CodeTimeout, func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithDeadline(ctx, time.Now().Add(-time.Second))
			})},
		}},
		{name: "Concurrent", run: checkConcurrent},
	}
}

// checkReply checks that a well-formed request gets a valid reply.
func checkReply(newRequest func() *providers.Request) checkFunc {
	return func(ctx context.Context, p providers.Provider) []error {
		resp, err := succeed(ctx, p, newRequest())
		if err != nil {
			return []error{err}
		}
		return responseProblems(resp)
	}
}

// checkUnchanged checks that Generate leaves the request as it was.
func checkUnchanged(newRequest func() *providers.Request) checkFunc {
	return func(ctx context.Context, p providers.Provider) []error {
		req := newRequest()
		snap := takeSnapshot(req)
		r := generate(ctx, p, req, callLimit)
		if err := r.failure(callLimit); err != nil {
			return []error{err}
		}
		return snap.changes()
	}
}

func invalidChecks() []check {
	withSchema := func(edit func(*providers.Schema)) func() *providers.Request {
		return func() *providers.Request {
			req := schemaRequest()
			edit(req.Schema)
			return req
		}
	}
	withRequest := func(edit func(*providers.Request)) func() *providers.Request {
		return func() *providers.Request {
			req := conversationRequest()
			edit(req)
			return req
		}
	}
	cases := []struct {
		name       string
		newRequest func() *providers.Request
	}{
		{"NilRequest", func() *providers.Request { return nil }},
		{"NoMessages", withRequest(func(r *providers.Request) { r.Messages = nil })},
		{"UnknownRole", withRequest(func(r *providers.Request) { r.Messages[1].Role = "tool" })},
		{"NegativeMaxTokens", withRequest(func(r *providers.Request) { r.MaxTokens = -1 })},
		{"TemperatureOutOfRange", withRequest(func(r *providers.Request) { t := 2.5; r.Temperature = &t })},
		{"BadSchemaName", withSchema(func(s *providers.Schema) { s.Name = "reply schema" })},
		{"SchemaNotJSON", withSchema(func(s *providers.Schema) { s.Full = []byte(`{"type": "object"`) })},
		{"StrictSchemaNotJSON", withSchema(func(s *providers.Schema) { s.Strict = []byte(`{"type": `) })},
	}
	cs := make([]check, 0, len(cases))
	for _, tc := range cases {
		cs = append(cs, check{name: tc.name, run: func(ctx context.Context, p providers.Provider) []error {
			req := tc.newRequest()
			snap := takeSnapshot(req)
			r := generate(ctx, p, req, callLimit)
			if err := r.failure(callLimit); err != nil {
				return []error{err}
			}
			var errs []error
			switch {
			case r.err == nil:
				errs = append(errs, errors.New("provider.Generate accepted a malformed request; want an error matching providers.ErrInvalidRequest"))
			case !errors.Is(r.err, providers.ErrInvalidRequest):
				errs = append(errs, fmt.Errorf("provider.Generate returned %w for a malformed request; want an error matching providers.ErrInvalidRequest", r.err))
			}
			return append(errs, snap.changes()...)
		}})
	}
	return cs
}

// checkContext checks that a call under a ctx that is already done fails
// promptly with an error wrapping want and classified as code.
func checkContext(want error, code providers.Code, newContext func(context.Context) (context.Context, context.CancelFunc)) checkFunc {
	return func(ctx context.Context, p providers.Provider) []error {
		ctx, cancel := newContext(ctx)
		defer cancel()
		r := generate(ctx, p, minimalRequest(), promptLimit)
		if err := r.failure(promptLimit); err != nil {
			return []error{fmt.Errorf("ctx was done before the call: %w", err)}
		}
		if r.err == nil {
			return []error{fmt.Errorf("ctx was done before the call, but Generate returned a nil error; want one wrapping %v", want)}
		}
		var errs []error
		if !errors.Is(r.err, want) {
			errs = append(errs, fmt.Errorf("ctx was done before the call; Generate returned %w, which does not wrap %v", r.err, want))
		}
		if got := providers.CodeOf(r.err); got != code {
			errs = append(errs, fmt.Errorf("ctx was done before the call; providers.CodeOf(%w) = %v, want %v", r.err, got, code))
		}
		return errs
	}
}

// checkConcurrent checks that concurrent calls, some sharing one request,
// all succeed and leave the shared request unchanged.
func checkConcurrent(ctx context.Context, p providers.Provider) []error {
	shared := conversationRequest()
	snap := takeSnapshot(shared)

	var (
		mu       sync.Mutex
		failed   int
		firstErr error
		wg       sync.WaitGroup
	)
	start := make(chan struct{})
	for g := range goroutines {
		wg.Go(func() {
			<-start
			for i := range callsPerWorker {
				req := shared
				if g%2 == 1 {
					req = userRequest(fmt.Sprintf("Worker %d, call %d: say hello.", g, i))
				}
				resp, err := succeed(ctx, p, req)
				if err == nil {
					err = errors.Join(responseProblems(resp)...)
				}
				if err != nil {
					mu.Lock()
					failed++
					if firstErr == nil {
						firstErr = fmt.Errorf("goroutine %d, call %d: %w", g, i, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	close(start)
	wg.Wait()

	var errs []error
	if failed > 0 {
		errs = append(errs, fmt.Errorf("%d of %d concurrent calls failed; the first: %w", failed, goroutines*callsPerWorker, firstErr))
	}
	for _, err := range snap.changes() {
		errs = append(errs, fmt.Errorf("request shared by concurrent calls: %w", err))
	}
	return errs
}

// succeed calls Generate and returns its response, or an error saying how
// the call failed to succeed.
func succeed(ctx context.Context, p providers.Provider, req *providers.Request) (*providers.Response, error) {
	r := generate(ctx, p, req, callLimit)
	if err := r.failure(callLimit); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, fmt.Errorf("provider.Generate failed on a well-formed request: %w", r.err)
	}
	if r.resp == nil {
		return nil, errors.New("provider.Generate returned a nil *Response and a nil error")
	}
	return r.resp, nil
}

// responseProblems checks a successful reply against the contract.
func responseProblems(resp *providers.Response) []error {
	var errs []error
	switch resp.FinishReason {
	case providers.FinishStop, providers.FinishLength, providers.FinishContentFilter, providers.FinishRefusal, providers.FinishUnknown:
	case "":
		errs = append(errs, errors.New("Response.FinishReason is empty; want one of the providers.Finish* values"))
	default:
		errs = append(errs, fmt.Errorf("Response.FinishReason %q is not one of the providers.Finish* values", resp.FinishReason))
	}
	u := resp.Usage
	for _, f := range []struct {
		name string
		n    int
	}{
		{"InputTokens", u.InputTokens},
		{"OutputTokens", u.OutputTokens},
		{"TotalTokens", u.TotalTokens},
		{"CachedInputTokens", u.CachedInputTokens},
		{"ReasoningTokens", u.ReasoningTokens},
	} {
		if f.n < 0 {
			errs = append(errs, fmt.Errorf("Response.Usage.%s is %d; want >= 0", f.name, f.n))
		}
	}
	if u.Total() < 0 {
		errs = append(errs, fmt.Errorf("Response.Usage.Total() is %d; want >= 0", u.Total()))
	}
	if resp.Provider == "" {
		errs = append(errs, errors.New("Response.Provider is empty; want the adapter's name"))
	}
	return errs
}

// result is the outcome of one call made by generate.
type result struct {
	resp     *providers.Response
	err      error
	returned bool // false if the call did not return in time
	panicked bool
	panicVal any
	stack    []byte
}

// failure describes a call that panicked or did not return, or returns nil.
func (r *result) failure(limit time.Duration) error {
	switch {
	case !r.returned:
		return fmt.Errorf("provider.Generate did not return within %v", limit)
	case r.panicked:
		return fmt.Errorf("provider.Generate panicked: %v\n%s", r.panicVal, r.stack)
	}
	return nil
}

// generate calls p.Generate in a new goroutine, recovering a panic, and
// waits at most limit for it to return.
func generate(ctx context.Context, p providers.Provider, req *providers.Request, limit time.Duration) result {
	done := make(chan result, 1)
	go func() {
		r := result{returned: true}
		defer func() {
			if v := recover(); v != nil {
				r.panicked, r.panicVal, r.stack = true, v, debug.Stack()
			}
			done <- r
		}()
		r.resp, r.err = p.Generate(ctx, req)
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case r := <-done:
		return r
	case <-t.C:
		return result{}
	}
}

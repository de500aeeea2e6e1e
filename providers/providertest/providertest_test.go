package providertest_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/providertest"
)

// providerFunc adapts a function to providers.Provider.
type providerFunc func(ctx context.Context, req *providers.Request) (*providers.Response, error)

func (f providerFunc) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	return f(ctx, req)
}

// wellBehaved keeps the contract with the least code: it returns bare
// context errors, which providers.CodeOf classifies.
func wellBehaved(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Provider: "test"}, nil
}

// valid returns a provider that validates and checks ctx like wellBehaved,
// then answers with reply.
func valid(reply func(req *providers.Request) (*providers.Response, error)) providers.Provider {
	return providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
		if _, err := wellBehaved(ctx, req); err != nil {
			return nil, err
		}
		return reply(req)
	})
}

// serial runs a provider that writes to the request one call at a time, so
// that the race detector does not stop the test binary: the suite must find
// the change itself.
func serial(f providerFunc) providers.Provider {
	var mu sync.Mutex
	return providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		return f(ctx, req)
	})
}

// mutating returns a provider that changes the request with edit before
// answering like wellBehaved.
func mutating(edit func(req *providers.Request)) providers.Provider {
	return serial(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
		resp, err := wellBehaved(ctx, req)
		if err == nil {
			edit(req)
		}
		return resp, err
	})
}

func reply(resp providers.Response) func(*providers.Request) (*providers.Response, error) {
	return func(*providers.Request) (*providers.Response, error) { r := resp; return &r, nil }
}

var (
	allReplies      = []string{"Reply/Minimal", "Reply/Conversation", "Reply/Schema", "Concurrent"}
	allContexts     = []string{"Context/Canceled", "Context/DeadlineExceeded"}
	allUnchanged    = []string{"RequestUnchanged/Conversation", "RequestUnchanged/Schema"}
	allInvalid      = []string{"InvalidRequest/NilRequest", "InvalidRequest/NoMessages", "InvalidRequest/UnknownRole", "InvalidRequest/NegativeMaxTokens", "InvalidRequest/TemperatureOutOfRange", "InvalidRequest/BadSchemaName", "InvalidRequest/SchemaNotJSON", "InvalidRequest/StrictSchemaNotJSON"}
	schemaUnchanged = []string{"RequestUnchanged/Schema"}
)

func join(lists ...[]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// violations returns the violations in err, which Check returned.
func violations(t *testing.T, err error) []*providertest.Violation {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "Check must return a joined error, got %T", err)
	var vs []*providertest.Violation
	for _, e := range joined.Unwrap() {
		var v *providertest.Violation
		require.ErrorAs(t, e, &v)
		vs = append(vs, v)
	}
	return vs
}

func checkNames(vs []*providertest.Violation) []string {
	seen := map[string]bool{}
	var names []string
	for _, v := range vs {
		if !seen[v.Check] {
			seen[v.Check] = true
			names = append(names, v.Check)
		}
	}
	return names
}

func TestRunPasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		provider func() providers.Provider
	}{
		{"minimal provider", "bare context errors are classified by CodeOf", func() providers.Provider { return providerFunc(wellBehaved) }},
		{"fake echo", "the fake is the reference provider", func() providers.Provider { return fake.NewFunc(fake.Echo) }},
		{
			"classified context errors", "a *providers.Error with the matching code that wraps ctx.Err() conforms",
			func() providers.Provider {
				return providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
					if err := req.Validate(); err != nil {
						return nil, err
					}
					if err := ctx.Err(); err != nil {
						code := providers.CodeCanceled
						if errors.Is(err, context.DeadlineExceeded) {
							code = providers.CodeTimeout
						}
						return nil, &providers.Error{Provider: "test", Code: code, Err: err}
					}
					return &providers.Response{FinishReason: providers.FinishLength, Provider: "test"}, nil
				})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			providertest.Run(t, func(*testing.T) providers.Provider { return tt.provider() })
			assert.NoError(t, providertest.Check(t.Context(), tt.provider), tt.reason)
		})
	}
}

func TestCheckFindsViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		provider providers.Provider
		want     []string // the checks that must fail, and only they
		wantErr  error    // if set, every violation must wrap it
	}{
		{
			name:   "ignores cancelled ctx",
			reason: "a done ctx must fail the call",
			provider: providerFunc(func(_ context.Context, req *providers.Request) (*providers.Response, error) {
				return wellBehaved(context.Background(), req)
			}),
			want: allContexts,
		},
		{
			name:   "slow to notice ctx",
			reason: "a done ctx must fail the call within 100ms",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if ctx.Err() != nil {
					time.Sleep(300 * time.Millisecond)
				}
				return wellBehaved(ctx, req)
			}),
			want: allContexts,
		},
		{
			name:   "misclassifies ctx errors",
			reason: "retry middleware would retry a cancelled call classified as unavailable",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if ctx.Err() != nil {
					return nil, &providers.Error{Code: providers.CodeUnavailable, Err: ctx.Err()}
				}
				return wellBehaved(ctx, req)
			}),
			want:    allContexts,
			wantErr: providers.ErrUnavailable,
		},
		{
			name:   "drops ctx error",
			reason: "the error must wrap ctx.Err(), not only carry the code",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if ctx.Err() != nil {
					return nil, &providers.Error{Code: providers.CodeCanceled}
				}
				return wellBehaved(ctx, req)
			}),
			want: allContexts,
		},
		{
			name:     "changes MaxTokens",
			reason:   "providers must not modify the request",
			provider: mutating(func(r *providers.Request) { r.MaxTokens = 100 }),
			want:     join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:   "appends to the caller's messages",
			reason: "append on the caller's slice writes past len into its array",
			provider: mutating(func(r *providers.Request) {
				_ = append(r.Messages, providers.Message{Role: providers.RoleAssistant, Content: "prefill"})
			}),
			want: join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:     "edits a message",
			reason:   "message contents belong to the caller",
			provider: mutating(func(r *providers.Request) { r.Messages[0].Content += "!" }),
			want:     join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:   "replaces temperature",
			reason: "even an equal value under a new pointer is a modification",
			provider: mutating(func(r *providers.Request) {
				if r.Temperature != nil {
					t := *r.Temperature
					r.Temperature = &t
				}
			}),
			want: join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:   "changes temperature in place",
			reason: "the value behind the pointer belongs to the caller",
			provider: mutating(func(r *providers.Request) {
				if r.Temperature != nil {
					*r.Temperature = 0
				}
			}),
			want: join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:   "strips the strict schema",
			reason: "adapters must send the schema unchanged",
			provider: mutating(func(r *providers.Request) {
				if r.Schema != nil {
					r.Schema.Strict = nil
				}
			}),
			want: schemaUnchanged,
		},
		{
			name:   "swaps in an equal copy of the messages",
			reason: "replacing the caller's slice is a modification even when the contents match",
			provider: mutating(func(r *providers.Request) {
				c := make([]providers.Message, len(r.Messages), cap(r.Messages))
				copy(c, r.Messages[:cap(r.Messages)])
				r.Messages = c
			}),
			want: join(allUnchanged, []string{"Concurrent"}),
		},
		{
			name:   "replaces the schema",
			reason: "the Schema pointer belongs to the caller",
			provider: mutating(func(r *providers.Request) {
				if r.Schema != nil {
					s := *r.Schema
					r.Schema = &s
				}
			}),
			want: schemaUnchanged,
		},
		{
			name:   "renames and describes the schema",
			reason: "the schema name and description are sent unchanged",
			provider: mutating(func(r *providers.Request) {
				if r.Schema != nil {
					r.Schema.Name += "_v2"
					r.Schema.Description = ""
				}
			}),
			want: schemaUnchanged,
		},
		{
			name:   "rewrites schema bytes",
			reason: "schema bytes belong to the caller",
			provider: mutating(func(r *providers.Request) {
				if r.Schema != nil {
					r.Schema.Full[0] = ' '
				}
			}),
			want: schemaUnchanged,
		},
		{
			name:     "nil response",
			reason:   "success must come with a response",
			provider: valid(func(*providers.Request) (*providers.Response, error) { return nil, nil }),
			want:     allReplies,
		},
		{
			name:   "fails valid requests",
			reason: "the backend answers everything, so the provider must succeed",
			provider: valid(func(*providers.Request) (*providers.Response, error) {
				return nil, &providers.Error{Code: providers.CodeAuth}
			}),
			want:    allReplies,
			wantErr: providers.ErrAuth,
		},
		{
			name:     "no finish reason",
			reason:   "FinishReason must be set",
			provider: valid(reply(providers.Response{Provider: "test"})),
			want:     allReplies,
		},
		{
			name:     "unknown finish reason",
			reason:   "FinishReason must be normalised",
			provider: valid(reply(providers.Response{Provider: "test", FinishReason: "end_turn"})),
			want:     allReplies,
		},
		{
			name:     "negative usage",
			reason:   "token counts cannot be negative",
			provider: valid(reply(providers.Response{Provider: "test", FinishReason: providers.FinishStop, Usage: providers.Usage{CachedInputTokens: -1}})),
			want:     allReplies,
		},
		{
			name:     "negative total",
			reason:   "Usage.Total() must not be negative",
			provider: valid(reply(providers.Response{Provider: "test", FinishReason: providers.FinishStop, Usage: providers.Usage{InputTokens: 3, OutputTokens: -5}})),
			want:     allReplies,
		},
		{
			name:     "no provider name",
			reason:   "Response.Provider names the adapter",
			provider: valid(reply(providers.Response{FinishReason: providers.FinishStop})),
			want:     allReplies,
		},
		{
			name:   "skips validation",
			reason: "malformed requests must fail with ErrInvalidRequest",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return &providers.Response{FinishReason: providers.FinishStop, Provider: "test"}, nil
			}),
			want: allInvalid,
		},
		{
			name:   "wrong code for malformed requests",
			reason: "a malformed request is not the vendor being unavailable",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if err := req.Validate(); err != nil {
					return nil, &providers.Error{Code: providers.CodeUnavailable}
				}
				return wellBehaved(ctx, req)
			}),
			want:    allInvalid,
			wantErr: providers.ErrUnavailable,
		},
		{
			name:   "fixes malformed requests in place",
			reason: "even a rejected request must not be modified",
			provider: serial(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if req != nil && req.MaxTokens < 0 {
					req.MaxTokens = 0
				}
				return wellBehaved(ctx, req)
			}),
			want: []string{"InvalidRequest/NegativeMaxTokens"},
		},
		{
			name:   "panics",
			reason: "a panic is reported, not propagated",
			provider: providerFunc(func(context.Context, *providers.Request) (*providers.Response, error) {
				panic("boom")
			}),
			want: join(allReplies, allUnchanged, allInvalid, allContexts),
		},
		{
			name:   "panics on nil request",
			reason: "a nil request must be rejected, not dereferenced",
			provider: providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				_ = len(req.Messages)
				return wellBehaved(ctx, req)
			}),
			want: []string{"InvalidRequest/NilRequest"},
		},
		{
			name:   "not safe for concurrent use",
			reason: "providers must allow concurrent calls",
			provider: func() providers.Provider {
				var inFlight atomic.Int32
				return valid(func(*providers.Request) (*providers.Response, error) {
					defer inFlight.Add(-1)
					if inFlight.Add(1) > 1 {
						return nil, &providers.Error{Code: providers.CodeUnavailable}
					}
					time.Sleep(5 * time.Millisecond)
					return &providers.Response{FinishReason: providers.FinishStop, Provider: "test"}, nil
				})
			}(),
			want:    []string{"Concurrent"},
			wantErr: providers.ErrUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := providertest.Check(t.Context(), func() providers.Provider { return tt.provider })
			require.Error(t, err, tt.reason)
			vs := violations(t, err)
			assert.ElementsMatch(t, tt.want, checkNames(vs), tt.reason)
			if tt.wantErr != nil {
				for _, v := range vs {
					assert.ErrorIs(t, v, tt.wantErr, "violation %s must wrap the provider's error", v.Check)
				}
			}
		})
	}
}

func TestCheckNilProvider(t *testing.T) {
	t.Parallel()
	err := providertest.Check(t.Context(), func() providers.Provider { return nil })
	vs := violations(t, err)
	assert.ElementsMatch(t, join(allReplies, allUnchanged, allInvalid, allContexts), checkNames(vs))
}

func TestCheckFreshProviderPerCheck(t *testing.T) {
	t.Parallel()
	var made atomic.Int32
	err := providertest.Check(t.Context(), func() providers.Provider {
		made.Add(1)
		return fake.NewFunc(fake.Echo)
	})
	require.NoError(t, err)
	assert.Equal(t, int32(len(join(allReplies, allUnchanged, allInvalid, allContexts))), made.Load())
}

// The messages are the suite's user interface: they must say what went
// wrong in words a provider's author can act on.
func TestViolationMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider providers.Provider
		check    string
		contains string
	}{
		{
			"append", mutating(func(r *providers.Request) { _ = append(r.Messages, providers.Message{}) }),
			"RequestUnchanged/Conversation", "past len",
		},
		{
			"panic", providerFunc(func(context.Context, *providers.Request) (*providers.Response, error) { panic("kaboom") }),
			"Reply/Minimal", "provider.Generate panicked: kaboom",
		},
		{
			"slow ctx", providerFunc(func(ctx context.Context, req *providers.Request) (*providers.Response, error) {
				if ctx.Err() != nil {
					time.Sleep(200 * time.Millisecond)
				}
				return wellBehaved(ctx, req)
			}),
			"Context/Canceled", "did not return within 100ms",
		},
		{
			"nil response", valid(func(*providers.Request) (*providers.Response, error) { return nil, nil }),
			"Reply/Schema", "nil *Response and a nil error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := providertest.Check(t.Context(), func() providers.Provider { return tt.provider })
			var found bool
			for _, v := range violations(t, err) {
				if v.Check == tt.check {
					found = true
					assert.ErrorContains(t, v, tt.contains)
					assert.ErrorContains(t, v, "providertest: "+tt.check+": ")
				}
			}
			assert.True(t, found, "no violation for %s in %v", tt.check, err)
		})
	}
}

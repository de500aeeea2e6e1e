package fake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// ask is a request whose single user message is content.
func ask(content string) *providers.Request {
	return &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Content: content}}}
}

// hello is 8 bytes of input: 2 estimated tokens.
var hello = ask("hello!!!")

func TestSteps(t *testing.T) {
	t.Parallel()
	vendorErr := errors.New("vendor says no")
	cause := errors.New("upstream 429")
	tests := []struct {
		name    string
		reason  string
		step    fake.Step
		want    *providers.Response
		wantErr []error // each must match errors.Is
		check   func(t *testing.T, err error)
	}{
		{
			name:   "reply",
			reason: "a plain reply finishes with stop and an estimated usage",
			step:   fake.Reply("abcde"),
			want:   &providers.Response{Text: "abcde", FinishReason: providers.FinishStop, Usage: usage(2, 2), Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "zero step",
			reason: "the zero Step is an empty reply, never an empty FinishReason",
			step:   fake.Step{},
			want:   &providers.Response{FinishReason: providers.FinishStop, Usage: usage(2, 0), Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "truncated",
			reason: "truncation keeps the partial text",
			step:   fake.Truncated(`{"plan": [`),
			want:   &providers.Response{Text: `{"plan": [`, FinishReason: providers.FinishLength, Usage: usage(2, 3), Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "refusal",
			reason: "a refusal has no text and counts the refusal as output",
			step:   fake.Refusal("I can't help with that."),
			want:   &providers.Response{FinishReason: providers.FinishRefusal, Refusal: "I can't help with that.", Usage: usage(2, 6), Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "content filtered",
			reason: "a filtered reply reports FinishContentFilter with what arrived",
			step:   fake.ContentFiltered(""),
			want:   &providers.Response{FinishReason: providers.FinishContentFilter, Usage: usage(2, 0), Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "explicit usage",
			reason: "WithUsage is reported verbatim, TotalTokens included",
			step:   fake.Reply("abcde").WithUsage(providers.Usage{InputTokens: 100, OutputTokens: 7, CachedInputTokens: 50}),
			want:   &providers.Response{Text: "abcde", FinishReason: providers.FinishStop, Usage: providers.Usage{InputTokens: 100, OutputTokens: 7, CachedInputTokens: 50}, Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:   "explicit zero usage",
			reason: "a zero usage set on purpose is not replaced by the estimate",
			step:   fake.Reply("abcde").WithUsage(providers.Usage{}),
			want:   &providers.Response{Text: "abcde", FinishReason: providers.FinishStop, Model: fake.DefaultModel, Provider: fake.ProviderName},
		},
		{
			name:    "fail with any error",
			reason:  "Fail returns the injected error itself",
			step:    fake.Fail(vendorErr),
			wantErr: []error{vendorErr},
		},
		{
			name:    "fail nil",
			reason:  "Fail(nil) must still fail, as CodeUnknown",
			step:    fake.Fail(nil),
			wantErr: []error{providers.ErrUnknown},
		},
		{
			name:    "fail code",
			reason:  "FailCode makes a classified *providers.Error with the optional fields",
			step:    fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{StatusCode: 429, RetryAfter: 3 * time.Second, Err: cause}),
			wantErr: []error{providers.ErrRateLimited, cause},
			check: func(t *testing.T, err error) {
				var pe *providers.Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, fake.ProviderName, pe.Provider)
				assert.Equal(t, "generate", pe.Op)
				assert.Equal(t, 429, pe.StatusCode)
				assert.Equal(t, 3*time.Second, pe.RetryAfter)
				assert.True(t, pe.Code.Retryable())
			},
		},
		{
			name:    "fail code without options",
			reason:  "nil ErrorOptions means none",
			step:    fake.FailCode(providers.CodeUnavailable, nil),
			wantErr: []error{providers.ErrUnavailable},
		},
		{
			name:    "delayed failure",
			reason:  "a delay applies to failing steps too",
			step:    fake.FailCode(providers.CodeTimeout, nil).WithDelay(time.Millisecond),
			wantErr: []error{providers.ErrTimeout},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := fake.New(tt.step)
			got, err := m.Generate(t.Context(), hello)
			if len(tt.wantErr) > 0 {
				require.Error(t, err, tt.reason)
				assert.Nil(t, got)
				for _, want := range tt.wantErr {
					assert.ErrorIs(t, err, want, tt.reason)
				}
				if tt.check != nil {
					tt.check(t, err)
				}
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func usage(in, out int) providers.Usage {
	return providers.Usage{InputTokens: in, OutputTokens: out, TotalTokens: in + out}
}

func TestFailCodeGivesFreshErrors(t *testing.T) {
	t.Parallel()
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.FailCode(providers.CodeAuth, &fake.ErrorOptions{StatusCode: 401}))
	_, err1 := m.Generate(t.Context(), hello)
	var pe *providers.Error
	require.ErrorAs(t, err1, &pe)
	pe.StatusCode = 500 // a caller scribbling on the error

	_, err2 := m.Generate(t.Context(), hello)
	var pe2 *providers.Error
	require.ErrorAs(t, err2, &pe2)
	assert.Equal(t, 401, pe2.StatusCode, "the second call must not see the first caller's change")
}

func TestScriptExhausted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		model  *fake.Model
		ok     int // successful calls before exhaustion
	}{
		{"one step", "after its only step the script fails, and keeps failing", fake.New(fake.Reply("a")), 1},
		{"empty script", "a Model without steps fails at once", fake.New(), 0},
		{"zero Model", "the zero Model is an empty script", &fake.Model{}, 0},
		{"repeat last without steps", "RepeatLast has nothing to repeat", fake.NewWithOptions(&fake.Options{RepeatLast: true}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range tt.ok {
				_, err := tt.model.Generate(t.Context(), hello)
				require.NoError(t, err)
			}
			for range 3 {
				resp, err := tt.model.Generate(t.Context(), hello)
				require.ErrorIs(t, err, fake.ErrScriptExhausted, tt.reason)
				assert.ErrorIs(t, err, providers.ErrUnknown)
				assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err))
				assert.False(t, providers.CodeOf(err).Retryable(), "retry middleware must not loop on an exhausted script")
				assert.Nil(t, resp)
			}
			last, ok := tt.model.LastCall()
			require.True(t, ok)
			assert.Equal(t, -1, last.Step)
			assert.Equal(t, tt.ok+3, tt.model.CallCount())
		})
	}
}

func TestRepeatLast(t *testing.T) {
	t.Parallel()
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true, Model: "gpt-test"}, fake.Reply("a"), fake.Reply("b"))
	var texts []string
	for range 4 {
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, "gpt-test", resp.Model)
		texts = append(texts, resp.Text)
	}
	assert.Equal(t, []string{"a", "b", "b", "b"}, texts)
	assert.Zero(t, m.Remaining())

	steps := make([]int, 0, 4)
	for _, c := range m.Calls() {
		steps = append(steps, c.Step)
	}
	assert.Equal(t, []int{0, 1, 1, 1}, steps)

	m.Add(fake.Reply("c"))
	assert.Equal(t, 1, m.Remaining())
	for _, want := range []string{"c", "c"} {
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, want, resp.Text, "an added step answers next, then repeats as the new last")
	}
}

func TestAddAndReset(t *testing.T) {
	t.Parallel()
	m := fake.New(fake.Reply("a"))
	text := func() string {
		t.Helper()
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		return resp.Text
	}
	assert.Equal(t, "a", text())
	_, err := m.Generate(t.Context(), hello)
	require.ErrorIs(t, err, fake.ErrScriptExhausted)

	m.Add(fake.Reply("b"), fake.Reply("c"))
	assert.Equal(t, 2, m.Remaining())
	assert.Equal(t, "b", text(), "steps added after exhaustion answer the next call")
	assert.Equal(t, 3, m.CallCount())

	m.Reset()
	assert.Zero(t, m.CallCount())
	assert.Empty(t, m.Calls())
	_, ok := m.LastCall()
	assert.False(t, ok)
	assert.Equal(t, 3, m.Remaining())
	assert.Equal(t, []string{"a", "b", "c"}, []string{text(), text(), text()}, "Reset rewinds to the first step and keeps added ones")
}

func TestResetDuringCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("slow").WithDelay(time.Second), fake.Reply("fast"))
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := m.Generate(t.Context(), hello)
			assert.NoError(t, err)
		}()
		synctest.Wait()
		m.Reset()
		<-done
		assert.Zero(t, m.CallCount(), "a call in flight at Reset is not recorded")
	})
}

func TestInvalidRequestConsumesNoStep(t *testing.T) {
	t.Parallel()
	tooHot := 3.0
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{"nil request", nil},
		{"no messages", &providers.Request{}},
		{"unknown role", &providers.Request{Messages: []providers.Message{{Role: "tool", Content: "x"}}}},
		{"negative max tokens", &providers.Request{Messages: hello.Messages, MaxTokens: -1}},
		{"temperature out of range", &providers.Request{Messages: hello.Messages, Temperature: &tooHot}},
		{"bad schema name", &providers.Request{Messages: hello.Messages, Schema: &providers.Schema{Name: "a b", Full: []byte(`{}`)}}},
		{"schema not JSON", &providers.Request{Messages: hello.Messages, Schema: &providers.Schema{Name: "reply", Full: []byte(`{`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := fake.New(fake.Reply("first"))
			resp, err := m.Generate(t.Context(), tt.req)
			require.ErrorIs(t, err, providers.ErrInvalidRequest)
			assert.Equal(t, providers.CodeInvalidRequest, providers.CodeOf(err))
			assert.Nil(t, resp)
			assert.Equal(t, 1, m.Remaining(), "validation must not consume a step")

			call, ok := m.LastCall()
			require.True(t, ok, "invalid calls are recorded too")
			assert.Equal(t, -1, call.Step)
			assert.Equal(t, tt.req, call.Request)
			assert.Equal(t, err, call.Err)

			resp, err = m.Generate(t.Context(), hello)
			require.NoError(t, err)
			assert.Equal(t, "first", resp.Text)
		})
	}
}

func TestContextDoneOnEntry(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	withCause, cancel3 := context.WithCancelCause(t.Context())
	shutdown := errors.New("shutting down")
	cancel3(shutdown)

	tests := []struct {
		name     string
		ctx      context.Context
		wantErrs []error
		wantCode providers.Code
	}{
		{"canceled", canceled, []error{context.Canceled, providers.ErrCanceled}, providers.CodeCanceled},
		{"deadline exceeded", expired, []error{context.DeadlineExceeded, providers.ErrTimeout}, providers.CodeTimeout},
		{"canceled with cause", withCause, []error{context.Canceled, shutdown}, providers.CodeCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := fake.New(fake.Reply("a"))
			resp, err := m.Generate(tt.ctx, hello)
			assert.Nil(t, resp)
			for _, want := range tt.wantErrs {
				assert.ErrorIs(t, err, want)
			}
			assert.Equal(t, tt.wantCode, providers.CodeOf(err))
			assert.Equal(t, 1, m.Remaining(), "a call with a done ctx consumes no step")
		})
	}
}

func TestDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("late").WithDelay(3*time.Second), fake.Reply("now").WithDelay(-time.Second))
		start := time.Now()
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, "late", resp.Text)
		assert.Equal(t, 3*time.Second, time.Since(start))

		resp, err = m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, "now", resp.Text)

		calls := m.Calls()
		require.Len(t, calls, 2)
		assert.WithinDuration(t, start, calls[0].Start, 0)
		assert.Equal(t, 3*time.Second, calls[0].Duration)
		assert.Zero(t, calls[1].Duration, "a negative delay means none")
	})
}

func TestDelayHonoursContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ctx      func(context.Context) (context.Context, context.CancelFunc)
		wantErrs []error
		wantCode providers.Code
	}{
		{
			name: "canceled",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(parent)
				time.AfterFunc(10*time.Millisecond, cancel)
				return ctx, cancel
			},
			wantErrs: []error{context.Canceled, providers.ErrCanceled},
			wantCode: providers.CodeCanceled,
		},
		{
			name: "deadline",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(parent, 10*time.Millisecond)
			},
			wantErrs: []error{context.DeadlineExceeded, providers.ErrTimeout},
			wantCode: providers.CodeTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := fake.New(fake.Reply("never").WithDelay(time.Hour), fake.Reply("next"))
			ctx, cancel := tt.ctx(t.Context())
			defer cancel()

			start := time.Now()
			resp, err := m.Generate(ctx, hello)
			// Measured from when the context became done (at most 10 ms
			// after start), so scheduler delay before cancel runs does not
			// count against Generate.
			elapsed := time.Since(start) - 10*time.Millisecond

			assert.Nil(t, resp)
			for _, want := range tt.wantErrs {
				assert.ErrorIs(t, err, want)
			}
			assert.Equal(t, tt.wantCode, providers.CodeOf(err))
			assert.Less(t, elapsed, 100*time.Millisecond, "Generate must return promptly once ctx is done")

			resp, err = m.Generate(t.Context(), hello)
			require.NoError(t, err)
			assert.Equal(t, "next", resp.Text, "the interrupted step is consumed, so a retry gets the next one")
		})
	}
}

func TestDelayDoesNotBlockOtherCalls(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := fake.New(fake.Reply("slow").WithDelay(time.Hour), fake.Reply("fast"))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := m.Generate(ctx, hello)
			done <- err
		}()
		synctest.Wait() // the slow call holds step 0 and is asleep

		start := time.Now()
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, "fast", resp.Text)
		assert.Zero(t, time.Since(start), "the fast call must not wait for the slow one")
		assert.Equal(t, 1, m.CallCount(), "accessors work while a call sleeps")

		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		assert.Equal(t, 2, m.CallCount())
	})
}

func TestCallRecording(t *testing.T) {
	t.Parallel()
	temp, wantTemp := 0.2, 0.2
	req := &providers.Request{
		Messages:    []providers.Message{{Role: providers.RoleSystem, Content: "Be brief."}, {Role: providers.RoleUser, Content: "Hi"}},
		Schema:      &providers.Schema{Name: "reply", Full: []byte(`{"type":"object"}`), Strict: []byte(`{"type":"object"}`)},
		MaxTokens:   64,
		Temperature: &temp,
	}
	want := &providers.Request{
		Messages:    []providers.Message{{Role: providers.RoleSystem, Content: "Be brief."}, {Role: providers.RoleUser, Content: "Hi"}},
		Schema:      &providers.Schema{Name: "reply", Full: []byte(`{"type":"object"}`), Strict: []byte(`{"type":"object"}`)},
		MaxTokens:   64,
		Temperature: &wantTemp,
	}
	boom := errors.New("boom")
	m := fake.New(fake.Reply(`{}`), fake.Fail(boom))

	resp, err := m.Generate(t.Context(), req)
	require.NoError(t, err)
	_, err = m.Generate(t.Context(), req)
	require.ErrorIs(t, err, boom)

	// The caller reuses and changes its request and the response.
	req.Messages[1].Content = "changed"
	req.Schema.Full[2] = 'X'
	req.Schema.Strict[2] = 'X'
	*req.Temperature = 1.5
	req.MaxTokens = 1
	resp.Text = "changed"

	calls := m.Calls()
	require.Len(t, calls, 2)
	assert.Equal(t, want, calls[0].Request, "the recorded request is a deep copy taken at the call")
	assert.Equal(t, 0.2, *calls[0].Request.Temperature)
	assert.Equal(t, `{}`, calls[0].Response.Text, "the recorded response is a copy")
	assert.NoError(t, calls[0].Err)
	assert.Equal(t, 0, calls[0].Step)
	assert.Nil(t, calls[1].Response)
	assert.ErrorIs(t, calls[1].Err, boom)
	assert.Equal(t, 1, calls[1].Step)
	assert.False(t, calls[0].Start.IsZero())
	assert.GreaterOrEqual(t, calls[0].Duration, time.Duration(0))

	// Changing what an accessor returned changes nothing inside the Model.
	calls[0].Request.Messages[0].Content = "changed"
	calls[0].Request.Schema.Full[0] = 'X'
	*calls[0].Request.Temperature = 2
	calls[0].Response.Text = "changed"
	again := m.Calls()
	assert.Equal(t, want.Messages[0], again[0].Request.Messages[0])
	assert.Equal(t, want.Schema, again[0].Request.Schema)
	assert.Equal(t, 0.2, *again[0].Request.Temperature)
	assert.Equal(t, `{}`, again[0].Response.Text)

	last, ok := m.LastCall()
	require.True(t, ok)
	assert.Equal(t, again[1], last)
}

func TestResponseDoesNotAliasScript(t *testing.T) {
	t.Parallel()
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply("same"))
	first, err := m.Generate(t.Context(), hello)
	require.NoError(t, err)
	first.Text = "changed"
	first.Usage.InputTokens = 99

	second, err := m.Generate(t.Context(), hello)
	require.NoError(t, err)
	assert.Equal(t, "same", second.Text)
	assert.Equal(t, 2, second.Usage.InputTokens)
	assert.NotSame(t, first, second)
}

func TestEstimateUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		req    *providers.Request
		output string
		want   providers.Usage
	}{
		{"empty", "no bytes, no tokens", ask(""), "", usage(0, 0)},
		{"one byte", "rounds up", ask("a"), "b", usage(1, 1)},
		{"exact multiple", "4 bytes is one token", ask("abcd"), "abcdefgh", usage(1, 2)},
		{"one over", "5 bytes is two tokens", ask("abcde"), "abcde", usage(2, 2)},
		{"bytes not runes", "ü is two bytes", ask("üü"), "ü", usage(1, 1)},
		{
			"summed before rounding", "three 1-byte messages are one token, not three",
			&providers.Request{Messages: []providers.Message{{Role: providers.RoleSystem, Content: "a"}, {Role: providers.RoleUser, Content: "b"}, {Role: providers.RoleAssistant, Content: "c"}}},
			"", usage(1, 0),
		},
		{"schema not counted", "only message contents count", &providers.Request{Messages: hello.Messages, Schema: &providers.Schema{Name: "reply", Full: []byte(`{"type":"object"}`)}}, "", usage(2, 0)},
		{"nil request", "no input", nil, "abc", usage(0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, fake.EstimateUsage(tt.req, tt.output), tt.reason)
			if tt.req == nil {
				return
			}
			resp, err := fake.New(fake.Reply(tt.output)).Generate(t.Context(), tt.req)
			if tt.req.Validate() != nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, resp.Usage, "a step without usage reports the estimate")
		})
	}
}

func TestNewFunc(t *testing.T) {
	t.Parallel()
	t.Run("echo fills defaults", func(t *testing.T) {
		t.Parallel()
		m := fake.NewFunc(fake.Echo)
		req := &providers.Request{Messages: []providers.Message{
			{Role: providers.RoleUser, Content: "first"},
			{Role: providers.RoleAssistant, Content: "ok"},
			{Role: providers.RoleUser, Content: "second!!"},
		}}
		resp, err := m.Generate(t.Context(), req)
		require.NoError(t, err)
		assert.Equal(t, &providers.Response{
			Text: "second!!", FinishReason: providers.FinishStop,
			Usage: fake.EstimateUsage(req, "second!!"), Model: fake.DefaultModel, Provider: fake.ProviderName,
		}, resp)
		call, ok := m.LastCall()
		require.True(t, ok)
		assert.Equal(t, -1, call.Step, "a Func answer is not a script step")
	})
	t.Run("echo without user message", func(t *testing.T) {
		t.Parallel()
		resp, err := fake.NewFunc(fake.Echo).Generate(t.Context(), &providers.Request{Messages: []providers.Message{{Role: providers.RoleSystem, Content: "s"}}})
		require.NoError(t, err)
		assert.Empty(t, resp.Text)
	})
	t.Run("echo called directly with nil", func(t *testing.T) {
		t.Parallel()
		resp, err := fake.Echo(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, &providers.Response{FinishReason: providers.FinishStop}, resp)
	})
	t.Run("keeps what fn set", func(t *testing.T) {
		t.Parallel()
		shared := &providers.Response{Text: "x", FinishReason: providers.FinishLength, Usage: usage(1, 1), Model: "m", Provider: "p"}
		m := fake.NewFunc(func(context.Context, *providers.Request) (*providers.Response, error) { return shared, nil })
		resp, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, shared, resp)
		assert.NotSame(t, shared, resp, "the Model returns a copy, so fn may share its value")
	})
	t.Run("does not change fn's value", func(t *testing.T) {
		t.Parallel()
		shared := &providers.Response{Text: "x"}
		m := fake.NewFunc(func(context.Context, *providers.Request) (*providers.Response, error) { return shared, nil })
		_, err := m.Generate(t.Context(), hello)
		require.NoError(t, err)
		assert.Equal(t, &providers.Response{Text: "x"}, shared)
	})
	t.Run("error returned unchanged", func(t *testing.T) {
		t.Parallel()
		myErr := &providers.Error{Provider: "upstream", Code: providers.CodeAuth}
		m := fake.NewFunc(func(context.Context, *providers.Request) (*providers.Response, error) {
			return &providers.Response{Text: "ignored"}, myErr
		})
		resp, err := m.Generate(t.Context(), hello)
		assert.Nil(t, resp, "a response next to an error is dropped")
		assert.Same(t, myErr, err)
	})
	t.Run("nil reply", func(t *testing.T) {
		t.Parallel()
		m := fake.NewFunc(func(context.Context, *providers.Request) (*providers.Response, error) { return nil, nil })
		resp, err := m.Generate(t.Context(), hello)
		assert.Nil(t, resp)
		require.ErrorIs(t, err, providers.ErrUnknown)
	})
	t.Run("added steps answer first", func(t *testing.T) {
		t.Parallel()
		m := fake.NewFunc(fake.Echo)
		m.Add(fake.FailCode(providers.CodeUnavailable, nil))
		_, err := m.Generate(t.Context(), ask("hi"))
		require.ErrorIs(t, err, providers.ErrUnavailable)
		resp, err := m.Generate(t.Context(), ask("hi"))
		require.NoError(t, err)
		assert.Equal(t, "hi", resp.Text)
	})
	t.Run("gets ctx and request", func(t *testing.T) {
		t.Parallel()
		type key struct{}
		ctx := context.WithValue(t.Context(), key{}, "v")
		req := ask("q")
		m := fake.NewFunc(func(ctx context.Context, got *providers.Request) (*providers.Response, error) {
			assert.Equal(t, "v", ctx.Value(key{}))
			assert.Same(t, req, got)
			return &providers.Response{}, nil
		})
		_, err := m.Generate(ctx, req)
		require.NoError(t, err)
	})
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const workers, perWorker = 8, 100
	m := fake.New()
	for i := range workers * perWorker {
		m.Add(fake.Reply(fmt.Sprint(i)))
	}

	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				resp, err := m.Generate(t.Context(), ask(fmt.Sprintf("worker %d call %d", w, i)))
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				seen[resp.Text]++
				mu.Unlock()
				// Readers run alongside writers.
				_ = m.CallCount()
				_, _ = m.LastCall()
			}
		})
	}
	wg.Wait()

	require.Len(t, seen, workers*perWorker, "every step answers exactly one call")
	for text, n := range seen {
		assert.Equal(t, 1, n, "step %s", text)
	}
	_, err := m.Generate(t.Context(), hello)
	require.ErrorIs(t, err, fake.ErrScriptExhausted)

	steps := map[int]bool{}
	for _, c := range m.Calls()[:workers*perWorker] {
		assert.False(t, steps[c.Step], "step %d recorded twice", c.Step)
		steps[c.Step] = true
		assert.Equal(t, fmt.Sprint(c.Step), c.Response.Text, "a call records the step that answered it")
	}
	assert.Equal(t, workers*perWorker+1, m.CallCount())
}

func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("echo", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, func(*testing.T) providers.Provider { return fake.NewFunc(fake.Echo) })
	})
	t.Run("script repeating a delayed reply", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, func(*testing.T) providers.Provider {
			return fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply(`{"text":"hi"}`).WithDelay(time.Millisecond))
		})
	})
}

func BenchmarkModelGenerate(b *testing.B) {
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply(strings.Repeat("plan ", 40)))
	req := &providers.Request{Messages: []providers.Message{
		{Role: providers.RoleSystem, Content: "You draft care plans."},
		{Role: providers.RoleUser, Content: strings.Repeat("fact ", 200)},
	}}
	ctx := b.Context()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := m.Generate(ctx, req); err != nil {
			b.Fatal(err)
		}
		if n++; n%4096 == 0 {
			m.Reset() // keep the call record from growing without bound
		}
	}
}

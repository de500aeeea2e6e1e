package anthropicchat_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
	"github.com/careguard/careguard/providers/internal/wiretest"
	"github.com/careguard/careguard/providers/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const fullSchema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"goal":{"type":"string","minLength":5},"due_days":{"type":"integer"}},"required":["goal","due_days"],"additionalProperties":false}`

// message is a Messages API reply with the given content blocks.
func message(content, stop string) string {
	return `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":` + content +
		`,"stop_reason":"` + stop + `","stop_sequence":null,
"usage":{"input_tokens":40,"cache_creation_input_tokens":10,"cache_read_input_tokens":50,"output_tokens":25}}`
}

// Usage counted once, with cached input included: 40+10+50 in, 25 out.
var wantUsage = providers.Usage{InputTokens: 100, OutputTokens: 25, TotalTokens: 125, CachedInputTokens: 50}

const toolUse = `{"type":"tool_use","id":"toolu_1","name":"goal","input":{"goal":"HbA1c below 7%","due_days":180}}`

func conversation() *providers.Request {
	return &providers.Request{Messages: []providers.Message{
		{Role: providers.RoleSystem, Content: "You draft care plans."},
		{Role: providers.RoleUser, Content: "Draft one goal."},
		{Role: providers.RoleAssistant, Content: "Which condition?"},
		{Role: providers.RoleSystem, Content: "Cite fact IDs."},
		{Role: providers.RoleUser, Content: "Diabetes."},
	}}
}

func withSchema() *providers.Request {
	r := conversation()
	r.Schema = &providers.Schema{Name: "goal", Description: "One goal.", Full: json.RawMessage(fullSchema), Strict: json.RawMessage(`{"type":"object"}`)}
	return r
}

func ptr(f float64) *float64 { return &f }

func newClient(t *testing.T, srv *wiretest.Server, opts *anthropicchat.Options) *anthropicchat.Client {
	t.Helper()
	var o anthropicchat.Options
	if opts != nil {
		o = *opts
	}
	o.BaseURL, o.HTTPClient = srv.URL+"/v1", srv.Client()
	c, err := anthropicchat.New("sk-ant-test", &o)
	require.NoError(t, err)
	return c
}

func TestWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		opts     *anthropicchat.Options
		req      *providers.Request
		handler  wiretest.Handler
		checkReq func(t *testing.T, body map[string]json.RawMessage)
		want     *providers.Response
	}{
		{
			name:    "plain reply",
			reason:  "system messages become one system prompt; no temperature unless set; the default cap is sent",
			req:     conversation(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"Walk daily."}]`, "end_turn")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `"claude-sonnet-4-5"`, string(body["model"]))
				assert.JSONEq(t, `"You draft care plans.\n\nCite fact IDs."`, string(body["system"]))
				assert.JSONEq(t, `[{"role":"user","content":[{"type":"text","text":"Draft one goal."}]},
					{"role":"assistant","content":[{"type":"text","text":"Which condition?"}]},
					{"role":"user","content":[{"type":"text","text":"Diabetes."}]}]`, string(body["messages"]))
				assert.NotContains(t, body, "temperature")
				assert.JSONEq(t, `4096`, string(body["max_tokens"]))
				assert.NotContains(t, body, "tools")
				assert.NotContains(t, body, "tool_choice")
			},
			want: &providers.Response{Text: "Walk daily.", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:   "limits",
			reason: "a temperature of 0 and a cap set by the caller are sent",
			req: func() *providers.Request {
				r := conversation()
				r.MaxTokens, r.Temperature = 300, ptr(0)
				return r
			}(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"ok"}]`, "end_turn")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `0`, string(body["temperature"]))
				assert.JSONEq(t, `300`, string(body["max_tokens"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "schema as forced tool use",
			reason:  "the full schema is the tool's input_schema, tool_choice forces it, and the tool input is the reply",
			req:     withSchema(),
			handler: wiretest.Reply(200, message(`[`+toolUse+`]`, "tool_use")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				var tools []struct {
					Name        string          `json:"name"`
					Description string          `json:"description"`
					InputSchema json.RawMessage `json:"input_schema"`
				}
				require.NoError(t, json.Unmarshal(body["tools"], &tools))
				require.Len(t, tools, 1)
				assert.Equal(t, "goal", tools[0].Name)
				assert.Equal(t, "One goal.", tools[0].Description)
				assert.Equal(t, fullSchema, string(tools[0].InputSchema), "the full schema must arrive byte for byte")
				assert.JSONEq(t, `{"type":"tool","name":"goal"}`, string(body["tool_choice"]))
				var system string
				require.NoError(t, json.Unmarshal(body["system"], &system))
				assert.Equal(t, "You draft care plans.\n\nCite fact IDs.\n\nAnswer only by calling the tool goal exactly once, with the complete document as its input.", system)
			},
			want: &providers.Response{Text: `{"goal":"HbA1c below 7%","due_days":180}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "text then tool use",
			reason:  "two blocks are two langchaingo choices each carrying the full usage: it must be counted once",
			req:     withSchema(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"Here it is."},`+toolUse+`]`, "tool_use")),
			want:    &providers.Response{Text: `{"goal":"HbA1c below 7%","due_days":180}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "no tool use arrived",
			reason:  "a text answer to a schema request is returned as text for the caller's validation to judge",
			req:     withSchema(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"{\"goal\":\"walk\"}"}]`, "end_turn")),
			want:    &providers.Response{Text: `{"goal":"walk"}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "truncated",
			reason:  "max_tokens is a length stop with whatever arrived",
			req:     conversation(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"{\"goal\": \"HbA"}]`, "max_tokens")),
			want:    &providers.Response{Text: `{"goal": "HbA`, FinishReason: providers.FinishLength, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "refusal with text",
			reason:  "stop_reason refusal moves the text to Refusal",
			req:     withSchema(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"I can't help with that."}]`, "refusal")),
			want:    &providers.Response{FinishReason: providers.FinishRefusal, Refusal: "I can't help with that.", Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "refusal without content",
			reason:  "langchaingo fails on an empty content list; it is still a reply",
			req:     withSchema(),
			handler: wiretest.Reply(200, message(`[]`, "refusal")),
			want:    &providers.Response{FinishReason: providers.FinishRefusal, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "stop sequence",
			reason:  "stop_sequence is a normal stop",
			req:     conversation(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"done"}]`, "stop_sequence")),
			want:    &providers.Response{Text: "done", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
		{
			name:    "unknown stop reason",
			reason:  "pause_turn is not one of ours",
			req:     conversation(),
			handler: wiretest.Reply(200, message(`[{"type":"text","text":"…"}]`, "pause_turn")),
			want:    &providers.Response{Text: "…", FinishReason: providers.FinishUnknown, Usage: wantUsage, Model: "claude-sonnet-4-5-20250929", Provider: "anthropic"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wiretest.New(t, tt.handler)
			c := newClient(t, srv, tt.opts)
			got, err := c.Generate(t.Context(), tt.req)
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
			r := srv.Last(t)
			assert.Equal(t, "/v1/messages", r.Path)
			assert.Equal(t, "sk-ant-test", r.Header.Get("x-api-key"))
			assert.NotEmpty(t, r.Header.Get("anthropic-version"))
			if tt.checkReq != nil {
				tt.checkReq(t, r.JSON(t))
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		reason     string
		handler    wiretest.Handler
		want       error
		status     int
		retryAfter time.Duration
	}{
		{"429 with Retry-After", "rate limits carry the delay asked for", wiretest.Reply(429, `{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}`, "Retry-After", "12"), providers.ErrRateLimited, 429, 12 * time.Second},
		{"529 overloaded", "Anthropic's overload status is unavailability", wiretest.Reply(529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`), providers.ErrUnavailable, 529, 0},
		{"500", "server errors are unavailability", wiretest.Reply(500, `{"type":"error","error":{"type":"api_error","message":"boom"}}`), providers.ErrUnavailable, 500, 0},
		{"401", "a bad key is an auth failure", wiretest.Reply(401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`), providers.ErrAuth, 401, 0},
		{"400", "a rejected request is invalid", wiretest.Reply(400, `{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}`), providers.ErrInvalidRequest, 400, 0},
		{"malformed JSON", "a 200 that is not a message is malformed", wiretest.Reply(200, `{"content":[{"type":"text","text":"x"`), anthropicchat.ErrMalformedResponse, 200, 0},
		{"null body", "langchaingo panics on a null message; the client recovers and reports it", wiretest.Reply(200, `null`), anthropicchat.ErrMalformedResponse, 0, 0},
		{"cut body", "a body that breaks off is unavailability", wiretest.CutBody(message(`[{"type":"text","text":"ok"}]`, "end_turn")), providers.ErrUnavailable, 200, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wiretest.New(t, tt.handler)
			c := newClient(t, srv, nil)
			got, err := c.Generate(t.Context(), conversation())
			require.Error(t, err, tt.reason)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, tt.want, tt.reason)
			pe, ok := errors.AsType[*providers.Error](err)
			require.True(t, ok, "want a *providers.Error, got %T", err)
			assert.Equal(t, "anthropic", pe.Provider)
			assert.Equal(t, tt.status, pe.StatusCode, tt.reason)
			assert.Equal(t, tt.retryAfter, pe.RetryAfter, tt.reason)
		})
	}
}

// A billed reply langchaingo cannot decode still reports the tokens spent.
func TestUnusableReplyReportsUsage(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Reply(200, message(`[{"type":"redacted_thinking","data":"x"}]`, "end_turn")))
	c := newClient(t, srv, nil)
	_, err := c.Generate(t.Context(), conversation())
	require.ErrorIs(t, err, anthropicchat.ErrMalformedResponse)
	spent, ok := errors.AsType[interface {
		error
		TokenUsage() providers.Usage
	}](err)
	require.True(t, ok, "the error must carry the usage")
	assert.Equal(t, wantUsage, spent.TokenUsage())
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Block())
	c := newClient(t, srv, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_, err := c.Generate(ctx, conversation())
	// Measured from the deadline, so a loaded machine's late wake-up of the
	// test itself is the only slack, not the deadline's own 30 ms.
	assert.Less(t, time.Since(deadline), 100*time.Millisecond, "a call past its deadline must return within 100ms")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, providers.CodeTimeout, providers.CodeOf(err))
}

func TestEnvironmentIgnored(t *testing.T) {
	t.Setenv("ANTHROPIC_API_KEY", "sk-ant-from-env")
	_, err := anthropicchat.New("", nil)
	require.Error(t, err, "the key comes from the caller only")
	srv := wiretest.New(t, wiretest.Reply(200, message(`[{"type":"text","text":"ok"}]`, "end_turn")))
	c := newClient(t, srv, nil)
	_, err = c.Generate(t.Context(), conversation())
	require.NoError(t, err)
	assert.Equal(t, "sk-ant-test", srv.Last(t).Header.Get("x-api-key"))
}

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		key    string
		opts   *anthropicchat.Options
		option string
	}{
		{"empty key", "the API needs a key", "", nil, "apiKey"},
		{"bad URL", "a URL that does not parse is reported", "k", &anthropicchat.Options{BaseURL: "http://[::1"}, "BaseURL"},
		{"no scheme", "the URL must be absolute", "k", &anthropicchat.Options{BaseURL: "api.anthropic.com"}, "BaseURL"},
		{"negative cap", "MaxTokens cannot be negative", "k", &anthropicchat.Options{MaxTokens: -5}, "MaxTokens"},
		{"hot temperature", "temperature is within [0, 2]", "k", &anthropicchat.Options{Temperature: ptr(2.5)}, "Temperature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := anthropicchat.New(tt.key, tt.opts)
			assert.Nil(t, c)
			oe, ok := errors.AsType[*anthropicchat.OptionError](err)
			require.True(t, ok, "%s: want *OptionError, got %v", tt.reason, err)
			assert.Equal(t, tt.option, oe.Option, tt.reason)
		})
	}
}

// answer replies to any well-formed request: with a tool call when a tool
// is offered, with text otherwise.
func answer(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		w.WriteHeader(400)
		return
	}
	content := `[{"type":"text","text":"Hello."}]`
	if len(req.Tools) > 0 {
		content = `[{"type":"tool_use","id":"t","name":"` + req.Tools[0].Name + `","input":{"text":"Hello."}}]`
	}
	wiretest.Reply(200, message(content, "end_turn"))(w, nil, nil)
}

func TestConformance(t *testing.T) {
	t.Parallel()
	providertest.Run(t, func(t *testing.T) providers.Provider {
		return newClient(t, wiretest.New(t, answer), nil)
	})
}

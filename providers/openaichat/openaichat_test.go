package openaichat_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wiretest"
	"github.com/careguard/careguard/providers/openaichat"
	"github.com/careguard/careguard/providers/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	strictSchema = `{"type":"object","properties":{"goal":{"type":"string"}},"required":["goal"],"additionalProperties":false}`
	fullSchema   = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"goal":{"type":"string","minLength":5}},"required":["goal"],"additionalProperties":false}`
)

// completion is a chat completion with one choice.
func completion(message, finish string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
"choices":[{"index":0,"message":` + message + `,"finish_reason":"` + finish + `"}],
"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,
"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":7}}}`
}

func toolMessage(args string) string {
	a, _ := json.Marshal(args)
	return `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"goal","arguments":` + string(a) + `}}]}`
}

var wantUsage = providers.Usage{InputTokens: 120, OutputTokens: 30, TotalTokens: 150, CachedInputTokens: 100, ReasoningTokens: 7}

func conversation() *providers.Request {
	return &providers.Request{Messages: []providers.Message{
		{Role: providers.RoleSystem, Content: "You draft care plans."},
		{Role: providers.RoleUser, Content: "Draft one goal."},
	}}
}

func withSchema(strict string) *providers.Request {
	r := conversation()
	r.Schema = &providers.Schema{Name: "goal", Description: "One goal.", Full: json.RawMessage(fullSchema), Strict: json.RawMessage(strict)}
	return r
}

func ptr(f float64) *float64 { return &f }

func newOpenAI(t *testing.T, srv *wiretest.Server, opts *openaichat.Options) *openaichat.Client {
	t.Helper()
	var o openaichat.Options
	if opts != nil {
		o = *opts
	}
	o.BaseURL, o.HTTPClient = srv.URL+"/v1", srv.Client()
	c, err := openaichat.New("sk-test", &o)
	require.NoError(t, err)
	return c
}

// TestWire checks the request OpenAI receives and the normalised reply for
// each kind of answer.
func TestWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		opts     *openaichat.Options
		req      *providers.Request
		handler  wiretest.Handler
		checkReq func(t *testing.T, body map[string]json.RawMessage)
		want     *providers.Response
	}{
		{
			name:    "plain reply",
			reason:  "defaults send the model and messages, and neither a temperature nor a cap",
			req:     conversation(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"Lower HbA1c."}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `"gpt-4o"`, string(body["model"]))
				assert.JSONEq(t, `[{"role":"system","content":"You draft care plans."},{"role":"user","content":"Draft one goal."}]`, string(body["messages"]))
				assert.NotContains(t, body, "temperature", "unset temperature must leave the vendor default")
				assert.NotContains(t, body, "max_completion_tokens")
				assert.NotContains(t, body, "max_tokens")
				assert.NotContains(t, body, "tools")
			},
			want: &providers.Response{Text: "Lower HbA1c.", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:   "limits",
			reason: "a temperature of 0 set by the caller is sent, as is the cap",
			req: func() *providers.Request {
				r := conversation()
				r.MaxTokens, r.Temperature = 512, ptr(0)
				return r
			}(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `0`, string(body["temperature"]))
				assert.JSONEq(t, `512`, string(body["max_completion_tokens"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "option defaults",
			reason:  "Options.Temperature and MaxTokens apply when the request leaves them unset",
			opts:    &openaichat.Options{Temperature: ptr(0.3), MaxTokens: 64, Model: "gpt-4.1"},
			req:     conversation(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `"gpt-4.1"`, string(body["model"]))
				assert.JSONEq(t, `0.3`, string(body["temperature"]))
				assert.JSONEq(t, `64`, string(body["max_completion_tokens"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:   "reasoning model keeps a set temperature",
			reason: "langchaingo drops temperature for gpt-5 by name; the caller's value is still sent",
			opts:   &openaichat.Options{Model: "gpt-5"},
			req: func() *providers.Request {
				r := conversation()
				r.Temperature = ptr(1)
				return r
			}(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `1`, string(body["temperature"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "schema as forced strict tool call",
			reason:  "the strict schema is sent unchanged as a strict function the model must call; its arguments are the reply",
			req:     withSchema(strictSchema),
			handler: wiretest.Reply(200, completion(toolMessage(`{"goal":"HbA1c below 7%"}`), "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				var tools []struct {
					Type     string `json:"type"`
					Function struct {
						Name        string          `json:"name"`
						Description string          `json:"description"`
						Parameters  json.RawMessage `json:"parameters"`
						Strict      bool            `json:"strict"`
					} `json:"function"`
				}
				require.NoError(t, json.Unmarshal(body["tools"], &tools))
				require.Len(t, tools, 1)
				assert.Equal(t, "function", tools[0].Type)
				assert.Equal(t, "goal", tools[0].Function.Name)
				assert.Equal(t, "One goal.", tools[0].Function.Description)
				assert.True(t, tools[0].Function.Strict)
				assert.Equal(t, strictSchema, string(tools[0].Function.Parameters), "the strict schema must arrive byte for byte")
				assert.JSONEq(t, `{"type":"function","function":{"name":"goal"}}`, string(body["tool_choice"]))
				assert.JSONEq(t, `[{"role":"system","content":"You draft care plans."},{"role":"user","content":"Draft one goal."}]`, string(body["messages"]), "the tool carries the schema; the prompt is untouched")
			},
			want: &providers.Response{Text: `{"goal":"HbA1c below 7%"}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "full schema when strict is empty",
			reason:  "adapters send Full when there is no Strict variant",
			req:     withSchema(""),
			handler: wiretest.Reply(200, completion(toolMessage(`{"goal":"walk daily"}`), "tool_calls")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				var tools []struct {
					Function struct {
						Parameters json.RawMessage `json:"parameters"`
					} `json:"function"`
				}
				require.NoError(t, json.Unmarshal(body["tools"], &tools))
				require.Len(t, tools, 1)
				assert.Equal(t, fullSchema, string(tools[0].Function.Parameters))
			},
			want: &providers.Response{Text: `{"goal":"walk daily"}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "truncated tool call",
			reason:  "a cut-off reply keeps its partial arguments and says length",
			req:     withSchema(strictSchema),
			handler: wiretest.Reply(200, completion(toolMessage(`{"goal":"HbA1c bel`), "length")),
			want:    &providers.Response{Text: `{"goal":"HbA1c bel`, FinishReason: providers.FinishLength, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "refusal field",
			reason:  "structured-output refusals arrive in message.refusal, which langchaingo drops",
			req:     withSchema(strictSchema),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":null,"refusal":"I can't help with that."}`, "stop")),
			want:    &providers.Response{FinishReason: providers.FinishRefusal, Refusal: "I can't help with that.", Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "empty stop is a refusal",
			reason:  "an empty message that stopped without a tool call is how a refusal looks without the field",
			req:     conversation(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":""}`, "stop")),
			want:    &providers.Response{FinishReason: providers.FinishRefusal, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "content filter",
			reason:  "content_filter is normalised",
			req:     conversation(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"partial"}`, "content_filter")),
			want:    &providers.Response{Text: "partial", FinishReason: providers.FinishContentFilter, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
		{
			name:    "unknown finish reason",
			reason:  "a reason this package does not know is reported as unknown, not passed through",
			req:     conversation(),
			handler: wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "paused")),
			want:    &providers.Response{Text: "ok", FinishReason: providers.FinishUnknown, Usage: wantUsage, Model: "gpt-4o-2024-08-06", Provider: "openai"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wiretest.New(t, tt.handler)
			c := newOpenAI(t, srv, tt.opts)
			got, err := c.Generate(t.Context(), tt.req)
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
			r := srv.Last(t)
			assert.Equal(t, "/v1/chat/completions", r.Path)
			assert.Equal(t, "Bearer sk-test", r.Header.Get("Authorization"))
			if tt.checkReq != nil {
				tt.checkReq(t, r.JSON(t))
			}
		})
	}
}

// TestErrors checks that failures are classified from the HTTP exchange.
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
		{"429 with Retry-After", "rate limits carry the delay asked for", wiretest.Reply(429, `{"error":{"message":"Rate limit reached","type":"requests"}}`, "Retry-After", "7"), providers.ErrRateLimited, 429, 7 * time.Second},
		{"429 with retry-after-ms", "OpenAI's millisecond header wins", wiretest.Reply(429, `{"error":{"message":"slow down"}}`, "Retry-After", "7", "Retry-After-Ms", "1500"), providers.ErrRateLimited, 429, 1500 * time.Millisecond},
		{"429 with an HTTP date", "a date is measured from the reply's Date header", wiretest.Reply(429, `{}`, "Date", "Mon, 02 Nov 2026 10:00:00 GMT", "Retry-After", "Mon, 02 Nov 2026 10:00:30 GMT"), providers.ErrRateLimited, 429, 30 * time.Second},
		{"500", "server errors are unavailability", wiretest.Reply(500, `{"error":{"message":"boom"}}`), providers.ErrUnavailable, 500, 0},
		{"503 without a body", "the status alone classifies", wiretest.Reply(503, ``), providers.ErrUnavailable, 503, 0},
		{"401", "a bad key is an auth failure", wiretest.Reply(401, `{"error":{"message":"Incorrect API key provided"}}`), providers.ErrAuth, 401, 0},
		{"403", "forbidden is an auth failure", wiretest.Reply(403, `{"error":{"message":"no"}}`), providers.ErrAuth, 403, 0},
		{"400", "a rejected request is invalid", wiretest.Reply(400, `{"error":{"message":"Invalid schema"}}`), providers.ErrInvalidRequest, 400, 0},
		{"404", "an unknown model is an invalid request", wiretest.Reply(404, `{"error":{"message":"model not found"}}`), providers.ErrInvalidRequest, 404, 0},
		{"408", "a server-side timeout is a timeout", wiretest.Reply(408, ``), providers.ErrTimeout, 408, 0},
		{"malformed JSON", "a 200 that is not a completion is malformed", wiretest.Reply(200, `{"choices": [`), openaichat.ErrMalformedResponse, 200, 0},
		{"HTML from a proxy", "a 200 that is not JSON is malformed", wiretest.Reply(200, `<html>login</html>`, "Content-Type", "text/html"), openaichat.ErrMalformedResponse, 200, 0},
		{"no choices", "a completion without choices is malformed", wiretest.Reply(200, `{"id":"x","choices":[]}`), openaichat.ErrMalformedResponse, 200, 0},
		{"cut body", "a body that breaks off is unavailability", wiretest.CutBody(completion(`{"role":"assistant","content":"ok"}`, "stop")), providers.ErrUnavailable, 200, 0},
		{"message text ignored", "a 500 whose message says 429, rate limit and invalid key is still unavailability", wiretest.Reply(500, `{"error":{"message":"429 rate limit exceeded, invalid api key"}}`), providers.ErrUnavailable, 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wiretest.New(t, tt.handler)
			c := newOpenAI(t, srv, nil)
			got, err := c.Generate(t.Context(), conversation())
			require.Error(t, err, tt.reason)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, tt.want, tt.reason)
			pe, ok := errors.AsType[*providers.Error](err)
			require.True(t, ok, "want a *providers.Error, got %T", err)
			assert.Equal(t, "openai", pe.Provider)
			assert.Equal(t, tt.status, pe.StatusCode, tt.reason)
			assert.Equal(t, tt.retryAfter, pe.RetryAfter, tt.reason)
		})
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Reply(200, ""))
	url := srv.URL
	srv.Close()
	c, err := openaichat.New("sk-test", &openaichat.Options{BaseURL: url})
	require.NoError(t, err)
	_, err = c.Generate(t.Context(), conversation())
	require.ErrorIs(t, err, providers.ErrUnavailable, "a refused connection is unavailability")
	assert.True(t, providers.CodeOf(err).Retryable())
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Block())
	c := newOpenAI(t, srv, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancelled := make(chan time.Time, 1)
	time.AfterFunc(20*time.Millisecond, func() { cancelled <- time.Now(); cancel() })
	_, err := c.Generate(ctx, conversation())
	// Measured from the moment cancel ran, so a late timer on a loaded
	// machine does not count against the adapter.
	assert.Less(t, time.Since(<-cancelled), 100*time.Millisecond, "a cancelled call must return within 100ms")
	require.ErrorIs(t, err, context.Canceled, "langchaingo replaces the ctx error by a string; the adapter restores it")
	assert.Equal(t, providers.CodeCanceled, providers.CodeOf(err))
}

func TestCompatible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		opts     openaichat.Options
		checkReq func(t *testing.T, r wiretest.Request)
	}{
		{
			name:   "no key, schema in prompt",
			reason: "servers without auth get no Authorization header; the default puts the full schema in the system message",
			opts:   openaichat.Options{Model: "qwen2.5-7b-instruct"},
			checkReq: func(t *testing.T, r wiretest.Request) {
				assert.Empty(t, r.Header.Values("Authorization"))
				body := r.JSON(t)
				assert.NotContains(t, body, "tools")
				assert.NotContains(t, body, "response_format")
				var msgs []providers.Message
				require.NoError(t, json.Unmarshal(body["messages"], &msgs))
				require.Len(t, msgs, 2)
				assert.True(t, strings.HasPrefix(msgs[0].Content, "You draft care plans.\n\n"), "the instruction joins the existing system message")
				assert.Contains(t, msgs[0].Content, fullSchema, "the full schema is in the prompt unchanged")
				assert.Equal(t, "Draft one goal.", msgs[1].Content)
			},
		},
		{
			name:   "key and JSON mode",
			reason: "a key is sent as a bearer token; JSON mode asks for json_object",
			opts:   openaichat.Options{Model: "m", APIKey: "local-key", Structured: openaichat.StructuredJSONObject, LegacyMaxTokens: true, MaxTokens: 99},
			checkReq: func(t *testing.T, r wiretest.Request) {
				assert.Equal(t, "Bearer local-key", r.Header.Get("Authorization"))
				body := r.JSON(t)
				assert.JSONEq(t, `{"type":"json_object"}`, string(body["response_format"]))
				assert.JSONEq(t, `99`, string(body["max_tokens"]), "older servers read max_tokens")
				assert.NotContains(t, body, "max_completion_tokens")
			},
		},
		{
			name:   "tool call on request",
			reason: "servers with guided decoding can take the forced tool call",
			opts:   openaichat.Options{Model: "m", Structured: openaichat.StructuredToolCall},
			checkReq: func(t *testing.T, r wiretest.Request) {
				body := r.JSON(t)
				assert.Contains(t, body, "tools")
				assert.Contains(t, body, "tool_choice")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := wiretest.New(t, wiretest.Reply(200, completion(`{"role":"assistant","content":"{\"goal\":\"walk\"}"}`, "stop")))
			o := tt.opts
			o.HTTPClient = srv.Client()
			c, err := openaichat.NewCompatible(srv.URL+"/v1", &o)
			require.NoError(t, err)
			resp, err := c.Generate(t.Context(), withSchema(strictSchema))
			require.NoError(t, err, tt.reason)
			assert.Equal(t, "openai-compatible", resp.Provider)
			tt.checkReq(t, srv.Last(t))
		})
	}
}

func TestAzure(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "stop")))
	c, err := openaichat.NewAzure(srv.URL, "azure-key", "care-gpt4o", &openaichat.Options{HTTPClient: srv.Client()})
	require.NoError(t, err)
	resp, err := c.Generate(t.Context(), conversation())
	require.NoError(t, err)
	assert.Equal(t, "azure-openai", resp.Provider)
	r := srv.Last(t)
	assert.Equal(t, "/openai/deployments/care-gpt4o/chat/completions", r.Path)
	assert.Equal(t, "api-version="+openaichat.DefaultAzureAPIVersion, r.RawQuery)
	assert.Equal(t, "azure-key", r.Header.Get("api-key"))
}

// The library reads no environment variables: whatever they say, the
// client talks to the server, key and model it was given.
func TestEnvironmentIgnored(t *testing.T) {
	decoy := wiretest.New(t, wiretest.Reply(500, ``))
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", decoy.URL)
	t.Setenv("OPENAI_API_BASE", decoy.URL)
	t.Setenv("OPENAI_MODEL", "model-from-env")
	t.Setenv("OPENAI_ORGANIZATION", "org-from-env")

	srv := wiretest.New(t, wiretest.Reply(200, completion(`{"role":"assistant","content":"ok"}`, "stop")))
	c := newOpenAI(t, srv, nil)
	_, err := c.Generate(t.Context(), conversation())
	require.NoError(t, err)
	r := srv.Last(t)
	assert.Equal(t, "Bearer sk-test", r.Header.Get("Authorization"))
	assert.Empty(t, r.Header.Get("OpenAI-Organization"))
	assert.JSONEq(t, `"gpt-4o"`, string(r.JSON(t)["model"]))
	assert.Empty(t, decoy.Requests())

	_, err = openaichat.New("", nil)
	require.Error(t, err, "an empty key is an error even when OPENAI_API_KEY is set")
	_, err = openaichat.NewCompatible(srv.URL, &openaichat.Options{})
	require.Error(t, err, "a compatible server needs a model even when OPENAI_MODEL is set")
}

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		make   func() (*openaichat.Client, error)
		option string
	}{
		{"empty key", "OpenAI needs a key", func() (*openaichat.Client, error) { return openaichat.New("", nil) }, "apiKey"},
		{"relative URL", "a base URL must be absolute", func() (*openaichat.Client, error) {
			return openaichat.New("k", &openaichat.Options{BaseURL: "/v1"})
		}, "BaseURL"},
		{"bad scheme", "only http and https", func() (*openaichat.Client, error) {
			return openaichat.NewCompatible("ftp://host/v1", &openaichat.Options{Model: "m"})
		}, "BaseURL"},
		{"unparsable URL", "a URL that does not parse is reported, not fatal", func() (*openaichat.Client, error) {
			return openaichat.NewCompatible("http://[::1", &openaichat.Options{Model: "m"})
		}, "BaseURL"},
		{"query", "api-version is the client's business", func() (*openaichat.Client, error) {
			return openaichat.NewAzure("https://x.openai.azure.com?api-version=1", "k", "d", nil)
		}, "BaseURL"},
		{"no model", "compatible servers serve named models", func() (*openaichat.Client, error) {
			return openaichat.NewCompatible("http://localhost:8000/v1", nil)
		}, "Model"},
		{"no deployment", "Azure routes by deployment", func() (*openaichat.Client, error) {
			return openaichat.NewAzure("https://x.openai.azure.com", "k", "", nil)
		}, "deployment"},
		{"negative cap", "MaxTokens cannot be negative", func() (*openaichat.Client, error) {
			return openaichat.New("k", &openaichat.Options{MaxTokens: -1})
		}, "MaxTokens"},
		{"hot temperature", "temperature is within [0, 2]", func() (*openaichat.Client, error) {
			return openaichat.New("k", &openaichat.Options{Temperature: ptr(3)})
		}, "Temperature"},
		{"unknown mode", "structured modes are closed", func() (*openaichat.Client, error) {
			return openaichat.New("k", &openaichat.Options{Structured: 42})
		}, "Structured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := tt.make()
			assert.Nil(t, c)
			oe, ok := errors.AsType[*openaichat.OptionError](err)
			require.True(t, ok, "%s: want *OptionError, got %v", tt.reason, err)
			assert.Equal(t, tt.option, oe.Option, tt.reason)
			assert.NotContains(t, err.Error(), "[::1", "messages never quote the value")
		})
	}
}

// answer replies to any well-formed request: with tool arguments when a
// tool is offered, with text otherwise.
func answer(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Tools []json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		w.WriteHeader(400)
		return
	}
	msg := `{"role":"assistant","content":"Hello."}`
	if len(req.Tools) > 0 {
		msg = toolMessage(`{"text":"Hello."}`)
	}
	wiretest.Reply(200, completion(msg, "stop"))(w, nil, nil)
}

func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("OpenAI", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, func(t *testing.T) providers.Provider {
			srv := wiretest.New(t, answer)
			return newOpenAI(t, srv, nil)
		})
	})
	t.Run("Compatible", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, func(t *testing.T) providers.Provider {
			srv := wiretest.New(t, answer)
			c, err := openaichat.NewCompatible(srv.URL, &openaichat.Options{Model: "m", HTTPClient: srv.Client()})
			require.NoError(t, err)
			return c
		})
	})
}

package ollamachat_test

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
	"github.com/careguard/careguard/providers/ollamachat"
	"github.com/careguard/careguard/providers/providertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const fullSchema = `{"type":"object","properties":{"goal":{"type":"string","minLength":5}},"required":["goal"]}`

// chat is a non-streamed /api/chat reply.
func chat(content, doneReason string) string {
	c, _ := json.Marshal(content)
	reason := ""
	if doneReason != "" {
		reason = `"done_reason":"` + doneReason + `",`
	}
	return `{"model":"llama3.1:8b","created_at":"2026-11-01T10:00:00Z","message":{"role":"assistant","content":` + string(c) + `},` +
		reason + `"done":true,"total_duration":1000,"prompt_eval_count":33,"eval_count":12}`
}

var wantUsage = providers.Usage{InputTokens: 33, OutputTokens: 12, TotalTokens: 45}

func conversation() *providers.Request {
	return &providers.Request{Messages: []providers.Message{
		{Role: providers.RoleUser, Content: "Draft one goal."},
	}}
}

func withSchema() *providers.Request {
	r := conversation()
	r.Schema = &providers.Schema{Name: "goal", Full: json.RawMessage(fullSchema)}
	return r
}

func ptr(f float64) *float64 { return &f }

func newClient(t *testing.T, srv *wiretest.Server, opts *ollamachat.Options) *ollamachat.Client {
	t.Helper()
	var o ollamachat.Options
	if opts != nil {
		o = *opts
	}
	o.BaseURL, o.HTTPClient = srv.URL, srv.Client()
	c, err := ollamachat.New("llama3.1:8b", &o)
	require.NoError(t, err)
	return c
}

func TestWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reason   string
		opts     *ollamachat.Options
		req      *providers.Request
		handler  wiretest.Handler
		checkReq func(t *testing.T, body map[string]json.RawMessage)
		want     *providers.Response
	}{
		{
			name:    "plain reply",
			reason:  "no stream, no temperature and no cap unless set",
			req:     conversation(),
			handler: wiretest.Reply(200, chat("Walk daily.", "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `"llama3.1:8b"`, string(body["model"]))
				assert.JSONEq(t, `false`, string(body["stream"]))
				assert.JSONEq(t, `[{"role":"user","content":"Draft one goal."}]`, string(body["messages"]))
				var options map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(body["options"], &options))
				assert.NotContains(t, options, "temperature", "an unset temperature must leave the model default")
				assert.NotContains(t, options, "num_predict")
			},
			want: &providers.Response{Text: "Walk daily.", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:   "limits",
			reason: "temperature 0 and the cap are sent when set",
			req: func() *providers.Request {
				r := conversation()
				r.Temperature, r.MaxTokens = ptr(0), 200
				return r
			}(),
			handler: wiretest.Reply(200, chat("ok", "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				var options map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(body["options"], &options))
				assert.JSONEq(t, `0`, string(options["temperature"]))
				assert.JSONEq(t, `200`, string(options["num_predict"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:    "option temperature",
			reason:  "Options.Temperature applies when the request has none",
			opts:    &ollamachat.Options{Temperature: ptr(0.5), MaxTokens: 77},
			req:     conversation(),
			handler: wiretest.Reply(200, chat("ok", "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				var options map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(body["options"], &options))
				assert.JSONEq(t, `0.5`, string(options["temperature"]))
				assert.JSONEq(t, `77`, string(options["num_predict"]))
			},
			want: &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:    "schema as JSON format",
			reason:  "format json and the full schema in a new system message",
			req:     withSchema(),
			handler: wiretest.Reply(200, chat(`{"goal":"walk daily"}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.JSONEq(t, `"json"`, string(body["format"]))
				var msgs []providers.Message
				require.NoError(t, json.Unmarshal(body["messages"], &msgs))
				require.Len(t, msgs, 2)
				assert.Equal(t, providers.RoleSystem, msgs[0].Role)
				assert.True(t, strings.HasSuffix(msgs[0].Content, fullSchema), "the full schema ends the instruction, unchanged")
				assert.Equal(t, "Draft one goal.", msgs[1].Content)
			},
			want: &providers.Response{Text: `{"goal":"walk daily"}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:    "schema as format",
			reason:  "SchemaFormat sends the schema object itself as the format",
			opts:    &ollamachat.Options{SchemaFormat: true},
			req:     withSchema(),
			handler: wiretest.Reply(200, chat(`{"goal":"walk daily"}`, "stop")),
			checkReq: func(t *testing.T, body map[string]json.RawMessage) {
				assert.Equal(t, fullSchema, string(body["format"]))
			},
			want: &providers.Response{Text: `{"goal":"walk daily"}`, FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:    "truncated",
			reason:  "done_reason length is a length stop",
			req:     withSchema(),
			handler: wiretest.Reply(200, chat(`{"goal":"wa`, "length")),
			want:    &providers.Response{Text: `{"goal":"wa`, FinishReason: providers.FinishLength, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:    "no done_reason",
			reason:  "older servers give no reason: unknown, not stop",
			req:     conversation(),
			handler: wiretest.Reply(200, chat("ok", "")),
			want:    &providers.Response{Text: "ok", FinishReason: providers.FinishUnknown, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
		},
		{
			name:   "streamed anyway",
			reason: "a server that streams despite stream:false is read to its final chunk",
			req:    conversation(),
			handler: wiretest.Reply(200,
				`{"model":"llama3.1:8b","message":{"role":"assistant","content":"Walk "},"done":false}`+"\n"+
					`{"model":"llama3.1:8b","message":{"role":"assistant","content":"daily."},"done":false}`+"\n"+
					`{"model":"llama3.1:8b","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":33,"eval_count":12}`+"\n",
				"Content-Type", "application/x-ndjson"),
			want: &providers.Response{Text: "Walk daily.", FinishReason: providers.FinishStop, Usage: wantUsage, Model: "llama3.1:8b", Provider: "ollama"},
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
			assert.Equal(t, "/api/chat", r.Path)
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
		{"429 with Retry-After", "a proxy's rate limit carries its delay", wiretest.Reply(429, `{"error":"busy"}`, "Retry-After", "3"), providers.ErrRateLimited, 429, 3 * time.Second},
		{"500 with an error body", "server errors are unavailability", wiretest.Reply(500, `{"error":"model runner crashed"}`), providers.ErrUnavailable, 500, 0},
		{"500 without a body", "langchaingo reports success here; the status says otherwise", wiretest.Reply(500, ``), providers.ErrUnavailable, 500, 0},
		{"404 model not pulled", "an unknown model is an invalid request", wiretest.Reply(404, `{"error":"model \"llama3.1:8b\" not found, try pulling it first"}`), providers.ErrInvalidRequest, 404, 0},
		{"401 from a proxy", "an authenticating proxy's refusal is auth", wiretest.Reply(401, `unauthorized`), providers.ErrAuth, 401, 0},
		{"malformed JSON", "a 200 that is not a chat object is malformed", wiretest.Reply(200, `{"message":`), ollamachat.ErrMalformedResponse, 200, 0},
		{"no final chunk", "a reply that never says done is malformed, not an empty success", wiretest.Reply(200, `{"model":"m","message":{"role":"assistant","content":"Wal"},"done":false}`), ollamachat.ErrMalformedResponse, 200, 0},
		{"empty 200", "an empty body is not a reply", wiretest.Reply(200, ``), ollamachat.ErrMalformedResponse, 200, 0},
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
			assert.Equal(t, "ollama", pe.Provider)
			assert.Equal(t, tt.status, pe.StatusCode, tt.reason)
			assert.Equal(t, tt.retryAfter, pe.RetryAfter, tt.reason)
		})
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv := wiretest.New(t, wiretest.Block())
	c := newClient(t, srv, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancelled := make(chan time.Time, 1)
	time.AfterFunc(20*time.Millisecond, func() { cancelled <- time.Now(); cancel() })
	_, err := c.Generate(ctx, conversation())
	// Measured from the moment cancel ran, so a late timer on a loaded
	// machine does not count against the adapter.
	assert.Less(t, time.Since(<-cancelled), 100*time.Millisecond, "a cancelled call must return within 100ms")
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, providers.CodeCanceled, providers.CodeOf(err))
}

// OLLAMA_HOST must not matter: the client talks to the URL it was given,
// or to the documented default.
func TestEnvironmentIgnored(t *testing.T) {
	decoy := wiretest.New(t, wiretest.Reply(200, chat("decoy", "stop")))
	t.Setenv("OLLAMA_HOST", decoy.URL)
	srv := wiretest.New(t, wiretest.Reply(200, chat("ok", "stop")))
	c := newClient(t, srv, nil)
	resp, err := c.Generate(t.Context(), conversation())
	require.NoError(t, err)
	assert.Equal(t, "ok", resp.Text)
	assert.Empty(t, decoy.Requests())

	// With no BaseURL the default is used, not OLLAMA_HOST: the request
	// goes through the caller's HTTP client, which sees where it is sent.
	var seen string
	d, err := ollamachat.New("m", &ollamachat.Options{HTTPClient: doerFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.URL.Scheme + "://" + r.URL.Host
		return nil, errors.New("offline")
	})})
	require.NoError(t, err)
	_, err = d.Generate(t.Context(), conversation())
	require.ErrorIs(t, err, providers.ErrUnavailable)
	assert.Equal(t, ollamachat.DefaultBaseURL, seen)
	assert.Empty(t, decoy.Requests())
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		model  string
		opts   *ollamachat.Options
		option string
	}{
		{"no model", "Ollama serves named models", "", nil, "model"},
		{"unparsable URL", "langchaingo would log.Fatal; we return an error", "m", &ollamachat.Options{BaseURL: "http://[::1"}, "BaseURL"},
		{"control character", "url.Parse rejects it; so do we, without exiting", "m", &ollamachat.Options{BaseURL: "http://host\x7f:11434"}, "BaseURL"},
		{"host only", "a scheme is required", "m", &ollamachat.Options{BaseURL: "localhost:11434"}, "BaseURL"},
		{"negative cap", "MaxTokens cannot be negative", "m", &ollamachat.Options{MaxTokens: -1}, "MaxTokens"},
		{"cold temperature", "temperature is within [0, 2]", "m", &ollamachat.Options{Temperature: ptr(-0.1)}, "Temperature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ollamachat.New(tt.model, tt.opts)
			assert.Nil(t, c)
			oe, ok := errors.AsType[*ollamachat.OptionError](err)
			require.True(t, ok, "%s: want *OptionError, got %v", tt.reason, err)
			assert.Equal(t, tt.option, oe.Option, tt.reason)
		})
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	providertest.Run(t, func(t *testing.T) providers.Provider {
		return newClient(t, wiretest.New(t, wiretest.Reply(200, chat(`{"text":"Hello."}`, "stop"))), nil)
	})
}

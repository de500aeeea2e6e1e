package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/internal/fixture"
)

// planJSON is a valid care plan for the example's patient.
func planJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(fixture.Plan(fixture.MultiMorbid()))
	require.NoError(t, err)
	return string(b)
}

// openAICompatible answers every chat completion with content.
func openAICompatible(t *testing.T, status int, content string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if status != http.StatusOK {
			http.Error(w, `{"error":{"message":"no"}}`, status)
			return
		}
		c, _ := json.Marshal(content)
		fmt.Fprintf(w, `{"model":"local-model","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":%s}}],
			"usage":{"prompt_tokens":900,"completion_tokens":400,"total_tokens":1300}}`, c)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// anthropic answers every message request by calling its tool with input.
func anthropic(t *testing.T, input string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Tools []struct {
				Name string `json:"name"`
			} `json:"tools"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Tools) == 0 {
			http.Error(w, "expected a tool", 400)
			return
		}
		fmt.Fprintf(w, `{"type":"message","role":"assistant","model":"claude-test","stop_reason":"tool_use",
			"content":[{"type":"tool_use","id":"t1","name":%q,"input":%s}],"usage":{"input_tokens":800,"output_tokens":300}}`, req.Tools[0].Name, input)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestRun(t *testing.T) {
	t.Parallel()
	plan := planJSON(t)
	tests := []struct {
		name    string
		reason  string
		env     func(t *testing.T) func(string) string
		want    []string
		wantErr bool
	}{
		{
			name:   "offline",
			reason: "no environment: the guideline drafter, and it says so",
			env:    func(*testing.T) func(string) string { return env() },
			want:   []string{"No language model is configured", "Drafted by: careplan.GuidelineDrafter", "REVIEW TIER: nurse_review"},
		},
		{
			name:   "compatible server",
			reason: "OPENAI_BASE_URL selects the compatible adapter; the model's plan is validated and routed",
			env: func(t *testing.T) func(string) string {
				return env("OPENAI_BASE_URL", openAICompatible(t, 200, plan).URL+"/v1", "OPENAI_MODEL", "local-model")
			},
			want: []string{"Model: OpenAI-compatible server, model local-model.", "Drafted by: careplan.Generator, openai-compatible model local-model, 1 attempt(s), 1300 tokens", "REVIEW TIER:"},
		},
		{
			name:   "model fails",
			reason: "a model that keeps failing hands over to the guideline drafter, which is said, with the error class only",
			env: func(t *testing.T) func(string) string {
				return env("OPENAI_BASE_URL", openAICompatible(t, 401, "").URL+"/v1", "OPENAI_MODEL", "m")
			},
			want: []string{"The model failed (auth, HTTP 401); the guideline drafter made this plan.", "Drafted by: careplan.GuidelineDrafter"},
		},
		{
			name:   "fallback model",
			reason: "with two models configured, the second answers when the first fails",
			env: func(t *testing.T) func(string) string {
				return env("OPENAI_BASE_URL", openAICompatible(t, 401, "").URL+"/v1", "OPENAI_MODEL", "m",
					"ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL", anthropic(t, plan).URL)
			},
			want: []string{"Fallback model: Anthropic, model claude-sonnet-4-5.", "Drafted by: careplan.Generator, anthropic model claude-test"},
		},
		{
			name:    "compatible without a model",
			reason:  "a compatible server needs OPENAI_MODEL",
			env:     func(*testing.T) func(string) string { return env("OPENAI_BASE_URL", "http://localhost:8000/v1") },
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := run(t.Context(), &out, tt.env(t))
			if tt.wantErr {
				require.Error(t, err, tt.reason)
				return
			}
			require.NoError(t, err, tt.reason)
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w, tt.reason)
			}
			assert.NotContains(t, out.String(), "Quarterfield", "no identifiers are printed")
		})
	}
}

func TestOllamaURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, reason string }{
		{"127.0.0.1:11434", "http://127.0.0.1:11434", "no scheme: http"},
		{"0.0.0.0", "http://0.0.0.0:11434", "no port: 11434"},
		{"https://ollama.example.org:443", "https://ollama.example.org:443", "complete URLs are kept"},
		{"http://gpu-box", "http://gpu-box:11434", "a scheme without a port"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ollamaURL(tt.in), tt.reason)
	}
}

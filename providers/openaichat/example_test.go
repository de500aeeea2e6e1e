package openaichat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/openaichat"
)

// Structured output through a forced strict tool call. The server stands in
// for api.openai.com and shows what it received.
func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model string `json:"model"`
			Tools []struct {
				Function struct {
					Name   string `json:"name"`
					Strict bool   `json:"strict"`
				} `json:"function"`
			} `json:"tools"`
			ToolChoice  json.RawMessage `json:"tool_choice"`
			Temperature *float64        `json:"temperature"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Printf("server got: %s %s, tool %s strict=%v, tool_choice %s, temperature sent: %v\n",
			r.URL.Path, req.Model, req.Tools[0].Function.Name, req.Tools[0].Function.Strict, req.ToolChoice, req.Temperature != nil)
		_, _ = io.WriteString(w, `{"model":"gpt-4o-2024-08-06","choices":[{"index":0,"finish_reason":"stop",
			"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
			"function":{"name":"goal","arguments":"{\"goal\":\"HbA1c below 7%\"}"}}]}}],
			"usage":{"prompt_tokens":52,"completion_tokens":9,"total_tokens":61}}`)
	}))
	defer srv.Close()

	c, err := openaichat.New("sk-example", &openaichat.Options{BaseURL: srv.URL + "/v1", HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	schema := `{"type":"object","properties":{"goal":{"type":"string"}},"required":["goal"],"additionalProperties":false}`
	resp, err := c.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one goal for a patient with HbA1c 8.1%."}},
		Schema:   &providers.Schema{Name: "goal", Full: json.RawMessage(schema), Strict: json.RawMessage(schema)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.FinishReason, resp.Text, resp.Usage.Total(), "tokens from", resp.Model)
	// Output:
	// server got: /v1/chat/completions gpt-4o, tool goal strict=true, tool_choice {"type":"function","function":{"name":"goal"}}, temperature sent: false
	// stop {"goal":"HbA1c below 7%"} 61 tokens from gpt-4o-2024-08-06
}

// A local OpenAI-compatible server (vLLM, llama.cpp) that needs no key; a
// 503 is classified from the status, ready for retry middleware.
func ExampleNewCompatible() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("authorization header sent:", r.Header.Get("Authorization") != "")
		w.Header().Set("Retry-After", "2")
		http.Error(w, `{"error":{"message":"model is loading"}}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	c, err := openaichat.NewCompatible(srv.URL+"/v1", &openaichat.Options{Model: "qwen2.5-7b-instruct", HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Hi"}},
	})
	var pe *providers.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.StatusCode, pe.RetryAfter, pe.Code.Retryable())
	}
	// Output:
	// authorization header sent: false
	// unavailable 503 2s true
}

package anthropicchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
)

// Structured output through forced tool use. The server stands in for
// api.anthropic.com and shows the tool choice the client added.
func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			System     string          `json:"system"`
			MaxTokens  int             `json:"max_tokens"`
			ToolChoice json.RawMessage `json:"tool_choice"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Printf("server got: max_tokens %d, tool_choice %s\n", req.MaxTokens, req.ToolChoice)
		// Two content blocks: langchaingo copies the usage into each.
		_, _ = io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
			"content":[{"type":"text","text":"Here is the goal."},
			           {"type":"tool_use","id":"t1","name":"goal","input":{"goal":"HbA1c below 7%"}}],
			"stop_reason":"tool_use","usage":{"input_tokens":60,"output_tokens":20}}`)
	}))
	defer srv.Close()

	c, err := anthropicchat.New("sk-ant-example", &anthropicchat.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one goal for a patient with HbA1c 8.1%."}},
		Schema:   &providers.Schema{Name: "goal", Full: json.RawMessage(`{"type":"object","properties":{"goal":{"type":"string"}},"required":["goal"]}`)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.FinishReason, resp.Text, resp.Usage.Total(), "tokens")
	// Output:
	// server got: max_tokens 4096, tool_choice {"type":"tool","name":"goal"}
	// stop {"goal":"HbA1c below 7%"} 80 tokens
}

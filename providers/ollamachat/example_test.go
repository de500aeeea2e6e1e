package ollamachat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/ollamachat"
)

// JSON output from a local model. The server stands in for Ollama and
// shows what it received.
func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Format  string         `json:"format"`
			Stream  bool           `json:"stream"`
			Options map[string]any `json:"options"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		_, hasTemperature := req.Options["temperature"]
		fmt.Printf("server got: format %q, stream %v, temperature sent: %v\n", req.Format, req.Stream, hasTemperature)
		_, _ = io.WriteString(w, `{"model":"llama3.1:8b","message":{"role":"assistant","content":"{\"goal\":\"walk 30 minutes daily\"}"},"done_reason":"stop","done":true,"prompt_eval_count":120,"eval_count":14}`)
	}))
	defer srv.Close()

	c, err := ollamachat.New("llama3.1:8b", &ollamachat.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.Generate(context.Background(), &providers.Request{
		Messages: []providers.Message{{Role: providers.RoleUser, Content: "Draft one activity goal."}},
		Schema:   &providers.Schema{Name: "goal", Full: json.RawMessage(`{"type":"object","properties":{"goal":{"type":"string"}}}`)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.FinishReason, resp.Text, resp.Usage.Total(), "tokens")
	// Output:
	// server got: format "json", stream false, temperature sent: false
	// stop {"goal":"walk 30 minutes daily"} 134 tokens
}

// A URL langchaingo would exit the process on is an ordinary error here.
func ExampleNew_badURL() {
	_, err := ollamachat.New("llama3.1:8b", &ollamachat.Options{BaseURL: "http://[::1"})
	fmt.Println(err)
	// Output:
	// ollamachat: option BaseURL: not a valid URL
}

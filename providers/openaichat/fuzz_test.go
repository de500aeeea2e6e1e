package openaichat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/openaichat"
)

type doer func(*http.Request) (*http.Response, error)

func (d doer) Do(r *http.Request) (*http.Response, error) { return d(r) }

// FuzzReply: whatever the server answers, Generate returns either a reply
// that keeps the Provider contract or a *providers.Error, and never panics.
func FuzzReply(f *testing.F) {
	f.Add(200, completion(toolMessage(`{"goal":"x"}`), "stop"))
	f.Add(200, completion(`{"role":"assistant","content":null,"refusal":"no"}`, "stop"))
	f.Add(200, completion(`{"role":"assistant","content":"x"}`, "length"))
	f.Add(200, `{"choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":-4,"total_tokens":9223372036854775807}}`)
	f.Add(200, `{"choices": [`)
	f.Add(429, `{"error":{"message":"x"}}`)
	f.Add(302, ``)
	f.Fuzz(func(t *testing.T, status int, body string) {
		status = 100 + (status%500+500)%500
		c, err := openaichat.New("k", &openaichat.Options{HTTPClient: doer(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Generate(context.Background(), withSchema(strictSchema))
		checkOutcome(t, resp, err)
	})
}

func checkOutcome(t *testing.T, resp *providers.Response, err error) {
	t.Helper()
	if err != nil {
		if resp != nil {
			t.Fatal("a response with an error")
		}
		if _, ok := errors.AsType[*providers.Error](err); !ok {
			t.Fatalf("error %T is not a *providers.Error", err)
		}
		return
	}
	switch resp.FinishReason {
	case providers.FinishStop, providers.FinishLength, providers.FinishContentFilter, providers.FinishRefusal, providers.FinishUnknown:
	default:
		t.Fatalf("finish reason %q", resp.FinishReason)
	}
	u := resp.Usage
	if u.InputTokens < 0 || u.OutputTokens < 0 || u.TotalTokens < 0 || u.CachedInputTokens < 0 || u.ReasoningTokens < 0 || u.Total() < 0 {
		t.Fatalf("negative usage %+v", u)
	}
	if resp.Provider == "" {
		t.Fatal("no provider name")
	}
}

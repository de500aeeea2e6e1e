package anthropicchat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
)

type doer func(*http.Request) (*http.Response, error)

func (d doer) Do(r *http.Request) (*http.Response, error) { return d(r) }

// FuzzReply: whatever the server answers, Generate returns either a reply
// that keeps the Provider contract or a *providers.Error, and never panics.
func FuzzReply(f *testing.F) {
	f.Add(200, message(`[`+toolUse+`]`, "tool_use"))
	f.Add(200, message(`[{"type":"text","text":"a"},`+toolUse+`]`, "max_tokens"))
	f.Add(200, message(`[]`, "refusal"))
	f.Add(200, `{"content":[{"type":"thinking","thinking":"x"}],"usage":{"input_tokens":-1,"output_tokens":9223372036854775807}}`)
	f.Add(200, `{"content":[{"type":"tool_use","name":"goal","input":[1]}]}`)
	f.Add(529, `{"type":"error"}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		status = 100 + (status%500+500)%500
		c, err := anthropicchat.New("k", &anthropicchat.Options{HTTPClient: doer(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Generate(context.Background(), withSchema())
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
		if u := resp.Usage; u.InputTokens < 0 || u.OutputTokens < 0 || u.TotalTokens < 0 || u.CachedInputTokens < 0 || u.Total() < 0 {
			t.Fatalf("negative usage %+v", u)
		}
	})
}

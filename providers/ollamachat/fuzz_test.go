package ollamachat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/ollamachat"
)

// FuzzReply: whatever the server answers (one object or a stream of them),
// Generate returns either a reply that keeps the Provider contract or a
// *providers.Error, and never panics.
func FuzzReply(f *testing.F) {
	f.Add(200, chat(`{"goal":"x"}`, "stop"))
	f.Add(200, chat("x", "length"))
	f.Add(200, `{"message":{"content":"a"},"done":false}`+"\n"+`{"done":true,"prompt_eval_count":-3,"eval_count":9223372036854775807}`)
	f.Add(200, `{"done":true}{"done":true}`)
	f.Add(500, ``)
	f.Fuzz(func(t *testing.T, status int, body string) {
		status = 100 + (status%500+500)%500
		c, err := ollamachat.New("m", &ollamachat.Options{HTTPClient: doerFunc(func(r *http.Request) (*http.Response, error) {
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
		case providers.FinishStop, providers.FinishLength, providers.FinishUnknown:
		default:
			t.Fatalf("finish reason %q", resp.FinishReason)
		}
		if u := resp.Usage; u.InputTokens < 0 || u.OutputTokens < 0 || u.TotalTokens < 0 || u.Total() < 0 {
			t.Fatalf("negative usage %+v", u)
		}
	})
}

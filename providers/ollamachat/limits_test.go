package ollamachat_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wiretest"
	"github.com/careguard/careguard/providers/ollamachat"
)

// TestResponseTooLarge: a server that streams an endless reply gets a
// prompt, typed error (a malformed reply), and memory stays bounded.
func TestResponseTooLarge(t *testing.T) {
	tests := []struct {
		name   string
		limit  int64
		reason string
	}{
		{"default limit", 0, "16 MiB unless the options say otherwise"},
		{"option", 1 << 20, "Options.MaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			srv := wiretest.New(t, wiretest.Endless("", `{"model":"m","message":{"role":"assistant","content":"a"},"done":false}`+"\n", &sent))
			c := newClient(t, srv, &ollamachat.Options{MaxResponseBytes: tt.limit})
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			resp, err := c.Generate(ctx, conversation())
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			require.Error(t, err, tt.reason)
			assert.Nil(t, resp)
			assert.ErrorIs(t, err, ollamachat.ErrMalformedResponse, tt.reason)
			assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err), "a reply too large is malformed: not retried as an outage")
			assert.Less(t, elapsed, 15*time.Second, "the call fails promptly, long before its deadline")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "memory stays bounded (%d MiB sent)", sent.Load()>>20)
		})
	}
	t.Run("negative", func(t *testing.T) {
		_, err := ollamachat.New("llama3.1:8b", &ollamachat.Options{MaxResponseBytes: -1})
		oe, ok := errors.AsType[*ollamachat.OptionError](err)
		require.True(t, ok, "a negative limit is an option error: %v", err)
		assert.Equal(t, "MaxResponseBytes", oe.Option)
	})
}

// TestNoProxyFromEnvironment: the default HTTP client ignores HTTP_PROXY
// and HTTPS_PROXY: where prompts go never depends on the environment.
func TestNoProxyFromEnvironment(t *testing.T) {
	wiretest.NoProxy(t, func(ctx context.Context, base string) error {
		c, err := ollamachat.New("llama3.1:8b", &ollamachat.Options{BaseURL: base})
		require.NoError(t, err)
		_, err = c.Generate(ctx, conversation())
		return err
	})
}

// TestManyChunks: a server that streams a long reply in many small chunks,
// although "stream": false was sent, is read whole at a cost linear in its
// size: the chunks are joined before langchaingo sees them.
func TestManyChunks(t *testing.T) {
	const chunks = 100_000
	var body strings.Builder
	for range chunks {
		body.WriteString(`{"model":"m","message":{"role":"assistant","content":"a"},"done":false}` + "\n")
	}
	body.WriteString(`{"model":"m","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":3,"eval_count":4}` + "\n")
	srv := wiretest.New(t, wiretest.Reply(200, body.String(), "Content-Type", "application/x-ndjson"))
	c := newClient(t, srv, nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := c.Generate(t.Context(), conversation())
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a", chunks), resp.Text)
	assert.Equal(t, providers.FinishStop, resp.FinishReason)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20),
		"joining %d chunks one at a time would allocate about %d MiB", chunks, chunks*chunks/2>>20)
}

package anthropicchat_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
	"github.com/careguard/careguard/providers/internal/wiretest"
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
			srv := wiretest.New(t, wiretest.Endless(`{"id":"`, "a", &sent))
			c := newClient(t, srv, &anthropicchat.Options{MaxResponseBytes: tt.limit})
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
			assert.ErrorIs(t, err, anthropicchat.ErrMalformedResponse, tt.reason)
			assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err), "a reply too large is malformed: not retried as an outage")
			assert.Less(t, elapsed, 15*time.Second, "the call fails promptly, long before its deadline")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "memory stays bounded (%d MiB sent)", sent.Load()>>20)
		})
	}
	t.Run("negative", func(t *testing.T) {
		_, err := anthropicchat.New("sk-ant-test", &anthropicchat.Options{MaxResponseBytes: -1})
		oe, ok := errors.AsType[*anthropicchat.OptionError](err)
		require.True(t, ok, "a negative limit is an option error: %v", err)
		assert.Equal(t, "MaxResponseBytes", oe.Option)
	})
}

// TestNoProxyFromEnvironment: the default HTTP client ignores HTTP_PROXY
// and HTTPS_PROXY: where prompts go never depends on the environment.
func TestNoProxyFromEnvironment(t *testing.T) {
	wiretest.NoProxy(t, func(ctx context.Context, base string) error {
		c, err := anthropicchat.New("sk-ant-test", &anthropicchat.Options{BaseURL: base + "/v1"})
		require.NoError(t, err)
		_, err = c.Generate(ctx, conversation())
		return err
	})
}

package openaichat_test

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
	"github.com/careguard/careguard/providers/internal/wiretest"
	"github.com/careguard/careguard/providers/openaichat"
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
			c := newOpenAI(t, srv, &openaichat.Options{MaxResponseBytes: tt.limit})
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
			assert.ErrorIs(t, err, openaichat.ErrMalformedResponse, tt.reason)
			assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err), "a reply too large is malformed: not retried as an outage")
			assert.Less(t, elapsed, 15*time.Second, "the call fails promptly, long before its deadline")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "memory stays bounded (%d MiB sent)", sent.Load()>>20)
		})
	}
	t.Run("negative", func(t *testing.T) {
		_, err := openaichat.NewCompatible("http://127.0.0.1:1/v1", &openaichat.Options{Model: "m", MaxResponseBytes: -1})
		oe, ok := errors.AsType[*openaichat.OptionError](err)
		require.True(t, ok, "a negative limit is an option error: %v", err)
		assert.Equal(t, "MaxResponseBytes", oe.Option)
	})
}

// TestNoProxyFromEnvironment: the default HTTP client ignores HTTP_PROXY
// and HTTPS_PROXY: where prompts go never depends on the environment.
func TestNoProxyFromEnvironment(t *testing.T) {
	wiretest.NoProxy(t, func(ctx context.Context, base string) error {
		c, err := openaichat.NewCompatible(base+"/v1", &openaichat.Options{Model: "m"})
		require.NoError(t, err)
		_, err = c.Generate(ctx, conversation())
		return err
	})
}

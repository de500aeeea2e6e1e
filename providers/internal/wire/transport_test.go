package wire_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wire"
)

type doer func(*http.Request) (*http.Response, error)

func (d doer) Do(r *http.Request) (*http.Response, error) { return d(r) }

func respond(status int, body string, h http.Header) doer {
	return func(*http.Request) (*http.Response, error) {
		if h == nil {
			h = http.Header{}
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}, nil
	}
}

func post(t *testing.T, c *http.Client, ctx context.Context, body string) (*http.Request, *http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://vendor.test/v1/x", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := c.Do(req)
	if err == nil {
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	return req, resp, err
}

func TestTransport(t *testing.T) {
	t.Parallel()
	t.Run("rewrite and capture", func(t *testing.T) {
		t.Parallel()
		var sent string
		var auth string
		tr := &wire.Transport{Next: doer(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			sent, auth = string(b), r.Header.Get("Authorization")
			assert.Equal(t, int64(len(b)), r.ContentLength)
			return respond(429, `{"error":"slow"}`, http.Header{"Retry-After": {"3"}})(r)
		}), DropAuthorization: true}
		ex := &wire.Exchange{Rewrite: wire.SetTemperature(nil)}
		req, _, err := post(t, tr.Client(), wire.WithExchange(t.Context(), ex), `{"model":"m","temperature":0}`)
		require.NoError(t, err)
		assert.Equal(t, `{"model":"m"}`, sent, "the body is edited")
		assert.Empty(t, auth, "the Authorization header is dropped")
		assert.Equal(t, "Bearer k", req.Header.Get("Authorization"), "the caller's request is not modified")
		assert.Equal(t, 1, ex.Requests)
		assert.Equal(t, 429, ex.Status)
		assert.Equal(t, `{"error":"slow"}`, ex.Body.String())

		err = wire.Classify(t.Context(), "p", ex, errors.New("sdk: 429"), nil, nil, nil)
		pe, ok := errors.AsType[*providers.Error](err)
		require.True(t, ok)
		assert.Equal(t, providers.CodeRateLimited, pe.Code)
		assert.Equal(t, 429, pe.StatusCode)
		assert.Equal(t, "3s", pe.RetryAfter.String())
	})
	t.Run("rewrite fails", func(t *testing.T) {
		t.Parallel()
		called := false
		tr := &wire.Transport{Next: doer(func(r *http.Request) (*http.Response, error) { called = true; return respond(200, "{}", nil)(r) })}
		ex := &wire.Exchange{Rewrite: wire.Delete("temperature")}
		_, _, err := post(t, tr.Client(), wire.WithExchange(t.Context(), ex), `not json`)
		require.Error(t, err)
		assert.False(t, called, "a body that cannot be edited is not sent")
		assert.ErrorIs(t, wire.Classify(t.Context(), "p", ex, err, nil, nil, nil), providers.ErrUnknown)
	})
	t.Run("transport error", func(t *testing.T) {
		t.Parallel()
		tr := &wire.Transport{Next: doer(func(*http.Request) (*http.Response, error) { return nil, syscall.ECONNREFUSED })}
		ex := &wire.Exchange{}
		_, _, err := post(t, tr.Client(), wire.WithExchange(t.Context(), ex), `{}`)
		require.Error(t, err)
		got := wire.Classify(t.Context(), "p", ex, errors.New("network error: failed to reach API server"), nil, nil, nil)
		assert.ErrorIs(t, got, providers.ErrUnavailable)
		assert.ErrorIs(t, got, syscall.ECONNREFUSED, "the transport's own error, not the SDK's sanitised string")
	})
	t.Run("no exchange", func(t *testing.T) {
		t.Parallel()
		tr := &wire.Transport{Next: respond(200, "{}", nil)}
		_, resp, err := post(t, tr.Client(), t.Context(), `{"temperature":0}`)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode, "requests without an Exchange pass through")
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		got := wire.Classify(ctx, "p", &wire.Exchange{Status: 500}, errors.New("request cancelled"), nil, nil, nil)
		assert.ErrorIs(t, got, context.Canceled)
		assert.Equal(t, providers.CodeCanceled, providers.CodeOf(got), "the caller's cancellation wins over any status")
	})
}

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func (endless) Close() error { return nil }

// TestTransportBodyLimit: a response body is read up to the Transport's
// limit and no further; passing it fails the read with
// ErrResponseTooLarge, and the call classifies as a malformed reply.
func TestTransportBodyLimit(t *testing.T) {
	t.Parallel()
	malformed := errors.New("x: malformed")
	tests := []struct {
		name     string
		limit    int64
		body     func() io.ReadCloser
		exchange bool
		wantLen  int
		tooLarge bool
		reason   string
	}{
		{name: "at the limit", limit: 1000, body: func() io.ReadCloser { return io.NopCloser(strings.NewReader(strings.Repeat("x", 1000))) },
			exchange: true, wantLen: 1000, reason: "a body of exactly the limit is read whole"},
		{name: "one byte over", limit: 1000, body: func() io.ReadCloser { return io.NopCloser(strings.NewReader(strings.Repeat("x", 1001))) },
			exchange: true, wantLen: 1000, tooLarge: true, reason: "one byte more fails the read"},
		{name: "endless", limit: 1 << 16, body: func() io.ReadCloser { return endless{} },
			exchange: true, wantLen: 1 << 16, tooLarge: true, reason: "an endless body stops at the limit"},
		{name: "default limit", body: func() io.ReadCloser { return endless{} },
			exchange: true, wantLen: wire.DefaultMaxResponseBytes, tooLarge: true, reason: "0 means DefaultMaxResponseBytes"},
		{name: "no exchange", limit: 1000, body: func() io.ReadCloser { return endless{} },
			tooLarge: true, reason: "requests without an Exchange are bounded too"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := &wire.Transport{MaxBody: tt.limit, Next: doer(func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: tt.body()}, nil
			})}
			ex := &wire.Exchange{}
			ctx := t.Context()
			if tt.exchange {
				ctx = wire.WithExchange(ctx, ex)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://vendor.test/v1/x", strings.NewReader("{}"))
			require.NoError(t, err)
			resp, err := tr.Client().Do(req)
			require.NoError(t, err)
			n, err := io.Copy(io.Discard, resp.Body)
			require.NoError(t, resp.Body.Close())
			if !tt.tooLarge {
				require.NoError(t, err, tt.reason)
				assert.Equal(t, int64(tt.wantLen), n)
				return
			}
			require.ErrorIs(t, err, wire.ErrResponseTooLarge, tt.reason)
			if !tt.exchange {
				return
			}
			assert.Equal(t, int64(tt.wantLen), n, "the body is delivered up to the limit")
			assert.Equal(t, tt.wantLen, ex.Body.Len(), "the exchange keeps the body up to the limit")
			require.ErrorIs(t, ex.BodyErr, wire.ErrResponseTooLarge)
			got := wire.Classify(t.Context(), "p", ex, errors.New("sdk: decode failed"), malformed, nil, nil)
			assert.Equal(t, providers.CodeUnknown, providers.CodeOf(got), "a reply too large is malformed, not an outage to retry")
			assert.ErrorIs(t, got, malformed)
			assert.ErrorIs(t, got, wire.ErrResponseTooLarge)
		})
	}
}

// TestDefaultClient: the adapters' default client ignores proxy settings in
// the environment.
func TestDefaultClient(t *testing.T) {
	c := wire.DefaultClient()
	tr, ok := c.Transport.(*http.Transport)
	require.True(t, ok, "a transport of its own, not http.DefaultTransport")
	assert.Nil(t, tr.Proxy, "no proxy from HTTP_PROXY, HTTPS_PROXY or NO_PROXY")
	assert.NotSame(t, http.DefaultTransport, c.Transport)
	assert.Zero(t, c.Timeout, "calls are bounded by their context")
}

func TestRecover(t *testing.T) {
	t.Parallel()
	malformed := errors.New("x: malformed")
	generate := func(v any) (resp *providers.Response, err error) {
		defer wire.Recover("p", malformed, &resp, &err)
		resp = &providers.Response{Text: "half-built"}
		panic(v)
	}
	resp, err := generate("reply content that must not leak")
	assert.Nil(t, resp)
	require.ErrorIs(t, err, malformed)
	assert.Equal(t, providers.CodeUnknown, providers.CodeOf(err))
	assert.NotContains(t, err.Error(), "must not leak", "arbitrary panic values are not quoted")

	var m map[string]int
	_, err = generate(func() (re any) {
		defer func() { re = recover() }()
		m["x"] = 1
		return nil
	}())
	assert.ErrorContains(t, err, "assignment to entry in nil map", "runtime errors are described")
}

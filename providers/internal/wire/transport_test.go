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
	t.Run("capture is bounded", func(t *testing.T) {
		t.Parallel()
		big := strings.Repeat("x", wire.MaxCapture+100)
		tr := &wire.Transport{Next: respond(200, big, nil)}
		ex := &wire.Exchange{}
		_, _, err := post(t, tr.Client(), wire.WithExchange(t.Context(), ex), `{}`)
		require.NoError(t, err)
		assert.Equal(t, wire.MaxCapture, ex.Body.Len())
	})
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

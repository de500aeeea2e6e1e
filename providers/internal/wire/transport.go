package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// DefaultMaxResponseBytes bounds a response body when an adapter's
// Options.MaxResponseBytes is 0: 16 MiB, far above any chat reply.
const DefaultMaxResponseBytes = 16 << 20

// ErrResponseTooLarge is the error a response body's reader returns once
// the body passes its [Transport]'s limit; [Classify] makes the call's
// error a malformed reply ([providers.CodeUnknown]).
var ErrResponseTooLarge = errors.New("response body larger than the limit")

// DefaultClient returns the HTTP client an adapter sends through when its
// Options.HTTPClient is nil: a new client over a clone of
// http.DefaultTransport's settings (timeouts, keep-alives, HTTP/2) whose
// Proxy is nil, so that where prompts go never depends on HTTP_PROXY,
// HTTPS_PROXY or NO_PROXY (careguard reads no environment variables). A
// caller who needs a proxy passes a client that uses one. The client has no
// timeout: calls are bounded by their context.
func DefaultClient() *http.Client {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		// http.DefaultTransport was replaced by a program: build the
		// standard library's defaults ourselves.
		t = &http.Transport{
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: 1 * time.Second,
		}
	}
	t.Proxy = nil
	return &http.Client{Transport: t}
}

// Doer sends an HTTP request; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Exchange is what [Transport] saw of the HTTP exchanges made for one call:
// it is put in the call's context with [WithExchange] and read after the
// SDK returns. It must not be shared between calls.
type Exchange struct {
	// Rewrite, if set, edits the request body before it is sent.
	Rewrite Edit

	// Requests counts the requests sent.
	Requests int
	// RewriteErr is the error of Rewrite, if it failed (the request was
	// then not sent).
	RewriteErr error
	// TransportErr is the error of the last request that got no response.
	TransportErr error
	// Status is the HTTP status of the last response; 0 if none.
	Status int
	// Header is the header of the last response.
	Header http.Header
	// BodyErr is the first error, other than io.EOF, met while the SDK
	// read the last response body; it wraps [ErrResponseTooLarge] when
	// the body passed the Transport's limit.
	BodyErr error
	// Body is the last response body as far as the SDK read it, at most
	// the Transport's limit.
	Body bytes.Buffer
}

type exchangeKey struct{}

// WithExchange returns a context carrying ex for [Transport] to fill.
func WithExchange(ctx context.Context, ex *Exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

func exchangeFrom(ctx context.Context) *Exchange {
	ex, _ := ctx.Value(exchangeKey{}).(*Exchange)
	return ex
}

// Transport is an [http.RoundTripper] that sends requests through Next,
// recording each exchange in the [Exchange] found in the request's context
// and applying its Rewrite. Requests without an Exchange pass unchanged.
// A Transport is safe for concurrent use by multiple goroutines.
type Transport struct {
	Next Doer
	// DropAuthorization removes the Authorization header (for servers
	// that need no key, where the SDK insists on sending one).
	DropAuthorization bool
	// MaxBody bounds every response body read through the Transport:
	// reading past it fails with an error wrapping [ErrResponseTooLarge],
	// so that a broken or hostile server cannot make the SDK buffer an
	// endless reply. 0 means [DefaultMaxResponseBytes].
	MaxBody int64
	// Coalesce, when set, is given the whole body of every 2xx response
	// (read up to MaxBody before the SDK sees any of it) and returns the
	// body the SDK reads instead. An adapter uses it to turn a stream of
	// chunks it did not ask for into one reply, so that an SDK that
	// concatenates chunk by chunk does no quadratic work. The [Exchange]
	// keeps the body as the server sent it. Coalesce must not keep body.
	Coalesce func(body []byte) []byte
}

// Client returns an *http.Client that sends every request through t. It
// neither follows redirects itself nor keeps cookies: Next does what its
// owner configured.
func (t *Transport) Client() *http.Client {
	return &http.Client{
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// RoundTrip implements [http.RoundTripper]. It does not modify req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchangeFrom(req.Context())
	out := req
	if t.DropAuthorization || (ex != nil && ex.Rewrite != nil) {
		out = req.Clone(req.Context())
	}
	if t.DropAuthorization {
		out.Header.Del("Authorization")
	}
	if ex != nil && ex.Rewrite != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err == nil {
			body, err = ex.Rewrite(body)
		}
		if err != nil {
			ex.RewriteErr = err
			return nil, err
		}
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.ContentLength = int64(len(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := t.Next.Do(out)
	limit := t.MaxBody
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	if ex == nil {
		if err == nil && resp.Body != nil {
			resp.Body = &capture{rc: resp.Body, limit: limit}
			t.coalesce(resp)
		}
		return resp, err
	}
	ex.Requests++
	if err != nil {
		ex.TransportErr = err
		return nil, err
	}
	ex.TransportErr = nil
	ex.Status = resp.StatusCode
	ex.Header = resp.Header
	ex.BodyErr = nil
	ex.Body.Reset()
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	resp.Body = &capture{rc: resp.Body, ex: ex, limit: limit}
	t.coalesce(resp)
	return resp, nil
}

// coalesce replaces a 2xx response's body with t.Coalesce's rewrite of
// it. A body that cannot be read whole (too large, cut off) is served as
// its read error.
func (t *Transport) coalesce(resp *http.Response) {
	if t.Coalesce == nil || resp.StatusCode/100 != 2 {
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		resp.Body = io.NopCloser(errReader{err})
		return
	}
	body = t.Coalesce(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// capture bounds a body to limit bytes and copies what is read from it
// into its Exchange, if it has one.
type capture struct {
	rc    io.ReadCloser
	ex    *Exchange
	limit int64
	n     int64 // bytes read so far
}

func (c *capture) Read(p []byte) (int, error) {
	if c.n > c.limit {
		return 0, c.fail(c.tooLarge())
	}
	// Read at most one byte past the limit, to know it was passed.
	if room := c.limit + 1 - c.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.rc.Read(p)
	c.n += int64(n)
	keep := n
	if c.n > c.limit {
		keep -= int(c.n - c.limit)
		err = c.tooLarge()
	}
	if c.ex != nil {
		c.ex.Body.Write(p[:keep])
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return keep, c.fail(err)
	}
	return keep, err
}

func (c *capture) tooLarge() error {
	return fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, c.limit)
}

// fail records err as the exchange's body error (the first one wins) and
// returns it.
func (c *capture) fail(err error) error {
	if c.ex != nil && c.ex.BodyErr == nil {
		c.ex.BodyErr = err
	}
	return err
}

func (c *capture) Close() error { return c.rc.Close() }

// Now returns now() if now is set, else the wall clock.
func Now(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}

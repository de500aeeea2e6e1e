package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// MaxCapture bounds the bytes of a response body an [Exchange] keeps.
const MaxCapture = 8 << 20

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
	// read the last response body.
	BodyErr error
	// Body is the start (at most [MaxCapture] bytes) of the last response
	// body, as far as the SDK read it.
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
	if ex == nil {
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
	resp.Body = &capture{rc: resp.Body, ex: ex}
	return resp, nil
}

// capture copies what is read from a body into its Exchange.
type capture struct {
	rc io.ReadCloser
	ex *Exchange
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	if room := MaxCapture - c.ex.Body.Len(); room > 0 {
		c.ex.Body.Write(p[:min(n, room)])
	}
	if err != nil && !errors.Is(err, io.EOF) && c.ex.BodyErr == nil {
		c.ex.BodyErr = err
	}
	return n, err
}

func (c *capture) Close() error { return c.rc.Close() }

// Now returns now() if now is set, else the wall clock.
func Now(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}

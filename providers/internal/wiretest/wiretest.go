// Package wiretest is an httptest server that records what careguard's
// adapters send, for their wire-protocol tests.
//
// # Errors
//
// Helpers fail the test through testing.TB; they return no errors.
//
// # Concurrency
//
// A [Server] is safe for concurrent use by multiple goroutines.
package wiretest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Request is one recorded request.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// JSON decodes the body into a map of raw members, failing t if it is not
// a JSON object.
func (r Request) JSON(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("request body is not a JSON object: %v", err)
	}
	return m
}

// Handler answers a request whose body has been read.
type Handler func(w http.ResponseWriter, r *http.Request, body []byte)

// Server is an httptest.Server that records requests and answers them with
// its Handler.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Request
}

// New starts a server answering with h; it is closed when the test ends.
func New(t testing.TB, h Handler) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		h(w, r, body)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Last returns the last request received, failing t if there is none.
func (s *Server) Last(t testing.TB) Request {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return s.reqs[len(s.reqs)-1]
}

// Reply returns a Handler that answers with status, the given headers
// (name, value pairs) and body.
func Reply(status int, body string, headers ...string) Handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// CutBody returns a Handler that promises a long body, sends the start of
// body and then drops the connection.
func CutBody(body string) Handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	}
}

// Block returns a Handler that waits until the client goes away.
func Block() Handler {
	return func(_ http.ResponseWriter, r *http.Request, _ []byte) {
		<-r.Context().Done()
	}
}

// Endless returns a Handler that answers 200 with prefix and then repeats
// chunk without end, until the client goes away, adding every byte it
// writes to sent.
func Endless(prefix, chunk string, sent *atomic.Int64) Handler {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat(chunk, max(1, (64<<10)/max(len(chunk), 1))))
		n, err := io.WriteString(w, prefix)
		sent.Add(int64(n))
		for err == nil && r.Context().Err() == nil {
			n, err = w.Write(chunk)
			sent.Add(int64(n))
		}
	}
}

// proxyChild is set in the environment of the process NoProxy starts.
const proxyChild = "CAREGUARD_WIRETEST_NOPROXY_CHILD"

// NoProxy checks that call, given a base URL of a server that is not on
// loopback, sends nothing through the proxy that HTTP_PROXY and
// HTTPS_PROXY name. It points both (t.Setenv) at a decoy that counts what
// it receives, then runs the test that called it again in a new process
// (net/http reads the proxy variables once per process) where NoProxy runs
// call against http://0.0.0.0:1, which refuses connections but is not
// exempt from proxying as loopback addresses are. The decoy must receive
// nothing. call's error is not examined: the call is expected to fail.
//
// The test that calls NoProxy must not be parallel (t.Setenv).
func NoProxy(t *testing.T, call func(ctx context.Context, baseURL string) error) {
	t.Helper()
	if os.Getenv(proxyChild) == "1" {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		_ = call(ctx, "http://0.0.0.0:1")
		return
	}
	var hits atomic.Int64
	decoy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(decoy.Close)
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, decoy.URL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
	t.Setenv(proxyChild, "1")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child test failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("the child test did not run:\n%s", out)
	}
	// And in this process too, where the variables may already have been
	// read: nothing may reach the decoy either way.
	ctx2, cancel2 := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel2()
	_ = call(ctx2, "http://0.0.0.0:1")
	if n := hits.Load(); n != 0 {
		t.Fatalf("the proxy named by the environment received %d request(s); the adapter must ignore HTTP_PROXY and HTTPS_PROXY", n)
	}
}

package ollamachat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wire"
)

// Names and defaults.
const (
	// ProviderName is reported in Response.Provider and Error.Provider.
	ProviderName = "ollama"
	// DefaultBaseURL is where a local Ollama listens.
	DefaultBaseURL = "http://127.0.0.1:11434"
)

// ErrMalformedResponse is wrapped (inside a *providers.Error with
// providers.CodeUnknown) by the error of a call whose 2xx reply was not a
// complete chat response.
var ErrMalformedResponse = errors.New("ollamachat: malformed response")

// Options configure a [Client]. A nil *Options means the defaults.
type Options struct {
	// BaseURL is the server's root ("/api/chat" is appended); default
	// [DefaultBaseURL].
	BaseURL string
	// HTTPClient sends the requests. Default: a new *http.Client of the
	// adapter's own, with no timeout (calls are bounded by their context)
	// and no proxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY are never read,
	// so where prompts go does not depend on the environment. Pass a
	// client configured with a proxy to use one.
	HTTPClient interface {
		Do(*http.Request) (*http.Response, error)
	}
	// MaxResponseBytes bounds a reply's body: reading past it fails the
	// call with a *providers.Error of providers.CodeUnknown wrapping
	// ErrMalformedResponse, so that a broken or hostile server cannot
	// exhaust memory. Default 16 MiB; negative is an error.
	MaxResponseBytes int64
	// MaxTokens caps replies (num_predict) when Request.MaxTokens is 0;
	// 0 leaves the server's default.
	MaxTokens int
	// Temperature is used when Request.Temperature is nil; nil sends no
	// temperature, so the model's default applies.
	Temperature *float64
	// SchemaFormat sends a request's full schema as the format (Ollama
	// 0.5 and later constrain the reply to it) instead of "json". The
	// schema is in the prompt either way.
	SchemaFormat bool
	// Now is the clock for Retry-After dates when a reply has no Date
	// header. Default time.Now.
	Now func() time.Time
}

// OptionError is an argument or option [New] cannot use. Its message never
// quotes the value, which may be a URL holding credentials.
type OptionError struct {
	Option string
	Err    error
}

func (e *OptionError) Error() string { return "ollamachat: option " + e.Option + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *OptionError) Unwrap() error { return e.Err }

// Client is a [providers.Provider] for Ollama's chat API. It is safe for
// concurrent use by multiple goroutines.
type Client struct {
	llm          *ollama.LLM
	model        string
	maxTokens    int
	temperature  *float64
	schemaFormat bool
	local        bool
	now          func() time.Time
}

var (
	_ providers.Provider = (*Client)(nil)
	_ providers.Locality = (*Client)(nil)
)

// New returns a client for model (as Ollama names it, e.g. "llama3.1:8b").
//
// It fails with an *[OptionError] if model is empty, BaseURL is not an
// absolute http(s) URL without query (checked here, because langchaingo
// calls log.Fatal on a URL it cannot parse), MaxTokens or MaxResponseBytes
// is negative, or Temperature is outside [0, 2].
func New(model string, opts *Options) (*Client, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	switch {
	case model == "":
		return nil, &OptionError{Option: "model", Err: errors.New("empty")}
	case o.MaxTokens < 0:
		return nil, &OptionError{Option: "MaxTokens", Err: errors.New("negative")}
	case o.MaxResponseBytes < 0:
		return nil, &OptionError{Option: "MaxResponseBytes", Err: errors.New("negative")}
	case o.Temperature != nil && (*o.Temperature < 0 || *o.Temperature > 2):
		return nil, &OptionError{Option: "Temperature", Err: errors.New("outside [0, 2]")}
	}
	if err := wire.CheckURL(o.BaseURL); err != nil {
		return nil, &OptionError{Option: "BaseURL", Err: err}
	}
	var next wire.Doer = o.HTTPClient
	if next == nil {
		next = wire.DefaultClient()
	}
	tr := &wire.Transport{Next: next, MaxBody: o.MaxResponseBytes, Coalesce: coalesce}
	// The URL is passed explicitly, so OLLAMA_HOST is never read.
	llm, err := ollama.New(
		ollama.WithServerURL(o.BaseURL),
		ollama.WithModel(model),
		ollama.WithHTTPClient(tr.Client()),
	)
	if err != nil {
		return nil, &OptionError{Option: "client", Err: err}
	}
	var temp *float64
	if o.Temperature != nil {
		t := *o.Temperature
		temp = &t
	}
	return &Client{llm: llm, model: model, maxTokens: o.MaxTokens, temperature: temp, schemaFormat: o.SchemaFormat,
		local: loopback(o.BaseURL), now: o.Now}, nil
}

// Local reports whether the server is on this machine: BaseURL's host is
// "localhost" or a loopback address (127.0.0.0/8, ::1). It implements
// [providers.Locality], which careguard uses to decide whether prompts
// must be de-identified before they are sent. It trusts that
// Options.HTTPClient, if set, delivers requests to BaseURL.
func (c *Client) Local() bool { return c.local }

func loopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Model returns the model the client asks for.
func (c *Client) Model() string { return c.model }

// Generate sends req as one non-streaming chat request and returns the
// normalised reply. See the package documentation for how schemas, finish
// reasons, usage and errors are mapped.
func (c *Client) Generate(ctx context.Context, req *providers.Request) (resp *providers.Response, err error) {
	defer wire.Recover(ProviderName, ErrMalformedResponse, &resp, &err)
	if err := wire.Invalid(req, ProviderName); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, wire.ContextError(ctx, ProviderName)
	}
	msgs := req.Messages
	var opts []llms.CallOption
	n := req.MaxTokens
	if n == 0 {
		n = c.maxTokens
	}
	if n > 0 {
		opts = append(opts, llms.WithMaxTokens(n))
	}
	// One JSON reply rather than a stream of chunks.
	edits := []wire.Edit{wire.Set("stream", []byte("false"))}
	if wire.Temperature(req.Temperature, c.temperature) == nil {
		// langchaingo always sends options.temperature, 0 when unset.
		edits = append(edits, wire.Delete("options", "temperature"))
	} else {
		opts = append(opts, llms.WithTemperature(*wire.Temperature(req.Temperature, c.temperature)))
	}
	if s := req.Schema; s != nil {
		msgs = wire.WithSystem(msgs, wire.SchemaInstruction(s))
		opts = append(opts, llms.WithJSONMode())
		if c.schemaFormat {
			edits = append(edits, wire.Set("format", s.Full))
		}
	}
	ex := &wire.Exchange{Rewrite: wire.Edits(edits...)}
	lresp, lerr := c.llm.GenerateContent(wire.WithExchange(ctx, ex), wire.Messages(msgs), opts...)
	if lerr == nil && ex.Status == http.StatusOK && ex.BodyErr == nil {
		if sn, ok := sniff(ex.Body.Bytes()); ok {
			return c.response(lresp.Choices[0], sn), nil
		}
		// langchaingo reports success when no final chunk arrived.
		lerr = errors.New("no final chat response")
	}
	return nil, wire.Classify(ctx, ProviderName, ex, lerr, ErrMalformedResponse, c.now, nil)
}

// coalesce turns a chat response streamed as a sequence of JSON objects
// (from a server that streams although "stream": false was sent) into one
// object: the last one, with the message contents joined. langchaingo
// would join them one chunk at a time, which costs time and memory
// quadratic in the number of chunks. A body of one object, or one that is
// not a sequence of objects, is returned unchanged for langchaingo to
// accept or reject.
func coalesce(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	var (
		content strings.Builder
		last    map[string]json.RawMessage
		n       int
	)
	for {
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err == io.EOF {
			break
		} else if err != nil || obj == nil {
			return body
		}
		var m struct {
			Content string `json:"content"`
		}
		if raw, ok := obj["message"]; ok {
			if err := json.Unmarshal(raw, &m); err != nil {
				return body
			}
		}
		content.WriteString(m.Content)
		last = obj
		n++
	}
	if n < 2 {
		return body
	}
	msg, err := json.Marshal(map[string]string{"role": "assistant", "content": content.String()})
	if err != nil {
		return body
	}
	last["message"] = msg
	out, err := json.Marshal(last)
	if err != nil {
		return body
	}
	return out
}

// final is the last object of a chat response.
type final struct {
	Model      string `json:"model"`
	Done       bool   `json:"done"`
	DoneReason string `json:"done_reason"`
}

// sniff finds the final object (done: true) of a chat response, which is
// one JSON object or, from a server that streams anyway, a sequence of them.
func sniff(body []byte) (final, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var last final
	found := false
	for {
		var f final
		if err := dec.Decode(&f); err != nil {
			return last, found
		}
		if f.Done {
			last, found = f, true
		}
	}
}

func (c *Client) response(ch *llms.ContentChoice, sn final) *providers.Response {
	out := &providers.Response{
		Text:         ch.Content,
		FinishReason: finishReason(sn.DoneReason),
		Model:        sn.Model,
		Provider:     ProviderName,
	}
	if out.Model == "" {
		out.Model = c.model
	}
	in, o := wire.Int(ch.GenerationInfo, "PromptTokens"), wire.Int(ch.GenerationInfo, "CompletionTokens")
	out.Usage = providers.Usage{InputTokens: in, OutputTokens: o, TotalTokens: in + o}
	return out
}

// finishReason maps Ollama's done_reason: stop → stop; length → length;
// anything else, including none, → unknown.
func finishReason(reason string) providers.FinishReason {
	switch reason {
	case "stop":
		return providers.FinishStop
	case "length":
		return providers.FinishLength
	}
	return providers.FinishUnknown
}

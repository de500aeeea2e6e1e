package anthropicchat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wire"
)

// Names and defaults.
const (
	// ProviderName is reported in Response.Provider and Error.Provider.
	ProviderName = "anthropic"
	// DefaultModel is used when Options.Model is empty.
	DefaultModel = "claude-sonnet-4-5"
	// DefaultBaseURL is Anthropic's API; "/messages" is appended.
	DefaultBaseURL = "https://api.anthropic.com/v1"
	// DefaultMaxTokens caps replies when neither the request nor the
	// options do: the Messages API requires a cap.
	DefaultMaxTokens = 4096
)

// ErrMalformedResponse is wrapped (inside a *providers.Error with
// providers.CodeUnknown) by the error of a call whose 2xx reply could not be
// decoded as a message.
var ErrMalformedResponse = errors.New("anthropicchat: malformed response")

// Options configure a [Client]. A nil *Options means the defaults.
type Options struct {
	// BaseURL is the API root; default [DefaultBaseURL].
	BaseURL string
	// Model names the model; default [DefaultModel].
	Model string
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
	// MaxTokens caps replies when Request.MaxTokens is 0; default
	// [DefaultMaxTokens].
	MaxTokens int
	// Temperature is used when Request.Temperature is nil; nil sends no
	// temperature, so the vendor's default applies.
	Temperature *float64
	// Now is the clock for Retry-After dates when a reply has no Date
	// header. Default time.Now.
	Now func() time.Time
}

// OptionError is an option [New] cannot use. Its message never quotes the
// value, which may be a credential or a URL holding one.
type OptionError struct {
	Option string
	Err    error
}

func (e *OptionError) Error() string {
	return "anthropicchat: option " + e.Option + ": " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *OptionError) Unwrap() error { return e.Err }

// Client is a [providers.Provider] for Anthropic's Messages API. It is safe
// for concurrent use by multiple goroutines.
type Client struct {
	llm         *anthropic.LLM
	model       string
	maxTokens   int
	temperature *float64
	now         func() time.Time
}

var _ providers.Provider = (*Client)(nil)

// New returns a client for Anthropic with the given API key.
//
// It fails with an *[OptionError] if apiKey is empty, BaseURL is not an
// absolute http(s) URL without query, MaxTokens or MaxResponseBytes is
// negative, or Temperature is outside [0, 2].
func New(apiKey string, opts *Options) (*Client, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	switch {
	case apiKey == "":
		return nil, &OptionError{Option: "apiKey", Err: errors.New("empty")}
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
	if o.MaxTokens == 0 {
		o.MaxTokens = DefaultMaxTokens
	}
	var next wire.Doer = o.HTTPClient
	if next == nil {
		next = wire.DefaultClient()
	}
	tr := &wire.Transport{Next: next, MaxBody: o.MaxResponseBytes}
	// The key is passed explicitly, so ANTHROPIC_API_KEY is never read.
	llm, err := anthropic.New(
		anthropic.WithToken(apiKey),
		anthropic.WithModel(o.Model),
		anthropic.WithBaseURL(o.BaseURL),
		anthropic.WithHTTPClient(tr.Client()),
	)
	if err != nil {
		return nil, &OptionError{Option: "client", Err: err}
	}
	var temp *float64
	if o.Temperature != nil {
		t := *o.Temperature
		temp = &t
	}
	return &Client{llm: llm, model: o.Model, maxTokens: o.MaxTokens, temperature: temp, now: o.Now}, nil
}

// Model returns the model the client asks for.
func (c *Client) Model() string { return c.model }

// toolInstruction is added to the system prompt of a request with a
// schema, for gateways that drop tool_choice.
const toolInstruction = "Answer only by calling the tool %s exactly once, with the complete document as its input."

// Generate sends req as one message request and returns the normalised
// reply. See the package documentation for how schemas, finish reasons,
// refusals, usage and errors are mapped.
func (c *Client) Generate(ctx context.Context, req *providers.Request) (resp *providers.Response, err error) {
	defer wire.Recover(ProviderName, ErrMalformedResponse, &resp, &err)
	if err := wire.Invalid(req, ProviderName); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, wire.ContextError(ctx, ProviderName)
	}
	n := req.MaxTokens
	if n == 0 {
		n = c.maxTokens
	}
	opts := []llms.CallOption{llms.WithMaxTokens(n)}
	edits := []wire.Edit{wire.SetTemperature(wire.Temperature(req.Temperature, c.temperature))}
	schema := req.Schema
	msgs := systemFirst(req.Messages, "")
	if schema != nil {
		msgs = systemFirst(req.Messages, strings.Replace(toolInstruction, "%s", schema.Name, 1))
		opts = append(opts, llms.WithTools([]llms.Tool{{Type: "function", Function: &llms.FunctionDefinition{
			Name: schema.Name, Description: schema.Description, Parameters: json.RawMessage(schema.Full),
		}}}))
		// langchaingo does not send tool_choice to Anthropic: force the
		// tool on the wire.
		choice, err := json.Marshal(struct {
			Type string `json:"type"`
			Name string `json:"name"`
		}{"tool", schema.Name})
		if err != nil {
			return nil, &providers.Error{Provider: ProviderName, Op: "generate", Code: providers.CodeUnknown, Err: err}
		}
		edits = append(edits, wire.Set("tool_choice", choice))
	}
	ex := &wire.Exchange{Rewrite: wire.Edits(edits...)}
	lresp, lerr := c.llm.GenerateContent(wire.WithExchange(ctx, ex), wire.Messages(msgs), opts...)
	ok := ex.Status == http.StatusOK && ex.BodyErr == nil
	var sn sniffed
	if ok {
		_ = json.Unmarshal(ex.Body.Bytes(), &sn) // best effort
	}
	switch {
	case ok && lerr == nil:
		return c.response(lresp.Choices, sn, schema), nil
	case ok && errors.Is(lerr, anthropic.ErrEmptyResponse) && sn.StopReason != "":
		// A reply with no content blocks (a refusal, or an empty turn) is
		// a reply, not a failure.
		return c.response(nil, sn, schema), nil
	}
	u := sn.usage()
	return nil, wire.Classify(ctx, ProviderName, ex, lerr, ErrMalformedResponse, c.now, &u)
}

// systemFirst returns the messages with every system message merged, in
// order and separated by blank lines, into one system message in front,
// followed by extra if set. req.Messages is not modified.
func systemFirst(msgs []providers.Message, extra string) []providers.Message {
	var system []string
	out := make([]providers.Message, 1, len(msgs)+1)
	for _, m := range msgs {
		if m.Role == providers.RoleSystem {
			system = append(system, m.Content)
			continue
		}
		out = append(out, m)
	}
	if extra != "" {
		system = append(system, extra)
	}
	if len(system) == 0 {
		return out[1:]
	}
	out[0] = providers.Message{Role: providers.RoleSystem, Content: strings.Join(system, "\n\n")}
	return out
}

// sniffed is what the client reads from the raw reply itself: the model,
// and the stop reason and usage when langchaingo returns no choices.
type sniffed struct {
	Model      string `json:"model"`
	StopReason string `json:"stop_reason"`
	Content    []struct {
		Type  string          `json:"type"`
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"content"`
	Usage struct {
		InputTokens              int `json:"input_tokens"`
		OutputTokens             int `json:"output_tokens"`
		CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
		CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	} `json:"usage"`
}

func (s *sniffed) usage() providers.Usage {
	return normalise(s.Usage.InputTokens, s.Usage.OutputTokens, s.Usage.CacheCreationInputTokens, s.Usage.CacheReadInputTokens)
}

// normalise counts every input token, cached or not, as input (Anthropic's
// input_tokens excludes the cached ones) and the cache reads as cached.
func normalise(in, out, cacheWrite, cacheRead int) providers.Usage {
	in, out, cacheWrite, cacheRead = wire.Count(in), wire.Count(out), wire.Count(cacheWrite), wire.Count(cacheRead)
	total := in + cacheWrite + cacheRead
	return providers.Usage{InputTokens: total, OutputTokens: out, TotalTokens: total + out, CachedInputTokens: cacheRead}
}

func (c *Client) response(choices []*llms.ContentChoice, sn sniffed, schema *providers.Schema) *providers.Response {
	out := &providers.Response{Provider: ProviderName, Model: sn.Model}
	if out.Model == "" {
		out.Model = c.model
	}
	stop := sn.StopReason
	if len(choices) == 0 {
		out.Usage = sn.usage()
	} else {
		// langchaingo makes one choice per content block and copies the
		// whole message's usage into each: read it once.
		info := choices[0].GenerationInfo
		out.Usage = normalise(wire.Int(info, "InputTokens"), wire.Int(info, "OutputTokens"),
			wire.Int(info, "CacheCreationInputTokens"), wire.Int(info, "CacheReadInputTokens"))
		stop = choices[0].StopReason
	}
	var text strings.Builder
	var args string
	called := false
	for _, ch := range choices {
		text.WriteString(ch.Content)
		for _, tc := range ch.ToolCalls {
			if !called && schema != nil && tc.FunctionCall != nil && tc.FunctionCall.Name == schema.Name {
				args, called = tc.FunctionCall.Arguments, true
			}
		}
	}
	out.Text = text.String()
	if called {
		out.Text = args
		// langchaingo decodes the tool input into a map and encodes it
		// again, which sorts the keys: prefer the bytes as sent.
		for _, b := range sn.Content {
			if b.Type == "tool_use" && b.Name == schema.Name && json.Valid(b.Input) {
				out.Text = string(b.Input)
				break
			}
		}
	}
	out.FinishReason = finishReason(stop)
	if out.FinishReason == providers.FinishRefusal {
		out.Refusal, out.Text = text.String(), ""
	}
	return out
}

// finishReason maps an Anthropic stop_reason: end_turn, stop_sequence and
// tool_use → stop; max_tokens and model_context_window_exceeded → length;
// refusal → refusal; anything else → unknown.
func finishReason(reason string) providers.FinishReason {
	switch reason {
	case "end_turn", "stop_sequence", "tool_use":
		return providers.FinishStop
	case "max_tokens", "model_context_window_exceeded":
		return providers.FinishLength
	case "refusal":
		return providers.FinishRefusal
	}
	return providers.FinishUnknown
}

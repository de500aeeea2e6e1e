package openaichat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wire"
)

// Names and defaults.
const (
	// ProviderName is reported by clients made with [New].
	ProviderName = "openai"
	// CompatibleProviderName is reported by clients made with
	// [NewCompatible].
	CompatibleProviderName = "openai-compatible"
	// AzureProviderName is reported by clients made with [NewAzure].
	AzureProviderName = "azure-openai"
	// DefaultModel is the model [New] uses when Options.Model is empty.
	DefaultModel = "gpt-4o"
	// DefaultBaseURL is OpenAI's API.
	DefaultBaseURL = "https://api.openai.com/v1"
	// DefaultAzureAPIVersion is the Azure OpenAI api-version [NewAzure]
	// uses when Options.APIVersion is empty: the first GA version with
	// strict structured outputs.
	DefaultAzureAPIVersion = "2024-10-21"
)

// ErrMalformedResponse is wrapped (inside a *providers.Error with
// providers.CodeUnknown) by the error of a call whose 2xx reply could not be
// decoded as a chat completion.
var ErrMalformedResponse = errors.New("openaichat: malformed response")

// Structured says how a request's schema reaches the model.
type Structured int

// The structured-output modes.
const (
	// StructuredDefault is StructuredToolCall for [New] and [NewAzure]
	// and StructuredPrompt for [NewCompatible].
	StructuredDefault Structured = iota
	// StructuredToolCall forces a call of one strict function whose
	// parameters are Schema.Strict (Schema.Full when Strict is empty),
	// sent unchanged; the reply is the call's arguments. The vendor
	// enforces the schema.
	StructuredToolCall
	// StructuredJSONObject asks for response_format json_object and puts
	// the full schema in the system prompt. The vendor guarantees JSON,
	// not the schema.
	StructuredJSONObject
	// StructuredPrompt only puts the full schema in the system prompt,
	// for servers that support neither tools nor JSON mode.
	StructuredPrompt
)

// Options configure a [Client]. A nil *Options means the defaults.
type Options struct {
	// BaseURL is the API root that "/chat/completions" is appended to.
	// [New]: default [DefaultBaseURL]. [NewCompatible] and [NewAzure]
	// take it as an argument and ignore this field.
	BaseURL string
	// APIKey is the key [NewCompatible] sends as a bearer token; empty
	// sends no Authorization header. [New] and [NewAzure] take the key as
	// an argument and ignore this field.
	APIKey string
	// Model names the model. [New]: default [DefaultModel].
	// [NewCompatible]: required. [NewAzure] takes the deployment as an
	// argument and ignores this field.
	Model string
	// Organization, if set, is sent as the OpenAI-Organization header.
	Organization string
	// APIVersion is the Azure api-version; default
	// [DefaultAzureAPIVersion]. Used by [NewAzure] only.
	APIVersion string
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
	// MaxTokens caps replies when Request.MaxTokens is 0; 0 sends no cap.
	MaxTokens int
	// Temperature is used when Request.Temperature is nil; nil sends no
	// temperature at all, so the vendor's default applies.
	Temperature *float64
	// Structured says how a Request.Schema reaches the model.
	Structured Structured
	// LegacyMaxTokens sends the cap as max_tokens instead of
	// max_completion_tokens, for older compatible servers.
	LegacyMaxTokens bool
	// Now is the clock for Retry-After dates when a reply has no Date
	// header. Default time.Now.
	Now func() time.Time
}

// OptionError is an option a constructor cannot use. Its message never
// quotes the value, which may be a credential or a URL holding one.
type OptionError struct {
	Option string
	Err    error
}

func (e *OptionError) Error() string { return "openaichat: option " + e.Option + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *OptionError) Unwrap() error { return e.Err }

// Client is a [providers.Provider] for OpenAI's chat completions API and
// servers that speak it. It is safe for concurrent use by multiple
// goroutines.
type Client struct {
	llm         *openai.LLM
	name        string
	model       string
	structured  Structured
	maxTokens   int
	temperature *float64
	legacyMax   bool
	now         func() time.Time
}

var _ providers.Provider = (*Client)(nil)

// New returns a client for OpenAI with the given API key.
//
// It fails with an *[OptionError] if apiKey is empty, a URL is not an
// absolute http(s) URL without query, MaxTokens or MaxResponseBytes is negative.
func New(apiKey string, opts *Options) (*Client, error) {
	o := options(opts)
	if apiKey == "" {
		return nil, &OptionError{Option: "apiKey", Err: errors.New("empty")}
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Structured == StructuredDefault {
		o.Structured = StructuredToolCall
	}
	return newClient(ProviderName, apiKey, o, false)
}

// NewCompatible returns a client for an OpenAI-compatible server (vLLM,
// llama.cpp server, LM Studio, a gateway) at baseURL, the root that
// "/chat/completions" is appended to (for example "http://localhost:8000/v1").
// Options.Model is required; Options.APIKey is optional. Schemas go in
// the prompt unless Options.Structured says otherwise.
//
// It fails with an *[OptionError] if baseURL is not an absolute http(s)
// URL without query, the model is empty, MaxTokens or MaxResponseBytes is negative.
func NewCompatible(baseURL string, opts *Options) (*Client, error) {
	o := options(opts)
	o.BaseURL = baseURL
	if o.Model == "" {
		return nil, &OptionError{Option: "Model", Err: errors.New("required for a compatible server")}
	}
	if o.Structured == StructuredDefault {
		o.Structured = StructuredPrompt
	}
	key, dropAuth := o.APIKey, false
	if key == "" {
		// langchaingo refuses to work without a key; send none.
		key, dropAuth = "unused", true
	}
	return newClient(CompatibleProviderName, key, o, dropAuth)
}

// NewAzure returns a client for an Azure OpenAI deployment: endpoint is the
// resource's root (for example "https://example.openai.azure.com"),
// deployment the deployment name, and the key is sent in the api-key header.
//
// It fails with an *[OptionError] if an argument is empty, endpoint is not
// an absolute http(s) URL without query, MaxTokens or MaxResponseBytes is negative.
func NewAzure(endpoint, apiKey, deployment string, opts *Options) (*Client, error) {
	o := options(opts)
	switch {
	case apiKey == "":
		return nil, &OptionError{Option: "apiKey", Err: errors.New("empty")}
	case deployment == "":
		return nil, &OptionError{Option: "deployment", Err: errors.New("empty")}
	}
	o.BaseURL, o.Model = endpoint, deployment
	if o.APIVersion == "" {
		o.APIVersion = DefaultAzureAPIVersion
	}
	if o.Structured == StructuredDefault {
		o.Structured = StructuredToolCall
	}
	return newClient(AzureProviderName, apiKey, o, false)
}

func options(opts *Options) Options {
	if opts == nil {
		return Options{}
	}
	return *opts
}

func newClient(name, key string, o Options, dropAuth bool) (*Client, error) {
	if err := wire.CheckURL(o.BaseURL); err != nil {
		return nil, &OptionError{Option: "BaseURL", Err: err}
	}
	if o.MaxTokens < 0 {
		return nil, &OptionError{Option: "MaxTokens", Err: errors.New("negative")}
	}
	if o.MaxResponseBytes < 0 {
		return nil, &OptionError{Option: "MaxResponseBytes", Err: errors.New("negative")}
	}
	if t := o.Temperature; t != nil && (*t < 0 || *t > 2) {
		return nil, &OptionError{Option: "Temperature", Err: errors.New("outside [0, 2]")}
	}
	if o.Structured < StructuredDefault || o.Structured > StructuredPrompt {
		return nil, &OptionError{Option: "Structured", Err: errors.New("unknown mode")}
	}
	var next wire.Doer = o.HTTPClient
	if next == nil {
		next = wire.DefaultClient()
	}
	tr := &wire.Transport{Next: next, MaxBody: o.MaxResponseBytes, DropAuthorization: dropAuth}
	// Every value langchaingo would otherwise read from the environment
	// (OPENAI_API_KEY, OPENAI_MODEL, OPENAI_BASE_URL, OPENAI_API_BASE,
	// OPENAI_ORGANIZATION) is passed explicitly.
	lopts := []openai.Option{
		openai.WithToken(key),
		openai.WithModel(o.Model),
		openai.WithBaseURL(o.BaseURL),
		openai.WithOrganization(o.Organization),
		openai.WithHTTPClient(tr.Client()),
	}
	if name == AzureProviderName {
		lopts = append(lopts, openai.WithAPIType(openai.APITypeAzure), openai.WithAPIVersion(o.APIVersion))
	}
	llm, err := openai.New(lopts...)
	if err != nil {
		return nil, &OptionError{Option: "client", Err: err}
	}
	var temp *float64
	if o.Temperature != nil {
		t := *o.Temperature
		temp = &t
	}
	return &Client{
		llm: llm, name: name, model: o.Model, structured: o.Structured,
		maxTokens: o.MaxTokens, temperature: temp, legacyMax: o.LegacyMaxTokens, now: o.Now,
	}, nil
}

// Model returns the model the client asks for.
func (c *Client) Model() string { return c.model }

// Generate sends req as one chat completion and returns the normalised
// reply. See the package documentation for how schemas, finish reasons,
// refusals, usage and errors are mapped.
func (c *Client) Generate(ctx context.Context, req *providers.Request) (resp *providers.Response, err error) {
	defer wire.Recover(c.name, ErrMalformedResponse, &resp, &err)
	if err := wire.Invalid(req, c.name); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, wire.ContextError(ctx, c.name)
	}
	msgs := req.Messages
	var opts []llms.CallOption
	n := req.MaxTokens
	if n == 0 {
		n = c.maxTokens
	}
	if n > 0 {
		opts = append(opts, llms.WithMaxTokens(n))
		if c.legacyMax {
			opts = append(opts, openai.WithLegacyMaxTokensField())
		}
	}
	schema := req.Schema
	tool := false
	if schema != nil {
		switch c.structured {
		case StructuredToolCall:
			tool = true
			params := schema.Strict
			if len(params) == 0 {
				params = schema.Full
			}
			opts = append(opts,
				llms.WithTools([]llms.Tool{{Type: "function", Function: &llms.FunctionDefinition{
					Name: schema.Name, Description: schema.Description, Parameters: json.RawMessage(params), Strict: true,
				}}}),
				llms.WithToolChoice(llms.ToolChoice{Type: "function", Function: &llms.FunctionReference{Name: schema.Name}}),
			)
		case StructuredJSONObject:
			msgs = wire.WithSystem(msgs, wire.SchemaInstruction(schema))
			opts = append(opts, llms.WithJSONMode())
		default:
			msgs = wire.WithSystem(msgs, wire.SchemaInstruction(schema))
		}
	}
	// langchaingo always sends a temperature (0 when unset) except for
	// models it believes are reasoning models: send exactly what was asked.
	ex := &wire.Exchange{Rewrite: wire.SetTemperature(wire.Temperature(req.Temperature, c.temperature))}
	lresp, lerr := c.llm.GenerateContent(wire.WithExchange(ctx, ex), wire.Messages(msgs), opts...)
	if lerr != nil || ex.Status != http.StatusOK || ex.BodyErr != nil {
		return nil, wire.Classify(ctx, c.name, ex, lerr, ErrMalformedResponse, c.now, nil)
	}
	return c.response(lresp.Choices[0], ex.Body.Bytes(), schema, tool), nil
}

// sniffed is what langchaingo drops from a chat completion.
type sniffed struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Refusal string `json:"refusal"`
		} `json:"message"`
	} `json:"choices"`
}

func (c *Client) response(ch *llms.ContentChoice, body []byte, schema *providers.Schema, tool bool) *providers.Response {
	var sn sniffed
	_ = json.Unmarshal(body, &sn) // best effort: langchaingo has decoded it already
	out := &providers.Response{
		Text:         ch.Content,
		FinishReason: finishReason(ch.StopReason),
		Usage:        usage(ch.GenerationInfo),
		Model:        sn.Model,
		Provider:     c.name,
	}
	if out.Model == "" {
		out.Model = c.model
	}
	called := false
	if tool {
		for _, tc := range ch.ToolCalls {
			if tc.FunctionCall != nil && tc.FunctionCall.Name == schema.Name {
				out.Text, called = tc.FunctionCall.Arguments, true
				break
			}
		}
	}
	switch {
	case len(sn.Choices) > 0 && sn.Choices[0].Message.Refusal != "":
		out.FinishReason, out.Refusal = providers.FinishRefusal, sn.Choices[0].Message.Refusal
	case out.FinishReason == providers.FinishStop && !called && len(ch.ToolCalls) == 0 && out.Text == "":
		// OpenAI reports a refusal as an empty message that stopped.
		out.FinishReason = providers.FinishRefusal
	}
	return out
}

// finishReason maps an OpenAI finish_reason: stop, tool_calls and
// function_call → stop; length → length; content_filter → content filter;
// anything else → unknown.
func finishReason(reason string) providers.FinishReason {
	switch reason {
	case "stop", "tool_calls", "function_call":
		return providers.FinishStop
	case "length":
		return providers.FinishLength
	case "content_filter":
		return providers.FinishContentFilter
	}
	return providers.FinishUnknown
}

func usage(info map[string]any) providers.Usage {
	u := providers.Usage{
		InputTokens:       wire.Int(info, "PromptTokens"),
		OutputTokens:      wire.Int(info, "CompletionTokens"),
		TotalTokens:       wire.Int(info, "TotalTokens"),
		CachedInputTokens: wire.Int(info, "PromptCachedTokens"),
		ReasoningTokens:   wire.Int(info, "ReasoningTokens"),
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.InputTokens + u.OutputTokens
	}
	return u
}

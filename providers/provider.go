package providers

import (
	"context"
	"encoding/json"
	"fmt"
)

// Provider generates a reply to a conversation.
//
// Implementations must be safe for concurrent use by multiple goroutines.
// They must honour ctx: when it is cancelled or its deadline passes,
// Generate returns promptly with an error that wraps ctx.Err() and that
// [CodeOf] classifies as [CodeCanceled] or [CodeTimeout] (a bare ctx.Err()
// qualifies), so that retry middleware never retries a call its caller gave
// up on. A request that fails [Request.Validate] is rejected with an error
// matching [ErrInvalidRequest]. Implementations must not modify req or
// anything it points to. On error the returned *Response is nil.
//
// On success Generate returns a non-nil *Response whose FinishReason is set;
// a reply cut short by the token limit is reported as [FinishLength] with
// whatever text arrived, a refusal as [FinishRefusal], and a reply withheld
// by a content filter as [FinishContentFilter]. Failures to get any reply at
// all are returned as a *[Error] carrying a [Code].
type Provider interface {
	Generate(ctx context.Context, req *Request) (*Response, error)
}

// Role is the author of a message in a conversation.
type Role string

// The roles a conversation may contain.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleSystem, RoleUser, RoleAssistant:
		return true
	}
	return false
}

// Message is one turn of a conversation.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content"`
}

// Schema describes the JSON document a reply must be.
//
// Full is the complete JSON Schema (draft 2020-12) the reply is validated
// against. Strict is a variant that satisfies the restrictions of vendors'
// strict structured-output modes (every property required, no oneOf, no
// $ref with siblings); adapters whose vendor enforces a schema send Strict
// when it is set and Full otherwise. Adapters must send the schema
// unchanged.
type Schema struct {
	// Name identifies the schema to the vendor (for example the name of
	// the forced tool). It must match ^[a-zA-Z0-9_-]{1,64}$.
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Full        json.RawMessage `json:"full"`
	Strict      json.RawMessage `json:"strict,omitempty"`
}

// Request is one call to a model.
type Request struct {
	// Messages is the conversation, oldest first. It must not be empty.
	Messages []Message
	// Schema, when set, asks for a reply that is a JSON document matching
	// it. The reply's JSON is returned in Response.Text.
	Schema *Schema
	// MaxTokens caps the reply's length; 0 means the adapter's default.
	MaxTokens int
	// Temperature is the sampling temperature; nil means the vendor's
	// default (which is not necessarily 0).
	Temperature *float64
}

// Validate reports whether the request is well-formed. The returned error is
// a *[Error] with [CodeInvalidRequest], so adapters may return it as is.
func (r *Request) Validate() error {
	invalid := func(format string, args ...any) error {
		return &Error{Op: "validate", Code: CodeInvalidRequest, Err: fmt.Errorf(format, args...)}
	}
	if r == nil {
		return invalid("nil request")
	}
	if len(r.Messages) == 0 {
		return invalid("no messages")
	}
	for i, m := range r.Messages {
		if !m.Role.Valid() {
			return invalid("messages[%d]: unknown role %q", i, m.Role)
		}
	}
	if r.MaxTokens < 0 {
		return invalid("max tokens %d is negative", r.MaxTokens)
	}
	if r.Temperature != nil && (*r.Temperature < 0 || *r.Temperature > 2) {
		return invalid("temperature %g is outside [0, 2]", *r.Temperature)
	}
	if s := r.Schema; s != nil {
		if !validSchemaName(s.Name) {
			return invalid("schema name %q must match ^[a-zA-Z0-9_-]{1,64}$", s.Name)
		}
		if !json.Valid(s.Full) {
			return invalid("schema %q: full schema is not valid JSON", s.Name)
		}
		if len(s.Strict) > 0 && !json.Valid(s.Strict) {
			return invalid("schema %q: strict schema is not valid JSON", s.Name)
		}
	}
	return nil
}

func validSchemaName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// FinishReason says why a model stopped, normalised across vendors.
type FinishReason string

// The normalised finish reasons.
const (
	// FinishStop: the model finished its reply (including a forced tool
	// call carrying the structured output).
	FinishStop FinishReason = "stop"
	// FinishLength: the reply was cut off by the token limit; the text is
	// incomplete.
	FinishLength FinishReason = "length"
	// FinishContentFilter: the vendor withheld or cut the reply.
	FinishContentFilter FinishReason = "content_filter"
	// FinishRefusal: the model declined to answer.
	FinishRefusal FinishReason = "refusal"
	// FinishUnknown: the vendor gave no reason or one this package does not
	// know.
	FinishUnknown FinishReason = "unknown"
)

// Usage counts tokens, normalised across vendors. Zero means not reported.
type Usage struct {
	InputTokens       int `json:"input_tokens"`
	OutputTokens      int `json:"output_tokens"`
	TotalTokens       int `json:"total_tokens"`
	CachedInputTokens int `json:"cached_input_tokens,omitempty"`
	ReasoningTokens   int `json:"reasoning_tokens,omitempty"`
}

// Add returns the field-wise sum of u and v. A TotalTokens of zero in either
// operand is taken as InputTokens+OutputTokens of that operand.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:       u.InputTokens + v.InputTokens,
		OutputTokens:      u.OutputTokens + v.OutputTokens,
		TotalTokens:       u.Total() + v.Total(),
		CachedInputTokens: u.CachedInputTokens + v.CachedInputTokens,
		ReasoningTokens:   u.ReasoningTokens + v.ReasoningTokens,
	}
}

// Total returns TotalTokens, or InputTokens+OutputTokens when the vendor
// reported no total.
func (u Usage) Total() int {
	if u.TotalTokens != 0 {
		return u.TotalTokens
	}
	return u.InputTokens + u.OutputTokens
}

// Response is a model's reply.
type Response struct {
	// Text is the reply; for a request with a Schema, the JSON document.
	Text string
	// FinishReason says why the model stopped.
	FinishReason FinishReason
	// Refusal is the model's explanation when FinishReason is
	// FinishRefusal, if it gave one.
	Refusal string
	// Usage is the token usage of this call.
	Usage Usage
	// Model is the model that answered, as the vendor names it.
	Model string
	// Provider names the adapter that answered ("openai", "fake", ...).
	Provider string
}

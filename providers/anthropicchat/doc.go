// Package anthropicchat is a [providers.Provider] for Anthropic's Messages
// API, built on langchaingo's anthropic package; nothing else in careguard
// imports langchaingo. The library reads no environment variables: the key
// is passed explicitly, so ANTHROPIC_API_KEY never changes what a Client
// does.
//
// # Structured output
//
// A request with a [providers.Schema] offers one tool named after the
// schema whose input_schema is Schema.Full, unchanged (Anthropic does not
// enforce schemas, so the full one tells the model the most). langchaingo
// ignores tool choice for Anthropic, so the client's transport adds
// "tool_choice": {"type": "tool", "name": …} to the request body, and the
// system prompt also asks for exactly one call of the tool, for gateways
// that drop tool_choice. The reply's Text is the tool's input as Anthropic
// sent it. If no call of the tool arrived, Text is the reply's text blocks
// joined, so that the caller's validation (careplan's repair loop) sees the
// reply and can ask again; replies are never validated here.
//
// System messages are merged, in order and separated by blank lines, into
// the one system prompt the Messages API takes.
//
// # Replies
//
// stop_reason end_turn, stop_sequence and tool_use give
// [providers.FinishStop]; max_tokens and model_context_window_exceeded
// [providers.FinishLength] with whatever arrived; refusal
// [providers.FinishRefusal] with the text blocks as Response.Refusal. A
// reply without content blocks is still a reply, with empty Text.
//
// langchaingo makes one choice per content block and copies the whole
// message's usage into every one of them; the client reads it once, never
// summing over blocks. Usage.InputTokens counts every input token:
// input_tokens + cache_creation_input_tokens + cache_read_input_tokens
// (Anthropic's input_tokens excludes cached ones);
// Usage.CachedInputTokens is cache_read_input_tokens; TotalTokens is input
// plus output.
//
// # Sampling
//
// The token cap is Request.MaxTokens, else [Options.MaxTokens], else
// [DefaultMaxTokens]. The temperature is Request.Temperature, else
// [Options.Temperature], else none: the body then has no temperature field
// (langchaingo would send 0), and the vendor's default applies.
//
// # Errors
//
// [New] fails with an *[OptionError]. Generate fails with a
// *[providers.Error] classified from the HTTP exchange itself, seen by a
// wrapping http.RoundTripper, never from message text: 401 and 403
// [providers.CodeAuth]; 429 [providers.CodeRateLimited] with RetryAfter
// from Retry-After (seconds or HTTP-date); 408 [providers.CodeTimeout];
// 409, 5xx and 529 (overloaded) [providers.CodeUnavailable]; other 4xx
// [providers.CodeInvalidRequest]; no response at all
// [providers.CodeUnavailable] (or [providers.CodeTimeout] for a network
// timeout); a 2xx reply that is not a message [providers.CodeUnknown]
// wrapping [ErrMalformedResponse] (and, when the reply still reported
// usage, an error whose TokenUsage method returns it, so middleware can
// count the tokens spent). A cancelled or expired ctx gives
// [providers.CodeCanceled] or [providers.CodeTimeout] wrapping ctx.Err().
//
// # Concurrency
//
// A [Client] is safe for concurrent use by multiple goroutines. [Options]
// and [OptionError] are plain values.
package anthropicchat

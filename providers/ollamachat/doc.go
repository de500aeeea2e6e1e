// Package ollamachat is a [providers.Provider] for Ollama's chat API
// (/api/chat), built on langchaingo's ollama package; nothing else in
// careguard imports langchaingo. The library reads no environment
// variables: the server URL is always passed explicitly, so OLLAMA_HOST
// never changes what a Client does. The URL is checked by [New] and
// reported as an *[OptionError], because langchaingo calls log.Fatal on a
// URL it cannot parse.
//
// # Structured output
//
// A request with a [providers.Schema] gets the full schema in the system
// prompt (merged into the first system message, or in a new one in front)
// and format "json", so the reply is JSON; with [Options.SchemaFormat] the
// schema itself is sent as the format, which Ollama 0.5 and later enforce.
// Replies are never validated here: callers validate against the full
// schema (careplan does).
//
// # Replies
//
// Requests are sent with "stream": false. done_reason stop gives
// [providers.FinishStop] and length [providers.FinishLength]; a reply
// without a done_reason (older servers; langchaingo drops the field, the
// client reads it from the reply) gives [providers.FinishUnknown]. Usage is
// prompt_eval_count as input and eval_count as output. Ollama has no
// refusal signal.
//
// # Sampling
//
// The token cap (num_predict) is Request.MaxTokens, else
// [Options.MaxTokens], else the server's default. The temperature is
// Request.Temperature, else [Options.Temperature], else none: the body then
// has no options.temperature (langchaingo would send 0), and the model's
// default applies.
//
// # Errors
//
// [New] fails with an *[OptionError]. Generate fails with a
// *[providers.Error] classified from the HTTP exchange itself, seen by a
// wrapping http.RoundTripper, never from message text: 401 and 403
// [providers.CodeAuth] (for servers behind an authenticating proxy); 429
// [providers.CodeRateLimited] with RetryAfter; 408 [providers.CodeTimeout];
// 409 and 5xx [providers.CodeUnavailable]; other 4xx (404: model not
// pulled) [providers.CodeInvalidRequest]; no response at all
// [providers.CodeUnavailable]; a 2xx reply without a final chat object
// [providers.CodeUnknown] wrapping [ErrMalformedResponse]. A failing status
// is an error even where langchaingo would report an empty success. A
// cancelled or expired ctx gives [providers.CodeCanceled] or
// [providers.CodeTimeout] wrapping ctx.Err().
//
// # Concurrency
//
// A [Client] is safe for concurrent use by multiple goroutines. [Options]
// and [OptionError] are plain values.
package ollamachat

// Package openaichat is a [providers.Provider] for OpenAI's chat completions
// API ([New]), Azure OpenAI deployments ([NewAzure]) and any server that
// speaks the same protocol by base URL: vLLM, llama.cpp server, LM Studio,
// gateways ([NewCompatible]). It is built on langchaingo's openai package;
// nothing else in careguard imports langchaingo.
//
// The library reads no environment variables: every value langchaingo
// would take from OPENAI_API_KEY, OPENAI_MODEL, OPENAI_BASE_URL,
// OPENAI_API_BASE or OPENAI_ORGANIZATION is passed explicitly, so the
// environment never changes what a Client does.
//
// # Structured output
//
// A request with a [providers.Schema] is answered as [Options.Structured]
// says. The default for OpenAI and Azure is a forced call of one strict
// function named after the schema, whose parameters are Schema.Strict
// exactly as given (Schema.Full when Strict is empty); the reply's Text is
// the call's arguments. Compatible servers default to the schema in the
// system prompt (merged into the first system message, or in a new one in
// front), because many support neither strict tools nor JSON mode;
// [StructuredJSONObject] adds response_format json_object. Replies are
// never validated here: callers validate against the full schema (careplan
// does).
//
// # Replies
//
// finish_reason stop, tool_calls and function_call give
// [providers.FinishStop]; length gives [providers.FinishLength] with the
// partial text (or partial arguments); content_filter gives
// [providers.FinishContentFilter]. A message with a refusal field, or an
// empty message that stopped without a tool call, is
// [providers.FinishRefusal] with the refusal text when OpenAI gave one.
// Usage maps prompt_tokens, completion_tokens, total_tokens,
// prompt_tokens_details.cached_tokens and
// completion_tokens_details.reasoning_tokens. Response.Model is the model
// named in the reply (for example a dated snapshot), else the one asked for.
//
// # Sampling
//
// The token cap is Request.MaxTokens, else [Options.MaxTokens], else none.
// The temperature is Request.Temperature, else [Options.Temperature], else
// none: the request body then has no temperature field at all and the
// vendor's default applies. (langchaingo always writes one, 0 when unset;
// the client's transport removes it, or writes the value asked for, so
// langchaingo's guesses about reasoning models do not drop a temperature
// the caller set.)
//
// # Errors
//
// Constructors fail with an *[OptionError]. Generate fails with a
// *[providers.Error] classified from the HTTP exchange itself, seen by a
// wrapping http.RoundTripper, never from message text: 401 and 403
// [providers.CodeAuth]; 429 [providers.CodeRateLimited] with RetryAfter
// from retry-after-ms or Retry-After (seconds or HTTP-date); 408
// [providers.CodeTimeout]; 409 and 5xx [providers.CodeUnavailable]; other
// 4xx [providers.CodeInvalidRequest]; no response at all
// [providers.CodeUnavailable] (or [providers.CodeTimeout] for a network
// timeout) wrapping the transport's error; a 2xx reply that is not a chat
// completion [providers.CodeUnknown] wrapping [ErrMalformedResponse]. A
// cancelled or expired ctx gives [providers.CodeCanceled] or
// [providers.CodeTimeout] wrapping ctx.Err(). StatusCode is set whenever
// there was a response.
//
// # Concurrency
//
// A [Client] is safe for concurrent use by multiple goroutines. [Options]
// and [OptionError] are plain values.
package openaichat

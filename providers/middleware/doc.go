// Package middleware makes a [providers.Provider] dependable: each type here
// wraps one and is one, so they stack in any order.
//
//   - [Retry] repeats calls that failed with a retryable code, with
//     exponential backoff and full jitter, honouring the vendor's
//     Retry-After, bounded by attempts and total time.
//   - [Timeout] bounds each attempt.
//   - [RateLimit] keeps within requests and tokens per minute.
//   - [Breaker] stops calling a vendor that keeps failing, and probes it
//     after a cooldown.
//   - [Fallback] asks a second provider when the first fails.
//
// A stack that fits most uses, from the outside in:
//
//	p := middleware.NewFallback(
//		middleware.NewBreaker(
//			middleware.NewRetry(
//				middleware.NewRateLimit(
//					middleware.NewTimeout(primary, 2*time.Minute),
//					&middleware.RateLimitOptions{RequestsPerMinute: 500, TokensPerMinute: 200_000}),
//				nil),
//			nil),
//		secondary, nil)
//
// Each attempt is timed and rate-limited on its own; the breaker counts a
// call that failed after its retries as one failure, and once it is open the
// fallback answers at once instead of waiting out the cooldown. (A Retry
// outside a Breaker would instead wait for the breaker's RetryAfter, when
// it is within RetryOptions.MaxRetryAfter.) careguard's adapters send one
// HTTP request per call and never retry on their own, so retries do not
// multiply unless the HTTPClient given to an adapter retries too.
//
// # Usage
//
// Tokens spent on failed attempts are not lost. An error reports the tokens
// its call consumed when some error in its tree has a method
//
//	TokenUsage() providers.Usage
//
// (careguard's adapters return such an error for a billed reply they could
// not use). [Retry] and [Fallback] add those tokens to the Usage of the
// Response they finally return, and report them in *[AttemptsError] when
// they fail. A call cut short by a timeout or a cancellation reports
// nothing: the vendor may still bill it.
//
// # Time and randomness
//
// Clocks (Now) and randomness (Rand) are options; waiting uses timers, so
// tests that need time to pass run under testing/synctest, as this
// package's own do. Nothing here keeps a goroutine running between calls.
//
// Every wrapper passes on [providers.Locality]: it is local exactly when
// what it wraps is, and a [Fallback] only when both its providers are, so a
// local model behind middleware is still recognised as local.
//
// # Errors
//
// The middleware passes the wrapped provider's errors through, and adds
// its own as *[providers.Error] values: [ErrAttemptTimeout]
// ([providers.CodeTimeout]), [ErrOpen] ([providers.CodeUnavailable], with
// RetryAfter), [ErrRateLimitDeadline] ([providers.CodeRateLimited], with
// RetryAfter), [ErrNoReply] ([providers.CodeUnknown], for a wrapped
// provider that returns neither a reply nor an error). A provider that
// panics inside a [Breaker] counts as a failure before the panic goes on.
// [Retry] and [Fallback] wrap their final error in an
// *[AttemptsError], which errors.Is, errors.As and [providers.CodeOf] see
// through. Whenever the caller's ctx is done, the error wraps ctx.Err() and
// is classified [providers.CodeCanceled] or [providers.CodeTimeout], so no
// layer retries or falls back for a caller that has given up; every wait
// ends as soon as ctx does.
//
// # Concurrency
//
// Every type here is safe for concurrent use by multiple goroutines if the
// providers it wraps are. Options values are plain values, read once by the
// constructors.
package middleware

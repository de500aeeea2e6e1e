// Package providers is careguard's own small interface over large language
// models: a [Request] carries messages, an optional output [Schema] and
// limits; a [Response] carries the text, a normalised [FinishReason] and
// normalised [Usage]. Everything above this package talks to models only
// through [Provider], so vendor SDKs stay an adapter detail.
//
// Package fake (providers/fake) is an in-memory Provider for tests: scripted
// replies, a function-backed model, fault injection and call recording.
// Package providertest checks that a Provider keeps the contract written on
// [Provider].
//
// # Errors
//
// A failed call returns a *[Error] whose [Code] classifies it. Callers test
// the class with errors.Is against the sentinels ([ErrRateLimited],
// [ErrTimeout], [ErrAuth], [ErrInvalidRequest], [ErrContentFilter],
// [ErrTruncated], [ErrUnavailable], [ErrCanceled]) and reach the vendor's own
// error with errors.As. [Code.Retryable] says whether repeating the call
// unchanged may help. No code in careguard classifies errors by message text.
//
// # Concurrency
//
// Implementations of [Provider] must be safe for concurrent use by multiple
// goroutines. [Request], [Response] and [Schema] are plain values; a Request
// must not be modified while a call that uses it is in flight.
package providers

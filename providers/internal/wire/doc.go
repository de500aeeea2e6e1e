// Package wire holds what careguard's langchaingo adapters share below the
// vendor SDK: an [http.RoundTripper] that sees every exchange of a call
// (status, Retry-After, transport and body errors, a bounded copy of the
// reply) and may edit the request body first; the classification of a failed
// call into a *[providers.Error]; Retry-After parsing; member edits on JSON
// documents; and the schema-in-prompt instruction.
//
// langchaingo hides the HTTP status and Retry-After, replaces context errors
// by new strings, and classifies errors by message text. The adapters never
// read its error strings: they classify from what [Transport] saw.
//
// # Errors
//
// [Classify] returns *[providers.Error] values; [DeleteMember] and
// [SetMember] return [ErrNotObject] or a JSON syntax error.
//
// # Concurrency
//
// A [Transport] is safe for concurrent use by multiple goroutines. An
// [Exchange] belongs to one call and must not be shared between calls.
package wire

// Package providertest checks that a [providers.Provider] keeps the contract
// written on that interface. Every adapter and the fake run it:
//
//	func TestConformance(t *testing.T) {
//		providertest.Run(t, func(t *testing.T) providers.Provider {
//			srv := httptest.NewServer(answerAnything) // a backend that always replies
//			t.Cleanup(srv.Close)
//			return myadapter.New(srv.URL, nil)
//		})
//	}
//
// The provider under test must answer every well-formed request with a
// successful reply. [Run] reports each broken rule as a failure of a named
// subtest; [Check] returns them as [Violation] errors instead, for use
// outside a test or to test the suite itself.
//
// The checks are:
//   - Reply: well-formed requests (one message; a multi-turn conversation
//     with limits; a request with a [providers.Schema]) get a non-nil
//     response with a known FinishReason, non-negative usage and a
//     non-empty Provider. The reply is not required to match the schema.
//   - RequestUnchanged: Generate leaves the request, and everything it
//     points to, as it was, including slice elements beyond len (a provider
//     must not append to the caller's slices).
//   - InvalidRequest: malformed requests (nil, no messages, unknown role,
//     negative MaxTokens, temperature out of range, bad schema name, schema
//     that is not JSON) fail with an error matching
//     [providers.ErrInvalidRequest], without panicking.
//   - Context: an already-cancelled ctx gives, within 100ms, an error that
//     wraps [context.Canceled] and that [providers.CodeOf] classifies as
//     [providers.CodeCanceled]; a ctx past its deadline likewise gives
//     [context.DeadlineExceeded] and [providers.CodeTimeout].
//   - Concurrent: 16 goroutines making 4 calls each, half of them sharing
//     one request, all succeed (the race detector finds data races).
//
// # Errors
//
// [Check] returns nil or the [errors.Join] of one *[Violation] per broken
// rule. A panic in the provider, a call that does not return within 10s
// (100ms for the context checks) and a nil response with a nil error are
// violations too.
//
// # Concurrency
//
// [Run] and [Check] call the provider from several goroutines at once, as
// the contract allows. A call that does not return in time is abandoned: its
// goroutine keeps running until the provider returns.
package providertest

// Package fake provides an in-memory [providers.Provider] for tests: scripted
// replies, a function-backed model, fault injection and call recording. It
// is meant for the test suites of careguard's users as much as for
// careguard's own, and it keeps the whole Provider contract, so code that
// works against it works against a real adapter.
//
// A scripted [Model] answers each call with the next [Step] of its script:
//
//	m := fake.New(
//		fake.Reply(`{"plan": `), // breaks the schema
//		fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{RetryAfter: time.Second}),
//		fake.Reply(`{"plan": "ok"}`).WithDelay(50*time.Millisecond),
//	)
//
// Steps reply ([Reply]), stop early ([Truncated], [Refusal],
// [ContentFiltered]), fail ([Fail], [FailCode]), wait before answering
// ([Step.WithDelay]) or report fixed token usage ([Step.WithUsage]). When the
// script has run out, calls fail with [ErrScriptExhausted], unless
// [Options.RepeatLast] is set. [Model.Add] appends steps; [Model.Reset]
// rewinds the script and forgets recorded calls.
//
// A function-backed Model ([NewFunc]) computes each reply from the request;
// [Echo] is such a function. Steps added to it with [Model.Add] answer first.
//
// Every call, failed or not, is recorded as a [Call] holding a deep copy of
// the request, the reply or error, and its timing; [Model.Calls],
// [Model.LastCall] and [Model.CallCount] read them.
//
// Unless a step sets its usage, a reply reports the deterministic estimate
// of [EstimateUsage], so callers can test token budgets.
//
// A Model implements [providers.Locality]: it reports that it is remote,
// like a vendor's API, so that code under test pseudonymizes prompts as it
// would in production, unless it was made with [Options.Local].
//
// # Errors
//
// Failed calls return a *[providers.Error] classified by its
// [providers.Code]: [providers.CodeInvalidRequest] for a malformed request,
// [providers.CodeCanceled] or [providers.CodeTimeout] wrapping ctx.Err() for
// a done ctx, [providers.CodeUnknown] wrapping [ErrScriptExhausted] when no
// step is left. [Fail] steps and [Func] values fail with exactly the error
// they give. A call that fails validation or finds ctx already done consumes
// no step. [Model.Generate] lists the cases.
//
// # Concurrency
//
// A [Model] is safe for concurrent use by multiple goroutines. Concurrent
// calls consume steps one at a time, in the order in which they take the
// Model's lock; a delay is spent without holding it, so a slow step does not
// hold up other calls. [Step] and [Call] are plain values.
package fake

package fake

import (
	"time"

	"github.com/careguard/careguard/providers"
)

// Step is one scripted answer of a [Model]: a reply or an error, optionally
// after a delay. Build steps with [Reply], [Truncated], [Refusal],
// [ContentFiltered], [Fail] and [FailCode], and adjust them with
// [Step.WithDelay] and [Step.WithUsage]. The zero Step replies with empty
// text and [providers.FinishStop].
type Step struct {
	text     string
	finish   providers.FinishReason
	refusal  string
	usage    providers.Usage
	hasUsage bool
	err      error           // returned as is
	perr     providers.Error // copied for each call when isCode is set
	isCode   bool
	delay    time.Duration
}

// Reply returns a step that answers with text and [providers.FinishStop].
func Reply(text string) Step {
	return Step{text: text, finish: providers.FinishStop}
}

// Truncated returns a step that answers with the partial text of a reply cut
// off by the token limit: [providers.FinishLength].
func Truncated(partial string) Step {
	return Step{text: partial, finish: providers.FinishLength}
}

// Refusal returns a step in which the model declines to answer: empty text,
// [providers.FinishRefusal] and Response.Refusal set to reason.
func Refusal(reason string) Step {
	return Step{finish: providers.FinishRefusal, refusal: reason}
}

// ContentFiltered returns a step whose reply the vendor withheld or cut:
// [providers.FinishContentFilter] with whatever text arrived (often none).
func ContentFiltered(partial string) Step {
	return Step{text: partial, finish: providers.FinishContentFilter}
}

// Fail returns a step that fails with err, returned unchanged on every call
// it answers, so errors.Is(got, err) holds. Fail(nil) fails like
// FailCode(providers.CodeUnknown, nil).
func Fail(err error) Step {
	if err == nil {
		return FailCode(providers.CodeUnknown, nil)
	}
	return Step{err: err}
}

// ErrorOptions are the optional fields of the errors made by [FailCode].
// A nil *ErrorOptions means none.
type ErrorOptions struct {
	// StatusCode is the HTTP status to report, e.g. 429.
	StatusCode int
	// RetryAfter is the delay the vendor asks for.
	RetryAfter time.Duration
	// Err is the underlying cause, reachable with errors.Is and errors.As.
	Err error
}

// FailCode returns a step that fails with a *[providers.Error] with
// Provider [ProviderName], Op "generate", the given code and the fields of
// opts. Each call it answers gets a fresh *providers.Error, so callers may
// not change what a later call sees. errors.Is(err, providers.ErrRateLimited)
// and the other sentinels match on code.
func FailCode(code providers.Code, opts *ErrorOptions) Step {
	s := Step{isCode: true, perr: providers.Error{Provider: ProviderName, Op: "generate", Code: code}}
	if opts != nil {
		s.perr.StatusCode = opts.StatusCode
		s.perr.RetryAfter = opts.RetryAfter
		s.perr.Err = opts.Err
	}
	return s
}

// WithDelay returns a copy of s that waits d before answering. If ctx is
// done first, the call returns at once with an error wrapping ctx.Err(); the
// step is consumed all the same. A negative d means no delay.
func (s Step) WithDelay(d time.Duration) Step {
	s.delay = max(d, 0)
	return s
}

// WithUsage returns a copy of s that reports u, unchanged, as the reply's
// token usage instead of the estimate of [EstimateUsage]. It has no effect
// on a step that fails.
func (s Step) WithUsage(u providers.Usage) Step {
	s.usage = u
	s.hasUsage = true
	return s
}

// answer returns the step's outcome for req: a fresh response, or an error.
func (s *Step) answer(req *providers.Request, model string) (*providers.Response, error) {
	switch {
	case s.err != nil:
		return nil, s.err
	case s.isCode:
		e := s.perr
		return nil, &e
	}
	resp := &providers.Response{
		Text:         s.text,
		FinishReason: s.finish,
		Refusal:      s.refusal,
		Usage:        s.usage,
		Model:        model,
		Provider:     ProviderName,
	}
	if resp.FinishReason == "" {
		resp.FinishReason = providers.FinishStop
	}
	if !s.hasUsage {
		resp.Usage = estimate(req, len(s.text)+len(s.refusal))
	}
	return resp, nil
}

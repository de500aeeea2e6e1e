package fake

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/careguard/careguard/providers"
)

const (
	// ProviderName is reported in Response.Provider and in the
	// *providers.Error values the fake makes.
	ProviderName = "fake"
	// DefaultModel is reported in Response.Model unless
	// [Options.Model] says otherwise.
	DefaultModel = "fake-model"
)

// ErrScriptExhausted is wrapped, inside a *[providers.Error] with
// [providers.CodeUnknown], by the error of a call made after every step of
// the script has been used (and [Options.RepeatLast] is not set).
var ErrScriptExhausted = errors.New("fake: script exhausted")

// Func computes the reply of a function-backed [Model]. It receives the
// caller's ctx and the validated request, which it must not modify, and must
// be safe for concurrent use if the Model is used concurrently.
type Func func(ctx context.Context, req *providers.Request) (*providers.Response, error)

// Options configure a scripted [Model]. A nil *Options means the defaults.
type Options struct {
	// Model is reported in Response.Model; "" means [DefaultModel].
	Model string
	// RepeatLast makes the last step answer every call once the others
	// are used, instead of failing with [ErrScriptExhausted].
	RepeatLast bool
	// Local makes [Model.Local] report true, as a model served on this
	// machine would. By default the Model reports that it is remote, like
	// a vendor's API, so that code under test takes the path it takes in
	// production (careguard pseudonymizes prompts for remote models).
	Local bool
}

// Model is an in-memory [providers.Provider] that answers from a script of
// steps or from a [Func], and records every call.
//
// The zero Model is an empty script: each call fails with
// [ErrScriptExhausted] until steps are added. A Model keeps the calls it
// records until [Model.Reset]. It is safe for concurrent use by multiple
// goroutines and must not be copied after first use.
type Model struct {
	mu         sync.Mutex
	name       string
	repeatLast bool
	local      bool
	fn         Func
	steps      []Step
	next       int    // index of the next unused step
	gen        uint64 // incremented by Reset
	calls      []record
}

var (
	_ providers.Provider = (*Model)(nil)
	_ providers.Locality = (*Model)(nil)
)

// New returns a Model that answers calls with steps, in order, with the
// default [Options].
func New(steps ...Step) *Model {
	return NewWithOptions(nil, steps...)
}

// NewWithOptions returns a Model that answers calls with steps, in order,
// configured by opts (nil means the defaults).
func NewWithOptions(opts *Options, steps ...Step) *Model {
	m := &Model{steps: append([]Step(nil), steps...)}
	if opts != nil {
		m.name = opts.Model
		m.repeatLast = opts.RepeatLast
		m.local = opts.Local
	}
	return m
}

// Local reports whether the Model was made with [Options.Local]: whether
// it stands in for a model on this machine. It implements
// [providers.Locality]. A Model made with [New] or [NewFunc] is remote.
func (m *Model) Local() bool { return m.local }

// NewFunc returns a Model that answers each call with fn, once any steps
// added with [Model.Add] are used. In fn's reply, an empty Provider becomes
// [ProviderName], an empty Model [DefaultModel], an empty FinishReason
// [providers.FinishStop], and a zero Usage the estimate of [EstimateUsage];
// the Model changes a copy, never the value fn returned. An error from fn is
// returned unchanged; a nil reply with a nil error is reported as a
// *[providers.Error] with [providers.CodeUnknown]. NewFunc(nil) is an empty
// script.
func NewFunc(fn Func) *Model {
	return &Model{fn: fn}
}

// Echo is a [Func] that replies with the content of the last user message of
// the request (or "" if there is none, or req is nil), with
// [providers.FinishStop].
func Echo(_ context.Context, req *providers.Request) (*providers.Response, error) {
	var text string
	if req != nil {
		for i := len(req.Messages) - 1; i >= 0; i-- {
			if req.Messages[i].Role == providers.RoleUser {
				text = req.Messages[i].Content
				break
			}
		}
	}
	return &providers.Response{Text: text, FinishReason: providers.FinishStop}, nil
}

// Generate answers req with the next step of the script, or with the Model's
// [Func] once the script is used up, and records the call. Each returned
// *providers.Response is new; changing it changes nothing else.
//
// It fails with the error of req.Validate (consuming no step); with a
// *[providers.Error] of [providers.CodeCanceled] or [providers.CodeTimeout]
// wrapping ctx.Err() if ctx is done on entry (consuming no step) or during a
// step's delay; with one of [providers.CodeUnknown] wrapping
// [ErrScriptExhausted]; or with the error of a [Fail] or [FailCode] step or
// of the Func.
func (m *Model) Generate(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	rec := record{req: cloneRequest(req), step: -1, start: time.Now()}
	if err := req.Validate(); err != nil {
		return m.finish(rec, m.generation(), nil, err)
	}
	if ctx.Err() != nil {
		return m.finish(rec, m.generation(), nil, contextError(ctx))
	}

	m.mu.Lock()
	gen := m.gen
	step, idx, fn, ok := m.take()
	n := len(m.steps)
	m.mu.Unlock()
	rec.step = idx

	switch {
	case !ok:
		return m.finish(rec, gen, nil, &providers.Error{
			Provider: ProviderName, Op: "generate", Code: providers.CodeUnknown,
			Err: fmt.Errorf("%w (%d steps)", ErrScriptExhausted, n),
		})
	case fn != nil:
		resp, err := callFunc(ctx, fn, req, m.modelName())
		return m.finish(rec, gen, resp, err)
	}

	if step.delay > 0 {
		t := time.NewTimer(step.delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return m.finish(rec, gen, nil, contextError(ctx))
		case <-t.C:
		}
	}
	resp, err := step.answer(req, m.modelName())
	return m.finish(rec, gen, resp, err)
}

// take picks what answers the next call: a step and its index, or fn. It
// reports false if nothing is left. m.mu must be held.
func (m *Model) take() (step Step, idx int, fn Func, ok bool) {
	switch {
	case m.next < len(m.steps):
		idx = m.next
		m.next++
		return m.steps[idx], idx, nil, true
	case m.fn != nil:
		return Step{}, -1, m.fn, true
	case m.repeatLast && len(m.steps) > 0:
		idx = len(m.steps) - 1
		return m.steps[idx], idx, nil, true
	}
	return Step{}, -1, nil, false
}

func (m *Model) modelName() string {
	if m.name == "" {
		return DefaultModel
	}
	return m.name
}

func (m *Model) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

// finish records the call unless the Model was Reset since gen, and returns
// resp and err.
func (m *Model) finish(rec record, gen uint64, resp *providers.Response, err error) (*providers.Response, error) {
	rec.duration = time.Since(rec.start)
	if err != nil {
		resp = nil
		rec.err = err
	} else {
		rec.resp = *resp
		rec.hasResp = true
	}
	m.mu.Lock()
	if gen == m.gen {
		m.calls = append(m.calls, rec)
	}
	m.mu.Unlock()
	return resp, err
}

func callFunc(ctx context.Context, fn Func, req *providers.Request, model string) (*providers.Response, error) {
	got, err := fn(ctx, req)
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, &providers.Error{
			Provider: ProviderName, Op: "generate", Code: providers.CodeUnknown,
			Err: errors.New("fake: Func returned a nil *Response and a nil error"),
		}
	}
	resp := *got
	if resp.Provider == "" {
		resp.Provider = ProviderName
	}
	if resp.Model == "" {
		resp.Model = model
	}
	if resp.FinishReason == "" {
		resp.FinishReason = providers.FinishStop
	}
	if resp.Usage == (providers.Usage{}) {
		resp.Usage = estimate(req, len(resp.Text)+len(resp.Refusal))
	}
	return &resp, nil
}

// contextError classifies the error of a done ctx.
func contextError(ctx context.Context) error {
	err := ctx.Err()
	code := providers.CodeCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		code = providers.CodeTimeout
	}
	if cause := context.Cause(ctx); cause != nil && cause != err {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return &providers.Error{Provider: ProviderName, Op: "generate", Code: code, Err: err}
}

// Add appends steps to the script. Calls made after Add returns see them.
func (m *Model) Add(steps ...Step) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.steps = append(m.steps, steps...)
}

// Remaining returns the number of steps not yet used. A step repeated by
// [Options.RepeatLast] counts as used.
func (m *Model) Remaining() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.steps) - m.next
}

// Reset forgets the recorded calls and rewinds the script to its first step;
// added steps stay. Calls in flight when Reset is called are not recorded.
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next = 0
	m.gen++
	m.calls = nil
}

// Calls returns the calls that have returned since the Model was made or
// last Reset, in the order in which they returned.
func (m *Model) Calls() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	calls := make([]Call, len(m.calls))
	for i := range m.calls {
		calls[i] = m.calls[i].call()
	}
	return calls
}

// CallCount returns the number of calls that [Model.Calls] would return.
func (m *Model) CallCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}

// LastCall returns the call that returned last, and false if there is none.
func (m *Model) LastCall() (Call, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.calls) == 0 {
		return Call{}, false
	}
	return m.calls[len(m.calls)-1].call(), true
}

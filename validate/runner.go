package validate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
)

// Input is what validators check: a draft and the record it was made from.
type Input struct {
	Record *patient.Record
	Draft  *careplan.Draft
	// Prompt, when set, is the text that was sent to a model to make the
	// draft (every message, concatenated) and was meant to hold no
	// identifier; the PHI validator checks it. Leave it empty when the
	// prompt knowingly held identifiers (a local model, by the caller's
	// choice). careplan.Generator vets its own prompts before sending them
	// when it pseudonymizes, so careguard.Pipeline leaves it empty; set it
	// when drafting some other way.
	Prompt string
}

// Validator checks a draft and reports findings.
//
// Implementations must be safe for concurrent use by multiple goroutines,
// must not modify the input, and should honour ctx. A returned error means
// the validator could not complete its checks; findings returned with it
// are kept. Validators must never write record content to a log.
type Validator interface {
	// Name identifies the validator in reports and errors.
	Name() string
	// Validate returns the findings for in, in any order.
	Validate(ctx context.Context, in *Input) ([]Finding, error)
}

// Errors from Run.
var (
	// ErrInvalidInput: the input has no record, no draft, or a draft
	// without a plan.
	ErrInvalidInput = errors.New("validate: input needs a record and a draft")
	// ErrPanic wraps a panic recovered from a validator.
	ErrPanic = errors.New("validate: validator panicked")
)

// ValidatorError is a validator that could not complete.
type ValidatorError struct {
	Validator string
	Err       error
}

func (e *ValidatorError) Error() string {
	return fmt.Sprintf("validate: %s: %v", e.Validator, e.Err)
}

func (e *ValidatorError) Unwrap() error { return e.Err }

type validatorErrorJSON struct {
	Validator string `json:"validator"`
	Error     string `json:"error"`
}

// MarshalJSON encodes the validator's name and the error's message, so that
// a stored report keeps its failures.
func (e *ValidatorError) MarshalJSON() ([]byte, error) {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return json.Marshal(validatorErrorJSON{Validator: e.Validator, Error: msg})
}

// UnmarshalJSON decodes what MarshalJSON wrote; Err becomes an error with
// the stored message (its type and sentinels are not preserved).
func (e *ValidatorError) UnmarshalJSON(b []byte) error {
	var v validatorErrorJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	e.Validator, e.Err = v.Validator, errors.New(v.Error)
	return nil
}

// Report is the outcome of running validators over one draft.
type Report struct {
	// Findings from every validator, most severe first, in an order that
	// does not depend on scheduling.
	Findings []Finding `json:"findings"`
	// Ran lists the validators that ran, in the runner's order.
	Ran []string `json:"ran"`
	// Failed lists the validators that could not complete. A report with
	// failures is incomplete: the draft was not fully checked.
	Failed []*ValidatorError `json:"failed,omitempty"`
}

// Complete reports whether the draft was checked: at least one validator
// ran and none failed. A nil report, or one from a runner with no
// validators, is not complete.
func (r *Report) Complete() bool { return r != nil && len(r.Ran) > 0 && len(r.Failed) == 0 }

// Max returns the highest severity among the findings, or 0 when there are
// none or r is nil.
func (r *Report) Max() Severity {
	var m Severity
	if r == nil {
		return m
	}
	for _, f := range r.Findings {
		m = max(m, f.Severity)
	}
	return m
}

// Count returns how many findings have the given severity; 0 for a nil r.
func (r *Report) Count(s Severity) int {
	if r == nil {
		return 0
	}
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// WithFailure returns a copy of r that also lists err as a failure of the
// named validator, so that the report is incomplete. Callers use it when a
// checker returns a report together with an error: the error means the
// draft was not fully checked, and must not be dropped. A nil r gives a
// report holding only the failure.
func (r *Report) WithFailure(validator string, err error) *Report {
	out := &Report{}
	if r != nil {
		out.Findings = slices.Clone(r.Findings)
		out.Ran = slices.Clone(r.Ran)
		out.Failed = slices.Clone(r.Failed)
	}
	out.Failed = append(out.Failed, &ValidatorError{Validator: validator, Err: err})
	return out
}

// DefaultValidators returns careguard's full validator set: grounding,
// medication safety, care-plan completeness, PHI leaks and prompt
// injection. Everything that validates a draft by default (the root
// pipeline, the CDS Hooks service, review re-validation of edits) uses
// this one list, so no path checks less than another.
func DefaultValidators() []Validator {
	return []Validator{
		NewGrounding(nil),
		DefaultMedicationSafety(),
		NewCompleteness(nil),
		NewPHI(nil),
		NewInjection(nil),
	}
}

// RunnerOptions configures a Runner. The zero value (or nil) gives the
// defaults noted on each field.
type RunnerOptions struct {
	// Concurrency bounds how many validators run at once. Default
	// runtime.GOMAXPROCS(0).
	Concurrency int
	// Logger receives validator failures (names and error classes, never
	// record content). Default: discard.
	Logger *slog.Logger
}

// Runner runs validators concurrently and merges their findings into one
// deterministic report. A Runner is safe for concurrent use by multiple
// goroutines.
type Runner struct {
	validators []Validator
	limit      int
	log        *slog.Logger
}

// NewRunner returns a runner over the given validators, which it copies.
func NewRunner(validators []Validator, opts *RunnerOptions) *Runner {
	r := &Runner{validators: slices.Clone(validators)}
	if opts != nil {
		r.limit, r.log = opts.Concurrency, opts.Logger
	}
	if r.limit <= 0 {
		r.limit = runtime.GOMAXPROCS(0)
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Validators returns the names of the runner's validators, in order.
func (r *Runner) Validators() []string {
	names := make([]string, len(r.validators))
	for i, v := range r.validators {
		names[i] = v.Name()
	}
	return names
}

// Run runs every validator on in and returns the merged report.
//
// A validator that returns an error or panics does not stop the others:
// it is listed in Report.Failed, and Run returns the report together with
// those failures joined (each a *ValidatorError; a panic wraps ErrPanic).
// An incomplete report must not be treated as a clean one; riskroute sends
// such drafts to physician review. Run returns ErrInvalidInput, and no
// report, when in lacks a record, a draft or the draft's plan, and
// ctx.Err() when ctx ends
// before the validators finish.
func (r *Runner) Run(ctx context.Context, in *Input) (*Report, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	type result struct {
		findings []Finding
		err      error
	}
	results := make([]result, len(r.validators))
	sem := make(chan struct{}, r.limit)
	var wg sync.WaitGroup
	for i, v := range r.validators {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return nil, ctx.Err()
		}
		wg.Go(func() {
			defer func() { <-sem }()
			defer func() {
				if p := recover(); p != nil {
					results[i].err = fmt.Errorf("%w: %v", ErrPanic, p)
				}
			}()
			fs, err := v.Validate(ctx, in)
			results[i] = result{findings: fs, err: err}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &Report{Ran: r.Validators()}
	var errs []error
	for i, res := range results {
		for _, f := range res.findings {
			rep.Findings = append(rep.Findings, f.clone())
		}
		if res.err != nil {
			ve := &ValidatorError{Validator: r.validators[i].Name(), Err: res.err}
			rep.Failed = append(rep.Failed, ve)
			errs = append(errs, ve)
			r.log.LogAttrs(ctx, slog.LevelError, "validate: validator failed",
				slog.String("validator", ve.Validator), slog.Bool("panic", errors.Is(res.err, ErrPanic)))
		}
	}
	slices.SortStableFunc(rep.Findings, compareFindings)
	return rep, errors.Join(errs...)
}

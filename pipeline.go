package careguard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// Drafter produces a care-plan draft for a record. *careplan.Generator (a
// language model) and *careplan.GuidelineDrafter (deterministic rules)
// implement it. Implementations must be safe for concurrent use by
// multiple goroutines if the Pipeline is used concurrently.
type Drafter interface {
	Draft(ctx context.Context, rec *patient.Record) (*careplan.Draft, error)
}

// Checker validates a draft against its record. *validate.Runner
// implements it. It returns a report even when some checks could not
// complete (see validate.Runner.Run); a report with failures routes to
// physician review.
type Checker interface {
	Run(ctx context.Context, in *validate.Input) (*validate.Report, error)
}

// Options configures a Pipeline. The zero value (or nil) gives the
// defaults noted on each field: the guideline drafter, the default
// validators and the bare safety floor, with no model anywhere.
type Options struct {
	// Drafter makes the draft. Default: careplan.NewGuidelineDrafter(nil).
	Drafter Drafter
	// Fallback, if set, makes the draft when Drafter fails for any reason
	// other than the caller's context ending; typically the guideline
	// drafter behind a model. The result says that it was used and why.
	Fallback Drafter
	// Checker validates the draft. Default: a validate.Runner over
	// DefaultValidators().
	Checker Checker
	// Policy raises review tiers above the safety floor; nil adds
	// nothing. The floor itself cannot be replaced or lowered.
	Policy *riskroute.Policy
	// Logger receives stage-level events (outcomes, counts, tiers); never
	// record content. Default: discard.
	Logger *slog.Logger
	// Deidentify says when a model drafter sees a pseudonymized record.
	// It applies to a *careplan.Generator given as Drafter or Fallback
	// that has no Pseudonymizer of its own. Default DeidentifyRemote.
	Deidentify Deidentify
	// Deid configures the pseudonymizer; nil gives package deid's
	// defaults (a date shift drawn from crypto/rand for every draft).
	Deid *deid.Options
}

// Deidentify says when the pipeline pseudonymizes a record before a model
// sees it: identifiers replaced by placeholders, dates shifted, notes then
// included (fenced as untrusted data), the model's plan restored before
// validation (package deid).
type Deidentify int

// The de-identification modes.
const (
	// DeidentifyRemote pseudonymizes for every model whose provider does
	// not report, through providers.Locality, that it runs on this
	// machine: a vendor's API, an Ollama server elsewhere, a provider
	// wrapped in middleware that does not pass Locality on. The default.
	DeidentifyRemote Deidentify = iota
	// DeidentifyAlways pseudonymizes for local models too.
	DeidentifyAlways
	// DeidentifyNever renders the record as careplan does without a
	// pseudonymizer: no structured identifiers, the identifiers the record
	// holds redacted from free text (careplan.Redacted), real dates,
	// notes only with careplan.PromptOptions.IncludeNotes. A name the
	// record holds nowhere else (a relative named in a note) is not known
	// to the renderer and is sent as written. Choose it only for a
	// model the caller trusts with the record.
	DeidentifyNever
)

// DefaultValidators returns the validators a Pipeline runs by default:
// validate.DefaultValidators (grounding, medication safety, care-plan
// completeness, PHI leaks and prompt injection).
func DefaultValidators() []validate.Validator { return validate.DefaultValidators() }

// Pipeline runs the common case end to end: draft, validate, route. Every
// stage but the router's safety floor is replaceable through Options.
//
// A Pipeline is safe for concurrent use by multiple goroutines when its
// Drafter, Fallback and Checker are.
type Pipeline struct {
	drafter, fallback Drafter
	checker           Checker
	router            *riskroute.Router
	log               *slog.Logger
}

// New returns a pipeline. It fails only when the policy is invalid (see
// riskroute.New).
func New(opts *Options) (*Pipeline, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	router, err := riskroute.New(o.Policy)
	if err != nil {
		return nil, fmt.Errorf("careguard: %w", err)
	}
	p := &Pipeline{drafter: o.Drafter, fallback: o.Fallback, checker: o.Checker, router: router, log: o.Logger}
	if p.drafter == nil {
		p.drafter = careplan.NewGuidelineDrafter(nil)
	}
	var pseudo *deid.Pseudonymizer
	p.drafter = deidentify(p.drafter, o.Deidentify, &pseudo, o.Deid)
	if p.fallback != nil {
		p.fallback = deidentify(p.fallback, o.Deidentify, &pseudo, o.Deid)
	}
	if p.checker == nil {
		p.checker = validate.NewRunner(DefaultValidators(), &validate.RunnerOptions{Logger: o.Logger})
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// deidentify gives a model drafter a pseudonymizer when mode asks for one;
// *pseudo is made once and shared.
func deidentify(d Drafter, mode Deidentify, pseudo **deid.Pseudonymizer, opts *deid.Options) Drafter {
	g, ok := d.(*careplan.Generator)
	if !ok || g.Pseudonymizer() != nil || mode == DeidentifyNever {
		return d
	}
	if mode == DeidentifyRemote && providers.IsLocal(g.Provider()) {
		return d
	}
	if *pseudo == nil {
		*pseudo = deid.New(opts)
	}
	return g.WithPseudonymizer(*pseudo)
}

// pseudonymizes reports whether d is a model drafter that pseudonymizes.
func pseudonymizes(d Drafter) bool {
	g, ok := d.(*careplan.Generator)
	return ok && g.Pseudonymizer() != nil
}

// Result is what a pipeline run produced.
type Result struct {
	// Draft is the draft that was validated and routed.
	Draft *careplan.Draft
	// Report holds the validators' findings.
	Report *validate.Report
	// Decision is the review the draft needs.
	Decision riskroute.Decision
	// FallbackReason is the primary drafter's error when the fallback
	// made the draft; nil otherwise.
	FallbackReason error
	// Pseudonymized reports that the draft was made by a model that saw
	// only the pseudonymized record.
	Pseudonymized bool
}

// ErrNoDraft is wrapped by Run's error when no drafter produced a draft.
var ErrNoDraft = errors.New("careguard: no draft produced")

// Run drafts a care plan for rec, validates it and routes it.
//
// When the drafter fails and a fallback is configured, the fallback's draft
// is used and Result.FallbackReason holds the primary error. When no draft
// can be made, Run returns an error wrapping ErrNoDraft and the drafters'
// errors (for a model, a *careplan.GenerationError). Validator failures do
// not fail the run: the report lists them and the decision is physician
// review. Run returns ctx.Err() if ctx ends.
func (p *Pipeline) Run(ctx context.Context, rec *patient.Record) (*Result, error) {
	if rec == nil {
		return nil, errors.New("careguard: Run: nil record")
	}
	res := &Result{Pseudonymized: pseudonymizes(p.drafter)}
	d, err := p.drafter.Draft(ctx, rec)
	if err != nil {
		if ctx.Err() != nil || p.fallback == nil {
			return nil, fmt.Errorf("%w: %w", ErrNoDraft, err)
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "careguard: drafter failed; using fallback", slog.String("error_class", errorClass(err)))
		res.FallbackReason = err
		res.Pseudonymized = pseudonymizes(p.fallback)
		fd, ferr := p.fallback.Draft(ctx, rec)
		if ferr != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoDraft, errors.Join(err, ferr))
		}
		d = fd
	}
	if d == nil || d.Plan == nil {
		return nil, fmt.Errorf("%w: drafter returned no plan", ErrNoDraft)
	}
	res.Draft = d

	rep, err := p.checker.Run(ctx, &validate.Input{Record: rec, Draft: d})
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	switch {
	case rep == nil:
		// A checker that produced nothing leaves the draft unchecked; the
		// router sends unchecked drafts to a physician.
		p.log.LogAttrs(ctx, slog.LevelError, "careguard: checker returned no report", slog.String("error_class", errorClass(err)))
	case err != nil && rep.Complete():
		// The checker failed but its report does not say so (a Runner's
		// does): the draft was not fully checked, so the report must not
		// read as clean.
		rep = rep.WithFailure("checker", err)
	}
	res.Report = rep
	res.Decision = p.router.RouteDraft(d, rep)
	p.log.LogAttrs(ctx, slog.LevelInfo, "careguard: routed",
		slog.String("origin", string(d.Origin)), slog.Int("items", d.Plan.Len()),
		slog.Int("findings", findingsCount(rep)), slog.String("tier", res.Decision.Tier.String()))
	return res, nil
}

func findingsCount(rep *validate.Report) int {
	if rep == nil {
		return 0
	}
	return len(rep.Findings)
}

// errorClass names an error's kind for logs without its message, which
// might quote a reply.
func errorClass(err error) string {
	if err == nil {
		return ""
	}
	if ge, ok := errors.AsType[*careplan.GenerationError](err); ok {
		return fmt.Sprintf("generation (%d attempts)", len(ge.Attempts))
	}
	return fmt.Sprintf("%T", err)
}

package careplan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
)

// Errors a Generator returns inside a *GenerationError.
var (
	// ErrAttemptsExhausted: no reply became a valid plan within
	// MaxAttempts.
	ErrAttemptsExhausted = errors.New("careplan: attempts exhausted")
	// ErrTokenBudget: the token budget ran out before a valid plan.
	ErrTokenBudget = errors.New("careplan: token budget exhausted")
	// ErrRefused: the model declined to produce a plan.
	ErrRefused = errors.New("careplan: model refused")
	// ErrContentFiltered: the vendor withheld the reply.
	ErrContentFiltered = errors.New("careplan: reply withheld by content filter")
	// ErrTruncated: the last reply was cut off by the token limit.
	ErrTruncated = errors.New("careplan: reply truncated")
	// ErrPseudonymize: the Pseudonymizer failed, or returned a record
	// whose fact IDs differ from the original's; no model was called.
	ErrPseudonymize = errors.New("careplan: pseudonymization failed")
	// ErrPromptRejected: a PromptChecker rejected a request, which was
	// not sent.
	ErrPromptRejected = errors.New("careplan: prompt rejected before sending")
)

// Pseudonymizer replaces the identifiers of a record before a [Generator]
// renders it for a model, and returns a [Restorer] that undoes the change in
// the model's plan. Package deid implements it.
//
// The pseudonymized record must have exactly the fact IDs of rec, each
// naming the same fact (patient.Record.Rewrite keeps them), because the
// plan's citations are used with rec; the Generator checks the IDs.
// Implementations must be safe for concurrent use by multiple goroutines,
// must not modify rec, and must keep the restorer's mapping in memory:
// it is the key to the identifiers.
type Pseudonymizer interface {
	Pseudonymize(ctx context.Context, rec *patient.Record) (*patient.Record, Restorer, error)
}

// Restorer undoes one pseudonymization in a plan drafted from the
// pseudonymized record.
type Restorer interface {
	// Restore returns a copy of plan with every pseudonym replaced by the
	// value it stands for (shifted dates shifted back); it must not modify
	// plan. It fails when the plan cannot be restored, typically because
	// the model invented or mangled a pseudonym. The Generator then
	// rejects the reply and asks for a repair, sending the model the
	// message of each error that errors.Join joined: those messages must
	// never contain an identifier.
	Restore(plan *Plan) (*Plan, error)
}

// PromptChecker is an optional interface a [Restorer] implements to vet
// every request before it leaves the process, for example by looking for
// identifiers that pseudonymization missed or that the caller's
// Instructions added. When CheckPrompt returns an error, the request is
// not sent and Draft fails with [ErrPromptRejected]; the error's message
// must not contain identifiers.
type PromptChecker interface {
	CheckPrompt(msgs []providers.Message) error
}

// GenerationError is a failed generation. It carries every attempt made,
// with its usage, so nothing spent is lost. Err wraps one or more of the
// sentinels above, or the provider's *providers.Error.
type GenerationError struct {
	Attempts []Attempt
	Usage    providers.Usage
	Err      error
}

func (e *GenerationError) Error() string {
	return fmt.Sprintf("careplan: generate: %v (after %d attempt(s), %d tokens)", e.Err, len(e.Attempts), e.Usage.Total())
}

func (e *GenerationError) Unwrap() error { return e.Err }

// GeneratorOptions configures a Generator. The zero value (or nil) gives
// the defaults noted on each field.
type GeneratorOptions struct {
	// Kind is the kind of draft produced. Default KindCarePlan.
	Kind Kind
	// MaxAttempts bounds the calls per draft: the first request plus the
	// repairs. Default 3.
	MaxAttempts int
	// TokenBudget bounds the total tokens (input and output, summed over
	// attempts) one draft may spend; no new attempt starts once the
	// budget would be exceeded. Default 60000; negative means no budget.
	TokenBudget int
	// MaxTokens caps each reply. Default 8192.
	MaxTokens int
	// Temperature is the sampling temperature; nil means the vendor's
	// default.
	Temperature *float64
	// Prompt tunes how the record is rendered.
	Prompt *PromptOptions
	// Schema is the plan schema; nil builds one.
	Schema *Schema
	// Logger receives attempt-level events (counts, outcomes, tokens,
	// durations); it never receives prompts, replies or record content.
	// Default: discard.
	Logger *slog.Logger
	// Now is the clock for Draft.Created and attempt durations. Default
	// time.Now.
	Now func() time.Time
	// Pseudonymizer, if set, replaces the record's identifiers before it
	// is rendered: the prompt then holds the pseudonymized record, its
	// notes included (fenced as untrusted data), and the model's plan is
	// restored before the draft is returned. Unset, the record is rendered
	// as it is, without identifiers and without notes unless
	// Prompt.IncludeNotes is set. careguard.Pipeline sets it for models
	// that are not local.
	Pseudonymizer Pseudonymizer
}

// Generator drafts care plans with a language model: it renders the record,
// asks for a plan in the schema, validates the reply against the schema and
// the record, and re-asks with the exact violations until the reply is
// valid or the attempts or token budget run out.
//
// A Generator is safe for concurrent use by multiple goroutines if its
// provider is.
type Generator struct {
	provider providers.Provider
	schema   *Schema
	wire     *providers.Schema
	opts     GeneratorOptions
	log      *slog.Logger
	now      func() time.Time
}

// Provider returns the provider the generator asks.
func (g *Generator) Provider() providers.Provider { return g.provider }

// Pseudonymizer returns the generator's pseudonymizer, nil if it has none.
func (g *Generator) Pseudonymizer() Pseudonymizer { return g.opts.Pseudonymizer }

// WithPseudonymizer returns a copy of g that uses p (nil: none) as its
// GeneratorOptions.Pseudonymizer. g itself is unchanged.
func (g *Generator) WithPseudonymizer(p Pseudonymizer) *Generator {
	c := *g
	c.opts.Pseudonymizer = p
	return &c
}

// NewGenerator returns a generator over p. It fails only if opts.Schema is
// nil and the schema cannot be built (a bug in this package).
func NewGenerator(p providers.Provider, opts *GeneratorOptions) (*Generator, error) {
	if p == nil {
		return nil, errors.New("careplan: NewGenerator: nil provider")
	}
	var o GeneratorOptions
	if opts != nil {
		o = *opts
	}
	if o.Kind == "" {
		o.Kind = KindCarePlan
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.TokenBudget == 0 {
		o.TokenBudget = 60000
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 8192
	}
	if o.Schema == nil {
		s, err := NewSchema()
		if err != nil {
			return nil, err
		}
		o.Schema = s
	}
	g := &Generator{provider: p, schema: o.Schema, wire: o.Schema.ForProvider(), opts: o, log: o.Logger, now: o.Now}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g, nil
}

// Draft asks the model for a care plan for rec.
//
// It returns the draft with every attempt, or a *GenerationError that also
// carries every attempt and wraps: ErrAttemptsExhausted (with ErrTruncated
// when the last reply was cut off), ErrTokenBudget, ErrRefused,
// ErrContentFiltered, ErrDeceased (before any call), or the provider's
// error (a *providers.Error, so errors.Is(err, providers.ErrRateLimited)
// and the like work; a cancelled ctx gives an error wrapping ctx.Err()). Provider errors end generation at
// once: retrying transport failures is the provider middleware's job, and
// they are never pasted into a prompt.
//
// With a Pseudonymizer, the record is pseudonymized first (a failure wraps
// ErrPseudonymize, before any call), every request is vetted by the
// restorer if it is a PromptChecker (a rejection wraps ErrPromptRejected,
// and nothing is sent), and the accepted plan is restored; a plan that
// cannot be restored is repaired like an invalid one. The draft cites rec's
// fact IDs and carries rec's fingerprint and as-of date.
func (g *Generator) Draft(ctx context.Context, rec *patient.Record) (*Draft, error) {
	if rec == nil {
		return nil, errors.New("careplan: Draft: nil record")
	}
	if rec.Demographics().IsDeceased() {
		return nil, &GenerationError{Err: ErrDeceased}
	}
	prompted, restorer, err := g.pseudonymize(ctx, rec)
	if err != nil {
		return nil, &GenerationError{Err: err}
	}
	promptOpts := g.opts.Prompt
	var checker PromptChecker
	if restorer != nil {
		o := promptOpts.withDefaults()
		o.Deidentified = true
		promptOpts = &o
		checker, _ = restorer.(PromptChecker)
	}
	base := Messages(prompted, promptOpts)
	msgs := base
	var attempts []Attempt
	var used providers.Usage
	fail := func(err error) (*Draft, error) {
		return nil, &GenerationError{Attempts: attempts, Usage: used, Err: err}
	}
	lastTruncated := false
	for n := 1; n <= g.opts.MaxAttempts; n++ {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if g.opts.TokenBudget > 0 && used.Total()+estimateTokens(msgs) > g.opts.TokenBudget {
			g.log.LogAttrs(ctx, slog.LevelWarn, "careplan: token budget exhausted",
				slog.Int("attempts", len(attempts)), slog.Int("tokens", used.Total()), slog.Int("budget", g.opts.TokenBudget))
			return fail(ErrTokenBudget)
		}
		if checker != nil {
			if err := checker.CheckPrompt(msgs); err != nil {
				g.log.LogAttrs(ctx, slog.LevelError, "careplan: prompt rejected before sending", slog.Int("attempts", len(attempts)))
				return fail(fmt.Errorf("%w: %w", ErrPromptRejected, err))
			}
		}
		req := &providers.Request{Messages: msgs, Schema: g.wire, MaxTokens: g.opts.MaxTokens, Temperature: g.opts.Temperature}
		start := g.now()
		resp, err := g.provider.Generate(ctx, req)
		a := Attempt{N: n, Duration: g.now().Sub(start)}
		if err == nil && resp == nil {
			// A provider breaking its contract is a provider failure, not
			// a reason to panic.
			err = &providers.Error{Op: "generate", Code: providers.CodeUnknown, Err: errors.New("provider returned no response and no error")}
		}
		if err != nil {
			a.Outcome, a.Err = OutcomeProviderError, err
			attempts = append(attempts, a)
			g.logAttempt(ctx, a)
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = errors.Join(err, ctx.Err())
			}
			return fail(err)
		}
		a.FinishReason, a.Usage, a.Model, a.Reply = resp.FinishReason, resp.Usage, resp.Model, resp.Text
		used = used.Add(resp.Usage)

		var repair string
		switch resp.FinishReason {
		case providers.FinishRefusal:
			a.Outcome = OutcomeRefused
			attempts = append(attempts, a)
			g.logAttempt(ctx, a)
			return fail(ErrRefused)
		case providers.FinishContentFilter:
			a.Outcome = OutcomeFiltered
			attempts = append(attempts, a)
			g.logAttempt(ctx, a)
			return fail(ErrContentFiltered)
		case providers.FinishLength:
			a.Outcome = OutcomeTruncated
			repair = truncatedRepair
		default:
			if strings.TrimSpace(resp.Text) == "" {
				a.Outcome = OutcomeEmpty
				repair = emptyRepair
				break
			}
			plan, verr := g.parse(resp.Text, prompted)
			if verr == nil && restorer != nil {
				plan, verr = restore(restorer, plan)
			}
			if verr == nil {
				a.Outcome = OutcomeAccepted
				attempts = append(attempts, a)
				g.logAttempt(ctx, a)
				return &Draft{
					Kind: g.opts.Kind, Plan: plan, Origin: OriginModel, Generator: "careplan.Generator",
					Provider: resp.Provider, Model: resp.Model, PromptVersion: PromptVersion,
					RecordFingerprint: rec.Fingerprint(), AsOf: rec.AsOf(), Created: g.now(),
					Attempts: attempts, Usage: used,
				}, nil
			}
			a.Outcome, a.Violations = OutcomeInvalid, verr
			repair = repairMessage(verr)
		}
		lastTruncated = a.Outcome == OutcomeTruncated
		attempts = append(attempts, a)
		g.logAttempt(ctx, a)
		// Re-ask from the original conversation plus only the last reply
		// and what was wrong with it, so the history does not grow.
		next := append(make([]providers.Message, 0, len(base)+2), base...)
		if a.Outcome == OutcomeInvalid {
			next = append(next, providers.Message{Role: providers.RoleAssistant, Content: truncateUTF8(resp.Text, maxEchoedReply)})
		}
		msgs = append(next, providers.Message{Role: providers.RoleUser, Content: repair})
	}
	if lastTruncated {
		return fail(errors.Join(ErrAttemptsExhausted, ErrTruncated))
	}
	return fail(ErrAttemptsExhausted)
}

// pseudonymize returns the record to render and, with a Pseudonymizer,
// the restorer for the reply.
func (g *Generator) pseudonymize(ctx context.Context, rec *patient.Record) (*patient.Record, Restorer, error) {
	if g.opts.Pseudonymizer == nil {
		return rec, nil, nil
	}
	prec, restorer, err := g.opts.Pseudonymizer.Pseudonymize(ctx, rec)
	switch {
	case err != nil:
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = errors.Join(err, ctx.Err())
		}
		return nil, nil, fmt.Errorf("%w: %w", ErrPseudonymize, err)
	case prec == nil || restorer == nil:
		return nil, nil, fmt.Errorf("%w: no record or no restorer returned", ErrPseudonymize)
	case !slices.Equal(prec.FactIDs(), rec.FactIDs()):
		// An ID's letter is its kind, so equal IDs mean equal kinds.
		return nil, nil, fmt.Errorf("%w: the pseudonymized record has other fact IDs", ErrPseudonymize)
	}
	return prec, restorer, nil
}

// restore restores a plan, turning a failure into the violations a repair
// request lists.
func restore(r Restorer, plan *Plan) (*Plan, []Violation) {
	out, err := r.Restore(plan)
	if err == nil && out != nil {
		return out, nil
	}
	if err == nil {
		return nil, []Violation{{Message: "the reply could not be restored"}}
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	vs := make([]Violation, 0, len(errs))
	for _, e := range errs {
		vs = append(vs, Violation{Message: e.Error()})
	}
	return nil, vs
}

// maxEchoedReply bounds how much of a rejected reply is sent back.
const maxEchoedReply = 64 << 10

const truncatedRepair = "Your previous reply was cut off at the length limit before the JSON document was complete. Reply again with the complete care_plan JSON document only. Keep rationales short."

const emptyRepair = "Your previous reply was empty. Reply with the complete care_plan JSON document only."

// maxRepairViolations bounds the violations listed in one repair request.
const maxRepairViolations = 40

func repairMessage(vs []Violation) string {
	var b strings.Builder
	b.WriteString("Your previous reply is not an acceptable care_plan document. Fix exactly these problems and reply with the complete corrected JSON document only:\n")
	for i, v := range vs {
		if i == maxRepairViolations {
			fmt.Fprintf(&b, "- and %d more problems of the same kinds\n", len(vs)-maxRepairViolations)
			break
		}
		b.WriteString("- ")
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// parse turns a reply into a plan, or the violations that prevent it.
func (g *Generator) parse(text string, rec *patient.Record) (*Plan, []Violation) {
	raw, err := ExtractJSON(text)
	if err != nil {
		return nil, []Violation{{Message: "the reply must be a single JSON object: " + strings.TrimPrefix(err.Error(), "careplan: ")}}
	}
	plan, err := g.schema.Decode(raw, rec)
	if err == nil {
		return plan, nil
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		return nil, ve.Violations
	}
	return nil, []Violation{{Message: strings.TrimPrefix(err.Error(), "careplan: ")}}
}

func (g *Generator) logAttempt(ctx context.Context, a Attempt) {
	g.log.LogAttrs(ctx, slog.LevelInfo, "careplan: attempt",
		slog.Int("n", a.N), slog.String("outcome", string(a.Outcome)),
		slog.String("finish_reason", string(a.FinishReason)), slog.Int("violations", len(a.Violations)),
		slog.Int("tokens", a.Usage.Total()), slog.Duration("duration", a.Duration))
}

// estimateTokens is a conservative guess at a request's input tokens:
// about four bytes per token.
func estimateTokens(msgs []providers.Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Content)
	}
	return (n + 3) / 4
}

package careplan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
)

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
func (g *Generator) Draft(ctx context.Context, rec *patient.Record) (*Draft, error) {
	if rec == nil {
		return nil, errors.New("careplan: Draft: nil record")
	}
	if rec.Demographics().IsDeceased() {
		return nil, &GenerationError{Err: ErrDeceased}
	}
	base := Messages(rec, g.opts.Prompt)
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
			plan, verr := g.parse(resp.Text, rec)
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

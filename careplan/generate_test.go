package careplan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
)

func planJSON(t testing.TB, p *careplan.Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	return string(b)
}

// badPlanJSON breaks the schema (a string where a number belongs) and the
// record (a citation of a fact that does not exist).
func badPlanJSON(t testing.TB, rec *patient.Record) string {
	p := fixture.Plan(rec)
	p.Problems[0].Citations = append(p.Problems[0].Citations, "L99")
	return strings.Replace(planJSON(t, p), `"due_within_days":180`, `"due_within_days":"180"`, 1)
}

func newGenerator(t *testing.T, m providers.Provider, opts *careplan.GeneratorOptions) *careplan.Generator {
	t.Helper()
	g, err := careplan.NewGenerator(m, opts)
	require.NoError(t, err)
	return g
}

func TestGeneratorRepairLoop(t *testing.T) {
	rec := fixture.MultiMorbid()
	good := planJSON(t, fixture.Plan(rec))
	bad := badPlanJSON(t, rec)
	usage := func(in, out int) providers.Usage {
		return providers.Usage{InputTokens: in, OutputTokens: out, TotalTokens: in + out}
	}

	t.Run("valid first time", func(t *testing.T) {
		m := fake.New(fake.Reply(good).WithUsage(usage(1000, 500)))
		d, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		require.Len(t, d.Attempts, 1)
		assert.Equal(t, careplan.OutcomeAccepted, d.Attempts[0].Outcome)
		assert.Equal(t, fixture.Plan(rec), d.Plan)
		assert.Equal(t, 1500, d.Usage.Total())
		assert.Equal(t, careplan.OriginModel, d.Origin)
		assert.Equal(t, careplan.PromptVersion, d.PromptVersion)
		assert.Equal(t, "fake", d.Provider)
		assert.Equal(t, fake.DefaultModel, d.Model)
		assert.Equal(t, rec.Fingerprint(), d.RecordFingerprint)
		assert.Equal(t, rec.AsOf(), d.AsOf)

		req := m.Calls()[0].Request
		require.NotNil(t, req.Schema)
		assert.Equal(t, careplan.SchemaName, req.Schema.Name)
		assert.NotEmpty(t, req.Schema.Strict)
		assert.Equal(t, 8192, req.MaxTokens)
		assert.Nil(t, req.Temperature, "unset temperature means the vendor default")
	})

	t.Run("invalid then repaired", func(t *testing.T) {
		m := fake.New(fake.Reply(bad).WithUsage(usage(1000, 400)), fake.Reply(good).WithUsage(usage(1300, 500)))
		d, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		require.Len(t, d.Attempts, 2)
		a := d.Attempts[0]
		assert.Equal(t, careplan.OutcomeInvalid, a.Outcome)
		assert.Equal(t, bad, a.Reply, "every attempt is kept with its reply")
		var ptrs []string
		for _, v := range a.Violations {
			ptrs = append(ptrs, v.Pointer)
		}
		assert.Equal(t, []string{"/goals/0/due_within_days", "/problems/0/citations/2"}, ptrs)
		assert.Equal(t, 3200, d.Usage.Total(), "usage is summed over attempts")

		calls := m.Calls()
		require.Len(t, calls, 2)
		first, second := calls[0].Request.Messages, calls[1].Request.Messages
		require.Len(t, first, 2)
		require.Len(t, second, 4, "system, record, the rejected reply, the repair request")
		assert.Equal(t, first, second[:2], "the original conversation is resent unchanged")
		assert.Equal(t, providers.RoleAssistant, second[2].Role)
		assert.Equal(t, bad, second[2].Content)
		assert.Equal(t, providers.RoleUser, second[3].Role)
		assert.Contains(t, second[3].Content, "at '/goals/0/due_within_days'")
		assert.Contains(t, second[3].Content, `unknown fact ID "L99"`)
	})

	t.Run("history does not grow", func(t *testing.T) {
		m := fake.New(fake.Reply(bad), fake.Reply("not json at all"), fake.Reply(good))
		d, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		require.Len(t, d.Attempts, 3)
		third := m.Calls()[2].Request.Messages
		require.Len(t, third, 4, "only the last reply and its problems are sent back")
		assert.Equal(t, "not json at all", third[2].Content)
		assert.Contains(t, third[3].Content, "single JSON object")
	})

	t.Run("attempts exhausted", func(t *testing.T) {
		m := fake.New(fake.Reply(bad).WithUsage(usage(10, 10)), fake.Reply(bad).WithUsage(usage(10, 10)), fake.Reply(bad).WithUsage(usage(10, 10)))
		_, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrAttemptsExhausted)
		ge, ok := errors.AsType[*careplan.GenerationError](err)
		require.True(t, ok)
		assert.Len(t, ge.Attempts, 3, "nothing spent is lost")
		assert.Equal(t, 60, ge.Usage.Total())
		assert.Equal(t, 3, m.CallCount())
	})

	t.Run("max attempts option", func(t *testing.T) {
		m := fake.New(fake.Reply(bad), fake.Reply(good))
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{MaxAttempts: 1}).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrAttemptsExhausted)
		assert.Equal(t, 1, m.CallCount())
	})

	t.Run("truncated then complete", func(t *testing.T) {
		m := fake.New(fake.Truncated(good[:200]), fake.Reply(good))
		d, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		assert.Equal(t, careplan.OutcomeTruncated, d.Attempts[0].Outcome)
		second := m.Calls()[1].Request.Messages
		require.Len(t, second, 3, "a truncated reply is not echoed back")
		assert.Contains(t, second[2].Content, "cut off")
	})

	t.Run("truncated every time", func(t *testing.T) {
		m := fake.New(fake.Truncated("{"), fake.Truncated("{"), fake.Truncated("{"))
		_, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrAttemptsExhausted)
		require.ErrorIs(t, err, careplan.ErrTruncated)
	})

	t.Run("empty reply repaired", func(t *testing.T) {
		m := fake.New(fake.Reply("  "), fake.Reply(good))
		d, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		assert.Equal(t, careplan.OutcomeEmpty, d.Attempts[0].Outcome)
	})

	t.Run("refusal stops", func(t *testing.T) {
		m := fake.New(fake.Refusal("I can't help with that."), fake.Reply(good))
		_, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrRefused)
		assert.Equal(t, 1, m.CallCount(), "a refusal is not argued with")
	})

	t.Run("content filter stops", func(t *testing.T) {
		m := fake.New(fake.ContentFiltered(""), fake.Reply(good))
		_, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrContentFiltered)
		assert.Equal(t, 1, m.CallCount())
	})

	t.Run("provider error is returned, never pasted", func(t *testing.T) {
		secret := errors.New("upstream said: quota exceeded for org-SECRET")
		m := fake.New(fake.Reply(bad), fake.FailCode(providers.CodeRateLimited, &fake.ErrorOptions{Err: secret, RetryAfter: time.Second}), fake.Reply(good))
		_, err := newGenerator(t, m, nil).Draft(t.Context(), rec)
		require.ErrorIs(t, err, providers.ErrRateLimited, "callers classify with errors.Is")
		require.ErrorIs(t, err, secret)
		ge, ok := errors.AsType[*careplan.GenerationError](err)
		require.True(t, ok)
		require.Len(t, ge.Attempts, 2)
		assert.Equal(t, careplan.OutcomeProviderError, ge.Attempts[1].Outcome)
		assert.Equal(t, 2, m.CallCount(), "retrying transport errors is the middleware's job")
		for _, c := range m.Calls() {
			for _, msg := range c.Request.Messages {
				assert.NotContains(t, msg.Content, "SECRET")
			}
		}
	})

	t.Run("token budget", func(t *testing.T) {
		m := fake.New(fake.Reply(bad).WithUsage(usage(9000, 2000)), fake.Reply(good))
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{TokenBudget: 12000}).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrTokenBudget)
		assert.Equal(t, 1, m.CallCount(), "no attempt starts that would exceed the budget")
		ge, _ := errors.AsType[*careplan.GenerationError](err)
		assert.Equal(t, 11000, ge.Usage.Total())
	})

	t.Run("no budget", func(t *testing.T) {
		m := fake.New(fake.Reply(bad).WithUsage(usage(900000, 2000)), fake.Reply(good))
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{TokenBudget: -1}).Draft(t.Context(), rec)
		require.NoError(t, err)
	})

	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		m := fake.New(fake.Reply(good).WithDelay(time.Hour))
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		start := time.Now()
		_, err := newGenerator(t, m, nil).Draft(ctx, rec)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), time.Second)
	})

	t.Run("options reach the request", func(t *testing.T) {
		temp := 0.2
		m := fake.New(fake.Reply(good))
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{MaxTokens: 1234, Temperature: &temp,
			Prompt: &careplan.PromptOptions{Instructions: "Focus on kidney protection."}}).Draft(t.Context(), rec)
		require.NoError(t, err)
		req := m.Calls()[0].Request
		assert.Equal(t, 1234, req.MaxTokens)
		require.NotNil(t, req.Temperature)
		assert.Equal(t, 0.2, *req.Temperature)
		assert.Contains(t, req.Messages[1].Content, "Focus on kidney protection.")
	})

	t.Run("nil record and provider", func(t *testing.T) {
		_, err := newGenerator(t, fake.New(), nil).Draft(t.Context(), nil)
		require.Error(t, err)
		_, err = careplan.NewGenerator(nil, nil)
		require.Error(t, err)
	})
}

// The logger sees counts and outcomes, never record content or replies.
func TestGeneratorLogsNoPHI(t *testing.T) {
	rec := fixture.MultiMorbid()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := fake.New(fake.Reply(badPlanJSON(t, rec)), fake.Reply(planJSON(t, fixture.Plan(rec))))
	_, err := newGenerator(t, m, &careplan.GeneratorOptions{Logger: log}).Draft(t.Context(), rec)
	require.NoError(t, err)
	out := buf.String()
	require.Contains(t, out, `"outcome":"invalid"`)
	for _, phi := range []string{"Quarterfield", "Rosalind", "MRN-4471902", "light-headedness", "empagliflozin", "L99", "1957"} {
		assert.NotContains(t, out, phi)
	}
}

// Concurrent drafts through one generator and one fake are race-free.
func TestGeneratorConcurrent(t *testing.T) {
	rec := fixture.MultiMorbid()
	good := planJSON(t, fixture.Plan(rec))
	m := fake.NewWithOptions(&fake.Options{RepeatLast: true}, fake.Reply(good))
	g := newGenerator(t, m, nil)
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := g.Draft(t.Context(), rec)
			errs <- err
		}()
	}
	for range 16 {
		require.NoError(t, <-errs)
	}
}

// nilProvider breaks the contract: no response and no error.
type nilProvider struct{}

func (nilProvider) Generate(context.Context, *providers.Request) (*providers.Response, error) {
	return nil, nil
}

func TestGeneratorSurvivesBrokenProvider(t *testing.T) {
	_, err := newGenerator(t, nilProvider{}, nil).Draft(t.Context(), fixture.MultiMorbid())
	require.ErrorIs(t, err, providers.ErrUnknown, "a contract breach is a provider failure, not a panic")
}

func TestDecodeWithoutRecord(t *testing.T) {
	s := newSchema(t)
	raw := planJSON(t, fixture.Plan(fixture.MultiMorbid()))
	_, err := s.Decode([]byte(raw), nil)
	require.ErrorIs(t, err, careplan.ErrNoRecord)
	assert.NotEmpty(t, careplan.CheckRecord(nil, nil))
}

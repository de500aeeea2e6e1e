package careplan_test

import (
	"context"
	"errors"
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

// stubPseudonymizer stands in for package deid: it shifts dates back 100
// days and replaces the relative named in the fixture's note.
type stubPseudonymizer struct {
	err      error
	renumber bool
	reject   error
}

type stubRestorer struct{ reject error }

func (s stubPseudonymizer) Pseudonymize(_ context.Context, rec *patient.Record) (*patient.Record, careplan.Restorer, error) {
	if s.err != nil {
		return nil, nil, s.err
	}
	if s.renumber {
		b := fixture.MultiMorbidBuilder()
		b.AddNotes(patient.Note{Time: fixture.Day("2026-01-01"), Text: "extra"})
		return must(b.Build()), stubRestorer{}, nil
	}
	p, err := rec.Rewrite(patient.Rewrite{
		Time: func(t time.Time) time.Time { return t.AddDate(0, 0, -100) },
		Text: func(_ patient.TextField, s string) string {
			return strings.ReplaceAll(s, "Philippa Quarterfield", "[RELATIVE_1]")
		},
	})
	return p, stubRestorer{reject: s.reject}, err
}

func (r stubRestorer) Restore(p *careplan.Plan) (*careplan.Plan, error) {
	out := p.Clone()
	var errs []error
	fix := func(s *string) {
		if strings.Contains(*s, "[RELATIVE_9]") {
			errs = append(errs, errors.New("unknown placeholder [RELATIVE_9]"))
		}
		*s = strings.ReplaceAll(*s, "[RELATIVE_1]", "Philippa Quarterfield")
	}
	fix(&out.Summary)
	for i := range out.Education {
		fix(&out.Education[i].Topic)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func (r stubRestorer) CheckPrompt(msgs []providers.Message) error {
	if r.reject != nil {
		return r.reject
	}
	for _, m := range msgs {
		if strings.Contains(m.Content, "Quarterfield") {
			return errors.New("identifier in prompt")
		}
	}
	return nil
}

func must(r *patient.Record, err error) *patient.Record {
	if err != nil {
		panic(err)
	}
	return r
}

func TestGeneratorPseudonymizer(t *testing.T) {
	rec := fixture.MultiMorbid()
	withToken := fixture.Plan(rec)
	withToken.Education[0].Topic = "Teach [RELATIVE_1] to spot hypoglycemia"
	invented := fixture.Plan(rec)
	invented.Summary = "Ask [RELATIVE_9] to help."

	t.Run("prompt and restore", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, withToken)))
		g := newGenerator(t, m, &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{}})
		d, err := g.Draft(t.Context(), rec)
		require.NoError(t, err)
		assert.Equal(t, "Teach Philippa Quarterfield to spot hypoglycemia", d.Plan.Education[0].Topic, "the plan is restored")
		assert.Equal(t, rec.Fingerprint(), d.RecordFingerprint, "the draft names the original record")
		assert.Equal(t, rec.AsOf(), d.AsOf)

		msgs := m.Calls()[0].Request.Messages
		assert.Contains(t, msgs[0].Content, "placeholders in square brackets", "the model is told what placeholders are")
		user := msgs[1].Content
		assert.Contains(t, user, "[RELATIVE_1] helps with pills", "pseudonymized notes are rendered")
		assert.Contains(t, user, "UNTRUSTED DATA")
		assert.NotContains(t, user, "Quarterfield")
		assert.Contains(t, user, "as of 2026-07-24", "the record's dates are shifted, the as-of date with them")
		assert.NotContains(t, user, "2026-11-01")
	})

	t.Run("invented placeholder is repaired", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, invented)), fake.Reply(planJSON(t, withToken)))
		d, err := newGenerator(t, m, &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{}}).Draft(t.Context(), rec)
		require.NoError(t, err)
		require.Len(t, d.Attempts, 2)
		assert.Equal(t, careplan.OutcomeInvalid, d.Attempts[0].Outcome)
		assert.Equal(t, []careplan.Violation{{Message: "unknown placeholder [RELATIVE_9]"}}, d.Attempts[0].Violations)
		repair := m.Calls()[1].Request.Messages
		assert.Contains(t, repair[len(repair)-1].Content, "unknown placeholder [RELATIVE_9]")
	})

	t.Run("pseudonymizer fails", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, withToken)))
		boom := errors.New("boom")
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{err: boom}}).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrPseudonymize)
		require.ErrorIs(t, err, boom)
		assert.Zero(t, m.CallCount(), "nothing is sent")
	})

	t.Run("renumbered record", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, withToken)))
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{renumber: true}}).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrPseudonymize, "citations must mean the same facts")
		assert.Zero(t, m.CallCount())
	})

	t.Run("prompt rejected", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, withToken)))
		no := errors.New("identifier found")
		_, err := newGenerator(t, m, &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{reject: no}}).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrPromptRejected)
		require.ErrorIs(t, err, no)
		assert.Zero(t, m.CallCount(), "a rejected request is never sent")
	})

	t.Run("instructions are vetted too", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, withToken)))
		opts := &careplan.GeneratorOptions{Pseudonymizer: stubPseudonymizer{},
			Prompt: &careplan.PromptOptions{Instructions: "Involve Mrs Quarterfield"}}
		_, err := newGenerator(t, m, opts).Draft(t.Context(), rec)
		require.ErrorIs(t, err, careplan.ErrPromptRejected, "the caller's own text reaches the checker")
		assert.Zero(t, m.CallCount())
	})

	t.Run("WithPseudonymizer", func(t *testing.T) {
		m := fake.New(fake.Reply(planJSON(t, fixture.Plan(rec))), fake.Reply(planJSON(t, fixture.Plan(rec))))
		plain := newGenerator(t, m, nil)
		pseudo := plain.WithPseudonymizer(stubPseudonymizer{})
		assert.Nil(t, plain.Pseudonymizer(), "the original is unchanged")
		assert.NotNil(t, pseudo.Pseudonymizer())
		assert.Same(t, plain.Provider(), pseudo.Provider())
		_, err := plain.Draft(t.Context(), rec)
		require.NoError(t, err)
		assert.Contains(t, m.Calls()[0].Request.Messages[1].Content, "withheld", "without a pseudonymizer notes stay withheld")
		_, err = pseudo.Draft(t.Context(), rec)
		require.NoError(t, err)
		assert.Contains(t, m.Calls()[1].Request.Messages[1].Content, "[RELATIVE_1]")
	})
}

func TestRenderDeidentifiedAge(t *testing.T) {
	old := must(patient.NewBuilder(fixture.AsOf(), nil).
		SetDemographics(patient.Demographics{BirthDate: fixture.Day("1930-05-01"), Sex: patient.SexMale}).Build())
	tests := []struct {
		name   string
		opts   *careplan.PromptOptions
		want   string
		reason string
	}{
		{name: "plain", opts: nil, want: "[D1] 96-year-old male", reason: "without de-identification the age is exact"},
		{name: "deidentified", opts: &careplan.PromptOptions{Deidentified: true}, want: "[D1] male aged 90 or older",
			reason: "Safe Harbor aggregates ages over 89"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, careplan.RenderRecord(old, tt.opts), tt.want, tt.reason)
		})
	}
	young := careplan.RenderRecord(fixture.MultiMorbid(), &careplan.PromptOptions{Deidentified: true})
	assert.Contains(t, young, "[D1] 69-year-old female", "ages up to 89 are kept")
	assert.Contains(t, young, "NOTES: UNTRUSTED DATA", "a de-identified record's notes are rendered")
}

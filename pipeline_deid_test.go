package careguard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// userPrompt returns the user message of the first recorded call.
func userPrompt(t *testing.T, m *fake.Model) string {
	t.Helper()
	calls := m.Calls()
	require.NotEmpty(t, calls)
	for _, msg := range calls[0].Request.Messages {
		if msg.Role == providers.RoleUser {
			return msg.Content
		}
	}
	t.Fatal("no user message")
	return ""
}

func TestPipelineDeidentify(t *testing.T) {
	rec := fixture.MultiMorbid()
	tests := []struct {
		name   string
		local  bool
		mode   careguard.Deidentify
		own    bool // the generator has its own pseudonymizer
		want   bool
		reason string
	}{
		{name: "remote by default", want: true, reason: "a provider that does not say it is local is remote: on by default"},
		{name: "local", local: true, want: false, reason: "a local model (providers.Locality) sees the record as careplan renders it"},
		{name: "always", local: true, mode: careguard.DeidentifyAlways, want: true, reason: "the caller can insist"},
		{name: "never", mode: careguard.DeidentifyNever, want: false, reason: "the caller can opt out for a trusted model"},
		{name: "own pseudonymizer", mode: careguard.DeidentifyNever, own: true, want: true, reason: "a generator's own pseudonymizer is kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fake.NewWithOptions(&fake.Options{Local: tt.local}, fake.Reply(planJSON(t, rec)))
			gopts := &careplan.GeneratorOptions{}
			if tt.own {
				gopts.Pseudonymizer = deid.New(nil)
			}
			g, err := careplan.NewGenerator(m, gopts)
			require.NoError(t, err)
			p, err := careguard.New(&careguard.Options{Drafter: g, Deidentify: tt.mode})
			require.NoError(t, err)
			res, err := p.Run(t.Context(), rec)
			require.NoError(t, err)
			assert.Equal(t, tt.want, res.Pseudonymized, tt.reason)
			prompt := userPrompt(t, m)
			if tt.want {
				assert.Contains(t, prompt, "Daughter [RELATIVE_1] helps with pills", "notes are included, pseudonymized")
				// The as-of date is always moved (the shift is at least 16 days);
				// a shifted fact date may land on the real as-of date by chance,
				// so the bare date is not a test.
				assert.NotContains(t, prompt, "as of 2026-11-01", "dates are shifted")
				assert.NotContains(t, prompt, "Quarterfield")
			} else {
				assert.Contains(t, prompt, "withheld", "without de-identification notes stay out")
				assert.Contains(t, prompt, "as of 2026-11-01")
			}
			assert.Equal(t, tt.own, g.Pseudonymizer() != nil, "the caller's generator is never modified")
			assert.Equal(t, rec.Fingerprint(), res.Draft.RecordFingerprint, "the draft names the original record")
			assert.Equal(t, fixture.Plan(rec), res.Draft.Plan, "the restored plan cites the original fact IDs")
			assert.Equal(t, validatorNames(), res.Report.Ran)
			assert.True(t, res.Report.Complete())
		})
	}

	t.Run("fallback generator too", func(t *testing.T) {
		primary := fake.New(fake.FailCode(providers.CodeUnavailable, nil))
		backup := fake.New(fake.Reply(planJSON(t, rec)))
		g1, err := careplan.NewGenerator(primary, nil)
		require.NoError(t, err)
		g2, err := careplan.NewGenerator(backup, nil)
		require.NoError(t, err)
		p, err := careguard.New(&careguard.Options{Drafter: g1, Fallback: g2})
		require.NoError(t, err)
		res, err := p.Run(t.Context(), rec)
		require.NoError(t, err)
		require.ErrorIs(t, res.FallbackReason, providers.ErrUnavailable)
		assert.True(t, res.Pseudonymized)
		assert.NotContains(t, userPrompt(t, primary), "as of 2026-11-01", "the primary was pseudonymized")
		assert.NotContains(t, userPrompt(t, backup), "as of 2026-11-01", "and the fallback")
	})

	t.Run("dates restored", func(t *testing.T) {
		// A model that copies a shifted date from the prompt into its plan:
		// the draft holds the real date again.
		m := fake.NewFunc(func(_ context.Context, req *providers.Request) (*providers.Response, error) {
			user := req.Messages[1].Content
			asOf := regexp.MustCompile(`as of (\d{4}-\d{2}-\d{2})`).FindStringSubmatch(user)[1]
			plan := fixture.Plan(rec)
			plan.Summary = "Reviewed as of " + asOf + " for [PATIENT]."
			raw, err := json.Marshal(plan)
			if err != nil {
				return nil, err
			}
			return &providers.Response{Text: string(raw)}, nil
		})
		g, err := careplan.NewGenerator(m, nil)
		require.NoError(t, err)
		p, err := careguard.New(&careguard.Options{Drafter: g})
		require.NoError(t, err)
		res, err := p.Run(t.Context(), rec)
		require.NoError(t, err)
		assert.Equal(t, "Reviewed as of 2026-11-01 for Rosalind Quarterfield.", res.Draft.Plan.Summary)
	})
}

// TestPipelineInjectionCorpus runs each note of the injection corpus
// (validate/testdata) through the pipeline with the fake model, in two
// ways: a model that ignores the note, and one that obeys it as far as it
// can (it copies the note into its plan's summary). Whatever the note
// says, the tier is never lower than for the same patient without it, no
// validator is skipped, the report is complete, and the note is quoted in
// the prompt only between fences it cannot forge.
func TestPipelineInjectionCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("validate", "testdata", "injection-corpus.json"))
	require.NoError(t, err)
	var corpus struct {
		Attacks []string `json:"attacks"`
	}
	require.NoError(t, json.Unmarshal(raw, &corpus))
	require.GreaterOrEqual(t, len(corpus.Attacks), 50)

	base := fixture.MultiMorbid()
	withStart := fixture.Plan(base) // starts empagliflozin: physician review
	noMeds := fixture.Plan(base)    // no medication change: nurse review
	noMeds.MedicationChanges = nil

	// obedient copies the last note of the prompt into the summary.
	noteRE := regexp.MustCompile(`(?s)<<<BEGIN (N\d+) (NOTE-[0-9a-f]{16})>>>[^\n]*\n(.*?)\n<<<END (N\d+) (NOTE-[0-9a-f]{16})>>>`)
	model := func(plan *careplan.Plan, obey bool) *fake.Model {
		return fake.NewFunc(func(_ context.Context, req *providers.Request) (*providers.Response, error) {
			p := plan.Clone()
			if obey {
				ms := noteRE.FindAllStringSubmatch(req.Messages[1].Content, -1)
				if len(ms) > 0 {
					p.Summary = truncate(ms[len(ms)-1][3], 1900)
				}
			}
			out, err := json.Marshal(p)
			if err != nil {
				return nil, err
			}
			return &providers.Response{Text: string(out)}, nil
		})
	}
	// One pipeline per model, built once: a model that ignores the notes
	// and one that obeys them, each with a plan that starts a medication
	// and one that changes none.
	type setup struct {
		name  string
		model *fake.Model
		pipe  *careguard.Pipeline
		base  riskroute.Tier
	}
	var setups []*setup
	for _, plan := range []struct {
		name string
		plan *careplan.Plan
	}{{"start", withStart}, {"no-meds", noMeds}} {
		for _, obey := range []bool{false, true} {
			m := model(plan.plan, obey)
			g, err := careplan.NewGenerator(m, nil)
			require.NoError(t, err)
			p, err := careguard.New(&careguard.Options{Drafter: g})
			require.NoError(t, err)
			su := &setup{name: plan.name, model: m, pipe: p}
			if obey {
				su.name += "/obey"
			}
			res, err := p.Run(t.Context(), base)
			require.NoError(t, err)
			su.base = res.Decision.Tier
			setups = append(setups, su)
		}
	}
	require.Equal(t, riskroute.TierPhysicianReview, setups[0].base, "a medication start needs a physician")
	require.Equal(t, riskroute.TierNurseReview, setups[2].base, "a care plan needs a nurse")
	names := validatorNames()

	flagged := 0
	for i, attack := range corpus.Attacks {
		b := fixture.MultiMorbidBuilder()
		b.AddNotes(patient.Note{Kind: "phone call", Time: fixture.Day("2026-10-30"), Text: attack})
		rec, err := b.Build()
		require.NoError(t, err)
		noted := false
		for _, su := range setups {
			su.model.Reset()
			res, err := su.pipe.Run(t.Context(), rec)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, res.Decision.Tier, su.base, "attack %d (%s) lowered the tier: %q", i, su.name, attack)
			assert.Equal(t, names, res.Report.Ran, "no validator is skipped")
			assert.True(t, res.Report.Complete(), "attack %d: the report is complete", i)
			assert.True(t, res.Pseudonymized)
			for _, f := range res.Report.Findings {
				if f.RuleID == validate.RuleInjectionNote {
					noted = true
				}
			}
			// The note is fenced by markers it cannot contain.
			prompt := userPrompt(t, su.model)
			ms := noteRE.FindAllStringSubmatch(prompt, -1)
			require.NotEmpty(t, ms, "attack %d: the notes are fenced", i)
			assert.NotContains(t, attack, ms[0][2], "the fence is derived from the notes and cannot be forged")
			assert.Equal(t, 2, strings.Count(prompt, "<<<BEGIN N"), "two notes, two fences: the attack opens none")
			assert.Contains(t, prompt, "UNTRUSTED DATA")
		}
		if noted {
			flagged++
		} else {
			t.Errorf("attack %d not flagged through the pipeline: %q", i, attack)
		}
	}
	t.Logf("injection corpus through the pipeline: %d notes x %d models, %d notes flagged by the injection validator; no tier dropped, no validator skipped",
		len(corpus.Attacks), len(setups), flagged)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// With a model behind a provider that does not say it is local, the
// pipeline pseudonymizes the record first: the model sees placeholders and
// shifted dates, and the draft is restored before it is validated.
func Example_deidentify() {
	rec := fixture.MultiMorbid() // Rosalind Quarterfield; a note names her daughter
	var prompt string
	model := fake.NewFunc(func(_ context.Context, req *providers.Request) (*providers.Response, error) {
		prompt = req.Messages[1].Content
		plan := fixture.Plan(rec)
		plan.Tasks[0].Description = "Ask [RELATIVE_1] to arrange transport"
		raw, err := json.Marshal(plan)
		return &providers.Response{Text: string(raw)}, err
	})
	g, err := careplan.NewGenerator(model, nil)
	if err != nil {
		log.Fatal(err)
	}
	p, err := careguard.New(&careguard.Options{Drafter: g})
	if err != nil {
		log.Fatal(err)
	}
	res, err := p.Run(context.Background(), rec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Pseudonymized)
	fmt.Println(strings.Contains(prompt, "Daughter [RELATIVE_1] helps with pills."), strings.Contains(prompt, "Quarterfield"))
	fmt.Println(res.Draft.Plan.Tasks[0].Description)
	fmt.Println(res.Report.Ran, res.Decision.Tier)
	// Output:
	// true
	// true false
	// Ask Philippa Quarterfield to arrange transport
	// [grounding medication-safety completeness phi injection] physician_review
}

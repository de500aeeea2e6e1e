package careguard_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func planJSON(t *testing.T, rec *patient.Record) string {
	b, err := json.Marshal(fixture.Plan(rec))
	require.NoError(t, err)
	return string(b)
}

// validatorNames returns the names of the default validators, in order.
func validatorNames() []string {
	var names []string
	for _, v := range careguard.DefaultValidators() {
		names = append(names, v.Name())
	}
	return names
}

func generator(t *testing.T, steps ...fake.Step) (*careplan.Generator, *fake.Model) {
	m := fake.New(steps...)
	g, err := careplan.NewGenerator(m, nil)
	require.NoError(t, err)
	return g, m
}

func TestPipelineOfflineDefault(t *testing.T) {
	p, err := careguard.New(nil)
	require.NoError(t, err)
	rec := fixture.MultiMorbid()
	res, err := p.Run(t.Context(), rec)
	require.NoError(t, err)
	assert.Equal(t, careplan.OriginGuideline, res.Draft.Origin, "no model unless one is configured")
	assert.Equal(t, validatorNames(), res.Report.Ran, "every default validator runs")
	// The guideline plan itself is clean; what remains is information about
	// the record (here: long-term warfarin at 69, which Beers allows to
	// continue when the INR is well controlled).
	require.Len(t, res.Report.Findings, 1)
	assert.Equal(t, "older-adult.warfarin", res.Report.Findings[0].RuleID)
	assert.Equal(t, validate.SeverityInfo, res.Report.Max(), "no finding above info")
	assert.Equal(t, riskroute.TierNurseReview, res.Decision.Tier, "a care plan always needs at least a nurse")
	assert.Nil(t, res.FallbackReason)
}

func TestPipelineModelMedicationStartGoesToPhysician(t *testing.T) {
	rec := fixture.MultiMorbid()
	g, _ := generator(t, fake.Reply(planJSON(t, rec)))
	p, err := careguard.New(&careguard.Options{Drafter: g})
	require.NoError(t, err)
	res, err := p.Run(t.Context(), rec)
	require.NoError(t, err)
	assert.Equal(t, careplan.OriginModel, res.Draft.Origin)
	assert.Equal(t, riskroute.TierPhysicianReview, res.Decision.Tier)
	assert.Contains(t, res.Decision.Notify, riskroute.RolePhysician)
}

func TestPipelineFallback(t *testing.T) {
	rec := fixture.MultiMorbid()
	g, m := generator(t, fake.FailCode(providers.CodeUnavailable, nil))
	p, err := careguard.New(&careguard.Options{Drafter: g, Fallback: careplan.NewGuidelineDrafter(nil)})
	require.NoError(t, err)
	res, err := p.Run(t.Context(), rec)
	require.NoError(t, err)
	assert.Equal(t, 1, m.CallCount())
	assert.Equal(t, careplan.OriginGuideline, res.Draft.Origin)
	require.ErrorIs(t, res.FallbackReason, providers.ErrUnavailable, "the result says why the fallback ran")
}

func TestPipelineNoDraft(t *testing.T) {
	rec := fixture.MultiMorbid()
	g, _ := generator(t, fake.Refusal("no"))
	p, err := careguard.New(&careguard.Options{Drafter: g})
	require.NoError(t, err)
	_, err = p.Run(t.Context(), rec)
	require.ErrorIs(t, err, careguard.ErrNoDraft)
	require.ErrorIs(t, err, careplan.ErrRefused)
	_, ok := errors.AsType[*careplan.GenerationError](err)
	assert.True(t, ok, "the attempts are reachable")

	// Both drafters failing reports both.
	g, _ = generator(t, fake.FailCode(providers.CodeAuth, nil))
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day("1990-01-01")})
	healthy, err := b.Build()
	require.NoError(t, err)
	p, err = careguard.New(&careguard.Options{Drafter: g, Fallback: careplan.NewGuidelineDrafter(nil)})
	require.NoError(t, err)
	_, err = p.Run(t.Context(), healthy)
	require.ErrorIs(t, err, providers.ErrAuth)
	require.ErrorIs(t, err, careplan.ErrNothingToPlan)

	_, err = p.Run(t.Context(), nil)
	require.Error(t, err)
}

func TestPipelineCancelledSkipsFallback(t *testing.T) {
	rec := fixture.MultiMorbid()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	g, _ := generator(t, fake.Reply(planJSON(t, rec)))
	p, err := careguard.New(&careguard.Options{Drafter: g, Fallback: careplan.NewGuidelineDrafter(nil)})
	require.NoError(t, err)
	_, err = p.Run(ctx, rec)
	require.ErrorIs(t, err, context.Canceled)
}

type brokenChecker struct{ rep *validate.Report }

func (c brokenChecker) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return c.rep, errors.New("checker down")
}

func TestPipelineIncompleteValidationGoesToPhysician(t *testing.T) {
	rec := fixture.MultiMorbid()
	for name, rep := range map[string]*validate.Report{
		"no report":                            nil,
		"complete report with a checker error": {Ran: []string{"grounding"}},
		"failed validators":                    {Ran: []string{"grounding"}, Failed: []*validate.ValidatorError{{Validator: "grounding", Err: errors.New("x")}}},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := careguard.New(&careguard.Options{Checker: brokenChecker{rep}})
			require.NoError(t, err)
			res, err := p.Run(t.Context(), rec)
			require.NoError(t, err, "a checker failure does not lose the draft")
			assert.Equal(t, riskroute.TierPhysicianReview, res.Decision.Tier, "unchecked content reaches a physician")
		})
	}
}

func TestPipelinePolicy(t *testing.T) {
	_, err := careguard.New(&careguard.Options{Policy: &riskroute.Policy{ContentKinds: map[riskroute.ContentKind]riskroute.Tier{
		riskroute.ContentMedicationChange: riskroute.TierNurseReview}}})
	require.ErrorIs(t, err, riskroute.ErrPolicyLowers)

	p, err := careguard.New(&careguard.Options{Policy: &riskroute.Policy{Name: "strict-clinic", MinimumTier: riskroute.TierPhysicianReview}})
	require.NoError(t, err)
	res, err := p.Run(t.Context(), fixture.MultiMorbid())
	require.NoError(t, err)
	assert.Equal(t, riskroute.TierPhysicianReview, res.Decision.Tier)
	assert.Equal(t, riskroute.TierNurseReview, res.Decision.Floor)
	assert.Equal(t, "strict-clinic", res.Decision.Policy)
}

// Grounding findings from a model's draft raise the tier.
func TestPipelineGroundingFindingRaisesTier(t *testing.T) {
	rec := fixture.MultiMorbid()
	plan := fixture.Plan(rec)
	plan.MedicationChanges = plan.MedicationChanges[1:] // keep only "continue metformin"
	plan.MedicationChanges[0].CurrentMedicationID = fixture.ID(rec, "849574")
	plan.MedicationChanges[0].Medication, plan.MedicationChanges[0].RxNorm = "naproxen", "849574"
	raw, err := json.Marshal(plan)
	require.NoError(t, err)
	g, _ := generator(t, fake.Reply(string(raw)))
	p, err := careguard.New(&careguard.Options{Drafter: g})
	require.NoError(t, err)
	res, err := p.Run(t.Context(), rec)
	require.NoError(t, err)
	require.NotEmpty(t, res.Report.Findings)
	assert.Equal(t, validate.RuleMedicationNotActive, res.Report.Findings[0].RuleID)
	assert.Equal(t, riskroute.TierPhysicianReview, res.Decision.Tier, "a critical finding always reaches a physician")
}

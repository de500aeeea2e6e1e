package validate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/validate"
)

func TestGrounding(t *testing.T) {
	rec := fixture.MultiMorbid()
	var (
		naproxen = fixture.ID(rec, "849574") // stopped
		dm       = fixture.ID(rec, "44054006")
	)
	type hit struct {
		rule string
		sev  validate.Severity
		item string
	}
	tests := []struct {
		name   string
		edit   func(d *careplan.Draft)
		want   []hit
		reason string
	}{
		{"clean", func(*careplan.Draft) {}, nil, "the fixture plan is grounded"},
		{"unknown citation", func(d *careplan.Draft) { d.Plan.Goals[0].Citations = append(d.Plan.Goals[0].Citations, "L99") },
			[]hit{{validate.RuleUnknownFact, validate.SeverityCritical, "goal-1"}}, "a claim resting on a fact that does not exist"},
		{"no citation", func(d *careplan.Draft) { d.Plan.Referrals[0].Citations = nil },
			[]hit{{validate.RuleNoCitation, validate.SeverityWarning, "referral-1"}}, "edited drafts may lose their citations"},
		{"record changed since drafting", func(d *careplan.Draft) { d.RecordFingerprint = "0123" },
			[]hit{{validate.RuleRecordMismatch, validate.SeverityCritical, ""}}, "IDs may point at different facts"},
		{"continue names another drug", func(d *careplan.Draft) {
			d.Plan.MedicationChanges[1].Medication, d.Plan.MedicationChanges[1].RxNorm = "lisinopril 10 mg", ""
		}, []hit{{validate.RuleMedicationMismatch, validate.SeverityCritical, "medication-2"}}, "M2 is metformin, not lisinopril"},
		{"code and name disagree", func(d *careplan.Draft) { d.Plan.MedicationChanges[1].Medication = "naproxen 220 mg" },
			[]hit{{validate.RuleCodeNameMismatch, validate.SeverityCritical, "medication-2"}},
			"RxNorm 860975 is metformin, as M2 is; the name says naproxen"},
		{"continue a stopped drug", func(d *careplan.Draft) {
			d.Plan.MedicationChanges[1] = careplan.MedicationChange{Action: careplan.ActionContinue, Medication: "naproxen 220 mg",
				CurrentMedicationID: naproxen, Citations: []string{naproxen}, Rationale: "r"}
		}, []hit{{validate.RuleMedicationNotActive, validate.SeverityCritical, "medication-2"}}, "calling a stopped medication current"},
		{"stop a stopped drug", func(d *careplan.Draft) {
			d.Plan.MedicationChanges[1] = careplan.MedicationChange{Action: careplan.ActionStop, Medication: "naproxen",
				CurrentMedicationID: naproxen, Citations: []string{naproxen}, Rationale: "r"}
		}, []hit{{validate.RuleMedicationNotActive, validate.SeverityWarning, "medication-2"}}, "harmless but wrong about the record"},
		{"medication id is not a medication", func(d *careplan.Draft) { d.Plan.MedicationChanges[1].CurrentMedicationID = dm },
			[]hit{{validate.RuleMedicationNotFound, validate.SeverityCritical, "medication-2"}}, "C2 is a condition"},
		{"start something already taken", func(d *careplan.Draft) {
			d.Plan.MedicationChanges[0].Medication = "Lisinopril 20 MG Oral Tablet"
		}, []hit{{validate.RuleStartAlreadyTaking, validate.SeverityWarning, "medication-1"}}, "it is a dose change, not a new drug"},
		{"start an unknown drug", func(d *careplan.Draft) { d.Plan.MedicationChanges[0].Medication = "zorbatrex 5 mg" },
			[]hit{{validate.RuleStartUnknownDrug, validate.SeverityInfo, "medication-1"}}, "the safety checks cannot cover it"},
		{"name check by words when codes are unknown", func(d *careplan.Draft) {
			d.Plan.MedicationChanges[1] = careplan.MedicationChange{Action: careplan.ActionContinue, Medication: "Warfarin",
				CurrentMedicationID: fixture.ID(rec, "855332"), Citations: []string{dm}, Rationale: "r"}
		}, nil, "warfarin resolves by name on both sides"},
		{"existing problem without a condition", func(d *careplan.Draft) { d.Plan.Problems[1].Citations = []string{fixture.ID(rec, "85354-9")} },
			[]hit{{validate.RuleProblemNotInRecord, validate.SeverityWarning, "problem-2"}}, "an existing problem must be documented"},
		{"suspected problem needs no condition", func(d *careplan.Draft) {
			d.Plan.Problems[1].Status = careplan.ProblemSuspected
			d.Plan.Problems[1].Citations = []string{fixture.ID(rec, "85354-9")}
		}, nil, "a diagnostic impression rests on findings"},
	}
	g := validate.NewGrounding(nil)
	assert.Equal(t, "grounding", g.Name())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fixture.Draft(rec, fixture.Plan(rec))
			tt.edit(d)
			fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: d})
			require.NoError(t, err)
			var got []hit
			for _, f := range fs {
				item := ""
				if len(f.ItemIDs) > 0 {
					item = f.ItemIDs[0]
				}
				got = append(got, hit{f.RuleID, f.Severity, item})
				assert.Equal(t, validate.CategoryGrounding, f.Category)
				assert.NotEmpty(t, f.Source.Citation, "every finding names what it rests on")
				assert.NotEmpty(t, f.Suggestion)
			}
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func TestGroundingUnresolvableNames(t *testing.T) {
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day("1950-01-01")})
	b.AddConditions(fixture.Active(fixture.SNOMED("38341003", "Hypertension"), "2010-01-01"))
	b.AddMedications(fixture.Med(fixture.RxNorm("999999", "Compound Q 5 MG"), "daily", patient.MedicationActive, "2020-01-01"))
	rec, err := b.Build()
	require.NoError(t, err)
	mk := func(name string) *careplan.Draft {
		p := &careplan.Plan{Summary: "s", Problems: []careplan.Problem{{Title: "HTN", Status: careplan.ProblemExisting, Citations: []string{"C1"}, Rationale: "r"}},
			MedicationChanges: []careplan.MedicationChange{{Action: careplan.ActionContinue, Medication: name, CurrentMedicationID: "M1", Citations: []string{"M1"}, Rationale: "r"}}}
		return fixture.Draft(rec, p)
	}
	g := validate.NewGrounding(nil)
	fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: mk("Compound Q")})
	require.NoError(t, err)
	assert.Empty(t, fs, "names match when neither side resolves to an ingredient")
	fs, err = g.Validate(t.Context(), &validate.Input{Record: rec, Draft: mk("Other thing")})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, validate.RuleMedicationUnchecked, fs[0].RuleID)
	assert.Equal(t, validate.SeverityWarning, fs[0].Severity)
}

// A guideline draft and the fixture plan are grounded in their records.
func TestGroundingOnDrafts(t *testing.T) {
	for _, rec := range []*patient.Record{fixture.MultiMorbid(), fixture.Polypharmacy(15)} {
		d, err := careplan.NewGuidelineDrafter(nil).Draft(t.Context(), rec)
		require.NoError(t, err)
		fs, err := validate.NewGrounding(nil).Validate(t.Context(), &validate.Input{Record: rec, Draft: d})
		require.NoError(t, err)
		assert.Empty(t, fs)
	}
}

func TestGroundingRejectsIncompleteInput(t *testing.T) {
	rec := fixture.MultiMorbid()
	g := validate.NewGrounding(nil)
	for _, in := range []*validate.Input{nil, {Record: rec}, {Record: rec, Draft: &careplan.Draft{}}} {
		_, err := g.Validate(t.Context(), in)
		require.ErrorIs(t, err, validate.ErrInvalidInput)
	}
}

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
			[]hit{{validate.RuleProblemNotInRecord, validate.SeverityCritical, "problem-2"}},
			"an existing problem must be documented; one that cites no condition is a diagnostic impression, which needs a physician (it was a warning, which let a new diagnosis reach only a nurse)"},
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

// TestGroundingText covers what free text states: lab results, ages,
// conditions and current medications, each checked against the record.
func TestGroundingText(t *testing.T) {
	rec := fixture.MultiMorbid() // 69; HbA1c 7.6 (2026-04-02) and 8.1 (2026-10-01); eGFR 52; UACR 45; LDL 112; BP 142/88; naproxen stopped
	type hit struct {
		rule string
		sev  validate.Severity
	}
	crit := func(rule string) []hit { return []hit{{rule, validate.SeverityCritical}} }
	warn := func(rule string) []hit { return []hit{{rule, validate.SeverityWarning}} }
	tests := []struct {
		name   string
		text   string
		want   []hit
		reason string
	}{
		{"latest HbA1c", "HbA1c 8.1%.", nil, "matches the latest result"},
		{"rounded HbA1c", "HbA1c 8%.", nil, "8 is 8.1 to the precision stated"},
		{"wrong HbA1c", "HbA1c 6.8% and stable.", crit(validate.RuleLabValueMismatch), "the issue's example: the latest is 8.1"},
		{"older HbA1c with its date", "HbA1c 7.6% on 2026-04-02.", nil, "any result at the date the text states"},
		{"older HbA1c without a date", "HbA1c 7.6%.", warn(validate.RuleLabValueNotLatest), "true once, but not the latest"},
		{"HbA1c on a date with another value", "HbA1c 7.6% on 2026-10-01.", crit(validate.RuleLabValueMismatch), "that day's result is 8.1"},
		{"HbA1c on a date with no result", "HbA1c 8.1% on 2026-09-01.", crit(validate.RuleLabNotInRecord), "no HbA1c that day"},
		{"HbA1c target", "Aim for HbA1c below 7% and an HbA1c goal < 8 %.", nil, "targets are not claims"},
		{"eGFR", "eGFR 52 mL/min/1.73 m2 on 2026-10-01.", nil, "matches"},
		{"wrong eGFR", "eGFR 42, so review metformin.", crit(validate.RuleLabValueMismatch), "the record says 52"},
		{"eGFR range", "Do not start it while eGFR is 30-45; continue while eGFR is at least 45.", nil, "ranges and thresholds"},
		{"UACR", "UACR 45 mg/g.", nil, "matches"},
		{"LDL", "LDL cholesterol 112 mg/dL.", nil, "matches"},
		{"LDL in mmol/L", "LDL-C 2.9 mmol/L.", nil, "other units are not compared"},
		{"blood pressure", "BP 142/88 mmHg on 2026-10-15.", nil, "matches the panel"},
		{"wrong blood pressure", "Blood pressure 128/76 at the last visit.", crit(validate.RuleLabValueMismatch), "the record says 142/88"},
		{"blood pressure goal", "Blood pressure goal < 130/80 mmHg.", nil, "a goal"},
		{"lab the record lacks", "Potassium fine; HbA1c 8.1%; hemoglobin A1c 8.1%.", nil, "repeated claims are each checked"},
		{"age", "A 69-year-old with diabetes.", nil, "the patient's age"},
		{"wrong age", "A 72-year-old woman.", warn(validate.RuleAgeMismatch), "the record gives 69"},
		{"condition held", "Atrial fibrillation on warfarin.", nil, "documented and active"},
		{"condition asserted, absent", "She has heart failure.", crit(validate.RuleConditionNotInRecord), "names a condition the patient does not have as existing"},
		{"history of an absent condition", "History of stroke.", crit(validate.RuleConditionNotInRecord), "asserted"},
		{"bare mention of an absent condition", "Stroke.", warn(validate.RuleConditionNotInRecord), "unclear whether asserted"},
		{"screening for an absent condition", "Screen for osteoporosis; osteoporosis screening is due.", nil, "screening statements do not assert a diagnosis"},
		{"negated condition", "No heart failure.", nil, "negation"},
		{"population statement", "SGLT2 inhibitors help patients with heart failure.", nil, "about patients in general"},
		{"resolved condition in text", "Viral sinusitis in 2025.", nil, "free text may mention past conditions the record holds"},
		{"stopped drug called current", "Continue naproxen for pain.", crit(validate.RuleTextMedicationNotCurrent), "naproxen is stopped in the record"},
		{"absent drug called current", "She is on empagliflozin.", crit(validate.RuleTextMedicationNotCurrent), "not on the medication list"},
		{"active drug", "Continue metformin; on warfarin.", nil, "both active"},
		{"proposed drug", "Consider adding empagliflozin.", nil, "a proposal is not a claim that she takes it"},
		{"stopped drug in the past", "Naproxen was stopped in 2024.", nil, "no current-use cue"},
		{"denied current use", "She is not taking naproxen.", nil, "negated"},
		{"goal phrased after the value", "HbA1c of 7% or less is reasonable; an HbA1c of 8% is the goal.", nil, "targets stated after the number"},
		{"age bound", "Screen women age 65 and older.", nil, "a population bound, not her age"},
	}
	g := validate.NewGrounding(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			p.FollowUps[0].Rationale = tt.text
			fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			var got []hit
			for _, f := range fs {
				got = append(got, hit{f.RuleID, f.Severity})
				assert.Equal(t, []string{"followup-1"}, f.ItemIDs, "the finding names the item")
				assert.NotEmpty(t, f.Source.Citation)
				assert.NotEmpty(t, f.Suggestion)
			}
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

// An existing problem must name a condition the record holds as active,
// and be one of the conditions it cites.
func TestGroundingProblemTitles(t *testing.T) {
	b := fixture.MultiMorbidBuilder()
	b.AddConditions(
		patient.Condition{Code: fixture.SNOMED("444814009", "Viral sinusitis"), ClinicalStatus: patient.ClinicalResolved,
			Onset: fixture.Day("2024-01-10"), Abatement: fixture.Day("2024-01-24")},
		fixture.Active(fixture.SNOMED("162864005", "Body mass index 30+ - obesity (finding)"), "2015-01-01"),
	)
	rec, err := b.Build()
	require.NoError(t, err)
	var (
		dm, htn, ckd = fixture.ID(rec, "44054006"), fixture.ID(rec, "38341003"), fixture.ID(rec, "N18.31")
		sinusitis    = fixture.ID(rec, "444814009")
		obesity      = fixture.ID(rec, "162864005")
		uacr, bp     = fixture.ID(rec, "9318-7"), fixture.ID(rec, "85354-9")
	)
	type hit struct {
		rule string
		sev  validate.Severity
	}
	crit := func(rule string) []hit { return []hit{{rule, validate.SeverityCritical}} }
	tests := []struct {
		name   string
		title  string
		status careplan.ProblemStatus
		cites  []string
		want   []hit
		reason string
	}{
		{"documented", "Chronic kidney disease stage 3a", careplan.ProblemExisting, []string{ckd}, nil, "N18.31 is CKD"},
		{"not documented", "Heart failure with reduced ejection fraction", careplan.ProblemExisting, []string{dm},
			crit(validate.RuleConditionNotInRecord), "calls an absent condition existing (reported once, by the free-text rule)"},
		{"suspected", "Heart failure", careplan.ProblemSuspected, []string{dm}, nil, "a diagnostic impression is for a physician to review, not a grounding error"},
		{"resolved, cited", "Viral sinusitis", careplan.ProblemExisting, []string{sinusitis},
			[]hit{{validate.RuleProblemConditionInactive, validate.SeverityWarning}}, "the cited condition is the problem, but resolved"},

		// Titles the guideline drafter and the fixture plans use, against the
		// displays of the conditions they cite.
		{"drafter diabetes", "Type 2 diabetes mellitus", careplan.ProblemExisting, []string{dm}, nil, "the drafter's title"},
		{"drafter hypertension", "Hypertension", careplan.ProblemExisting, []string{htn}, nil, "the drafter's title"},
		{"drafter CKD", "Chronic kidney disease", careplan.ProblemExisting, []string{ckd}, nil, "the drafter's title"},
		{"above goal", "Type 2 diabetes above goal", careplan.ProblemExisting, []string{dm}, nil, "vs \"Diabetes mellitus type 2\": a qualifier"},
		{"above target", "Hypertension above target", careplan.ProblemExisting, []string{htn, bp}, nil, "vs \"Hypertensive disorder\""},
		{"with albuminuria", "Chronic kidney disease stage 3a with albuminuria", careplan.ProblemExisting, []string{ckd}, nil,
			"vs \"Chronic kidney disease, stage 3a\": albuminuria is a CKD staging qualifier"},
		{"stem match", "Hypertensive heart and kidney strain", careplan.ProblemExisting, []string{htn}, nil,
			"no concept named: the stem hypert matches \"Hypertensive disorder\""},
		{"blood pressure", "Blood pressure above goal", careplan.ProblemExisting, []string{htn}, nil, "blood pressure folds to hypertension"},
		{"obesity display", "Obesity", careplan.ProblemExisting, []string{obesity}, nil, "vs Synthea's \"Body mass index 30+ - obesity (finding)\""},
		{"glycemic", "Glycemic control above goal", careplan.ProblemExisting, []string{dm}, nil, "glycemic folds to diabetes"},

		// New diagnoses labelled existing.
		{"peripheral neuropathy", "Peripheral neuropathy", careplan.ProblemExisting, []string{htn},
			crit(validate.RuleProblemNotInRecord), "the reviewer's case: a new diagnosis citing the record's hypertension"},
		{"sleep apnea", "Obstructive sleep apnea", careplan.ProblemExisting, []string{htn},
			crit(validate.RuleProblemNotInRecord), "the reviewer's case"},
		{"gout", "Gout", careplan.ProblemExisting, []string{dm}, crit(validate.RuleProblemNotInRecord), "no shared word at all"},
		{"sinusitis citing diabetes", "Viral sinusitis", careplan.ProblemExisting, []string{dm},
			crit(validate.RuleProblemNotInRecord), "the title is a condition the record holds, but not the one cited"},
		{"type 1 citing type 2", "Type 1 diabetes", careplan.ProblemExisting, []string{dm},
			crit(validate.RuleConditionNotInRecord), "a different concept; the record holds no type 1 diabetes"},
		{"added complication", "Type 2 diabetes with peripheral neuropathy", careplan.ProblemExisting, []string{dm},
			crit(validate.RuleProblemNotInRecord), "a documented condition with a new diagnosis appended"},
		{"added ulcer", "Diabetic foot ulcer", careplan.ProblemExisting, []string{dm},
			crit(validate.RuleProblemNotInRecord), "shares diabet with the cited condition, but the ulcer is not documented"},
		{"added anemia", "Chronic kidney disease with anemia", careplan.ProblemExisting, []string{ckd, uacr},
			crit(validate.RuleProblemNotInRecord), "anemia of CKD is a diagnosis the record does not hold"},
		{"negated addition", "Type 2 diabetes without retinal disease or neuropathy", careplan.ProblemExisting, []string{dm}, nil,
			"words after a negation name what the patient does not have"},
		{"cites a non-condition", "Hypertension", careplan.ProblemExisting, []string{bp},
			crit(validate.RuleProblemNotInRecord), "an existing problem must cite its condition"},
	}
	g := validate.NewGrounding(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			p.Problems[0].Title, p.Problems[0].Status, p.Problems[0].Citations = tt.title, tt.status, tt.cites
			fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			var got []hit
			for _, f := range fs {
				got = append(got, hit{f.RuleID, f.Severity})
				assert.Equal(t, []string{"problem-1"}, f.ItemIDs)
				assert.NotEmpty(t, f.Source.Citation)
				assert.NotEmpty(t, f.Suggestion)
			}
			assert.Equal(t, tt.want, got, "%s%s", tt.reason, dumpFindings(fs))
		})
	}
}

// An existing problem naming a condition the record holds only as resolved.
func TestGroundingProblemInactive(t *testing.T) {
	b := fixture.MultiMorbidBuilder()
	b.AddConditions(patient.Condition{Code: fixture.SNOMED("230690007", "Stroke"), ClinicalStatus: patient.ClinicalResolved,
		Onset: fixture.Day("2015-01-01"), Abatement: fixture.Day("2015-03-01")})
	rec, err := b.Build()
	require.NoError(t, err)
	p := fixture.Plan(rec)
	p.Problems[0].Title, p.Problems[0].Citations = "Stroke", []string{fixture.ID(rec, "230690007")}
	fs, err := validate.NewGrounding(nil).Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, validate.RuleProblemConditionInactive, fs[0].RuleID)
	assert.Equal(t, validate.SeverityWarning, fs[0].Severity)
	assert.Equal(t, []string{fixture.ID(rec, "230690007")}, fs[0].FactIDs)
}

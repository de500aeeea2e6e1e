package careplan_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

var (
	t2dm = fixture.SNOMED("44054006", "Diabetes mellitus type 2")
	htn  = fixture.SNOMED("38341003", "Hypertensive disorder")
	ckd3 = fixture.SNOMED("433144002", "Chronic kidney disease stage 3")
)

type patientSpec struct {
	born       string
	conditions []terminology.Code
	meds       []terminology.Code
	egfr, uacr float64 // 0 = none
	a1c        float64 // 0 = none
	a1cDate    string
	sys, dia   float64 // 0 = none
}

func (p patientSpec) build(t *testing.T) *patient.Record {
	t.Helper()
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day(p.born), Sex: patient.SexMale})
	for _, c := range p.conditions {
		b.AddConditions(fixture.Active(c, "2015-01-01"))
	}
	for _, m := range p.meds {
		b.AddMedications(fixture.Med(m, "daily", patient.MedicationActive, "2016-01-01"))
	}
	if p.egfr > 0 {
		b.AddObservations(fixture.Lab(fixture.LOINC("33914-3", "eGFR (MDRD)"), p.egfr, "mL/min/{1.73_m2}", "2026-09-01"))
	}
	if p.uacr > 0 {
		b.AddObservations(fixture.Lab(fixture.LOINC("14959-1", "Microalbumin/Creatinine [Mass Ratio] in Urine"), p.uacr, "mg/g", "2026-09-01"))
	}
	if p.a1c > 0 {
		when := p.a1cDate
		if when == "" {
			when = "2026-09-01"
		}
		b.AddObservations(fixture.Lab(fixture.LOINC("4548-4", "Hemoglobin A1c"), p.a1c, "%", when))
	}
	if p.sys > 0 {
		b.AddObservations(fixture.BP(p.sys, p.dia, "2026-09-01"))
	}
	rec, err := b.Build()
	require.NoError(t, err)
	return rec
}

var (
	metformin   = fixture.RxNorm("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
	simvastatin = fixture.RxNorm("312961", "Simvastatin 20 MG Oral Tablet")
	lisinopril  = fixture.RxNorm("314076", "lisinopril 10 MG Oral Tablet")
)

func draft(t *testing.T, rec *patient.Record) *careplan.Draft {
	t.Helper()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d, err := careplan.NewGuidelineDrafter(&careplan.DrafterOptions{Now: func() time.Time { return now }}).Draft(t.Context(), rec)
	require.NoError(t, err)
	return d
}

func TestGuidelineDrafterRules(t *testing.T) {
	type want struct {
		goal          float64 // HbA1c goal; 0 = no diabetes goal expected
		a1cInterval   int
		metformin     careplan.MedicationAction // "" = no metformin change
		metforminTask bool
		statinTask    bool
		raasTask      bool
		bpGoal        bool
		followUp      int
	}
	tests := []struct {
		name   string
		spec   patientSpec
		want   want
		reason string
	}{
		{"adult at goal", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin, simvastatin}, egfr: 90, a1c: 6.6},
			want{goal: 7, a1cInterval: 180, metformin: careplan.ActionContinue, followUp: 180},
			"under 65: <7%; at goal: test twice a year; eGFR >= 45: continue metformin"},
		{"adult above goal", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin}, egfr: 90, a1c: 7.4},
			want{goal: 7, a1cInterval: 90, metformin: careplan.ActionContinue, statinTask: true, followUp: 90},
			"above goal: quarterly testing, and a statin prompt at 40-75 without one"},
		{"stale result at goal", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{simvastatin}, egfr: 90, a1c: 6.5, a1cDate: "2025-12-01"},
			want{goal: 7, a1cInterval: 180, followUp: 180}, "an old result at goal keeps the twice-yearly interval; the rationale asks for a test now"},
		{"older adult", patientSpec{born: "1950-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{simvastatin}, egfr: 70, a1c: 7.8},
			want{goal: 8, a1cInterval: 180, followUp: 180}, "65 and over: the less stringent <8% goal"},
		{"no HbA1c", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{simvastatin}},
			want{goal: 7, a1cInterval: 90, followUp: 90}, "no result: measure now, follow up soon"},
		{"metformin eGFR 30-45", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin, simvastatin}, egfr: 41.6, a1c: 6.8},
			want{goal: 7, a1cInterval: 180, metforminTask: true, followUp: 90}, "FDA: assess benefit and risk below 45"},
		{"metformin eGFR below 30", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin, simvastatin}, egfr: 26.7, a1c: 6.8},
			want{goal: 7, a1cInterval: 180, metformin: careplan.ActionStop, followUp: 90}, "FDA: contraindicated below 30"},
		{"metformin without eGFR", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin, simvastatin}, a1c: 6.8},
			want{goal: 7, a1cInterval: 180, followUp: 180}, "no eGFR: the kidney monitoring item asks for one; no metformin judgement"},
		{"too young for statin rule", patientSpec{born: "1992-05-01", conditions: []terminology.Code{t2dm}, a1c: 6.8},
			want{goal: 7, a1cInterval: 180, followUp: 180}, "statin rule covers ages 40-75"},
		{"too old for statin rule", patientSpec{born: "1946-05-01", conditions: []terminology.Code{t2dm}, a1c: 6.8},
			want{goal: 8, a1cInterval: 180, followUp: 180}, "statin rule covers ages 40-75"},
		{"ACEi/ARB prompt for albuminuria", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm, htn}, meds: []terminology.Code{simvastatin}, egfr: 80, uacr: 45, a1c: 6.8, sys: 124, dia: 76},
			want{goal: 7, a1cInterval: 180, raasTask: true, bpGoal: true, followUp: 180}, "ADA 11.4a: diabetes, hypertension and UACR >= 30"},
		{"ACEi/ARB prompt for low eGFR", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm, htn}, meds: []terminology.Code{simvastatin}, egfr: 55, a1c: 6.8, sys: 124, dia: 76},
			want{goal: 7, a1cInterval: 180, raasTask: true, bpGoal: true, followUp: 180}, "ADA 11.4a: eGFR < 60"},
		{"already on ACE inhibitor", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm, htn}, meds: []terminology.Code{simvastatin, lisinopril}, egfr: 55, uacr: 45, a1c: 6.8, sys: 124, dia: 76},
			want{goal: 7, a1cInterval: 180, bpGoal: true, followUp: 180}, "no prompt when the patient takes one"},
		{"normal kidney, no albuminuria", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm, htn}, meds: []terminology.Code{simvastatin}, egfr: 95, uacr: 10, a1c: 6.8, sys: 124, dia: 76},
			want{goal: 7, a1cInterval: 180, bpGoal: true, followUp: 180}, "ACEi/ARB is not for primary prevention with normal UACR and eGFR"},
		{"hypertension only, above target", patientSpec{born: "1970-05-01", conditions: []terminology.Code{htn}, sys: 150, dia: 85},
			want{bpGoal: true, followUp: 90}, "BP above 130/80 is an unmet goal"},
		{"hypertension only, diastolic above", patientSpec{born: "1970-05-01", conditions: []terminology.Code{htn}, sys: 120, dia: 82},
			want{bpGoal: true, followUp: 90}, "either number above target counts"},
		{"CKD only", patientSpec{born: "1970-05-01", conditions: []terminology.Code{ckd3}, egfr: 50},
			want{followUp: 180}, "CKD alone gives a problem and follow-up"},
	}
	s := newSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.spec.build(t)
			d := draft(t, rec)
			p := d.Plan

			// Every drafted plan is schema-valid and consistent with the record.
			raw, err := json.Marshal(p)
			require.NoError(t, err)
			_, err = s.Decode(raw, rec)
			require.NoError(t, err)

			var goal float64
			for _, g := range p.Goals {
				if g.Targets[0].MeasureCode == "4548-4" {
					goal = g.Targets[0].Value
				}
			}
			assert.Equal(t, tt.want.goal, goal, "HbA1c goal: %s", tt.reason)

			interval := 0
			for _, m := range p.Monitoring {
				if m.MeasureCode == "4548-4" {
					interval = m.IntervalDays
				}
			}
			if tt.want.goal > 0 {
				assert.Equal(t, tt.want.a1cInterval, interval, "HbA1c interval: %s", tt.reason)
			}

			var action careplan.MedicationAction
			for _, m := range p.MedicationChanges {
				if m.RxNorm == "860975" {
					action = m.Action
				}
			}
			assert.Equal(t, tt.want.metformin, action, "metformin: %s", tt.reason)

			hasTask := func(word string) bool {
				for _, task := range p.Tasks {
					if strings.Contains(task.Description, word) {
						assert.Equal(t, careplan.RolePhysician, task.AssigneeRole, "prescribing prompts go to a physician")
						return true
					}
				}
				return false
			}
			assert.Equal(t, tt.want.metforminTask, hasTask("metformin"), "metformin task: %s", tt.reason)
			assert.Equal(t, tt.want.statinTask, hasTask("statin"), "statin task: %s", tt.reason)
			assert.Equal(t, tt.want.raasTask, hasTask("ACE inhibitor"), "ACEi/ARB task: %s", tt.reason)

			bpGoal := false
			for _, g := range p.Goals {
				if len(g.Targets) == 2 && g.Targets[0].MeasureCode == "8480-6" && g.Targets[0].Value == 130 && g.Targets[1].Value == 80 {
					bpGoal = true
				}
			}
			assert.Equal(t, tt.want.bpGoal, bpGoal, "BP goal: %s", tt.reason)
			require.Len(t, p.FollowUps, 1)
			assert.Equal(t, tt.want.followUp, p.FollowUps[0].WithinDays, "follow-up: %s", tt.reason)

			// The drafter never starts medications itself.
			for _, m := range p.MedicationChanges {
				assert.NotEqual(t, careplan.ActionStart, m.Action)
			}
			// Every recommendation names its source; problems rest on the record.
			for _, it := range p.Items() {
				assert.NotEmpty(t, it.Citations, it.ID)
				if it.Kind != careplan.ItemProblem {
					assert.NotEmpty(t, it.Source, "%s has no source", it.ID)
				}
			}
		})
	}
}

func TestGuidelineDrafterDraft(t *testing.T) {
	rec := fixture.MultiMorbid()
	d := draft(t, rec)
	assert.Equal(t, careplan.OriginGuideline, d.Origin)
	assert.Equal(t, careplan.DrafterVersion, d.Generator)
	assert.Equal(t, careplan.KindCarePlan, d.Kind)
	assert.Equal(t, rec.Fingerprint(), d.RecordFingerprint)
	assert.Empty(t, d.Attempts)
	assert.Zero(t, d.Usage)
	assert.Contains(t, d.Plan.Summary, "not by a language model")
	assert.Contains(t, d.Plan.Summary, "Atrial fibrillation (C3)", "uncovered conditions are named, not silently dropped")
	assert.NotContains(t, d.Plan.Summary, "sinusitis", "resolved conditions are not listed")
	assert.Equal(t, d, draft(t, rec), "the drafter is deterministic")

	// Limited health literacy shapes education.
	assert.Contains(t, d.Plan.Education[0].Topic, "plain-language")
}

func TestGuidelineDrafterNothingToPlan(t *testing.T) {
	rec := patientSpec{born: "1980-01-01", conditions: []terminology.Code{fixture.SNOMED("195662009", "Acute viral pharyngitis")}}.build(t)
	_, err := careplan.NewGuidelineDrafter(nil).Draft(t.Context(), rec)
	require.ErrorIs(t, err, careplan.ErrNothingToPlan)

	ctx, cancel := newCancelled(t)
	defer cancel()
	_, err = careplan.NewGuidelineDrafter(nil).Draft(ctx, fixture.MultiMorbid())
	require.Error(t, err)
	_, err = careplan.NewGuidelineDrafter(nil).Draft(t.Context(), nil)
	require.Error(t, err)
}

func TestGuidelineDrafterIgnoresInactive(t *testing.T) {
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day("1970-01-01")})
	b.AddConditions(patient.Condition{Code: t2dm, ClinicalStatus: patient.ClinicalResolved})
	b.AddConditions(fixture.Active(htn, "2010-01-01"))
	b.AddMedications(fixture.Med(metformin, "daily", patient.MedicationStopped, "2016-01-01"))
	b.AddObservations(fixture.Lab(fixture.LOINC("33914-3", "eGFR"), 25, "mL/min/{1.73_m2}", "2026-09-01"))
	rec, err := b.Build()
	require.NoError(t, err)
	d := draft(t, rec)
	assert.Empty(t, d.Plan.MedicationChanges, "a stopped metformin is not stopped again")
	assert.Len(t, d.Plan.Problems, 1, "a resolved diabetes is not planned for")
}

func newCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx, cancel
}

func TestDraftersRefuseDeceased(t *testing.T) {
	for name, demo := range map[string]patient.Demographics{
		"dated":   {BirthDate: fixture.Day("1950-01-01"), Deceased: fixture.Day("2026-06-01")},
		"undated": {BirthDate: fixture.Day("1950-01-01"), DeceasedDateUnknown: true},
	} {
		t.Run(name, func(t *testing.T) {
			b := patient.NewBuilder(fixture.AsOf(), nil)
			b.SetDemographics(demo)
			b.AddConditions(fixture.Active(t2dm, "2010-01-01"))
			rec, err := b.Build()
			require.NoError(t, err)
			_, err = careplan.NewGuidelineDrafter(nil).Draft(t.Context(), rec)
			require.ErrorIs(t, err, careplan.ErrDeceased)
			m := fake.New(fake.Reply("{}"))
			g, err := careplan.NewGenerator(m, nil)
			require.NoError(t, err)
			_, err = g.Draft(t.Context(), rec)
			require.ErrorIs(t, err, careplan.ErrDeceased)
			assert.Zero(t, m.CallCount(), "no model call, no tokens, for a deceased patient")
		})
	}
}

// Every open care gap becomes a cited item carrying the gap's source; the
// plans stay schema-valid, grounded and complete, never start a medication,
// and route to nurse review.
func TestGuidelineDrafterCareGaps(t *testing.T) {
	female := func(s patientSpec) *patient.Record {
		rec := s.build(t)
		b := patient.NewBuilder(rec.AsOf(), nil)
		d := rec.Demographics()
		d.Sex = patient.SexFemale
		b.SetDemographics(d)
		b.AddConditions(rec.Conditions()...)
		b.AddMedications(rec.Medications()...)
		b.AddObservations(rec.Observations()...)
		out, err := b.Build()
		require.NoError(t, err)
		return out
	}
	tests := []struct {
		name   string
		rec    *patient.Record
		want   []string // rule IDs expected open
		reason string
	}{
		{"diabetes without statin or eye exam", patientSpec{born: "1976-05-01", conditions: []terminology.Code{t2dm}, meds: []terminology.Code{metformin}, egfr: 90, uacr: 10, a1c: 6.6}.build(t),
			[]string{caregap.RuleEyeExam, caregap.RuleDiabetesStatin, caregap.RuleColorectalScreening, caregap.RuleHepatitisCScreening},
			"50-year-old man: eye exam, statin, colorectal and hepatitis C"},
		{"older woman with hypertension", female(patientSpec{born: "1955-05-01", conditions: []terminology.Code{htn}, sys: 150, dia: 85}),
			[]string{caregap.RuleBPTarget, caregap.RuleBPQualityThreshold, caregap.RuleColorectalScreening, caregap.RuleBreastScreening,
				caregap.RuleOsteoporosisScreening, caregap.RuleHepatitisCScreening},
			"71-year-old woman: BP above both thresholds, four screenings"},
		{"diabetes, hypertension, low eGFR on metformin", patientSpec{born: "1953-02-19", conditions: []terminology.Code{t2dm, htn}, meds: []terminology.Code{metformin, simvastatin}, egfr: 41.6, uacr: 29, a1c: 7.1, sys: 148, dia: 102}.build(t),
			[]string{caregap.RuleEyeExam, caregap.RuleACEInhibitorOrARB, caregap.RuleMetforminReview, caregap.RuleBPTarget, caregap.RuleBPQualityThreshold,
				caregap.RuleColorectalScreening, caregap.RuleHepatitisCScreening},
			"Isaiah-like: ACE inhibitor/ARB and metformin review are prescriber tasks"},
		{"quickstart-like record", fixture.MultiMorbid(),
			[]string{caregap.RuleEyeExam, caregap.RuleDiabetesStatin, caregap.RuleBPTarget, caregap.RuleBPQualityThreshold, caregap.RuleColorectalScreening,
				caregap.RuleBreastScreening, caregap.RuleOsteoporosisScreening, caregap.RuleHepatitisCScreening},
			"the quickstart's kind of patient"},
	}
	engine, err := caregap.New(nil)
	require.NoError(t, err)
	s := newSchema(t)
	checker := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil), validate.NewCompleteness(nil)}, nil)
	router, err := riskroute.New(nil)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gaps, err := engine.Evaluate(tt.rec)
			require.NoError(t, err)
			var open []string
			for _, g := range caregap.Filter(gaps, caregap.StatusOpen) {
				open = append(open, g.RuleID)
			}
			assert.ElementsMatch(t, tt.want, open, tt.reason)

			d := draft(t, tt.rec)
			raw, err := json.Marshal(d.Plan)
			require.NoError(t, err)
			_, err = s.Decode(raw, tt.rec)
			require.NoError(t, err, "schema-valid")

			// Every open gap has an item carrying its source.
			items := d.Plan.Items()
			for _, g := range caregap.Filter(gaps, caregap.StatusOpen) {
				assert.True(t, slices.ContainsFunc(items, func(it careplan.Item) bool { return it.Source == g.Source.Citation }),
					"%s has an item with its source", g.RuleID)
			}
			for _, m := range d.Plan.MedicationChanges {
				assert.NotEqual(t, careplan.ActionStart, m.Action, "the drafter never starts a medication")
			}
			for _, task := range d.Plan.Tasks {
				if strings.Contains(task.Description, "statin") || strings.Contains(task.Description, "ACE inhibitor") || strings.Contains(task.Description, "metformin") {
					assert.Equal(t, careplan.RolePhysician, task.AssigneeRole, "prescribing stays with a physician")
				}
			}

			rep, err := checker.Run(t.Context(), &validate.Input{Record: tt.rec, Draft: d})
			require.NoError(t, err)
			assert.Empty(t, rep.Findings, "grounded and complete")
			assert.Equal(t, riskroute.TierNurseReview, router.RouteDraft(d, rep).Tier)
		})
	}
}

package validate_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/validate"
)

// gapFindings returns a completeness report's care-gap findings by rule ID,
// matched through the guideline source each finding carries.
func gapFindings(t *testing.T, fs []validate.Finding) map[string]validate.Finding {
	t.Helper()
	e, err := caregap.New(nil)
	require.NoError(t, err)
	bySource := map[string]string{}
	for _, r := range e.Rules() {
		bySource[r.Source.Citation] = r.ID
	}
	out := map[string]validate.Finding{}
	for _, f := range fs {
		if f.RuleID != validate.RuleCareGapUnaddressed {
			continue
		}
		assert.Equal(t, validate.SeverityWarning, f.Severity)
		assert.Equal(t, validate.CategoryCareGap, f.Category)
		assert.NotEmpty(t, f.FactIDs, "the facts the gap rests on")
		id, ok := bySource[f.Source.Citation]
		require.True(t, ok, "every finding carries its gap's guideline source: %s", f.Source.Citation)
		out[id] = f
	}
	return out
}

func TestCompletenessCareGaps(t *testing.T) {
	rec := fixture.MultiMorbid() // 69-year-old woman: T2DM, HTN, CKD 3a on lisinopril, no statin, no eye exam, no screenings
	eyeGap := func() caregap.Gap {
		e, err := caregap.New(nil)
		require.NoError(t, err)
		gaps, err := e.Evaluate(rec)
		require.NoError(t, err)
		return gaps[slices.IndexFunc(gaps, func(g caregap.Gap) bool { return g.RuleID == caregap.RuleEyeExam })]
	}()
	require.Equal(t, caregap.StatusOpen, eyeGap.Status)
	open := []string{caregap.RuleEyeExam, caregap.RuleDiabetesStatin, caregap.RuleColorectalScreening,
		caregap.RuleBreastScreening, caregap.RuleOsteoporosisScreening, caregap.RuleHepatitisCScreening}
	without := func(drop string) []string {
		return slices.DeleteFunc(slices.Clone(open), func(s string) bool { return s == drop })
	}
	tests := []struct {
		name   string
		edit   func(p *careplan.Plan)
		want   []string
		reason string
	}{
		{"fixture plan", func(*careplan.Plan) {}, open,
			"the plan sets HbA1c and BP goals and kidney monitoring, but no statin, eye exam or screening"},
		{"referral to ophthalmology", func(p *careplan.Plan) {
			p.Referrals = append(p.Referrals, careplan.Referral{Specialty: "Ophthalmology", Reason: "annual exam", Urgency: careplan.UrgencyRoutine, Citations: []string{"C2"}, Rationale: "r"})
		}, without(caregap.RuleEyeExam), "a referral to the gap's specialty"},
		{"task naming the service", func(p *careplan.Plan) {
			p.Tasks = append(p.Tasks, careplan.Task{Description: "Book a dilated eye exam", AssigneeRole: careplan.RoleNurse, DueWithinDays: 30, Citations: []string{"C2"}, Rationale: "r"})
		}, without(caregap.RuleEyeExam), "a task naming the service"},
		{"education naming the service", func(p *careplan.Plan) {
			p.Education = append(p.Education, careplan.Education{Topic: "Why a dilated eye exam matters", Audience: careplan.AudiencePatient, Citations: []string{"C2"}, Rationale: "r"})
		}, open, "education about a service does not arrange it"},
		{"item with the gap's source and facts", func(p *careplan.Plan) {
			p.FollowUps = append(p.FollowUps, careplan.FollowUp{Description: "Arrange it", WithinDays: 60, Citations: eyeGap.Facts, Rationale: "r", Source: eyeGap.Source.Citation})
		}, without(caregap.RuleEyeExam), "the drafter's structural link: same source, all the gap's facts"},
		{"same source, facts missing", func(p *careplan.Plan) {
			p.FollowUps = append(p.FollowUps, careplan.FollowUp{Description: "Arrange it", WithinDays: 60, Citations: []string{"D1"}, Rationale: "r", Source: eyeGap.Source.Citation})
		}, open, "the item must cite the gap's facts"},
		{"statin proposed", func(p *careplan.Plan) {
			p.MedicationChanges = append(p.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionStart, Medication: "atorvastatin 20 MG Oral Tablet", Citations: []string{"C2"}, Rationale: "r"})
		}, without(caregap.RuleDiabetesStatin), "a start of the gap's drug class"},
		{"statin stopped", func(p *careplan.Plan) {
			p.MedicationChanges = append(p.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionStop, Medication: "atorvastatin", Citations: []string{"C2"}, Rationale: "r"})
		}, open, "stopping a statin does not close a statin gap"},
		{"hepatitis C test monitored", func(p *careplan.Plan) {
			p.Monitoring = append(p.Monitoring, careplan.Monitoring{MeasureCode: "13955-0", MeasureName: "HCV antibody", IntervalDays: 30, Citations: []string{"D1"}, Rationale: "r"})
		}, without(caregap.RuleHepatitisCScreening), "a monitoring item on the gap's test"},
	}
	c := validate.NewCompleteness(nil)
	assert.Equal(t, "completeness", c.Name())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			// The fixture plan has no BP goal; give it one so that only the
			// gaps under test remain.
			p.Goals = append(p.Goals, careplan.Goal{Description: "BP below 130/80", DueWithinDays: 90, Citations: []string{"C1"}, Rationale: "r",
				Targets: []careplan.Target{{MeasureCode: "8480-6", MeasureName: "Systolic", Comparator: "<", Value: 130, Unit: "mm[Hg]"}}})
			tt.edit(p)
			fs, err := c.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			got := gapFindings(t, fs)
			assert.ElementsMatch(t, tt.want, slices.Collect(maps.Keys(got)), tt.reason)
		})
	}
}

// Without a BP goal or an antihypertensive change, the two BP target gaps
// are open and unaddressed; monitoring alone does not address control.
func TestCompletenessBloodPressureTargets(t *testing.T) {
	rec := fixture.MultiMorbid() // BP 142/88
	fs, err := validate.NewCompleteness(nil).Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan(rec))})
	require.NoError(t, err)
	got := gapFindings(t, fs)
	assert.Contains(t, got, caregap.RuleBPTarget)
	assert.Contains(t, got, caregap.RuleBPQualityThreshold)
	assert.Contains(t, got[caregap.RuleBPTarget].Message, "142/88")
}

func TestCompletenessGoals(t *testing.T) {
	tests := []struct {
		name       string
		born       string
		esrd       bool
		comparator string
		value      float64
		unit       string
		want       string
		reason     string
	}{
		{"older adult, goal below 6.5", "1950-01-01", false, "<", 6.0, "%", validate.RuleHbA1cGoalTooLowOlderAdult, "ADA Section 13"},
		{"older adult, goal of <6.5", "1950-01-01", false, "<", 6.5, "%", validate.RuleHbA1cGoalTooLowOlderAdult, "<6.5% is the tight goal ADA reserves for selected younger adults"},
		{"older adult, goal of <=6.5", "1950-01-01", false, "<=", 6.5, "%", validate.RuleHbA1cGoalTooLowOlderAdult, "still tighter than <7.0-7.5%"},
		{"older adult, goal of <7", "1950-01-01", false, "<", 7, "%", "", "within ADA's range for healthy older adults"},
		{"older adult with ESRD", "1950-01-01", true, "<=", 6.2, "%", validate.RuleHbA1cGoalTooLowOlderAdult, "end-stage illness named"},
		{"younger adult, goal below 6.5", "1980-01-01", false, "<", 6.0, "%", "", "ADA Section 6 allows <6.5% when safe"},
		{"goal above 9", "1980-01-01", false, "<", 9.5, "%", validate.RuleHbA1cGoalAbove9, "looser than any ADA goal"},
		{"goal of 9", "1980-01-01", false, "<", 9, "%", "", "not above 9"},
		{"floor, not a goal", "1950-01-01", false, ">", 6.0, "%", "", "a lower bound is not the goal"},
		{"mmol/mol", "1950-01-01", false, "<", 48, "mmol/mol", "", "only percent goals are compared"},
	}
	c := validate.NewCompleteness(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := patient.NewBuilder(fixture.AsOf(), nil)
			b.SetDemographics(patient.Demographics{BirthDate: fixture.Day(tt.born), Sex: patient.SexMale})
			b.AddConditions(fixture.Active(fixture.SNOMED("44054006", "Diabetes mellitus type 2"), "2010-01-01"))
			if tt.esrd {
				b.AddConditions(fixture.Active(fixture.SNOMED("46177005", "End-stage renal disease"), "2024-01-01"))
			}
			rec, err := b.Build()
			require.NoError(t, err)
			p := &careplan.Plan{Summary: "s", Problems: []careplan.Problem{{Title: "Type 2 diabetes", Status: careplan.ProblemExisting, Citations: []string{"C1"}, Rationale: "r"}},
				Goals: []careplan.Goal{{Description: "HbA1c goal", DueWithinDays: 180, Citations: []string{"C1"}, Rationale: "r",
					Targets: []careplan.Target{{MeasureCode: "4548-4", MeasureName: "HbA1c", Comparator: tt.comparator, Value: tt.value, Unit: tt.unit}}}}}
			fs, err := c.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			var got []validate.Finding
			for _, f := range fs {
				if f.Category == validate.CategoryGuideline {
					got = append(got, f)
				}
			}
			if tt.want == "" {
				assert.Empty(t, got, tt.reason)
				return
			}
			require.Len(t, got, 1, tt.reason)
			assert.Equal(t, tt.want, got[0].RuleID)
			assert.Equal(t, validate.SeverityWarning, got[0].Severity)
			assert.Equal(t, []string{"goal-1"}, got[0].ItemIDs)
			assert.NotEmpty(t, got[0].Source.Citation)
			assert.Equal(t, tt.esrd, strings.Contains(got[0].Message, "end-stage kidney disease"), "the message says when the record shows an end-stage illness")
		})
	}
}

func TestCompletenessInputs(t *testing.T) {
	c := validate.NewCompleteness(nil)
	rec := fixture.MultiMorbid()
	for _, in := range []*validate.Input{nil, {Record: rec}, {Record: rec, Draft: &careplan.Draft{}}} {
		_, err := c.Validate(t.Context(), in)
		require.ErrorIs(t, err, validate.ErrInvalidInput)
	}
	// A plan change (or an order set at signing) need not address every gap.
	change := fixture.Draft(rec, fixture.Plan(rec))
	change.Kind = careplan.KindCarePlanChange
	fs, err := c.Validate(t.Context(), &validate.Input{Record: rec, Draft: change})
	require.NoError(t, err)
	assert.Empty(t, fs)
	// A deceased patient has no care gaps.
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day("1950-01-01"), DeceasedDateUnknown: true})
	b.AddConditions(fixture.Active(fixture.SNOMED("44054006", "Diabetes mellitus type 2"), "2010-01-01"))
	dead, err := b.Build()
	require.NoError(t, err)
	p := &careplan.Plan{Summary: "s", Problems: []careplan.Problem{{Title: "Type 2 diabetes", Status: careplan.ProblemExisting, Citations: []string{"C1"}, Rationale: "r"}}}
	fs, err = c.Validate(t.Context(), &validate.Input{Record: dead, Draft: fixture.Draft(dead, p)})
	require.NoError(t, err)
	assert.Empty(t, fs)
}

// gapSyntheaRecords decodes every Synthea bundle as of its latest clinical
// date, or skips when the shared bundles are absent.
func gapSyntheaRecords(t *testing.T) map[string]*patient.Record {
	t.Helper()
	dir := os.Getenv("CAREGUARD_SYNTHEA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata", "synthea")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skipf("Synthea bundles not found at %s (set CAREGUARD_SYNTHEA_DIR to the folder of the 16 Synthea R4 bundles)", dir)
	}
	require.Len(t, files, 16)
	out := map[string]*patient.Record{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
		require.NoError(t, err)
		res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
		require.NoError(t, err)
		out[strings.Join(strings.SplitN(filepath.Base(f), "_", 3)[:2], "_")] = res.Record
	}
	return out
}

// The guideline drafter's plans are the false-positive baseline: grounding
// and completeness must find nothing in them.
func TestDrafterPlansHaveNoFindings(t *testing.T) {
	checkDrafterPlans(t, map[string]*patient.Record{"multimorbid": fixture.MultiMorbid(), "polypharmacy": fixture.Polypharmacy(15)})
}

// The same on every Synthea patient the drafter plans for.
func TestDrafterPlansHaveNoFindingsSynthea(t *testing.T) {
	checkDrafterPlans(t, gapSyntheaRecords(t))
}

func checkDrafterPlans(t *testing.T, recs map[string]*patient.Record) {
	t.Helper()
	r := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil), validate.NewCompleteness(nil)}, nil)
	d := careplan.NewGuidelineDrafter(nil)
	planned := 0
	for name, rec := range recs {
		t.Run(name, func(t *testing.T) {
			draft, err := d.Draft(t.Context(), rec)
			if errors.Is(err, careplan.ErrNothingToPlan) {
				return
			}
			require.NoError(t, err)
			planned++
			rep, err := r.Run(t.Context(), &validate.Input{Record: rec, Draft: draft})
			require.NoError(t, err)
			assert.Empty(t, rep.Findings, "zero false positives on the drafter's own output")
		})
	}
	assert.GreaterOrEqual(t, planned, 2)
}

// The fixture model plans are grounded: the new text rules find nothing in
// them either.
func TestFixturePlansGrounded(t *testing.T) {
	g := validate.NewGrounding(nil)
	for _, rec := range []*patient.Record{fixture.MultiMorbid(), fixture.Polypharmacy(15)} {
		for _, p := range []*careplan.Plan{fixture.Plan(rec), fixture.Plan20(rec)} {
			fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			assert.Empty(t, fs)
		}
	}
}

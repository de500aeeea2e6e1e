package riskroute_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	rr "github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

const (
	auto      = rr.TierAutoApprove
	nurse     = rr.TierNurseReview
	physician = rr.TierPhysicianReview
)

// cleanReport is a complete report with no findings.
func cleanReport(findings ...validate.Finding) *validate.Report {
	return &validate.Report{Findings: findings, Ran: []string{"grounding", "interactions"}}
}

// failedReport is a report in which one validator could not complete.
func failedReport(findings ...validate.Finding) *validate.Report {
	return &validate.Report{Findings: findings, Ran: []string{"grounding", "interactions"},
		Failed: []*validate.ValidatorError{{Validator: "interactions", Err: errors.New("knowledge base down")}}}
}

func finding(sev validate.Severity, cat validate.Category, rule string) validate.Finding {
	return validate.Finding{RuleID: rule, Severity: sev, Category: cat, Message: "free text " + rule}
}

func reminder(items ...rr.ItemKind) rr.Content {
	c := rr.Content{Kind: rr.ContentAppointmentReminder}
	for i, k := range items {
		c.Items = append(c.Items, rr.Item{ID: fmt.Sprintf("item-%d", i+1), Kind: k})
	}
	return c
}

func newRouter(t testing.TB, p *rr.Policy) *rr.Router {
	t.Helper()
	r, err := rr.New(p)
	require.NoError(t, err)
	return r
}

func TestRouteContentKindFloor(t *testing.T) {
	tests := []struct {
		kind   rr.ContentKind
		want   rr.Tier
		reason string
	}{
		{rr.ContentAppointmentReminder, auto, "administrative content may auto-approve"},
		{rr.ContentGeneralEducation, auto, "general education may auto-approve"},
		{rr.ContentPatientMessage, nurse, "a patient message is clinical communication"},
		{rr.ContentClinicalSummary, nurse, "clinical summaries need RN review"},
		{rr.ContentCarePlan, nurse, "care plans need RN review"},
		{rr.ContentCarePlanChange, nurse, "care-plan changes need RN review"},
		{rr.ContentMedicationChange, physician, "medication changes need a physician"},
		{rr.ContentDiagnosticImpression, physician, "diagnostic impressions need a physician"},
		{"", physician, "the zero kind is unknown and fails safe"},
		{"Appointment_Reminder", physician, "kinds are matched exactly; a near miss is unknown"},
		{"discharge_letter", physician, "an unknown kind fails safe"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			d := r.Route(rr.Content{Kind: tt.kind}, cleanReport())
			assert.Equal(t, tt.want, d.Floor, tt.reason)
			assert.Equal(t, tt.want, d.Tier, tt.reason)
			require.NotEmpty(t, d.Reasons)
			assert.Equal(t, rr.Reason{Code: rr.ReasonContentKind, Tier: tt.want, Message: "content kind " + string(tt.kind)}, d.Reasons[0])
		})
	}
	assert.Len(t, rr.ContentKinds(), 8, "a new content kind needs a row above")
}

func TestRouteItemKindFloor(t *testing.T) {
	tests := []struct {
		kind   rr.ItemKind
		want   rr.Tier
		reason string
	}{
		{rr.ItemAdministrative, auto, "scheduling and logistics"},
		{rr.ItemGeneralEducation, auto, "education not tied to a decision"},
		{rr.ItemProblem, nurse, "a documented problem restated"},
		{rr.ItemDiagnosticImpression, physician, "a problem not in the record"},
		{rr.ItemGoal, nurse, "a clinical goal"},
		{rr.ItemIntervention, nurse, "a non-drug intervention"},
		{rr.ItemMonitoring, nurse, "tests and measurements"},
		{rr.ItemMedicationStart, physician, "a new medication"},
		{rr.ItemMedicationStop, physician, "stopping a medication"},
		{rr.ItemMedicationDoseChange, physician, "a dose change"},
		{rr.ItemMedicationHold, physician, "pausing a medication"},
		{rr.ItemMedicationContinue, nurse, "an unchanged medication is still clinical content"},
		{rr.ItemReferral, nurse, "a referral"},
		{rr.ItemFollowUp, nurse, "a follow-up contact"},
		{rr.ItemCareTeamTask, nurse, "a task for the care team"},
		{rr.ItemSocialNeed, nurse, "a social need"},
		{rr.ItemClinicalStatement, nurse, "any other clinical statement"},
		{"", physician, "the zero kind is unknown and fails safe"},
		{"medication_titrate", physician, "an unknown kind fails safe"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			// An appointment reminder so that the item alone sets the floor.
			d := r.Route(reminder(rr.ItemAdministrative, tt.kind), cleanReport())
			assert.Equal(t, tt.want, d.Floor, tt.reason)
			assert.Equal(t, tt.want, d.Tier, tt.reason)
			assert.Contains(t, d.Reasons, rr.Reason{Code: rr.ReasonItem, Tier: tt.want, ItemID: "item-2",
				Message: "item-2 is a " + string(tt.kind) + " item"})
		})
	}
	assert.Len(t, rr.ItemKinds(), 17, "a new item kind needs a row above")
}

func TestRouteFindings(t *testing.T) {
	tests := []struct {
		name   string
		c      rr.Content
		rep    *validate.Report
		want   rr.Tier
		notify []rr.Role
		reason string
	}{
		{"clean reminder", reminder(rr.ItemAdministrative), cleanReport(), auto, nil,
			"the only path to auto-approval"},
		{"info never raises", reminder(rr.ItemAdministrative),
			cleanReport(finding(validate.SeverityInfo, validate.CategoryReadability, "readability.grade")), auto, nil,
			"info findings are worth knowing but never raise the tier"},
		{"many infos never raise", reminder(rr.ItemAdministrative, rr.ItemGeneralEducation),
			cleanReport(finding(validate.SeverityInfo, validate.CategoryGuideline, "a"), finding(validate.SeverityInfo, validate.CategoryPHI, "b")), auto, nil,
			"info findings do not add up"},
		{"warning lifts to nurse", reminder(rr.ItemAdministrative),
			cleanReport(finding(validate.SeverityWarning, validate.CategoryReadability, "readability.grade")), nurse, []rr.Role{rr.RoleNurse},
			"a warning needs at least RN review"},
		{"warning does not lower", rr.Content{Kind: rr.ContentMedicationChange},
			cleanReport(finding(validate.SeverityWarning, validate.CategoryGuideline, "g")), physician, []rr.Role{rr.RolePhysician},
			"findings only ever raise the floor"},
		{"critical lifts to physician", reminder(rr.ItemAdministrative),
			cleanReport(finding(validate.SeverityCritical, validate.CategoryPHI, "phi.leak")), physician, []rr.Role{rr.RolePhysician},
			"a critical finding always reaches a physician"},
		{"critical on a care plan", rr.Content{Kind: rr.ContentCarePlan, Items: []rr.Item{{ID: "goal-1", Kind: rr.ItemGoal}}},
			cleanReport(finding(validate.SeverityCritical, validate.CategoryGrounding, "grounding.unknown-fact")), physician, []rr.Role{rr.RolePhysician},
			"critical beats a nurse-level floor"},
		{"zero severity fails safe", reminder(rr.ItemAdministrative),
			cleanReport(finding(0, validate.CategoryGuideline, "g")), physician, []rr.Role{rr.RolePhysician},
			"an unset severity is unknown, not below info"},
		{"out-of-range severity fails safe", reminder(rr.ItemAdministrative),
			cleanReport(finding(9, validate.CategoryGuideline, "g")), physician, []rr.Role{rr.RolePhysician},
			"an unknown severity needs a physician"},
		{"nil report", reminder(rr.ItemAdministrative), nil, physician, []rr.Role{rr.RolePhysician},
			"unvalidated content was never checked"},
		{"incomplete report", reminder(rr.ItemAdministrative), failedReport(), physician, []rr.Role{rr.RolePhysician},
			"a validator that failed leaves the content partly unchecked"},
		{"incomplete report with nil failure", reminder(rr.ItemAdministrative),
			&validate.Report{Failed: []*validate.ValidatorError{nil}}, physician, []rr.Role{rr.RolePhysician},
			"a nil entry in Failed still means incomplete, and must not panic"},
		{"empty report is not complete", reminder(), &validate.Report{}, physician, []rr.Role{rr.RolePhysician},
			"a report from no validators checked nothing, as validate.Report.Complete says"},
		{"clean report", reminder(), cleanReport(), auto, nil,
			"administrative content that every validator passed auto-approves"},
		{"pharmacist for interaction warning", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityWarning, validate.CategoryInteraction, "ddi.x")), nurse, []rr.Role{rr.RoleNurse, rr.RolePharmacist},
			"medication-safety findings reach a pharmacist"},
		{"pharmacist for each medication-safety category", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityWarning, validate.CategoryRenalDosing, "a")), nurse, []rr.Role{rr.RoleNurse, rr.RolePharmacist},
			"renal dosing is medication safety"},
		{"pharmacist for critical allergy", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityCritical, validate.CategoryAllergy, "allergy.x")), physician, []rr.Role{rr.RolePharmacist, rr.RolePhysician},
			"notify is sorted and includes the tier's role"},
		{"pharmacist for unknown-severity interaction", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(0, validate.CategoryInteraction, "ddi.x")), physician, []rr.Role{rr.RolePharmacist, rr.RolePhysician},
			"an unknown severity is treated as critical for notification too"},
		{"no pharmacist for info interaction", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityInfo, validate.CategoryInteraction, "ddi.minor")), nurse, []rr.Role{rr.RoleNurse},
			"an info finding does not page a pharmacist"},
		{"no pharmacist for grounding", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityWarning, validate.CategoryGrounding, "g")), nurse, []rr.Role{rr.RoleNurse},
			"grounding is not medication safety"},
		{"social worker for social-need item", rr.Content{Kind: rr.ContentCarePlan, Items: []rr.Item{{ID: "task-1", Kind: rr.ItemSocialNeed}}},
			cleanReport(), nurse, []rr.Role{rr.RoleNurse, rr.RoleSocialWorker},
			"social needs reach a social worker"},
		{"social worker for social-need finding", rr.Content{Kind: rr.ContentCarePlan},
			cleanReport(finding(validate.SeverityInfo, validate.CategorySocialNeed, "sdoh.food")), nurse, []rr.Role{rr.RoleNurse, rr.RoleSocialWorker},
			"a social-need finding of any severity reaches a social worker"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := r.Route(tt.c, tt.rep)
			assert.Equal(t, tt.want, d.Tier, tt.reason)
			assert.Equal(t, tt.want, d.Floor, tt.reason)
			assert.Equal(t, tt.notify, d.Notify, tt.reason)
		})
	}
}

func TestRouteReasons(t *testing.T) {
	p := &rr.Policy{
		Name:        "clinic-2026.1",
		MinimumTier: nurse,
		ItemKinds:   map[rr.ItemKind]rr.Tier{rr.ItemReferral: physician},
		Categories:  map[validate.Category]rr.Tier{validate.CategoryInteraction: physician},
		Rules:       map[string]rr.Tier{"readability.grade": nurse},
	}
	c := rr.Content{Kind: rr.ContentCarePlan, Model: "gpt-x", Items: []rr.Item{
		{ID: "problem-1", Kind: rr.ItemProblem},
		{ID: "medication-1", Kind: rr.ItemMedicationStart},
		{ID: "referral-1", Kind: rr.ItemReferral},
	}}
	// Deliberately not in the runner's order: reasons must not follow it.
	rep := failedReport(
		finding(validate.SeverityInfo, validate.CategoryReadability, "readability.grade"),
		finding(validate.SeverityWarning, validate.CategoryInteraction, "ddi.metformin-contrast"),
		finding(validate.SeverityCritical, validate.CategoryAllergy, "allergy.penicillin"),
	)
	want := []rr.Reason{
		{Code: rr.ReasonContentKind, Tier: nurse, Message: "content kind care_plan"},
		{Code: rr.ReasonItem, Tier: nurse, ItemID: "problem-1", Message: "problem-1 is a problem item"},
		{Code: rr.ReasonItem, Tier: physician, ItemID: "medication-1", Message: "medication-1 is a medication_start item"},
		{Code: rr.ReasonItem, Tier: nurse, ItemID: "referral-1", Message: "referral-1 is a referral item"},
		{Code: rr.ReasonFinding, Tier: physician, RuleID: "allergy.penicillin", Message: "critical finding allergy.penicillin"},
		{Code: rr.ReasonFinding, Tier: nurse, RuleID: "ddi.metformin-contrast", Message: "warning finding ddi.metformin-contrast"},
		{Code: rr.ReasonFinding, Tier: auto, RuleID: "readability.grade", Message: "info finding readability.grade"},
		{Code: rr.ReasonValidationIncomplete, Tier: physician, Message: "validators did not complete: interactions"},
		{Code: rr.ReasonPolicy, Tier: nurse, Message: "policy minimum tier"},
		{Code: rr.ReasonPolicy, Tier: physician, ItemID: "referral-1", Message: "policy for referral items"},
		{Code: rr.ReasonPolicy, Tier: physician, RuleID: "ddi.metformin-contrast", Message: "policy for interaction findings"},
		{Code: rr.ReasonPolicy, Tier: nurse, RuleID: "readability.grade", Message: "policy for rule readability.grade"},
	}
	d := newRouter(t, p).Route(c, rep)
	assert.Equal(t, want, d.Reasons, "every item, finding, the incomplete report and each applied policy entry, in the documented order")
	assert.Equal(t, physician, d.Tier)
	assert.Equal(t, physician, d.Floor)
	assert.Equal(t, []rr.Role{rr.RolePharmacist, rr.RolePhysician}, d.Notify)
	assert.Equal(t, "clinic-2026.1", d.Policy)

	t.Run("no report", func(t *testing.T) {
		d := newRouter(t, nil).Route(rr.Content{Kind: rr.ContentGeneralEducation}, nil)
		assert.Equal(t, []rr.Reason{
			{Code: rr.ReasonContentKind, Tier: auto, Message: "content kind general_education"},
			{Code: rr.ReasonValidationIncomplete, Tier: physician, Message: "no validation report"},
		}, d.Reasons)
		assert.Empty(t, d.Policy, "no policy, no name")
	})
}

func TestRoutePolicyRaises(t *testing.T) {
	tests := []struct {
		name      string
		p         *rr.Policy
		c         rr.Content
		rep       *validate.Report
		wantTier  rr.Tier
		wantFloor rr.Tier
		reason    string
	}{
		{"minimum turns off auto-approval", &rr.Policy{MinimumTier: nurse}, reminder(rr.ItemAdministrative), cleanReport(), nurse, auto,
			"the floor stays auto; the policy raises the tier"},
		{"content kind entry", &rr.Policy{ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentCarePlan: physician}},
			rr.Content{Kind: rr.ContentCarePlan}, cleanReport(), physician, nurse, "content kind entries apply to their kind"},
		{"content kind entry for another kind", &rr.Policy{ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentCarePlan: physician}},
			rr.Content{Kind: rr.ContentCarePlanChange}, cleanReport(), nurse, nurse, "entries do not apply to other kinds"},
		{"item kind entry", &rr.Policy{ItemKinds: map[rr.ItemKind]rr.Tier{rr.ItemGeneralEducation: nurse}},
			reminder(rr.ItemGeneralEducation), cleanReport(), nurse, auto, "item entries apply when an item of the kind is present"},
		{"severity entry", &rr.Policy{Severities: map[validate.Severity]rr.Tier{validate.SeverityInfo: nurse}},
			reminder(), cleanReport(finding(validate.SeverityInfo, validate.CategoryReadability, "r")), nurse, auto,
			"a deployer may make info findings count"},
		{"category entry", &rr.Policy{Categories: map[validate.Category]rr.Tier{validate.CategoryReadability: physician}},
			reminder(), cleanReport(finding(validate.SeverityInfo, validate.CategoryReadability, "r")), physician, auto,
			"category entries apply to findings in the category"},
		{"rule entry", &rr.Policy{Rules: map[string]rr.Tier{"r": nurse}},
			reminder(), cleanReport(finding(validate.SeverityInfo, validate.CategoryGuideline, "r")), nurse, auto,
			"rule entries apply to findings from the rule"},
		{"policy below current tier adds nothing", &rr.Policy{MinimumTier: nurse},
			rr.Content{Kind: rr.ContentMedicationChange}, cleanReport(), physician, physician, "a policy never lowers"},
		{"auto entries are no-ops", &rr.Policy{MinimumTier: auto, ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentAppointmentReminder: auto}},
			reminder(), nil, physician, physician, "an auto entry cannot undo the physician floor of a nil report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newRouter(t, tt.p).Route(tt.c, tt.rep)
			assert.Equal(t, tt.wantTier, d.Tier, tt.reason)
			assert.Equal(t, tt.wantFloor, d.Floor, tt.reason)
			assert.Equal(t, d.Floor, newRouter(t, nil).Route(tt.c, tt.rep).Floor, "the floor does not depend on the policy")
		})
	}
}

func TestZeroRouter(t *testing.T) {
	var r rr.Router
	d := r.Route(reminder(rr.ItemAdministrative), cleanReport())
	assert.Equal(t, auto, d.Tier, "the zero Router applies the floor with no policy")
	d = r.Route(reminder(rr.ItemMedicationStart), cleanReport())
	assert.Equal(t, physician, d.Tier)
}

// plan returns a plan with one item in every list.
func plan() *careplan.Plan {
	cite := []string{"C1"}
	return &careplan.Plan{
		Summary:           "summary",
		Problems:          []careplan.Problem{{Title: "T2DM", Status: careplan.ProblemExisting, Citations: cite, Rationale: "r"}},
		Goals:             []careplan.Goal{{Description: "HbA1c", Citations: cite, Rationale: "r"}},
		Interventions:     []careplan.Intervention{{Description: "walk", Category: careplan.InterventionActivity, Citations: cite, Rationale: "r"}},
		MedicationChanges: []careplan.MedicationChange{{Action: careplan.ActionContinue, Medication: "metformin", Citations: cite, Rationale: "r"}},
		Monitoring:        []careplan.Monitoring{{MeasureName: "eGFR", IntervalDays: 90, Citations: cite, Rationale: "r"}},
		Education:         []careplan.Education{{Topic: "hypoglycemia", Audience: careplan.AudiencePatient, Citations: cite, Rationale: "r"}},
		Referrals:         []careplan.Referral{{Specialty: "nephrology", Reason: "r", Urgency: careplan.UrgencyRoutine, Citations: cite, Rationale: "r"}},
		FollowUps:         []careplan.FollowUp{{Description: "visit", WithinDays: 30, Citations: cite, Rationale: "r"}},
		Tasks:             []careplan.Task{{Description: "call", AssigneeRole: careplan.RoleNurse, Citations: cite, Rationale: "r"}},
	}
}

func TestContentOf(t *testing.T) {
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: plan(), Model: "some-model"}
	got := rr.ContentOf(d)
	want := rr.Content{Kind: rr.ContentCarePlan, Model: "some-model", Items: []rr.Item{
		{ID: "problem-1", Kind: rr.ItemProblem},
		{ID: "goal-1", Kind: rr.ItemGoal},
		{ID: "intervention-1", Kind: rr.ItemIntervention},
		{ID: "medication-1", Kind: rr.ItemMedicationContinue},
		{ID: "monitoring-1", Kind: rr.ItemMonitoring},
		{ID: "education-1", Kind: rr.ItemClinicalStatement},
		{ID: "referral-1", Kind: rr.ItemReferral},
		{ID: "followup-1", Kind: rr.ItemFollowUp},
		{ID: "task-1", Kind: rr.ItemCareTeamTask},
	}}
	assert.Equal(t, want, got, "every list maps to its item kind, with the plan's IDs, in document order")
	assert.Equal(t, nurse, newRouter(t, nil).RouteDraft(d, cleanReport()).Tier,
		"a care plan that only continues medications needs a nurse")
}

func TestContentOfMedicationActions(t *testing.T) {
	tests := []struct {
		action careplan.MedicationAction
		dose   string
		want   rr.ItemKind
		tier   rr.Tier
		reason string
	}{
		{careplan.ActionStart, "", rr.ItemMedicationStart, physician, "a new medication"},
		{careplan.ActionStop, "", rr.ItemMedicationStop, physician, "stopping one"},
		{careplan.ActionIncrease, "", rr.ItemMedicationDoseChange, physician, "a dose increase"},
		{careplan.ActionDecrease, "", rr.ItemMedicationDoseChange, physician, "a dose decrease"},
		{careplan.ActionHold, "", rr.ItemMedicationHold, physician, "pausing one"},
		{careplan.ActionContinue, "", rr.ItemMedicationContinue, nurse, "the only action that is not a change"},
		{careplan.ActionContinue, "1000 mg three times daily", rr.ItemMedicationDoseChange, physician,
			"a continue that states a new dose is a dose change written as a continue"},
		{careplan.ActionContinue, " ", rr.ItemMedicationDoseChange, physician,
			"any dose text counts: routing reads whether a dose is given, never what it says"},
		{careplan.ActionStop, "taper over a week", rr.ItemMedicationStop, physician, "a dose on another action keeps its kind"},
		{"", "", rr.ItemMedicationStart, physician, "an unset action is unknown and counts as the most consequential"},
		{"titrate", "", rr.ItemMedicationStart, physician, "an unknown action fails safe"},
		{"Continue", "", rr.ItemMedicationStart, physician, "actions match exactly; a near miss of continue is not continue"},
		{"continue ", "", rr.ItemMedicationStart, physician, "trailing space is not continue"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(string(tt.action)+"/"+tt.dose, func(t *testing.T) {
			p := plan()
			p.MedicationChanges[0].Action, p.MedicationChanges[0].Dose = tt.action, tt.dose
			d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: p}
			assert.Contains(t, rr.ContentOf(d).Items, rr.Item{ID: "medication-1", Kind: tt.want}, tt.reason)
			assert.Equal(t, tt.tier, r.RouteDraft(d, cleanReport()).Tier, tt.reason)
		})
	}
}

func TestContentOfProblemStatus(t *testing.T) {
	tests := []struct {
		status careplan.ProblemStatus
		want   rr.ItemKind
		tier   rr.Tier
		reason string
	}{
		{careplan.ProblemExisting, rr.ItemProblem, nurse, "a documented problem restated"},
		{careplan.ProblemSuspected, rr.ItemDiagnosticImpression, physician, "a problem not in the record is a diagnostic impression"},
		{"", rr.ItemDiagnosticImpression, physician, "an unset status is not known to be documented"},
		{"Existing", rr.ItemDiagnosticImpression, physician, "statuses match exactly"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			p := plan()
			p.Problems[0].Status = tt.status
			d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: p}
			assert.Contains(t, rr.ContentOf(d).Items, rr.Item{ID: "problem-1", Kind: tt.want}, tt.reason)
			assert.Equal(t, tt.tier, r.RouteDraft(d, cleanReport()).Tier, tt.reason)
		})
	}
}

func TestContentOfSocialNeeds(t *testing.T) {
	tests := []struct {
		name     string
		category careplan.InterventionCategory
		role     careplan.Role
		want     []rr.Item
		notify   []rr.Role
		reason   string
	}{
		{"social intervention", careplan.InterventionSocial, careplan.RoleNurse,
			[]rr.Item{{ID: "intervention-1", Kind: rr.ItemSocialNeed}, {ID: "task-1", Kind: rr.ItemCareTeamTask}},
			[]rr.Role{rr.RoleNurse, rr.RoleSocialWorker}, "a social intervention addresses a social need"},
		{"social worker task", careplan.InterventionNutrition, careplan.RoleSocialWorker,
			[]rr.Item{{ID: "intervention-1", Kind: rr.ItemIntervention}, {ID: "task-1", Kind: rr.ItemSocialNeed}},
			[]rr.Role{rr.RoleNurse, rr.RoleSocialWorker}, "a task for a social worker addresses a social need"},
		{"neither", careplan.InterventionOther, careplan.RolePharmacist,
			[]rr.Item{{ID: "intervention-1", Kind: rr.ItemIntervention}, {ID: "task-1", Kind: rr.ItemCareTeamTask}},
			[]rr.Role{rr.RoleNurse}, "other categories and roles are ordinary items"},
		{"unknown category and role", "Social", "social worker",
			[]rr.Item{{ID: "intervention-1", Kind: rr.ItemIntervention}, {ID: "task-1", Kind: rr.ItemCareTeamTask}},
			[]rr.Role{rr.RoleNurse}, "near misses are ordinary nurse-level items; neither lowers anything"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &careplan.Plan{
				Problems:      []careplan.Problem{{Status: careplan.ProblemExisting}},
				Interventions: []careplan.Intervention{{Category: tt.category}},
				Tasks:         []careplan.Task{{AssigneeRole: tt.role}},
			}
			d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: p}
			assert.Equal(t, tt.want, rr.ContentOf(d).Items[1:], tt.reason)
			dec := r.RouteDraft(d, cleanReport())
			assert.Equal(t, nurse, dec.Tier, tt.reason)
			assert.Equal(t, tt.notify, dec.Notify, tt.reason)
		})
	}
}

func TestContentOfDraftKinds(t *testing.T) {
	tests := []struct {
		name   string
		draft  *careplan.Draft
		kind   rr.ContentKind // "" means: not a known kind
		tier   rr.Tier
		reason string
	}{
		{"care plan", &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{}}, rr.ContentCarePlan, nurse,
			"a new care plan needs RN review even when empty"},
		{"care plan change", &careplan.Draft{Kind: careplan.KindCarePlanChange, Plan: &careplan.Plan{}}, rr.ContentCarePlanChange, nurse,
			"KindCarePlanChange is a care-plan change"},
		{"unset kind", &careplan.Draft{Plan: &careplan.Plan{}}, "", physician,
			"an unset draft kind is unknown"},
		{"unknown kind", &careplan.Draft{Kind: "discharge_summary", Plan: &careplan.Plan{}}, "", physician,
			"an unknown draft kind fails safe"},
		{"administrative-looking kind", &careplan.Draft{Kind: "appointment_reminder", Plan: &careplan.Plan{}}, "", physician,
			"a draft cannot auto-approve by naming itself after an administrative content kind"},
		{"education-looking kind", &careplan.Draft{Kind: "general_education", Plan: &careplan.Plan{}}, "", physician,
			"nor after general education"},
		{"nil plan", &careplan.Draft{Kind: careplan.KindCarePlan}, rr.ContentCarePlan, physician,
			"a draft whose plan is missing cannot be shown to be anything; it must not pass as an empty plan"},
		{"nil draft", nil, "", physician, "ContentOf must not panic on nil"},
	}
	r := newRouter(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c rr.Content
			require.NotPanics(t, func() { c = rr.ContentOf(tt.draft) }, tt.reason)
			if tt.kind != "" {
				assert.Equal(t, tt.kind, c.Kind, tt.reason)
			} else {
				assert.NotContains(t, rr.ContentKinds(), c.Kind, tt.reason)
			}
			d := r.RouteDraft(tt.draft, cleanReport())
			assert.Equal(t, tt.tier, d.Tier, tt.reason)
			assert.Equal(t, tt.tier, d.Floor, tt.reason)
		})
	}
}

func TestRouteConcurrent(t *testing.T) {
	r := newRouter(t, &rr.Policy{MinimumTier: nurse, Rules: map[string]rr.Tier{"r": physician}})
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: plan()}
	rep := cleanReport(finding(validate.SeverityWarning, validate.CategoryInteraction, "r"))
	want := r.RouteDraft(d, rep)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				assert.Equal(t, want, r.RouteDraft(d, rep))
			}
		})
	}
	wg.Wait()
}

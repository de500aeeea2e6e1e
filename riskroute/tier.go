package riskroute

import (
	"fmt"

	"github.com/careguard/careguard/careplan"
)

// Tier is the review a draft needs before it may affect care. Tiers are
// ordered: a higher tier is a stricter review.
type Tier int

// The tiers, in increasing order.
const (
	// TierAutoApprove: administrative content that may be released without
	// a clinician.
	TierAutoApprove Tier = iota + 1
	// TierNurseReview: a registered nurse reviews it.
	TierNurseReview
	// TierPhysicianReview: a physician reviews it.
	TierPhysicianReview
)

// String returns "auto_approve", "nurse_review" or "physician_review".
func (t Tier) String() string {
	switch t {
	case TierAutoApprove:
		return "auto_approve"
	case TierNurseReview:
		return "nurse_review"
	case TierPhysicianReview:
		return "physician_review"
	}
	return fmt.Sprintf("tier(%d)", int(t))
}

// Valid reports whether t is one of the defined tiers.
func (t Tier) Valid() bool { return t >= TierAutoApprove && t <= TierPhysicianReview }

// MarshalText encodes the tier as its name.
func (t Tier) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("riskroute: invalid tier %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText decodes a tier name.
func (t *Tier) UnmarshalText(b []byte) error {
	switch string(b) {
	case "auto_approve":
		*t = TierAutoApprove
	case "nurse_review":
		*t = TierNurseReview
	case "physician_review":
		*t = TierPhysicianReview
	default:
		return fmt.Errorf("riskroute: unknown tier %q", b)
	}
	return nil
}

// ContentKind is the kind of content being routed.
type ContentKind string

// The content kinds.
const (
	ContentAppointmentReminder  ContentKind = "appointment_reminder"
	ContentGeneralEducation     ContentKind = "general_education"
	ContentPatientMessage       ContentKind = "patient_message"
	ContentClinicalSummary      ContentKind = "clinical_summary"
	ContentCarePlan             ContentKind = "care_plan"
	ContentCarePlanChange       ContentKind = "care_plan_change"
	ContentMedicationChange     ContentKind = "medication_change"
	ContentDiagnosticImpression ContentKind = "diagnostic_impression"
)

// ContentKinds returns every content kind.
func ContentKinds() []ContentKind {
	return []ContentKind{ContentAppointmentReminder, ContentGeneralEducation, ContentPatientMessage,
		ContentClinicalSummary, ContentCarePlan, ContentCarePlanChange, ContentMedicationChange, ContentDiagnosticImpression}
}

// floor is the least review each content kind needs, whatever it holds:
// administrative content may auto-approve; clinical summaries, patient
// messages and care plans need a nurse; medication changes and diagnostic
// impressions need a physician. Unknown kinds need a physician.
func (k ContentKind) floor() Tier {
	switch k {
	case ContentAppointmentReminder, ContentGeneralEducation:
		return TierAutoApprove
	case ContentPatientMessage, ContentClinicalSummary, ContentCarePlan, ContentCarePlanChange:
		return TierNurseReview
	}
	return TierPhysicianReview
}

// ItemKind is the kind of one item of content, as far as review is
// concerned.
type ItemKind string

// The item kinds.
const (
	ItemAdministrative       ItemKind = "administrative"         // scheduling, reminders, logistics
	ItemGeneralEducation     ItemKind = "general_education"      // education not specific to a decision
	ItemProblem              ItemKind = "problem"                // a documented problem restated
	ItemDiagnosticImpression ItemKind = "diagnostic_impression"  // a problem not in the record
	ItemGoal                 ItemKind = "goal"                   // a clinical goal
	ItemIntervention         ItemKind = "intervention"           // a non-drug intervention
	ItemMonitoring           ItemKind = "monitoring"             // tests and measurements
	ItemMedicationStart      ItemKind = "medication_start"       // a new medication
	ItemMedicationStop       ItemKind = "medication_stop"        // stopping a medication
	ItemMedicationDoseChange ItemKind = "medication_dose_change" // a dose change
	ItemMedicationHold       ItemKind = "medication_hold"        // pausing a medication
	ItemMedicationContinue   ItemKind = "medication_continue"    // an unchanged medication restated
	ItemReferral             ItemKind = "referral"               // a referral
	ItemFollowUp             ItemKind = "follow_up"              // a follow-up contact
	ItemCareTeamTask         ItemKind = "care_team_task"         // a task for the care team
	ItemSocialNeed           ItemKind = "social_need"            // addressing a social need
	ItemClinicalStatement    ItemKind = "clinical_statement"     // any other clinical statement
)

// ItemKinds returns every item kind.
func ItemKinds() []ItemKind {
	return []ItemKind{ItemAdministrative, ItemGeneralEducation, ItemProblem, ItemDiagnosticImpression, ItemGoal,
		ItemIntervention, ItemMonitoring, ItemMedicationStart, ItemMedicationStop, ItemMedicationDoseChange,
		ItemMedicationHold, ItemMedicationContinue, ItemReferral, ItemFollowUp, ItemCareTeamTask, ItemSocialNeed,
		ItemClinicalStatement}
}

// floor is the least review an item needs: administrative items and general
// education may auto-approve; medication changes (start, stop, dose, hold)
// and diagnostic impressions need a physician; everything else a nurse.
// Unknown kinds need a physician.
func (k ItemKind) floor() Tier {
	switch k {
	case ItemAdministrative, ItemGeneralEducation:
		return TierAutoApprove
	case ItemProblem, ItemGoal, ItemIntervention, ItemMonitoring, ItemMedicationContinue, ItemReferral,
		ItemFollowUp, ItemCareTeamTask, ItemSocialNeed, ItemClinicalStatement:
		return TierNurseReview
	}
	return TierPhysicianReview
}

// Item is one item of routed content.
type Item struct {
	ID   string   `json:"id"`
	Kind ItemKind `json:"kind"`
}

// Content is the structure of a draft, which is all routing looks at: its
// kind and the kinds of its items. It carries no free text, so nothing a
// model writes can change a tier.
type Content struct {
	Kind  ContentKind `json:"kind"`
	Items []Item      `json:"items"`
	// Model names the model that produced the content, for statistics; it
	// does not affect the tier.
	Model string `json:"model,omitempty"`
}

// Kinds ContentOf gives to drafts it cannot read. None is a kind the
// router knows, so each routes to physician review, and none can be named
// in a policy.
const (
	// contentNoDraft is the kind of a nil draft.
	contentNoDraft ContentKind = "missing_draft"
	// contentUnknownDraft prefixes the kind of a draft that is neither a
	// care plan nor a care-plan change.
	contentUnknownDraft = "unknown_draft_kind:"
	// itemNoPlan is the kind of the single item standing for a draft's
	// missing plan.
	itemNoPlan ItemKind = "missing_plan"
	// itemUnknown is the kind of a plan item ContentOf cannot classify.
	itemUnknown ItemKind = "unknown"
)

// ContentOf derives the routing structure of a care-plan draft from its
// typed fields only: the draft kind, which list each item is in, the
// medication action and whether a continued medication states a dose, the
// problem status, the intervention category and the task's assignee role.
// Titles, descriptions, rationales, sources, the summary and what a dose
// says are never read.
//
// A [careplan.KindCarePlan] draft is [ContentCarePlan] and a
// [careplan.KindCarePlanChange] draft [ContentCarePlanChange]; a draft of
// any other kind gets a kind the router does not know, so it routes to
// physician review (a draft cannot make itself administrative by its
// kind). Each plan item becomes an [Item] with the plan's item ID
// ("medication-1"), in document order:
//
//   - a problem is [ItemProblem] when its status is
//     [careplan.ProblemExisting], otherwise [ItemDiagnosticImpression];
//   - a medication change is [ItemMedicationStart], [ItemMedicationStop],
//     [ItemMedicationDoseChange] (increase or decrease, or a continue whose
//     dose is not empty: a new dose written as a continue),
//     [ItemMedicationHold] or [ItemMedicationContinue] (a continue with an
//     empty dose) by its action; an unknown action counts as
//     [ItemMedicationStart];
//   - a social intervention, and a task assigned to a social worker, is
//     [ItemSocialNeed]; other interventions are [ItemIntervention] and
//     other tasks [ItemCareTeamTask];
//   - goals, monitoring, referrals and follow-ups are [ItemGoal],
//     [ItemMonitoring], [ItemReferral] and [ItemFollowUp];
//   - education is [ItemClinicalStatement]: in a care plan it is tied to
//     this patient's conditions, not general education.
//
// A nil draft, or a draft with no plan, has content whose kind or single
// item ("plan") the router does not know, so it too routes to physician
// review. ContentOf never panics.
func ContentOf(d *careplan.Draft) Content {
	if d == nil {
		return Content{Kind: contentNoDraft}
	}
	c := Content{Model: d.Model}
	switch d.Kind {
	case careplan.KindCarePlan:
		c.Kind = ContentCarePlan
	case careplan.KindCarePlanChange:
		c.Kind = ContentCarePlanChange
	default:
		// Never ContentKind(d.Kind): a draft of kind
		// "appointment_reminder" would then auto-approve.
		c.Kind = ContentKind(contentUnknownDraft + string(d.Kind))
	}
	if d.Plan == nil {
		c.Items = []Item{{ID: "plan", Kind: itemNoPlan}}
		return c
	}
	for _, it := range d.Plan.Items() {
		c.Items = append(c.Items, Item{ID: it.ID, Kind: itemKind(d.Plan, it)})
	}
	return c
}

// itemKind classifies one plan item. An index outside its list (which a
// correct Plan.Items never gives) or an unknown careplan item kind gives
// itemUnknown rather than a panic or a guess.
func itemKind(p *careplan.Plan, it careplan.Item) ItemKind {
	i := it.Index
	switch it.Kind {
	case careplan.ItemProblem:
		if i < 0 || i >= len(p.Problems) {
			return itemUnknown
		}
		if p.Problems[i].Status == careplan.ProblemExisting {
			return ItemProblem
		}
		// Suspected, or an unknown status: a diagnostic impression.
		return ItemDiagnosticImpression
	case careplan.ItemGoal:
		return ItemGoal
	case careplan.ItemIntervention:
		if i < 0 || i >= len(p.Interventions) {
			return itemUnknown
		}
		if p.Interventions[i].Category == careplan.InterventionSocial {
			return ItemSocialNeed
		}
		return ItemIntervention
	case careplan.ItemMedication:
		if i < 0 || i >= len(p.MedicationChanges) {
			return itemUnknown
		}
		switch p.MedicationChanges[i].Action {
		case careplan.ActionStart:
			return ItemMedicationStart
		case careplan.ActionStop:
			return ItemMedicationStop
		case careplan.ActionIncrease, careplan.ActionDecrease:
			return ItemMedicationDoseChange
		case careplan.ActionHold:
			return ItemMedicationHold
		case careplan.ActionContinue:
			if p.MedicationChanges[i].Dose != "" {
				// A continue that states a dose sets a new dose: a dose
				// change, whatever the action says. Only whether a dose
				// is given is read, never what it says.
				return ItemMedicationDoseChange
			}
			return ItemMedicationContinue
		}
		// An unknown action is treated as the most consequential.
		return ItemMedicationStart
	case careplan.ItemMonitoring:
		return ItemMonitoring
	case careplan.ItemEducation:
		// Education in a care plan is tied to this patient's conditions.
		return ItemClinicalStatement
	case careplan.ItemReferral:
		return ItemReferral
	case careplan.ItemFollowUp:
		return ItemFollowUp
	case careplan.ItemTask:
		if i < 0 || i >= len(p.Tasks) {
			return itemUnknown
		}
		if p.Tasks[i].AssigneeRole == careplan.RoleSocialWorker {
			return ItemSocialNeed
		}
		return ItemCareTeamTask
	}
	// An item kind added to careplan but not yet known here.
	return itemUnknown
}

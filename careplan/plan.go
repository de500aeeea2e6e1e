package careplan

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Plan is a care plan. It is the JSON document a model must produce, and the
// Go value the rest of careguard works with: its field tags define the JSON
// Schema (see Schema).
//
// Every item cites the fact IDs of the patient record it rests on
// ("C1", "M3", "L7") and gives a rationale, so a clinician can check it.
// Lists may be empty, except Problems, but are never absent.
type Plan struct {
	Summary           string             `json:"summary" jsonschema:"minLength=1,maxLength=2000" jsonschema_description:"Two to five sentences for the reviewing clinician: the main problems and what the plan changes."`
	Problems          []Problem          `json:"problems" jsonschema:"minItems=1,maxItems=30" jsonschema_description:"The problems this plan addresses."`
	Goals             []Goal             `json:"goals" jsonschema:"maxItems=30" jsonschema_description:"Measurable goals, each with at least one target."`
	Interventions     []Intervention     `json:"interventions" jsonschema:"maxItems=30" jsonschema_description:"Non-drug interventions. Medication changes go in medication_changes."`
	MedicationChanges []MedicationChange `json:"medication_changes" jsonschema:"maxItems=30" jsonschema_description:"Medications to start, stop, change or explicitly continue."`
	Monitoring        []Monitoring       `json:"monitoring" jsonschema:"maxItems=30" jsonschema_description:"What to measure and how often."`
	Education         []Education        `json:"education" jsonschema:"maxItems=30" jsonschema_description:"Education topics for the patient or caregiver."`
	Referrals         []Referral         `json:"referrals" jsonschema:"maxItems=30" jsonschema_description:"Referrals to other services."`
	FollowUps         []FollowUp         `json:"follow_ups" jsonschema:"maxItems=30" jsonschema_description:"Follow-up contacts or visits."`
	Tasks             []Task             `json:"care_team_tasks" jsonschema:"maxItems=30" jsonschema_description:"Tasks for members of the care team."`
}

// ProblemStatus says whether a problem is documented in the record or
// proposed by the plan.
type ProblemStatus string

// The problem statuses.
const (
	// ProblemExisting is a problem documented in the record; it cites the
	// condition.
	ProblemExisting ProblemStatus = "existing"
	// ProblemSuspected is a diagnostic impression not yet in the record; a
	// physician must review it.
	ProblemSuspected ProblemStatus = "suspected"
)

// Problem is a problem the plan addresses.
type Problem struct {
	Title     string        `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Status    ProblemStatus `json:"status" jsonschema:"enum=existing,enum=suspected" jsonschema_description:"existing: documented in the record (cite the condition). suspected: a diagnostic impression not in the record."`
	Citations []string      `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$" jsonschema_description:"IDs of the record facts this rests on."`
	Rationale string        `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
}

// Goal is a measurable goal.
type Goal struct {
	Description   string   `json:"description" jsonschema:"minLength=1,maxLength=300"`
	Targets       []Target `json:"targets" jsonschema:"minItems=1,maxItems=5"`
	DueWithinDays int      `json:"due_within_days" jsonschema:"minimum=1,maximum=730" jsonschema_description:"Days from the record's as-of date by which the goal should be met."`
	Citations     []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale     string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source        string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// Target is one measurable target of a goal: a LOINC-coded measure compared
// with a value ("HbA1c < 7 %").
type Target struct {
	MeasureCode string  `json:"measure_code" jsonschema:"pattern=^[0-9]{1\\,7}-[0-9]$" jsonschema_description:"LOINC code of the measure, e.g. 4548-4 for HbA1c, 8480-6 for systolic blood pressure."`
	MeasureName string  `json:"measure_name" jsonschema:"minLength=1,maxLength=100"`
	Comparator  string  `json:"comparator" jsonschema:"enum=<,enum=<=,enum=>,enum=>=,enum=="`
	Value       float64 `json:"value"`
	Unit        string  `json:"unit" jsonschema:"maxLength=30" jsonschema_description:"UCUM unit, e.g. %, mm[Hg], mg/dL."`
}

// String renders the target as "HbA1c < 7 %".
func (t Target) String() string {
	s := t.MeasureName + " " + t.Comparator + " " + strconv.FormatFloat(t.Value, 'f', -1, 64)
	if t.Unit != "" {
		s += " " + t.Unit
	}
	return s
}

// InterventionCategory groups non-drug interventions.
type InterventionCategory string

// The intervention categories.
const (
	InterventionLifestyle      InterventionCategory = "lifestyle"
	InterventionNutrition      InterventionCategory = "nutrition"
	InterventionActivity       InterventionCategory = "physical_activity"
	InterventionSelfManagement InterventionCategory = "self_management"
	InterventionSocial         InterventionCategory = "social"
	InterventionOther          InterventionCategory = "other"
)

// Intervention is a non-drug intervention.
type Intervention struct {
	Description string               `json:"description" jsonschema:"minLength=1,maxLength=500"`
	Category    InterventionCategory `json:"category" jsonschema:"enum=lifestyle,enum=nutrition,enum=physical_activity,enum=self_management,enum=social,enum=other"`
	Citations   []string             `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale   string               `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source      string               `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// MedicationAction is what a medication change does.
type MedicationAction string

// The medication actions.
const (
	// ActionStart proposes a medication the patient does not take.
	ActionStart MedicationAction = "start"
	// ActionStop stops a current medication.
	ActionStop MedicationAction = "stop"
	// ActionIncrease raises the dose of a current medication.
	ActionIncrease MedicationAction = "increase_dose"
	// ActionDecrease lowers the dose of a current medication.
	ActionDecrease MedicationAction = "decrease_dose"
	// ActionHold pauses a current medication.
	ActionHold MedicationAction = "hold"
	// ActionContinue keeps a current medication unchanged.
	ActionContinue MedicationAction = "continue"
)

// MedicationChange is a proposed change to, or an explicit continuation of,
// the patient's medications.
type MedicationChange struct {
	Action MedicationAction `json:"action" jsonschema:"enum=start,enum=stop,enum=increase_dose,enum=decrease_dose,enum=hold,enum=continue" jsonschema_description:"start proposes a new medication; the other actions apply to a current medication."`
	// Medication is the medication's name, with strength when known.
	Medication string `json:"medication" jsonschema:"minLength=1,maxLength=200"`
	// RxNorm is the medication's RxNorm code, or "" when not known.
	RxNorm string `json:"rxnorm" jsonschema:"pattern=^([0-9]{1\\,9})?$" jsonschema_description:"RxNorm code of the medication if known, otherwise an empty string."`
	// CurrentMedicationID is the fact ID of the current medication the
	// action applies to; it is "" for ActionStart.
	CurrentMedicationID string `json:"current_medication_id" jsonschema:"pattern=^(M[0-9]{1\\,5})?$" jsonschema_description:"For every action except start: the ID of the medication in the record (M...). For start: an empty string."`
	// Dose is the new dose instruction for start, increase and decrease;
	// "" otherwise. A continue that states a dose is a dose change (see
	// [MedicationChange.ChangesDose]); [CheckRecord] rejects a dose on a
	// continue, stop or hold so that the model states the action it means.
	Dose      string   `json:"dose" jsonschema:"maxLength=200" jsonschema_description:"The new dose instruction for start, increase_dose and decrease_dose; an empty string for continue, stop and hold."`
	Citations []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source    string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// Proposed reports whether the change proposes a medication the patient
// does not take.
func (m MedicationChange) Proposed() bool { return m.Action == ActionStart }

// Changes reports whether the change alters the medication list or a dose:
// anything but a continuation that states no dose. A continue with a
// non-empty Dose restates the medication at a new dose, so it is a dose
// change (see [MedicationChange.ChangesDose]).
func (m MedicationChange) Changes() bool { return m.Action != ActionContinue || m.Dose != "" }

// ChangesDose reports whether the change sets a new dose of a current
// medication: an increase, a decrease, or a continue that states a dose.
// Such a continue says neither which way the dose moves nor whether the
// model meant it; careguard routes and checks it as a dose change.
func (m MedicationChange) ChangesDose() bool {
	return m.Action == ActionIncrease || m.Action == ActionDecrease || m.Action == ActionContinue && m.Dose != ""
}

// Monitoring is a measurement to repeat.
type Monitoring struct {
	MeasureCode  string   `json:"measure_code" jsonschema:"pattern=^([0-9]{1\\,7}-[0-9])?$" jsonschema_description:"LOINC code of what is measured, or an empty string when it has none."`
	MeasureName  string   `json:"measure_name" jsonschema:"minLength=1,maxLength=100"`
	IntervalDays int      `json:"interval_days" jsonschema:"minimum=1,maximum=730"`
	Citations    []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale    string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source       string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// Audience is who patient-facing content is for.
type Audience string

// The audiences.
const (
	AudiencePatient   Audience = "patient"
	AudienceCaregiver Audience = "caregiver"
)

// Education is an education topic.
type Education struct {
	Topic     string   `json:"topic" jsonschema:"minLength=1,maxLength=300"`
	Audience  Audience `json:"audience" jsonschema:"enum=patient,enum=caregiver"`
	Citations []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source    string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// Urgency is how soon a referral should happen.
type Urgency string

// The urgencies.
const (
	UrgencyRoutine Urgency = "routine"
	UrgencySoon    Urgency = "soon"
	UrgencyUrgent  Urgency = "urgent"
)

// Referral is a referral to another service.
type Referral struct {
	Specialty string   `json:"specialty" jsonschema:"minLength=1,maxLength=100"`
	Reason    string   `json:"reason" jsonschema:"minLength=1,maxLength=500"`
	Urgency   Urgency  `json:"urgency" jsonschema:"enum=routine,enum=soon,enum=urgent"`
	Citations []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source    string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// FollowUp is a follow-up contact or visit.
type FollowUp struct {
	Description string   `json:"description" jsonschema:"minLength=1,maxLength=300"`
	WithinDays  int      `json:"within_days" jsonschema:"minimum=1,maximum=365"`
	Citations   []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale   string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source      string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// Role is a care-team role.
type Role string

// The care-team roles.
const (
	RoleNurse        Role = "nurse"
	RolePhysician    Role = "physician"
	RolePharmacist   Role = "pharmacist"
	RoleSocialWorker Role = "social_worker"
	RoleCareManager  Role = "care_manager"
	RoleDietitian    Role = "dietitian"
)

// Task is a task for a member of the care team.
type Task struct {
	Description   string   `json:"description" jsonschema:"minLength=1,maxLength=300"`
	AssigneeRole  Role     `json:"assignee_role" jsonschema:"enum=nurse,enum=physician,enum=pharmacist,enum=social_worker,enum=care_manager,enum=dietitian"`
	DueWithinDays int      `json:"due_within_days" jsonschema:"minimum=1,maximum=365"`
	Citations     []string `json:"citations" jsonschema:"minItems=1,maxItems=20,pattern=^[A-Z][0-9]{1\\,5}$"`
	Rationale     string   `json:"rationale" jsonschema:"minLength=1,maxLength=1000"`
	Source        string   `json:"source" jsonschema:"maxLength=300" jsonschema_description:"The guideline, drug label or paper this follows (e.g. ADA Standards of Care 2025, Section 6), or an empty string when it rests on the record alone."`
}

// ItemKind is the kind of a plan item.
type ItemKind string

// The item kinds; an item's ID is its kind's prefix and its 1-based
// position in its list ("goal-2", "medication-1").
const (
	ItemProblem      ItemKind = "problem"
	ItemGoal         ItemKind = "goal"
	ItemIntervention ItemKind = "intervention"
	ItemMedication   ItemKind = "medication"
	ItemMonitoring   ItemKind = "monitoring"
	ItemEducation    ItemKind = "education"
	ItemReferral     ItemKind = "referral"
	ItemFollowUp     ItemKind = "followup"
	ItemTask         ItemKind = "task"
)

// Item is a uniform view of one plan item.
type Item struct {
	// ID identifies the item within its plan ("goal-2").
	ID   string
	Kind ItemKind
	// Index is the item's position in its list.
	Index int
	// Pointer is the JSON pointer of the item in the plan document
	// ("/goals/1").
	Pointer   string
	Text      string
	Citations []string
	Rationale string
	// Source is the guideline, label or paper the item follows; empty for
	// problems and for items resting on the record alone.
	Source string
}

func itemID(k ItemKind, i int) string { return string(k) + "-" + strconv.Itoa(i+1) }

// ParseItemID splits an item ID into its kind and index.
func ParseItemID(id string) (ItemKind, int, bool) {
	k, n, ok := strings.Cut(id, "-")
	if !ok {
		return "", 0, false
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 1 || strconv.Itoa(i) != n {
		return "", 0, false
	}
	switch kind := ItemKind(k); kind {
	case ItemProblem, ItemGoal, ItemIntervention, ItemMedication, ItemMonitoring, ItemEducation,
		ItemReferral, ItemFollowUp, ItemTask:
		return kind, i - 1, true
	}
	return "", 0, false
}

// Items returns every item of the plan, in document order; nil for a nil
// plan.
func (p *Plan) Items() []Item {
	if p == nil {
		return nil
	}
	out := make([]Item, 0, p.Len())
	add := func(k ItemKind, field string, i int, text string, cites []string, rationale, source string) {
		out = append(out, Item{ID: itemID(k, i), Kind: k, Index: i, Pointer: "/" + field + "/" + strconv.Itoa(i),
			Text: text, Citations: cites, Rationale: rationale, Source: source})
	}
	for i, x := range p.Problems {
		add(ItemProblem, "problems", i, x.Title, x.Citations, x.Rationale, "")
	}
	for i, x := range p.Goals {
		add(ItemGoal, "goals", i, x.Description, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.Interventions {
		add(ItemIntervention, "interventions", i, x.Description, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.MedicationChanges {
		text := string(x.Action) + " " + x.Medication
		if x.Dose != "" {
			text += " (" + x.Dose + ")"
		}
		add(ItemMedication, "medication_changes", i, text, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.Monitoring {
		add(ItemMonitoring, "monitoring", i, x.MeasureName+" every "+strconv.Itoa(x.IntervalDays)+" days", x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.Education {
		add(ItemEducation, "education", i, x.Topic, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.Referrals {
		add(ItemReferral, "referrals", i, x.Specialty+": "+x.Reason, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.FollowUps {
		add(ItemFollowUp, "follow_ups", i, x.Description, x.Citations, x.Rationale, x.Source)
	}
	for i, x := range p.Tasks {
		add(ItemTask, "care_team_tasks", i, x.Description, x.Citations, x.Rationale, x.Source)
	}
	return out
}

// Len returns the number of items in the plan; 0 for a nil plan.
func (p *Plan) Len() int {
	if p == nil {
		return 0
	}
	return len(p.Problems) + len(p.Goals) + len(p.Interventions) + len(p.MedicationChanges) +
		len(p.Monitoring) + len(p.Education) + len(p.Referrals) + len(p.FollowUps) + len(p.Tasks)
}

// Clone returns a deep copy of the plan; nil for a nil plan.
func (p *Plan) Clone() *Plan {
	if p == nil {
		return nil
	}
	c := *p
	c.Problems = cloneItems(p.Problems, func(x *Problem) { x.Citations = cloneStrings(x.Citations) })
	c.Goals = cloneItems(p.Goals, func(x *Goal) {
		x.Citations = cloneStrings(x.Citations)
		x.Targets = cloneItems(x.Targets, nil)
	})
	c.Interventions = cloneItems(p.Interventions, func(x *Intervention) { x.Citations = cloneStrings(x.Citations) })
	c.MedicationChanges = cloneItems(p.MedicationChanges, func(x *MedicationChange) { x.Citations = cloneStrings(x.Citations) })
	c.Monitoring = cloneItems(p.Monitoring, func(x *Monitoring) { x.Citations = cloneStrings(x.Citations) })
	c.Education = cloneItems(p.Education, func(x *Education) { x.Citations = cloneStrings(x.Citations) })
	c.Referrals = cloneItems(p.Referrals, func(x *Referral) { x.Citations = cloneStrings(x.Citations) })
	c.FollowUps = cloneItems(p.FollowUps, func(x *FollowUp) { x.Citations = cloneStrings(x.Citations) })
	c.Tasks = cloneItems(p.Tasks, func(x *Task) { x.Citations = cloneStrings(x.Citations) })
	return &c
}

func cloneItems[T any](s []T, deep func(*T)) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	copy(out, s)
	if deep != nil {
		for i := range out {
			deep(&out[i])
		}
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

// MarshalJSON encodes the plan with every list present: an empty list is
// written as [] rather than null, as the schema requires.
func (p Plan) MarshalJSON() ([]byte, error) {
	type plain Plan // drops this method, avoiding recursion
	q := plain(p)
	orEmpty(&q.Problems)
	orEmpty(&q.Goals)
	orEmpty(&q.Interventions)
	orEmpty(&q.MedicationChanges)
	orEmpty(&q.Monitoring)
	orEmpty(&q.Education)
	orEmpty(&q.Referrals)
	orEmpty(&q.FollowUps)
	orEmpty(&q.Tasks)
	return json.Marshal(q)
}

func orEmpty[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

package fhir

// The resources careguard writes when it exports a draft.

// CarePlan is a plan of care. A generated plan is status draft, intent
// proposal, until a clinician signs it off.
type CarePlan struct {
	Base
	Status         string             `json:"status"`
	Intent         string             `json:"intent"`
	Category       []CodeableConcept  `json:"category,omitempty"`
	Title          string             `json:"title,omitempty"`
	Description    string             `json:"description,omitempty"`
	Subject        Reference          `json:"subject"`
	Period         *Period            `json:"period,omitempty"`
	Created        string             `json:"created,omitempty"`
	Addresses      []Reference        `json:"addresses,omitempty"`
	SupportingInfo []Reference        `json:"supportingInfo,omitempty"`
	Goal           []Reference        `json:"goal,omitempty"`
	Activity       []CarePlanActivity `json:"activity,omitempty"`
	Note           []Annotation       `json:"note,omitempty"`
}

// CarePlanActivity is one activity of a care plan. Its ID is the plan
// item's ID ("medication-1").
type CarePlanActivity struct {
	ID        string          `json:"id,omitempty"`
	Progress  []Annotation    `json:"progress,omitempty"`
	Reference *Reference      `json:"reference,omitempty"`
	Detail    *CarePlanDetail `json:"detail,omitempty"`
}

// CarePlanDetail describes an activity inline.
type CarePlanDetail struct {
	Kind                   string            `json:"kind,omitempty"`
	Code                   *CodeableConcept  `json:"code,omitempty"`
	ReasonCode             []CodeableConcept `json:"reasonCode,omitempty"`
	ReasonReference        []Reference       `json:"reasonReference,omitempty"`
	Goal                   []Reference       `json:"goal,omitempty"`
	Status                 string            `json:"status"`
	DoNotPerform           *bool             `json:"doNotPerform,omitempty"`
	ScheduledTiming        *Timing           `json:"scheduledTiming,omitempty"`
	ScheduledString        string            `json:"scheduledString,omitempty"`
	ProductCodeableConcept *CodeableConcept  `json:"productCodeableConcept,omitempty"`
	Description            string            `json:"description,omitempty"`
}

// Goal is a goal of care.
type Goal struct {
	Base
	LifecycleStatus string            `json:"lifecycleStatus"`
	Category        []CodeableConcept `json:"category,omitempty"`
	Description     CodeableConcept   `json:"description"`
	Subject         Reference         `json:"subject"`
	StartDate       string            `json:"startDate,omitempty"`
	Target          []GoalTarget      `json:"target,omitempty"`
	Addresses       []Reference       `json:"addresses,omitempty"`
	Note            []Annotation      `json:"note,omitempty"`
}

// GoalTarget is a measurable target of a goal.
type GoalTarget struct {
	Measure        *CodeableConcept `json:"measure,omitempty"`
	DetailQuantity *Quantity        `json:"detailQuantity,omitempty"`
	DueDate        string           `json:"dueDate,omitempty"`
}

// Task is a piece of work; careguard uses it for the review request.
type Task struct {
	Base
	Status        string            `json:"status"`
	Intent        string            `json:"intent"`
	Priority      string            `json:"priority,omitempty"`
	Code          *CodeableConcept  `json:"code,omitempty"`
	Description   string            `json:"description,omitempty"`
	Focus         *Reference        `json:"focus,omitempty"`
	For           *Reference        `json:"for,omitempty"`
	AuthoredOn    string            `json:"authoredOn,omitempty"`
	PerformerType []CodeableConcept `json:"performerType,omitempty"`
	ReasonCode    *CodeableConcept  `json:"reasonCode,omitempty"`
	Note          []Annotation      `json:"note,omitempty"`
}

// DetectedIssue is a problem found with a patient's care; careguard writes
// one per validator finding.
type DetectedIssue struct {
	Base
	Status             string           `json:"status"`
	Code               *CodeableConcept `json:"code,omitempty"`
	Severity           string           `json:"severity,omitempty"`
	Patient            *Reference       `json:"patient,omitempty"`
	IdentifiedDateTime string           `json:"identifiedDateTime,omitempty"`
	Implicated         []Reference      `json:"implicated,omitempty"`
	Detail             string           `json:"detail,omitempty"`
	Reference          string           `json:"reference,omitempty"`
}

// Provenance records who and what made a set of resources.
type Provenance struct {
	Base
	Target   []Reference        `json:"target"`
	Recorded string             `json:"recorded"`
	Activity *CodeableConcept   `json:"activity,omitempty"`
	Agent    []ProvenanceAgent  `json:"agent"`
	Entity   []ProvenanceEntity `json:"entity,omitempty"`
}

// ProvenanceAgent is one actor of a Provenance.
type ProvenanceAgent struct {
	Type *CodeableConcept `json:"type,omitempty"`
	Who  Reference        `json:"who"`
}

// ProvenanceEntity is an input of a Provenance.
type ProvenanceEntity struct {
	Role string    `json:"role"`
	What Reference `json:"what"`
}

// Device is software or a model; careguard uses it, contained in the
// Provenance, for the generator and the model.
type Device struct {
	Base
	DeviceName   []DeviceName    `json:"deviceName,omitempty"`
	Manufacturer string          `json:"manufacturer,omitempty"`
	Version      []DeviceVersion `json:"version,omitempty"`
}

// DeviceName is a name of a Device.
type DeviceName struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// DeviceVersion is a version of a Device.
type DeviceVersion struct {
	Type  *CodeableConcept `json:"type,omitempty"`
	Value string           `json:"value"`
}

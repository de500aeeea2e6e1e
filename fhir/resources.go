package fhir

import "encoding/json"

// Resource is a FHIR resource this package models. Every resource type
// below embeds [Base], which implements it.
type Resource interface {
	// Header returns the resource's type, ID, meta, narrative and
	// contained resources.
	Header() *Base
}

// Base is what every resource has. Contained resources are kept as raw
// JSON; [ParseResource] decodes one.
type Base struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Text         *Narrative        `json:"text,omitempty"`
	Contained    []json.RawMessage `json:"contained,omitempty"`
}

// Header implements Resource.
func (b *Base) Header() *Base { return b }

// Patient is the person the record is about.
type Patient struct {
	Base
	Identifier       []Identifier    `json:"identifier,omitempty"`
	Active           *bool           `json:"active,omitempty"`
	Name             []HumanName     `json:"name,omitempty"`
	Telecom          []ContactPoint  `json:"telecom,omitempty"`
	Gender           string          `json:"gender,omitempty"`
	BirthDate        string          `json:"birthDate,omitempty"`
	DeceasedBoolean  *bool           `json:"deceasedBoolean,omitempty"`
	DeceasedDateTime string          `json:"deceasedDateTime,omitempty"`
	Address          []Address       `json:"address,omitempty"`
	Communication    []Communication `json:"communication,omitempty"`
}

// Communication is a language the patient uses.
type Communication struct {
	Language  CodeableConcept `json:"language"`
	Preferred *bool           `json:"preferred,omitempty"`
}

// Practitioner is a clinician; careguard reads only the name.
type Practitioner struct {
	Base
	Identifier []Identifier `json:"identifier,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
}

// Organization is an organisation; careguard reads only the name.
type Organization struct {
	Base
	Identifier []Identifier `json:"identifier,omitempty"`
	Name       string       `json:"name,omitempty"`
}

// Condition is a problem or diagnosis.
type Condition struct {
	Base
	ClinicalStatus     *CodeableConcept  `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept  `json:"verificationStatus,omitempty"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Code               *CodeableConcept  `json:"code,omitempty"`
	Subject            *Reference        `json:"subject,omitempty"`
	Encounter          *Reference        `json:"encounter,omitempty"`
	OnsetDateTime      string            `json:"onsetDateTime,omitempty"`
	OnsetPeriod        *Period           `json:"onsetPeriod,omitempty"`
	OnsetString        string            `json:"onsetString,omitempty"`
	AbatementDateTime  string            `json:"abatementDateTime,omitempty"`
	AbatementPeriod    *Period           `json:"abatementPeriod,omitempty"`
	AbatementString    string            `json:"abatementString,omitempty"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
	Note               []Annotation      `json:"note,omitempty"`
}

// Medication is a drug, referenced by MedicationRequest and
// MedicationStatement.
type Medication struct {
	Base
	Code *CodeableConcept `json:"code,omitempty"`
}

// MedicationRequest is an order or proposal for a medication. Exactly one of
// MedicationCodeableConcept and MedicationReference is set.
type MedicationRequest struct {
	Base
	Status string `json:"status,omitempty"`
	Intent string `json:"intent,omitempty"`
	// DoNotPerform, when true, makes the request a prohibition: the
	// medication must not be given.
	DoNotPerform              *bool             `json:"doNotPerform,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference        `json:"medicationReference,omitempty"`
	Subject                   *Reference        `json:"subject,omitempty"`
	Encounter                 *Reference        `json:"encounter,omitempty"`
	AuthoredOn                string            `json:"authoredOn,omitempty"`
	Requester                 *Reference        `json:"requester,omitempty"`
	ReasonCode                []CodeableConcept `json:"reasonCode,omitempty"`
	ReasonReference           []Reference       `json:"reasonReference,omitempty"`
	DosageInstruction         []Dosage          `json:"dosageInstruction,omitempty"`
	Note                      []Annotation      `json:"note,omitempty"`
}

// MedicationStatement says a patient takes, took or will take a
// medication. Exactly one of MedicationCodeableConcept and
// MedicationReference is set.
type MedicationStatement struct {
	Base
	Status                    string           `json:"status,omitempty"`
	MedicationCodeableConcept *CodeableConcept `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference       `json:"medicationReference,omitempty"`
	Subject                   *Reference       `json:"subject,omitempty"`
	EffectiveDateTime         string           `json:"effectiveDateTime,omitempty"`
	EffectivePeriod           *Period          `json:"effectivePeriod,omitempty"`
	DateAsserted              string           `json:"dateAsserted,omitempty"`
	ReasonReference           []Reference      `json:"reasonReference,omitempty"`
	Dosage                    []Dosage         `json:"dosage,omitempty"`
}

// AllergyIntolerance is an allergy or intolerance.
type AllergyIntolerance struct {
	Base
	ClinicalStatus     *CodeableConcept `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept `json:"verificationStatus,omitempty"`
	Type               string           `json:"type,omitempty"`
	Category           []string         `json:"category,omitempty"`
	Criticality        string           `json:"criticality,omitempty"`
	Code               *CodeableConcept `json:"code,omitempty"`
	Patient            *Reference       `json:"patient,omitempty"`
	OnsetDateTime      string           `json:"onsetDateTime,omitempty"`
	RecordedDate       string           `json:"recordedDate,omitempty"`
	Reaction           []Reaction       `json:"reaction,omitempty"`
}

// Reaction is an adverse reaction of an AllergyIntolerance.
type Reaction struct {
	Substance     *CodeableConcept  `json:"substance,omitempty"`
	Manifestation []CodeableConcept `json:"manifestation,omitempty"`
	Description   string            `json:"description,omitempty"`
	Severity      string            `json:"severity,omitempty"`
}

// Observation is a measurement or finding. At most one value[x] is set.
type Observation struct {
	Base
	Status            string            `json:"status,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Code              *CodeableConcept  `json:"code,omitempty"`
	Subject           *Reference        `json:"subject,omitempty"`
	Encounter         *Reference        `json:"encounter,omitempty"`
	EffectiveDateTime string            `json:"effectiveDateTime,omitempty"`
	EffectivePeriod   *Period           `json:"effectivePeriod,omitempty"`
	EffectiveInstant  string            `json:"effectiveInstant,omitempty"`
	Issued            string            `json:"issued,omitempty"`
	ObservationValue
	DataAbsentReason *CodeableConcept       `json:"dataAbsentReason,omitempty"`
	Component        []ObservationComponent `json:"component,omitempty"`
}

// ObservationValue is the value[x] choice of an Observation and its
// components: at most one field is set.
type ObservationValue struct {
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueInteger         *int64           `json:"valueInteger,omitempty"`
	ValueRange           *Range           `json:"valueRange,omitempty"`
	ValueRatio           *Ratio           `json:"valueRatio,omitempty"`
	ValueTime            *string          `json:"valueTime,omitempty"`
	ValueDateTime        *string          `json:"valueDateTime,omitempty"`
	ValuePeriod          *Period          `json:"valuePeriod,omitempty"`
}

// ObservationComponent is one part of a panel, such as the systolic reading
// of a blood-pressure panel.
type ObservationComponent struct {
	Code *CodeableConcept `json:"code,omitempty"`
	ObservationValue
	DataAbsentReason *CodeableConcept `json:"dataAbsentReason,omitempty"`
}

// Encounter is a visit or admission.
type Encounter struct {
	Base
	Status     string            `json:"status,omitempty"`
	Class      *Coding           `json:"class,omitempty"`
	Type       []CodeableConcept `json:"type,omitempty"`
	Subject    *Reference        `json:"subject,omitempty"`
	Period     *Period           `json:"period,omitempty"`
	ReasonCode []CodeableConcept `json:"reasonCode,omitempty"`
}

// Procedure is something done to or for the patient.
type Procedure struct {
	Base
	Status            string           `json:"status,omitempty"`
	Code              *CodeableConcept `json:"code,omitempty"`
	Subject           *Reference       `json:"subject,omitempty"`
	PerformedDateTime string           `json:"performedDateTime,omitempty"`
	PerformedPeriod   *Period          `json:"performedPeriod,omitempty"`
}

// Immunization is a vaccination.
type Immunization struct {
	Base
	Status             string           `json:"status,omitempty"`
	VaccineCode        *CodeableConcept `json:"vaccineCode,omitempty"`
	Patient            *Reference       `json:"patient,omitempty"`
	OccurrenceDateTime string           `json:"occurrenceDateTime,omitempty"`
	OccurrenceString   string           `json:"occurrenceString,omitempty"`
}

// CareTeam is the people and organisations caring for the patient.
type CareTeam struct {
	Base
	Status               string                `json:"status,omitempty"`
	Name                 string                `json:"name,omitempty"`
	Subject              *Reference            `json:"subject,omitempty"`
	Participant          []CareTeamParticipant `json:"participant,omitempty"`
	ManagingOrganization []Reference           `json:"managingOrganization,omitempty"`
}

// CareTeamParticipant is one member of a care team.
type CareTeamParticipant struct {
	Role       []CodeableConcept `json:"role,omitempty"`
	Member     *Reference        `json:"member,omitempty"`
	OnBehalfOf *Reference        `json:"onBehalfOf,omitempty"`
}

// DocumentReference is a document about the patient, such as a clinical
// note.
type DocumentReference struct {
	Base
	Status    string                     `json:"status,omitempty"`
	DocStatus string                     `json:"docStatus,omitempty"`
	Type      *CodeableConcept           `json:"type,omitempty"`
	Subject   *Reference                 `json:"subject,omitempty"`
	Date      string                     `json:"date,omitempty"`
	Author    []Reference                `json:"author,omitempty"`
	Content   []DocumentReferenceContent `json:"content,omitempty"`
	Context   *DocumentReferenceContext  `json:"context,omitempty"`
}

// DocumentReferenceContent is one attachment of a document.
type DocumentReferenceContent struct {
	Attachment Attachment `json:"attachment"`
}

// DocumentReferenceContext is the clinical context of a document.
type DocumentReferenceContext struct {
	Period *Period `json:"period,omitempty"`
}

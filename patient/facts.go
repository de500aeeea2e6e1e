package patient

import (
	"time"

	"github.com/careguard/careguard/terminology"
)

// Code is a coded concept (system URI, code, display).
type Code = terminology.Code

// Kind is the kind of a fact; it fixes the fact ID's prefix.
type Kind string

// The fact kinds and their ID prefixes.
const (
	KindDemographics Kind = "demographics" // D1
	KindCondition    Kind = "condition"    // C1, C2, ...
	KindMedication   Kind = "medication"   // M1, ...
	KindAllergy      Kind = "allergy"      // A1, ...
	KindLab          Kind = "lab"          // L1, ...: laboratory observations
	KindVital        Kind = "vital"        // V1, ...: vital-sign observations
	KindObservation  Kind = "observation"  // O1, ...: every other observation category
	KindEncounter    Kind = "encounter"    // E1, ...
	KindProcedure    Kind = "procedure"    // P1, ...
	KindImmunization Kind = "immunization" // I1, ...
	KindCareTeam     Kind = "care-team"    // T1, ...
	KindSocialNeed   Kind = "social-need"  // S1, ...
	KindNote         Kind = "note"         // N1, ...
)

// Prefix returns the letter that starts the IDs of facts of this kind.
func (k Kind) Prefix() string {
	switch k {
	case KindDemographics:
		return "D"
	case KindCondition:
		return "C"
	case KindMedication:
		return "M"
	case KindAllergy:
		return "A"
	case KindLab:
		return "L"
	case KindVital:
		return "V"
	case KindObservation:
		return "O"
	case KindEncounter:
		return "E"
	case KindProcedure:
		return "P"
	case KindImmunization:
		return "I"
	case KindCareTeam:
		return "T"
	case KindSocialNeed:
		return "S"
	case KindNote:
		return "N"
	}
	return ""
}

// Fact is anything in a record that generated content may cite. The set of
// implementations is closed: Demographics, Condition, Medication, Allergy,
// Observation, Encounter, Procedure, Immunization, CareTeamMember,
// SocialNeed and Note.
type Fact interface {
	// FactID returns the fact's short ID ("C1", "M3", "L7").
	FactID() string
	// FactKind returns the fact's kind.
	FactKind() Kind
	isFact()
}

// Sex is administrative sex.
type Sex string

// The sexes, as FHIR AdministrativeGender.
const (
	SexFemale  Sex = "female"
	SexMale    Sex = "male"
	SexOther   Sex = "other"
	SexUnknown Sex = "unknown"
)

// Channel is how the patient prefers to be contacted.
type Channel string

// The contact channels.
const (
	ChannelUnspecified Channel = ""
	ChannelPortal      Channel = "portal"
	ChannelSMS         Channel = "sms"
	ChannelPhone       Channel = "phone"
	ChannelEmail       Channel = "email"
	ChannelMail        Channel = "mail"
	ChannelInPerson    Channel = "in-person"
)

// Literacy is an assessed health-literacy level.
type Literacy string

// The health-literacy levels. Unassessed is the zero value.
const (
	LiteracyUnassessed Literacy = ""
	LiteracyLimited    Literacy = "limited"
	LiteracyMarginal   Literacy = "marginal"
	LiteracyAdequate   Literacy = "adequate"
)

// Demographics is who the patient is, clinically: everything about the
// person that care decisions use, and nothing that identifies them (see
// Identity). Its fact ID is always "D1".
type Demographics struct {
	BirthDate time.Time `json:"birth_date"`
	Sex       Sex       `json:"sex"`
	// Language is the preferred language as a BCP 47 tag ("en", "es").
	Language         string   `json:"language,omitempty"`
	PreferredChannel Channel  `json:"preferred_channel,omitempty"`
	HealthLiteracy   Literacy `json:"health_literacy,omitempty"`
	// Deceased is the date of death, zero when alive or when the date is
	// unknown.
	Deceased time.Time `json:"deceased,omitzero"`
	// DeceasedDateUnknown records a death whose date is not known.
	DeceasedDateUnknown bool `json:"deceased_date_unknown,omitempty"`
	// SourceID is the caller's own reference to the patient (e.g.
	// "Patient/123"), kept for provenance and export.
	SourceID string `json:"source_id,omitempty"`
}

// IsDeceased reports whether the patient has died, with or without a known
// date.
func (d Demographics) IsDeceased() bool { return !d.Deceased.IsZero() || d.DeceasedDateUnknown }

// DemographicsID is the fact ID of the demographics.
const DemographicsID = "D1"

func (Demographics) FactID() string { return DemographicsID }
func (Demographics) FactKind() Kind { return KindDemographics }
func (Demographics) isFact()        {}

// Identity holds the patient's identifiers. The record keeps them so that
// de-identification and PHI-leak checks can find them, but nothing in
// careguard renders them into a prompt unless the caller asks for it.
type Identity struct {
	Name        HumanName      `json:"name"`
	OtherNames  []HumanName    `json:"other_names,omitempty"`
	Identifiers []Identifier   `json:"identifiers,omitempty"`
	Addresses   []Address      `json:"addresses,omitempty"`
	Telecom     []ContactPoint `json:"telecom,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	// Text is the name as one string, when the source gives it that way.
	Text   string   `json:"text,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
	Given  []string `json:"given,omitempty"`
	Family string   `json:"family,omitempty"`
	Suffix []string `json:"suffix,omitempty"`
}

// IdentifierKind is what an identifier identifies.
type IdentifierKind string

// The identifier kinds.
const (
	IdentifierMRN           IdentifierKind = "mrn"
	IdentifierSSN           IdentifierKind = "ssn"
	IdentifierHealthPlan    IdentifierKind = "health-plan"
	IdentifierAccount       IdentifierKind = "account"
	IdentifierDriverLicense IdentifierKind = "driver-license"
	IdentifierOther         IdentifierKind = "other"
)

// Identifier is a number or code that identifies the patient.
type Identifier struct {
	Kind   IdentifierKind `json:"kind"`
	System string         `json:"system,omitempty"`
	Value  string         `json:"value"`
}

// Address is a postal address.
type Address struct {
	Lines      []string `json:"lines,omitempty"`
	City       string   `json:"city,omitempty"`
	District   string   `json:"district,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// ContactKind is the kind of a contact point.
type ContactKind string

// The contact point kinds.
const (
	ContactPhone ContactKind = "phone"
	ContactFax   ContactKind = "fax"
	ContactEmail ContactKind = "email"
	ContactURL   ContactKind = "url"
	ContactSMS   ContactKind = "sms"
	ContactOther ContactKind = "other"
)

// ContactPoint is a phone number, e-mail address or the like.
type ContactPoint struct {
	Kind  ContactKind `json:"kind"`
	Value string      `json:"value"`
}

// ClinicalStatus is a condition's clinical status (FHIR condition-clinical).
type ClinicalStatus string

// The clinical statuses. Active, recurrence and relapse count as active.
const (
	ClinicalActive     ClinicalStatus = "active"
	ClinicalRecurrence ClinicalStatus = "recurrence"
	ClinicalRelapse    ClinicalStatus = "relapse"
	ClinicalInactive   ClinicalStatus = "inactive"
	ClinicalRemission  ClinicalStatus = "remission"
	ClinicalResolved   ClinicalStatus = "resolved"
)

// Verification is how certain a condition is (FHIR condition-ver-status).
// Refuted and entered-in-error conditions are not facts and are rejected by
// the builder.
type Verification string

// The verification statuses a record may hold. Confirmed is the default.
const (
	VerificationConfirmed    Verification = ""
	VerificationProvisional  Verification = "provisional"
	VerificationDifferential Verification = "differential"
	VerificationUnconfirmed  Verification = "unconfirmed"
)

// Condition is a problem or diagnosis.
type Condition struct {
	// ID is assigned by the builder; any value given is ignored.
	ID string `json:"id"`
	// SourceID is the caller's own reference (e.g. "Condition/123"); it is
	// kept for provenance and export.
	SourceID       string         `json:"source_id,omitempty"`
	Code           Code           `json:"code"`
	ClinicalStatus ClinicalStatus `json:"clinical_status"`
	Verification   Verification   `json:"verification,omitempty"`
	Onset          time.Time      `json:"onset,omitzero"`
	Abatement      time.Time      `json:"abatement,omitzero"`
}

// Active reports whether the condition is active, recurrent or relapsed.
func (c Condition) Active() bool {
	switch c.ClinicalStatus {
	case ClinicalActive, ClinicalRecurrence, ClinicalRelapse:
		return true
	}
	return false
}

func (c Condition) FactID() string { return c.ID }
func (Condition) FactKind() Kind   { return KindCondition }
func (Condition) isFact()          {}

// MedicationStatus is the status of a medication order or statement.
type MedicationStatus string

// The medication statuses. Only active counts as current.
const (
	MedicationActive    MedicationStatus = "active"
	MedicationOnHold    MedicationStatus = "on-hold"
	MedicationStopped   MedicationStatus = "stopped"
	MedicationCompleted MedicationStatus = "completed"
	MedicationIntended  MedicationStatus = "intended"
	MedicationUnknown   MedicationStatus = "unknown"
)

// Medication is a medication the patient takes or took.
type Medication struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id,omitempty"`
	// Code is the medication, ideally an RxNorm clinical drug (SCD/SBD) or
	// ingredient; Code.Display carries its name.
	Code Code `json:"code"`
	// DoseText is the dosage instruction as written ("500 mg twice daily").
	DoseText string `json:"dose_text,omitempty"`
	// DailyDose is the total daily dose when it is known; it cannot be
	// negative.
	DailyDose Quantity         `json:"daily_dose,omitzero"`
	Status    MedicationStatus `json:"status"`
	Start     time.Time        `json:"start,omitzero"`
	// End is when the medication stopped or is planned to stop; it may lie
	// after the as-of date.
	End time.Time `json:"end,omitzero"`
}

// Active reports whether the medication is current.
func (m Medication) Active() bool { return m.Status == MedicationActive }

// Name returns the medication's display name, or its code when it has none.
func (m Medication) Name() string {
	if m.Code.Display != "" {
		return m.Code.Display
	}
	return m.Code.Code
}

func (m Medication) FactID() string { return m.ID }
func (Medication) FactKind() Kind   { return KindMedication }
func (Medication) isFact()          {}

// AllergyCategory is what kind of substance an allergy is to.
type AllergyCategory string

// The allergy categories.
const (
	AllergyMedication  AllergyCategory = "medication"
	AllergyFood        AllergyCategory = "food"
	AllergyEnvironment AllergyCategory = "environment"
	AllergyBiologic    AllergyCategory = "biologic"
)

// Criticality is the potential for a severe reaction.
type Criticality string

// The criticalities.
const (
	CriticalityUnspecified Criticality = ""
	CriticalityLow         Criticality = "low"
	CriticalityHigh        Criticality = "high"
	CriticalityUnable      Criticality = "unable-to-assess"
)

// AllergyStatus is an allergy's clinical status.
type AllergyStatus string

// The allergy statuses. Active is the default.
const (
	AllergyActive   AllergyStatus = "active"
	AllergyInactive AllergyStatus = "inactive"
	AllergyResolved AllergyStatus = "resolved"
)

// Allergy is an allergy or intolerance.
type Allergy struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id,omitempty"`
	// Substance is what the patient reacts to: an RxNorm ingredient for
	// drugs, otherwise SNOMED CT.
	Substance   Code            `json:"substance"`
	Category    AllergyCategory `json:"category,omitempty"`
	Criticality Criticality     `json:"criticality,omitempty"`
	Reaction    string          `json:"reaction,omitempty"`
	Status      AllergyStatus   `json:"status"`
	Recorded    time.Time       `json:"recorded,omitzero"`
}

// Active reports whether the allergy is active.
func (a Allergy) Active() bool { return a.Status == AllergyActive }

func (a Allergy) FactID() string { return a.ID }
func (Allergy) FactKind() Kind   { return KindAllergy }
func (Allergy) isFact()          {}

// Encounter is a visit or admission.
type Encounter struct {
	ID       string         `json:"id"`
	SourceID string         `json:"source_id,omitempty"`
	Class    EncounterClass `json:"class"`
	Type     Code           `json:"type,omitzero"`
	Reason   Code           `json:"reason,omitzero"`
	Start    time.Time      `json:"start"`
	// End may lie after the as-of date for an encounter in progress.
	End time.Time `json:"end,omitzero"`
}

// EncounterClass is the setting of an encounter.
type EncounterClass string

// The encounter classes.
const (
	EncounterAmbulatory EncounterClass = "ambulatory"
	EncounterEmergency  EncounterClass = "emergency"
	EncounterInpatient  EncounterClass = "inpatient"
	EncounterVirtual    EncounterClass = "virtual"
	EncounterHome       EncounterClass = "home"
	EncounterOther      EncounterClass = "other"
)

func (e Encounter) FactID() string { return e.ID }
func (Encounter) FactKind() Kind   { return KindEncounter }
func (Encounter) isFact()          {}

// Procedure is something done to or for the patient.
type Procedure struct {
	ID        string    `json:"id"`
	SourceID  string    `json:"source_id,omitempty"`
	Code      Code      `json:"code"`
	Performed time.Time `json:"performed"`
}

func (p Procedure) FactID() string { return p.ID }
func (Procedure) FactKind() Kind   { return KindProcedure }
func (Procedure) isFact()          {}

// Immunization is a vaccine given.
type Immunization struct {
	ID       string    `json:"id"`
	SourceID string    `json:"source_id,omitempty"`
	Vaccine  Code      `json:"vaccine"`
	Date     time.Time `json:"date"`
}

func (i Immunization) FactID() string { return i.ID }
func (Immunization) FactKind() Kind   { return KindImmunization }
func (Immunization) isFact()          {}

// CareTeamMember is a person or role caring for the patient.
type CareTeamMember struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id,omitempty"`
	// Role is the member's role ("primary care physician", "care manager").
	Role string `json:"role"`
	// Name is the member's name. It is an identifier: prompts leave it out
	// unless the caller asks for it.
	Name         string `json:"name,omitempty"`
	Organization string `json:"organization,omitempty"`
}

func (t CareTeamMember) FactID() string { return t.ID }
func (CareTeamMember) FactKind() Kind   { return KindCareTeam }
func (CareTeamMember) isFact()          {}

// SocialNeed is a health-related social need (food, housing, transport...).
type SocialNeed struct {
	ID          string    `json:"id"`
	SourceID    string    `json:"source_id,omitempty"`
	Code        Code      `json:"code,omitzero"`
	Description string    `json:"description"`
	Active      bool      `json:"active"`
	Recorded    time.Time `json:"recorded,omitzero"`
}

func (s SocialNeed) FactID() string { return s.ID }
func (SocialNeed) FactKind() Kind   { return KindSocialNeed }
func (SocialNeed) isFact()          {}

// Note is free text written about the patient. Notes are untrusted data:
// they may contain anything, including text that looks like instructions,
// and careguard never treats their content as instructions.
type Note struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id,omitempty"`
	Kind     string `json:"kind,omitempty"` // "progress note", "discharge summary", ...
	// Author names who wrote the note. Like CareTeamMember.Name it is an
	// identifier.
	Author string    `json:"author,omitempty"`
	Time   time.Time `json:"time"`
	Text   string    `json:"text"`
}

// Untrusted reports that a note's text is untrusted data. It is always
// true; it exists so that code handling facts generically can ask.
func (Note) Untrusted() bool { return true }

func (n Note) FactID() string { return n.ID }
func (Note) FactKind() Kind   { return KindNote }
func (Note) isFact()          {}

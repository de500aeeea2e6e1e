package fhir

import "encoding/json"

// ParseResource decodes one resource of a type this package models
// (Patient, Practitioner, Organization, Condition, Medication,
// MedicationRequest, MedicationStatement, AllergyIntolerance, Observation,
// Encounter, Procedure, Immunization, CareTeam, DocumentReference,
// CarePlan, Goal, Task, DetectedIssue, Provenance, Device, Bundle), such as
// a RawResource from Result.Other or an entry of an exported Bundle.
//
// The type is the top-level "resourceType" member, read exactly. An object
// anywhere in data with two members whose keys are equal, exactly or up to
// case ("resourceType" and "resourcetype"), is refused with [ErrInvalid]:
// encoding/json would decode the last of them into a field while other
// readers take the first or the exact one, so what the resource says would
// depend on who reads it.
//
// Errors: a *[DecodeError] (Entry -1) wrapping [ErrResourceType] for a
// missing or unmodelled type, [ErrSyntax] or [ErrInvalid].
func ParseResource(data []byte) (Resource, error) {
	typ, _, ok := peekHeader(data)
	if !ok || !json.Valid(data) {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, jsonError(0, -1, "", data, err)
		}
		return nil, &DecodeError{Entry: -1, Err: wrapf(ErrResourceType, "not a JSON object")}
	}
	if ptr, dup := duplicateKey(data); dup {
		return nil, &DecodeError{Entry: -1, Pointer: ptr, Err: wrapf(ErrInvalid, "a key repeats an earlier key of its object, exactly or up to case")}
	}
	var r Resource
	switch typ {
	case "Patient":
		r = &Patient{}
	case "Practitioner":
		r = &Practitioner{}
	case "Organization":
		r = &Organization{}
	case "Condition":
		r = &Condition{}
	case "Medication":
		r = &Medication{}
	case "MedicationRequest":
		r = &MedicationRequest{}
	case "MedicationStatement":
		r = &MedicationStatement{}
	case "AllergyIntolerance":
		r = &AllergyIntolerance{}
	case "Observation":
		r = &Observation{}
	case "Encounter":
		r = &Encounter{}
	case "Procedure":
		r = &Procedure{}
	case "Immunization":
		r = &Immunization{}
	case "CareTeam":
		r = &CareTeam{}
	case "DocumentReference":
		r = &DocumentReference{}
	case "CarePlan":
		r = &CarePlan{}
	case "Goal":
		r = &Goal{}
	case "Task":
		r = &Task{}
	case "DetectedIssue":
		r = &DetectedIssue{}
	case "Provenance":
		r = &Provenance{}
	case "Device":
		r = &Device{}
	case "Bundle":
		r = &Bundle{}
	case "":
		return nil, &DecodeError{Entry: -1, Pointer: "/resourceType", Err: ErrResourceType}
	default:
		return nil, &DecodeError{Entry: -1, Pointer: "/resourceType", Err: wrapf(ErrResourceType, "not a type this package models")}
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, jsonError(0, -1, "", data, err)
	}
	return r, nil
}

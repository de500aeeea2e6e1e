package fhir

import "github.com/careguard/careguard/patient"

// SourceOf returns the SourceID of a fact: for a record Decode built, the
// reference of the resource the fact came from. It returns "" for
// Demographics, which carry none (use Result.Patient), and for facts built
// without one.
func SourceOf(f patient.Fact) string {
	switch x := f.(type) {
	case patient.Condition:
		return x.SourceID
	case patient.Medication:
		return x.SourceID
	case patient.Allergy:
		return x.SourceID
	case patient.Observation:
		return x.SourceID
	case patient.Encounter:
		return x.SourceID
	case patient.Procedure:
		return x.SourceID
	case patient.Immunization:
		return x.SourceID
	case patient.CareTeamMember:
		return x.SourceID
	case patient.SocialNeed:
		return x.SourceID
	case patient.Note:
		return x.SourceID
	}
	return ""
}

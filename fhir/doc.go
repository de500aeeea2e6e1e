// Package fhir reads FHIR R4 into a [patient.Record] and writes a routed
// careguard draft back out as FHIR R4. It is a hand-written minimal R4
// subset with no dependencies beyond the standard library: the generated
// FHIR modules available emit invalid JSON for choice elements (a
// re-serialised MedicationRequest gains "medicationReference":{}), and the
// complete ones pull in protobuf stacks. Elements it does not model are
// ignored; resources it does not turn into facts are kept as raw JSON.
//
// # Decoding
//
// [Decode] reads one document, a Bundle (transaction, batch, collection,
// searchset or document) or a single resource; [DecodeAll] reads several
// that describe one patient, such as CDS Hooks prefetch. The as-of date is
// an explicit option, never the wall clock; [LatestClinicalDate] derives
// one from historical test data.
//
//	res, err := fhir.Decode(ctx, bundle, &fhir.DecodeOptions{AsOf: asOf})
//
// Patient becomes the demographics and the [patient.Identity] (names,
// identifiers classified as MRN, SSN and so on by their v2-0203 type,
// addresses, telecom), which careguard never renders into prompts.
// Condition, MedicationRequest, MedicationStatement, AllergyIntolerance,
// Observation (every value[x], components such as the systolic and
// diastolic readings of 55284-4 and 85354-9 panels, category), Encounter,
// Procedure, Immunization, CareTeam and DocumentReference (inline
// text/plain attachments, base64) become facts whose SourceID is the
// resource's reference ("Condition/123", or its fullUrl when it has no
// id, or "" when it has neither, which FHIR allows in some Bundles);
// [SourceOf] reads it back, and [Export] leaves a fact without one
// unreferenced. Every other resource is kept, raw, in
// [Result.Other].
//
// References resolve by fullUrl (urn:uuid: and absolute URLs), by Type/id
// (relative, with or without a version, against the entry's base), and "#"
// against contained resources, across all documents decoded together. A
// medication may be a medicationCodeableConcept or a medicationReference
// to a contained or bundled Medication.
//
// Statuses are honoured, not guessed: refuted and entered-in-error
// conditions and allergies, cancelled and entered-in-error orders,
// do-not-perform medication requests (a prohibition, not a medication
// taken), not-taken statements, and procedures, immunizations and encounters that
// did not happen are left out; a stopped medication is inactive; a
// proposed or planned active request is intended. Resources dated after
// the as-of date are left out (or, with RejectAfterAsOf, rejected); a
// condition that abated after it was active on it. Everything left out or
// changed is listed in [Result.Notices] with a [Reason], so nothing
// disappears silently.
//
// # Exporting
//
// [Export] writes a draft with its validation report and routing decision
// as a transaction Bundle: a draft CarePlan, its Goals, the review Task
// (for the higher of the caller's tier and the safety floor, which Export
// recomputes from the draft and report, so a caller's decision can raise
// the review but never drop it),
// a DetectedIssue per finding and a Provenance naming the generator, the
// model and the prompt version, with the AI-asserted security label on
// model-written content. Cited facts are referenced by their SourceID.
// Nothing written holds null or an empty string, array or object.
// [ParseResource] decodes any resource this package models, and refuses
// one whose objects repeat a key exactly or up to case.
//
// # Errors
//
// Decoding reports every problem found, up to a limit, joined with
// [errors.Join]; each is a [*DecodeError] naming the document, the Bundle
// entry and the JSON pointer, and wrapping one of [ErrTooLarge],
// [ErrTooDeep], [ErrSyntax], [ErrResourceType], [ErrBundleType],
// [ErrDanglingReference], [ErrNoPatient], [ErrMultiplePatients],
// [ErrDuplicate], [ErrMissing], [ErrInvalid] or [ErrAfterAsOf], or the
// record builder's [*patient.FieldError]. [ErrNoAsOf] is returned bare.
// Messages never quote input values, so they are safe to log. [Export]
// returns [ErrExportInput]. Bad input never panics.
//
// # Concurrency
//
// The package has no state. Decode, DecodeAll, LatestClinicalDate, Export
// and ParseResource may be called from several goroutines at once; the
// values they return belong to the caller. The R4 types are plain structs,
// not safe for concurrent mutation.
package fhir

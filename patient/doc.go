// Package patient is the typed clinical context careguard generates content
// from: one patient's demographics, conditions, medications, allergies,
// observations, encounters, procedures, immunizations, care team, social
// needs and free-text notes, as of one date.
//
// A [Builder] collects facts in any order; [Builder.Build] checks them all
// and returns an immutable [Record]:
//
//	rec, err := patient.NewBuilder(asOf, nil).
//		SetDemographics(patient.Demographics{BirthDate: born, Sex: patient.SexFemale}).
//		AddConditions(conditions...).
//		AddObservations(observations...).
//		Build()
//
// # Fact IDs
//
// Every fact has a short ID that generated content cites: D1 for the
// [Demographics]; C1, C2, ... for conditions; M for medications; A for
// allergies; L, V and O for observations by category (laboratory, vital
// signs, any other, see [Category]); E for encounters; P for procedures; I
// for immunizations; T for care-team members; S for social needs; N for
// notes ([Kind.Prefix]). Build assigns them, ignoring any ID in its input.
// It first sorts each kind canonically, by date and then by every other
// field, so the same facts get the same IDs whatever order they were added
// in, and [Record.Fingerprint] names the record that a set of IDs refers
// to. Adding a fact may renumber the facts of its kind that sort after it.
//
// # The as-of date
//
// A record describes the patient at its as-of date ([Record.AsOf]). Ages
// ([Record.Age]), look-back windows and "overdue" are computed against it,
// never against the wall clock. No date in the record may lie after it,
// except those that may be planned: a medication's end, an intended
// medication's start and an encounter's end. The as-of date is an instant,
// compared with each fact's time: a record as of a day whose facts carry
// times of day should be built as of the end of that day.
//
// # Identity and notes
//
// [Identity] holds names, identifiers, addresses and contact points, apart
// from [Demographics], so that de-identification and PHI-leak checks can
// find them. It is not a fact and has no ID, and careguard never renders it
// into a prompt; care-team member names and note authors are identifiers
// too. [Note] text is untrusted: it may hold anything, including text that
// reads like instructions, and careguard only ever quotes it as data.
//
// [Record.Rewrite] returns a copy with its times, free text and identity
// transformed by the caller's functions and its fact IDs unchanged; package
// deid uses it to pseudonymize a record so that a plan drafted from the
// copy still cites the original facts.
//
// # Errors
//
// Build reports every problem at once, joined with [errors.Join]. Each is a
// [*FieldError] whose Field is a path into the input, with indexes in the
// order facts were added ("conditions[2].code.system"), and which wraps one
// of [ErrMissing], [ErrUnknownCodeSystem], [ErrNegativeQuantity],
// [ErrAfterAsOf] or [ErrInvalid]; test for them with [errors.Is] and
// [errors.As]. Messages never contain the values given, except the URI of
// an unknown code system, so they are safe to log.
//
// # Concurrency
//
// A [Builder] is not safe for concurrent use. A [Record] is immutable and
// safe for concurrent use by multiple goroutines; every accessor returns a
// copy that the caller may modify.
package patient

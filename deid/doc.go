// Package deid pseudonymizes a patient record before anything about it is
// sent to a language model, and restores the model's reply afterwards.
//
// [Pseudonymizer.Record] returns a copy of a [patient.Record] with the same
// fact IDs in which the identity is gone and every identifier in free text
// (notes above all) is replaced by a typed placeholder: [PATIENT],
// [CLINICIAN_2], [RELATIVE_1], [PERSON_1], [PHONE_1], [FAX_1], [EMAIL_1],
// [SSN_1], [MRN_1], [ACCOUNT_1], [HEALTH_PLAN_1], [LICENSE_1], [DEVICE_1],
// [VEHICLE_1], [URL_1], [IP_1], [ADDRESS_1], [LOCATION_1], [ZIP_1],
// [ID_1]. Names are found in the formats notes use ("SMITH, JOHN",
// "Mr. Smith", "J. Smith", "John Smith", "Smith's"), from the record's own
// fields and from cues in the text (titles, relations such as "wife" or
// "emergency contact", credentials such as "RN", labels such as "Signed
// by"); clinical eponyms (Parkinson disease, Hodgkin lymphoma, Bell palsy)
// are not names. Notes also write names in lower case: the names the record
// holds (the patient's, the care team's, note authors') and full names
// found in the notes are found in any letter case ("rosalind
// quarterfield", "pt quarterfield"), and so is a relative named after a
// relation with the record's family name ("daughter philippa
// quarterfield"). A name word that is also a common word ("Young",
// "Walker", "Bell"), or has three letters or fewer, is found in lower case
// only after a title ("mrs young"), so that clinical text ("young adult",
// "uses a walker") keeps its words. One identifier gets one placeholder throughout the record;
// placeholders are numbered in order of first appearance and never derived
// from the identifier (45 CFR 164.514(c)). Every date, structured or
// written in text, moves by one random number of days per pseudonymization
// (intervals are kept; the patient's age at the as-of date is kept), and an
// age over 89 becomes "90+" ("90 or older" in the rendered demographics).
// A date the shift cannot move (one more than 89 years before the as-of
// date, or one the shift would carry out of the years 1 to 9999) is
// replaced by a phrase for good and never restored.
//
// The returned [Mapping] restores a plan drafted from the pseudonymized
// record ([Mapping.Restore], [Mapping.RestoreText]): placeholders become
// values again, and the dates the pseudonymized record held move back (a
// date copied as written becomes the very text it replaced; a date the
// model did not take from the record, such as a guideline's, is left
// alone). A placeholder the mapping never issued is a [*TokenError]. [Mapping.CheckPrompt] refuses outbound text that
// still holds an identifier of the record. [Pseudonymizer] and [Mapping]
// implement careplan.Pseudonymizer, careplan.Restorer and
// careplan.PromptChecker, so a careplan.Generator given a Pseudonymizer
// never sends an identifier the detectors can find.
//
// [Identifiers] finds a record's identifiers in any text; package
// validate's PHI-leak checks use it.
//
// Detection is rule-based and tuned for recall over precision. It finds
// what the record's own fields name wherever it appears, and what the text
// names next to a cue; a name of a person the record does not hold,
// written with no cue and not a common given name, can be missed.
//
// # Secrecy
//
// A Mapping is the key to the identifiers. It has no exported fields;
// String, GoString, Format and LogValue print "deid.Mapping(redacted)";
// MarshalJSON, MarshalText and MarshalBinary return [ErrSecret]. Nothing
// in this package logs. Keep mappings in memory, for as long as the reply
// they restore.
//
// # Errors
//
// [Pseudonymizer.Record] returns [ErrNoRecord], an error wrapping
// [ErrRandom], or ctx.Err(). [Mapping.Restore] and [Mapping.RestoreText]
// return [*TokenError] values joined with errors.Join, each wrapping
// [ErrUnknownToken]; their messages name only the placeholder, never an
// identifier. [Mapping.CheckPrompt] returns a [*LeakError] wrapping
// [ErrLeak] that says where and of what kinds, never what. A nil or zero
// Mapping, not made by [Pseudonymizer.Record], returns [ErrNoMapping] from
// all three; a zero [Identifiers] finds nothing. Nothing here panics on
// bad input.
//
// # Concurrency
//
// [Pseudonymizer], [Mapping] and [Identifiers] are immutable and safe for
// concurrent use by multiple goroutines (a Pseudonymizer if its Options.Rand
// is; crypto/rand is).
package deid

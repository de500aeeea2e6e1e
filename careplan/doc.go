// Package careplan drafts care plans for patients with chronic conditions,
// either with a language model ([Generator]) or with deterministic, cited
// guideline rules ([GuidelineDrafter]), and defines the [Plan] they produce.
//
// A [Plan] holds problems, measurable goals, non-drug interventions,
// medication changes, monitoring, education, referrals, follow-ups and
// care-team tasks. Every item cites the fact IDs of the patient record it
// rests on ("C1", "M3", "L7") and gives a rationale; every recommendation
// names its source (guideline, label or paper). A medication change with
// action start proposes a new medication; a continue that states a dose is
// a dose change ([MedicationChange.ChangesDose]); a problem with status
// suspected is a diagnostic impression. [Plan.Items] gives each item an ID
// ("medication-1") that findings and review refer to.
//
// The plan's JSON Schema is derived from the Go types ([NewSchema]); a
// strict variant ([MakeStrict]) satisfies vendors' strict structured-output
// modes, and replies are always validated against the full schema.
//
// [Generator.Draft] renders the record as compact cited text ([Messages],
// [RenderRecord]) with no structured identifiers, asks the provider for a
// plan, then checks the reply: truncation and refusal first, then JSON
// extraction ([ExtractJSON]), the schema, and consistency with the record
// ([CheckRecord]: every cited fact ID is a fact of the record; every
// medication change but a start gives, in current_medication_id, the ID of
// a medication fact of the record, and a start gives none; a continue,
// stop or hold gives no dose). CheckRecord does not compare a medication's
// name or code with the record's; package validate does. A rejected reply is re-asked with the exact violations and
// their JSON pointers, bounded by attempts and a token budget; provider
// errors end generation and are never pasted into a prompt. Every attempt
// is returned with its usage, on success and on failure.
//
// With a [Pseudonymizer] (package deid provides one; the root pipeline
// sets it by default for remote providers) the generator renders a
// pseudonymized copy of the record, whose fact IDs are the original ones,
// checks every outbound prompt for leftover identifiers when the
// pseudonymizer offers a [PromptChecker], and restores the reply with its
// [Restorer] before checking it. Free-text notes are rendered, fenced as
// untrusted data, only when they have been de-identified or the caller
// opts in with PromptOptions.IncludeNotes.
//
// [GuidelineDrafter.Draft] needs no model: it is the offline default and
// the fallback when a model is down. Every open care gap (package caregap)
// becomes a cited plan item; prescribing stays a physician task.
//
// # Errors
//
// [Generator.Draft] returns a *[GenerationError] carrying every attempt; it
// wraps [ErrAttemptsExhausted] (with [ErrTruncated] when the last reply was
// cut off), [ErrTokenBudget], [ErrRefused], [ErrContentFiltered],
// [ErrPseudonymize] (the record could not be pseudonymized),
// [ErrPromptRejected] (an outbound prompt still held an identifier; nothing
// was sent), or the provider's *providers.Error. [Schema.Decode] returns a
// *[ValidationError] wrapping [ErrInvalidPlan], an error wrapping
// [ErrNotJSON], or [ErrNoRecord]; [ExtractJSON] returns errors wrapping
// [ErrNotJSON] or [ErrReplyTooLarge]. [GuidelineDrafter.Draft] returns
// [ErrNothingToPlan] for a record it has no rules for. Both drafters return
// [ErrDeceased] for a patient who has died, before any model is called.
// [MakeStrict] returns errors wrapping [ErrStrictUnsupported].
//
// # Concurrency
//
// [Schema], [Generator] (given a concurrency-safe provider) and
// [GuidelineDrafter] are safe for concurrent use by multiple goroutines.
// [Plan] and [Draft] are plain values; use [Plan.Clone] before modifying a
// plan that others may read.
package careplan

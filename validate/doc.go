// Package validate checks drafts against the patient record and clinical
// knowledge, and reports [Finding] values: a rule ID, a [Severity] (info,
// warning, critical), a [Category], a message for the clinician, the record
// facts and plan items involved, the source the rule rests on, and a
// suggested fix.
//
// A [Validator] checks one concern. A [Runner] runs several concurrently and
// merges their findings into a [Report] in an order that does not depend on
// scheduling: most severe first, then by rule, items, facts and message.
//
// The shipped rules:
//
//   - [Grounding]: the draft was made from this record; every cited fact
//     exists; every item cites something; every medication change other
//     than a start names a medication the record holds (matched by RxNorm
//     ingredient or name) that is active unless the change stops it; a start
//     does not propose what the patient already takes; an existing problem
//     cites a condition; an item's RxNorm code and name denote the same
//     drug. In free text (summary, titles, rationales, descriptions,
//     topics) stated HbA1c, eGFR, UACR, LDL and blood-pressure values must
//     match the record, stated ages must be right, named conditions must be
//     in the record and drugs called current must be current; targets such
//     as "below 7%" are not claims about the record.
//   - [Completeness]: open care gaps (package caregap) that no plan item
//     addresses (warning, with the gap's guideline as source), and HbA1c
//     goals below 6.5% for adults 65 and older or above 9%.
//   - [MedicationSafety]: drug–drug interactions (from an
//     [InteractionSource]: by default the ONC high-priority pairs as
//     critical and the ONC non-interruptive pairs as info, in an
//     [InteractionTable]; plus contextual chronic-care rules such as
//     warfarin with an NSAID graded by the HL7 PDDI-CDS logic), drug–allergy
//     conflicts, kidney-function contraindications, 2023 AGS Beers criteria
//     for adults 65 and older, and duplicate therapy. It checks the current
//     medication list and, above all, what a draft proposes against what
//     the patient takes. A deployer plugs a licensed interaction database in
//     through [MedicationSafetyOptions].Interactions.
//   - [PHI]: identifiers of the record where they should not be (critical,
//     [CategoryPHI]): any identifier in the outbound prompt
//     ([Input].Prompt); record numbers, contact points, street addresses,
//     ZIP codes, the birth date and SSN-shaped numbers anywhere in the
//     draft; relatives and other people the notes name in patient-facing
//     text.
//   - [Injection]: text in a note that reads like instructions to a model
//     (overrides, forged SYSTEM turns and control tokens, review steering,
//     forged fences, fake JSON, hidden characters, encoded payloads): a
//     warning ([CategoryInjection]) with the note's ID and byte offsets in
//     [Finding].Span; and the same in the draft's own text.
//
// Findings never decide anything by themselves; package riskroute turns
// them into a review tier (a warning needs at least a nurse, a critical
// finding a physician).
//
// # Errors
//
// [Runner.Run] returns [ErrInvalidInput] when the input lacks a record, a
// draft or the draft's plan, and ctx.Err() when the context ends. [NewInteractionTable] and
// [NewMedicationSafety] return *[KnowledgeError] values wrapping
// [ErrUnknownDrug], [ErrUnknownClass] or [ErrInvalidRule] when rules name
// what the drug table lacks. A validator that fails or
// panics does not stop the others: the report lists it in Report.Failed and
// Run returns the report with the failures joined, each a
// *[ValidatorError] (panics wrap [ErrPanic]). An incomplete report is not a
// clean one: [Report.Complete] says whether at least one validator ran and
// every validator finished, and riskroute sends incomplete reports to
// physician review. Failures survive a JSON round trip of the report.
//
// # Concurrency
//
// [Runner] and the shipped validators are safe for concurrent use by
// multiple goroutines. Implementations of [Validator] must be too, and must
// not modify their input or log record content.
package validate

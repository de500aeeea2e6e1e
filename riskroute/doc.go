// Package riskroute decides the review a piece of generated clinical
// content needs before it may affect care: [TierAutoApprove],
// [TierNurseReview] or [TierPhysicianReview].
//
// The decision is computed by deterministic code from the content's
// structure and the validators' findings, never from what a model wrote.
// A [Router] reads a [Content] — a [ContentKind] and one [ItemKind] per
// item — and a [validate.Report]; [ContentOf] derives the Content of a
// [careplan.Draft] from its typed fields (draft kind, list membership,
// medication action, whether a continued medication states a dose, problem
// status, intervention category, task assignee), and [Router.RouteDraft]
// routes a draft directly. Free text — the plan's summary, titles,
// descriptions, rationales and sources, medication names, what a dose
// says, a finding's message and suggestion, the model's name — is never
// read, so nothing a model writes can lower its own review. (A continue
// that gives a dose is routed as a dose change: writing a dose can only
// raise the tier.) What free text says is the validators' business: a
// medication change or a diagnosis written in free text becomes a critical
// finding (package validate), and so reaches a physician.
//
// # The safety floor
//
// [Decision.Floor] is the highest of the tiers below; it cannot be
// configured.
//
//   - Content kind: [ContentAppointmentReminder] and
//     [ContentGeneralEducation] may auto-approve; [ContentPatientMessage],
//     [ContentClinicalSummary], [ContentCarePlan] and
//     [ContentCarePlanChange] need a nurse; [ContentMedicationChange] and
//     [ContentDiagnosticImpression] need a physician.
//   - Each item: [ItemAdministrative] and [ItemGeneralEducation] may
//     auto-approve; [ItemMedicationStart], [ItemMedicationStop],
//     [ItemMedicationDoseChange], [ItemMedicationHold] and
//     [ItemDiagnosticImpression] need a physician; every other item kind
//     (problems, goals, interventions, monitoring, continued medications,
//     referrals, follow-ups, care-team tasks, social needs, clinical
//     statements) needs a nurse. So a care plan with any medication change
//     other than a continuation, any continuation that states a new dose
//     (a dose change), or any suspected problem, goes to a physician.
//   - Each finding: [validate.SeverityInfo] never raises the tier;
//     [validate.SeverityWarning] needs at least a nurse;
//     [validate.SeverityCritical] always needs a physician.
//   - Validation: a nil report, or one that is not
//     [validate.Report.Complete] (a validator failed or panicked), means
//     the content was not fully checked and needs a physician.
//
// Anything unknown fails safe: an unknown content kind, item kind,
// severity, medication action or problem status, a draft of a kind other
// than a care plan or care-plan change, a nil draft and a draft without a
// plan all need a physician. Only content of an administrative kind whose
// items are all administrative or general education, with no finding
// above info and a complete report, auto-approves.
//
// # Policy
//
// A deployer's [Policy] may raise tiers, never lower them. It names a
// minimum tier for all content and tiers for content kinds, item kinds,
// finding severities, finding categories and rule IDs;
// [Decision.Tier] is the highest of the floor and every entry that
// applies. A policy entry below the floor of what it names — for example
// {"content_kinds":{"medication_change":"nurse_review"}}, or a warning
// severity at auto_approve — is rejected when the policy is loaded by
// [ParsePolicy], [Policy.Validate] or [New] with [ErrPolicyLowers], rather
// than silently ignored, so a misconfiguration is caught before any draft
// is routed. Category and rule entries must be at least nurse review.
//
// # Reasons and notification
//
// Every [Decision] lists its [Reason] values: the content kind, every
// item, every finding, incomplete validation and every policy entry that
// applied, each with the tier it asks for, in a fixed order that depends
// neither on free text nor on the order of the report's findings.
// [Decision.Notify] names who should see the content: [RoleNurse] or
// [RolePhysician] for the tier, [RolePharmacist] for a warning or critical
// medication-safety finding (interaction, allergy, contraindication, renal
// dosing, older-adult prescribing, duplicate therapy), and
// [RoleSocialWorker] for a social-need item or finding.
//
// # Errors
//
// Routing cannot fail: [Router.Route] and [Router.RouteDraft] return a
// Decision for any input and never panic on nil or unknown values. Policy
// problems are reported as *[PolicyError] values, one per problem and
// joined with [errors.Join], each naming the JSON field and wrapping
// [ErrInvalidPolicy] (malformed JSON, unknown fields, kinds, severities or
// tiers, a document over 1 MiB) or [ErrPolicyLowers] (an entry below its
// floor). Test them with [errors.Is] and [errors.As].
//
// # Concurrency
//
// A [Router] is immutable and safe for concurrent use by multiple
// goroutines; [New] copies the policy, so changing a Policy after New does
// not change the router. A [Policy] is a plain value, not safe for
// concurrent modification. [ContentOf] does not modify the draft.
package riskroute

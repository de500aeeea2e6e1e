// Package review is the human-in-the-loop workflow for generated clinical
// content: a routed draft is submitted, claimed by a reviewer whose role
// suffices for its tier, approved, edited then approved, or rejected with
// structured feedback; approvals are written to the patient's record
// through a [Sink] exactly once per idempotency key; every action is
// recorded in a hash-chained audit log; and approval and
// substantial-revision rates are counted for drift monitoring.
//
// # States
//
// An item is [StatePending] in the queue of its tier, [StateClaimed] by one
// reviewer under a lease, and ends [StateApproved],
// [StateApprovedWithEdits] or [StateRejected]. [Workflow.Release] returns a
// claim to the queue; an expired lease leaves the item claimable by
// anyone. Content that riskroute sends to riskroute.TierAutoApprove is
// released at submission ([StateAutoApproved], actor "careguard") with no
// claim, and delivered like any approval; under the safety floor no care
// plan ever auto-approves, so today that path serves only the
// administrative content kinds to come. The submission is stored first
// and the auto-approval applied to it, so if the second step fails the
// item waits, pending, for a clinician.
//
// # Who may review
//
// The workflow routes every submission itself with its riskroute.Router;
// a caller cannot choose the tier. A physician may claim nurse- and
// physician-tier items, a nurse nurse-tier items only ([MayReview]); other
// roles may not claim. Every action but submission needs the live
// [Claim] (its token, before its lease expires); [Workflow.Renew] extends
// the lease.
//
// An edit may change the tier: a nurse who adds a medication start, or
// writes a relative's name and phone number into patient education, has
// written content that needs a physician. [Workflow.ApproveEdited]
// therefore re-validates the edited draft with the workflow's [Checker]
// (by default the full set the pipeline runs,
// validate.DefaultValidators) against the patient record (which must be
// the draft's, by fingerprint) and re-routes it. If the new tier is above the editor's role the
// approval is refused with a *[RoleError] whose Requeued is set: the edit
// is kept as a [Revision], the claim released, and the item returned to
// the new tier's queue, where a physician sees and may approve the
// nurse's edit. A re-validation that cannot complete, including one whose
// checker returns an error with a report that reads complete, routes to
// physician review.
//
// # Edits and substantial revision
//
// [Compare] diffs two plans item by item, with item IDs ("medication-2"),
// matching identical items first, then items about the same thing (a
// medication by RxNorm code, current medication or name; a problem by
// title), then what remains in list order; moving an item is not a change.
// An approval is a substantial revision ([Changes].Substantial) when the
// approved plan, compared with the submitted one:
//
//   - adds or removes a medication or problem item, or changes a
//     medication's action, medication, RxNorm code, current medication or
//     dose, or a problem's title or status; or
//   - adds, removes or changes more than [SubstantialFraction] (20%) of
//     the submitted plan's items.
//
// Rewording the summary, or an item's rationale or source, counts only
// toward the 20%.
//
// # Delivery to the record
//
// An approval and its outbox entry ([Delivery], with an idempotency key)
// commit in one transaction. With a sink, the approving call then
// delivers it at once; the entry is leased to that attempt in the same
// transaction, so no other deliverer races it. [Workflow.Deliver] sends
// what is due — after a failure (back-off from 1 s to 1 h), after a crash,
// or when approvals were made by a workflow without a sink — leasing each
// entry first with a conditional update, so concurrent deliverers in any
// number of processes never send the same approval at once. The sink is
// called again with the same key only when the previous attempt's outcome
// is unknown: the process died, or the store failed, between the sink
// returning and the outcome being recorded, or an attempt outlived
// Options.DeliveryLease, or a power failure undid the recorded outcome
// (stores may commit delivery bookkeeping without waiting for the disk;
// see [Change].Relaxed). A [Sink] must therefore be idempotent on the
// key; with one that is, each approval is written exactly once.
//
// # Audit
//
// Every action — submission, auto-approval, claim, renewal, release,
// requeued edit, approval, rejection, delivery and failed delivery —
// appends one [AuditEntry] in the same transaction as its change (only
// the internal lease a delivery attempt takes is not audited; an
// auto-approved submission has two entries, submit then auto_approve): the
// time, action, item ID, actor ID and role, resulting state and tier,
// content hashes (before and after, for edits) and machine-readable
// detail (keys, reason codes, counts, a hash of the feedback). Entries
// never hold plan text, feedback text, the patient reference or anything
// else from the record. Each entry's hash covers its content and the
// previous entry's hash. [Verify] detects any altered, inserted,
// reordered or removed entry; truncation of the tail and a rewrite that
// re-hashes everything after the change are detected only against a
// [Head] kept outside the store, which Verify returns for that purpose.
//
// # Statistics
//
// [Workflow.Stats] counts decisions in a period by content kind, model,
// finding rule and ISO week: approval rate (approvals over clinicians'
// decisions) and substantial-revision rate (substantial revisions over
// clinicians' approvals). Rejected drafts, with their content and
// feedback, go to Options.OnReject and are listed by [Workflow.Rejections].
//
// # Storage
//
// A [Store] applies changes atomically with a version check and seals
// audit entries in commit order; it holds no review logic. Package
// review/memstore keeps everything in memory; package review/sqlitestore
// is the durable embedded default; package review/reviewtest is the
// conformance suite for these and for a deployer's own store.
//
// # Errors
//
// Errors wrap package sentinels, to be tested with [errors.Is], and carry
// details in typed errors, for [errors.As]: *[InputError] ([ErrInvalid]) for
// malformed arguments, including feedback; [ErrNotFound]; [ErrClaimed] when
// another reviewer holds a live claim; [ErrQueueEmpty] from
// [Workflow.ClaimNext] when there is nothing the reviewer may claim; [ErrClaimLost] when a claim has
// expired or been replaced; *[StateError] ([ErrState]) for an action the
// item's state does not allow; *[RoleError] ([ErrInsufficientRole]) for a
// role below the tier, with Requeued for a refused edit;
// [ErrRecordMismatch] for an edit checked against another record;
// [ErrConflict] after repeated concurrent updates; *[CorruptError]
// ([ErrCorrupt]) for stored data that does not decode; *[ChainError]
// ([ErrTampered]) from Verify; *[DeliveryError] for a failed sink write;
// [ErrNoSink]. Error messages contain IDs and codes, never patient data.
//
// # Concurrency
//
// A [Workflow] is safe for concurrent use by multiple goroutines, and any
// number of Workflows may share a store, in one process or several: all
// coordination is in the store's conditional updates. It starts no
// goroutines. Store implementations must be safe for concurrent use;
// [Sink] implementations and the Options.OnReject hook too. Values
// returned by the package are copies the caller may modify.
package review

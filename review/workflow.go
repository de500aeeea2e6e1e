package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// Checker validates a draft against its record; the workflow re-validates
// edited content with it. *validate.Runner implements it. It should return
// a report even when some validators fail (the report then lists them and
// routes to physician review); an error returned with a report that reads
// complete is added to the report as a failure, so the edit is never taken
// for fully checked. It must be safe for concurrent use.
type Checker interface {
	Run(ctx context.Context, in *validate.Input) (*validate.Report, error)
}

// Options configures a Workflow. The zero value (or nil) gives the
// defaults noted on each field.
type Options struct {
	// Router routes submitted and edited content. Use the router (and so
	// the policy) your pipeline routes with. Default: the bare safety
	// floor, riskroute.New(nil).
	Router *riskroute.Router
	// Checker re-validates edited content. Use the validators your
	// pipeline validates with. Default:
	// validate.NewRunner(validate.DefaultValidators(), nil), the full set
	// (grounding, medication safety, completeness, PHI and prompt
	// injection) the careguard pipeline runs by default, so an edit is
	// checked as thoroughly as the draft was: a reviewer cannot approve
	// an edit that the pipeline would have sent to a higher tier.
	Checker Checker
	// Sink writes approved content to the record. When nil, approvals
	// wait in the outbox until a Workflow with a sink calls Deliver (a
	// separate delivery worker, say).
	Sink Sink
	// OnReject, if set, is called after every rejection commits, for
	// improvement work (prompt and rule review). It runs on the
	// rejecting goroutine; a panic in it is recovered and logged.
	// Rejections are also available later from [Workflow.Rejections].
	OnReject func(ctx context.Context, r *Rejection)
	// Lease is how long a claim lasts unless renewed. Default 15 minutes.
	Lease time.Duration
	// DeliveryLease is how long one sink call may hold an approval before
	// another attempt may start; the sink's context is cancelled after
	// half of it. Default 2 minutes.
	DeliveryLease time.Duration
	// Now is the clock for every time the workflow records and every
	// lease it checks. Default time.Now.
	Now func() time.Time
	// Logger receives one record per action: action, item ID, state,
	// tier and error classes; never the subject, content or feedback.
	// Default: discard.
	Logger *slog.Logger
}

// Defaults for Options.
const (
	DefaultLease         = 15 * time.Minute
	DefaultDeliveryLease = 2 * time.Minute
)

// maxRetries bounds how often an action is retried after a concurrent
// update of the same item.
const maxRetries = 8

// Workflow is the review workflow over a [Store]: submit, claim, approve,
// edit-then-approve, reject, deliver to the record, count and audit. It
// holds no state of its own besides its configuration, so any number of
// Workflows, in any number of processes, may share one store.
//
// A Workflow is safe for concurrent use by multiple goroutines. It starts
// no goroutines; call [Workflow.Deliver] periodically (and once at start-up)
// to retry deliveries.
type Workflow struct {
	store         Store
	router        *riskroute.Router
	route         func(*careplan.Draft, *validate.Report) riskroute.Decision // router.RouteDraft; tests replace it
	checker       Checker
	sink          Sink
	onReject      func(context.Context, *Rejection)
	lease, dlease time.Duration
	now           func() time.Time
	log           *slog.Logger
}

// New returns a workflow over store. It returns an *[InputError] wrapping
// [ErrInvalid] when store is nil or a duration is negative.
func New(store Store, opts *Options) (*Workflow, error) {
	if store == nil {
		return nil, invalid("store", "nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Lease < 0 || o.DeliveryLease < 0 {
		return nil, invalid("options", "negative duration")
	}
	w := &Workflow{store: store, router: o.Router, checker: o.Checker, sink: o.Sink, onReject: o.OnReject,
		lease: o.Lease, dlease: o.DeliveryLease, now: o.Now, log: o.Logger}
	if w.router == nil {
		w.router, _ = riskroute.New(nil) // a nil policy cannot fail
	}
	w.route = w.router.RouteDraft
	if w.checker == nil {
		w.checker = validate.NewRunner(validate.DefaultValidators(), nil)
	}
	if w.lease == 0 {
		w.lease = DefaultLease
	}
	if w.dlease == 0 {
		w.dlease = DefaultDeliveryLease
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w, nil
}

func (w *Workflow) clock() time.Time { return w.now().UTC().Round(0) }

// Submission is a routed draft entering review.
type Submission struct {
	// Subject is the deployer's reference to the patient, typically the
	// record's patient.Demographics.SourceID ("Patient/123"); it is
	// passed to the record sink and never logged or audited. Required;
	// at most 256 bytes.
	Subject string
	// Draft is the content. Required, with a plan.
	Draft *careplan.Draft
	// Report is the validators' report on the draft. A nil or incomplete
	// report routes to physician review.
	Report *validate.Report
}

const maxSubject = 256

// Submit puts a draft into review. The workflow routes it itself with its
// router (a caller cannot choose the tier): content that needs a nurse or
// a physician waits, pending, in that tier's queue; content routed to
// riskroute.TierAutoApprove is released at once without a claim (state
// [StateAutoApproved], actor "careguard") and delivered like any approval.
// (Under the safety floor no care plan auto-approves; the path exists for
// administrative content kinds.) The returned item is durable.
//
// The submission is audited ([ActionSubmit]) in the transaction that
// stores the item; an auto-approval is a second change with its own entry
// ([ActionAutoApprove]), so the log shows both. If the process stops
// between the two, the item stays pending in the queue, where any reviewer
// may approve it: the failure asks for more review, never less.
//
// Submit returns an *[InputError] wrapping [ErrInvalid] for a missing or
// malformed subject, draft or plan, and the store's error otherwise. When
// the submission is stored but the auto-approval is not, Submit returns
// the pending item together with the store's error: the draft is in
// review, and must not be submitted again.
func (w *Workflow) Submit(ctx context.Context, s *Submission) (*Item, error) {
	switch {
	case s == nil:
		return nil, invalid("submission", "nil")
	case s.Subject == "":
		return nil, invalid("submission.subject", "empty")
	case len(s.Subject) > maxSubject:
		return nil, invalid("submission.subject", "longer than %d bytes", maxSubject)
	case !printable(s.Subject):
		return nil, invalid("submission.subject", "contains control characters")
	case s.Draft == nil || s.Draft.Plan == nil:
		return nil, invalid("submission.draft", "no draft plan")
	}
	hash, err := contentHash(s.Draft.Plan)
	if err != nil {
		return nil, invalid("submission.draft.plan", "cannot be encoded: %v", err)
	}
	if s.Report != nil {
		if _, err := json.Marshal(s.Report); err != nil {
			return nil, invalid("submission.report", "cannot be encoded: %v", err)
		}
	}
	dec := w.route(s.Draft, s.Report)
	now := w.clock()
	it := &Item{
		ID: rand.Text(), Version: 1, State: StatePending, Subject: s.Subject,
		Kind: riskroute.ContentOf(s.Draft).Kind, Model: modelLabel(s.Draft), Rules: ruleIDs(s.Report),
		Tier: dec.Tier, SubmittedTier: dec.Tier, Notify: dec.Notify, ContentHash: hash,
		Submitted: now, Updated: now,
	}
	entry := w.entry(now, ActionSubmit, it, systemActor())
	entry.Detail = fmt.Sprintf("items=%d findings=%d complete=%t", s.Draft.Plan.Len(), findings(s.Report), s.Report.Complete())
	content := &Content{Draft: s.Draft, Report: s.Report, Decision: dec}
	if _, err := w.store.Apply(ctx, &Change{Item: it, Content: content, Audit: entry}); err != nil {
		return nil, fmt.Errorf("review: submit: %w", err)
	}
	w.logAction(ctx, entry)
	if dec.Tier != riskroute.TierAutoApprove {
		return it, nil
	}
	pending := *it
	it.Version++
	w.release(it, StateAutoApproved, systemActor(), now)
	entry = w.entry(now, ActionAutoApprove, it, systemActor())
	entry.Detail = "key=" + it.Delivery.Key
	if _, err := w.store.Apply(ctx, &Change{Item: it, Expect: it.Version - 1, Audit: entry}); err != nil {
		return &pending, fmt.Errorf("review: submit %s: auto-approve: %w", it.ID, err)
	}
	w.logAction(ctx, entry)
	if w.sink != nil {
		w.send(ctx, it, content)
	}
	return it, nil
}

// Queue returns up to limit items (all when limit <= 0) a reviewer with
// role may claim now, oldest first: pending items of a tier the role may
// review, and claimed items whose lease has expired. Items come without
// content; see [Workflow.Get].
func (w *Workflow) Queue(ctx context.Context, role riskroute.Role, limit int) ([]*Item, error) {
	top := capability(role)
	if top == 0 {
		return nil, invalid("role", "not a reviewing role")
	}
	items, err := w.store.List(ctx, &Filter{ClaimableAt: w.clock(), MaxTier: top, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("review: queue: %w", err)
	}
	return items, nil
}

// Get returns an item and its content.
func (w *Workflow) Get(ctx context.Context, id string) (*Item, *Content, error) {
	it, c, err := w.store.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("review: get: %w", err)
	}
	return it, c, nil
}

// Claim gives reviewer r a lease on item id, for Options.Lease. At most
// one reviewer holds a live claim on an item: the store applies the claim
// only if the item is unchanged since it was read, so of two reviewers
// racing for an item exactly one wins. A reviewer who already holds the
// claim gets it back with its lease renewed; a claim whose lease expired
// may be taken by anyone whose role suffices.
//
// Claim returns an *[InputError] for a malformed reviewer, [ErrNotFound],
// [ErrClaimed] when another reviewer holds a live claim, a *[RoleError]
// (ErrInsufficientRole) when r's role is below the item's tier, and a
// *[StateError] (ErrState) when the item is decided.
func (w *Workflow) Claim(ctx context.Context, id string, r Reviewer) (*Claim, error) {
	if err := r.check("reviewer"); err != nil {
		return nil, err
	}
	for range maxRetries {
		it, err := w.item(ctx, id)
		if err != nil {
			return nil, err
		}
		now := w.clock()
		if it.State.Final() {
			return nil, &StateError{ItemID: id, State: it.State, Action: ActionClaim}
		}
		prev := it.Claim
		live := prev != nil && prev.Expires.After(now)
		if live && prev.Reviewer.ID != r.ID {
			return nil, fmt.Errorf("review: claim %s: %w", id, ErrClaimed)
		}
		if !MayReview(r.Role, it.Tier) {
			return nil, &RoleError{ItemID: id, Role: r.Role, Tier: it.Tier}
		}
		c := &Claim{ItemID: id, Reviewer: r, Token: rand.Text(), Expires: now.Add(w.lease)}
		detail := "lease_until=" + c.Expires.Format(time.RFC3339Nano)
		switch {
		case live:
			c.Token = prev.Token
			detail += " renewed=true"
		case prev != nil:
			detail += " took_over=expired"
		}
		it.Version++
		it.State, it.Claim, it.Updated = StateClaimed, c, now
		entry := w.entry(now, ActionClaim, it, r)
		entry.Detail = detail
		if _, err := w.store.Apply(ctx, &Change{Item: it, Expect: it.Version - 1, Audit: entry}); err != nil {
			if errors.Is(err, ErrConflict) {
				continue
			}
			return nil, fmt.Errorf("review: claim %s: %w", id, err)
		}
		w.logAction(ctx, entry)
		cc := *c
		return &cc, nil
	}
	return nil, fmt.Errorf("review: claim %s: %w", id, ErrConflict)
}

// ClaimNext claims the oldest item in r's queue (see [Workflow.Queue]),
// moving on to the next when another reviewer wins the race for one. It
// returns [ErrQueueEmpty] when there is nothing r may claim, an error
// wrapping [ErrConflict] when other reviewers won every race for a long
// time, and Claim's other errors.
func (w *Workflow) ClaimNext(ctx context.Context, r Reviewer) (*Claim, error) {
	if err := r.check("reviewer"); err != nil {
		return nil, err
	}
	const batch = 16
	for range maxRetries {
		items, err := w.Queue(ctx, r.Role, batch)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, ErrQueueEmpty
		}
		for _, it := range items {
			c, err := w.Claim(ctx, it.ID, r)
			switch {
			case err == nil:
				return c, nil
			case errors.Is(err, ErrClaimed), errors.Is(err, ErrState), errors.Is(err, ErrConflict),
				errors.Is(err, ErrInsufficientRole), errors.Is(err, ErrNotFound):
				// Lost the race (or the item changed since listing).
			default:
				return nil, err
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	// Every item listed was taken by others, maxRetries times over.
	return nil, fmt.Errorf("review: claim next: %w", ErrConflict)
}

// Renew extends a live claim by Options.Lease from now and returns the
// renewed claim. It returns [ErrClaimLost] when the claim has expired or
// been replaced, and a *[StateError] when the item is decided.
func (w *Workflow) Renew(ctx context.Context, c *Claim) (*Claim, error) {
	var out *Claim
	err := w.holderChange(ctx, c, ActionRenew, func(it *Item, now time.Time, e *AuditEntry) {
		it.Claim.Expires = now.Add(w.lease)
		e.Detail = "lease_until=" + it.Claim.Expires.Format(time.RFC3339Nano)
		cc := *it.Claim
		out = &cc
	})
	return out, err
}

// Release returns a claimed item to its queue. It returns [ErrClaimLost]
// when the claim has expired or been replaced, and a *[StateError] when
// the item is decided.
func (w *Workflow) Release(ctx context.Context, c *Claim) error {
	return w.holderChange(ctx, c, ActionRelease, func(it *Item, _ time.Time, _ *AuditEntry) {
		it.State, it.Claim = StatePending, nil
	})
}

func (w *Workflow) holderChange(ctx context.Context, c *Claim, action Action, f func(*Item, time.Time, *AuditEntry)) error {
	if err := checkClaimArg(c); err != nil {
		return err
	}
	for range maxRetries {
		it, err := w.item(ctx, c.ItemID)
		if err != nil {
			return err
		}
		now := w.clock()
		if err := holds(it, c, now, action); err != nil {
			return err
		}
		holder := it.Claim.Reviewer
		it.Version++
		it.Updated = now
		entry := w.entry(now, action, it, holder)
		f(it, now, entry)
		entry.State = it.State
		if _, err := w.store.Apply(ctx, &Change{Item: it, Expect: it.Version - 1, Audit: entry}); err != nil {
			if errors.Is(err, ErrConflict) {
				continue
			}
			return fmt.Errorf("review: %s %s: %w", action, c.ItemID, err)
		}
		w.logAction(ctx, entry)
		return nil
	}
	return fmt.Errorf("review: %s %s: %w", action, c.ItemID, ErrConflict)
}

// Approve approves the claimed item's current content: as submitted
// ([StateApproved]) or, when an earlier reviewer's edit was requeued to
// this reviewer, as edited ([StateApprovedWithEdits]). The approval and its
// outbox entry commit together; then, when the workflow has a sink, the
// approval is delivered at once. A failed delivery does not fail Approve:
// the returned item's Delivery says it is still pending, and
// [Workflow.Deliver] retries it with the same key.
//
// Approve returns an *[InputError] for a malformed claim, [ErrClaimLost]
// when the claim has expired or been replaced, a *[StateError] when the
// item is decided, and a *[RoleError] if the claimant's role is below the
// content's tier.
func (w *Workflow) Approve(ctx context.Context, c *Claim) (*Item, error) {
	if err := checkClaimArg(c); err != nil {
		return nil, err
	}
	for range maxRetries {
		it, content, err := w.store.Get(ctx, c.ItemID)
		if err != nil {
			return nil, fmt.Errorf("review: approve: %w", err)
		}
		out, err := w.approve(ctx, it, content, c, it.ContentHash, nil)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return out, err
	}
	return nil, fmt.Errorf("review: approve %s: %w", c.ItemID, ErrConflict)
}

// approve releases it as the claim's holder. prevHash is the content hash
// before this action (for edits) and newContent the content to store, nil
// to keep it.
func (w *Workflow) approve(ctx context.Context, it *Item, content *Content, c *Claim, prevHash string, newContent *Content) (*Item, error) {
	now := w.clock()
	if err := holds(it, c, now, ActionApprove); err != nil {
		return nil, err
	}
	holder := it.Claim.Reviewer
	if !MayReview(holder.Role, it.Tier) {
		return nil, &RoleError{ItemID: it.ID, Role: holder.Role, Tier: it.Tier}
	}
	action, state := ActionApprove, StateApproved
	if it.Changes != nil {
		action, state = ActionApproveWithEdits, StateApprovedWithEdits
	}
	it.Version++
	it.Updated = now
	w.release(it, state, holder, now)
	entry := w.entry(now, action, it, holder)
	if prevHash != it.ContentHash {
		entry.PrevContentHash = prevHash
	}
	entry.Detail = "key=" + it.Delivery.Key + changesDetail(it.Changes)
	if _, err := w.store.Apply(ctx, &Change{Item: it, Content: newContent, Expect: it.Version - 1, Audit: entry}); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, err
		}
		return nil, fmt.Errorf("review: approve %s: %w", it.ID, err)
	}
	w.logAction(ctx, entry)
	if newContent != nil {
		content = newContent
	}
	if w.sink != nil {
		w.send(ctx, it, content)
	}
	return it, nil
}

// release moves it to a released state and opens its outbox entry. With a
// sink, the entry starts leased to this workflow's immediate delivery
// attempt, so no other deliverer races it.
func (w *Workflow) release(it *Item, state State, by Reviewer, now time.Time) {
	by2 := by
	it.State, it.Claim, it.Decided, it.DecidedBy = state, nil, now, &by2
	it.Delivery = &Delivery{Key: "careguard-review/" + it.ID, State: DeliveryPending, NotBefore: now}
	if w.sink != nil {
		it.Delivery.Attempts = 1
		it.Delivery.NotBefore = now.Add(w.dlease)
	}
}

// ApproveEdited is edit-then-approve. The claim's holder submits an edited
// plan together with the patient record the draft was made from; the
// edited draft is re-validated with the workflow's checker and re-routed
// with its router, and diffed item by item against the submitted plan
// (see [Compare]).
//
// If the edited content needs a tier the holder's role may not approve (a
// nurse adds a medication start), the approval is refused with a
// *[RoleError] whose Requeued is true: the edit is kept as a revision, the
// claim released and the item returned, pending, to the queue of the new
// tier, where a reviewer with the right role sees the edited content.
// Otherwise the edited content is approved ([StateApprovedWithEdits]) and
// delivered as [Workflow.Approve] does. An edit identical to the current
// content is a plain approval.
//
// ApproveEdited returns an *[InputError] for a nil plan or record or a
// plan that cannot be encoded, and one wrapping [ErrRecordMismatch] when
// rec is not the draft's record (by fingerprint); Approve's errors; and the
// checker's error, with nothing committed, when it returns no report.
func (w *Workflow) ApproveEdited(ctx context.Context, c *Claim, plan *careplan.Plan, rec *patient.Record) (*Item, error) {
	if err := checkClaimArg(c); err != nil {
		return nil, err
	}
	switch {
	case plan == nil:
		return nil, invalid("plan", "nil")
	case rec == nil:
		return nil, invalid("record", "nil")
	}
	newHash, err := contentHash(plan)
	if err != nil {
		return nil, invalid("plan", "cannot be encoded: %v", err)
	}
	for range maxRetries {
		it, content, err := w.store.Get(ctx, c.ItemID)
		if err != nil {
			return nil, fmt.Errorf("review: approve edited: %w", err)
		}
		if err := holds(it, c, w.clock(), ActionApproveWithEdits); err != nil {
			return nil, err
		}
		if fp := content.Draft.RecordFingerprint; fp != "" && rec.Fingerprint() != fp {
			return nil, &InputError{Field: "record", Err: ErrRecordMismatch}
		}
		if newHash == it.ContentHash {
			out, err := w.approve(ctx, it, content, c, it.ContentHash, nil)
			if errors.Is(err, ErrConflict) {
				continue
			}
			return out, err
		}
		out, err := w.edit(ctx, it, content, c, plan.Clone(), newHash, rec)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return out, err
	}
	return nil, fmt.Errorf("review: approve edited %s: %w", c.ItemID, ErrConflict)
}

func (w *Workflow) edit(ctx context.Context, it *Item, content *Content, c *Claim, plan *careplan.Plan, newHash string, rec *patient.Record) (*Item, error) {
	cur, _, _ := content.Current()
	edited := *cur
	edited.Plan, edited.Attempts = plan, nil
	rep, err := w.checker.Run(ctx, &validate.Input{Record: rec, Draft: &edited})
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	if rep == nil {
		if err == nil {
			err = errors.New("checker returned no report")
		}
		return nil, fmt.Errorf("review: re-validate edit of %s: %w", it.ID, err)
	}
	if err != nil {
		if rep.Complete() {
			// The checker failed but its report does not say so: the
			// edit was not fully checked, and must not read as clean.
			rep = rep.WithFailure("checker", err)
		}
		// The report lists the failures and routes to a physician.
		w.log.LogAttrs(ctx, slog.LevelWarn, "review: re-validation incomplete", slog.String("item", it.ID),
			slog.Int("failed", len(rep.Failed)))
	}
	dec := w.route(&edited, rep)
	diff := Compare(content.Draft.Plan, plan)
	holder := it.Claim.Reviewer
	now := w.clock()
	content.Revisions = append(content.Revisions, Revision{Draft: &edited, Report: rep, Decision: dec, Diff: diff, Editor: holder, Edited: now})
	prevHash := it.ContentHash
	it.ContentHash, it.Tier, it.Notify = newHash, dec.Tier, dec.Notify
	it.Changes = nil
	if !diff.Empty() {
		ch := diff.Changes()
		it.Changes = &ch
	}
	if MayReview(holder.Role, dec.Tier) {
		return w.approve(ctx, it, content, c, prevHash, content)
	}
	it.Version++
	it.Updated = now
	it.State, it.Claim = StatePending, nil
	entry := w.entry(now, ActionEditRequeued, it, holder)
	entry.PrevContentHash = prevHash
	entry.Detail = strings.TrimPrefix(changesDetail(it.Changes), " ")
	if _, err := w.store.Apply(ctx, &Change{Item: it, Content: content, Expect: it.Version - 1, Audit: entry}); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, err
		}
		return nil, fmt.Errorf("review: requeue edit of %s: %w", it.ID, err)
	}
	w.logAction(ctx, entry)
	return it, &RoleError{ItemID: it.ID, Role: holder.Role, Tier: dec.Tier, Requeued: true}
}

// Rejection is a rejected item with its content (the draft, every
// revision and the feedback), as given to the improvement hook.
type Rejection struct {
	Item    *Item
	Content *Content
}

// Reject rejects the claimed item's current content with structured
// feedback, which is checked with [Feedback.Check] against the current
// plan (every item ID must exist). After the rejection commits,
// Options.OnReject receives it.
//
// Reject returns the feedback's *[InputError] values (ErrInvalid), and
// Approve's claim and state errors.
func (w *Workflow) Reject(ctx context.Context, c *Claim, fb *Feedback) (*Item, error) {
	if err := checkClaimArg(c); err != nil {
		return nil, err
	}
	if fb == nil {
		return nil, invalid("feedback", "nil")
	}
	fb = fb.clone()
	for range maxRetries {
		it, content, err := w.store.Get(ctx, c.ItemID)
		if err != nil {
			return nil, fmt.Errorf("review: reject: %w", err)
		}
		now := w.clock()
		if err := holds(it, c, now, ActionReject); err != nil {
			return nil, err
		}
		cur, _, _ := content.Current()
		if err := fb.Check(cur.Plan); err != nil {
			return nil, err
		}
		holder := it.Claim.Reviewer
		it.Version++
		it.Updated = now
		it.State, it.Claim, it.Decided, it.DecidedBy, it.Reasons = StateRejected, nil, now, &holder, fb.Reasons
		content.Feedback = fb
		entry := w.entry(now, ActionReject, it, holder)
		fbHash, _ := contentHash(fb)
		entry.Detail = "reasons=" + joinReasons(fb.Reasons) + " items=" + strconv.Itoa(len(fb.ItemIDs)) + " feedback=" + fbHash
		if _, err := w.store.Apply(ctx, &Change{Item: it, Content: content, Expect: it.Version - 1, Audit: entry}); err != nil {
			if errors.Is(err, ErrConflict) {
				continue
			}
			return nil, fmt.Errorf("review: reject %s: %w", it.ID, err)
		}
		w.logAction(ctx, entry)
		w.hook(ctx, it, content)
		return it, nil
	}
	return nil, fmt.Errorf("review: reject %s: %w", c.ItemID, ErrConflict)
}

func (w *Workflow) hook(ctx context.Context, it *Item, content *Content) {
	if w.onReject == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			w.log.LogAttrs(ctx, slog.LevelError, "review: OnReject panicked", slog.String("item", it.ID))
		}
	}()
	itc := *it
	w.onReject(ctx, &Rejection{Item: &itc, Content: content})
}

// Rejections returns the items rejected in [from, to) (either may be zero
// for no bound) with their content, oldest submission first: the material
// for improvement work.
func (w *Workflow) Rejections(ctx context.Context, from, to time.Time) ([]*Rejection, error) {
	items, err := w.store.List(ctx, &Filter{States: []State{StateRejected}, DecidedFrom: from, DecidedTo: to})
	if err != nil {
		return nil, fmt.Errorf("review: rejections: %w", err)
	}
	out := make([]*Rejection, 0, len(items))
	for _, it := range items {
		it2, c, err := w.store.Get(ctx, it.ID)
		if err != nil {
			return nil, fmt.Errorf("review: rejections: %w", err)
		}
		out = append(out, &Rejection{Item: it2, Content: c})
	}
	return out, nil
}

// item reads an item without its content.
func (w *Workflow) item(ctx context.Context, id string) (*Item, error) {
	if id == "" {
		return nil, invalid("item id", "empty")
	}
	items, err := w.store.List(ctx, &Filter{ID: id})
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	if len(items) == 0 {
		return nil, NotFoundError(id)
	}
	return items[0], nil
}

func checkClaimArg(c *Claim) error {
	switch {
	case c == nil:
		return invalid("claim", "nil")
	case c.ItemID == "" || c.Token == "":
		return invalid("claim", "no item ID or token")
	}
	return nil
}

// holds checks that c is the live claim on it.
func holds(it *Item, c *Claim, now time.Time, action Action) error {
	switch {
	case it.State.Final():
		return &StateError{ItemID: it.ID, State: it.State, Action: action}
	case it.State != StateClaimed || it.Claim == nil || it.Claim.Token != c.Token:
		return fmt.Errorf("review: %s %s: %w", action, it.ID, ErrClaimLost)
	case !it.Claim.Expires.After(now):
		return fmt.Errorf("review: %s %s: lease expired: %w", action, it.ID, ErrClaimLost)
	}
	return nil
}

func (w *Workflow) entry(now time.Time, a Action, it *Item, by Reviewer) *AuditEntry {
	return &AuditEntry{Time: now, Action: a, ItemID: it.ID, Actor: by.ID, Role: by.Role, State: it.State,
		Tier: it.Tier, ContentHash: it.ContentHash}
}

func (w *Workflow) logAction(ctx context.Context, e *AuditEntry) {
	w.log.LogAttrs(ctx, slog.LevelInfo, "review: "+string(e.Action), slog.String("item", e.ItemID),
		slog.String("state", string(e.State)), slog.String("tier", e.Tier.String()), slog.Uint64("audit_seq", e.Seq))
}

// contentHash is "sha256:" and the hex SHA-256 of v's JSON encoding.
func contentHash(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// ContentHash returns the hash the workflow records for a plan: "sha256:"
// and the hex SHA-256 of its JSON encoding. It fails only for a plan JSON
// cannot encode (a NaN target).
func ContentHash(p *careplan.Plan) (string, error) { return contentHash(p) }

func modelLabel(d *careplan.Draft) string {
	switch {
	case d.Model != "" && d.Provider != "":
		return d.Provider + "/" + d.Model
	case d.Model != "":
		return d.Model
	case d.Generator != "":
		return d.Generator
	}
	return "unknown"
}

func ruleIDs(rep *validate.Report) []string {
	if rep == nil {
		return nil
	}
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.RuleID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func findings(rep *validate.Report) int {
	if rep == nil {
		return 0
	}
	return len(rep.Findings)
}

func joinReasons(rs []Reason) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func changesDetail(c *Changes) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" added=%d removed=%d changed=%d clinical=%d base=%d substantial=%t",
		c.Added, c.Removed, c.Changed, c.Clinical, c.Base, c.Substantial)
}

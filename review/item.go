package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// State is where an item is in review.
type State string

// The states. An item starts pending (or auto-approved), is claimed by one
// reviewer at a time, and ends approved, approved with edits, or rejected:
//
//	Submit ──► pending ──Claim──► claimed ──Approve───────► approved
//	  │          ▲  ▲                │    ──ApproveEdited─► approved_with_edits
//	  │          │  └──Release───────┤    ──Reject────────► rejected
//	  │          └─edit needs a      │
//	  │            higher role ──────┘    (an expired lease leaves the item
//	  └─tier auto_approve─► auto_approved  claimed but claimable by anyone)
const (
	// StatePending: waiting in the queue of its tier.
	StatePending State = "pending"
	// StateClaimed: one reviewer holds a lease on it. Once the lease
	// expires any reviewer with a sufficient role may claim it.
	StateClaimed State = "claimed"
	// StateApproved: approved with the content exactly as submitted.
	StateApproved State = "approved"
	// StateApprovedWithEdits: approved with content that differs from
	// what was submitted, whether the approver edited it or approved an
	// earlier reviewer's requeued edit; the item keeps the diff.
	StateApprovedWithEdits State = "approved_with_edits"
	// StateRejected: rejected with structured feedback.
	StateRejected State = "rejected"
	// StateAutoApproved: routed to riskroute.TierAutoApprove and released
	// at submission without a clinician.
	StateAutoApproved State = "auto_approved"
)

// States returns every state.
func States() []State {
	return []State{StatePending, StateClaimed, StateApproved, StateApprovedWithEdits, StateRejected, StateAutoApproved}
}

// Valid reports whether s is one of the defined states.
func (s State) Valid() bool { return slices.Contains(States(), s) }

// Final reports whether no further review action is possible.
func (s State) Final() bool {
	return s == StateApproved || s == StateApprovedWithEdits || s == StateRejected || s == StateAutoApproved
}

// Released reports whether the content was released for the record: an
// approval of any kind. Released items are delivered to the record sink.
func (s State) Released() bool {
	return s == StateApproved || s == StateApprovedWithEdits || s == StateAutoApproved
}

func (s State) String() string { return string(s) }

// Reviewer is a person acting on an item. ID is the deployer's stable
// identifier for the person (a user or staff ID, never a patient's); it is
// written to the audit log. Role decides what they may review:
// riskroute.RolePhysician may review nurse- and physician-tier items,
// riskroute.RoleNurse nurse-tier items only, and no other role may claim.
// The workflow trusts both: take them from your authenticated identity
// and credentialing data, never from what a client sends.
type Reviewer struct {
	ID   string         `json:"id"`
	Role riskroute.Role `json:"role"`
}

// RoleSystem is the role recorded for actions careguard takes itself
// (auto-approval, delivery). No reviewer may use it.
const RoleSystem riskroute.Role = "careguard"

// systemActor acts for careguard in the audit log.
func systemActor() Reviewer { return Reviewer{ID: "careguard", Role: RoleSystem} }

// maxReviewerID bounds a reviewer ID.
const maxReviewerID = 256

// capability is the highest tier a role may review; 0 for roles that may
// not review at all.
func capability(r riskroute.Role) riskroute.Tier {
	switch r {
	case riskroute.RolePhysician:
		return riskroute.TierPhysicianReview
	case riskroute.RoleNurse:
		return riskroute.TierNurseReview
	}
	return 0
}

// MayReview reports whether a reviewer with role r may claim and approve
// content needing tier t: a physician any tier, a nurse nurse-tier (and
// auto-approve) content, any other role nothing.
func MayReview(r riskroute.Role, t riskroute.Tier) bool {
	return t.Valid() && capability(r) >= t
}

func (r Reviewer) check(field string) error {
	switch {
	case r.ID == "":
		return invalid(field+".id", "empty")
	case len(r.ID) > maxReviewerID:
		return invalid(field+".id", "longer than %d bytes", maxReviewerID)
	case !printable(r.ID):
		return invalid(field+".id", "contains control characters")
	case capability(r.Role) == 0:
		return invalid(field+".role", "not a reviewing role (want %q or %q)", riskroute.RoleNurse, riskroute.RolePhysician)
	}
	return nil
}

// Claim is a reviewer's lease on an item. Present it to act on the item;
// it is valid until Expires (see [Workflow.Renew]) or until the reviewer
// acts or releases it.
type Claim struct {
	ItemID   string   `json:"item_id"`
	Reviewer Reviewer `json:"reviewer"`
	// Token identifies this claim; a new claim on the same item gets a
	// new token, so a stale claim cannot act.
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// DeliveryState is how far an approval is on its way to the record.
type DeliveryState string

// The delivery states.
const (
	// DeliveryPending: committed to the outbox, not yet acknowledged by
	// the sink.
	DeliveryPending DeliveryState = "pending"
	// DeliveryDone: the sink acknowledged the write.
	DeliveryDone DeliveryState = "delivered"
)

// Delivery is the outbox entry of an approval: the promise to write it to
// the record exactly once per Key.
type Delivery struct {
	// Key is the idempotency key passed to the sink; it never changes.
	Key   string        `json:"key"`
	State DeliveryState `json:"state"`
	// Attempts counts sink calls started, including one interrupted by a
	// crash.
	Attempts int `json:"attempts"`
	// NotBefore is when the entry may next be attempted: the end of the
	// lease of an attempt in flight, or of the back-off after a failure.
	NotBefore time.Time `json:"not_before"`
	// Delivered is when the sink acknowledged the write.
	Delivered time.Time `json:"delivered,omitzero"`
	// LastError classifies the last failure (a Go type name, never the
	// error's message).
	LastError string `json:"last_error,omitempty"`
}

// Changes summarises how the content a reviewer approved differs from what
// was submitted, item by item (see [Compare] and [Diff.Changes]).
type Changes struct {
	// Base is the number of items in the submitted plan.
	Base int `json:"base"`
	// Added, Removed and Changed count items; an item moved within its
	// list with no other change is not counted.
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
	// Clinical counts the changes to medication and problem items that
	// alter what is done: any such item added or removed, or a change to
	// a medication's action, name, RxNorm code, current medication or
	// dose, or to a problem's title or status.
	Clinical int `json:"clinical"`
	// Summary reports whether the plan's summary text changed.
	Summary bool `json:"summary"`
	// Substantial is the revision verdict: Clinical > 0, or more than
	// [SubstantialFraction] of Base items added, removed or changed.
	Substantial bool `json:"substantial"`
}

// Item is the review record of one submitted draft: its state and
// everything needed to route, queue, count and audit it. It holds no
// clinical text; that is in [Content]. Subject is the deployer's patient
// reference and must be treated as PHI: careguard never logs or audits it.
type Item struct {
	ID string `json:"id"`
	// Version increases by one with every change; stores use it to refuse
	// concurrent updates.
	Version int64 `json:"version"`
	State   State `json:"state"`
	// Subject is the deployer's reference to the patient (a FHIR Patient
	// ID, say), passed to the record sink.
	Subject string `json:"subject"`
	// Kind is the content kind riskroute derived from the draft.
	Kind riskroute.ContentKind `json:"kind"`
	// Model names what made the draft: "provider/model" for a model,
	// otherwise the generator ("careplan.GuidelineDrafter/...").
	Model string `json:"model"`
	// Rules are the rule IDs of the findings on the submitted draft,
	// sorted and unique.
	Rules []string `json:"rules,omitempty"`
	// Tier is the review the current content needs; SubmittedTier what
	// the submitted content needed. They differ after an edit re-routed
	// the content.
	Tier          riskroute.Tier   `json:"tier"`
	SubmittedTier riskroute.Tier   `json:"submitted_tier"`
	Notify        []riskroute.Role `json:"notify,omitempty"`
	// ContentHash is the SHA-256 of the current plan's JSON encoding
	// ("sha256:..."), as written to the audit log.
	ContentHash string    `json:"content_hash"`
	Submitted   time.Time `json:"submitted"`
	Updated     time.Time `json:"updated"`
	// Claim is the current or last lease; set in StateClaimed only.
	Claim *Claim `json:"claim,omitempty"`
	// Decided and DecidedBy are set in a final state.
	Decided   time.Time `json:"decided,omitzero"`
	DecidedBy *Reviewer `json:"decided_by,omitempty"`
	// Changes compares the current content with the submitted content;
	// nil while they are the same.
	Changes *Changes `json:"changes,omitempty"`
	// Reasons are the rejection reasons, in StateRejected.
	Reasons []Reason `json:"reasons,omitempty"`
	// Delivery is the outbox entry, in the released states.
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Claimable reports whether a reviewer may claim the item at now: it is
// pending, or claimed with a lease that has ended.
func (it *Item) Claimable(now time.Time) bool {
	return it.State == StatePending || (it.State == StateClaimed && it.Claim != nil && !it.Claim.Expires.After(now))
}

// Content is the clinical content of an item: the draft as submitted with
// its report and routing decision, and every revision reviewers made. It
// holds patient information; treat it as PHI.
type Content struct {
	Draft    *careplan.Draft    `json:"draft"`
	Report   *validate.Report   `json:"report,omitempty"`
	Decision riskroute.Decision `json:"decision"`
	// Revisions are reviewers' edits, oldest first; the last is the
	// current content.
	Revisions []Revision `json:"revisions,omitempty"`
	// Feedback is the rejection feedback, in StateRejected.
	Feedback *Feedback `json:"feedback,omitempty"`
}

// Revision is one reviewer's edit: the edited draft, re-validated and
// re-routed, and its diff against the submitted draft.
type Revision struct {
	Draft    *careplan.Draft    `json:"draft"`
	Report   *validate.Report   `json:"report,omitempty"`
	Decision riskroute.Decision `json:"decision"`
	Diff     *Diff              `json:"diff"`
	Editor   Reviewer           `json:"editor"`
	Edited   time.Time          `json:"edited"`
}

// Current returns the current draft, report and decision: the last
// revision's, or the submitted ones. Nil content has none: nil, nil and
// the zero Decision.
func (c *Content) Current() (*careplan.Draft, *validate.Report, riskroute.Decision) {
	if c == nil {
		return nil, nil, riskroute.Decision{}
	}
	if n := len(c.Revisions); n > 0 {
		r := &c.Revisions[n-1]
		return r.Draft, r.Report, r.Decision
	}
	return c.Draft, c.Report, c.Decision
}

// maxStored bounds a stored item or content document a decoder accepts.
const maxStored = 64 << 20

// DecodeItem decodes an item as encoded by [encoding/json] and checks its
// invariants. Stores use it for what they read back. Malformed data gives a
// *[CorruptError] wrapping [ErrCorrupt]; it never panics.
func DecodeItem(data []byte) (*Item, error) {
	var it Item
	if err := decodeObject(data, &it, true); err != nil {
		return nil, &CorruptError{What: "item", Err: err}
	}
	if err := it.check(); err != nil {
		return nil, &CorruptError{What: "item", ID: it.ID, Err: err}
	}
	return &it, nil
}

// DecodeContent decodes content as encoded by [encoding/json]; unknown
// fields are ignored, since content embeds careplan and validate types that
// may grow. Malformed
// data gives a *[CorruptError] wrapping [ErrCorrupt]; it never panics.
func DecodeContent(data []byte) (*Content, error) {
	var c Content
	if err := decodeObject(data, &c, false); err != nil {
		return nil, &CorruptError{What: "content", Err: err}
	}
	if c.Draft == nil || c.Draft.Plan == nil {
		return nil, &CorruptError{What: "content", Err: errors.New("no draft plan")}
	}
	for i, r := range c.Revisions {
		if r.Draft == nil || r.Draft.Plan == nil || r.Diff == nil {
			return nil, &CorruptError{What: "content", Err: fmt.Errorf("revision %d incomplete", i)}
		}
	}
	return &c, nil
}

// decodeObject decodes one JSON object. strict refuses unknown fields: it
// is used for review's own types; content embeds careplan and validate
// types that may gain fields in later versions.
func decodeObject(data []byte, v any, strict bool) error {
	if len(data) > maxStored {
		return fmt.Errorf("larger than %d bytes", maxStored)
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// check verifies the invariants every stored item keeps.
func (it *Item) check() error {
	switch {
	case it.ID == "":
		return errors.New("no ID")
	case it.Version < 1:
		return fmt.Errorf("version %d", it.Version)
	case !it.State.Valid():
		return fmt.Errorf("unknown state %q", it.State)
	case !it.Tier.Valid() || !it.SubmittedTier.Valid():
		return errors.New("invalid tier")
	case it.Submitted.IsZero():
		return errors.New("no submission time")
	case (it.State == StateClaimed) != (it.Claim != nil):
		return errors.New("claim does not match state")
	case it.Claim != nil && (it.Claim.Token == "" || it.Claim.ItemID != it.ID):
		return errors.New("malformed claim")
	case it.State.Final() != (it.DecidedBy != nil && !it.Decided.IsZero()):
		return errors.New("decision does not match state")
	case it.State.Released() != (it.Delivery != nil):
		return errors.New("delivery does not match state")
	case it.Delivery != nil && (it.Delivery.Key == "" ||
		(it.Delivery.State != DeliveryPending && it.Delivery.State != DeliveryDone)):
		return errors.New("malformed delivery")
	case (it.State == StateRejected) != (len(it.Reasons) > 0):
		return errors.New("reasons do not match state")
	}
	for _, r := range it.Reasons {
		if !r.Valid() {
			return fmt.Errorf("unknown reason %q", r)
		}
	}
	return nil
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

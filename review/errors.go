package review

import (
	"errors"
	"fmt"

	"github.com/careguard/careguard/riskroute"
)

// Sentinel errors. Every error the package returns wraps one of them, so
// callers test with [errors.Is]; the typed errors below carry the details.
var (
	// ErrNotFound: no item has the ID.
	ErrNotFound = errors.New("review: item not found")
	// ErrConflict: a store refused a change because the item changed
	// since it was read (or, on insert, already exists). The workflow
	// retries such changes itself; callers see it only after repeated
	// contention.
	ErrConflict = errors.New("review: concurrent update")
	// ErrInvalid: an argument is malformed; see *[InputError].
	ErrInvalid = errors.New("review: invalid input")
	// ErrState: the action is not allowed in the item's state; see
	// *[StateError].
	ErrState = errors.New("review: action not allowed in this state")
	// ErrClaimed: another reviewer holds a live claim on the item.
	ErrClaimed = errors.New("review: item is claimed by another reviewer")
	// ErrClaimLost: the claim presented has expired or was replaced; claim
	// the item again.
	ErrClaimLost = errors.New("review: claim expired or taken over")
	// ErrInsufficientRole: the reviewer's role is below the tier the
	// content needs; see *[RoleError].
	ErrInsufficientRole = errors.New("review: reviewer role below the required tier")
	// ErrQueueEmpty: ClaimNext found nothing the reviewer may claim.
	ErrQueueEmpty = errors.New("review: nothing to claim")
	// ErrCorrupt: stored data could not be decoded or breaks an
	// invariant; see *[CorruptError].
	ErrCorrupt = errors.New("review: stored data is corrupt")
	// ErrTampered: the audit chain does not verify; see *[ChainError].
	ErrTampered = errors.New("review: audit chain does not verify")
	// ErrNoSink: Deliver was called on a workflow without a record sink.
	ErrNoSink = errors.New("review: no record sink configured")
	// ErrRecordMismatch: the patient record given with an edit is not
	// the record the draft was made from.
	ErrRecordMismatch = errors.New("review: record does not match the draft")
)

// InputError is a malformed argument. Field names it ("reviewer.id",
// "feedback.reasons[1]"); the message never contains the value, so it is
// safe to log.
type InputError struct {
	Field string
	Err   error
}

func (e *InputError) Error() string { return "review: invalid " + e.Field + ": " + e.Err.Error() }

// Unwrap returns the cause and [ErrInvalid].
func (e *InputError) Unwrap() []error { return []error{e.Err, ErrInvalid} }

func invalid(field, format string, args ...any) error {
	return &InputError{Field: field, Err: fmt.Errorf(format, args...)}
}

// StateError is an action attempted on an item in a state that does not
// allow it (approving a rejected item, claiming an approved one).
type StateError struct {
	ItemID string
	State  State
	Action Action
}

func (e *StateError) Error() string {
	return fmt.Sprintf("review: item %s is %s: cannot %s", e.ItemID, e.State, e.Action)
}

// Unwrap returns [ErrState].
func (e *StateError) Unwrap() error { return ErrState }

// RoleError is a reviewer whose role is below the tier the content needs.
//
// Requeued is true when the error comes from an edit that raised the tier
// (a nurse adding a medication start): the edit was kept, the claim
// released, and the item returned to the queue of Tier, so no work is
// lost and a reviewer with the right role sees the edited content.
type RoleError struct {
	ItemID   string
	Role     riskroute.Role
	Tier     riskroute.Tier
	Requeued bool
}

func (e *RoleError) Error() string {
	s := fmt.Sprintf("review: item %s needs %s; role %q may not", e.ItemID, e.Tier, e.Role)
	if e.Requeued {
		s += " approve it; the edit was kept and the item returned to the " + e.Tier.String() + " queue"
	} else {
		s += " review it"
	}
	return s
}

// Unwrap returns [ErrInsufficientRole].
func (e *RoleError) Unwrap() error { return ErrInsufficientRole }

// CorruptError is stored data that could not be decoded or that breaks an
// invariant of its type. What is "item", "content" or "audit entry"; ID
// identifies the row when known.
type CorruptError struct {
	What string
	ID   string
	Err  error
}

func (e *CorruptError) Error() string {
	id := ""
	if e.ID != "" {
		id = " " + e.ID
	}
	return fmt.Sprintf("review: corrupt %s%s: %v", e.What, id, e.Err)
}

// Unwrap returns the cause and [ErrCorrupt].
func (e *CorruptError) Unwrap() []error { return []error{e.Err, ErrCorrupt} }

// DeliveryError is a record sink that failed to write an approval. The
// approval stays committed and queued; a later [Workflow.Deliver] retries
// it with the same key.
type DeliveryError struct {
	ItemID string
	Key    string
	Err    error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("review: deliver %s (key %s): %v", e.ItemID, e.Key, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

package review

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/careguard/careguard/riskroute"
)

// Store persists items, their content and the audit log. The [Workflow]
// holds all review logic; a Store only applies changes atomically and
// answers queries, so an implementation is small. package
// review/memstore and package review/sqlitestore implement it, and package
// review/reviewtest checks any implementation against this contract.
//
// Implementations must be safe for concurrent use by multiple goroutines
// (and, for shared databases, processes), must return copies that the
// caller may modify, and must not keep references to what they are given.
type Store interface {
	// Apply makes one change atomically: all of it is durable when Apply
	// returns nil, and none of it is applied when Apply returns an error.
	//
	// With c.Expect == 0 it inserts c.Item and c.Content (which must not
	// be nil); an existing ID gives an error wrapping [ErrConflict]. With
	// c.Expect > 0 it replaces the item whose stored Version equals
	// c.Expect, and its content when c.Content is not nil; a missing ID
	// gives [ErrNotFound] and a different version [ErrConflict].
	// c.Item.Version must be c.Expect+1 (an error wrapping [ErrInvalid]
	// otherwise).
	//
	// When c.Audit is not nil, Apply appends it to the audit log in the
	// same transaction: it calls c.Audit.Seal with the head of the log
	// as it is inside the transaction, so appends are serialised and the
	// chain has no gaps or forks, and it returns the sealed entry (a
	// copy). Otherwise it returns nil.
	Apply(ctx context.Context, c *Change) (*AuditEntry, error)
	// Get returns an item and its content, or an error wrapping
	// [ErrNotFound].
	Get(ctx context.Context, id string) (*Item, *Content, error)
	// List returns the items f matches (see [Filter.Match]), without
	// content, ordered by Submitted then ID, at most f.Limit of them
	// when f.Limit > 0.
	List(ctx context.Context, f *Filter) ([]*Item, error)
	// Audit returns up to limit audit entries with Seq > after, in Seq
	// order, as stored (a store must not repair or re-seal them).
	Audit(ctx context.Context, after uint64, limit int) ([]*AuditEntry, error)
}

// Change is one atomic change for [Store.Apply].
type Change struct {
	// Item is the item's new value.
	Item *Item
	// Content is the item's new content; nil keeps the stored content.
	// Required on insert.
	Content *Content
	// Expect is the stored version the change applies to; 0 inserts.
	Expect int64
	// Audit is the entry recording the change; the store seals it.
	Audit *AuditEntry
	// Relaxed marks bookkeeping whose loss is harmless: a store may
	// commit it without waiting for the disk, so a power failure or
	// operating-system crash (never a process crash) may undo it, and
	// with it any change committed after it and before the next
	// durable one. The workflow sets it only on delivery bookkeeping
	// (an attempt's lease, its outcome), whose loss makes the approval
	// be delivered again with the same key. Stores may ignore it.
	Relaxed bool
}

// Check reports whether c is well formed for [Store.Apply]; stores call it
// first. It returns an error wrapping [ErrInvalid].
func (c *Change) Check() error {
	switch {
	case c == nil || c.Item == nil:
		return invalid("change", "no item")
	case c.Expect < 0 || c.Item.Version != c.Expect+1:
		return invalid("change", "item version %d does not follow expected version %d", c.Item.Version, c.Expect)
	case c.Expect == 0 && c.Content == nil:
		return invalid("change", "insert without content")
	}
	if err := c.Item.check(); err != nil {
		return invalid("change.item", "%v", err)
	}
	if c.Audit != nil && c.Audit.ItemID != c.Item.ID {
		return invalid("change.audit", "entry is for another item")
	}
	return nil
}

// Filter selects items for [Store.List]. Every non-zero field must hold.
type Filter struct {
	// ID selects one item.
	ID string
	// States selects items in any of the states.
	States []State
	// MaxTier selects items whose Tier is at most MaxTier.
	MaxTier riskroute.Tier
	// ClaimableAt selects items that may be claimed at that time: pending
	// items, and claimed items whose lease has ended by then.
	ClaimableAt time.Time
	// DeliveryDueAt selects released items whose delivery is pending and
	// whose Delivery.NotBefore is at or before that time.
	DeliveryDueAt time.Time
	// DecidedFrom and DecidedTo select items decided in [DecidedFrom,
	// DecidedTo).
	DecidedFrom, DecidedTo time.Time
	// Limit bounds the number of items returned; 0 means no bound.
	Limit int
}

// Match reports whether f selects it. Stores that cannot translate a
// filter into a query may scan and use Match. A nil filter selects every
// item; no filter selects a nil item.
func (f *Filter) Match(it *Item) bool {
	switch {
	case it == nil:
		return false
	case f == nil:
		return true
	case f.ID != "" && it.ID != f.ID:
		return false
	case len(f.States) > 0 && !slices.Contains(f.States, it.State):
		return false
	case f.MaxTier != 0 && it.Tier > f.MaxTier:
		return false
	case !f.ClaimableAt.IsZero() && !it.Claimable(f.ClaimableAt):
		return false
	case !f.DeliveryDueAt.IsZero() && (it.Delivery == nil || it.Delivery.State != DeliveryPending ||
		it.Delivery.NotBefore.After(f.DeliveryDueAt)):
		return false
	case !f.DecidedFrom.IsZero() && (it.Decided.IsZero() || it.Decided.Before(f.DecidedFrom)):
		return false
	case !f.DecidedTo.IsZero() && (it.Decided.IsZero() || !it.Decided.Before(f.DecidedTo)):
		return false
	}
	return true
}

// CompareItems orders items as [Store.List] returns them: by Submitted,
// then by ID. A nil item sorts before any other; two nil items are equal.
func CompareItems(a, b *Item) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Or(a.Submitted.Compare(b.Submitted), strings.Compare(a.ID, b.ID))
}

// errVersion is the cause of a version mismatch, for stores' messages.
var errVersion = errors.New("version mismatch")

// ConflictError returns the error a store reports when item id changed
// since it was read (or already exists, on insert). It wraps [ErrConflict].
func ConflictError(id string) error {
	return fmt.Errorf("review: item %s: %w: %w", id, errVersion, ErrConflict)
}

// NotFoundError returns the error a store reports for a missing item. It
// wraps [ErrNotFound].
func NotFoundError(id string) error { return fmt.Errorf("review: item %s: %w", id, ErrNotFound) }

package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// Sink writes approved content to the patient's record: the deployer's EHR
// adapter.
//
// The workflow calls Write once per approval, identified by Approval.Key.
// It can call it again with the same key only when it cannot know whether
// an earlier call succeeded: the process stopped, or the store failed to
// record success, between Write returning and the outbox entry being
// marked delivered, or a call outlived Options.DeliveryLease. Write must
// therefore be idempotent on Key: a second call with a key already
// written must not write again and must return nil. (A FHIR server
// does this with a conditional create on an identifier holding the key.)
//
// Write must honour ctx, must not modify the approval, and must be safe
// for concurrent use by multiple goroutines. A returned error means
// nothing was written; the approval is retried later with back-off.
type Sink interface {
	Write(ctx context.Context, a *Approval) error
}

// Approval is approved content on its way to the record.
type Approval struct {
	// Key is the idempotency key: the same for every attempt to deliver
	// this approval, different for every approval.
	Key     string
	ItemID  string
	Subject string
	// State is how it was approved: StateApproved,
	// StateApprovedWithEdits or StateAutoApproved.
	State State
	// Draft is the approved content, with its report and decision.
	Draft    *careplan.Draft
	Report   *validate.Report
	Decision riskroute.Decision
	// Diff compares the approved plan with the submitted one; nil when
	// they are the same.
	Diff        *Diff
	ContentHash string
	Approver    Reviewer
	Approved    time.Time
}

// Deliver sends every approval whose delivery is due to the sink, oldest
// first, and returns how many the sink acknowledged. Call it at start-up,
// to finish deliveries a stopped process left, and periodically, to retry
// failures (each waits a back-off from 1 s doubling to 1 h).
//
// Each delivery is first leased in the store (the entry's version must be
// unchanged), so concurrent Deliver calls, in one process or several,
// never send the same approval at the same time.
//
// Deliver returns [ErrNoSink] when the workflow has no sink; otherwise the
// join of a *[DeliveryError] per failed write and any store error. It
// stops early, returning ctx.Err(), when ctx ends.
func (w *Workflow) Deliver(ctx context.Context) (int, error) {
	if w.sink == nil {
		return 0, ErrNoSink
	}
	const batch = 64
	delivered := 0
	var errs []error
	seen := map[string]bool{}
	for {
		items, err := w.store.List(ctx, &Filter{DeliveryDueAt: w.clock(), Limit: batch})
		if err != nil {
			return delivered, errors.Join(append(errs, fmt.Errorf("review: deliver: %w", err))...)
		}
		progress := false
		for _, it := range items {
			if err := ctx.Err(); err != nil {
				return delivered, err
			}
			if seen[it.ID] {
				continue
			}
			seen[it.ID] = true
			progress = true
			leased, content, err := w.leaseDelivery(ctx, it.ID)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if leased == nil {
				continue // delivered or leased elsewhere meanwhile
			}
			if err := w.send(ctx, leased, content); err != nil {
				errs = append(errs, err)
				continue
			}
			delivered++
		}
		if !progress {
			return delivered, errors.Join(errs...)
		}
	}
}

// leaseDelivery takes the delivery lease of item id. It returns a nil item
// when the delivery is no longer due (another deliverer took it).
func (w *Workflow) leaseDelivery(ctx context.Context, id string) (*Item, *Content, error) {
	it, content, err := w.store.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("review: deliver: %w", err)
	}
	now := w.clock()
	d := it.Delivery
	if d == nil || d.State != DeliveryPending || d.NotBefore.After(now) {
		return nil, nil, nil
	}
	it.Version++
	d.Attempts++
	d.NotBefore = now.Add(w.dlease)
	if _, err := w.store.Apply(ctx, &Change{Item: it, Expect: it.Version - 1, Relaxed: true}); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("review: deliver %s: %w", id, err)
	}
	return it, content, nil
}

// send calls the sink for it, which the caller has leased, and records the
// outcome. It updates it in place and returns the sink's error as a
// *DeliveryError.
func (w *Workflow) send(ctx context.Context, it *Item, content *Content) error {
	draft, rep, dec := content.Current()
	a := &Approval{Key: it.Delivery.Key, ItemID: it.ID, Subject: it.Subject, State: it.State,
		Draft: draft, Report: rep, Decision: dec, ContentHash: it.ContentHash, Approved: it.Decided}
	if it.DecidedBy != nil {
		a.Approver = *it.DecidedBy
	}
	if n := len(content.Revisions); n > 0 && it.Changes != nil {
		a.Diff = content.Revisions[n-1].Diff
	}
	sctx, cancel := context.WithTimeout(ctx, w.dlease/2)
	err := w.write(sctx, a)
	cancel()

	// Record the outcome even if ctx has ended: an acknowledged write
	// left unrecorded would be sent again.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), w.dlease/2)
	defer rcancel()
	now := w.clock()
	next := *it
	d := *it.Delivery
	next.Delivery = &d
	next.Version++
	next.Updated = now
	entry := w.entry(now, ActionDeliver, &next, systemActor())
	if err == nil {
		d.State, d.Delivered, d.LastError = DeliveryDone, now, ""
		entry.Detail = fmt.Sprintf("key=%s attempt=%d", d.Key, d.Attempts)
	} else {
		d.NotBefore = now.Add(backoff(d.Attempts))
		d.LastError = fmt.Sprintf("%T", err)
		entry.Action = ActionDeliveryFailed
		entry.Detail = fmt.Sprintf("key=%s attempt=%d error=%s", d.Key, d.Attempts, d.LastError)
	}
	if _, aerr := w.store.Apply(rctx, &Change{Item: &next, Expect: it.Version, Audit: entry, Relaxed: true}); aerr != nil {
		// The lease expires and the delivery is retried with the same
		// key, which the sink must absorb.
		w.log.LogAttrs(ctx, slog.LevelError, "review: recording delivery outcome failed", slog.String("item", it.ID),
			slog.Bool("sink_ok", err == nil), slog.String("error_class", fmt.Sprintf("%T", aerr)))
	} else {
		*it = next
		w.logAction(ctx, entry)
	}
	if err != nil {
		w.log.LogAttrs(ctx, slog.LevelWarn, "review: delivery failed", slog.String("item", it.ID),
			slog.Int("attempt", d.Attempts), slog.String("error_class", d.LastError))
		return &DeliveryError{ItemID: it.ID, Key: d.Key, Err: err}
	}
	return nil
}

// write calls the sink, turning a panic into an error.
func (w *Workflow) write(ctx context.Context, a *Approval) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("review: sink panicked: %v", p)
		}
	}()
	return w.sink.Write(ctx, a)
}

// backoff is the wait after the n-th failed attempt: 1 s doubling, at
// most an hour.
func backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 13 {
		return time.Hour
	}
	return min(time.Second<<(n-1), time.Hour)
}

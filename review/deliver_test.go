package review_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/review"
)

func TestDeliveryRetriesAfterFailure(t *testing.T) {
	e := newEnv(t, nil)
	e.sink.fail = 2
	it := e.submitNurse(t)
	got, err := e.w.Approve(t.Context(), e.claim(t, it.ID, nurse))
	require.NoError(t, err, "the approval is committed even though the record write failed")
	assert.Equal(t, review.StateApproved, got.State)
	require.Equal(t, review.DeliveryPending, got.Delivery.State)
	assert.Equal(t, 1, got.Delivery.Attempts)
	assert.Equal(t, "*errors.errorString", got.Delivery.LastError, "the error's type, never its message")
	assert.Equal(t, t0.Add(time.Second), got.Delivery.NotBefore, "first back-off is one second")

	n, err := e.w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "not retried before the back-off ends")

	e.clk.Advance(time.Second)
	n, err = e.w.Deliver(t.Context())
	var de *review.DeliveryError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, got.Delivery.Key, de.Key)
	require.ErrorIs(t, err, errSinkDown)
	assert.Zero(t, n)
	cur, _ := e.item(t, it.ID)
	assert.Equal(t, 2, cur.Delivery.Attempts)
	assert.Equal(t, t0.Add(3*time.Second), cur.Delivery.NotBefore, "second back-off is two seconds")

	e.clk.Advance(2 * time.Second)
	n, err = e.w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	cur, _ = e.item(t, it.ID)
	assert.Equal(t, review.DeliveryDone, cur.Delivery.State)
	assert.Equal(t, 3, cur.Delivery.Attempts)
	assert.Empty(t, cur.Delivery.LastError)
	key := got.Delivery.Key
	assert.Equal(t, []string{key, key, key}, e.sink.keys(), "every attempt carries the same key")
	assert.Len(t, e.sink.written, 1, "one write took effect")
	assert.Equal(t, []review.Action{review.ActionSubmit, review.ActionClaim, review.ActionApprove,
		review.ActionDeliveryFailed, review.ActionDeliveryFailed, review.ActionDeliver}, e.actions(t))
}

func TestDeliveryByASeparateWorker(t *testing.T) {
	e := newEnv(t, nil)
	queueOnly, err := review.New(e.store, &review.Options{Now: e.clk.Now})
	require.NoError(t, err)
	_, err = queueOnly.Deliver(t.Context())
	require.ErrorIs(t, err, review.ErrNoSink)
	var keys []string
	for range 3 {
		e.clk.Advance(time.Second)
		d, rep := e.nurseDraft(t)
		it, err := queueOnly.Submit(t.Context(), &review.Submission{Subject: "Patient/1", Draft: d, Report: rep})
		require.NoError(t, err)
		c, err := queueOnly.Claim(t.Context(), it.ID, nurse)
		require.NoError(t, err)
		got, err := queueOnly.Approve(t.Context(), c)
		require.NoError(t, err)
		assert.Equal(t, review.DeliveryPending, got.Delivery.State)
		assert.Zero(t, got.Delivery.Attempts, "no sink, no attempt")
		keys = append(keys, got.Delivery.Key)
	}
	assert.Empty(t, e.sink.keys())
	n, err := e.w.Deliver(t.Context()) // e.w has the sink
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, keys, e.sink.keys(), "oldest first, once each")
	n, err = e.w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n)
}

// A crash after the approval commits and before the outcome of the sink
// call is recorded: the approval is delivered again, with the same key,
// once the in-flight lease ends.
func TestDeliveryAfterCrash(t *testing.T) {
	tests := []struct {
		name        string
		beforeWrite bool
		reason      string
	}{
		{"crash inside the sink call", false, "the write may have happened; the sink dedupes on the key"},
		{"crash before the sink call", true, "nothing was written; the retry writes it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			crashing := &sink{crash: !tt.beforeWrite, crashBefore: tt.beforeWrite}
			dying, err := review.New(e.store, &review.Options{Now: e.clk.Now, Sink: crashing})
			require.NoError(t, err)
			it := e.submitNurse(t)
			c := e.claim(t, it.ID, nurse)
			done := make(chan struct{})
			go func() {
				defer close(done)
				dying.Approve(t.Context(), c) //nolint:errcheck // never returns
			}()
			<-done
			cur, _ := e.item(t, it.ID)
			require.Equal(t, review.StateApproved, cur.State, "the approval committed")
			require.Equal(t, review.DeliveryPending, cur.Delivery.State, "its outcome was never recorded")
			key := cur.Delivery.Key

			// Restart: another workflow on the same store.
			n, err := e.w.Deliver(t.Context())
			require.NoError(t, err)
			assert.Zero(t, n, "the crashed attempt's lease has not ended")
			e.clk.Advance(review.DefaultDeliveryLease)
			n, err = e.w.Deliver(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 1, n, tt.reason)
			assert.Equal(t, []string{key}, e.sink.keys(), "redelivered once, with the same key")
			assert.Equal(t, []string{key}, crashing.keys())
			assert.Equal(t, !tt.beforeWrite, crashing.written[key], "whether the crashed attempt wrote")
			cur, _ = e.item(t, it.ID)
			assert.Equal(t, review.DeliveryDone, cur.Delivery.State)
			assert.Equal(t, 2, cur.Delivery.Attempts)
			n, err = e.w.Deliver(t.Context())
			require.NoError(t, err)
			assert.Zero(t, n)
		})
	}
}

// flakyStore fails the Apply that would record a successful delivery,
// once: the sink wrote, but the store does not know.
type flakyStore struct {
	review.Store
	mu     sync.Mutex
	failed bool
}

func (s *flakyStore) Apply(ctx context.Context, c *review.Change) (*review.AuditEntry, error) {
	s.mu.Lock()
	fail := !s.failed && c.Audit != nil && c.Audit.Action == review.ActionDeliver
	s.failed = s.failed || fail
	s.mu.Unlock()
	if fail {
		return nil, errors.New("disk full")
	}
	return s.Store.Apply(ctx, c)
}

func TestDeliveryWhenRecordingTheOutcomeFails(t *testing.T) {
	e := newEnv(t, nil)
	flaky := &flakyStore{Store: e.store}
	w, err := review.New(flaky, &review.Options{Now: e.clk.Now, Sink: e.sink})
	require.NoError(t, err)
	d, rep := e.nurseDraft(t)
	it, err := w.Submit(t.Context(), &review.Submission{Subject: "Patient/1", Draft: d, Report: rep})
	require.NoError(t, err)
	c, err := w.Claim(t.Context(), it.ID, nurse)
	require.NoError(t, err)
	got, err := w.Approve(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, review.DeliveryPending, got.Delivery.State, "the returned item says what the store holds")

	e.clk.Advance(review.DefaultDeliveryLease)
	n, err := w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	key := got.Delivery.Key
	assert.Equal(t, []string{key, key}, e.sink.keys(), "sent again, with the same key")
	assert.Len(t, e.sink.written, 1, "the idempotent sink wrote once")
}

func TestConcurrentDeliverSendsEachKeyOnce(t *testing.T) {
	e := newEnv(t, nil)
	queueOnly, err := review.New(e.store, &review.Options{Now: e.clk.Now})
	require.NoError(t, err)
	const approvals = 30
	for range approvals {
		d, rep := e.nurseDraft(t)
		it, err := queueOnly.Submit(t.Context(), &review.Submission{Subject: "Patient/1", Draft: d, Report: rep})
		require.NoError(t, err)
		c, err := queueOnly.Claim(t.Context(), it.ID, nurse)
		require.NoError(t, err)
		_, err = queueOnly.Approve(t.Context(), c)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 8 {
		wg.Go(func() {
			w, err := review.New(e.store, &review.Options{Now: e.clk.Now, Sink: e.sink})
			if !assert.NoError(t, err) {
				return
			}
			n, err := w.Deliver(t.Context())
			assert.NoError(t, err)
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, approvals, total)
	counts := map[string]int{}
	for _, k := range e.sink.keys() {
		counts[k]++
	}
	assert.Len(t, counts, approvals)
	for k, n := range counts {
		assert.Equal(t, 1, n, "key %s sent %d times", k, n)
	}
}

type panicSink struct{}

func (panicSink) Write(context.Context, *review.Approval) error { panic("adapter bug") }

func TestSinkPanicIsAFailedDelivery(t *testing.T) {
	e := newEnv(t, &review.Options{Sink: panicSink{}})
	it := e.submitNurse(t)
	got, err := e.w.Approve(t.Context(), e.claim(t, it.ID, nurse))
	require.NoError(t, err)
	assert.Equal(t, review.DeliveryPending, got.Delivery.State)
	assert.Equal(t, "*errors.errorString", got.Delivery.LastError)
}

func TestDeliverStopsWhenContextEnds(t *testing.T) {
	e := newEnv(t, nil)
	queueOnly, err := review.New(e.store, &review.Options{Now: e.clk.Now})
	require.NoError(t, err)
	for i := range 3 {
		d, rep := e.nurseDraft(t)
		it, err := queueOnly.Submit(t.Context(), &review.Submission{Subject: fmt.Sprint("Patient/", i), Draft: d, Report: rep})
		require.NoError(t, err)
		c, err := queueOnly.Claim(t.Context(), it.ID, nurse)
		require.NoError(t, err)
		_, err = queueOnly.Approve(t.Context(), c)
		require.NoError(t, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n, err := e.w.Deliver(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n)
	assert.Empty(t, e.sink.keys())
}

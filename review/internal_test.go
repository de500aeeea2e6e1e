package review

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
		reason  string
	}{
		{0, time.Second, "a nonsensical attempt count waits the minimum"},
		{1, time.Second, "first failure"},
		{2, 2 * time.Second, "doubling"},
		{5, 16 * time.Second, "doubling"},
		{12, 2048 * time.Second, "still below the cap"},
		{13, time.Hour, "4096 s is over an hour: capped"},
		{1000, time.Hour, "no overflow for large counts"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, backoff(tt.attempt), "attempt %d: %s", tt.attempt, tt.reason)
	}
}

// memStore is a minimal store for the auto-approve test, which cannot
// import memstore (it imports this package).
type memStore struct {
	mu          sync.Mutex
	items       map[string]*Item
	c           map[string]*Content
	audit       []*AuditEntry
	failUpdates error // returned for every change but an insert
}

func (s *memStore) Apply(_ context.Context, c *Change) (*AuditEntry, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Expect > 0 && s.failUpdates != nil {
		return nil, s.failUpdates
	}
	if old := s.items[c.Item.ID]; (old == nil) != (c.Expect == 0) || (old != nil && old.Version != c.Expect) {
		return nil, ConflictError(c.Item.ID)
	}
	it := *c.Item
	s.items[it.ID] = &it
	if c.Content != nil {
		s.c[it.ID] = c.Content
	}
	if c.Audit == nil {
		return nil, nil
	}
	e := *c.Audit
	var head Head
	if n := len(s.audit); n > 0 {
		head = s.audit[n-1].Head()
	}
	e.Seal(head)
	s.audit = append(s.audit, &e)
	return &e, nil
}

func (s *memStore) Get(_ context.Context, id string) (*Item, *Content, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return nil, nil, NotFoundError(id)
	}
	cp := *it
	return &cp, s.c[id], nil
}

func (s *memStore) List(_ context.Context, f *Filter) ([]*Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Item
	for _, it := range s.items {
		if f.Match(it) {
			cp := *it
			out = append(out, &cp)
		}
	}
	return out, nil
}

func (s *memStore) Audit(_ context.Context, after uint64, _ int) ([]*AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if after >= uint64(len(s.audit)) {
		return nil, nil
	}
	return s.audit[after:], nil
}

type okSink struct{ keys []string }

func (s *okSink) Write(_ context.Context, a *Approval) error {
	s.keys = append(s.keys, a.Key)
	return nil
}

// No care plan auto-approves under the safety floor, so the route is
// replaced to exercise the path administrative content will take.
func TestAutoApprove(t *testing.T) {
	st := &memStore{items: map[string]*Item{}, c: map[string]*Content{}}
	sink := &okSink{}
	w, err := New(st, &Options{Sink: sink})
	require.NoError(t, err)
	w.route = func(*careplan.Draft, *validate.Report) riskroute.Decision {
		return riskroute.Decision{Tier: riskroute.TierAutoApprove, Floor: riskroute.TierAutoApprove}
	}
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{Summary: "Reminder"}}
	it, err := w.Submit(t.Context(), &Submission{Subject: "Patient/1", Draft: d, Report: &validate.Report{Ran: []string{"x"}}})
	require.NoError(t, err)
	assert.Equal(t, StateAutoApproved, it.State, "released at submission, no claim")
	assert.Equal(t, systemActor(), *it.DecidedBy)
	assert.Equal(t, DeliveryDone, it.Delivery.State)
	assert.Equal(t, []string{it.Delivery.Key}, sink.keys)
	require.Len(t, st.audit, 3, "the submission, the auto-approval and the delivery are each audited")
	assert.Equal(t, ActionSubmit, st.audit[0].Action, "the submission is audited like any other")
	assert.Equal(t, StatePending, st.audit[0].State)
	assert.Contains(t, st.audit[0].Detail, "complete=true")
	assert.Equal(t, ActionAutoApprove, st.audit[1].Action)
	assert.Equal(t, StateAutoApproved, st.audit[1].State)
	assert.Equal(t, "careguard", st.audit[1].Actor)
	assert.Equal(t, "key="+it.Delivery.Key, st.audit[1].Detail)
	assert.Equal(t, ActionDeliver, st.audit[2].Action)

	_, err = w.Claim(t.Context(), it.ID, Reviewer{ID: "rn", Role: riskroute.RoleNurse})
	require.ErrorIs(t, err, ErrState, "auto-approved content is never claimed")
	s, err := w.Stats(t.Context(), time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, 1, s.Total.AutoApproved)
	assert.Zero(t, s.Total.Reviewed(), "auto-approvals are not clinicians' decisions")
	_, err = Verify(t.Context(), st, nil)
	require.NoError(t, err)
}

// If the auto-approval cannot be stored after the submission was, the
// item waits in the queue for a clinician: more review, never less.
func TestAutoApproveFailureLeavesItemInReview(t *testing.T) {
	errDisk := errors.New("disk full")
	st := &memStore{items: map[string]*Item{}, c: map[string]*Content{}, failUpdates: errDisk}
	sink := &okSink{}
	w, err := New(st, &Options{Sink: sink})
	require.NoError(t, err)
	w.route = func(*careplan.Draft, *validate.Report) riskroute.Decision {
		return riskroute.Decision{Tier: riskroute.TierAutoApprove, Floor: riskroute.TierAutoApprove}
	}
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{Summary: "Reminder"}}
	it, err := w.Submit(t.Context(), &Submission{Subject: "Patient/1", Draft: d, Report: &validate.Report{Ran: []string{"x"}}})
	require.ErrorIs(t, err, errDisk, "the store's error is returned")
	require.NotNil(t, it, "with the item that was submitted")
	assert.Equal(t, StatePending, it.State)
	assert.Nil(t, it.Delivery)
	stored, _, err := w.Get(t.Context(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, it, stored, "the returned item is what the store holds")
	require.Len(t, st.audit, 1)
	assert.Equal(t, ActionSubmit, st.audit[0].Action)
	assert.Empty(t, sink.keys, "nothing reached the record")
	q, err := w.Queue(t.Context(), riskroute.RoleNurse, 0)
	require.NoError(t, err)
	require.Len(t, q, 1, "a clinician can review it")
}

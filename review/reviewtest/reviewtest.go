package reviewtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// Options configures Run. nil runs every check that needs no more than a
// fresh store.
type Options struct {
	// Reopen, if set, closes s and returns a store over the same storage
	// (for a database, the same file). Run then checks durability.
	Reopen func(t *testing.T, s review.Store) review.Store
}

// Run runs the conformance checks against stores made by newStore, each
// check in its own subtest with a fresh, empty store. newStore may use t
// for setup, t.Cleanup and t.Fatal.
func Run(t *testing.T, newStore func(t *testing.T) review.Store, opts *Options) {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	checks := []struct {
		name string
		run  func(t *testing.T, s review.Store)
	}{
		{"Insert", testInsert},
		{"Update", testUpdate},
		{"KeepContent", testKeepContent},
		{"Relaxed", testRelaxed},
		{"Conflict", testConflict},
		{"NotFound", testNotFound},
		{"Invalid", testInvalid},
		{"NoAudit", testNoAudit},
		{"List", testList},
		{"Audit", testAudit},
		{"Isolation", testIsolation},
		{"Canceled", testCanceled},
		{"ConcurrentConflict", testConcurrentConflict},
		{"ConcurrentAppend", testConcurrentAppend},
		{"Workflow", testWorkflow},
	}
	if o.Reopen != nil {
		checks = append(checks, struct {
			name string
			run  func(t *testing.T, s review.Store)
		}{"Reopen", func(t *testing.T, s review.Store) { testReopen(t, s, o.Reopen) }})
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("reviewtest: newStore returned a nil Store")
			}
			c.run(t, s)
		})
	}
}

// base returns the time the checks' items are submitted around.
func base() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }

// newItem returns a valid pending item submitted at base+minute.
func newItem(id string, minute int) *review.Item {
	at := base().Add(time.Duration(minute) * time.Minute)
	return &review.Item{ID: id, Version: 1, State: review.StatePending, Subject: "Patient/" + id,
		Kind: riskroute.ContentCarePlan, Model: "test/model", Rules: []string{"grounding.uncited"},
		Tier: riskroute.TierNurseReview, SubmittedTier: riskroute.TierNurseReview, Notify: []riskroute.Role{riskroute.RoleNurse},
		ContentHash: "sha256:" + id, Submitted: at, Updated: at}
}

// newContent returns content with a small plan whose summary names tag.
func newContent(tag string) *review.Content {
	plan := &careplan.Plan{Summary: "Plan " + tag,
		Problems: []careplan.Problem{{Title: "Hypertension", Status: careplan.ProblemExisting, Citations: []string{"C1"}, Rationale: "BP 150/90."}},
		Goals: []careplan.Goal{{Description: "BP below 130/80", DueWithinDays: 90, Citations: []string{"C1"}, Rationale: "ACC/AHA.",
			Targets: []careplan.Target{{MeasureCode: "8480-6", MeasureName: "Systolic BP", Comparator: "<", Value: 130, Unit: "mm[Hg]"}}}},
	}
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: plan, Origin: careplan.OriginModel, Generator: "reviewtest",
		Provider: "test", Model: "model", RecordFingerprint: "fp-" + tag, AsOf: base(), Created: base()}
	rep := &validate.Report{Ran: []string{"grounding"}, Findings: []validate.Finding{
		{RuleID: "grounding.uncited", Severity: validate.SeverityWarning, Category: validate.CategoryGrounding, Message: "uncited"}}}
	return &review.Content{Draft: d, Report: rep, Decision: riskroute.Decision{Tier: riskroute.TierNurseReview, Floor: riskroute.TierNurseReview}}
}

func entryFor(it *review.Item, a review.Action) *review.AuditEntry {
	return &review.AuditEntry{Time: it.Updated, Action: a, ItemID: it.ID, Actor: "reviewtest", Role: riskroute.RoleNurse,
		State: it.State, Tier: it.Tier, ContentHash: it.ContentHash}
}

func insert(t *testing.T, s review.Store, it *review.Item, c *review.Content) *review.AuditEntry {
	t.Helper()
	e, err := s.Apply(t.Context(), &review.Change{Item: it, Content: c, Audit: entryFor(it, review.ActionSubmit)})
	if err != nil {
		t.Fatalf("Apply(insert %s): %v", it.ID, err)
	}
	return e
}

// next returns a copy of it one version on, claimed until base+1h.
func next(it *review.Item) *review.Item {
	n := *it
	n.Version++
	n.Updated = n.Updated.Add(time.Second)
	n.State = review.StateClaimed
	n.Claim = &review.Claim{ItemID: it.ID, Reviewer: review.Reviewer{ID: "rn-1", Role: riskroute.RoleNurse},
		Token: fmt.Sprintf("token-%d", n.Version), Expires: base().Add(time.Hour)}
	return &n
}

func sameJSON(t *testing.T, what string, want, got any) {
	t.Helper()
	w, err1 := json.Marshal(want)
	g, err2 := json.Marshal(got)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: encode: %v %v", what, err1, err2)
	}
	if !bytes.Equal(w, g) {
		t.Errorf("%s differs (-want +got):\n-%s\n+%s", what, w, g)
	}
}

func auditLen(t *testing.T, s review.Store) int {
	t.Helper()
	es, err := s.Audit(t.Context(), 0, 0)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	return len(es)
}

func testInsert(t *testing.T, s review.Store) {
	it, c := newItem("a", 0), newContent("a")
	e := insert(t, s, it, c)
	if e == nil || e.Seq != 1 || e.Prev != "" || e.Hash == "" {
		t.Fatalf("Apply returned entry %+v, want a sealed first entry", e)
	}
	gotIt, gotC, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "item", it, gotIt)
	sameJSON(t, "content", c, gotC)
	es, err := s.Audit(t.Context(), 0, 10)
	if err != nil || len(es) != 1 {
		t.Fatalf("Audit = %d entries, %v; want 1", len(es), err)
	}
	sameJSON(t, "audit entry", e, es[0])
}

func testUpdate(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	insert(t, s, it, newContent("a"))
	n := next(it)
	c2 := newContent("a2")
	e, err := s.Apply(t.Context(), &review.Change{Item: n, Content: c2, Expect: 1, Audit: entryFor(n, review.ActionClaim)})
	if err != nil {
		t.Fatalf("Apply(update): %v", err)
	}
	if e == nil || e.Seq != 2 {
		t.Fatalf("entry %+v, want seq 2", e)
	}
	gotIt, gotC, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "item", n, gotIt)
	sameJSON(t, "content", c2, gotC)
}

func testKeepContent(t *testing.T, s review.Store) {
	it, c := newItem("a", 0), newContent("a")
	insert(t, s, it, c)
	if _, err := s.Apply(t.Context(), &review.Change{Item: next(it), Expect: 1}); err != nil {
		t.Fatalf("Apply(update without content): %v", err)
	}
	_, gotC, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "content kept", c, gotC)
}

func testRelaxed(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	insert(t, s, it, newContent("a"))
	n := next(it)
	e, err := s.Apply(t.Context(), &review.Change{Item: n, Expect: 1, Audit: entryFor(n, review.ActionClaim), Relaxed: true})
	if err != nil {
		t.Fatalf("Apply(relaxed): %v", err)
	}
	if e == nil || e.Seq != 2 {
		t.Fatalf("relaxed change: entry %+v, want seq 2", e)
	}
	stale := next(it)
	if _, err := s.Apply(t.Context(), &review.Change{Item: stale, Expect: 1, Relaxed: true}); !errors.Is(err, review.ErrConflict) {
		t.Errorf("relaxed change to a stale version: err = %v, want ErrConflict", err)
	}
	got, _, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "item after a relaxed change", n, got)
	// A durable change after a relaxed one works as usual.
	n2 := *n
	n2.Version++
	if _, err := s.Apply(t.Context(), &review.Change{Item: &n2, Expect: 2, Audit: entryFor(&n2, review.ActionRenew)}); err != nil {
		t.Fatalf("Apply after a relaxed change: %v", err)
	}
}

func testConflict(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	insert(t, s, it, newContent("a"))
	dup := newItem("a", 5)
	_, err := s.Apply(t.Context(), &review.Change{Item: dup, Content: newContent("dup"), Audit: entryFor(dup, review.ActionSubmit)})
	if !errors.Is(err, review.ErrConflict) {
		t.Errorf("insert of an existing ID: err = %v, want ErrConflict", err)
	}
	n := next(it)
	if _, err := s.Apply(t.Context(), &review.Change{Item: n, Expect: 1, Audit: entryFor(n, review.ActionClaim)}); err != nil {
		t.Fatalf("Apply(update): %v", err)
	}
	stale := next(it) // also version 2, from version 1
	_, err = s.Apply(t.Context(), &review.Change{Item: stale, Content: newContent("stale"), Expect: 1, Audit: entryFor(stale, review.ActionClaim)})
	if !errors.Is(err, review.ErrConflict) {
		t.Errorf("update of a stale version: err = %v, want ErrConflict", err)
	}
	got, gotC, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "item after refused changes", n, got)
	sameJSON(t, "content after refused changes", newContent("a"), gotC)
	if n := auditLen(t, s); n != 2 {
		t.Errorf("audit has %d entries after refused changes, want 2", n)
	}
}

func testNotFound(t *testing.T, s review.Store) {
	if _, _, err := s.Get(t.Context(), "missing"); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("Get(missing): err = %v, want ErrNotFound", err)
	}
	n := next(newItem("missing", 0))
	if _, err := s.Apply(t.Context(), &review.Change{Item: n, Expect: 1, Audit: entryFor(n, review.ActionClaim)}); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("update of a missing item: err = %v, want ErrNotFound", err)
	}
	if n := auditLen(t, s); n != 0 {
		t.Errorf("audit has %d entries, want 0", n)
	}
}

func testInvalid(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	badState := newItem("b", 0)
	badState.State = "limbo"
	other := entryFor(newItem("other", 0), review.ActionSubmit)
	cases := []struct {
		name   string
		change *review.Change
	}{
		{"nil change", nil},
		{"no item", &review.Change{Content: newContent("a")}},
		{"insert without content", &review.Change{Item: it}},
		{"version does not follow expect", &review.Change{Item: it, Content: newContent("a"), Expect: 3}},
		{"item breaks an invariant", &review.Change{Item: badState, Content: newContent("b")}},
		{"entry for another item", &review.Change{Item: it, Content: newContent("a"), Audit: other}},
	}
	for _, c := range cases {
		if _, err := s.Apply(t.Context(), c.change); !errors.Is(err, review.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
	}
	if items, err := s.List(t.Context(), nil); err != nil || len(items) != 0 {
		t.Errorf("List after invalid changes = %d items, %v; want none", len(items), err)
	}
	if n := auditLen(t, s); n != 0 {
		t.Errorf("audit has %d entries after invalid changes, want 0", n)
	}
}

func testNoAudit(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	e, err := s.Apply(t.Context(), &review.Change{Item: it, Content: newContent("a")})
	if err != nil || e != nil {
		t.Fatalf("Apply without entry = %v, %v; want nil, nil", e, err)
	}
	if _, _, err := s.Get(t.Context(), "a"); err != nil {
		t.Errorf("Get: %v", err)
	}
	if n := auditLen(t, s); n != 0 {
		t.Errorf("audit has %d entries, want 0", n)
	}
}

// population returns items in every state and tier, submitted out of
// order, for the List check.
func population() []*review.Item {
	var items []*review.Item
	add := func(id string, minute int, f func(*review.Item)) {
		it := newItem(id, minute)
		f(it)
		items = append(items, it)
	}
	doc := review.Reviewer{ID: "dr-1", Role: riskroute.RolePhysician}
	decided := func(st review.State, at time.Duration) func(*review.Item) {
		return func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy = st, base().Add(at), &doc
			if st.Released() {
				it.Delivery = &review.Delivery{Key: "k-" + it.ID, State: review.DeliveryPending, NotBefore: base().Add(at)}
			}
			if st == review.StateRejected {
				it.Reasons = []review.Reason{review.ReasonOther}
			}
		}
	}
	claimed := func(expires time.Duration) func(*review.Item) {
		return func(it *review.Item) {
			it.State = review.StateClaimed
			it.Claim = &review.Claim{ItemID: it.ID, Reviewer: doc, Token: "t-" + it.ID, Expires: base().Add(expires)}
		}
	}
	add("p3", 3, func(*review.Item) {})
	add("p1", 1, func(it *review.Item) { it.Tier = riskroute.TierPhysicianReview })
	add("p1b", 1, func(*review.Item) {}) // same time as p1: ordered by ID
	add("c-live", 4, claimed(2*time.Hour))
	add("c-expired", 5, claimed(30*time.Minute))
	add("c-edge", 6, claimed(time.Hour)) // expires exactly at the probe time
	add("approved", 7, decided(review.StateApproved, 2*time.Hour))
	add("edited", 8, decided(review.StateApprovedWithEdits, 26*time.Hour))
	add("rejected", 9, decided(review.StateRejected, 3*time.Hour))
	add("auto", 10, decided(review.StateAutoApproved, 10*time.Minute))
	add("delivered", 11, func(it *review.Item) {
		decided(review.StateApproved, time.Hour)(it)
		it.Delivery.State, it.Delivery.Delivered = review.DeliveryDone, base().Add(time.Hour)
	})
	add("later-delivery", 12, func(it *review.Item) {
		decided(review.StateApproved, time.Hour)(it)
		it.Delivery.NotBefore = base().Add(5 * time.Hour)
	})
	return items
}

func testList(t *testing.T, s review.Store) {
	items := population()
	for _, it := range items {
		insert(t, s, it, newContent(it.ID))
	}
	probe := base().Add(time.Hour)
	filters := []struct {
		name string
		f    review.Filter
	}{
		{"everything", review.Filter{}},
		{"one ID", review.Filter{ID: "c-live"}},
		{"unknown ID", review.Filter{ID: "nope"}},
		{"states", review.Filter{States: []review.State{review.StatePending, review.StateRejected}}},
		{"max tier", review.Filter{MaxTier: riskroute.TierNurseReview}},
		{"claimable, lease ending at the probe included", review.Filter{ClaimableAt: probe}},
		{"claimable for a nurse", review.Filter{ClaimableAt: probe, MaxTier: riskroute.TierNurseReview}},
		{"delivery due", review.Filter{DeliveryDueAt: base().Add(2 * time.Hour)}},
		{"decided from", review.Filter{DecidedFrom: base().Add(2 * time.Hour)}},
		{"decided before", review.Filter{DecidedTo: base().Add(2 * time.Hour)}},
		{"decided in a day", review.Filter{DecidedFrom: base(), DecidedTo: base().Add(24 * time.Hour)}},
		{"limit", review.Filter{Limit: 3}},
		{"limit after filtering", review.Filter{States: []review.State{review.StateApproved}, Limit: 1}},
	}
	for _, tc := range filters {
		var want []string
		sorted := slices.Clone(items)
		slices.SortFunc(sorted, review.CompareItems)
		for _, it := range sorted {
			if tc.f.Match(it) {
				want = append(want, it.ID)
			}
		}
		if tc.f.Limit > 0 && len(want) > tc.f.Limit {
			want = want[:tc.f.Limit]
		}
		f := tc.f
		got, err := s.List(t.Context(), &f)
		if err != nil {
			t.Errorf("%s: List: %v", tc.name, err)
			continue
		}
		ids := make([]string, len(got))
		for i, it := range got {
			ids[i] = it.ID
		}
		if !slices.Equal(want, ids) {
			t.Errorf("%s: List = %v, want %v", tc.name, ids, want)
		}
	}
}

func testAudit(t *testing.T, s review.Store) {
	var last *review.AuditEntry
	for i := range 7 {
		last = insert(t, s, newItem(fmt.Sprintf("i%d", i), i), newContent("x"))
	}
	page, err := s.Audit(t.Context(), 2, 3)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	var seqs []uint64
	for _, e := range page {
		seqs = append(seqs, e.Seq)
	}
	if !slices.Equal(seqs, []uint64{3, 4, 5}) {
		t.Errorf("Audit(after 2, limit 3) seqs = %v, want [3 4 5]", seqs)
	}
	if page, err := s.Audit(t.Context(), 7, 10); err != nil || len(page) != 0 {
		t.Errorf("Audit(after the end) = %d entries, %v; want none", len(page), err)
	}
	if all, err := s.Audit(t.Context(), 0, 0); err != nil || len(all) != 7 {
		t.Errorf("Audit(limit 0) = %d entries, %v; want all 7", len(all), err)
	}
	head, err := review.Verify(t.Context(), s, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if head != last.Head() {
		t.Errorf("Verify head = %v, want %v", head, last.Head())
	}
}

func testIsolation(t *testing.T, s review.Store) {
	it, c := newItem("a", 0), newContent("a")
	ch := &review.Change{Item: it, Content: c, Audit: entryFor(it, review.ActionSubmit)}
	e, err := s.Apply(t.Context(), ch)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want, wantC := newItem("a", 0), newContent("a")
	// Changing what was given must not change what is stored.
	it.Rules[0], it.State = "changed", review.StateRejected
	c.Draft.Plan.Problems[0].Title = "changed"
	ch.Audit.Actor = "changed"
	e.Actor = "changed"
	got, gotC, err := s.Get(t.Context(), "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameJSON(t, "item after changing the input", want, got)
	sameJSON(t, "content after changing the input", wantC, gotC)
	// Nor must changing what was returned.
	got.Rules[0], gotC.Draft.Plan.Problems[0].Title = "changed", "changed"
	got2, gotC2, _ := s.Get(t.Context(), "a")
	sameJSON(t, "item after changing a result", want, got2)
	sameJSON(t, "content after changing a result", wantC, gotC2)
	if _, err := review.Verify(t.Context(), s, nil); err != nil {
		t.Errorf("Verify after changing entries given and returned: %v", err)
	}
}

func testCanceled(t *testing.T, s review.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	it := newItem("a", 0)
	if _, err := s.Apply(ctx, &review.Change{Item: it, Content: newContent("a"), Audit: entryFor(it, review.ActionSubmit)}); err == nil {
		t.Error("Apply with a cancelled context succeeded")
	}
	if _, _, err := s.Get(t.Context(), "a"); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("after a cancelled Apply, Get: err = %v, want ErrNotFound", err)
	}
	if n := auditLen(t, s); n != 0 {
		t.Errorf("audit has %d entries after a cancelled Apply, want 0", n)
	}
}

func testConcurrentConflict(t *testing.T, s review.Store) {
	it := newItem("a", 0)
	insert(t, s, it, newContent("a"))
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			c := next(it)
			c.Claim.Reviewer.ID = fmt.Sprintf("rn-%d", i)
			_, errs[i] = s.Apply(t.Context(), &review.Change{Item: c, Expect: 1, Audit: entryFor(c, review.ActionClaim)})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, review.ErrConflict):
			t.Errorf("losing change: err = %v, want ErrConflict", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent changes to one version committed, want exactly 1", won, n)
	}
	if got := auditLen(t, s); got != 2 {
		t.Errorf("audit has %d entries, want 2", got)
	}
}

func testConcurrentAppend(t *testing.T, s review.Store) {
	const workers, each = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	seqs := map[uint64]bool{}
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				it := newItem(fmt.Sprintf("g%d-%d", g, i), i)
				e, err := s.Apply(t.Context(), &review.Change{Item: it, Content: newContent(it.ID), Audit: entryFor(it, review.ActionSubmit)})
				if err != nil {
					t.Errorf("Apply: %v", err)
					return
				}
				mu.Lock()
				if seqs[e.Seq] {
					t.Errorf("sequence number %d returned twice", e.Seq)
				}
				seqs[e.Seq] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	head, err := review.Verify(t.Context(), s, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if head.Seq != workers*each {
		t.Errorf("chain has %d entries, want %d", head.Seq, workers*each)
	}
	items, err := s.List(t.Context(), nil)
	if err != nil || len(items) != workers*each {
		t.Errorf("List = %d items, %v; want %d", len(items), err, workers*each)
	}
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// countSink counts writes per key.
type countSink struct {
	mu   sync.Mutex
	keys map[string]int
}

func (s *countSink) Write(_ context.Context, a *review.Approval) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[a.Key]++
	return nil
}

func testWorkflow(t *testing.T, s review.Store) {
	clk := &clock{t: base()}
	sink := &countSink{keys: map[string]int{}}
	w, err := review.New(s, &review.Options{Now: clk.now, Sink: sink})
	if err != nil {
		t.Fatalf("review.New: %v", err)
	}
	c := newContent("wf")
	it, err := w.Submit(t.Context(), &review.Submission{Subject: "Patient/wf", Draft: c.Draft, Report: c.Report})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	const racers = 8
	claims := make([]*review.Claim, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			claims[i], errs[i] = w.Claim(t.Context(), it.ID, review.Reviewer{ID: fmt.Sprintf("rn-%d", i), Role: riskroute.RoleNurse})
		})
	}
	wg.Wait()
	var held *review.Claim
	for i, err := range errs {
		switch {
		case err == nil && held != nil:
			t.Fatalf("two reviewers hold the claim: %s and %s", held.Reviewer.ID, claims[i].Reviewer.ID)
		case err == nil:
			held = claims[i]
		case !errors.Is(err, review.ErrClaimed):
			t.Errorf("losing claim: err = %v, want ErrClaimed", err)
		}
	}
	if held == nil {
		t.Fatal("no reviewer won the claim")
	}
	got, err := w.Approve(t.Context(), held)
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if got.State != review.StateApproved || got.Delivery == nil || got.Delivery.State != review.DeliveryDone {
		t.Errorf("after Approve: state %s, delivery %+v; want approved and delivered", got.State, got.Delivery)
	}
	if n := sink.keys[got.Delivery.Key]; n != 1 || len(sink.keys) != 1 {
		t.Errorf("sink writes = %v, want one write for %s", sink.keys, got.Delivery.Key)
	}
	if n, err := w.Deliver(t.Context()); n != 0 || err != nil {
		t.Errorf("Deliver after delivery = %d, %v; want 0, nil", n, err)
	}
	head, err := review.Verify(t.Context(), s, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if head.Seq != 4 { // submit, claim, approve, deliver
		t.Errorf("chain has %d entries, want 4", head.Seq)
	}
}

func testReopen(t *testing.T, s review.Store, reopen func(*testing.T, review.Store) review.Store) {
	items := population()
	for _, it := range items {
		insert(t, s, it, newContent(it.ID))
	}
	n := next(items[0])
	if _, err := s.Apply(t.Context(), &review.Change{Item: n, Expect: 1, Audit: entryFor(n, review.ActionClaim)}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	head, err := review.Verify(t.Context(), s, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	before, err := s.List(t.Context(), nil)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	s2 := reopen(t, s)
	if s2 == nil {
		t.Fatal("reviewtest: Reopen returned a nil Store")
	}
	after, err := s2.List(t.Context(), nil)
	if err != nil {
		t.Fatalf("List after reopening: %v", err)
	}
	sameJSON(t, "items after reopening", before, after)
	for _, it := range items[1:] {
		_, c, err := s2.Get(t.Context(), it.ID)
		if err != nil {
			t.Fatalf("Get(%s) after reopening: %v", it.ID, err)
		}
		sameJSON(t, "content after reopening", newContent(it.ID), c)
	}
	if _, err := review.Verify(t.Context(), s2, &head); err != nil {
		t.Errorf("Verify against the head recorded before reopening: %v", err)
	}
}

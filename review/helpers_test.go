package review_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/memstore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// t0 is when the tests' clocks start: a Monday, ISO week 2026-W45.
var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// sink records every call and can be told to fail or to stop the calling
// goroutine, as a crash would.
type sink struct {
	mu          sync.Mutex
	calls       []*review.Approval
	fail        int  // fail this many calls, then succeed
	crash       bool // stop the calling goroutine after writing
	crashBefore bool // stop the calling goroutine before writing
	written     map[string]bool
}

var errSinkDown = errors.New("EHR unavailable")

func (s *sink) Write(_ context.Context, a *review.Approval) error {
	s.mu.Lock()
	s.calls = append(s.calls, a)
	crash := s.crash
	if s.crashBefore {
		s.mu.Unlock()
		runtime.Goexit()
	}
	if s.fail > 0 {
		s.fail--
		s.mu.Unlock()
		return errSinkDown
	}
	if s.written == nil {
		s.written = map[string]bool{}
	}
	s.written[a.Key] = true // idempotent: a repeated key writes nothing new
	s.mu.Unlock()
	if crash {
		runtime.Goexit()
	}
	return nil
}

// keys returns the key of every call, in order.
func (s *sink) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.calls))
	for i, a := range s.calls {
		out[i] = a.Key
	}
	return out
}

func (s *sink) last() *review.Approval {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) == 0 {
		return nil
	}
	return s.calls[len(s.calls)-1]
}

// env is a workflow over a memory store with a settable clock and a
// recording sink.
type env struct {
	w     *review.Workflow
	store *memstore.Store
	clk   *clock
	sink  *sink
	rec   *patient.Record
}

func newEnv(t *testing.T, opts *review.Options) *env {
	t.Helper()
	e := &env{store: memstore.New(), clk: newClock(), sink: &sink{}, rec: fixture.MultiMorbid()}
	var o review.Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = e.clk.Now
	}
	if o.Sink == nil {
		o.Sink = e.sink
	}
	w, err := review.New(e.store, &o)
	require.NoError(t, err)
	e.w = w
	return e
}

var (
	nurse     = review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse}
	nurse2    = review.Reviewer{ID: "rn-bea", Role: riskroute.RoleNurse}
	physician = review.Reviewer{ID: "dr-cho", Role: riskroute.RolePhysician}
)

// nurseDraft is the guideline drafter's plan for the fixture patient: no
// medication change but a continuation, so it needs a nurse.
func (e *env) nurseDraft(t *testing.T) (*careplan.Draft, *validate.Report) {
	t.Helper()
	d, err := careplan.NewGuidelineDrafter(&careplan.DrafterOptions{Now: func() time.Time { return t0 }}).Draft(t.Context(), e.rec)
	require.NoError(t, err)
	return d, e.check(t, d)
}

// physicianDraft proposes starting empagliflozin, so it needs a physician.
func (e *env) physicianDraft(t *testing.T) (*careplan.Draft, *validate.Report) {
	t.Helper()
	d := fixture.Draft(e.rec, fixture.Plan(e.rec))
	return d, e.check(t, d)
}

func (e *env) check(t *testing.T, d *careplan.Draft) *validate.Report {
	t.Helper()
	rep, err := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil).
		Run(t.Context(), &validate.Input{Record: e.rec, Draft: d})
	require.NoError(t, err)
	return rep
}

func (e *env) submit(t *testing.T, d *careplan.Draft, rep *validate.Report) *review.Item {
	t.Helper()
	it, err := e.w.Submit(t.Context(), &review.Submission{Subject: "Patient/example-123", Draft: d, Report: rep})
	require.NoError(t, err)
	return it
}

func (e *env) submitNurse(t *testing.T) *review.Item {
	t.Helper()
	d, rep := e.nurseDraft(t)
	return e.submit(t, d, rep)
}

func (e *env) submitPhysician(t *testing.T) *review.Item {
	t.Helper()
	d, rep := e.physicianDraft(t)
	return e.submit(t, d, rep)
}

func (e *env) claim(t *testing.T, id string, r review.Reviewer) *review.Claim {
	t.Helper()
	c, err := e.w.Claim(t.Context(), id, r)
	require.NoError(t, err)
	return c
}

func (e *env) item(t *testing.T, id string) (*review.Item, *review.Content) {
	t.Helper()
	it, c, err := e.w.Get(t.Context(), id)
	require.NoError(t, err)
	return it, c
}

// actions lists the audit log's actions in order.
func (e *env) actions(t *testing.T) []review.Action {
	t.Helper()
	es, err := e.store.Audit(t.Context(), 0, 0)
	require.NoError(t, err)
	out := make([]review.Action, len(es))
	for i, x := range es {
		out[i] = x.Action
	}
	return out
}

// withStartAdded returns a copy of p with a medication start added.
func withStartAdded(p *careplan.Plan, rec *patient.Record) *careplan.Plan {
	q := p.Clone()
	q.MedicationChanges = append(q.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionStart,
		Medication: "atorvastatin 20 MG Oral Tablet", Dose: "20 mg once daily",
		Citations: []string{fixture.ID(rec, "44054006")}, Rationale: "Diabetes, age 40-75.", Source: "ADA 2025 Section 10"})
	return q
}

// failingValidator cannot complete, as a validator whose knowledge base is
// down.
type failingValidator struct{}

func (failingValidator) Name() string { return "interactions" }

func (failingValidator) Validate(context.Context, *validate.Input) ([]validate.Finding, error) {
	return nil, errors.New("knowledge base unavailable")
}

// nilChecker returns no report at all.
type nilChecker struct{}

func (nilChecker) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return nil, errors.New("checker down")
}

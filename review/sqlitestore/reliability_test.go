package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// corpus is what the reliability workers submit and edit.
type corpus struct {
	rec              *patient.Record
	nurse, physician *review.Submission
	startAdded       *careplan.Plan // the nurse draft with a medication start: needs a physician
	goalChanged      *careplan.Plan // the physician draft with a goal's due date changed
}

func newCorpus(t testing.TB) *corpus {
	c, err := buildCorpus()
	require.NoError(t, err)
	return c
}

func buildCorpus() (*corpus, error) {
	rec := fixture.MultiMorbid()
	runner := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil)
	nd, err := careplan.NewGuidelineDrafter(nil).Draft(context.Background(), rec)
	if err != nil {
		return nil, err
	}
	pd := fixture.Draft(rec, fixture.Plan(rec))
	nrep, err := runner.Run(context.Background(), &validate.Input{Record: rec, Draft: nd})
	if err != nil {
		return nil, err
	}
	prep, err := runner.Run(context.Background(), &validate.Input{Record: rec, Draft: pd})
	if err != nil {
		return nil, err
	}
	start := nd.Plan.Clone()
	start.MedicationChanges = append(start.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionStart,
		Medication: "atorvastatin 20 MG Oral Tablet", Dose: "20 mg daily", Citations: []string{fixture.ID(rec, "44054006")},
		Rationale: "Diabetes, age 40-75.", Source: "ADA 2025 Section 10"})
	goal := pd.Plan.Clone()
	goal.Goals[0].DueWithinDays = 120
	return &corpus{rec: rec,
		nurse:      &review.Submission{Subject: "Patient/r-1", Draft: nd, Report: nrep},
		physician:  &review.Submission{Subject: "Patient/r-2", Draft: pd, Report: prep},
		startAdded: start, goalChanged: goal}, nil
}

// ledger is what the workers know they did.
type ledger struct {
	mu        sync.Mutex
	state     map[string]review.State // the state each item must be in
	entries   uint64                  // audit entries the workers caused
	approvals int                     // approvals that must each reach the sink once
	ops       map[string]int
}

func (l *ledger) record(op string, id string, st review.State, entries uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state[id] = st
	l.entries += entries
	l.ops[op]++
	if st.Released() {
		l.approvals++
	}
}

// TestReliability runs 8 goroutines × 500 mixed operations — submit,
// claim, approve, edit-then-approve (some requeued), reject, release — on
// one SQLite database, then reopens it and checks every item's state, the
// counts, the audit chain and the deliveries.
func TestReliability(t *testing.T) {
	if testing.Short() {
		t.Skip("reliability test skipped in -short mode")
	}
	const workers, opsPerWorker = 8, 500
	path := filepath.Join(t.TempDir(), "review.db")
	st, err := sqlitestore.Open(t.Context(), path, nil)
	require.NoError(t, err)
	sink := &keySink{}
	w, err := review.New(st, &review.Options{Sink: sink})
	require.NoError(t, err)
	c := newCorpus(t)
	led := &ledger{state: map[string]review.State{}, ops: map[string]int{}}

	start := time.Now()
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			who := review.Reviewer{ID: fmt.Sprintf("rn-%d", g), Role: riskroute.RoleNurse}
			if g%2 == 1 {
				who = review.Reviewer{ID: fmt.Sprintf("dr-%d", g), Role: riskroute.RolePhysician}
			}
			var held []*review.Claim
			for range opsPerWorker {
				if err := step(t.Context(), w, c, led, who, rng, &held); err != nil {
					t.Errorf("%s: %v", who.ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	require.False(t, t.Failed())
	head, err := review.Verify(t.Context(), st, nil)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	st2, err := sqlitestore.Open(t.Context(), path, nil)
	require.NoError(t, err)
	defer st2.Close()
	items, err := st2.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, items, len(led.state), "every acknowledged submission is stored, and nothing else")
	counts := map[review.State]int{}
	for _, it := range items {
		want, ok := led.state[it.ID]
		if assert.True(t, ok, "unknown item %s", it.ID) {
			assert.Equal(t, want, it.State, "item %s", it.ID)
		}
		counts[it.State]++
		if it.State.Released() {
			assert.Equal(t, review.DeliveryDone, it.Delivery.State, "item %s delivered", it.ID)
		}
	}
	got, err := review.Verify(t.Context(), st2, &head)
	require.NoError(t, err, "the chain verifies after reopening, against the head taken before")
	assert.Equal(t, head, got)
	assert.Equal(t, led.entries, head.Seq, "one audit entry per action, none lost or extra")
	assert.Len(t, sink.keys, led.approvals, "every approval reached the sink")
	for k, n := range sink.keys {
		assert.Equal(t, 1, n, "key %s written %d times", k, n)
	}
	w2, err := review.New(st2, &review.Options{Sink: sink})
	require.NoError(t, err)
	n, err := w2.Deliver(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left in the outbox")
	t.Logf("%d ops in %v (%.0f ops/s); ops %v; states %v; %d audit entries",
		workers*opsPerWorker, elapsed.Round(time.Millisecond), float64(workers*opsPerWorker)/elapsed.Seconds(), led.ops, counts, head.Seq)
}

// step performs one random operation.
func step(ctx context.Context, w *review.Workflow, c *corpus, led *ledger, who review.Reviewer, rng *rand.Rand, held *[]*review.Claim) error {
	r := rng.Float64()
	if len(*held) > 0 && r < 0.5 {
		cl := (*held)[len(*held)-1]
		*held = (*held)[:len(*held)-1]
		switch x := rng.Float64(); {
		case x < 0.5:
			it, err := w.Approve(ctx, cl)
			if err != nil {
				return fmt.Errorf("approve: %w", err)
			}
			led.record("approve", it.ID, it.State, 2) // approve + deliver
		case x < 0.7:
			it, err := w.Reject(ctx, cl, &review.Feedback{Reasons: []review.Reason{review.ReasonMissingInformation}, ItemIDs: []string{"problem-1"}})
			if err != nil {
				return fmt.Errorf("reject: %w", err)
			}
			led.record("reject", it.ID, it.State, 1)
		case x < 0.9:
			_, content, err := w.Get(ctx, cl.ItemID)
			if err != nil {
				return err
			}
			plan := c.goalChanged
			if content.Draft.Plan.Len() == c.nurse.Draft.Plan.Len() {
				plan = c.startAdded
			}
			it, err := w.ApproveEdited(ctx, cl, plan, c.rec)
			switch {
			case errors.Is(err, review.ErrInsufficientRole):
				led.record("edit-requeued", it.ID, it.State, 1)
			case err != nil:
				return fmt.Errorf("approve edited: %w", err)
			default:
				led.record("edit-approve", it.ID, it.State, 2)
			}
		default:
			if err := w.Release(ctx, cl); err != nil {
				return fmt.Errorf("release: %w", err)
			}
			led.record("release", cl.ItemID, review.StatePending, 1)
		}
		return nil
	}
	if r < 0.75 {
		sub := c.nurse
		if rng.IntN(3) == 0 {
			sub = c.physician
		}
		it, err := w.Submit(ctx, sub)
		if err != nil {
			return fmt.Errorf("submit: %w", err)
		}
		led.record("submit", it.ID, it.State, 1)
		return nil
	}
	cl, err := w.ClaimNext(ctx, who)
	switch {
	case errors.Is(err, review.ErrQueueEmpty):
		return nil
	case err != nil:
		return fmt.Errorf("claim: %w", err)
	}
	*held = append(*held, cl)
	led.record("claim", cl.ItemID, review.StateClaimed, 1)
	return nil
}

package sqlitestore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// keySink acknowledges every write and counts keys, as an idempotent EHR
// adapter would.
type keySink struct {
	mu   sync.Mutex
	keys map[string]int
}

func (s *keySink) Write(_ context.Context, a *review.Approval) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]int{}
	}
	s.keys[a.Key]++
	return nil
}

func benchWorkflow(b *testing.B, sink review.Sink) (*review.Workflow, *review.Submission) {
	b.Helper()
	st, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "review.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	w, err := review.New(st, &review.Options{Sink: sink})
	if err != nil {
		b.Fatal(err)
	}
	rec := fixture.MultiMorbid()
	// fixture.Plan starts a medication: physician review, 11 items.
	return w, &review.Submission{Subject: "Patient/bench", Draft: fixture.Draft(rec, fixture.Plan(rec)),
		Report: &validate.Report{Ran: []string{"grounding"}}}
}

func cycle(ctx context.Context, w *review.Workflow, sub *review.Submission, who review.Reviewer) (*review.Item, error) {
	it, err := w.Submit(ctx, sub)
	if err != nil {
		return nil, err
	}
	c, err := w.Claim(ctx, it.ID, who)
	if err != nil {
		return nil, err
	}
	return w.Approve(ctx, c)
}

// BenchmarkCycle measures one complete review cycle on SQLite: submit a
// draft, claim it, approve it and deliver the approval to the record sink.
// That is three durable transactions (synchronous=FULL) and one relaxed
// one (the delivery outcome).
func BenchmarkCycle(b *testing.B) {
	ctx := b.Context()
	w, sub := benchWorkflow(b, &keySink{})
	doc := review.Reviewer{ID: "dr-bench", Role: riskroute.RolePhysician}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		out, err := cycle(ctx, w, sub, doc)
		if err != nil {
			b.Fatal(err)
		}
		if out.Delivery.State != review.DeliveryDone {
			b.Fatalf("delivery %s", out.Delivery.State)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cycles/s")
}

// BenchmarkCycleOutbox is BenchmarkCycle without a sink: the approval is
// committed to the outbox for a separate delivery worker (three durable
// transactions).
func BenchmarkCycleOutbox(b *testing.B) {
	ctx := b.Context()
	w, sub := benchWorkflow(b, nil)
	doc := review.Reviewer{ID: "dr-bench", Role: riskroute.RolePhysician}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		out, err := cycle(ctx, w, sub, doc)
		if err != nil {
			b.Fatal(err)
		}
		if out.Delivery.State != review.DeliveryPending {
			b.Fatalf("delivery %s", out.Delivery.State)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cycles/s")
}

// BenchmarkCycleParallel runs complete cycles from several goroutines at
// once (each with its own reviewer), as a busy service would.
func BenchmarkCycleParallel(b *testing.B) {
	ctx := b.Context()
	w, sub := benchWorkflow(b, &keySink{})
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(2)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		doc := review.Reviewer{ID: fmt.Sprintf("dr-%d", n.Add(1)), Role: riskroute.RolePhysician}
		for pb.Next() {
			if _, err := cycle(ctx, w, sub, doc); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cycles/s")
}

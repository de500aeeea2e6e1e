package review_test

import (
	"context"
	"testing"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/memstore"
	"github.com/careguard/careguard/riskroute"
)

func BenchmarkCompare(b *testing.B) {
	rec := fixture.MultiMorbid()
	a := fixture.Plan20(rec)
	c := a.Clone()
	c.MedicationChanges = c.MedicationChanges[1:]
	c.Goals[0].DueWithinDays = 120
	c.Monitoring[3].IntervalDays = 30
	b.ReportAllocs()
	for b.Loop() {
		if d := review.Compare(a, c); len(d.Items) != 3 {
			b.Fatalf("%d changes", len(d.Items))
		}
	}
}

// BenchmarkCycleMemory is the review cycle (submit, claim, approve,
// deliver) over the in-memory store: the workflow's own cost.
func BenchmarkCycleMemory(b *testing.B) {
	ctx := b.Context()
	w, err := review.New(memstore.New(), &review.Options{Sink: discardSink{}})
	if err != nil {
		b.Fatal(err)
	}
	rec := fixture.MultiMorbid()
	sub := &review.Submission{Subject: "Patient/bench", Draft: fixture.Draft(rec, fixture.Plan(rec))}
	doc := review.Reviewer{ID: "dr-bench", Role: riskroute.RolePhysician}
	b.ReportAllocs()
	for b.Loop() {
		it, err := w.Submit(ctx, sub)
		if err != nil {
			b.Fatal(err)
		}
		c, err := w.Claim(ctx, it.ID, doc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Approve(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

type discardSink struct{}

func (discardSink) Write(context.Context, *review.Approval) error { return nil }

package careguard_test

import (
	"testing"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// BenchmarkValidateAndRoute is the acceptance target: every shipped
// validator plus the router, for a 20-item plan and a patient with 15
// active medications. Target: median at most 100 µs on a 2-core machine.
func BenchmarkValidateAndRoute(b *testing.B) {
	rec := fixture.Polypharmacy(12) // 12 + 3 active medications
	if n := len(rec.ActiveMedications()); n != 15 {
		b.Fatalf("fixture has %d active medications", n)
	}
	d := fixture.Draft(rec, fixture.Plan20(rec))
	runner := validate.NewRunner(careguard.DefaultValidators(), nil)
	router, err := riskroute.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	in := &validate.Input{Record: rec, Draft: d}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := runner.Run(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		if router.RouteDraft(d, rep).Tier != riskroute.TierPhysicianReview {
			b.Fatal("wrong tier")
		}
	}
}

// BenchmarkEachValidator breaks BenchmarkValidateAndRoute down by
// validator, run alone on the same input.
func BenchmarkEachValidator(b *testing.B) {
	rec := fixture.Polypharmacy(12)
	in := &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan20(rec))}
	for _, v := range careguard.DefaultValidators() {
		b.Run(v.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Validate(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package validate_test

import (
	"testing"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/validate"
)

// BenchmarkCompleteness checks a 20-item plan against a record with a year
// of monthly results: care gaps, addressing, goals.
func BenchmarkCompleteness(b *testing.B) {
	rec := fixture.Polypharmacy(15)
	in := &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan20(rec))}
	c := validate.NewCompleteness(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Validate(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGrounding runs every grounding rule, the free-text ones
// included, on the same plan.
func BenchmarkGrounding(b *testing.B) {
	rec := fixture.Polypharmacy(15)
	in := &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan20(rec))}
	g := validate.NewGrounding(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Validate(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}

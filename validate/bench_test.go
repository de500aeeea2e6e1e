package validate_test

import (
	"testing"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/validate"
)

// BenchmarkRunner runs every shipped rule over a 20-item plan for a patient
// with 15 active medications.
func BenchmarkRunner(b *testing.B) {
	rec := fixture.Polypharmacy(12)
	in := &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan20(rec))}
	r := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Run(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}

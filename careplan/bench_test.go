package careplan_test

import (
	"encoding/json"
	"testing"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
)

// BenchmarkSchemaValidate validates a 20-item plan's raw JSON against the
// full schema.
func BenchmarkSchemaValidate(b *testing.B) {
	s, err := careplan.NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(fixture.Plan20(fixture.MultiMorbid()))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode is the whole reply check: schema, decode and record
// consistency of a 20-item plan.
func BenchmarkDecode(b *testing.B) {
	s, _ := careplan.NewSchema()
	rec := fixture.Polypharmacy(12)
	raw, _ := json.Marshal(fixture.Plan20(rec))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Decode(raw, rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGuidelineDrafter(b *testing.B) {
	d := careplan.NewGuidelineDrafter(nil)
	rec := fixture.Polypharmacy(12)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Draft(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderRecord(b *testing.B) {
	rec := fixture.Polypharmacy(12)
	b.ReportAllocs()
	for b.Loop() {
		_ = careplan.RenderRecord(rec, nil)
	}
}

package caregap_test

import (
	"path/filepath"
	"testing"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/internal/fixture"
)

// BenchmarkEvaluateSynthea evaluates the largest Synthea record (Isaiah
// Schaden, 2 MB, 400 observations). The bundle is decoded outside the loop.
func BenchmarkEvaluateSynthea(b *testing.B) {
	rec := syntheaRecord(b, filepath.Join(syntheaDir(b), "Isaiah_Schaden_b6b36717-6ad2-433d-bf5c-6c77bc2fcd96.json"))
	e, err := caregap.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluatePolypharmacy evaluates a synthetic record with 15 extra
// medications and a year of monthly results; it needs no shared data.
func BenchmarkEvaluatePolypharmacy(b *testing.B) {
	rec := fixture.Polypharmacy(15)
	e, err := caregap.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(rec); err != nil {
			b.Fatal(err)
		}
	}
}

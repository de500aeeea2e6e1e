package fhir_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/careguard/careguard/fhir"
)

// BenchmarkDecodeLargestBundle decodes the largest Synthea bundle
// (Isaiah_Schaden, about 2 MB) into a Record, side by side with
// json.Unmarshal of the same bytes into map[string]any, the baseline a
// caller would otherwise start from.
//
//	go test -run '^$' -bench DecodeLargestBundle -benchmem ./fhir/
func BenchmarkDecodeLargestBundle(b *testing.B) {
	dir := syntheaDir(b)
	data, err := os.ReadFile(filepath.Join(dir, "Isaiah_Schaden_b6b36717-6ad2-433d-bf5c-6c77bc2fcd96.json"))
	if err != nil {
		b.Fatal(err)
	}
	asOf, err := fhir.LatestClinicalDate(b.Context(), data, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fhir.Decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fhir.Decode(b.Context(), data, &fhir.DecodeOptions{AsOf: asOf}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal-map", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package patient_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// benchBuilder returns a builder for a patient with 15 medications, 10
// conditions and 300 observations (a few years of labs and vitals), added
// in a shuffled order.
func benchBuilder() *patient.Builder {
	rng := rand.New(rand.NewPCG(1, 1))
	b := newBuilder()
	for i := range 10 {
		b.AddConditions(patient.Condition{Code: snomed(fmt.Sprint(100000+i), fmt.Sprintf("Condition %d", i)),
			ClinicalStatus: patient.ClinicalActive, Onset: day("2005-01-01").AddDate(0, i*7, 0)})
	}
	for i := range 15 {
		b.AddMedications(patient.Medication{Code: rxnorm(fmt.Sprint(200000+i), fmt.Sprintf("Drug %d 10 MG Oral Tablet", i)),
			Status: patient.MedicationActive, Start: day("2010-01-01").AddDate(0, i*3, 0),
			DailyDose: patient.Quantity{Value: 10, Unit: "mg"}, DoseText: "10 mg daily"})
	}
	labs := []string{"4548-4", "33914-3", "14959-1", "2093-3", "18262-6", "2345-7"}
	var obs []patient.Observation
	start := day("2020-01-01")
	for i := range 300 {
		when := start.AddDate(0, 0, (i/6)*30)
		if i%3 == 0 {
			obs = append(obs, bp(120+float64(rng.IntN(40)), 70+float64(rng.IntN(25)), when.Format(time.DateOnly)))
			continue
		}
		obs = append(obs, lab(loinc(labs[i%len(labs)], ""), float64(rng.IntN(1000))/10, "1", when.Format(time.DateOnly)))
	}
	rng.Shuffle(len(obs), func(i, j int) { obs[i], obs[j] = obs[j], obs[i] })
	return b.AddObservations(obs...)
}

func BenchmarkBuild(b *testing.B) {
	bld := benchBuilder()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bld.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLatestValue(b *testing.B) {
	rec, err := benchBuilder().Build()
	if err != nil {
		b.Fatal(err)
	}
	sbp := terminology.SystolicBP()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := rec.LatestValue(sbp); !ok {
			b.Fatal("no systolic")
		}
	}
}

// BenchmarkFingerprint measures Build and a first Fingerprint, since a
// record computes its fingerprint once.
func BenchmarkFingerprint(b *testing.B) {
	bld := benchBuilder()
	b.ReportAllocs()
	for b.Loop() {
		rec, err := bld.Build()
		if err != nil {
			b.Fatal(err)
		}
		_ = rec.Fingerprint()
	}
}

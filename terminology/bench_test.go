package terminology_test

import (
	"strings"
	"testing"

	"github.com/careguard/careguard/terminology"
)

// note2KB is a synthetic progress note of about 2 KB naming a few drugs.
var note2KB = func() string {
	const para = "Patient seen for follow-up of type 2 diabetes and hypertension. Reports good adherence to " +
		"Metformin 500 mg twice daily and lisinopril 10 mg daily; occasional naproxen sodium for knee pain. " +
		"Started insulin glargine 10 units at bedtime. No hypoglycemia. BP 142/88. Plan: recheck A1c in 3 months. "
	var b strings.Builder
	for b.Len() < 2048 {
		b.WriteString(para)
	}
	return b.String()[:2048]
}()

func BenchmarkFindInText(b *testing.B) {
	d := terminology.DefaultDrugs()
	b.SetBytes(int64(len(note2KB)))
	b.ReportAllocs()
	for b.Loop() {
		if len(d.FindInText(note2KB)) == 0 {
			b.Fatal("no mentions")
		}
	}
}

func BenchmarkIngredientsOf(b *testing.B) {
	d := terminology.DefaultDrugs()
	m := terminology.MedicationCode{Display: "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"}
	b.ReportAllocs()
	for b.Loop() {
		_ = d.IngredientsOf(m)
	}
}

func BenchmarkValueSetContains(b *testing.B) {
	vs := terminology.Diabetes()
	b.ReportAllocs()
	for b.Loop() {
		_ = vs.Contains(terminology.SystemICD10CM, "E11.65")
	}
}

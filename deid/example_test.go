package deid_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/patient"
)

// Example pseudonymizes a record with a note, then restores a plan drafted
// from it. The date shift is fixed here (+40 days) so the output is stable;
// by default it is drawn from crypto/rand for each record.
func Example() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	rec, err := patient.NewBuilder(day("2026-11-01"), nil).
		SetDemographics(patient.Demographics{BirthDate: day("1957-03-14"), Sex: patient.SexFemale}).
		SetIdentity(patient.Identity{
			Name:    patient.HumanName{Given: []string{"Rosalind"}, Family: "Quarterfield"},
			Telecom: []patient.ContactPoint{{Kind: patient.ContactPhone, Value: "614-555-0148"}},
		}).
		AddNotes(patient.Note{Time: day("2026-10-15"),
			Text: "QUARTERFIELD, ROSALIND seen 10/15/2026 with daughter Philippa; call (614) 555-0148. History of Graves disease."}).
		Build()
	if err != nil {
		log.Fatal(err)
	}

	p := deid.New(&deid.Options{Rand: zeros{}, MinShiftDays: 40, MaxShiftDays: 40})
	pseudo, m, err := p.Record(context.Background(), rec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pseudo.Notes()[0].Text)
	fmt.Println(pseudo.Notes()[0].ID == rec.Notes()[0].ID, pseudo.AsOf().Format(time.DateOnly))

	// A model answers with placeholders and shifted dates...
	plan := &careplan.Plan{Summary: "Teach [RELATIVE_1] to help [PATIENT]; reviewed 11/24/2026."}
	restored, err := m.Restore(plan)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(restored.Summary)

	// ...and a placeholder it invents is an error.
	_, err = m.Restore(&careplan.Plan{Summary: "Call [CLINICIAN_3]."})
	fmt.Println(err)
	fmt.Println(m) // never the mapping's content
	// Output:
	// [PATIENT] seen 11/24/2026 with daughter [RELATIVE_1]; call [PHONE_1]. History of Graves disease.
	// true 2026-12-11
	// Teach Philippa to help Rosalind Quarterfield; reviewed 10/15/2026.
	// deid: unknown placeholder [CLINICIAN_3] at /summary: use only the placeholders in the patient record, exactly as written
	// deid.Mapping(redacted)
}

// zeros is a fixed random source for the example: it makes the shift
// positive.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

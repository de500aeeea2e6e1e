package patient_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func Example() {
	loinc := func(code, display string) patient.Code {
		return patient.Code{System: terminology.SystemLOINC, Code: code, Display: display}
	}
	rec, err := patient.NewBuilder(date(2026, time.November, 1), nil).
		SetDemographics(patient.Demographics{BirthDate: date(1950, time.March, 15), Sex: patient.SexFemale}).
		AddConditions(patient.Condition{
			Code:           patient.Code{System: terminology.SystemICD10CM, Code: "E11.9", Display: "Type 2 diabetes mellitus"},
			ClinicalStatus: patient.ClinicalActive, Onset: date(2010, time.May, 1),
		}).
		AddMedications(patient.Medication{
			Code:   patient.Code{System: terminology.SystemRxNorm, Code: "860975", Display: "Metformin 500 MG ER"},
			Status: patient.MedicationActive, Start: date(2010, time.June, 1),
		}).
		AddObservations(
			patient.Observation{Code: loinc("4548-4", "Hemoglobin A1c"), Category: patient.CategoryLaboratory,
				Value: patient.QuantityValue(8.4, "%"), Effective: date(2026, time.July, 15)},
			patient.Observation{Code: loinc("4548-4", "Hemoglobin A1c"), Category: patient.CategoryLaboratory,
				Value: patient.QuantityValue(7.9, "%"), Effective: date(2026, time.January, 15)},
		).
		Build()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("age", rec.Age())
	fmt.Println(rec.FactIDs())
	for _, c := range rec.ActiveConditionsIn(terminology.Diabetes()) {
		fmt.Println(c.ID, c.Code.Display)
	}
	if a1c, ok := rec.LatestObservation(terminology.HbA1c()); ok {
		fmt.Println(a1c.ID, a1c.Effective.Format(time.DateOnly), a1c)
	}
	// Output:
	// age 76
	// [D1 C1 M1 L1 L2]
	// C1 Type 2 diabetes mellitus
	// L2 2026-07-15 8.4 %
}

func ExampleRecord_LatestValue() {
	loinc := func(code string) patient.Code { return patient.Code{System: terminology.SystemLOINC, Code: code} }
	panel := func(sys, dia float64, when time.Time) patient.Observation {
		return patient.Observation{Code: loinc("85354-9"), Category: patient.CategoryVitalSigns, Effective: when,
			Components: []patient.Component{
				{Code: loinc("8480-6"), Value: patient.QuantityValue(sys, "mm[Hg]")},
				{Code: loinc("8462-4"), Value: patient.QuantityValue(dia, "mm[Hg]")},
			}}
	}
	rec, err := patient.NewBuilder(date(2026, time.November, 1), nil).
		SetDemographics(patient.Demographics{BirthDate: date(1950, time.March, 15)}).
		AddObservations(panel(146, 90, date(2026, time.October, 1)), panel(152, 94, date(2026, time.July, 15))).
		Build()
	if err != nil {
		log.Fatal(err)
	}
	// The systolic reading is a component of the blood-pressure panel.
	sys, holder, ok := rec.LatestValue(terminology.SystolicBP())
	fmt.Println(ok, sys, "from", holder.ID, holder.Effective.Format(time.DateOnly), holder)
	// Output:
	// true 146 mm[Hg] from V2 2026-10-01 146 mm[Hg] / 90 mm[Hg]
}

func ExampleBuilder_Build_errors() {
	_, err := patient.NewBuilder(date(2026, time.November, 1), nil).
		SetDemographics(patient.Demographics{BirthDate: date(2030, time.January, 1)}).
		AddConditions(patient.Condition{
			Code:           patient.Code{System: "urn:example:local-problems", Code: "P17"},
			ClinicalStatus: patient.ClinicalActive,
		}).
		AddMedications(patient.Medication{
			Code:      patient.Code{System: terminology.SystemRxNorm, Code: "6809"},
			Status:    patient.MedicationActive,
			DailyDose: patient.Quantity{Value: -500, Unit: "mg"},
		}).
		AddNotes(patient.Note{Time: date(2026, time.October, 1)}).
		Build()
	fmt.Println(err)
	fmt.Println("negative quantity:", errors.Is(err, patient.ErrNegativeQuantity))
	var fe *patient.FieldError
	if errors.As(err, &fe) {
		fmt.Println("first field:", fe.Field)
	}
	// Output:
	// patient: demographics.birth_date: date after as-of date
	// patient: conditions[0].code.system: unknown code system "urn:example:local-problems"
	// patient: medications[0].daily_dose.value: negative quantity
	// patient: notes[0].text: required value missing
	// negative quantity: true
	// first field: demographics.birth_date
}

package caregap_test

import (
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// Evaluate a record and list what is open, with the facts and the source
// each gap rests on.
func ExampleEngine_Evaluate() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	b := patient.NewBuilder(day("2026-11-01"), nil)
	b.SetDemographics(patient.Demographics{BirthDate: day("1968-04-02"), Sex: patient.SexMale})
	b.AddConditions(patient.Condition{Code: terminology.Code{System: terminology.SystemSNOMED, Code: "44054006", Display: "Diabetes mellitus type 2"},
		ClinicalStatus: patient.ClinicalActive, Onset: day("2019-01-10")})
	b.AddObservations(patient.Observation{Code: terminology.Code{System: terminology.SystemLOINC, Code: "4548-4", Display: "Hemoglobin A1c"},
		Category: patient.CategoryLaboratory, Value: patient.QuantityValue(7.9, "%"), Effective: day("2026-05-20")})
	rec, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	e, err := caregap.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	gaps, err := e.Evaluate(rec)
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range caregap.Filter(gaps, caregap.StatusOpen) {
		fmt.Printf("%s, due %s, facts %v\n", g.Title, g.Due.Format(time.DateOnly), g.Facts)
	}
	// Output:
	// HbA1c test, due 2026-08-20, facts [C1 D1 L1]
	// Kidney evaluation (eGFR and UACR), due 2026-11-01, facts [C1]
	// Retinal or dilated eye exam, due 2026-11-01, facts [C1]
	// Statin therapy in diabetes, due 2026-11-01, facts [C1 D1]
	// Colorectal cancer screening, due 2026-11-01, facts [D1]
	// Hepatitis C screening, due 2026-11-01, facts [D1]
}

// GoalFor is the HbA1c goal the engine and the guideline drafter share.
func ExampleGoalFor() {
	for _, age := range []int{58, 72} {
		g := caregap.GoalFor(age)
		fmt.Printf("age %d: HbA1c below %g%%\n", age, g.Value)
	}
	// Output:
	// age 58: HbA1c below 7%
	// age 72: HbA1c below 8%
}

package validate_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

// exampleRecord is a 72-year-old taking simvastatin 20 mg and warfarin,
// with an eGFR of 41.
func exampleRecord() *patient.Record {
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b := patient.NewBuilder(asOf, nil)
	b.SetDemographics(patient.Demographics{BirthDate: time.Date(1954, 3, 2, 0, 0, 0, 0, time.UTC), Sex: patient.SexMale})
	rx := func(code, name string) terminology.Code {
		return terminology.Code{System: terminology.SystemRxNorm, Code: code, Display: name}
	}
	b.AddMedications(
		patient.Medication{Code: rx("312961", "Simvastatin 20 MG Oral Tablet"), Status: patient.MedicationActive, Start: asOf.AddDate(-3, 0, 0)},
		patient.Medication{Code: rx("855332", "Warfarin Sodium 5 MG Oral Tablet"), Status: patient.MedicationActive, Start: asOf.AddDate(-5, 0, 0)},
	)
	b.AddObservations(patient.Observation{
		Code:     terminology.Code{System: terminology.SystemLOINC, Code: "33914-3", Display: "eGFR"},
		Category: patient.CategoryLaboratory, Value: patient.QuantityValue(41, "mL/min/{1.73_m2}"), Effective: asOf.AddDate(0, -1, 0),
	})
	rec, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	return rec
}

// A draft that proposes clarithromycin for a patient on simvastatin gets a
// critical interaction finding naming both (the proposal's item ID and the
// current medication's fact ID); the non-interruptive and older-adult rules
// add what else the reviewer should know, as info.
func ExampleMedicationSafety() {
	rec := exampleRecord()
	plan := &careplan.Plan{Summary: "Treat a chest infection.", MedicationChanges: []careplan.MedicationChange{{
		Action: careplan.ActionStart, Medication: "clarithromycin 500 MG Oral Tablet", Dose: "500 mg twice daily",
		Citations: []string{"D1"}, Rationale: "Community-acquired pneumonia.", Source: "IDSA/ATS 2019",
	}}}
	draft := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: plan, Origin: careplan.OriginModel,
		RecordFingerprint: rec.Fingerprint(), AsOf: rec.AsOf()}

	findings, err := validate.DefaultMedicationSafety().Validate(context.Background(), &validate.Input{Record: rec, Draft: draft})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.RuleID, f.ItemIDs, f.FactIDs)
	}
	// Output:
	// info interaction.onc-ni-24 [] [M1 M2]
	// critical interaction.onc-hp-25 [medication-1] [M2]
	// info older-adult.warfarin [] [M1]
}

// A deployer with a licensed interaction database adapts it to
// InteractionSource; the validator uses it in place of the shipped ONC
// tables, and still runs its contextual, allergy, kidney, older-adult and
// duplicate-therapy rules.
func ExampleNewMedicationSafety_licensedSource() {
	licensed := sourceFunc(func(_ context.Context, drugs [][]string) ([]validate.DrugInteraction, error) {
		// A real adapter looks the RxCUIs up in the licensed database.
		return []validate.DrugInteraction{{A: 0, B: 1, Interaction: validate.Interaction{
			RuleID: "vendor.4711", Severity: validate.SeverityWarning, Summary: "simvastatin with warfarin",
			Mechanism: "may raise INR", Management: "Monitor INR when starting or changing the statin.",
			Source: terminology.Source{Citation: "Vendor interaction database, release 2026-10"},
		}}}, nil
	})
	ms, err := validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Interactions: licensed})
	if err != nil {
		log.Fatal(err)
	}
	rec := exampleRecord()
	draft := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{Summary: "Review."},
		RecordFingerprint: rec.Fingerprint(), AsOf: rec.AsOf()}
	findings, err := ms.Validate(context.Background(), &validate.Input{Record: rec, Draft: draft})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.RuleID, "-", f.Source.Citation)
	}
	// Output:
	// warning vendor.4711 - Vendor interaction database, release 2026-10
	// info older-adult.warfarin - 2023 AGS Beers Criteria for potentially inappropriate medication use in older adults (American Geriatrics Society Beers Criteria Update Expert Panel. J Am Geriatr Soc 2023;71(7):2052-81), warfarin
}

// sourceFunc adapts a function to validate.InteractionSource.
type sourceFunc func(context.Context, [][]string) ([]validate.DrugInteraction, error)

func (f sourceFunc) Interactions(ctx context.Context, drugs [][]string) ([]validate.DrugInteraction, error) {
	return f(ctx, drugs)
}

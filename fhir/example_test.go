package fhir_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

func ExampleDecode() {
	data, err := os.ReadFile(filepath.Join("testdata", "fixtures", "collection.json"))
	if err != nil {
		log.Fatal(err)
	}
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) // explicit: never the wall clock
	res, err := fhir.Decode(context.Background(), data, &fhir.DecodeOptions{AsOf: asOf})
	if err != nil {
		log.Fatal(err)
	}
	rec := res.Record
	fmt.Println("patient:", res.Patient, "age", rec.Age())
	for _, m := range rec.ActiveMedications() {
		fmt.Println(m.ID, m.Code.Code, "from", m.SourceID)
	}
	a1c, _, _ := rec.LatestValue(terminology.HbA1c())
	fmt.Println("latest HbA1c:", a1c)
	for _, n := range res.Notices {
		if n.Excluded {
			fmt.Println("left out:", n.ResourceType, n.ID, n.Reason)
		}
	}
	fmt.Println("kept raw:", len(res.Other))
	// Output:
	// patient: Patient/p1 age 74
	// M1 860975 from MedicationRequest/mr-met
	// M2 314076 from MedicationStatement/ms-lis
	// latest HbA1c: 8.1 %
	// left out: Condition c-refuted refuted
	// left out: Condition c-error entered-in-error
	// left out: MedicationStatement ms-nottaken not-taken
	// left out: Observation o-future after-as-of
	// left out: Observation o-novalue no-value
	// kept raw: 3
}

func ExampleExport() {
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("testdata", "fixtures", "collection.json"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := fhir.Decode(ctx, data, &fhir.DecodeOptions{AsOf: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	drafter := careplan.NewGuidelineDrafter(&careplan.DrafterOptions{Now: func() time.Time { return time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC) }})
	d, err := drafter.Draft(ctx, res.Record)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil).Run(ctx, &validate.Input{Record: res.Record, Draft: d})
	if err != nil {
		log.Fatal(err)
	}
	router, err := riskroute.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	b, err := fhir.Export(&fhir.ExportInput{Record: res.Record, Draft: d, Report: rep, Decision: router.RouteDraft(d, rep), Patient: res.Patient}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range b.Entry {
		r, err := fhir.ParseResource(e.Resource)
		if err != nil {
			log.Fatal(err)
		}
		switch x := r.(type) {
		case *fhir.CarePlan:
			fmt.Println("CarePlan", x.Status, x.Intent, "addresses", len(x.Addresses))
		case *fhir.Task:
			fmt.Println("Task", x.Status, x.PerformerType[0].Text)
		default:
			fmt.Println(r.Header().ResourceType)
		}
	}
	// Output:
	// CarePlan draft proposal addresses 2
	// Goal
	// Goal
	// Task requested nurse
	// Provenance
}

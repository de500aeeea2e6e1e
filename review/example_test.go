package review_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/memstore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

// chart is a record sink that prints what it would write; a real one
// writes to the EHR with a conditional create on the key.
type chart struct{}

func (chart) Write(_ context.Context, a *review.Approval) error {
	fmt.Printf("chart: %s plan approved by %s (%s), %d items\n", a.State, a.Approver.ID, a.Approver.Role, a.Draft.Plan.Len())
	return nil
}

// examplePatient builds a small synthetic record: type 2 diabetes and
// hypertension on metformin.
func examplePatient() *patient.Record {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	b := patient.NewBuilder(day("2026-11-01"), nil)
	b.SetDemographics(patient.Demographics{BirthDate: day("1961-05-20"), Sex: patient.SexMale})
	b.AddConditions(
		patient.Condition{Code: terminology.Code{System: terminology.SystemSNOMED, Code: "44054006", Display: "Diabetes mellitus type 2"},
			ClinicalStatus: patient.ClinicalActive, Onset: day("2015-01-10")},
		patient.Condition{Code: terminology.Code{System: terminology.SystemSNOMED, Code: "38341003", Display: "Hypertensive disorder"},
			ClinicalStatus: patient.ClinicalActive, Onset: day("2012-03-02")},
	)
	b.AddMedications(patient.Medication{Code: terminology.Code{System: terminology.SystemRxNorm, Code: "860975",
		Display: "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"}, Status: patient.MedicationActive, Start: day("2015-02-01")})
	b.AddObservations(patient.Observation{Code: terminology.Code{System: terminology.SystemLOINC, Code: "4548-4", Display: "Hemoglobin A1c"},
		Category: patient.CategoryLaboratory, Value: patient.QuantityValue(7.9, "%"), Effective: day("2026-10-01")})
	rec, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	return rec
}

// draft drafts a plan with the guideline rules and validates it.
func draft(ctx context.Context, rec *patient.Record) (*careplan.Draft, *validate.Report) {
	d, err := careplan.NewGuidelineDrafter(nil).Draft(ctx, rec)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil).Run(ctx, &validate.Input{Record: rec, Draft: d})
	if err != nil {
		log.Fatal(err)
	}
	return d, rep
}

func Example() {
	ctx := context.Background()
	store := memstore.New()
	w, err := review.New(store, &review.Options{Sink: chart{}})
	if err != nil {
		log.Fatal(err)
	}
	d, rep := draft(ctx, examplePatient())
	it, err := w.Submit(ctx, &review.Submission{Subject: "Patient/example", Draft: d, Report: rep})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued for", it.Tier)

	rn := review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse}
	claim, err := w.ClaimNext(ctx, rn)
	if err != nil {
		log.Fatal(err)
	}
	it, err = w.Approve(ctx, claim)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("state:", it.State, "delivery:", it.Delivery.State)

	head, err := review.Verify(ctx, store, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("audit entries:", head.Seq)
	// Output:
	// queued for nurse_review
	// chart: approved plan approved by rn-ada (nurse), 15 items
	// state: approved delivery: delivered
	// audit entries: 4
}

func ExampleWorkflow_ApproveEdited() {
	ctx := context.Background()
	w, err := review.New(memstore.New(), &review.Options{Sink: chart{}})
	if err != nil {
		log.Fatal(err)
	}
	rec := examplePatient()
	d, rep := draft(ctx, rec)
	it, err := w.Submit(ctx, &review.Submission{Subject: "Patient/example", Draft: d, Report: rep})
	if err != nil {
		log.Fatal(err)
	}

	// A nurse adds a medication start. Starting a drug needs a physician,
	// so the approval is refused and the edit goes to the physician queue.
	claim, err := w.Claim(ctx, it.ID, review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse})
	if err != nil {
		log.Fatal(err)
	}
	edited := d.Plan.Clone()
	edited.MedicationChanges = append(edited.MedicationChanges, careplan.MedicationChange{
		Action: careplan.ActionStart, Medication: "atorvastatin 20 MG Oral Tablet", Dose: "20 mg daily",
		Citations: []string{edited.Problems[0].Citations[0]}, Rationale: "Diabetes, age 40-75.", Source: "ADA 2025 Section 10"})
	it, err = w.ApproveEdited(ctx, claim, edited, rec)
	var re *review.RoleError
	if errors.As(err, &re) && re.Requeued {
		fmt.Println("refused; now", it.State, "for", it.Tier)
	}

	claim, err = w.ClaimNext(ctx, review.Reviewer{ID: "dr-cho", Role: riskroute.RolePhysician})
	if err != nil {
		log.Fatal(err)
	}
	it, err = w.Approve(ctx, claim)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("added %d, clinical %d, substantial %t\n", it.Changes.Added, it.Changes.Clinical, it.Changes.Substantial)
	// Output:
	// refused; now pending for physician_review
	// chart: approved_with_edits plan approved by dr-cho (physician), 16 items
	// added 1, clinical 1, substantial true
}

func ExampleCompare() {
	old := &careplan.Plan{
		Summary: "Diabetes above goal.",
		MedicationChanges: []careplan.MedicationChange{
			{Action: careplan.ActionStart, Medication: "empagliflozin 10 MG", Dose: "10 mg daily"},
			{Action: careplan.ActionContinue, Medication: "metformin 500 MG", RxNorm: "860975", CurrentMedicationID: "M1"},
		},
		Monitoring: []careplan.Monitoring{{MeasureCode: "4548-4", MeasureName: "HbA1c", IntervalDays: 90}},
	}
	edited := old.Clone()
	edited.MedicationChanges = edited.MedicationChanges[1:]      // drop the start
	edited.MedicationChanges[0].Action = careplan.ActionIncrease // and raise the metformin dose
	edited.MedicationChanges[0].Dose = "1000 mg daily"
	d := review.Compare(old, edited)
	for _, c := range d.Items {
		fmt.Printf("%s %s -> %s clinical=%t", c.Op, c.OldID, c.NewID, c.Clinical)
		for _, f := range c.Fields {
			fmt.Printf(" %s: %s => %s", f.Field, f.Old, f.New)
		}
		fmt.Println()
	}
	fmt.Printf("%+v\n", d.Changes())
	// Output:
	// changed medication-2 -> medication-1 clinical=true action: "continue" => "increase_dose" dose: "" => "1000 mg daily"
	// removed medication-1 ->  clinical=true
	// {Base:3 Added:0 Removed:1 Changed:1 Clinical:2 Summary:false Substantial:true}
}

func ExampleVerify() {
	ctx := context.Background()
	store := memstore.New()
	w, err := review.New(store, nil)
	if err != nil {
		log.Fatal(err)
	}
	d, rep := draft(ctx, examplePatient())
	it, err := w.Submit(ctx, &review.Submission{Subject: "Patient/example", Draft: d, Report: rep})
	if err != nil {
		log.Fatal(err)
	}
	claim, err := w.Claim(ctx, it.ID, review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Reject(ctx, claim, &review.Feedback{Reasons: []review.Reason{review.ReasonMissingInformation}}); err != nil {
		log.Fatal(err)
	}

	// Verify the chain and keep its head outside the store; later runs
	// check against it, which also detects truncation.
	head, err := review.Verify(ctx, store, nil)
	if err != nil {
		log.Fatal(err)
	}
	entries, _ := store.Audit(ctx, 0, 0)
	for _, e := range entries {
		fmt.Println(e.Seq, e.Action, e.Actor, e.State)
	}
	_, err = review.Verify(ctx, store, &head)
	fmt.Println("against the kept head:", err)
	_, err = review.Verify(ctx, store, &review.Head{Seq: head.Seq + 1, Hash: head.Hash})
	fmt.Println("against a longer head:", errors.Is(err, review.ErrTampered))
	// Output:
	// 1 submit careguard pending
	// 2 claim rn-ada claimed
	// 3 reject rn-ada rejected
	// against the kept head: <nil>
	// against a longer head: true
}

func ExampleParseFeedback() {
	fb, err := review.ParseFeedback([]byte(`{"reasons": ["unsafe_recommendation", "other"],
		"text": "Metformin dose too high for eGFR 38.", "item_ids": ["medication-1"]}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fb.Reasons, fb.ItemIDs)
	_, err = review.ParseFeedback([]byte(`{"reasons": ["other"]}`))
	fmt.Println(err)
	// Output:
	// [other unsafe_recommendation] [medication-1]
	// review: invalid feedback.text: required when the reason is "other"
}

func ExampleWorkflow_Stats() {
	ctx := context.Background()
	w, err := review.New(memstore.New(), nil)
	if err != nil {
		log.Fatal(err)
	}
	rn := review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse}
	rec := examplePatient()
	for i := range 4 {
		d, rep := draft(ctx, rec)
		if _, err := w.Submit(ctx, &review.Submission{Subject: "Patient/example", Draft: d, Report: rep}); err != nil {
			log.Fatal(err)
		}
		claim, err := w.ClaimNext(ctx, rn)
		if err != nil {
			log.Fatal(err)
		}
		if i == 3 {
			_, err = w.Reject(ctx, claim, &review.Feedback{Reasons: []review.Reason{review.ReasonToneReadability}})
		} else {
			_, err = w.Approve(ctx, claim)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	s, err := w.Stats(ctx, time.Time{}, time.Time{})
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range s.ByKind {
		fmt.Printf("%s: reviewed %d, approval rate %.2f, substantial-revision rate %.2f\n",
			g.Key, g.Reviewed(), g.ApprovalRate, g.SubstantialRate)
	}
	// Output:
	// care_plan: reviewed 4, approval rate 0.75, substantial-revision rate 0.00
}

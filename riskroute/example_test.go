package riskroute_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func ExampleRouter_Route() {
	router, err := riskroute.New(nil) // the safety floor alone
	if err != nil {
		log.Fatal(err)
	}
	clean := &validate.Report{Ran: []string{"grounding"}}

	// An appointment reminder with only administrative items auto-approves.
	reminder := riskroute.Content{Kind: riskroute.ContentAppointmentReminder, Items: []riskroute.Item{
		{ID: "visit-1", Kind: riskroute.ItemAdministrative},
	}}
	d := router.Route(reminder, clean)
	fmt.Println("reminder:", d.Tier, d.Notify)

	// A care plan that starts a medication goes to a physician.
	draft := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{
		Problems: []careplan.Problem{{Title: "Type 2 diabetes", Status: careplan.ProblemExisting}},
		MedicationChanges: []careplan.MedicationChange{
			{Action: careplan.ActionContinue, Medication: "metformin 500 mg"},
			{Action: careplan.ActionStart, Medication: "atorvastatin 20 mg"},
		},
	}}
	rep := &validate.Report{Ran: []string{"grounding", "interactions"}, Findings: []validate.Finding{
		{RuleID: "ddi.statin-fibrate", Severity: validate.SeverityWarning, Category: validate.CategoryInteraction},
	}}
	d = router.RouteDraft(draft, rep)
	fmt.Println("care plan:", d.Tier, d.Notify)
	for _, r := range d.Reasons {
		fmt.Printf("  %-16s <- %s\n", r.Tier, r.Message)
	}
	// Output:
	// reminder: auto_approve []
	// care plan: physician_review [pharmacist physician]
	//   nurse_review     <- content kind care_plan
	//   nurse_review     <- problem-1 is a problem item
	//   nurse_review     <- medication-1 is a medication_continue item
	//   physician_review <- medication-2 is a medication_start item
	//   nurse_review     <- warning finding ddi.statin-fibrate
}

func ExampleParsePolicy() {
	// A deployer that wants every draft seen by a clinician.
	p, err := riskroute.ParsePolicy([]byte(`{"name": "no-auto-approval/1", "minimum_tier": "nurse_review"}`))
	if err != nil {
		log.Fatal(err)
	}
	router, err := riskroute.New(p)
	if err != nil {
		log.Fatal(err)
	}
	reminder := riskroute.Content{Kind: riskroute.ContentAppointmentReminder}
	d := router.Route(reminder, &validate.Report{Ran: []string{"grounding"}})
	fmt.Printf("reminder: %s (floor %s, policy %s)\n", d.Tier, d.Floor, d.Policy)

	// A policy cannot lower a tier below the safety floor.
	_, err = riskroute.ParsePolicy([]byte(`{"content_kinds": {"medication_change": "nurse_review"}}`))
	fmt.Println(errors.Is(err, riskroute.ErrPolicyLowers))
	var pe *riskroute.PolicyError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field)
	}
	fmt.Println(err)
	// Output:
	// reminder: nurse_review (floor auto_approve, policy no-auto-approval/1)
	// true
	// content_kinds.medication_change
	// riskroute: policy: content_kinds.medication_change: riskroute: policy would lower a tier below its floor: nurse_review is below the floor physician_review
}

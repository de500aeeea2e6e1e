package validate_test

import (
	"context"
	"fmt"
	"log"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/validate"
)

// A plan that misstates the latest HbA1c and leaves the diabetic eye exam
// unaddressed: grounding reports the misstatement as critical, completeness
// the open care gap as a warning.
func ExampleNewCompleteness() {
	rec := fixture.MultiMorbid() // latest HbA1c 8.1% on 2026-10-01; no eye exam on record
	p := &careplan.Plan{
		Summary: "Type 2 diabetes with HbA1c 6.8%, well controlled.",
		Problems: []careplan.Problem{{Title: "Type 2 diabetes", Status: careplan.ProblemExisting,
			Citations: []string{fixture.ID(rec, "44054006")}, Rationale: "Documented."}},
	}
	d := fixture.Draft(rec, p)
	r := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil), validate.NewCompleteness(nil)}, nil)
	rep, err := r.Run(context.Background(), &validate.Input{Record: rec, Draft: d})
	if err != nil {
		log.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			fmt.Println(f.Severity, f.RuleID)
		}
	}
	// Output:
	// critical grounding.lab-value-mismatch
	// warning completeness.care-gap-unaddressed
}

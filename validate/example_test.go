package validate_test

import (
	"context"
	"fmt"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/validate"
)

// A draft that continues a medication the patient stopped, and cites a lab
// result that does not exist, gets two critical findings.
func ExampleRunner_Run() {
	rec := fixture.MultiMorbid()
	plan := fixture.Plan(rec)
	plan.MedicationChanges[1].CurrentMedicationID = fixture.ID(rec, "849574") // naproxen, stopped
	plan.MedicationChanges[1].Medication, plan.MedicationChanges[1].RxNorm = "naproxen sodium 220 MG", "849574"
	plan.Goals[0].Citations = append(plan.Goals[0].Citations, "L99")

	runner := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil)
	rep, err := runner.Run(context.Background(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, plan)})
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Findings {
		fmt.Println(f)
	}
	fmt.Println("complete:", rep.Complete(), "max:", rep.Max())
	// Output:
	// critical grounding.medication-not-active: medication-2 treats it as current, but M3 (Naproxen sodium 220 MG Oral Tablet) is stopped in the record, not active. [items medication-2] [facts M3]
	// critical grounding.unknown-fact: goal-1 cites L99, which is not in the record. [items goal-1] [facts L99]
	// complete: true max: critical
}

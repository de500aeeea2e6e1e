package careplan_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/providers/fake"
)

// A model's first reply breaks the schema and cites a fact the record does
// not have; the generator re-asks with the exact violations and accepts the
// repaired reply.
func ExampleGenerator_Draft() {
	rec := fixture.MultiMorbid()
	good, _ := json.Marshal(fixture.Plan(rec))
	p := fixture.Plan(rec)
	p.Goals[0].Citations = []string{"L99"}
	bad, _ := json.Marshal(p)

	model := fake.New(fake.Reply(string(bad)), fake.Reply(string(good)))
	gen, err := careplan.NewGenerator(model, nil)
	if err != nil {
		panic(err)
	}
	d, err := gen.Draft(context.Background(), rec)
	if err != nil {
		panic(err)
	}
	for _, a := range d.Attempts {
		fmt.Println(a.N, a.Outcome, a.Violations)
	}
	fmt.Println(d.Plan.MedicationChanges[0].Action, d.Plan.MedicationChanges[0].Medication)
	// Output:
	// 1 invalid [at '/goals/0/citations/0': unknown fact ID "L99": cite only IDs listed in the patient record]
	// 2 accepted []
	// start empagliflozin 10 MG Oral Tablet
}

// Without a model, the guideline drafter builds a cited plan from rules.
func ExampleGuidelineDrafter_Draft() {
	d, err := careplan.NewGuidelineDrafter(nil).Draft(context.Background(), fixture.MultiMorbid())
	if err != nil {
		panic(err)
	}
	for _, it := range d.Plan.Items()[:4] {
		fmt.Printf("%s: %s %v\n", it.ID, it.Text, it.Citations)
	}
	// Output:
	// problem-1: Type 2 diabetes mellitus [C2 L3]
	// problem-2: Hypertension [C1 V1]
	// problem-3: Chronic kidney disease [C4 L5 L4]
	// goal-1: HbA1c below 8% [C2 D1 L3]
}

func ExampleExtractJSON() {
	raw, err := careplan.ExtractJSON("Here is the plan:\n```json\n{\"summary\": \"...\"}\n```")
	fmt.Println(string(raw), err)
	_, err = careplan.ExtractJSON("I can't help with that.")
	fmt.Println(errors.Is(err, careplan.ErrNotJSON))
	// Output:
	// {"summary": "..."} <nil>
	// true
}

func ExampleMakeStrict() {
	strict, err := careplan.MakeStrict([]byte(`{"type":"object","properties":{"dose":{"type":"string","maxLength":50}}}`))
	fmt.Println(string(strict), err)
	// Output:
	// {"type":"object","properties":{"dose":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["dose"],"additionalProperties":false} <nil>
}

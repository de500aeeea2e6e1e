package careguard_test

import (
	"context"
	"fmt"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/internal/fixture"
)

// With no options the pipeline drafts with the guideline rules, validates
// and routes; a care plan needs at least a nurse.
func Example() {
	p, err := careguard.New(nil)
	if err != nil {
		panic(err)
	}
	res, err := p.Run(context.Background(), fixture.MultiMorbid())
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Draft.Origin, len(res.Draft.Plan.Items()), "items")
	fmt.Println(len(res.Report.Findings), "findings")
	fmt.Println(res.Decision.Tier, res.Decision.Notify)
	// Output:
	// guideline 20 items
	// 1 findings
	// nurse_review [nurse]
}

package riskroute_test

import (
	"testing"

	"github.com/careguard/careguard/careplan"
	rr "github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// BenchmarkRouterRoute routes a 20-item care plan with five findings under
// a small policy.
func BenchmarkRouterRoute(b *testing.B) {
	p := &careplan.Plan{}
	for range 3 {
		p.Problems = append(p.Problems, careplan.Problem{Status: careplan.ProblemExisting})
		p.Goals = append(p.Goals, careplan.Goal{})
		p.Interventions = append(p.Interventions, careplan.Intervention{Category: careplan.InterventionSocial})
		p.MedicationChanges = append(p.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionContinue})
		p.Monitoring = append(p.Monitoring, careplan.Monitoring{})
		p.Tasks = append(p.Tasks, careplan.Task{AssigneeRole: careplan.RoleNurse})
	}
	p.MedicationChanges = append(p.MedicationChanges, careplan.MedicationChange{Action: careplan.ActionStart})
	p.Referrals = append(p.Referrals, careplan.Referral{})
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: p}
	if n := p.Len(); n != 20 {
		b.Fatalf("plan has %d items, want 20", n)
	}
	rep := &validate.Report{Ran: []string{"grounding", "interactions"}, Findings: []validate.Finding{
		{RuleID: "ddi.a", Severity: validate.SeverityCritical, Category: validate.CategoryInteraction},
		{RuleID: "grounding.b", Severity: validate.SeverityWarning, Category: validate.CategoryGrounding},
		{RuleID: "guideline.c", Severity: validate.SeverityWarning, Category: validate.CategoryGuideline},
		{RuleID: "readability.d", Severity: validate.SeverityInfo, Category: validate.CategoryReadability},
		{RuleID: "sdoh.e", Severity: validate.SeverityInfo, Category: validate.CategorySocialNeed},
	}}
	r, err := rr.New(&rr.Policy{MinimumTier: rr.TierNurseReview, Rules: map[string]rr.Tier{"guideline.c": rr.TierPhysicianReview}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("RouteDraft", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.RouteDraft(d, rep)
		}
	})
	c := rr.ContentOf(d)
	b.Run("Route", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.Route(c, rep)
		}
	})
}

package validate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

// textField says where a test writes free text in the fixture plan.
type textField int

const (
	inIntervention textField = iota // interventions[0].description
	inTask                          // tasks[0].description
	inSummary                       // the summary
)

func withText(where textField, text string) func(*careplan.Plan) {
	return func(p *careplan.Plan) {
		switch where {
		case inIntervention:
			p.Interventions[0].Description = text
		case inTask:
			p.Tasks[0].Description = text
		case inSummary:
			p.Summary = text
		}
	}
}

// TestGroundingTextOrders: a medication order written in free text rather
// than as a medication change is critical (a warning for "avoid" a current
// drug), because routing reads only medication_changes; statements,
// negations, advice and orders the structured changes already make are
// not orders. The fixture patient takes lisinopril, metformin and
// warfarin; naproxen was stopped; the plan starts empagliflozin.
func TestGroundingTextOrders(t *testing.T) {
	rec := fixture.MultiMorbid()
	type hit struct {
		sev  validate.Severity
		item string
	}
	crit := func(item string) []hit { return []hit{{validate.SeverityCritical, item}} }
	tests := []struct {
		name   string
		where  textField
		text   string
		want   []hit
		reason string
	}{
		{"start in an intervention", inIntervention, "Start naproxen 500 mg twice daily for knee pain", crit("intervention-1"),
			"a new NSAID written as an intervention"},
		{"stop in a task", inTask, "Nurse to stop warfarin before the procedure", crit("task-1"), "stopping an anticoagulant"},
		{"dose change", inIntervention, "Increase the dose of lisinopril to 20 mg", crit("intervention-1"), "a dose change"},
		{"hold, passive", inTask, "Metformin should be held before the contrast scan", crit("task-1"), "a hold written in the passive"},
		{"start in the summary", inSummary, "Begin aspirin 81 mg daily and walk more.", crit(""), "the summary is free text too"},
		{"switch", inIntervention, "Switch from warfarin to apixaban", []hit{{validate.SeverityCritical, "intervention-1"}, {validate.SeverityCritical, "intervention-1"}},
			"a switch stops one drug and starts another"},
		{"conditional order", inTask, "Hold metformin if she cannot eat", crit("task-1"), "a conditional order is still an order for a physician"},
		{"avoid a current drug", inIntervention, "Avoid warfarin while the INR is high", []hit{{validate.SeverityWarning, "intervention-1"}},
			"avoiding a current drug stops it"},

		{"negated start", inIntervention, "Do not start naproxen; it interacts with warfarin", nil, "a prohibition is not an order"},
		{"avoid advice", inIntervention, "Avoid NSAIDs such as ibuprofen", nil, "advice about a drug she does not take"},
		{"take what she takes", inIntervention, "Take metformin with food", nil, "she already takes it"},
		{"history", inIntervention, "Naproxen was stopped in 2018", nil, "a statement about the record"},
		{"pharmacology", inIntervention, "Aspirin increases the effect of warfarin", nil, "a statement, not an order"},
		{"structured start restated", inIntervention, "Start empagliflozin 10 mg daily as planned", nil,
			"the medication changes already start it"},
		{"no drug", inIntervention, "Walk 30 minutes five days a week", nil, "the fixture's own text"},
	}
	g := validate.NewGrounding(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			withText(tt.where, tt.text)(p)
			fs, err := g.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p)})
			require.NoError(t, err)
			var got []hit
			for _, f := range fs {
				if f.RuleID != validate.RuleMedicationChangeInText {
					continue
				}
				item := ""
				if len(f.ItemIDs) > 0 {
					item = f.ItemIDs[0]
				}
				got = append(got, hit{f.Severity, item})
				assert.NotEmpty(t, f.Source.Citation)
				assert.NotEmpty(t, f.Suggestion)
			}
			assert.Equal(t, tt.want, got, "%s%s", tt.reason, dumpFindings(fs))
		})
	}
}

// TestTextStartsAreSafetyChecked: a start written in free text is checked
// by MedicationSafety as a proposed start (naproxen with the patient's
// warfarin), and the default validators route the draft to a physician.
func TestTextStartsAreSafetyChecked(t *testing.T) {
	rec := fixture.MultiMorbid()
	router, err := riskroute.New(nil)
	require.NoError(t, err)
	runner := validate.NewRunner(validate.DefaultValidators(), nil)
	tests := []struct {
		name      string
		text      string
		wantRule  string // a MedicationSafety rule expected, "" for none
		wantTier  riskroute.Tier
		reasoning string
	}{
		{"naproxen with warfarin", "Start naproxen 500 mg twice daily for knee pain", validate.RuleWarfarinNSAID, riskroute.TierPhysicianReview,
			"the interaction is found although no medication change names naproxen"},
		{"prohibition", "Do not start naproxen; it interacts with warfarin", "", riskroute.TierNurseReview,
			"the text forbids the drug: no start to check, and the plan stays a nurse's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			p.MedicationChanges = p.MedicationChanges[1:] // only the continue: a plan a nurse reviews
			withText(inIntervention, tt.text)(p)
			d := fixture.Draft(rec, p)
			msv, err := validate.NewMedicationSafety(nil)
			require.NoError(t, err)
			ms, err := msv.Validate(t.Context(), &validate.Input{Record: rec, Draft: d})
			require.NoError(t, err)
			var rules []string
			for _, f := range ms {
				rules = append(rules, f.RuleID)
			}
			if tt.wantRule != "" {
				assert.Contains(t, rules, tt.wantRule, tt.reasoning)
			} else {
				assert.NotContains(t, rules, validate.RuleWarfarinNSAID, tt.reasoning)
			}
			rep, err := runner.Run(t.Context(), &validate.Input{Record: rec, Draft: d})
			require.NoError(t, err)
			dec := router.RouteDraft(d, rep)
			assert.Equal(t, tt.wantTier, dec.Tier, "%s: %v", tt.reasoning, dec.Reasons)
		})
	}
}

// FuzzTextOrders: whatever free text a plan carries, the order reader
// (through Grounding and MedicationSafety) never panics, and every finding
// it makes points at an item the plan has.
func FuzzTextOrders(f *testing.F) {
	for _, s := range []string{
		"Start naproxen 500 mg twice daily", "Do not start naproxen", "Switch from warfarin to apixaban",
		"Nurse to stop warfarin and begin aspirin 81 mg", "metformin should be held", "up-titrate lisinopril",
		"avoid taking ibuprofen", "start date 2026-01-01 for warfarin", "stop", "", "naproxen naproxen naproxen",
		"increase the dose of lisinopril, metformin and warfarin; hold them if dizzy",
	} {
		f.Add(s)
	}
	rec := fixture.MultiMorbid()
	g := validate.NewGrounding(nil)
	ms := validate.DefaultMedicationSafety()
	f.Fuzz(func(t *testing.T, text string) {
		p := fixture.Plan(rec)
		p.Interventions[0].Description = text
		p.Summary = text
		d := fixture.Draft(rec, p)
		in := &validate.Input{Record: rec, Draft: d}
		items := map[string]bool{}
		for _, it := range p.Items() {
			items[it.ID] = true
		}
		for _, v := range []validate.Validator{g, ms} {
			fs, err := v.Validate(t.Context(), in)
			if err != nil {
				t.Fatalf("%s: %v", v.Name(), err)
			}
			for _, x := range fs {
				for _, id := range x.ItemIDs {
					if !items[id] {
						t.Fatalf("%s: finding %s names item %q the plan lacks", v.Name(), x.RuleID, id)
					}
				}
			}
		}
	})
}

package validate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// Completeness rule IDs.
const (
	// RuleCareGapUnaddressed: an open care gap (package caregap) that no
	// plan item addresses.
	RuleCareGapUnaddressed = "completeness.care-gap-unaddressed"
	// RuleHbA1cGoalTooLowOlderAdult: an HbA1c goal of 6.5 % or lower ("<6.5", "<=6.4") for a
	// patient aged 65 or older.
	RuleHbA1cGoalTooLowOlderAdult = "guideline.hba1c-goal-below-6.5-older-adult"
	// RuleHbA1cGoalAbove9: an HbA1c goal above 9 %.
	RuleHbA1cGoalAbove9 = "guideline.hba1c-goal-above-9"
)

// CompletenessOptions configures the completeness validator. The zero value
// (or nil) gives the defaults noted on each field.
type CompletenessOptions struct {
	// Engine computes the record's care gaps. Default caregap.New with
	// Drugs.
	Engine *caregap.Engine
	// Drugs resolves the medications a plan names to drug classes. Default
	// terminology.DefaultDrugs().
	Drugs *terminology.Drugs
}

// Completeness checks that a draft addresses what the record shows is due,
// and that its goals stay within guideline targets:
//
//   - in a whole care plan (draft kind care_plan, or no kind), every open
//     care gap (caregap.Engine.Evaluate at the record's as-of date) is
//     addressed by some plan item, or it is a warning; a plan change or an
//     order set checked at signing (care_plan_change) need not address
//     every gap and is not checked for them; an item
//     addresses a gap as the gap's caregap.Closure says: a monitoring item
//     measuring the gap's test, a goal on its measure, a medication change
//     of its drug class or on its medication, a referral to its specialty,
//     a task, referral, monitoring, follow-up or intervention naming the
//     service, or an item carrying the gap's source and citing all its
//     facts. Unknown gaps are not reported: the record lacks what would
//     decide them.
//   - an HbA1c goal (a target on an HbA1c test with "<" or "<=", in %)
//     of 6.5 % or lower for a patient aged 65 or older is a warning: ADA 2025
//     Section 13 sets <7.0-7.5 % even for healthy older adults and a less
//     stringent goal where life expectancy is limited. careguard cannot
//     judge life expectancy from a record, so it applies the threshold to
//     every older adult, which covers the narrower population; the message
//     says when the record shows end-stage kidney disease.
//   - an HbA1c goal above 9 % is a warning: no ADA goal is that loose, and
//     CMS122 counts a result above 9 % as poor control.
//
// Completeness is immutable and safe for concurrent use by multiple
// goroutines.
type Completeness struct {
	engine *caregap.Engine
	err    error
	drugs  *terminology.Drugs
	hba1c  *terminology.ValueSet
	esrd   *terminology.ValueSet
}

// NewCompleteness returns the completeness validator. A default engine that
// cannot be built makes every Validate call fail (it cannot happen with the
// shipped rules).
func NewCompleteness(opts *CompletenessOptions) *Completeness {
	var o CompletenessOptions
	if opts != nil {
		o = *opts
	}
	if o.Drugs == nil {
		o.Drugs = terminology.DefaultDrugs()
	}
	c := &Completeness{engine: o.Engine, drugs: o.Drugs, hba1c: terminology.HbA1c(), esrd: terminology.ChronicKidneyDiseaseStage(5)}
	if c.engine == nil {
		c.engine, c.err = caregap.New(&caregap.Options{Drugs: o.Drugs})
	}
	return c
}

// Name returns "completeness".
func (c *Completeness) Name() string { return "completeness" }

// Validate implements Validator. It returns ErrInvalidInput when in lacks a
// record, a draft or a plan, the care-gap engine's error if it fails, and
// ctx.Err() if ctx ends. A deceased patient has no care gaps; the goal
// checks still run.
func (c *Completeness) Validate(ctx context.Context, in *Input) ([]Finding, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	if c.err != nil {
		return nil, c.err
	}
	rec, p := in.Record, in.Draft.Plan
	out := c.goalFindings(rec, p)
	if k := in.Draft.Kind; k != careplan.KindCarePlan && k != "" {
		// A change to an existing plan, or an order set checked at signing,
		// need not address every gap; only a whole plan must.
		return out, nil
	}
	gaps, err := c.engine.Evaluate(rec)
	switch {
	case errors.Is(err, caregap.ErrDeceased):
		return out, nil
	case err != nil:
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	v := c.planView(p)
	for _, g := range gaps {
		if g.Status != caregap.StatusOpen || c.addresses(v, g) {
			continue
		}
		due := ""
		if !g.Due.IsZero() {
			due = " (due " + g.Due.Format("2006-01-02") + ")"
		}
		out = append(out, Finding{
			RuleID: RuleCareGapUnaddressed, Severity: SeverityWarning, Category: CategoryCareGap,
			Message:    fmt.Sprintf("Open care gap the plan does not address: %s%s. %s", g.Title, due, g.Reason),
			FactIDs:    slices.Clone(g.Facts),
			Source:     g.Source,
			Suggestion: "Add an item that addresses it (" + cpClosureHint(g) + "), or record why it does not apply.",
		})
	}
	return out, nil
}

// cpClosureHint says, briefly, what kind of item would address a gap.
func cpClosureHint(g caregap.Gap) string {
	switch {
	case g.Prescribing:
		return "a prescriber task or medication change"
	case len(g.Closure.Monitor) > 0:
		return "a monitoring item for the test"
	case len(g.Closure.Goal) > 0:
		return "a goal or a treatment change"
	case len(g.Closure.Specialties) > 0:
		return "a referral or a care-team task"
	}
	return "a care-team task"
}

// cpPlan is what addressing reads from a plan, computed once per draft.
type cpPlan struct {
	p         *careplan.Plan
	items     []careplan.Item
	texts     []string   // normalised item texts, " words "
	specialty []string   // normalised referral specialties
	classes   [][]string // drug class IDs of each medication change
	// phrases memoizes the normalised closure phrases (" words "), which
	// every item is tested against for every gap.
	phrases map[string]string
}

func (c *Completeness) planView(p *careplan.Plan) cpPlan {
	v := cpPlan{p: p, items: p.Items(), phrases: map[string]string{}}
	for _, it := range v.items {
		v.texts = append(v.texts, " "+normalizeName(it.Text)+" ")
	}
	for _, r := range p.Referrals {
		v.specialty = append(v.specialty, " "+normalizeName(r.Specialty)+" ")
	}
	for _, mc := range p.MedicationChanges {
		var cls []string
		for _, in := range c.drugs.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: mc.RxNorm, Display: mc.Medication}) {
			for _, k := range c.drugs.ClassesOf(in) {
				cls = append(cls, k.ID)
			}
		}
		v.classes = append(v.classes, cls)
	}
	return v
}

// addresses reports whether any plan item addresses the gap, as
// caregap.Closure defines it.
func (c *Completeness) addresses(v cpPlan, g caregap.Gap) bool {
	p, cl := v.p, g.Closure
	if len(cl.Monitor) > 0 && !slices.ContainsFunc(cl.Monitor, func(group []string) bool {
		return !slices.ContainsFunc(p.Monitoring, func(m careplan.Monitoring) bool { return slices.Contains(group, m.MeasureCode) })
	}) {
		return true
	}
	if len(cl.Goal) > 0 && slices.ContainsFunc(p.Goals, func(goal careplan.Goal) bool {
		return slices.ContainsFunc(goal.Targets, func(t careplan.Target) bool { return slices.Contains(cl.Goal, t.MeasureCode) })
	}) {
		return true
	}
	for i, mc := range p.MedicationChanges {
		if slices.Contains(cl.Medications, mc.CurrentMedicationID) && mc.CurrentMedicationID != "" {
			return true
		}
		if mc.Action == careplan.ActionStop || mc.Action == careplan.ActionHold {
			continue
		}
		if slices.ContainsFunc(v.classes[i], func(id string) bool { return slices.Contains(cl.DrugClasses, id) }) {
			return true
		}
	}
	for _, sp := range v.specialty {
		if v.namesAny(sp, cl.Specialties) {
			return true
		}
	}
	for i, it := range v.items {
		switch it.Kind {
		case careplan.ItemTask, careplan.ItemReferral, careplan.ItemMonitoring, careplan.ItemFollowUp, careplan.ItemIntervention:
			if v.namesAny(v.texts[i], cl.Terms) {
				return true
			}
		}
		if it.Source != "" && it.Source == g.Source.Citation && !slices.ContainsFunc(g.Facts, func(id string) bool { return !slices.Contains(it.Citations, id) }) {
			return true
		}
	}
	return false
}

// namesAny reports whether normalised text (" words ", see planView)
// contains one of the phrases as whole words, ignoring case and
// punctuation.
func (v cpPlan) namesAny(t string, phrases []string) bool {
	for _, ph := range phrases {
		n, ok := v.phrases[ph]
		if !ok {
			if n = normalizeName(ph); n != "" {
				n = " " + n + " "
			}
			v.phrases[ph] = n
		}
		if n != "" && strings.Contains(t, n) {
			return true
		}
	}
	return false
}

// goalFindings checks HbA1c goals against the guideline's range.
func (c *Completeness) goalFindings(rec *patient.Record, p *careplan.Plan) []Finding {
	var out []Finding
	age := rec.Age()
	for i, goal := range p.Goals {
		for _, t := range goal.Targets {
			if !c.hba1c.Contains(terminology.SystemLOINC, t.MeasureCode) || (t.Comparator != "<" && t.Comparator != "<=") {
				continue
			}
			if u := strings.TrimSpace(t.Unit); u != "%" && u != "" {
				continue
			}
			item := careplanItemID(careplan.ItemGoal, i)
			switch {
			case age >= caregap.OlderAdultAge && t.Value <= 6.5:
				// "<6.5%" and "<=6.5%" are both tighter than ADA's
				// <7.0-7.5% for healthy older adults.
				extra := ""
				facts := []string{patient.DemographicsID}
				if esrd := rec.ActiveConditionsIn(c.esrd); len(esrd) > 0 {
					extra = " The record shows end-stage kidney disease, an end-stage chronic illness for which ADA advises against tight glycemic goals."
					for _, e := range esrd {
						facts = append(facts, e.ID)
					}
				}
				out = append(out, Finding{RuleID: RuleHbA1cGoalTooLowOlderAdult, Severity: SeverityWarning, Category: CategoryGuideline,
					Message: fmt.Sprintf("%s sets an HbA1c goal %s %s%% for a patient aged %d. ADA 2025 Section 13 sets <7.0-7.5%% even for healthy older adults and <8.0%% or less stringent goals where health is complex or life expectancy limited; careguard cannot judge life expectancy from the record, so it flags every goal of 6.5%% or lower from age 65.%s",
						item, t.Comparator, gtNum(t.Value), age, extra),
					FactIDs: facts, ItemIDs: []string{item},
					Source:     terminology.Source{Citation: caregap.CitationADA13 + "; " + caregap.CitationADA6, URL: "https://doi.org/10.2337/dc25-S013"},
					Suggestion: "Individualize the goal; for an older adult with limited life expectancy ADA suggests <8.0% and avoiding hypoglycemia."})
			case t.Value > 9:
				out = append(out, Finding{RuleID: RuleHbA1cGoalAbove9, Severity: SeverityWarning, Category: CategoryGuideline,
					Message: fmt.Sprintf("%s sets an HbA1c goal %s %s%%. ADA 2025 gives <8.0%% as its less stringent goal (Sections 6 and 13), and CMS122 counts a result above 9%% as poor control.",
						item, t.Comparator, gtNum(t.Value)),
					FactIDs: []string{patient.DemographicsID}, ItemIDs: []string{item},
					Source:     terminology.Source{Citation: caregap.CitationADA6 + "; " + caregap.CitationADA13 + "; CMS122 eCQM Diabetes: Glycemic Status Assessment Greater Than 9%", URL: "https://doi.org/10.2337/dc25-S006"},
					Suggestion: "Set a goal within the guideline's range (usually <7%, <8% when less stringent control is appropriate)."})
			}
		}
	}
	return out
}

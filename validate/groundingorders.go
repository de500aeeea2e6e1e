package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// RuleMedicationChangeInText: free text outside medication_changes (the
// summary, a task, an intervention, an education topic, a rationale)
// tells someone to start, stop, hold or change the dose of a medication,
// and no medication change in the plan does the same to the same
// ingredient. Critical: routing reads only medication_changes, so the
// change would otherwise reach only a nurse and escape the
// medication-safety checks. A warning when the text tells the patient to
// avoid a drug the record lists as current (that stops it).
const RuleMedicationChangeInText = "grounding.medication-change-in-text"

// structureSource is the basis of careguard's structural rules: the review
// tier is computed from the draft's structure, so what needs a physician
// must be in the structure.
var structureSource = terminology.Source{
	Citation: "careguard review routing rule: medication starts, stops, dose changes and holds, and diagnostic impressions, need physician review, and the tier is computed from the draft's structured fields, so each must be stated there (FDA CDS guidance 2022, criterion 4: the basis of a recommendation must be independently reviewable)",
}

// actMask is the set of actions the plan's medication changes take on one
// ingredient.
type actMask uint8

const (
	actStart actMask = 1 << iota
	actStop
	actHold
	actIncrease
	actDecrease
	actNewDose // a continue that states a dose: a dose change of unknown direction
)

// covers reports whether the structured actions already do what a text
// order says.
func (m actMask) covers(a orderAction) bool {
	switch a {
	case orderStart, orderTake:
		return m&actStart != 0
	case orderStop:
		return m&actStop != 0
	case orderHold:
		return m&actHold != 0
	case orderIncrease:
		return m&(actIncrease|actNewDose) != 0
	case orderDecrease:
		return m&(actDecrease|actNewDose) != 0
	case orderAdjust:
		return m&(actIncrease|actDecrease|actNewDose) != 0
	case orderAvoid:
		return m&(actStop|actHold) != 0
	}
	return false
}

// structuredActions returns, for every ingredient the plan's medication
// changes act on, what they do to it. An ingredient is found by the
// change's RxNorm code and name and, for a change to a current medication,
// by that medication's code in the record.
func structuredActions(drugs *terminology.Drugs, rec *patient.Record, p *careplan.Plan) map[string]actMask {
	out := map[string]actMask{}
	for _, mc := range p.MedicationChanges {
		var a actMask
		switch mc.Action {
		case careplan.ActionStart:
			a = actStart
		case careplan.ActionStop:
			a = actStop
		case careplan.ActionHold:
			a = actHold
		case careplan.ActionIncrease:
			a = actIncrease
		case careplan.ActionDecrease:
			a = actDecrease
		case careplan.ActionContinue:
			if mc.Dose == "" {
				continue
			}
			a = actNewDose
		default:
			continue
		}
		keys := drugs.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: mc.RxNorm, Display: mc.Medication})
		if mc.CurrentMedicationID != "" {
			if f, ok := rec.Fact(mc.CurrentMedicationID); ok {
				if med, ok := f.(patient.Medication); ok {
					keys = append(keys, drugs.IngredientsOf(terminology.MedicationCode{System: med.Code.System, Code: med.Code.Code, Display: med.Code.Display})...)
				}
			}
		}
		for _, k := range keys {
			out[k] |= a
		}
	}
	return out
}

// textOrderState is what checkTextOrders needs across the fields of one
// plan: the structured actions (built on first use) and the findings made.
type textOrderState struct {
	structured map[string]actMask
	seen       map[string]bool // item + ingredient + action already reported
}

// checkTextOrders reports the medication orders one free-text field states
// that the plan's medication changes do not.
func (g *Grounding) checkTextOrders(rec *patient.Record, p *careplan.Plan, f gtField, mentions []terminology.Mention,
	active map[string][]string, st *textOrderState, add func(Finding)) {
	orders := g.orders.read(f.text, mentions)
	if len(orders) == 0 {
		return
	}
	if st.structured == nil {
		st.structured = structuredActions(g.drugs, rec, p)
		st.seen = map[string]bool{}
	}
	for _, o := range orders {
		act, sev := o.action, SeverityCritical
		switch act {
		case orderTake:
			if len(active[o.key]) > 0 {
				continue // "take metformin with food": she already does
			}
			act = orderStart
		case orderAvoid:
			if len(active[o.key]) == 0 {
				continue // "avoid NSAIDs such as ibuprofen": advice, not a change
			}
			sev = SeverityWarning
		}
		if st.structured[o.key].covers(act) {
			continue
		}
		id := f.item + "\x00" + o.key + "\x00" + act.String()
		if st.seen[id] {
			continue
		}
		st.seen[id] = true
		name := g.ingredientName(o.key, f.text[o.start:o.end])
		quote := clean(o.quote(f.text))
		facts := slices.Clone(active[o.key])
		var msg string
		if act == orderAvoid {
			msg = fmt.Sprintf("%s tells the patient to avoid %s (%q), which the record lists as a current medication (%s): that stops it, but no medication change in the plan stops or holds it.",
				f.where(), name, quote, strings.Join(facts, ", "))
		} else {
			msg = fmt.Sprintf("%s says to %s %s (%q), but no medication change in the plan does: a medication change written outside medication_changes. Review routing reads only medication_changes, so without this finding no physician would review it, and the medication-safety checks see it only as a proposal in free text.",
				f.where(), act, name, quote)
		}
		add(Finding{RuleID: RuleMedicationChangeInText, Severity: sev, Category: CategoryGrounding,
			Message: msg, FactIDs: facts, ItemIDs: f.items(), Source: structureSource,
			Suggestion: "Write it as a medication change (start, stop, increase_dose, decrease_dose or hold), which a physician reviews, or remove it from the text."})
	}
}

// ingredientName names an ingredient for a message: the table's name, or
// the words of the text that named it.
func (g *Grounding) ingredientName(key, written string) string {
	if in, ok := g.drugs.Ingredient(key); ok && in.Name != "" {
		return in.Name
	}
	return clean(written)
}

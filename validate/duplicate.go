package validate

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/careguard/careguard/terminology"
)

// RuleDuplicateTherapy: two different ingredients of one class taken
// together.
const RuleDuplicateTherapy = "duplicate-therapy.same-class"

// dupClass is a class checked for duplicate therapy.
type dupClass struct {
	id, name string
	source   terminology.Source // the finding's source
}

// duplicateClassIDs lists, most specific concern first, the classes in
// which two different ingredients taken together are duplicate therapy.
// One finding is made per pair of medications, for the first class they
// share.
//
// Left out on purpose, because combining members is an intended regimen:
// insulins (basal with bolus), diuretics (loop with thiazide for
// resistance), antiplatelets (dual antiplatelet therapy), opioids (long-
// with short-acting), protease inhibitors (boosted regimens), hormonal
// contraceptives (estrogen with progestin). Left out because they overlap a
// class listed here: the anticoagulant subclasses (vitamin K antagonists,
// factor Xa inhibitors), salicylates, coxibs, iron, calcium and antacids.
func duplicateClassIDs() []string {
	return []string{
		"anticoagulant", "ace-inhibitor", "arb", "statin", "nsaid", "ppi", "ssri", "tca", "maoi", "benzodiazepine",
		"z-drug", "sulfonylurea", "sglt2-inhibitor", "beta-blocker", "dihydropyridine-ccb", "alpha1-blocker",
		"thyroid-hormone", "bisphosphonate", "first-gen-antihistamine", "fluoroquinolone", "skeletal-muscle-relaxant",
		"triptan", "systemic-corticosteroid",
	}
}

func buildDuplicateClasses(drugs *terminology.Drugs) ([]dupClass, map[string]uint64, error) {
	ids := duplicateClassIDs()
	out := make([]dupClass, 0, len(ids))
	index := map[string]uint64{}
	var errs []error
	for _, id := range ids {
		c, ok := drugs.Class(id)
		if !ok {
			errs = append(errs, &KnowledgeError{Rule: RuleDuplicateTherapy, Name: id, Err: ErrUnknownClass})
			continue
		}
		bit := uint64(1) << len(out)
		out = append(out, dupClass{id: c.ID, name: c.Name, source: terminology.Source{
			Citation: "careguard duplicate-therapy rule: two different ingredients of one drug class taken together; class: " + c.Name + " (" + c.Source.Citation + ")",
			URL:      c.Source.URL}})
		for _, k := range c.Members {
			index[k] |= bit
		}
	}
	return out, index, errors.Join(errs...)
}

// duplicates reports pairs of systemically acting medications with two
// different ingredients of one duplicate-therapy class. The same
// ingredient twice (two strengths of warfarin) is not reported: that is
// often how a dose is made up, and the grounding rules already catch a
// start of a drug the patient takes.
func (m *MedicationSafety) duplicates(c *medContext) {
	for i, x := range c.entries {
		if x.local || x.dup == 0 {
			continue
		}
		for j := i + 1; j < len(c.entries); j++ {
			if c.entries[j].local {
				continue
			}
			shared := x.dup & c.entries[j].dup
			for shared != 0 {
				bit := bits.TrailingZeros64(shared)
				shared &^= 1 << bit
				a, b := m.distinctMembers(x.keys, c.entries[j].keys, uint64(1)<<bit)
				if a == "" {
					continue
				}
				y := c.entries[j]
				first, second := x, y
				if second.proposed() && !first.proposed() {
					first, second = second, first
				}
				cls := m.dupClass[bit]
				c.add(Finding{RuleID: RuleDuplicateTherapy, Severity: SeverityWarning, Category: CategoryDuplicateTherapy,
					Message: fmt.Sprintf("%s and %s are both %s (%s and %s): duplicate therapy.",
						first.label(), second.label(), strings.ToLower(cls.name), m.ingredientName(a), m.ingredientName(b)),
					Source:     cls.source,
					Suggestion: "Keep one drug of the class; if the draft replaces one with the other, stop the old one in the same plan."}, first, second)
				break // one finding per pair of medications
			}
		}
	}
}

// distinctMembers finds an ingredient of x and a different ingredient of y
// that are both in the class with the given bit.
func (m *MedicationSafety) distinctMembers(x, y []string, bit uint64) (string, string) {
	for _, a := range x {
		if m.dupIndex[a]&bit == 0 {
			continue
		}
		for _, b := range y {
			if a != b && m.dupIndex[b]&bit != 0 {
				return a, b
			}
		}
	}
	return "", ""
}

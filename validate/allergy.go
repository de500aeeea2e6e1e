package validate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// Drug–allergy rule IDs.
const (
	// RuleAllergyIngredient: a medication contains an ingredient the patient
	// has an active allergy to.
	RuleAllergyIngredient = "allergy.ingredient"
	// RuleAllergyClass: a medication belongs to a class the patient has an
	// active allergy to (the allergy names the class, or names a member of a
	// class whose allergy extends to the class).
	RuleAllergyClass = "allergy.class"
	// RuleAllergyCrossSensitivity: a medication belongs to a class with a
	// documented cross-sensitivity to the allergy's class.
	RuleAllergyCrossSensitivity = "allergy.cross-sensitivity"
)

// allergyClass is a drug class an allergy can name.
type allergyClass struct {
	id, name string
	// terms are the phrases that name the class in an allergy's text,
	// normalised with a space at each end.
	terms []string
	// codes are coded substances or findings that name the class.
	codes   []terminology.Code
	members map[string]bool
	source  terminology.Source
	// classWide: an allergy to any member counts as an allergy to the
	// class, with this source.
	classWide       bool
	classWideSource terminology.Source
	// cross lists classes with a documented cross-sensitivity (warning).
	cross       []crossClass
	crossSource terminology.Source
	// The finding sources, built once.
	srcClass, srcClassWide, srcCross terminology.Source
}

// crossClass is a class cross-sensitive to an allergy class.
type crossClass struct {
	name    string
	members map[string]bool
}

// betaLactamSource is the primary source for the penicillin rules.
func betaLactamSource() terminology.Source {
	return terminology.Source{
		Citation: "Pichichero ME, Zagursky R. Penicillin and cephalosporin allergy. Ann Allergy Asthma Immunol 2014;112(5):404-12: penicillin allergy is managed as allergy to the class; cross-reactivity with cephalosporins is low overall and highest for first-generation cephalosporins that share a side chain with penicillins",
	}
}

func buildAllergyClasses(drugs *terminology.Drugs) ([]allergyClass, error) {
	defs := []struct {
		id    string
		terms []string
		codes []terminology.Code
	}{
		{"penicillin", []string{"penicillin", "penicillins"}, nil},
		{"cephalosporin", []string{"cephalosporin", "cephalosporins"}, nil},
		{"statin", []string{"statin", "statins", "hmg coa reductase inhibitor", "hmg coa reductase inhibitors"},
			// eCQM Statin Allergen (OID 2.16.840.1.113762.1.4.1110.42).
			[]terminology.Code{{System: terminology.SystemSNOMED, Code: "372912004"}, {System: terminology.SystemSNOMED, Code: "96302009"}}},
		{"nsaid", []string{"nsaid", "nsaids", "non steroidal anti inflammatory", "nonsteroidal anti inflammatory"}, nil},
		{"ace-inhibitor", []string{"ace inhibitor", "ace inhibitors", "angiotensin converting enzyme inhibitor", "angiotensin converting enzyme inhibitors"}, nil},
		{"arb", []string{"angiotensin receptor blocker", "angiotensin receptor blockers", "angiotensin ii receptor blocker", "angiotensin ii receptor blockers"}, nil},
		{"beta-blocker", []string{"beta blocker", "beta blockers"}, nil},
		{"fluoroquinolone", []string{"fluoroquinolone", "fluoroquinolones", "quinolone", "quinolones"}, nil},
		{"opioid", []string{"opioid", "opioids", "opiate", "opiates"}, nil},
		{"benzodiazepine", []string{"benzodiazepine", "benzodiazepines"}, nil},
		{"sulfonylurea", []string{"sulfonylurea", "sulfonylureas"}, nil},
		{"ssri", []string{"ssri", "ssris", "selective serotonin reuptake inhibitor", "selective serotonin reuptake inhibitors"}, nil},
		{"ppi", []string{"proton pump inhibitor", "proton pump inhibitors"}, nil},
	}
	var out []allergyClass
	var errs []error
	for _, d := range defs {
		c, ok := drugs.Class(d.id)
		if !ok {
			errs = append(errs, &KnowledgeError{Rule: "allergy", Name: d.id, Err: ErrUnknownClass})
			continue
		}
		ac := allergyClass{id: c.ID, name: c.Name, codes: d.codes, members: map[string]bool{}, source: c.Source}
		for _, t := range d.terms {
			ac.terms = append(ac.terms, normalizedWords(t))
		}
		for _, k := range c.Members {
			ac.members[k] = true
		}
		if d.id == "penicillin" {
			ac.classWide, ac.classWideSource = true, betaLactamSource()
			ceph, ok := drugs.Class("cephalosporin")
			if !ok {
				errs = append(errs, &KnowledgeError{Rule: RuleAllergyCrossSensitivity, Name: "cephalosporin", Err: ErrUnknownClass})
				continue
			}
			cc := crossClass{name: ceph.Name, members: map[string]bool{}}
			for _, k := range ceph.Members {
				cc.members[k] = true
			}
			ac.cross, ac.crossSource = []crossClass{cc}, betaLactamSource()
		}
		ac.srcClass, ac.srcClassWide, ac.srcCross = allergySource(ac.source), allergySource(ac.classWideSource), allergySource(ac.crossSource)
		out = append(out, ac)
	}
	return out, errors.Join(errs...)
}

// allergySource is the basis of a drug–allergy finding: the record itself.
func allergySource(extra terminology.Source) terminology.Source {
	s := terminology.Source{Citation: "Active allergy documented in the patient record (FHIR AllergyIntolerance); careguard drug-allergy rule"}
	if extra.Citation != "" {
		s.Citation += "; " + extra.Citation
		s.URL = extra.URL
	}
	return s
}

// allergy checks every medication against every active allergy that could
// be to a drug (category medication, biologic or unstated). For each
// medication and allergy it reports the strongest match only: the
// ingredient itself, then its class, then a cross-sensitive class.
func (m *MedicationSafety) allergy(c *medContext) {
	for _, a := range c.rec.Allergies() {
		if !a.Active() || a.Category == patient.AllergyFood || a.Category == patient.AllergyEnvironment {
			continue
		}
		keys := m.drugs.IngredientsOf(terminology.MedicationCode{System: a.Substance.System, Code: a.Substance.Code, Display: a.Substance.Display})
		text := normalizedWords(a.Substance.Display)
		var classes []*allergyClass
		classWide := map[string]bool{} // classes the allergy extends to because it names a member
		for i := range m.allergies {
			ac := &m.allergies[i]
			named := slices.ContainsFunc(ac.terms, func(t string) bool { return strings.Contains(text, t) }) ||
				slices.ContainsFunc(ac.codes, func(cd terminology.Code) bool { return a.Substance.Is(cd.System, cd.Code) })
			member := ac.classWide && slices.ContainsFunc(keys, func(k string) bool { return ac.members[k] })
			if named || member {
				classes = append(classes, ac)
				if member && !named {
					classWide[ac.id] = true
				}
			}
		}
		if len(keys) == 0 && len(classes) == 0 {
			continue
		}
		what := clean(a.Substance.Display)
		if what == "" {
			what = a.Substance.Code
		}
		detail := ""
		if a.Reaction != "" {
			detail = "; recorded reaction: " + clean(a.Reaction)
		}
		if a.Criticality == patient.CriticalityHigh {
			detail += "; criticality high"
		}
		allergyFact := &medEntry{factID: a.ID}
		for _, e := range c.entries {
			if k := firstShared(e.keys, keys); k != "" {
				c.add(Finding{RuleID: RuleAllergyIngredient, Severity: SeverityCritical, Category: CategoryAllergy,
					Message:    fmt.Sprintf("%s contains %s, and the patient has an active allergy to %s (%s%s).", e.label(), m.ingredientName(k), what, a.ID, detail),
					Source:     allergySource(terminology.Source{}),
					Suggestion: "Do not give this medication; choose an alternative from another class, or document why the allergy does not apply."}, e, allergyFact)
				continue
			}
			if ac, k := classMatch(classes, e.keys); ac != nil {
				why := "the allergy names this class"
				src := ac.srcClass
				if classWide[ac.id] {
					why = "an allergy to one " + strings.ToLower(ac.name) + " is treated as allergy to the class"
					src = ac.srcClassWide
				}
				c.add(Finding{RuleID: RuleAllergyClass, Severity: SeverityCritical, Category: CategoryAllergy,
					Message:    fmt.Sprintf("%s contains %s (%s), and the patient has an active allergy to %s (%s%s): %s.", e.label(), m.ingredientName(k), strings.ToLower(ac.name), what, a.ID, detail, why),
					Source:     src,
					Suggestion: "Do not give this medication; choose an alternative from another class, or document why the allergy does not apply."}, e, allergyFact)
				continue
			}
			if ac, to, k := crossMatch(classes, e.keys); ac != nil {
				c.add(Finding{RuleID: RuleAllergyCrossSensitivity, Severity: SeverityWarning, Category: CategoryAllergy,
					Message:    fmt.Sprintf("%s contains %s (%s); the patient has an active allergy to %s (%s%s), and cross-sensitivity between %s and %s is documented.", e.label(), m.ingredientName(k), strings.ToLower(to), what, a.ID, detail, strings.ToLower(ac.name), strings.ToLower(to)),
					Source:     ac.srcCross,
					Suggestion: "Review the allergy history (reaction type and timing); if the reaction was severe or immediate, choose a drug from another class or seek allergy advice."}, e, allergyFact)
			}
		}
	}
}

func firstShared(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

func classMatch(classes []*allergyClass, keys []string) (*allergyClass, string) {
	for _, ac := range classes {
		for _, k := range keys {
			if ac.members[k] {
				return ac, k
			}
		}
	}
	return nil, ""
}

// crossMatch finds a class cross-sensitive to one the allergy names.
func crossMatch(classes []*allergyClass, keys []string) (*allergyClass, string, string) {
	for _, ac := range classes {
		for _, cc := range ac.cross {
			for _, k := range keys {
				if cc.members[k] {
					return ac, cc.name, k
				}
			}
		}
	}
	return nil, "", ""
}

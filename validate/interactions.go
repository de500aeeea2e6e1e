package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/careguard/careguard/terminology"
)

// The contextual chronic-care interaction rules: each needs more than a
// pair of drugs (a third drug, the patient's age or kidney function, a dose),
// so they are careguard's own logic rather than rows of an
// [InteractionSource].
const (
	// RuleWarfarinNSAID: warfarin with an NSAID, graded as the HL7
	// PDDI-CDS warfarin–NSAID rule grades it.
	RuleWarfarinNSAID = "interaction.warfarin-nsaid"
	// RuleTripleWhammy: an ACE inhibitor or ARB with a diuretic and an
	// NSAID.
	RuleTripleWhammy = "interaction.ras-diuretic-nsaid"
	// RuleSimvastatinAmlodipine: simvastatin above 20 mg a day with
	// amlodipine.
	RuleSimvastatinAmlodipine = "interaction.simvastatin-amlodipine"
	// RuleDualRAS: an ACE inhibitor with an ARB.
	RuleDualRAS = "interaction.ace-inhibitor-arb"
	// RuleClopidogrelNSAID: clopidogrel with an NSAID.
	RuleClopidogrelNSAID = "interaction.clopidogrel-nsaid"
)

// The sources of the contextual rules.
func contextualSource(rule string) terminology.Source {
	switch rule {
	case RuleWarfarinNSAID:
		return terminology.Source{
			Citation: "HL7 PDDI-CDS Implementation Guide 1.0.0 (STU1), warfarin + NSAIDs rule (WarfarinNSAIDsCDSLogic.cql, HL7/PDDI-CDS @e530e67e): indicator critical without a proton pump inhibitor or misoprostol, warning otherwise, info for topical diclofenac; age over 65, systemic corticosteroids, aldosterone antagonists and multiple NSAIDs raise the risk (Masclee GM et al. Gastroenterology 2014;147:784-92)",
			URL:      "http://hl7.org/fhir/uv/pddi/",
		}
	case RuleTripleWhammy:
		return terminology.Source{
			Citation: "Lapi F et al. Concurrent use of diuretics, angiotensin converting enzyme inhibitors, and angiotensin receptor blockers with non-steroidal anti-inflammatory drugs and risk of acute kidney injury: nested case-control study. BMJ 2013;346:e8525",
			URL:      "https://doi.org/10.1136/bmj.e8525",
		}
	case RuleSimvastatinAmlodipine:
		return terminology.Source{
			Citation: "FDA Drug Safety Communication (8 June 2011): new restrictions, contraindications and dose limitations for Zocor (simvastatin) — with amlodipine, do not exceed simvastatin 20 mg daily; Zocor prescribing information, Drug Interactions",
		}
	case RuleDualRAS:
		return terminology.Source{
			Citation: "Dual renin-angiotensin blockade: ONTARGET (Yusuf S et al. N Engl J Med 2008;358:1547-59) and VA NEPHRON-D (Fried LF et al. N Engl J Med 2013;369:1892-903) — more hyperkalemia, hypotension and acute kidney injury without benefit; ACE inhibitor and ARB labeling: dual blockade of the renin-angiotensin system",
			URL:      "https://doi.org/10.1056/NEJMoa1303154",
		}
	case RuleClopidogrelNSAID:
		return terminology.Source{
			Citation: "Plavix (clopidogrel bisulfate) prescribing information, Drug Interactions: coadministration with NSAIDs increases the risk of gastrointestinal bleeding",
		}
	}
	return terminology.Source{}
}

// contextual runs the contextual interaction rules.
func (m *MedicationSafety) contextual(c *medContext) {
	m.warfarinNSAID(c)
	m.tripleWhammy(c)
	m.simvastatinAmlodipine(c)
	m.dualRAS(c)
	m.clopidogrelNSAID(c)
}

// pairs calls fn for every ordered pair of different medications, the
// first having role a and the second role b, whatever their route: current
// with current, current with proposed and proposed with proposed.
func pairs(c *medContext, a, b roleSet, fn func(x, y *medEntry)) {
	for _, x := range c.entries {
		if !x.has(a) {
			continue
		}
		for _, y := range c.entries {
			if x == y || !y.has(b) {
				continue
			}
			fn(x, y)
		}
	}
}

func others(c *medContext, role roleSet, not ...*medEntry) []*medEntry {
	var out []*medEntry
	for _, e := range c.entries {
		if e.sys(role) && !containsEntry(not, e) {
			out = append(out, e)
		}
	}
	return out
}

func containsEntry(list []*medEntry, e *medEntry) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

func labels(es []*medEntry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.label()
	}
	return strings.Join(parts, ", ")
}

// warfarinNSAID implements the HL7 PDDI-CDS warfarin–NSAID logic. The IG
// expresses it as four cards with their own indicators; careguard reports
// one finding at the highest indicator of the cards that apply:
//
//   - base: warning, or info when the NSAID is topical diclofenac (here:
//     any NSAID product whose name states a local route);
//   - no proton pump inhibitor or misoprostol: critical; with one: info;
//   - age over 65 (the CQL's AgeInYears() > 65) or a history of upper GI
//     bleeding: warning (careguard does not yet read GI-bleeding history);
//   - a systemic corticosteroid, an aldosterone antagonist or another NSAID:
//     warning.
//
// The topical case ends at the base card, as the IG's inclusion logic does.
// The IG looks back 100 days over orders, dispenses, administrations and
// statements; careguard uses the record's active medications and the
// draft.
func (m *MedicationSafety) warfarinNSAID(c *medContext) {
	pairs(c, roleWarfarin, roleNSAID, func(w, n *medEntry) {
		if w.local {
			return
		}
		if n.local {
			c.add(Finding{RuleID: RuleWarfarinNSAID, Severity: SeverityInfo, Category: CategoryInteraction,
				Message:    fmt.Sprintf("%s with %s: a topical NSAID with warfarin; systemic exposure is low, but bleeding risk should be kept in mind.", w.label(), n.label()),
				Source:     contextualSource(RuleWarfarinNSAID),
				Suggestion: "Assess the bleeding risk; no change is needed for the topical product alone."}, w, n)
			return
		}
		gastro := others(c, roleGastroprotective)
		var factors []string
		involved := []*medEntry{w, n}
		if c.age > 65 {
			factors = append(factors, "age over 65 ("+strconv.Itoa(c.age)+")")
		}
		if s := others(c, roleSystemicSteroid); len(s) > 0 {
			factors = append(factors, "a systemic corticosteroid: "+labels(s))
			involved = append(involved, s...)
		}
		if s := others(c, roleAldosteroneAntagonist); len(s) > 0 {
			factors = append(factors, "an aldosterone antagonist: "+labels(s))
			involved = append(involved, s...)
		}
		if s := others(c, roleNSAID, n); len(s) > 0 {
			factors = append(factors, "another NSAID: "+labels(s))
			involved = append(involved, s...)
		}
		sev := SeverityCritical
		var b strings.Builder
		fmt.Fprintf(&b, "%s with %s: an NSAID with warfarin raises the risk of upper gastrointestinal bleeding", w.label(), n.label())
		suggestion := "Use acetaminophen instead of the NSAID if possible; if the NSAID is needed, add a proton pump inhibitor or misoprostol and monitor for bleeding."
		if len(gastro) > 0 {
			sev = SeverityWarning
			involved = append(involved, gastro...)
			fmt.Fprintf(&b, "; the patient takes gastroprotection (%s)", labels(gastro))
			suggestion = "Use acetaminophen instead of the NSAID if possible; if not, continue the gastroprotection and monitor for bleeding."
		} else {
			b.WriteString(", and the patient takes no proton pump inhibitor or misoprostol")
		}
		if len(factors) > 0 {
			// Each of these is a warning card in the IG; the finding is
			// already at least a warning.
			fmt.Fprintf(&b, ". Further risk: %s", strings.Join(factors, "; "))
		}
		b.WriteString(".")
		c.add(Finding{RuleID: RuleWarfarinNSAID, Severity: sev, Category: CategoryInteraction, Message: b.String(),
			Source: contextualSource(RuleWarfarinNSAID), Suggestion: suggestion}, involved...)
	})
}

// tripleWhammy: an ACE inhibitor or ARB, a diuretic and a systemic NSAID
// together. Warning; critical when the latest eGFR is below 60. One finding
// names every medication involved.
func (m *MedicationSafety) tripleWhammy(c *medContext) {
	ras := others(c, roleACEInhibitor|roleARB)
	diur := others(c, roleDiuretic)
	nsaid := others(c, roleNSAID)
	if len(ras) == 0 || len(diur) == 0 || len(nsaid) == 0 {
		return
	}
	// A combination product can fill two roles; still require three
	// different roles to be filled, not necessarily three products.
	involved := append(append(append([]*medEntry{}, ras...), diur...), nsaid...)
	var uniq []*medEntry
	for _, e := range involved {
		if !containsEntry(uniq, e) {
			uniq = append(uniq, e)
		}
	}
	if len(uniq) < 2 {
		return
	}
	sev := SeverityWarning
	kidney := "the latest eGFR is not on record"
	below, known := c.egfrBelow(60)
	switch {
	case known && below:
		sev = SeverityCritical
		kidney = "kidney function is already reduced (" + c.egfrText() + ")"
	case known:
		kidney = c.egfrText()
	}
	c.add(Finding{RuleID: RuleTripleWhammy, Severity: sev, Category: CategoryInteraction,
		Message: fmt.Sprintf("ACE inhibitor or ARB (%s), diuretic (%s) and NSAID (%s) together: the combination raises the risk of acute kidney injury, most in the first 30 days; %s.",
			labels(ras), labels(diur), labels(nsaid), kidney),
		Source:     contextualSource(RuleTripleWhammy),
		Suggestion: "Avoid the NSAID (use acetaminophen); if it is needed, use it briefly and check creatinine and potassium within a week."}, uniq...)
}

// simvastatinAmlodipine: the simvastatin label caps simvastatin at 20 mg a
// day with amlodipine. The daily dose is the medication's recorded daily
// dose, else its dose instruction read with the product strength, else the
// product strength assuming once daily (the message says which). A dose
// increase to an unstated dose from 20 mg or more is above the cap.
func (m *MedicationSafety) simvastatinAmlodipine(c *medContext) {
	pairs(c, roleSimvastatin, roleAmlodipine, func(s, a *medEntry) {
		if s.local || a.local {
			return
		}
		d := m.dailyDose(s, "simvastatin")
		var sev Severity
		var what string
		switch {
		case d.known && d.mg > 20+1e-9:
			sev, what = SeverityWarning, fmt.Sprintf("%s a day (%s) is above the 20 mg daily limit with amlodipine", fmtMG(d.mg), d.basis)
		case s.increase && !d.known && d.fromMG >= 20-1e-9:
			sev, what = SeverityWarning, fmt.Sprintf("the draft raises the dose from %s a day (%s), above the 20 mg daily limit with amlodipine", fmtMG(d.fromMG), d.fromBasis)
		case d.known && math.Abs(d.mg-20) <= 1e-9:
			sev, what = SeverityInfo, fmt.Sprintf("%s a day (%s) is the most the label allows with amlodipine; do not increase it", fmtMG(d.mg), d.basis)
		case !d.known:
			sev, what = SeverityInfo, "careguard could not read the daily dose; the label allows at most 20 mg a day with amlodipine"
		default:
			return // below the cap
		}
		c.add(Finding{RuleID: RuleSimvastatinAmlodipine, Severity: sev, Category: CategoryInteraction,
			Message:    fmt.Sprintf("%s with %s: %s (risk of myopathy).", s.label(), a.label(), what),
			Source:     contextualSource(RuleSimvastatinAmlodipine),
			Suggestion: "Keep simvastatin at or below 20 mg a day, or switch to a statin without this limit (for example atorvastatin or rosuvastatin)."}, s, a)
	})
}

// dualRAS: an ACE inhibitor with an ARB. The ONC non-interruptive list
// makes the pair info by itself; the later trials argue for attention in
// context, so this rule warns when the draft proposes either drug (it would
// create or intensify dual blockade) or when the latest eGFR is below 60.
func (m *MedicationSafety) dualRAS(c *medContext) {
	pairs(c, roleACEInhibitor, roleARB, func(a, r *medEntry) {
		if a == r || a.local || r.local {
			return
		}
		below, known := c.egfrBelow(60)
		var why string
		switch {
		case a.proposed() || r.proposed():
			why = "the draft would start or intensify dual renin-angiotensin blockade"
		case known && below:
			why = "kidney function is reduced (" + c.egfrText() + ")"
		default:
			return
		}
		c.add(Finding{RuleID: RuleDualRAS, Severity: SeverityWarning, Category: CategoryInteraction,
			Message:    fmt.Sprintf("%s with %s: ACE inhibitor and ARB together raise the risk of hyperkalemia, hypotension and acute kidney injury without added benefit; %s.", a.label(), r.label(), why),
			Source:     contextualSource(RuleDualRAS),
			Suggestion: "Use one renin-angiotensin blocker, not both; if both are intended, check potassium and creatinine within 1-2 weeks."}, a, r)
	})
}

// clopidogrelNSAID: clopidogrel with a systemic NSAID raises the risk of
// gastrointestinal bleeding (Plavix label).
func (m *MedicationSafety) clopidogrelNSAID(c *medContext) {
	pairs(c, roleClopidogrel, roleNSAID, func(cl, n *medEntry) {
		if cl.local || n.local {
			return
		}
		c.add(Finding{RuleID: RuleClopidogrelNSAID, Severity: SeverityWarning, Category: CategoryInteraction,
			Message:    fmt.Sprintf("%s with %s: an NSAID with clopidogrel raises the risk of gastrointestinal bleeding.", cl.label(), n.label()),
			Source:     contextualSource(RuleClopidogrelNSAID),
			Suggestion: "Prefer acetaminophen for pain; if the NSAID is needed, use the lowest dose for the shortest time and consider gastroprotection."}, cl, n)
	})
}

// egfrBelow reports whether the latest eGFR is below limit, and whether
// that is known: a censored result (">60") is known only when it settles
// the question.
func (c *medContext) egfrBelow(limit float64) (below, known bool) {
	if !c.egfrKnown {
		return false, false
	}
	v := c.egfr.Value
	switch c.egfr.Comparator {
	case "":
		return v < limit, true
	case "<":
		if v <= limit {
			return true, true
		}
	case "<=":
		if v < limit {
			return true, true
		}
	case ">", ">=":
		if v >= limit {
			return false, true
		}
	}
	return false, false
}

// egfrText describes the latest eGFR for a message: value, unit, fact ID
// and date.
func (c *medContext) egfrText() string {
	q := c.egfr.Comparator + strconv.FormatFloat(math.Round(c.egfr.Value*10)/10, 'f', -1, 64)
	if c.egfr.Unit != "" {
		q += " " + c.egfr.Unit
	} else {
		q += " mL/min/1.73m2"
	}
	return fmt.Sprintf("eGFR %s, %s on %s", q, c.egfrObs.ID, c.egfrObs.Effective.Format("2006-01-02"))
}

// dose is a medication's daily dose as careguard could read it.
type dose struct {
	mg    float64
	known bool
	basis string
	// For a dose increase to an unstated dose: the dose before.
	fromMG    float64
	fromBasis string
}

func fmtMG(mg float64) string { return strconv.FormatFloat(mg, 'f', -1, 64) + " mg" }

// dailyDose reads the daily dose of one ingredient of a medication. For a
// current medication: its recorded daily dose (in mass units), else its
// dose instruction, else the strength in its name taken once daily. For a
// start: the item's dose instruction, else the strength in its name taken
// once daily. For an increase, or a continue that states a dose: the
// item's new dose instruction; when it cannot be read, the dose is unknown
// and fromMG holds the current dose.
func (m *MedicationSafety) dailyDose(e *medEntry, ingredient string) dose {
	key, _ := m.drugs.KeyOf(ingredient)
	current := func() dose {
		med := e.med
		if q := med.DailyDose; !q.IsZero() && q.Comparator == "" {
			if f, ok := massUnitMG(strings.ToLower(q.Unit)); ok && q.Value > 0 {
				return dose{mg: q.Value * f, known: true, basis: "recorded daily dose"}
			}
		}
		strength, hasStrength := m.strengthOf(med.Name(), key)
		if d, ok := parseDoseText(med.DoseText, strength); ok {
			return dose{mg: d, known: true, basis: fmt.Sprintf("dose instruction %q", clean(med.DoseText))}
		}
		if hasStrength {
			return dose{mg: strength, known: true, basis: "product strength, assuming once daily"}
		}
		return dose{}
	}
	switch {
	case e.start:
		strength, hasStrength := m.strengthOf(e.change.Medication, key)
		if d, ok := parseDoseText(e.change.Dose, strength); ok {
			return dose{mg: d, known: true, basis: fmt.Sprintf("proposed dose %q", clean(e.change.Dose))}
		}
		if d, ok := parseDoseText(e.change.Medication, strength); ok {
			return dose{mg: d, known: true, basis: fmt.Sprintf("proposed dose %q", clean(e.change.Medication))}
		}
		if hasStrength {
			return dose{mg: strength, known: true, basis: "proposed product strength, assuming once daily"}
		}
		return dose{}
	case e.increase || e.newDose:
		strength, _ := m.strengthOf(e.med.Name(), key)
		if d, ok := parseDoseText(e.change.Dose, strength); ok {
			return dose{mg: d, known: true, basis: fmt.Sprintf("proposed new dose %q", clean(e.change.Dose))}
		}
		before := current()
		return dose{fromMG: before.mg, fromBasis: before.basis}
	}
	return current()
}

// strengthOf reads the strength of one ingredient from a product name. In
// a combination ("A 10 MG / B 28 MG") it reads the part that names the
// ingredient.
func (m *MedicationSafety) strengthOf(name, key string) (float64, bool) {
	parts := strings.Split(name, " / ")
	if len(parts) == 1 {
		return parseStrengthMG(name)
	}
	for _, p := range parts {
		for _, mention := range m.drugs.FindInText(p) {
			if mention.Key == key {
				return parseStrengthMG(p)
			}
		}
	}
	return 0, false
}

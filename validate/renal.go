package validate

import (
	"fmt"

	"github.com/careguard/careguard/terminology"
)

// Kidney-function rule IDs.
const (
	// RuleMetforminContraindicated: metformin with eGFR below 30.
	RuleMetforminContraindicated = "renal.metformin-egfr-below-30"
	// RuleMetforminStart: metformin started with eGFR 30–45.
	RuleMetforminStart = "renal.metformin-start-egfr-30-45"
	// RuleMetforminReassess: metformin continued with eGFR 30–45.
	RuleMetforminReassess = "renal.metformin-egfr-below-45"
	// RuleNSAIDKidney: a systemic NSAID with eGFR below 30.
	RuleNSAIDKidney = "renal.nsaid-egfr-below-30"
	// RuleNitrofurantoinKidney: nitrofurantoin with eGFR below 30.
	RuleNitrofurantoinKidney = "renal.nitrofurantoin-egfr-below-30"
	// RuleEGFRMissing: a drug whose safety depends on kidney function, and
	// no eGFR on record.
	RuleEGFRMissing = "renal.egfr-missing"
)

func metforminSource() terminology.Source {
	return terminology.Source{
		Citation: "FDA Drug Safety Communication (8 April 2016), metformin in reduced kidney function: obtain eGFR before starting and at least yearly; contraindicated below eGFR 30 mL/min/1.73 m2; starting at 30-45 not recommended; if eGFR falls below 45 in a patient taking it, assess benefit and risk (summarised in PMC5533243, Table 3)",
		URL:      "https://pmc.ncbi.nlm.nih.gov/articles/PMC5533243/",
	}
}

func beersKidneySource(drug string) terminology.Source {
	return terminology.Source{
		Citation: "2023 AGS Beers Criteria, medications to avoid or reduce with reduced kidney function: " + drug + " — avoid when creatinine clearance is below 30 mL/min (American Geriatrics Society Beers Criteria Update Expert Panel. J Am Geriatr Soc 2023;71(7):2052-81). careguard compares the latest eGFR with the threshold, not a Cockcroft-Gault clearance",
		URL:      "https://doi.org/10.1111/jgs.18372",
	}
}

// renal checks the drugs whose safety depends on kidney function against
// the latest eGFR (terminology.EGFR) at the record's as-of date.
func (m *MedicationSafety) renal(c *medContext) {
	var relevant []*medEntry
	for _, e := range c.entries {
		if e.sys(roleMetformin|roleNSAID) || e.has(roleNitrofurantoin) {
			relevant = append(relevant, e)
		}
	}
	if len(relevant) == 0 {
		return
	}
	if !c.egfrKnown {
		c.add(Finding{RuleID: RuleEGFRMissing, Severity: SeverityInfo, Category: CategoryRenalDosing,
			Message:    fmt.Sprintf("No eGFR is on record, so careguard could not check %s against kidney function.", labels(relevant)),
			Source:     metforminSource(),
			Suggestion: "Order a creatinine with eGFR before starting, and at least yearly while taking, metformin; check kidney function before NSAIDs or nitrofurantoin in kidney disease."}, relevant...)
		return
	}
	below30, known30 := c.egfrBelow(30)
	below45, known45 := c.egfrBelow(45)
	if !known30 || !known45 && !below30 {
		c.add(Finding{RuleID: RuleEGFRMissing, Severity: SeverityInfo, Category: CategoryRenalDosing,
			Message:    fmt.Sprintf("The latest result (%s) does not say whether eGFR is below 30 or 45, so careguard could not check %s against kidney function.", c.egfrText(), labels(relevant)),
			Source:     metforminSource(),
			Suggestion: "Obtain a numeric eGFR."}, relevant...)
	}
	egfrFact := &medEntry{factID: c.egfrObs.ID}
	for _, e := range relevant {
		switch {
		case e.sys(roleMetformin) && known30 && below30:
			c.add(Finding{RuleID: RuleMetforminContraindicated, Severity: SeverityCritical, Category: CategoryContraindication,
				Message:    fmt.Sprintf("%s: metformin is contraindicated with eGFR below 30 (%s).", e.label(), c.egfrText()),
				Source:     metforminSource(),
				Suggestion: "Do not start metformin, and stop it if the patient takes it; choose another glucose-lowering drug suited to the kidney function."}, e, egfrFact)
		case e.sys(roleMetformin) && known45 && below45 && e.start:
			c.add(Finding{RuleID: RuleMetforminStart, Severity: SeverityWarning, Category: CategoryRenalDosing,
				Message:    fmt.Sprintf("%s: starting metformin with eGFR between 30 and 45 is not recommended (%s).", e.label(), c.egfrText()),
				Source:     metforminSource(),
				Suggestion: "Choose another glucose-lowering drug, or document why metformin is still preferred and recheck eGFR regularly."}, e, egfrFact)
		case e.sys(roleMetformin) && known45 && below45:
			c.add(Finding{RuleID: RuleMetforminReassess, Severity: SeverityInfo, Category: CategoryRenalDosing,
				Message:    fmt.Sprintf("%s: eGFR is below 45 (%s); the label asks to weigh the benefit and risk of continuing metformin.", e.label(), c.egfrText()),
				Source:     metforminSource(),
				Suggestion: "Reassess metformin (many clinicians reduce the dose at this eGFR) and recheck eGFR at least every 3-6 months."}, e, egfrFact)
		}
		if e.sys(roleNSAID) && known30 && below30 {
			c.add(Finding{RuleID: RuleNSAIDKidney, Severity: SeverityWarning, Category: CategoryRenalDosing,
				Message:    fmt.Sprintf("%s: an NSAID with eGFR below 30 (%s) risks further kidney injury%s.", e.label(), c.egfrText(), olderAdultNote(c.age)),
				Source:     m.kidney[roleNSAID],
				Suggestion: "Avoid the NSAID; use acetaminophen or a topical agent for pain."}, e, egfrFact)
		}
		if e.has(roleNitrofurantoin) && known30 && below30 {
			c.add(Finding{RuleID: RuleNitrofurantoinKidney, Severity: SeverityWarning, Category: CategoryRenalDosing,
				Message:    fmt.Sprintf("%s: nitrofurantoin with eGFR below 30 (%s) is less effective and more toxic%s.", e.label(), c.egfrText(), olderAdultNote(c.age)),
				Source:     m.kidney[roleNitrofurantoin],
				Suggestion: "Choose another antibiotic suited to the kidney function and the culture results."}, e, egfrFact)
		}
	}
}

// olderAdultNote says, for patients under 65, that the cited criterion was
// written for older adults.
func olderAdultNote(age int) string {
	if age >= 65 {
		return ""
	}
	return " (the cited criterion is written for adults 65 and older; careguard applies its kidney threshold to every adult)"
}

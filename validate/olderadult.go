package validate

import (
	"fmt"
	"math"
	"strconv"

	"github.com/careguard/careguard/terminology"
)

// Older-adult (2023 AGS Beers Criteria) rule IDs. Each rule is careguard's
// own wording of a Beers recommendation; the Beers tables themselves are AGS
// copyright and are cited, not reproduced.
const (
	RuleBeersAspirin        = "older-adult.aspirin-primary-prevention"
	RuleBeersWarfarin       = "older-adult.warfarin"
	RuleBeersRivaroxaban    = "older-adult.rivaroxaban"
	RuleBeersDabigatran     = "older-adult.dabigatran"
	RuleBeersSulfonylurea   = "older-adult.sulfonylurea"
	RuleBeersSGLT2          = "older-adult.sglt2-inhibitor"
	RuleBeersAntihistamine  = "older-adult.first-generation-antihistamine"
	RuleBeersSedative       = "older-adult.benzodiazepine-or-z-drug"
	RuleBeersNSAID          = "older-adult.nsaid"
	RuleBeersPPI            = "older-adult.ppi-beyond-8-weeks"
	RuleBeersDigoxin        = "older-adult.digoxin-first-line"
	RuleBeersDigoxinDose    = "older-adult.digoxin-dose"
	RuleBeersAlpha1Blocker  = "older-adult.alpha1-blocker"
	RuleBeersNifedipine     = "older-adult.nifedipine-immediate-release"
	RuleBeersMeperidine     = "older-adult.meperidine"
	RuleBeersMuscleRelaxant = "older-adult.skeletal-muscle-relaxant"
	RuleBeersTricyclic      = "older-adult.tertiary-tricyclic"
)

// olderAdultAge is the age from which the Beers Criteria apply.
const olderAdultAge = 65

// beersRows names the Beers row each rule rests on.
func beersRows() map[string]string {
	return map[string]string{
		RuleBeersAspirin:        "aspirin for primary prevention of cardiovascular disease",
		RuleBeersWarfarin:       "warfarin",
		RuleBeersRivaroxaban:    "rivaroxaban",
		RuleBeersDabigatran:     "dabigatran",
		RuleBeersSulfonylurea:   "sulfonylureas",
		RuleBeersSGLT2:          "SGLT2 inhibitors",
		RuleBeersAntihistamine:  "first-generation antihistamines",
		RuleBeersSedative:       "benzodiazepines and benzodiazepine receptor agonist hypnotics (Z-drugs)",
		RuleBeersNSAID:          "non-COX-2-selective NSAIDs, oral",
		RuleBeersDigoxin:        "digoxin",
		RuleBeersDigoxinDose:    "digoxin",
		RuleBeersAlpha1Blocker:  "peripheral alpha-1 blockers for hypertension",
		RuleBeersNifedipine:     "nifedipine, immediate release",
		RuleBeersMeperidine:     "meperidine",
		RuleBeersMuscleRelaxant: "skeletal muscle relaxants",
		RuleBeersTricyclic:      "tertiary tricyclic antidepressants (amitriptyline, clomipramine, imipramine, trimipramine; doxepin above 6 mg a day)",
		RuleBeersPPI:            "proton pump inhibitors beyond 8 weeks",
	}
}

func beersSource(row string) terminology.Source {
	return terminology.Source{
		Citation: "2023 AGS Beers Criteria for potentially inappropriate medication use in older adults (American Geriatrics Society Beers Criteria Update Expert Panel. J Am Geriatr Soc 2023;71(7):2052-81), " + row,
		URL:      "https://doi.org/10.1111/jgs.18372",
	}
}

// olderAdult applies the Beers rows careguard encodes to patients aged 65
// or more at the record's as-of date. Only systemically acting products are
// considered. Where a criterion turns on something the record cannot show
// (whether a drug was chosen first-line, what aspirin is for) the finding
// is info for a medication the patient already takes and a warning for a
// proposed start.
func (m *MedicationSafety) olderAdult(c *medContext) {
	if c.age < olderAdultAge {
		return
	}
	age := strconv.Itoa(c.age)
	add := func(e *medEntry, rule string, sev Severity, msg, suggestion string) {
		c.add(Finding{RuleID: rule, Severity: sev, Category: CategoryOlderAdult,
			Message:    e.label() + ": " + msg + " (patient aged " + age + ").",
			Source:     m.beers[rule],
			Suggestion: suggestion}, e)
	}
	startOr := func(e *medEntry, start, other Severity) Severity {
		if e.start {
			return start
		}
		return other
	}
	for _, e := range c.entries {
		if e.local {
			continue
		}
		if e.has(roleAspirin) && e.start {
			add(e, RuleBeersAspirin, SeverityWarning,
				"starting aspirin for primary prevention of cardiovascular disease is to be avoided in older adults; it remains appropriate for established cardiovascular disease",
				"Start aspirin only for secondary prevention, and say so in the plan.")
		}
		if e.has(roleWarfarin) {
			if e.start {
				add(e, RuleBeersWarfarin, SeverityWarning,
					"warfarin should not be started as first-line therapy for venous thromboembolism or non-valvular atrial fibrillation unless direct oral anticoagulants are contraindicated or impractical",
					"Prefer a direct oral anticoagulant (apixaban is generally preferred) unless it is contraindicated.")
			} else {
				add(e, RuleBeersWarfarin, SeverityInfo,
					"long-term warfarin may be continued when the INR is well controlled; otherwise a direct oral anticoagulant is usually safer",
					"Check INR control (time in therapeutic range); consider a direct oral anticoagulant if it is poor.")
			}
		}
		if e.has(roleRivaroxaban) {
			add(e, RuleBeersRivaroxaban, SeverityWarning,
				"rivaroxaban is to be avoided for long-term treatment of atrial fibrillation or venous thromboembolism in older adults because it bleeds more than safer alternatives",
				"Consider apixaban instead.")
		}
		if e.has(roleDabigatran) {
			add(e, RuleBeersDabigatran, SeverityInfo,
				"dabigatran is to be used with caution in older adults (more gastrointestinal bleeding than some alternatives)",
				"Monitor for bleeding and kidney function; consider apixaban.")
		}
		if e.has(roleSulfonylurea) {
			switch {
			case e.proposed():
				add(e, RuleBeersSulfonylurea, SeverityWarning,
					"sulfonylureas are to be avoided as first- or second-line or add-on therapy in older adults (hypoglycemia, cardiovascular events)",
					"Choose an agent with low hypoglycemia risk; if a sulfonylurea is needed, prefer short-acting glipizide.")
			case e.has(roleGlipizide):
				add(e, RuleBeersSulfonylurea, SeverityInfo,
					"sulfonylureas carry a high hypoglycemia risk in older adults; glipizide is the preferred one when a sulfonylurea is used",
					"Review whether the sulfonylurea is still needed.")
			default:
				add(e, RuleBeersSulfonylurea, SeverityWarning,
					"a long-acting sulfonylurea carries a high risk of prolonged hypoglycemia in older adults",
					"Deprescribe, or switch to short-acting glipizide if a sulfonylurea is needed.")
			}
		}
		if e.has(roleSGLT2) {
			add(e, RuleBeersSGLT2, SeverityInfo,
				"SGLT2 inhibitors are to be used with caution in older adults (urogenital infection, euglycemic ketoacidosis)",
				"Counsel on genital hygiene and sick-day rules; monitor volume status.")
		}
		if e.has(roleAntihistamine) {
			add(e, RuleBeersAntihistamine, SeverityWarning,
				"first-generation antihistamines are strongly anticholinergic (confusion, constipation, urinary retention) and are to be avoided in older adults",
				"Use a non-sedating antihistamine or a non-drug measure.")
		}
		if e.has(roleSedativeHypnotic) {
			add(e, RuleBeersSedative, SeverityWarning,
				"benzodiazepines and Z-drug hypnotics raise the risk of falls, fractures, delirium and cognitive impairment in older adults and are to be avoided",
				"Plan a gradual taper; use cognitive behavioural therapy for insomnia or treat the underlying cause.")
		}
		if e.has(roleNSAID) && !e.has(roleCOX2) {
			sev, msg := SeverityWarning, "chronic use of a non-selective NSAID is to be avoided in older adults unless alternatives fail and a gastroprotective agent is taken; the patient takes no proton pump inhibitor or misoprostol"
			if g := others(c, roleGastroprotective, e); len(g) > 0 {
				sev, msg = SeverityInfo, "chronic use of a non-selective NSAID is to be avoided in older adults unless alternatives fail; the patient takes gastroprotection ("+labels(g)+")"
			}
			add(e, RuleBeersNSAID, sev,
				msg,
				"Prefer acetaminophen or a topical NSAID; if a systemic NSAID is needed, use it briefly with a proton pump inhibitor.")
		}
		if e.has(rolePPI) && !e.start {
			m.ppiDuration(c, e, add)
		}
		if e.has(roleDigoxin) {
			add(e, RuleBeersDigoxin, startOr(e, SeverityWarning, SeverityInfo),
				"digoxin is to be avoided as first-line therapy for atrial fibrillation or heart failure in older adults",
				"Use digoxin only when first-line rate or heart-failure therapy is insufficient or contraindicated.")
			if d := m.dailyDose(e, "digoxin"); d.known && d.mg > 0.125+1e-9 {
				add(e, RuleBeersDigoxinDose, SeverityWarning,
					fmt.Sprintf("%s of digoxin a day (%s) is above the 0.125 mg a day older adults should not exceed", fmtMG(d.mg), d.basis),
					"Reduce to 0.125 mg a day or less, guided by kidney function and levels.")
			}
		}
		if e.has(roleAlpha1Blocker) {
			add(e, RuleBeersAlpha1Blocker, startOr(e, SeverityWarning, SeverityInfo),
				"a peripheral alpha-1 blocker used for hypertension is to be avoided in older adults (orthostatic hypotension); it may be appropriate for prostate symptoms",
				"If it treats hypertension, switch to a first-line antihypertensive.")
		}
		if e.has(roleNifedipine) {
			if !extendedRelease(e.name) {
				add(e, RuleBeersNifedipine, SeverityWarning,
					"immediate-release nifedipine is to be avoided in older adults (hypotension, myocardial ischaemia)",
					"Use an extended-release formulation or another antihypertensive.")
			}
		}
		if e.has(roleMeperidine) {
			add(e, RuleBeersMeperidine, SeverityWarning,
				"meperidine is to be avoided in older adults (neurotoxicity, delirium, poor oral analgesia)",
				"Use another analgesic.")
		}
		if e.has(roleMuscleRelaxant) {
			add(e, RuleBeersMuscleRelaxant, SeverityWarning,
				"skeletal muscle relaxants are anticholinergic and sedating and are to be avoided in older adults",
				"Use physical measures or another analgesic.")
		}
		if e.has(roleTertiaryTCA) {
			if e.has(roleDoxepin) && m.onlyDoxepin(e) {
				d := m.dailyDose(e, "doxepin")
				switch {
				case d.known && d.mg <= 6+1e-9:
				case d.known:
					add(e, RuleBeersTricyclic, SeverityWarning,
						fmt.Sprintf("doxepin %s a day (%s) is above the 6 mg a day the criterion allows; tertiary tricyclics are strongly anticholinergic", fmtMG(d.mg), d.basis),
						"Use 6 mg a day or less for sleep, or another drug.")
				default:
					add(e, RuleBeersTricyclic, SeverityInfo,
						"careguard could not read the doxepin dose; above 6 mg a day it is to be avoided in older adults",
						"Confirm the dose is 6 mg a day or less.")
				}
			} else {
				add(e, RuleBeersTricyclic, SeverityWarning,
					"tertiary-amine tricyclics are strongly anticholinergic and sedating (falls, confusion) and are to be avoided in older adults",
					"Use an antidepressant with little anticholinergic effect.")
			}
		}
	}
}

// onlyDoxepin reports whether doxepin is the medication's only tertiary
// tricyclic.
func (m *MedicationSafety) onlyDoxepin(e *medEntry) bool {
	n := 0
	for _, k := range e.keys {
		if m.roles[k]&roleTertiaryTCA != 0 {
			n++
		}
	}
	return n == 1
}

// ppiDuration: scheduled use of a proton pump inhibitor beyond 8 weeks is
// to be avoided unless the patient is at high risk (the Beers row names
// oral corticosteroids and chronic NSAID use).
func (m *MedicationSafety) ppiDuration(c *medContext, e *medEntry, add func(*medEntry, string, Severity, string, string)) {
	if len(others(c, roleNSAID|roleSystemicSteroid, e)) > 0 {
		return // a high-risk indication is on the list
	}
	if e.med.Start.IsZero() {
		add(e, RuleBeersPPI, SeverityInfo,
			"the record does not say when the proton pump inhibitor started; scheduled use beyond 8 weeks is to be avoided in older adults unless there is a high-risk indication",
			"Review the indication and duration; deprescribe if there is none.")
		return
	}
	days := int(math.Floor(c.asOf.Sub(e.med.Start).Hours() / 24))
	if days <= 56 {
		return
	}
	add(e, RuleBeersPPI, SeverityWarning,
		fmt.Sprintf("the proton pump inhibitor has been taken for %d days; scheduled use beyond 8 weeks is to be avoided in older adults unless there is a high-risk indication (such as oral corticosteroids, chronic NSAID use, erosive esophagitis or Barrett's esophagus)", days),
		"Review the indication; taper or stop if there is no high-risk indication.")
}

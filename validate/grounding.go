package validate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// Grounding rule IDs.
const (
	RuleRecordMismatch      = "grounding.record-mismatch"
	RuleUnknownFact         = "grounding.unknown-fact"
	RuleNoCitation          = "grounding.no-citation"
	RuleMedicationNotFound  = "grounding.medication-not-in-record"
	RuleMedicationMismatch  = "grounding.medication-mismatch"
	RuleCodeNameMismatch    = "grounding.code-name-mismatch"
	RuleMedicationNotActive = "grounding.medication-not-active"
	RuleMedicationUnchecked = "grounding.medication-unverified"
	RuleStartAlreadyTaking  = "grounding.start-already-taking"
	RuleStartUnknownDrug    = "grounding.start-unknown-drug"
	RuleProblemNotInRecord  = "grounding.problem-not-in-record"
)

// groundingSource is the basis of the grounding rules: careguard's own
// requirement that content state only what the record supports.
var groundingSource = terminology.Source{
	Citation: "careguard grounding rules: generated content may state only what the patient record supports (OWASP LLM09 Misinformation; FDA CDS guidance 2022, criterion 4: the basis must be reviewable)",
}

// GroundingOptions configures the grounding validator. The zero value (or
// nil) gives the defaults noted on each field.
type GroundingOptions struct {
	// Drugs resolves medications and finds drug names in text. Default
	// terminology.DefaultDrugs().
	Drugs *terminology.Drugs
	// Conditions finds condition names in text. Default
	// terminology.DefaultConditions().
	Conditions *terminology.Conditions
}

// Grounding checks that a draft is grounded in its record: the draft was
// made from this record; every cited fact exists; every item cites
// something; every medication change other than a start names a medication
// the record holds, matching it by RxNorm ingredient or name, and one that
// is active unless the change stops it; an item's RxNorm code and name
// denote the same drug; a start does not propose a medication the patient
// already takes; and a problem called existing cites a condition.
//
// It also reads the plan's free text (summary, titles, descriptions,
// rationales, topics, reasons, measure names): every HbA1c, eGFR, UACR, LDL
// and blood-pressure result it states must match the record's latest result,
// or the result on the date the text gives, to the precision the text uses
// (half a unit of the last digit stated); numbers after threshold words
// ("below 7%", "goal <130/80", "at least 45", "eGFR 30-45") are targets and
// are not compared; an age it states must be the patient's age at the as-of
// date; a condition it names must be in the record (critical when an existing
// problem names it or the text asserts it, a warning when the mention is
// bare; negated, screening, risk and population statements are skipped);
// and a drug it calls current ("on", "taking", "continue") must be active.
// Goal descriptions state targets and are not read for lab results.
//
// Grounding is immutable and safe for concurrent use by multiple
// goroutines.
type Grounding struct {
	drugs      *terminology.Drugs
	conditions *terminology.Conditions
	concepts   []terminology.ConditionConcept
	orders     *orderReader
	stems      *problemStems
	sets       groundingSets
}

// groundingSets are the value sets the text checks compare with.
type groundingSets struct {
	hba1c, egfr, uacr, ldl, sbp, dbp, bpAny *terminology.ValueSet
}

// NewGrounding returns the grounding validator.
func NewGrounding(opts *GroundingOptions) *Grounding {
	g := &Grounding{}
	if opts != nil {
		g.drugs, g.conditions = opts.Drugs, opts.Conditions
	}
	if g.drugs == nil {
		g.drugs = terminology.DefaultDrugs()
	}
	if g.conditions == nil {
		g.conditions = terminology.DefaultConditions()
	}
	g.concepts = g.conditions.Concepts()
	g.orders = newOrderReader()
	g.stems = newProblemStems()
	sbp, panel := terminology.SystolicBP(), terminology.BloodPressurePanel()
	g.sets = groundingSets{hba1c: terminology.HbA1c(), egfr: terminology.EGFR(), uacr: terminology.UACR(), ldl: terminology.LDL(),
		sbp: sbp, dbp: terminology.DiastolicBP(),
		bpAny: terminology.Union("careguard:bp-any", "Blood pressure", panel.Source(), panel, sbp)}
	return g
}

// Name returns "grounding".
func (g *Grounding) Name() string { return "grounding" }

// Validate implements Validator. It returns ErrInvalidInput when in lacks
// a record, a draft or a plan, and ctx.Err() if ctx ends.
func (g *Grounding) Validate(ctx context.Context, in *Input) ([]Finding, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	rec, d := in.Record, in.Draft
	var out []Finding
	add := func(rule string, sev Severity, msg, suggestion string, items, facts []string) {
		out = append(out, Finding{RuleID: rule, Severity: sev, Category: CategoryGrounding, Message: msg,
			ItemIDs: items, FactIDs: facts, Source: groundingSource, Suggestion: suggestion})
	}

	if d.RecordFingerprint != "" && d.RecordFingerprint != rec.Fingerprint() {
		add(RuleRecordMismatch, SeverityCritical,
			"The draft was made from a different version of the record, so its fact IDs may point at the wrong facts.",
			"Regenerate the draft from the current record.", nil, nil)
	}

	for _, it := range d.Plan.Items() {
		if len(it.Citations) == 0 {
			add(RuleNoCitation, SeverityWarning, fmt.Sprintf("%s cites no fact from the record.", it.ID),
				"Cite the record facts the item rests on, or remove it.", []string{it.ID}, nil)
		}
		for _, id := range it.Citations {
			if !rec.Has(id) {
				add(RuleUnknownFact, SeverityCritical, fmt.Sprintf("%s cites %s, which is not in the record.", it.ID, id),
					"Remove the citation or the claim that rests on it.", []string{it.ID}, []string{id})
			}
		}
	}

	for i, p := range d.Plan.Problems {
		if p.Status == careplan.ProblemExisting {
			g.checkExistingProblem(rec, i, p, func(f Finding) { out = append(out, f) })
		}
	}

	active := rec.ActiveMedications()
	activeIngredients := map[string][]string{} // ingredient -> active med IDs
	for _, m := range active {
		for _, in := range g.ingredients(m.Code.System, m.Code.Code, m.Code.Display) {
			activeIngredients[in] = append(activeIngredients[in], m.ID)
		}
	}

	for i, mc := range d.Plan.MedicationChanges {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		item := careplanItemID(careplan.ItemMedication, i)
		planIngs := g.ingredients(terminology.SystemRxNorm, mc.RxNorm, mc.Medication)
		if mc.RxNorm != "" {
			byCode := g.ingredients(terminology.SystemRxNorm, mc.RxNorm, "")
			byName := g.ingredients("", "", mc.Medication)
			if len(byCode) > 0 && len(byName) > 0 && !overlaps(byCode, byName) {
				add(RuleCodeNameMismatch, SeverityCritical,
					fmt.Sprintf("%s names %s but gives RxNorm code %s, which is a different drug.", item, clean(mc.Medication), mc.RxNorm),
					"Correct the code or the name; safety checks use the code.", []string{item}, nil)
			}
		}
		if mc.Action == careplan.ActionStart {
			var already []string
			for _, in := range planIngs {
				already = append(already, activeIngredients[in]...)
			}
			slices.Sort(already)
			already = slices.Compact(already)
			if len(already) > 0 {
				add(RuleStartAlreadyTaking, SeverityWarning,
					fmt.Sprintf("%s proposes starting %s, but the patient already takes it (%s).", item, clean(mc.Medication), strings.Join(already, ", ")),
					"Change the dose of the current medication instead, or remove the item.", []string{item}, already)
			}
			if len(planIngs) == 0 {
				add(RuleStartUnknownDrug, SeverityInfo,
					fmt.Sprintf("%s proposes %s, which careguard's drug tables do not recognise; interaction and allergy checks could not cover it.", item, clean(mc.Medication)),
					"Check this medication against the patient's medications and allergies by hand.", []string{item}, nil)
			}
			continue
		}
		f, ok := rec.Fact(mc.CurrentMedicationID)
		m, isMed := f.(patient.Medication)
		if !ok || !isMed {
			add(RuleMedicationNotFound, SeverityCritical,
				fmt.Sprintf("%s would %s %s, but %q is not a medication in the record.", item, actionVerb(mc.Action), clean(mc.Medication), mc.CurrentMedicationID),
				"Refer to a medication the patient has, or propose it as a new medication.", []string{item}, nil)
			continue
		}
		facts := []string{m.ID}
		switch g.sameMedication(planIngs, mc.Medication, m) {
		case matchNo:
			add(RuleMedicationMismatch, SeverityCritical,
				fmt.Sprintf("%s names %s, but %s in the record is %s.", item, clean(mc.Medication), m.ID, clean(m.Name())),
				"Name the medication exactly as the record does.", []string{item}, facts)
		case matchUnknown:
			add(RuleMedicationUnchecked, SeverityWarning,
				fmt.Sprintf("%s names %s; careguard could not confirm it is %s (%s).", item, clean(mc.Medication), m.ID, clean(m.Name())),
				"Confirm the item refers to the intended medication.", []string{item}, facts)
		}
		if !m.Active() {
			sev, what := SeverityCritical, "treats it as current"
			if mc.Action == careplan.ActionStop {
				sev, what = SeverityWarning, "stops it"
			}
			add(RuleMedicationNotActive, sev,
				fmt.Sprintf("%s %s, but %s (%s) is %s in the record, not active.", item, what, m.ID, clean(m.Name()), m.Status),
				"Use the current medication list; propose a restart as a new medication if that is intended.", []string{item}, facts)
		}
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	g.textFindings(rec, d.Plan, func(f Finding) { out = append(out, f) })
	return out, nil
}

type match int

const (
	matchYes match = iota
	matchNo
	matchUnknown
)

// sameMedication decides whether a plan's medication (resolved to
// ingredients, and by name) is the record's medication m.
func (g *Grounding) sameMedication(planIngs []string, planName string, m patient.Medication) match {
	recIngs := g.ingredients(m.Code.System, m.Code.Code, m.Code.Display)
	if len(planIngs) > 0 && len(recIngs) > 0 {
		if overlaps(planIngs, recIngs) {
			return matchYes
		}
		return matchNo
	}
	a, b := normalizeName(planName), normalizeName(m.Name())
	if a != "" && b != "" && (strings.Contains(b, a) || strings.Contains(a, b)) {
		return matchYes
	}
	return matchUnknown
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func (g *Grounding) ingredients(system, code, display string) []string {
	return g.drugs.IngredientsOf(terminology.MedicationCode{System: system, Code: code, Display: display})
}

func actionVerb(a careplan.MedicationAction) string {
	switch a {
	case careplan.ActionIncrease:
		return "increase the dose of"
	case careplan.ActionDecrease:
		return "decrease the dose of"
	}
	return string(a)
}

func careplanItemID(k careplan.ItemKind, i int) string { return fmt.Sprintf("%s-%d", k, i+1) }

func normalizeName(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ")
}

// clean shortens model-written text quoted in a message.
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		cut := 80
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

package validate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// MedicationSafetyOptions configures the medication-safety validator. The
// zero value (or nil) gives the defaults noted on each field.
type MedicationSafetyOptions struct {
	// Drugs resolves medications to ingredients and classes. Default
	// terminology.DefaultDrugs(). A table that adds a deployer's RxNorm
	// release ([terminology.Drugs.Extend]) keeps every shipped name, so
	// the rules still resolve.
	Drugs *terminology.Drugs
	// Interactions is the drug–drug interaction knowledge. Default: the
	// shipped ONC tables ([DefaultInteractionTable]) built on Drugs. A
	// deployer plugs a licensed interaction database in here; the
	// contextual chronic-care rules (see [MedicationSafety]) run either
	// way.
	Interactions InteractionSource
}

// MedicationSafety checks the medications of a draft against the patient's
// record: drug–drug interactions, drug–allergy conflicts, kidney-function
// contraindications, potentially inappropriate medications in older adults,
// and duplicate therapy. Every finding names the medications involved (fact
// IDs for the record's medications, item IDs for the draft's changes), the
// rule, its source and what to do.
//
// The medications checked are the record's active medications, less those
// the draft stops, together with those the draft starts; a dose increase
// marks a current medication as proposed. Pairs are checked within the
// current list and, the case that matters most, between what the draft
// proposes and what the patient takes.
//
// The rules, by finding category:
//
//   - interaction: the pairs the [InteractionSource] reports (by default the
//     15 ONC high-priority interactions as critical and the 33 ONC
//     non-interruptive ones as info), and careguard's contextual
//     chronic-care rules: warfarin with an NSAID (the HL7 PDDI-CDS
//     indicator logic: critical without a proton pump inhibitor or
//     misoprostol, warning with one, info for topical diclofenac, with age
//     over 65, a systemic corticosteroid, an aldosterone antagonist or a
//     second NSAID named as aggravating factors); an ACE inhibitor or ARB
//     with a diuretic and an NSAID (warning, critical with eGFR below 60);
//     simvastatin above 20 mg a day with amlodipine (warning; info at
//     exactly 20 mg or an unknown dose); an ACE inhibitor with an ARB
//     (warning when the draft proposes either or eGFR is below 60; info
//     from the ONC non-interruptive list otherwise); clopidogrel with an
//     NSAID (warning).
//   - allergy: an active allergy to an ingredient or to its class
//     (critical); a documented cross-sensitivity, penicillin to
//     cephalosporin (warning).
//   - contraindication and renal-dosing: metformin with eGFR below 30
//     (critical), started at 30–45 (warning) or continued below 45 (info);
//     a systemic NSAID or nitrofurantoin with eGFR below 30 (warning); no
//     eGFR on record while a kidney-dependent drug is taken or proposed
//     (info).
//   - older-adult: from age 65 at the record's as-of date, the 2023 AGS
//     Beers Criteria rows careguard encodes (warning, or info where the
//     criterion depends on what the record cannot show, such as whether a
//     drug was first-line), distinguishing a proposed start from a
//     medication the patient has long taken.
//   - duplicate-therapy: two different ingredients of one class where
//     combining them is not an intended regimen (warning).
//
// A MedicationSafety is immutable and safe for concurrent use by multiple
// goroutines when its InteractionSource is. It never logs.
type MedicationSafety struct {
	drugs  *terminology.Drugs
	source InteractionSource
	egfr   *terminology.ValueSet

	roles     map[string]roleSet // ingredient key -> roles
	dupIndex  map[string]uint64  // ingredient key -> duplicate-therapy classes
	index     map[string]keyInfo // both, for one lookup per ingredient
	dupClass  []dupClass
	allergies []allergyClass
	names     map[string]string // ingredient key -> name
	local     map[string]bool   // product RxCUI -> its name states a local route
	beers     map[string]terminology.Source
	kidney    map[roleSet]terminology.Source
	orders    *orderReader // medication starts written in free text
}

var _ Validator = (*MedicationSafety)(nil)

// NewMedicationSafety returns the medication-safety validator.
//
// Errors: when Drugs lacks an ingredient or class the shipped rules name,
// every such problem joined, each a *[KnowledgeError] wrapping
// [ErrUnknownDrug] or [ErrUnknownClass]. With nil options it does not fail.
func NewMedicationSafety(opts *MedicationSafetyOptions) (*MedicationSafety, error) {
	var o MedicationSafetyOptions
	if opts != nil {
		o = *opts
	}
	if o.Drugs == nil {
		o.Drugs = terminology.DefaultDrugs()
	}
	m := &MedicationSafety{drugs: o.Drugs, source: o.Interactions, egfr: terminology.EGFR(), names: map[string]string{}}
	var errs []error
	if m.source == nil {
		t, err := DefaultInteractionTable(o.Drugs)
		if err != nil {
			errs = append(errs, err)
		}
		m.source = t
	}
	var err error
	if m.roles, err = buildRoles(o.Drugs); err != nil {
		errs = append(errs, err)
	}
	if m.dupClass, m.dupIndex, err = buildDuplicateClasses(o.Drugs); err != nil {
		errs = append(errs, err)
	}
	if m.allergies, err = buildAllergyClasses(o.Drugs); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, in := range o.Drugs.Ingredients() {
		m.names[in.Key()] = in.Name
	}
	m.index = map[string]keyInfo{}
	for k, r := range m.roles {
		x := m.index[k]
		x.roles = r
		m.index[k] = x
	}
	for k, d := range m.dupIndex {
		x := m.index[k]
		x.dup = d
		m.index[k] = x
	}
	m.beers = map[string]terminology.Source{}
	for rule, row := range beersRows() {
		m.beers[rule] = beersSource(row)
	}
	m.kidney = map[roleSet]terminology.Source{
		roleNSAID:          beersKidneySource("non-COX and COX-2 selective NSAIDs"),
		roleNitrofurantoin: beersKidneySource("nitrofurantoin"),
	}
	m.local = map[string]bool{}
	for _, p := range o.Drugs.Products() {
		m.local[p.RxCUI] = localRoute(p.Name)
	}
	m.orders = newOrderReader()
	return m, nil
}

// DefaultMedicationSafety returns the medication-safety validator with the
// shipped drug table and interaction rules: NewMedicationSafety(nil). It
// panics only if the shipped knowledge were inconsistent, which the
// package's tests rule out, so that it can sit in a list of validators.
func DefaultMedicationSafety() *MedicationSafety {
	m, err := NewMedicationSafety(nil)
	if err != nil {
		panic("validate: the shipped medication-safety knowledge is inconsistent: " + err.Error())
	}
	return m
}

// Name returns "medication-safety".
func (m *MedicationSafety) Name() string { return "medication-safety" }

// keyInfo is what the rules need to know about one ingredient.
type keyInfo struct {
	roles roleSet
	dup   uint64
}

// medEntry is one medication the rules see: a current medication (with the
// plan items that act on it) or a proposed start.
type medEntry struct {
	keys     []string // ingredient keys
	roles    roleSet
	dup      uint64 // duplicate-therapy classes
	local    bool   // the product acts locally (topical, inhaled, ...)
	factID   string
	itemIDs  []string
	start    bool // proposed by a start item, or by free text
	fromText bool // the start is written in free text, not in medication_changes
	increase bool // a dose increase is proposed
	newDose  bool // a continue that states a dose: a dose change of unknown direction
	name     string
	text     string                     // label(), computed once
	med      *patient.Medication        // for a current medication
	change   *careplan.MedicationChange // the start, increase or new-dose item
}

func (e *medEntry) proposed() bool { return e.start || e.increase || e.newDose }

// has reports whether the medication has any of the roles, whatever its
// route; sys only when it acts systemically.
func (e *medEntry) has(r roleSet) bool { return e.roles&r != 0 }
func (e *medEntry) sys(r roleSet) bool { return !e.local && e.roles&r != 0 }

// label names the medication for a clinician: its fact or item ID and its
// name, and what the draft does with it. It is built the first time a
// finding needs it.
func (e *medEntry) label() string {
	if e.text == "" {
		e.setLabel()
	}
	return e.text
}

func (e *medEntry) setLabel() {
	switch {
	case e.fromText:
		where := "the summary"
		if len(e.itemIDs) > 0 {
			where = strings.Join(e.itemIDs, ", ")
		}
		e.text = where + " (" + cleanName(e.name) + ", proposed start written in free text)"
	case e.start:
		e.text = e.itemIDs[0] + " (" + cleanName(e.name) + ", proposed start)"
	case e.increase:
		e.text = e.factID + " (" + cleanName(e.name) + ", dose increase proposed)"
	case e.newDose:
		e.text = e.factID + " (" + cleanName(e.name) + ", new dose proposed)"
	default:
		e.text = e.factID + " (" + cleanName(e.name) + ")"
	}
}

// cleanName is clean with a fast path for the common case: a short name
// with single spaces and no other white space.
func cleanName(s string) string {
	if len(s) <= 80 && !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r\v\f") &&
		!strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") {
		return s
	}
	return clean(s)
}

// medContext is one validation: the record, the medications and the
// record's kidney function, and the findings so far.
type medContext struct {
	rec     *patient.Record
	asOf    time.Time
	entries []*medEntry
	age     int

	egfr      patient.Quantity
	egfrObs   patient.Observation
	egfrKnown bool

	out []Finding
}

// add records a finding about the given medications.
func (c *medContext) add(f Finding, es ...*medEntry) {
	f.FactIDs = make([]string, 0, len(es))
	for _, e := range es {
		if e.factID != "" {
			f.FactIDs = append(f.FactIDs, e.factID)
		}
		f.ItemIDs = append(f.ItemIDs, e.itemIDs...)
	}
	slices.Sort(f.FactIDs)
	f.FactIDs = slices.Compact(f.FactIDs)
	slices.Sort(f.ItemIDs)
	f.ItemIDs = slices.Compact(f.ItemIDs)
	c.out = append(c.out, f)
}

// Validate implements [Validator]. It returns ErrInvalidInput when in lacks
// a record, a draft or a plan; an error from the interaction source,
// wrapped; and ctx.Err() if ctx ends. Findings made before an error are
// returned with it.
func (m *MedicationSafety) Validate(ctx context.Context, in *Input) ([]Finding, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	c := &medContext{rec: in.Record, asOf: in.Record.AsOf(), age: in.Record.Age()}
	c.entries = m.entries(in.Record, in.Draft.Plan)
	c.out = make([]Finding, 0, len(c.entries)+4)
	if v, obs, ok := in.Record.LatestValue(m.egfr); ok && v.Kind == patient.ValueQuantity {
		c.egfr, c.egfrObs, c.egfrKnown = v.Quantity, obs, true
	}
	if err := m.interactions(ctx, c); err != nil {
		return c.out, err
	}
	for _, stage := range []func(*medContext){m.contextual, m.allergy, m.renal, m.olderAdult, m.duplicates} {
		if err := ctx.Err(); err != nil {
			return c.out, err
		}
		stage(c)
	}
	return c.out, nil
}

// entries builds the medication list the rules check.
func (m *MedicationSafety) entries(rec *patient.Record, plan *careplan.Plan) []*medEntry {
	type act struct {
		item   string
		action careplan.MedicationAction
		change *careplan.MedicationChange
	}
	acts := map[string][]act{} // current medication fact ID -> plan items acting on it
	var starts []*medEntry
	// Medications returns one exact-size copy; keep the active ones in it.
	active := rec.Medications()
	n := 0
	for _, med := range active {
		if med.Active() {
			active[n] = med
			n++
		}
	}
	active = active[:n]
	// One buffer holds every medication's ingredient keys.
	buf := make([]string, 0, 2*(len(active)+len(plan.MedicationChanges)))
	resolve := func(c terminology.MedicationCode) []string {
		n := len(buf)
		buf = m.drugs.AppendIngredientsOf(buf, c)
		return buf[n:len(buf):len(buf)]
	}
	for i := range plan.MedicationChanges {
		mc := &plan.MedicationChanges[i]
		item := string(careplan.ItemMedication) + "-" + strconv.Itoa(i+1)
		if mc.Action == careplan.ActionStart {
			keys := resolve(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: mc.RxNorm, Display: mc.Medication})
			if len(keys) == 0 {
				continue // the grounding rules report drugs careguard cannot recognise
			}
			e := &medEntry{keys: keys, local: m.startRoute(mc.RxNorm, mc.Medication),
				itemIDs: []string{item}, start: true, name: mc.Medication, change: mc}
			e.roles, e.dup = m.rolesOf(keys)
			starts = append(starts, e)
			continue
		}
		acts[mc.CurrentMedicationID] = append(acts[mc.CurrentMedicationID], act{item, mc.Action, mc})
	}
	out := make([]*medEntry, 0, len(active)+len(starts))
	backing := make([]medEntry, len(active))
	for i := range active {
		med := &active[i]
		e := &backing[i]
		*e = medEntry{factID: med.ID, name: med.Name(), med: med}
		stopped := false
		for _, a := range acts[med.ID] {
			e.itemIDs = append(e.itemIDs, a.item)
			switch a.action {
			case careplan.ActionStop:
				stopped = true
			case careplan.ActionIncrease:
				e.increase, e.change = true, a.change
			case careplan.ActionContinue:
				// A continue that states a dose changes the dose: the
				// rules read it as a proposed dose change.
				if a.change.Dose != "" && !e.increase {
					e.newDose, e.change = true, a.change
				}
			}
		}
		if stopped {
			continue
		}
		e.keys = resolve(terminology.MedicationCode{System: med.Code.System, Code: med.Code.Code, Display: med.Code.Display})
		if len(e.keys) == 0 {
			continue
		}
		if local, known := m.local[med.Code.Code]; known && med.Code.System == terminology.SystemRxNorm {
			e.local = local
		} else {
			e.local = localRoute(med.Name())
		}
		e.roles, e.dup = m.rolesOf(e.keys)
		out = append(out, e)
	}
	out = append(out, starts...)
	return append(out, m.textStarts(plan, out)...)
}

// textStarts returns the medications the plan's free text proposes to
// start (see RuleMedicationChangeInText) that are neither current nor
// started by a medication change, so that the rules check them as proposed
// starts. A drug the text tells someone to take or give counts only when
// the patient does not already take it.
func (m *MedicationSafety) textStarts(plan *careplan.Plan, have []*medEntry) []*medEntry {
	var out []*medEntry
	byKey := map[string]*medEntry{}
	for _, f := range gtFields(plan) {
		mentions := m.drugs.FindInText(f.text)
		if len(mentions) == 0 {
			continue
		}
		for _, o := range m.orders.read(f.text, mentions) {
			if o.action != orderStart && o.action != orderTake {
				continue
			}
			if e, ok := byKey[o.key]; ok {
				if f.item != "" && !slices.Contains(e.itemIDs, f.item) {
					e.itemIDs = append(e.itemIDs, f.item)
					e.text = ""
				}
				continue
			}
			if slices.ContainsFunc(have, func(e *medEntry) bool { return slices.Contains(e.keys, o.key) }) {
				continue // current, or started by a medication change
			}
			phrase := f.text[o.start:max(o.end, o.phraseEnd)]
			e := &medEntry{keys: []string{o.key}, local: localDoseForm(phrase), start: true, fromText: true,
				itemIDs: f.items(), name: phrase,
				change: &careplan.MedicationChange{Action: careplan.ActionStart, Medication: phrase}}
			e.roles, e.dup = m.rolesOf(e.keys)
			byKey[o.key] = e
			out = append(out, e)
		}
	}
	return out
}

// startRoute decides whether a proposed start acts locally. A coded
// product takes its route from the drug table's product (the model's
// wording cannot change it); otherwise the name counts as local only when
// it ends with a local dose form as an RxNorm name does ("Diclofenac
// Sodium 10 MG/ML Topical Gel"), and as systemic in every other case.
func (m *MedicationSafety) startRoute(rxnorm, name string) bool {
	if rxnorm != "" {
		if local, ok := m.local[rxnorm]; ok {
			return local
		}
	}
	return localDoseForm(name)
}

// rolesOf returns the roles and duplicate-therapy classes of a
// medication's ingredients.
func (m *MedicationSafety) rolesOf(keys []string) (roleSet, uint64) {
	var r roleSet
	var dup uint64
	for _, k := range keys {
		x := m.index[k]
		r |= x.roles
		dup |= x.dup
	}
	return r, dup
}

// ingredientName returns an ingredient's name for messages.
func (m *MedicationSafety) ingredientName(key string) string {
	if n, ok := m.names[key]; ok {
		return n
	}
	return strings.TrimPrefix(key, "name:")
}

// interactions asks the interaction source about every pair of
// systemically acting medications.
func (m *MedicationSafety) interactions(ctx context.Context, c *medContext) error {
	drugs := make([][]string, 0, len(c.entries))
	idx := make([]*medEntry, 0, len(c.entries))
	for _, e := range c.entries {
		if e.local {
			continue // topical, inhaled and other local products: no systemic interaction
		}
		drugs = append(drugs, e.keys)
		idx = append(idx, e)
	}
	if len(drugs) < 2 {
		return nil
	}
	hits, err := m.source.Interactions(ctx, drugs)
	if err != nil {
		return fmt.Errorf("validate: medication-safety: interaction source: %w", err)
	}
	type seenKey struct {
		rule string
		a, b int
	}
	seen := make([]seenKey, 0, len(hits))
	for _, h := range hits {
		if h.A < 0 || h.B < 0 || h.A >= len(idx) || h.B >= len(idx) || h.A == h.B {
			return fmt.Errorf("validate: medication-safety: interaction source reported drugs %d and %d of %d", h.A, h.B, len(idx))
		}
		k := seenKey{h.RuleID, min(h.A, h.B), max(h.A, h.B)}
		if slices.Contains(seen, k) {
			continue // a source may report a pair twice
		}
		seen = append(seen, k)
		a, b := idx[h.A], idx[h.B]
		if b.proposed() && !a.proposed() {
			a, b = b, a // the proposed medication first
		}
		sev := h.Severity
		if sev < SeverityInfo || sev > SeverityCritical {
			sev = SeverityCritical // a source that cannot say how bad: fail safe
		}
		sep := "; "
		if h.Mechanism == "" {
			sep = ""
		}
		msg := a.label() + " with " + b.label() + ": " + h.Summary + sep + h.Mechanism + "."
		c.add(Finding{RuleID: h.RuleID, Severity: sev, Category: CategoryInteraction, Message: msg,
			Source: h.Source, Suggestion: h.Management}, a, b)
	}
	return nil
}

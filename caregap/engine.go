package caregap

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// The rule IDs, in the order Evaluate reports them.
const (
	RuleHbA1c                   = "caregap.diabetes.hba1c"
	RuleKidneyEvaluation        = "caregap.diabetes.kidney-evaluation"
	RuleEyeExam                 = "caregap.diabetes.eye-exam"
	RuleDiabetesStatin          = "caregap.diabetes.statin"
	RuleACEInhibitorOrARB       = "caregap.diabetes.ace-inhibitor-or-arb"
	RuleMetforminReview         = "caregap.diabetes.metformin-egfr-review"
	RuleBPMeasured              = "caregap.hypertension.bp-measured"
	RuleBPTarget                = "caregap.hypertension.bp-below-130-80"
	RuleBPQualityThreshold      = "caregap.hypertension.bp-below-140-90"
	RuleColorectalScreening     = "caregap.screening.colorectal"
	RuleBreastScreening         = "caregap.screening.breast"
	RuleCervicalScreening       = "caregap.screening.cervical"
	RuleLungScreening           = "caregap.screening.lung"
	RuleOsteoporosisScreening   = "caregap.screening.osteoporosis"
	RuleAAAScreening            = "caregap.screening.abdominal-aortic-aneurysm"
	RuleHepatitisCScreening     = "caregap.screening.hepatitis-c"
	RuleStatinPrimaryPrevention = "caregap.prevention.statin"
)

// Options configures an Engine. The zero value (or nil) gives the defaults
// noted on each field.
type Options struct {
	// Drugs resolves medications to ingredients and classes. Default
	// terminology.DefaultDrugs().
	Drugs *terminology.Drugs
	// Evidence adds, per rule ID, codes of procedures or observations that
	// count as the rule's service, on top of the shipped value sets: a
	// deployer's local codes, or codes careguard could not verify (it ships
	// none for abdominal aortic aneurysm ultrasound, so that rule is unknown
	// for eligible men until codes are given here). The rules that take
	// evidence are the eye exam and the screenings (RuleEyeExam,
	// RuleColorectalScreening, RuleBreastScreening, RuleCervicalScreening,
	// RuleLungScreening, RuleOsteoporosisScreening, RuleAAAScreening,
	// RuleHepatitisCScreening); any other key is an error. For the colorectal
	// and cervical rules, added codes count with the shortest interval (one
	// and three years).
	Evidence map[string]*terminology.ValueSet
}

// Engine computes a record's care gaps at the record's as-of date. Build one
// with New and share it: an Engine is immutable and safe for concurrent use
// by multiple goroutines.
type Engine struct {
	drugs *terminology.Drugs
	extra map[string]*terminology.ValueSet

	t2dm, diabetes, htn, ascvd, hyperlipidemia                    *terminology.ValueSet
	hba1c, egfr, uacr, sbp, dbp, bpPanel, ldl, hdl                *terminology.ValueSet
	retinal, colonoscopy, flexSig, ctColon, fobt, sdna, colectomy *terminology.ValueSet
	mammography, mastectomy, pap, hpv, hysterectomy               *terminology.ValueSet
	smoking, packYears, ldct, dxa, hcv, cvdRisk                   *terminology.ValueSet
	statins, aceI, arbs, antihypertensives                        []string
	metformin                                                     string
	rules                                                         []Rule
	ruleByID                                                      map[string]Rule
	closures                                                      map[string]Closure
	prescribing                                                   map[string]bool
	bpCodes, hba1cCodes, egfrCodes, uacrCodes, hcvCodes           []string
}

// New returns an engine. It returns an error wrapping ErrUnknownRule when
// opts.Evidence names a rule that takes no evidence (see Options).
func New(opts *Options) (*Engine, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Drugs == nil {
		o.Drugs = terminology.DefaultDrugs()
	}
	e := &Engine{
		drugs: o.Drugs, extra: map[string]*terminology.ValueSet{},
		t2dm: terminology.Type2Diabetes(), diabetes: terminology.Diabetes(), htn: terminology.Hypertension(),
		ascvd: ascvd(), hyperlipidemia: hyperlipidemia(),
		hba1c: terminology.HbA1c(), egfr: terminology.EGFR(), uacr: terminology.UACR(),
		sbp: terminology.SystolicBP(), dbp: terminology.DiastolicBP(), bpPanel: terminology.BloodPressurePanel(),
		ldl: terminology.LDL(), hdl: hdl(),
		retinal: retinalExam(), colonoscopy: colonoscopy(), flexSig: flexibleSigmoidoscopy(), ctColon: ctColonography(),
		fobt: fobt(), sdna: sdnaFIT(), colectomy: totalColectomy(),
		mammography: mammography(), mastectomy: bilateralMastectomy(), pap: papTest(), hpv: hpvTest(),
		hysterectomy: hysterectomyNoCervix(),
		smoking:      smokingStatus(), packYears: packYears(), ldct: lowDoseCT(), dxa: dxa(), hcv: hcvAntibody(),
		cvdRisk: cvdRiskScore(),
	}
	e.metformin, _ = o.Drugs.KeyOf("metformin")
	members := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			if c, ok := o.Drugs.Class(id); ok {
				out = append(out, c.Members...)
			}
		}
		return out
	}
	e.statins, e.aceI, e.arbs = members("statin"), members("ace-inhibitor"), members("arb")
	e.antihypertensives = []string{"ace-inhibitor", "arb", "thiazide", "dihydropyridine-ccb", "beta-blocker", "loop-diuretic", "aldosterone-antagonist"}
	codes := func(sets ...*terminology.ValueSet) []string {
		var out []string
		for _, s := range sets {
			for _, m := range s.Members() {
				out = append(out, m.Code)
			}
		}
		return out
	}
	e.hba1cCodes, e.egfrCodes, e.uacrCodes, e.hcvCodes = codes(e.hba1c), codes(e.egfr), codes(e.uacr), codes(e.hcv)
	e.bpCodes = codes(e.bpPanel, e.sbp, e.dbp)
	e.rules, e.closures, e.prescribing = e.ruleTable()
	e.ruleByID = make(map[string]Rule, len(e.rules))
	for _, r := range e.rules {
		e.ruleByID[r.ID] = r
	}
	takesEvidence := []string{RuleEyeExam, RuleColorectalScreening, RuleBreastScreening, RuleCervicalScreening,
		RuleLungScreening, RuleOsteoporosisScreening, RuleAAAScreening, RuleHepatitisCScreening}
	for _, id := range slices.Sorted(maps.Keys(o.Evidence)) {
		if !slices.Contains(takesEvidence, id) {
			return nil, fmt.Errorf("caregap: Options.Evidence[%q]: %w", id, ErrUnknownRule)
		}
		if o.Evidence[id] != nil {
			e.extra[id] = o.Evidence[id]
		}
	}
	return e, nil
}

// Rules returns the engine's rules, in the order Evaluate reports them.
func (e *Engine) Rules() []Rule {
	out := slices.Clone(e.rules)
	for i := range out {
		out[i].Codes = slices.Clone(out[i].Codes)
	}
	return out
}

// Evaluate returns one Gap per rule, in the order of Rules, computed at the
// record's as-of date: rules whose population the patient is outside of are
// reported with StatusNotApplicable rather than left out, so that the result
// says what was checked. It returns ErrNoRecord for a nil record and
// ErrDeceased for a patient who has died.
func (e *Engine) Evaluate(rec *patient.Record) ([]Gap, error) {
	if rec == nil {
		return nil, ErrNoRecord
	}
	if rec.Demographics().IsDeceased() {
		return nil, ErrDeceased
	}
	ev := &eval{e: e, rec: rec, asOf: dateOf(rec.AsOf()), age: rec.Age(), sex: rec.Demographics().Sex, procs: rec.Procedures()}
	ev.t2dm = rec.ActiveConditionsIn(e.t2dm)
	ev.htn = rec.ActiveConditionsIn(e.htn)
	for _, m := range rec.ActiveMedications() {
		for _, in := range e.drugs.IngredientsOf(terminology.MedicationCode{System: m.Code.System, Code: m.Code.Code, Display: m.Code.Display}) {
			switch {
			case in == e.metformin && in != "":
				ev.metformin = appendMed(ev.metformin, m)
			case slices.Contains(e.statins, in):
				ev.statin = appendMed(ev.statin, m)
			case slices.Contains(e.aceI, in), slices.Contains(e.arbs, in):
				ev.ras = appendMed(ev.ras, m)
			}
		}
	}
	gaps := []Gap{
		ev.hba1cGap(), ev.kidneyGap(), ev.eyeGap(), ev.diabetesStatinGap(), ev.rasGap(), ev.metforminGap(),
		ev.bpMeasuredGap(), ev.bpTargetGap(RuleBPTarget, 130, 80), ev.bpTargetGap(RuleBPQualityThreshold, 140, 90),
		ev.colorectalGap(), ev.breastGap(), ev.cervicalGap(), ev.lungGap(), ev.osteoporosisGap(), ev.aaaGap(),
		ev.hepatitisCGap(), ev.primaryStatinGap(),
	}
	if ev.age < AdultAge {
		for i, g := range gaps {
			if adultOnly(g.RuleID) {
				gaps[i] = ev.finish(ev.gap(g.RuleID), StatusNotApplicable, time.Time{},
					fmt.Sprintf("Age %d: the rule's guideline is for adults (%d and over); children's targets and intervals differ and are not covered.", ev.age, AdultAge),
					[]string{patient.DemographicsID})
			}
		}
	}
	return gaps, nil
}

// AdultAge is the age from which the rules written for adults apply.
const AdultAge = 18

// adultOnly reports whether a rule's population is adults without an age
// band of its own: the diabetes and hypertension rules, whose ADA and
// ACC/AHA sources are adult guidelines (children with type 2 diabetes or
// high blood pressure are covered by the ADA's Section 14 and the AAP's
// 2017 guideline, with other targets and intervals).
func adultOnly(rule string) bool {
	switch rule {
	case RuleHbA1c, RuleKidneyEvaluation, RuleEyeExam, RuleACEInhibitorOrARB, RuleMetforminReview,
		RuleBPMeasured, RuleBPTarget:
		return true
	}
	return false
}

func appendMed(ms []patient.Medication, m patient.Medication) []patient.Medication {
	if slices.ContainsFunc(ms, func(x patient.Medication) bool { return x.ID == m.ID }) {
		return ms
	}
	return append(ms, m)
}

// eval holds one evaluation's state.
type eval struct {
	e                        *Engine
	rec                      *patient.Record
	asOf                     time.Time // date only
	age                      int
	sex                      patient.Sex
	procs                    []patient.Procedure
	t2dm, htn                []patient.Condition
	metformin, statin, ras   []patient.Medication
	smokingDone              bool
	smokingObs               *patient.Observation
	smokingKind              smokingKind
	packYearsObs             *patient.Observation
	packYearsVal             float64
	bp                       *patient.Observation
	systolic, diastolic      float64
	bpDone                   bool
	egfrObs, uacrObs         *patient.Observation
	egfrVal, uacrVal         float64
	egfrValOK, uacrValOK     bool
	labsDone                 bool
	hba1cObs                 *patient.Observation
	hba1cVal                 float64
	hba1cPercent, hba1cFound bool
}

// gap starts a Gap for the rule with its static parts.
func (ev *eval) gap(rule string) Gap {
	r := ev.e.ruleByID[rule]
	return Gap{RuleID: rule, Title: r.Title, Source: r.Source, Prescribing: ev.e.prescribing[rule],
		Closure: ev.e.closures[rule].clone()}
}

func (ev *eval) finish(g Gap, s Status, due time.Time, reason string, facts ...[]string) Gap {
	g.Status, g.Reason = s, reason
	if s == StatusOpen || s == StatusMet {
		g.Due = due
	}
	g.Facts = ids(facts...)
	if len(g.Facts) == 0 {
		g.Facts = []string{patient.DemographicsID}
	}
	return g
}

// ---- dates

// dateOf returns t's calendar date (in t's own location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dueAfter returns the date a service done at t falls due again.
func dueAfter(t time.Time, months int) time.Time { return dateOf(t).AddDate(0, months, 0) }

// current reports whether a service falling due on due is still current
// at the as-of date (due on or after it).
func (ev *eval) current(due time.Time) bool { return !ev.asOf.After(due) }

func day(t time.Time) string { return t.Format(time.DateOnly) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ---- record helpers

func condIDs(cs []patient.Condition) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func medIDs(ms []patient.Medication) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func obsID(o *patient.Observation) []string {
	if o == nil {
		return nil
	}
	return []string{o.ID}
}

// ids merges ID lists, removing duplicates and empty IDs, in first-seen
// order.
func ids(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, id := range l {
			if id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// evidence is the latest record fact showing a service.
type evidence struct {
	id   string
	when time.Time
}

// latest returns the most recent procedure or observation whose code is in
// any of the sets.
func (ev *eval) latest(sets ...*terminology.ValueSet) (evidence, bool) {
	var best evidence
	found := false
	for _, s := range sets {
		if s == nil {
			continue
		}
		if o, ok := ev.rec.LatestObservation(s); ok && (!found || o.Effective.After(best.when)) {
			best, found = evidence{o.ID, o.Effective}, true
		}
		for _, p := range ev.procs {
			if s.ContainsCode(p.Code) && (!found || p.Performed.After(best.when)) {
				best, found = evidence{p.ID, p.Performed}, true
			}
		}
	}
	return best, found
}

// excluded returns the procedure, if any, whose code is in set.
func (ev *eval) excluded(set *terminology.ValueSet) (string, bool) {
	for _, p := range ev.procs {
		if set.ContainsCode(p.Code) && !p.Performed.After(ev.rec.AsOf()) {
			return p.ID, true
		}
	}
	return "", false
}

func quantity(o patient.Observation) (float64, string, bool) {
	if o.Value.Kind != patient.ValueQuantity || o.Value.Quantity.Comparator != "" {
		return 0, "", false
	}
	return o.Value.Quantity.Value, o.Value.Quantity.Unit, true
}

// labs loads the latest HbA1c, eGFR and UACR once.
func (ev *eval) labs() {
	if ev.labsDone {
		return
	}
	ev.labsDone = true
	if o, ok := ev.rec.LatestObservation(ev.e.hba1c); ok {
		ev.hba1cObs, ev.hba1cFound = &o, true
		if v, unit, ok := quantity(o); ok && (unit == "%" || unit == "") {
			ev.hba1cVal, ev.hba1cPercent = v, true
		}
	}
	if o, ok := ev.rec.LatestObservation(ev.e.egfr); ok {
		ev.egfrObs = &o
		if v, _, ok := quantity(o); ok {
			ev.egfrVal, ev.egfrValOK = v, true
		}
	}
	if o, ok := ev.rec.LatestObservation(ev.e.uacr); ok {
		ev.uacrObs = &o
		if v, unit, ok := quantity(o); ok && strings.HasPrefix(unit, "mg/g") {
			ev.uacrVal, ev.uacrValOK = v, true
		}
	}
}

// bloodPressure loads the latest reading with both systolic and diastolic
// values, as the guideline drafter reads it.
func (ev *eval) bloodPressure() {
	if ev.bpDone {
		return
	}
	ev.bpDone = true
	sv, so, ok := ev.rec.LatestValue(ev.e.sbp)
	if !ok || sv.Kind != patient.ValueQuantity {
		return
	}
	dv, found := so.Component(ev.e.dbp)
	if !found && so.Value.Kind != patient.ValueNone {
		dv, _, found = ev.rec.LatestValue(ev.e.dbp)
	}
	if found && dv.Kind == patient.ValueQuantity {
		ev.bp, ev.systolic, ev.diastolic = &so, sv.Quantity.Value, dv.Quantity.Value
	}
}

type smokingKind int

const (
	smokingUnknown smokingKind = iota
	smokingNever
	smokingFormer
	smokingCurrent
)

// smokingHistory loads the latest smoking status and pack-years.
func (ev *eval) smokingHistory() {
	if ev.smokingDone {
		return
	}
	ev.smokingDone = true
	if o, ok := ev.rec.LatestObservation(ev.e.smoking); ok {
		ev.smokingObs = &o
		if o.Value.Kind == patient.ValueCode && o.Value.Code.System == terminology.SystemSNOMED {
			switch o.Value.Code.Code {
			case smokerNever:
				ev.smokingKind = smokingNever
			case smokerFormer:
				ev.smokingKind = smokingFormer
			case smokerEveryDay, smokerSomeDay, smokerCurrentUnk, smokerHeavy, smokerLight:
				ev.smokingKind = smokingCurrent
			}
		}
	}
	if o, ok := ev.rec.LatestObservation(ev.e.packYears); ok {
		if v, _, ok := quantity(o); ok {
			ev.packYearsObs, ev.packYearsVal = &o, v
		}
	}
}

func (k smokingKind) String() string {
	switch k {
	case smokingNever:
		return "never smoked"
	case smokingFormer:
		return "former smoker"
	case smokingCurrent:
		return "current smoker"
	}
	return "smoking status unknown"
}

// sexKnown returns whether the record's sex is female or male.
func (ev *eval) sexKnown() bool { return ev.sex == patient.SexFemale || ev.sex == patient.SexMale }

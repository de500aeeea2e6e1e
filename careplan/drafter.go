package careplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// DrafterVersion identifies the guideline drafter's rules. It is recorded
// in every draft it makes and changes whenever a rule changes.
const DrafterVersion = "careplan.GuidelineDrafter/2026-12-01.1"

// ErrNothingToPlan is returned by the guideline drafter for a record with
// none of the conditions its rules cover.
var ErrNothingToPlan = errors.New("careplan: no active condition the guideline drafter covers")

// ErrDeceased is returned by both drafters for a record whose patient has
// died: a care plan for them is always an error.
var ErrDeceased = errors.New("careplan: the patient is deceased")

// The guideline sources the drafter's rules follow: the care-gap engine's
// citations, so that an item and the gap it addresses name the same source.
const (
	srcADA6   = caregap.CitationADA6
	srcADA11  = caregap.CitationADA11
	srcFDAMet = caregap.CitationFDAMet
	srcACCAHA = caregap.CitationACCAHA
)

// DrafterOptions configures a GuidelineDrafter. The zero value (or nil)
// gives the defaults noted on each field.
type DrafterOptions struct {
	// Kind is the kind of draft produced. Default KindCarePlan.
	Kind Kind
	// Drugs resolves medications to ingredients and classes. Default
	// terminology.DefaultDrugs().
	Drugs *terminology.Drugs
	// CareGaps computes the record's care gaps; every open gap becomes a
	// cited plan item. Default caregap.New with Drugs.
	CareGaps *caregap.Engine
	// Now is the clock for Draft.Created. Default time.Now.
	Now func() time.Time
}

// GuidelineDrafter builds a care plan from the record with deterministic,
// cited rules and no language model: the offline default, and the fallback
// when a model is unavailable. It covers type 2 diabetes (glycemic goal and
// testing interval, kidney monitoring, metformin and kidney function,
// statin and ACE inhibitor/ARB prompts for the prescriber, hypoglycemia
// education), hypertension (blood-pressure goal, monitoring, home
// measurement education), chronic kidney disease, and follow-up. Every open
// care gap the care-gap engine finds (package caregap) becomes a cited item
// carrying the gap's source: the items above for the diabetes and
// hypertension gaps, a referral for the diabetic eye exam, and a care-team
// task for each preventive screening due; gaps the record cannot decide are
// named in the summary. Other conditions are named in the summary as not
// covered. Proposals to start a medication are left to the prescriber as
// physician tasks.
//
// A GuidelineDrafter is immutable and safe for concurrent use by multiple
// goroutines.
type GuidelineDrafter struct {
	kind                          Kind
	drugs                         *terminology.Drugs
	gaps                          *caregap.Engine
	gapsErr                       error
	now                           func() time.Time
	t2dm, htn, ckd                *terminology.ValueSet
	hba1c, egfr, uacr, sbp, dbp   *terminology.ValueSet
	bpPanel                       *terminology.ValueSet
	metformin                     string
	statins, aceArb, aceI, arbSet []string
}

// NewGuidelineDrafter returns a drafter.
func NewGuidelineDrafter(opts *DrafterOptions) *GuidelineDrafter {
	var o DrafterOptions
	if opts != nil {
		o = *opts
	}
	if o.Kind == "" {
		o.Kind = KindCarePlan
	}
	if o.Drugs == nil {
		o.Drugs = terminology.DefaultDrugs()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &GuidelineDrafter{
		kind: o.Kind, drugs: o.Drugs, now: o.Now, gaps: o.CareGaps,
		t2dm: terminology.Type2Diabetes(), htn: terminology.Hypertension(), ckd: terminology.ChronicKidneyDisease(),
		hba1c: terminology.HbA1c(), egfr: terminology.EGFR(), uacr: terminology.UACR(),
		sbp: terminology.SystolicBP(), dbp: terminology.DiastolicBP(), bpPanel: terminology.BloodPressurePanel(),
		metformin: "6809",
	}
	if c, ok := o.Drugs.Class("statin"); ok {
		d.statins = c.Members
	}
	if c, ok := o.Drugs.Class("ace-inhibitor"); ok {
		d.aceI = c.Members
	}
	if c, ok := o.Drugs.Class("arb"); ok {
		d.arbSet = c.Members
	}
	d.aceArb = append(slices.Clone(d.aceI), d.arbSet...)
	if d.gaps == nil {
		// With no Options.Evidence the engine cannot fail; the error is kept
		// and returned by Draft all the same.
		d.gaps, d.gapsErr = caregap.New(&caregap.Options{Drugs: o.Drugs})
	}
	return d
}

// Draft builds a plan for rec. It returns ErrNothingToPlan when rec has no
// active type 2 diabetes, hypertension or chronic kidney disease,
// ErrDeceased when the patient has died, ctx.Err() if ctx is done, and, if
// the care-gap engine given in DrafterOptions fails, its error wrapped.
func (d *GuidelineDrafter) Draft(ctx context.Context, rec *patient.Record) (*Draft, error) {
	if rec == nil {
		return nil, errors.New("careplan: Draft: nil record")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rec.Demographics().IsDeceased() {
		return nil, ErrDeceased
	}
	f := d.facts(rec)
	if len(f.t2dm) == 0 && len(f.htn) == 0 && len(f.ckd) == 0 {
		return nil, ErrNothingToPlan
	}
	if d.gapsErr != nil {
		return nil, fmt.Errorf("careplan: Draft: %w", d.gapsErr)
	}
	gaps, err := d.gaps.Evaluate(rec)
	if err != nil {
		return nil, fmt.Errorf("careplan: Draft: %w", err)
	}
	f.gaps = map[string]caregap.Gap{}
	for _, g := range gaps {
		f.gaps[g.RuleID] = g
	}
	p := &Plan{}
	unmet := false
	if len(f.t2dm) > 0 {
		unmet = d.diabetes(p, rec, f) || unmet
	}
	if len(f.htn) > 0 {
		unmet = d.hypertension(p, f) || unmet
	}
	if len(f.ckd) > 0 {
		d.kidney(p, f)
	}
	d.screenings(p, f)
	d.followUp(p, f, unmet)
	p.Summary = d.summary(rec, f, gaps)
	return &Draft{
		Kind: d.kind, Plan: p, Origin: OriginGuideline, Generator: DrafterVersion,
		RecordFingerprint: rec.Fingerprint(), AsOf: rec.AsOf(), Created: d.now(),
	}, nil
}

// facts gathers what the rules look at.
type drafterFacts struct {
	age                    int
	t2dm, htn, ckd         []patient.Condition
	hba1c, egfr, uacr, bp  *patient.Observation
	hba1cValue             float64 // percent; valid when hba1c != nil
	egfrValue, uacrValue   float64 // valid when egfr / uacr != nil
	systolic, diastolic    float64 // valid when bp != nil
	metformin, statin, ras []patient.Medication
	gaps                   map[string]caregap.Gap // by rule ID
}

// open returns the gap for the rule when it is open.
func (f drafterFacts) open(rule string) (caregap.Gap, bool) {
	g, ok := f.gaps[rule]
	return g, ok && g.Status == caregap.StatusOpen
}

func (d *GuidelineDrafter) facts(rec *patient.Record) drafterFacts {
	f := drafterFacts{
		age:  rec.Age(),
		t2dm: rec.ActiveConditionsIn(d.t2dm),
		htn:  rec.ActiveConditionsIn(d.htn),
		ckd:  rec.ActiveConditionsIn(d.ckd),
	}
	if o, ok := rec.LatestObservation(d.hba1c); ok && o.Value.Kind == patient.ValueQuantity && o.Value.Quantity.Unit == "%" {
		f.hba1c, f.hba1cValue = &o, o.Value.Quantity.Value
	}
	if o, ok := rec.LatestObservation(d.egfr); ok && o.Value.Kind == patient.ValueQuantity {
		f.egfr, f.egfrValue = &o, o.Value.Quantity.Value
	}
	if o, ok := rec.LatestObservation(d.uacr); ok && o.Value.Kind == patient.ValueQuantity && strings.HasPrefix(o.Value.Quantity.Unit, "mg/g") {
		f.uacr, f.uacrValue = &o, o.Value.Quantity.Value
	}
	if sv, so, ok := rec.LatestValue(d.sbp); ok && sv.Kind == patient.ValueQuantity {
		dv, found := so.Component(d.dbp)
		if !found && so.Value.Kind != patient.ValueNone {
			dv, _, found = rec.LatestValue(d.dbp)
		}
		if found && dv.Kind == patient.ValueQuantity {
			f.bp, f.systolic, f.diastolic = &so, sv.Quantity.Value, dv.Quantity.Value
		}
	}
	for _, m := range rec.ActiveMedications() {
		ings := d.drugs.IngredientsOf(terminology.MedicationCode{System: m.Code.System, Code: m.Code.Code, Display: m.Code.Display})
		for _, in := range ings {
			switch {
			case in == d.metformin:
				f.metformin = append(f.metformin, m)
			case slices.Contains(d.statins, in):
				f.statin = append(f.statin, m)
			case slices.Contains(d.aceArb, in):
				f.ras = append(f.ras, m)
			}
		}
	}
	return f
}

func (d *GuidelineDrafter) diabetes(p *Plan, rec *patient.Record, f drafterFacts) (unmet bool) {
	cond := condIDs(f.t2dm)
	hg := caregap.GoalFor(f.age)
	goal, goalSrc, goalWhy := hg.Value, hg.Source.Citation, hg.Rationale

	status := "No HbA1c result on record."
	if f.hba1c != nil {
		status = fmt.Sprintf("Latest HbA1c %s%% on %s.", num(f.hba1cValue), day(f.hba1c.Effective))
	}
	p.Problems = append(p.Problems, Problem{
		Title: "Type 2 diabetes mellitus", Status: ProblemExisting,
		Citations: ids(cond, obsID(f.hba1c)), Rationale: "Documented in the record. " + status,
	})
	p.Goals = append(p.Goals, Goal{
		Description:   fmt.Sprintf("HbA1c below %s%%", num(goal)),
		Targets:       []Target{{MeasureCode: "4548-4", MeasureName: "Hemoglobin A1c", Comparator: "<", Value: goal, Unit: "%"}},
		DueWithinDays: 180,
		Citations:     ids(cond, []string{patient.DemographicsID}, obsID(f.hba1c)),
		Rationale:     goalWhy,
		Source:        goalSrc,
	})

	// Testing interval: quarterly when not at goal or unknown, twice a
	// year when at goal (ADA Section 6).
	interval, why := 180, "At goal: test at least twice a year (ADA 2025 Section 6)."
	stale := f.hba1c != nil && rec.AsOf().Sub(f.hba1c.Effective) > 183*24*time.Hour
	switch {
	case f.hba1c == nil:
		interval, why, unmet = 90, "No HbA1c on record: measure now, then quarterly until at goal (ADA 2025 Section 6).", true
	case f.hba1cValue >= goal:
		interval, why, unmet = 90, fmt.Sprintf("Latest HbA1c %s%% is not below the %s%% goal: test quarterly until at goal (ADA 2025 Section 6).", num(f.hba1cValue), num(goal)), true
	case stale:
		why = "At goal when last measured, but the last result is more than six months old: measure now, then at least twice a year (ADA 2025 Section 6)."
	}
	p.Monitoring = append(p.Monitoring, Monitoring{
		MeasureCode: "4548-4", MeasureName: "Hemoglobin A1c", IntervalDays: interval,
		Citations: ids(cond, obsID(f.hba1c)), Rationale: why, Source: srcADA6,
	})

	// Kidney evaluation at least annually (ADA 11.1a).
	kidney := "Annual kidney evaluation in type 2 diabetes: eGFR and urine albumin-to-creatinine ratio."
	if len(f.ckd) > 0 {
		kidney += " With established chronic kidney disease, test 1-4 times a year by stage (rec. 11.1b)."
	}
	p.Monitoring = append(p.Monitoring,
		Monitoring{MeasureCode: "33914-3", MeasureName: "Estimated glomerular filtration rate", IntervalDays: 365,
			Citations: ids(cond, obsID(f.egfr)), Rationale: kidney, Source: srcADA11},
		Monitoring{MeasureCode: "14959-1", MeasureName: "Urine albumin-to-creatinine ratio", IntervalDays: 365,
			Citations: ids(cond, obsID(f.uacr)), Rationale: kidney, Source: srcADA11},
	)

	// Metformin and kidney function (FDA 2016 labeling).
	for _, m := range f.metformin {
		switch {
		case f.egfr == nil:
			// No eGFR: the kidney monitoring item above asks for one.
		case f.egfrValue < 30:
			p.MedicationChanges = append(p.MedicationChanges, MedicationChange{
				Action: ActionStop, Medication: clean(m.Name(), 190), RxNorm: rxnorm(m), CurrentMedicationID: m.ID,
				Citations: ids([]string{m.ID}, obsID(f.egfr)),
				Rationale: fmt.Sprintf("Latest eGFR %s on %s is below 30: metformin is contraindicated.", num(f.egfrValue), day(f.egfr.Effective)),
				Source:    srcFDAMet,
			})
			unmet = true
		case f.egfrValue < 45:
			p.Tasks = append(p.Tasks, Task{
				Description:  "Assess the benefits and risks of continuing metformin at the current kidney function; do not start or escalate it while eGFR is 30-45.",
				AssigneeRole: RolePhysician, DueWithinDays: 30,
				Citations: ids([]string{m.ID}, obsID(f.egfr)),
				Rationale: fmt.Sprintf("Latest eGFR %s on %s is below 45.", num(f.egfrValue), day(f.egfr.Effective)),
				Source:    srcFDAMet,
			})
			unmet = true
		default:
			p.MedicationChanges = append(p.MedicationChanges, MedicationChange{
				Action: ActionContinue, Medication: clean(m.Name(), 190), RxNorm: rxnorm(m), CurrentMedicationID: m.ID,
				Citations: ids([]string{m.ID}, cond, obsID(f.egfr)),
				Rationale: fmt.Sprintf("Latest eGFR %s on %s is at or above 45, where the label allows continuing metformin; recheck eGFR at least annually.", num(f.egfrValue), day(f.egfr.Effective)),
				Source:    srcFDAMet,
			})
		}
	}

	// Statin for ages 40-75 with diabetes (ADA Section 10): the care gap.
	if g, ok := f.open(caregap.RuleDiabetesStatin); ok {
		p.Tasks = append(p.Tasks, Task{
			Description:  "Consider a statin (at least moderate intensity) for cardiovascular risk reduction; no statin is on the current medication list.",
			AssigneeRole: RolePhysician, DueWithinDays: 90,
			Citations: g.Facts, Rationale: g.Reason, Source: g.Source.Citation,
		})
	}

	// ACE inhibitor or ARB with diabetes, hypertension and albuminuria or
	// eGFR < 60 (ADA 11.4a): the care gap.
	if g, ok := f.open(caregap.RuleACEInhibitorOrARB); ok {
		p.Tasks = append(p.Tasks, Task{
			Description:  "Consider an ACE inhibitor or an angiotensin receptor blocker; neither is on the current medication list.",
			AssigneeRole: RolePhysician, DueWithinDays: 30,
			Citations: g.Facts, Rationale: g.Reason, Source: g.Source.Citation,
		})
	}

	// Retinal or dilated eye exam (ADA Section 12): the care gap.
	if g, ok := f.open(caregap.RuleEyeExam); ok {
		p.Referrals = append(p.Referrals, Referral{
			Specialty: "Ophthalmology or optometry", Reason: "Retinal or dilated eye exam",
			Urgency: UrgencyRoutine, Citations: g.Facts, Rationale: g.Reason, Source: g.Source.Citation,
		})
	}

	topic := "Recognizing and treating low blood glucose (below 70 mg/dL) and when to call the care team"
	if rec.Demographics().HealthLiteracy == patient.LiteracyLimited {
		topic += "; use plain-language materials and teach-back"
	}
	p.Education = append(p.Education, Education{
		Topic: topic, Audience: AudiencePatient,
		Citations: ids(cond, []string{patient.DemographicsID}),
		Rationale: "Hypoglycemia levels: level 1 below 70 mg/dL, level 2 below 54 mg/dL, level 3 needs assistance.",
		Source:    srcADA6,
	})
	return unmet
}

func (d *GuidelineDrafter) hypertension(p *Plan, f drafterFacts) (unmet bool) {
	cond := condIDs(f.htn)
	status := "No blood pressure reading on record."
	above := true
	if f.bp != nil {
		status = fmt.Sprintf("Latest blood pressure %s/%s mmHg on %s.", num(f.systolic), num(f.diastolic), day(f.bp.Effective))
		above = f.systolic >= 130 || f.diastolic >= 80
	}
	p.Problems = append(p.Problems, Problem{
		Title: "Hypertension", Status: ProblemExisting,
		Citations: ids(cond, obsID(f.bp)), Rationale: "Documented in the record. " + status,
	})
	p.Goals = append(p.Goals, Goal{
		Description: "Blood pressure below 130/80 mmHg",
		Targets: []Target{
			{MeasureCode: "8480-6", MeasureName: "Systolic blood pressure", Comparator: "<", Value: 130, Unit: "mm[Hg]"},
			{MeasureCode: "8462-4", MeasureName: "Diastolic blood pressure", Comparator: "<", Value: 80, Unit: "mm[Hg]"},
		},
		DueWithinDays: 180,
		Citations:     ids(cond, obsID(f.bp)),
		Rationale:     "Guideline target for adults with hypertension, including those with diabetes or chronic kidney disease. " + status,
		Source:        srcACCAHA,
	})
	interval := 180
	if above {
		interval = 90
	}
	monitor := Monitoring{
		MeasureCode: "85354-9", MeasureName: "Blood pressure", IntervalDays: interval,
		Citations: ids(cond, obsID(f.bp)),
		Rationale: "Measure at each follow-up visit, with home readings between visits; the interval matches the follow-up interval. " + status,
		Source:    srcACCAHA,
	}
	if g, ok := f.open(caregap.RuleBPMeasured); ok {
		// No reading within 12 months: the monitoring item is the gap's item.
		monitor.Citations, monitor.Source = ids(monitor.Citations, g.Facts), g.Source.Citation
		monitor.Rationale = clean(g.Reason+" Measure now, then at each follow-up visit, with home readings between visits.", 1000)
	}
	p.Monitoring = append(p.Monitoring, monitor)
	if g, ok := f.open(caregap.RuleBPQualityThreshold); ok {
		p.Tasks = append(p.Tasks, Task{
			Description:  "Recheck blood pressure and flag the result to the prescriber: the latest reading is not below the 140/90 mmHg quality-measure threshold.",
			AssigneeRole: RoleNurse, DueWithinDays: 30,
			Citations: g.Facts, Rationale: clean(g.Reason, 1000), Source: g.Source.Citation,
		})
	}
	p.Education = append(p.Education, Education{
		Topic:     "Measuring blood pressure at home: correct technique and keeping a log to bring to visits",
		Audience:  AudiencePatient,
		Citations: ids(cond),
		Rationale: "Blood pressure is classified on the average of two or more readings on two or more occasions; home readings add to office readings.",
		Source:    srcACCAHA,
	})
	return above
}

func (d *GuidelineDrafter) kidney(p *Plan, f drafterFacts) {
	status := "No eGFR on record."
	if f.egfr != nil {
		status = fmt.Sprintf("Latest eGFR %s on %s.", num(f.egfrValue), day(f.egfr.Effective))
	}
	p.Problems = append(p.Problems, Problem{
		Title: "Chronic kidney disease", Status: ProblemExisting,
		Citations: ids(condIDs(f.ckd), obsID(f.egfr), obsID(f.uacr)),
		Rationale: "Documented in the record. " + status,
	})
}

func (d *GuidelineDrafter) followUp(p *Plan, f drafterFacts, unmet bool) {
	within, why := 180, "Goals are met on the latest results: review at least twice a year."
	if unmet {
		within, why = 90, "At least one goal is not met, unmeasured, or a medication needs review: follow up within three months."
	}
	cites := ids(condIDs(f.t2dm), condIDs(f.htn), condIDs(f.ckd))
	p.FollowUps = append(p.FollowUps, FollowUp{
		Description: "Follow-up visit to review results, goals and medications",
		WithinDays:  within, Citations: cites, Rationale: why, Source: srcADA6,
	})
}

// screenings turns every open preventive care gap into a cited care-team
// task carrying the gap's source; a statin for primary prevention is a
// physician's decision.
func (d *GuidelineDrafter) screenings(p *Plan, f drafterFacts) {
	tasks := []struct {
		rule, description string
		role              Role
	}{
		{caregap.RuleColorectalScreening, "Offer colorectal cancer screening (colonoscopy, a stool-based test or CT colonography) and record the result", RoleNurse},
		{caregap.RuleBreastScreening, "Offer a screening mammogram and record the result", RoleNurse},
		{caregap.RuleCervicalScreening, "Offer cervical cancer screening (cervical cytology, or HPV testing from age 30) and record the result", RoleNurse},
		{caregap.RuleLungScreening, "Offer lung cancer screening with low-dose CT and record the result", RoleNurse},
		{caregap.RuleOsteoporosisScreening, "Offer a bone density scan (DXA) and record the result", RoleNurse},
		{caregap.RuleAAAScreening, "Offer a one-time abdominal aortic aneurysm screening ultrasound and record the result", RoleNurse},
		{caregap.RuleHepatitisCScreening, "Offer a one-time hepatitis C antibody test and record the result", RoleNurse},
		{caregap.RuleStatinPrimaryPrevention, "Consider a statin for primary prevention of cardiovascular disease; no statin is on the current medication list.", RolePhysician},
	}
	for _, t := range tasks {
		g, ok := f.open(t.rule)
		if !ok {
			continue
		}
		p.Tasks = append(p.Tasks, Task{
			Description: t.description, AssigneeRole: t.role, DueWithinDays: 90,
			Citations: g.Facts, Rationale: clean(g.Reason, 1000), Source: g.Source.Citation,
		})
	}
}

func (d *GuidelineDrafter) summary(rec *patient.Record, f drafterFacts, gaps []caregap.Gap) string {
	var covered []string
	if len(f.t2dm) > 0 {
		covered = append(covered, "type 2 diabetes")
	}
	if len(f.htn) > 0 {
		covered = append(covered, "hypertension")
	}
	if len(f.ckd) > 0 {
		covered = append(covered, "chronic kidney disease")
	}
	s := fmt.Sprintf("Drafted by careguard's guideline rules (%s), not by a language model. Covers %s for a %d-year-old.",
		DrafterVersion, strings.Join(covered, ", "), f.age)
	var other []string
	seen := map[string]bool{}
	for _, c := range rec.ActiveConditions() {
		if d.t2dm.ContainsCode(c.Code) || d.htn.ContainsCode(c.Code) || d.ckd.ContainsCode(c.Code) {
			continue
		}
		name := clean(c.Code.Display, 80)
		if name == "" {
			name = c.ID
		}
		if !seen[name] {
			seen[name] = true
			other = append(other, name+" ("+c.ID+")")
		}
	}
	if len(other) > 0 {
		s += " Not covered by these rules, review separately: " + strings.Join(other, "; ") + "."
	}
	var open, unknown []string
	for _, g := range gaps {
		switch g.Status {
		case caregap.StatusOpen:
			open = append(open, g.Title)
		case caregap.StatusUnknown:
			unknown = append(unknown, g.Title)
		}
	}
	if len(open) > 0 {
		s += " Open care gaps, each addressed by an item: " + strings.Join(open, "; ") + "."
	}
	if len(unknown) > 0 {
		s += " Care gaps the record lacks the data to decide: " + strings.Join(unknown, "; ") + "."
	}
	return truncateUTF8(s, 2000)
}

func condIDs(cs []patient.Condition) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func obsID(o *patient.Observation) []string {
	if o == nil {
		return nil
	}
	return []string{o.ID}
}

// ids merges ID lists, removing duplicates, in first-seen order.
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

// rxnorm returns the medication's RxNorm code when it has a well-formed
// one, so the plan stays schema-valid whatever the record holds.
func rxnorm(m patient.Medication) string {
	c := m.Code.Code
	if m.Code.System != terminology.SystemRxNorm || len(c) == 0 || len(c) > 9 {
		return ""
	}
	for _, r := range c {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return c
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

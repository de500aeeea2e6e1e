package careplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// DrafterVersion identifies the guideline drafter's rules. It is recorded
// in every draft it makes and changes whenever a rule changes.
const DrafterVersion = "careplan.GuidelineDrafter/2026-11-23.1"

// ErrNothingToPlan is returned by the guideline drafter for a record with
// none of the conditions its rules cover.
var ErrNothingToPlan = errors.New("careplan: no active condition the guideline drafter covers")

// ErrDeceased is returned by both drafters for a record whose patient has
// died: a care plan for them is always an error.
var ErrDeceased = errors.New("careplan: the patient is deceased")

// The guideline sources the drafter's rules follow.
const (
	srcADA6     = "ADA Standards of Care in Diabetes—2025, Section 6 (Glycemic Goals and Hypoglycemia), Diabetes Care 48(Suppl 1), doi:10.2337/dc25-S006"
	srcADA13    = "ADA Standards of Care in Diabetes—2025, Section 13 (Older Adults), doi:10.2337/dc25-S013"
	srcADA11    = "ADA Standards of Care in Diabetes—2025, Section 11 (Chronic Kidney Disease), rec. 11.1a-b, doi:10.2337/dc25-S011"
	srcADA11ACE = "ADA Standards of Care in Diabetes—2025, Section 11 (Chronic Kidney Disease), rec. 11.4a, doi:10.2337/dc25-S011"
	srcADA10    = "ADA Standards of Care in Diabetes—2025, Section 10 (Cardiovascular Disease and Risk Management), doi:10.2337/dc25-S010; 2018 AHA/ACC cholesterol guideline"
	srcFDAMet   = "FDA Drug Safety Communication, 8 Apr 2016: metformin in reduced kidney function (labeling revision)"
	srcACCAHA   = "Whelton PK et al. 2017 ACC/AHA high blood pressure guideline, Hypertension 2018;71:e13; ADA Standards of Care 2025, Sections 10-11 (<130/80 mmHg)"
)

// DrafterOptions configures a GuidelineDrafter. The zero value (or nil)
// gives the defaults noted on each field.
type DrafterOptions struct {
	// Kind is the kind of draft produced. Default KindCarePlan.
	Kind Kind
	// Drugs resolves medications to ingredients and classes. Default
	// terminology.DefaultDrugs().
	Drugs *terminology.Drugs
	// Now is the clock for Draft.Created. Default time.Now.
	Now func() time.Time
}

// GuidelineDrafter builds a care plan from the record with deterministic,
// cited rules and no language model: the offline default, and the fallback
// when a model is unavailable. It covers type 2 diabetes (glycemic goal and
// testing interval, kidney monitoring, metformin and kidney function,
// statin and ACE inhibitor/ARB prompts for the prescriber, hypoglycemia
// education), hypertension (blood-pressure goal, monitoring, home
// measurement education), chronic kidney disease, and follow-up. Other
// conditions are named in the summary as not covered. Proposals to start a
// medication are left to the prescriber as physician tasks.
//
// A GuidelineDrafter is immutable and safe for concurrent use by multiple
// goroutines.
type GuidelineDrafter struct {
	kind                          Kind
	drugs                         *terminology.Drugs
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
		kind: o.Kind, drugs: o.Drugs, now: o.Now,
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
	return d
}

// Draft builds a plan for rec. It returns ErrNothingToPlan when rec has no
// active type 2 diabetes, hypertension or chronic kidney disease,
// ErrDeceased when the patient has died, and ctx.Err() if ctx is done.
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
	d.followUp(p, f, unmet)
	p.Summary = d.summary(rec, f)
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

func (d *GuidelineDrafter) hba1cGoal(age int) (float64, string, string) {
	if age >= 65 {
		return 8.0, srcADA13,
			"ADA 2025 Section 13 sets <7.0-7.5% for healthy older adults and <8.0% for those with multiple chronic illnesses or functional or cognitive impairment. The drafter cannot judge overall health, so it proposes the less stringent goal to avoid hypoglycemia; the reviewer should individualize it."
	}
	return 7.0, srcADA6, "ADA 2025 Section 6: <7% is appropriate for many nonpregnant adults without significant hypoglycemia; individualize."
}

func (d *GuidelineDrafter) diabetes(p *Plan, rec *patient.Record, f drafterFacts) (unmet bool) {
	cond := condIDs(f.t2dm)
	goal, goalSrc, goalWhy := d.hba1cGoal(f.age)

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

	// Statin for ages 40-75 with diabetes (ADA Section 10).
	if f.age >= 40 && f.age <= 75 && len(f.statin) == 0 {
		p.Tasks = append(p.Tasks, Task{
			Description:  "Consider a statin (at least moderate intensity) for cardiovascular risk reduction; no statin is on the current medication list.",
			AssigneeRole: RolePhysician, DueWithinDays: 90,
			Citations: ids(cond, []string{patient.DemographicsID}),
			Rationale: fmt.Sprintf("Age %d with diabetes: ADA 2025 recommends statin therapy for adults 40-75 with diabetes.", f.age),
			Source:    srcADA10,
		})
	}

	// ACE inhibitor or ARB with diabetes, hypertension and albuminuria or
	// eGFR < 60 (ADA 11.4a).
	albuminuria := f.uacr != nil && f.uacrValue >= 30
	lowGFR := f.egfr != nil && f.egfrValue < 60
	if len(f.htn) > 0 && (albuminuria || lowGFR) && len(f.ras) == 0 {
		var why []string
		if albuminuria {
			why = append(why, fmt.Sprintf("UACR %s mg/g on %s", num(f.uacrValue), day(f.uacr.Effective)))
		}
		if lowGFR {
			why = append(why, fmt.Sprintf("eGFR %s on %s", num(f.egfrValue), day(f.egfr.Effective)))
		}
		p.Tasks = append(p.Tasks, Task{
			Description:  "Consider an ACE inhibitor or an angiotensin receptor blocker; neither is on the current medication list.",
			AssigneeRole: RolePhysician, DueWithinDays: 30,
			Citations: ids(cond, condIDs(f.htn), obsID(f.uacr), obsID(f.egfr)),
			Rationale: "Diabetes with hypertension and " + strings.Join(why, " and ") + ".",
			Source:    srcADA11ACE,
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
	p.Monitoring = append(p.Monitoring, Monitoring{
		MeasureCode: "85354-9", MeasureName: "Blood pressure", IntervalDays: interval,
		Citations: ids(cond, obsID(f.bp)),
		Rationale: "Measure at each follow-up visit, with home readings between visits; the interval matches the follow-up interval. " + status,
		Source:    srcACCAHA,
	})
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

func (d *GuidelineDrafter) summary(rec *patient.Record, f drafterFacts) string {
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

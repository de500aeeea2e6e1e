package caregap

import (
	"fmt"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// ruleTable returns the rules' descriptions, what addresses each, and which
// are prescribing decisions.
func (e *Engine) ruleTable() ([]Rule, map[string]Closure, map[string]bool) {
	type row struct {
		rule        Rule
		closure     Closure
		prescribing bool
	}
	type citation struct {
		src   terminology.Source
		codes []terminology.Source
	}
	// cite pairs a rule's guideline source with the sources of the code
	// sets it reads.
	cite := func(text, url string, sets ...terminology.Source) citation {
		return citation{src(text, url), sets}
	}
	rule := func(id, title, population, interval string, c citation) Rule {
		return Rule{ID: id, Title: title, Population: population, Interval: interval, Source: c.src, Codes: c.codes}
	}
	rows := []row{
		{rule(RuleHbA1c, "HbA1c test",
			"adults with active type 2 diabetes",
			"every 6 months when the latest result is below the HbA1c goal (GoalFor: <7%, or <8% from age 65); every 3 months when it is not",
			cite(CitationADA6, doi("10.2337/dc25-S006"), e.hba1c.Source())),
			Closure{Monitor: [][]string{e.hba1cCodes}, Terms: []string{"hba1c", "a1c", "hemoglobin a1c"}}, false},
		{rule(RuleKidneyEvaluation, "Kidney evaluation (eGFR and UACR)",
			"adults with active type 2 diabetes",
			"both eGFR and urine albumin-to-creatinine ratio within 12 months",
			cite(CitationADA11, doi("10.2337/dc25-S011"), e.egfr.Source(), e.uacr.Source())),
			Closure{}, false},
		{rule(RuleEyeExam, "Retinal or dilated eye exam",
			"adults with active type 2 diabetes",
			"within 12 months (ADA allows 1-2 years after a normal exam with glycemia at goal; careguard uses the annual interval)",
			cite(CitationADA12, doi("10.2337/dc25-S012"), e.retinal.Source())),
			Closure{
				Specialties: []string{"ophthalmology", "ophthalmologist", "optometry", "optometrist", "eye care", "retina"},
				Terms:       []string{"eye exam", "eye examination", "retinal exam", "retinal examination", "dilated eye", "retinal imaging", "retinal screening", "retinopathy screening", "fundus photography"},
			}, false},
		{rule(RuleDiabetesStatin, "Statin therapy in diabetes",
			"adults aged 40-75 with active type 2 diabetes",
			"an active statin",
			cite(CitationADA10, doi("10.2337/dc25-S010"))),
			Closure{DrugClasses: []string{"statin"}, Terms: []string{"statin"}}, true},
		{rule(RuleACEInhibitorOrARB, "ACE inhibitor or ARB",
			"adults with active type 2 diabetes and hypertension whose latest UACR is at least 30 mg/g or latest eGFR below 60 (not for primary prevention with normal blood pressure, UACR below 30 and normal eGFR); pregnancy is not recorded and not checked",
			"an active ACE inhibitor or angiotensin receptor blocker",
			cite(CitationADA11ACE, doi("10.2337/dc25-S011"))),
			Closure{DrugClasses: []string{"ace-inhibitor", "arb"},
				Terms: []string{"ace inhibitor", "angiotensin converting enzyme inhibitor", "angiotensin receptor blocker", "arb", "acei"}}, true},
		{rule(RuleMetforminReview, "Metformin review at reduced kidney function",
			"adults taking metformin whose latest eGFR is below 45",
			"a prescriber's review now: below 45 assess benefit and risk and do not start or escalate; below 30 metformin is contraindicated",
			cite(CitationFDAMet, "https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-revises-warnings-regarding-use-diabetes-medicine-metformin-certain")),
			Closure{Terms: []string{"metformin"}}, true},
		{rule(RuleBPMeasured, "Blood pressure measured",
			"adults with active hypertension",
			"a reading within 12 months",
			cite(CitationBPFollow, "", e.sbp.Source(), e.bpPanel.Source())),
			Closure{Monitor: [][]string{e.bpCodes}, Terms: []string{"blood pressure"}}, false},
		{rule(RuleBPTarget, "Blood pressure below 130/80 mmHg (guideline goal)",
			"adults with active hypertension",
			"the latest reading, taken within 12 months, below 130/80 mmHg",
			cite(CitationACCAHA, doi("10.1161/HYP.0000000000000065"))),
			Closure{Goal: e.bpCodes, DrugClasses: e.antihypertensives,
				Terms: []string{"antihypertensive", "blood pressure goal", "blood pressure target", "blood pressure control"}}, false},
		{rule(RuleBPQualityThreshold, "Blood pressure below 140/90 mmHg (quality-measure threshold)",
			"adults aged 18-85 with active hypertension",
			"the latest reading, taken within 12 months, below 140/90 mmHg (reported separately from the <130/80 guideline goal)",
			cite(CitationCMS165, "https://ecqi.healthit.gov/ecqm/ec/2025/cms0165v13")),
			Closure{Goal: e.bpCodes, DrugClasses: e.antihypertensives,
				Terms: []string{"antihypertensive", "blood pressure goal", "blood pressure target", "blood pressure control"}}, false},
		{rule(RuleColorectalScreening, "Colorectal cancer screening",
			"adults aged 45-75; excluded after a total colectomy",
			"colonoscopy within 10 years, flexible sigmoidoscopy or CT colonography within 5 years, stool DNA-FIT within 3 years, or FIT/gFOBT within 1 year",
			cite(CitationUSPSTFColorectal, uspstf+"colorectal-cancer-screening",
				e.colonoscopy.Source(), e.flexSig.Source(), e.ctColon.Source(), e.sdna.Source(), e.fobt.Source(), e.colectomy.Source())),
			Closure{Specialties: []string{"gastroenterology", "gastroenterologist"},
				Terms: []string{"colorectal cancer screening", "colorectal screening", "colon cancer screening", "colonoscopy", "sigmoidoscopy",
					"fecal immunochemical", "fit test", "stool dna", "fecal occult blood", "ct colonography", "cologuard"}}, false},
		{rule(RuleBreastScreening, "Breast cancer screening (mammography)",
			"women aged 40-74; excluded after a bilateral mastectomy",
			"a mammogram within 24 months",
			cite(CitationUSPSTFBreast, uspstf+"breast-cancer-screening", e.mammography.Source(), e.mastectomy.Source())),
			Closure{Terms: []string{"mammogram", "mammography", "breast cancer screening"}}, false},
		{rule(RuleCervicalScreening, "Cervical cancer screening",
			"women aged 21-65; excluded after a hysterectomy with no residual cervix",
			"ages 21-29: cytology within 3 years; ages 30-65: cytology within 3 years or high-risk HPV testing (alone or with cytology) within 5 years",
			cite(CitationUSPSTFCervical, uspstf+"cervical-cancer-screening", e.pap.Source(), e.hpv.Source(), e.hysterectomy.Source())),
			Closure{Specialties: []string{"gynecology", "gynaecology", "gynecologist"},
				Terms: []string{"cervical cancer screening", "cervical screening", "pap test", "pap smear", "cervical cytology", "hpv test", "hpv testing"}}, false},
		{rule(RuleLungScreening, "Lung cancer screening (low-dose CT)",
			"adults aged 50-80 with at least 20 pack-years who smoke now or quit within 15 years; unknown when the smoking history (status, pack-years, quit date) is not recorded",
			"a low-dose CT within 12 months",
			cite(CitationUSPSTFLung, uspstf+"lung-cancer-screening", e.smoking.Source(), smokingAnswers(), e.packYears.Source(), e.ldct.Source())),
			Closure{Terms: []string{"lung cancer screening", "low dose ct", "low dose computed tomography", "ldct"}}, false},
		{rule(RuleOsteoporosisScreening, "Osteoporosis screening (bone density)",
			"women aged 65 and older",
			"a bone density scan on record (USPSTF sets no repeat interval)",
			cite(CitationUSPSTFOsteoporosis, uspstf+"osteoporosis-screening", e.dxa.Source())),
			Closure{Terms: []string{"bone density", "bone mineral density", "bone densitometry", "dxa", "dexa", "osteoporosis screening"}}, false},
		{rule(RuleAAAScreening, "Abdominal aortic aneurysm screening",
			"men aged 65-75 who have ever smoked",
			"a one-time abdominal aortic ultrasound; careguard ships no verified code set for it, so eligible men are unknown unless Options.Evidence supplies codes",
			cite(CitationUSPSTFAAA, uspstf+"abdominal-aortic-aneurysm-screening", e.smoking.Source(), smokingAnswers())),
			Closure{Terms: []string{"abdominal aortic aneurysm", "aaa screening", "aortic ultrasound", "abdominal aortic ultrasound"}}, false},
		{rule(RuleHepatitisCScreening, "Hepatitis C screening",
			"adults aged 18-79",
			"a hepatitis C antibody test once",
			cite(CitationUSPSTFHepatitisC, uspstf+"hepatitis-c-screening", e.hcv.Source())),
			Closure{Monitor: [][]string{e.hcvCodes}, Terms: []string{"hepatitis c", "hcv"}}, false},
		{rule(RuleStatinPrimaryPrevention, "Statin for primary prevention",
			"adults aged 40-75 without diabetes (the diabetes statin rule covers them) or recorded atherosclerotic cardiovascular disease, with at least one risk factor (dyslipidemia: LDL above 130 mg/dL, HDL below 40 mg/dL or a coded lipid disorder; hypertension; current smoking) and a recorded 10-year risk of 10% or more; careguard does not compute the risk, so the rule is unknown without a recorded estimate",
			"an active statin",
			cite(CitationUSPSTFStatin, uspstf+"statin-use-in-adults-preventive-medication", e.cvdRisk.Source(), e.ascvd.Source(), e.hyperlipidemia.Source(), e.ldl.Source(), e.hdl.Source())),
			Closure{DrugClasses: []string{"statin"}, Terms: []string{"statin"}}, true},
	}
	rules := make([]Rule, len(rows))
	closures := make(map[string]Closure, len(rows))
	prescribing := make(map[string]bool, len(rows))
	for i, r := range rows {
		rules[i] = r.rule
		closures[r.rule.ID] = r.closure
		prescribing[r.rule.ID] = r.prescribing
	}
	return rules, closures, prescribing
}

// ---- diabetes

func (ev *eval) hba1cGap() Gap {
	g := ev.gap(RuleHbA1c)
	if len(ev.t2dm) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active type 2 diabetes on record.")
	}
	ev.labs()
	cond := condIDs(ev.t2dm)
	goal := GoalFor(ev.age)
	if !ev.hba1cFound {
		return ev.finish(g, StatusOpen, ev.asOf, "Type 2 diabetes with no HbA1c result on record: measure now, then at least twice a year.",
			cond, []string{patient.DemographicsID})
	}
	o := ev.hba1cObs
	months, why := 3, ""
	switch {
	case !ev.hba1cPercent:
		why = fmt.Sprintf("Latest HbA1c on %s is not recorded in percent, so it cannot be compared with the goal: test every 3 months", day(o.Effective))
	case ev.hba1cVal >= goal.Value:
		why = fmt.Sprintf("Latest HbA1c %s%% on %s is not below the %s%% goal: test every 3 months until at goal", num(ev.hba1cVal), day(o.Effective), num(goal.Value))
	default:
		months = 6
		why = fmt.Sprintf("Latest HbA1c %s%% on %s is below the %s%% goal: test at least every 6 months", num(ev.hba1cVal), day(o.Effective), num(goal.Value))
	}
	due := dueAfter(o.Effective, months)
	facts := [][]string{cond, {patient.DemographicsID}, obsID(o)}
	if ev.current(due) {
		return ev.finish(g, StatusMet, due, why+"; next due "+day(due)+".", facts...)
	}
	return ev.finish(g, StatusOpen, due, why+"; due since "+day(due)+".", facts...)
}

func (ev *eval) kidneyGap() Gap {
	g := ev.gap(RuleKidneyEvaluation)
	if len(ev.t2dm) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active type 2 diabetes on record.")
	}
	ev.labs()
	type test struct {
		name  string
		obs   *patient.Observation
		codes []string
	}
	tests := []test{{"eGFR", ev.egfrObs, ev.e.egfrCodes}, {"urine albumin-to-creatinine ratio", ev.uacrObs, ev.e.uacrCodes}}
	var missing []string
	var monitor [][]string
	due := time.Time{}
	earliest := func(d time.Time) {
		if due.IsZero() || d.Before(due) {
			due = d
		}
	}
	for _, t := range tests {
		if t.obs == nil {
			missing = append(missing, "no "+t.name+" on record")
			monitor = append(monitor, t.codes)
			earliest(ev.asOf)
			continue
		}
		d := dueAfter(t.obs.Effective, 12)
		earliest(d)
		if !ev.current(d) {
			missing = append(missing, fmt.Sprintf("the latest %s is from %s", t.name, day(t.obs.Effective)))
			monitor = append(monitor, t.codes)
		}
	}
	facts := [][]string{condIDs(ev.t2dm), obsID(ev.egfrObs), obsID(ev.uacrObs)}
	if len(missing) == 0 {
		return ev.finish(g, StatusMet, due, fmt.Sprintf("eGFR on %s and urine albumin-to-creatinine ratio on %s are both within 12 months; next due %s.",
			day(ev.egfrObs.Effective), day(ev.uacrObs.Effective), day(due)), facts...)
	}
	g.Closure.Monitor = monitor
	return ev.finish(g, StatusOpen, due, "Type 2 diabetes needs eGFR and urine albumin-to-creatinine ratio at least every 12 months: "+strings.Join(missing, "; ")+".", facts...)
}

func (ev *eval) eyeGap() Gap {
	g := ev.gap(RuleEyeExam)
	if len(ev.t2dm) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active type 2 diabetes on record.")
	}
	cond := condIDs(ev.t2dm)
	ex, ok := ev.latest(ev.e.retinal, ev.e.extra[RuleEyeExam])
	if !ok {
		return ev.finish(g, StatusOpen, ev.asOf, "Type 2 diabetes with no retinal or dilated eye exam on record.", cond)
	}
	due := dueAfter(ex.when, 12)
	if ev.current(due) {
		return ev.finish(g, StatusMet, due, fmt.Sprintf("Retinal or dilated eye exam on %s; next due %s.", day(ex.when), day(due)), cond, []string{ex.id})
	}
	return ev.finish(g, StatusOpen, due, fmt.Sprintf("The latest retinal or dilated eye exam is from %s; due since %s.", day(ex.when), day(due)), cond, []string{ex.id})
}

func (ev *eval) diabetesStatinGap() Gap {
	g := ev.gap(RuleDiabetesStatin)
	if len(ev.t2dm) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active type 2 diabetes on record.")
	}
	cond := condIDs(ev.t2dm)
	if ev.age < 40 || ev.age > 75 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 40-75.", ev.age), cond, []string{patient.DemographicsID})
	}
	if len(ev.statin) > 0 {
		return ev.finish(g, StatusMet, time.Time{}, fmt.Sprintf("Age %d with type 2 diabetes; a statin is on the active medication list.", ev.age),
			cond, []string{patient.DemographicsID}, medIDs(ev.statin))
	}
	return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("Age %d with type 2 diabetes and no statin on the active medication list: ADA 2025 recommends statin therapy for adults 40-75 with diabetes.", ev.age),
		cond, []string{patient.DemographicsID})
}

func (ev *eval) rasGap() Gap {
	g := ev.gap(RuleACEInhibitorOrARB)
	switch {
	case len(ev.t2dm) == 0:
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active type 2 diabetes on record.")
	case len(ev.htn) == 0:
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Type 2 diabetes without recorded hypertension: ADA 11.4a applies to diabetes with hypertension.", condIDs(ev.t2dm))
	}
	ev.labs()
	facts := [][]string{condIDs(ev.t2dm), condIDs(ev.htn), obsID(ev.uacrObs), obsID(ev.egfrObs)}
	var why []string
	if ev.uacrValOK && ev.uacrVal >= 30 {
		why = append(why, fmt.Sprintf("UACR %s mg/g on %s", num(ev.uacrVal), day(ev.uacrObs.Effective)))
	}
	if ev.egfrValOK && ev.egfrVal < 60 {
		why = append(why, fmt.Sprintf("eGFR %s on %s", num(ev.egfrVal), day(ev.egfrObs.Effective)))
	}
	switch {
	case len(why) > 0 && len(ev.ras) > 0:
		return ev.finish(g, StatusMet, time.Time{}, "Diabetes with hypertension and "+strings.Join(why, " and ")+"; an ACE inhibitor or ARB is on the active medication list.",
			append(facts, medIDs(ev.ras))...)
	case len(why) > 0:
		return ev.finish(g, StatusOpen, ev.asOf, "Diabetes with hypertension and "+strings.Join(why, " and ")+"; neither an ACE inhibitor nor an ARB is on the active medication list.", facts...)
	case ev.uacrValOK && ev.egfrValOK:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Latest UACR %s mg/g and eGFR %s are in the normal range: ADA 11.4a does not recommend an ACE inhibitor or ARB for primary prevention of kidney disease.",
			num(ev.uacrVal), num(ev.egfrVal)), facts...)
	case len(ev.ras) > 0:
		return ev.finish(g, StatusMet, time.Time{}, "Diabetes with hypertension; an ACE inhibitor or ARB is on the active medication list (UACR or eGFR not on record).",
			append(facts, medIDs(ev.ras))...)
	}
	var lack []string
	if !ev.uacrValOK {
		lack = append(lack, "urine albumin-to-creatinine ratio in mg/g")
	}
	if !ev.egfrValOK {
		lack = append(lack, "eGFR")
	}
	return ev.finish(g, StatusUnknown, time.Time{}, "Diabetes with hypertension, but no "+strings.Join(lack, " and no ")+" on record to decide whether an ACE inhibitor or ARB is indicated.", facts...)
}

func (ev *eval) metforminGap() Gap {
	g := ev.gap(RuleMetforminReview)
	if len(ev.metformin) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active metformin on record.")
	}
	ev.labs()
	meds := medIDs(ev.metformin)
	g.Closure.Medications = meds
	switch {
	case !ev.egfrValOK:
		return ev.finish(g, StatusUnknown, time.Time{}, "Metformin is active but no eGFR is on record; the label asks for eGFR before starting and at least annually.", meds)
	case ev.egfrVal < 30:
		return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("Metformin is active and the latest eGFR %s on %s is below 30, where metformin is contraindicated.", num(ev.egfrVal), day(ev.egfrObs.Effective)),
			meds, obsID(ev.egfrObs))
	case ev.egfrVal < 45:
		return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("Metformin is active and the latest eGFR %s on %s is below 45: assess the benefits and risks of continuing; do not start or escalate it while eGFR is 30-45.", num(ev.egfrVal), day(ev.egfrObs.Effective)),
			meds, obsID(ev.egfrObs))
	}
	return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Latest eGFR %s on %s is at or above 45.", num(ev.egfrVal), day(ev.egfrObs.Effective)), meds, obsID(ev.egfrObs))
}

// ---- hypertension

func (ev *eval) bpMeasuredGap() Gap {
	g := ev.gap(RuleBPMeasured)
	if len(ev.htn) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active hypertension on record.")
	}
	cond := condIDs(ev.htn)
	_, o, ok := ev.rec.LatestValue(ev.e.sbp)
	if !ok {
		return ev.finish(g, StatusOpen, ev.asOf, "Hypertension with no blood pressure reading on record.", cond)
	}
	due := dueAfter(o.Effective, 12)
	if ev.current(due) {
		return ev.finish(g, StatusMet, due, fmt.Sprintf("Blood pressure measured on %s; next due %s.", day(o.Effective), day(due)), cond, obsID(&o))
	}
	return ev.finish(g, StatusOpen, due, fmt.Sprintf("The latest blood pressure reading is from %s, more than 12 months ago.", day(o.Effective)), cond, obsID(&o))
}

func (ev *eval) bpTargetGap(rule string, sysMax, diaMax float64) Gap {
	g := ev.gap(rule)
	if len(ev.htn) == 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "No active hypertension on record.")
	}
	cond := condIDs(ev.htn)
	if rule == RuleBPQualityThreshold && (ev.age < 18 || ev.age > 85) {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 18-85.", ev.age), cond, []string{patient.DemographicsID})
	}
	ev.bloodPressure()
	target := fmt.Sprintf("%s/%s mmHg", num(sysMax), num(diaMax))
	if ev.bp == nil {
		return ev.finish(g, StatusUnknown, time.Time{}, "Hypertension with no blood pressure reading on record to compare with "+target+".", cond)
	}
	reading := fmt.Sprintf("Latest blood pressure %s/%s mmHg on %s", num(ev.systolic), num(ev.diastolic), day(ev.bp.Effective))
	if !ev.current(dueAfter(ev.bp.Effective, 12)) {
		return ev.finish(g, StatusUnknown, time.Time{}, reading+" is more than 12 months old and says nothing about control now.", cond, obsID(ev.bp))
	}
	if ev.systolic < sysMax && ev.diastolic < diaMax {
		return ev.finish(g, StatusMet, time.Time{}, reading+" is below "+target+".", cond, obsID(ev.bp))
	}
	return ev.finish(g, StatusOpen, ev.asOf, reading+" is not below "+target+".", cond, obsID(ev.bp))
}

// ---- screening

// interval is one kind of evidence for a screening and how long it counts.
type interval struct {
	name   string
	sets   []*terminology.ValueSet
	months int
}

// screen applies intervals: met when the latest evidence of any kind is
// still current (due = the latest expiry among current kinds); open
// otherwise (due = the latest expiry, or the as-of date when nothing is
// recorded).
func (ev *eval) screen(g Gap, kinds []interval, population string, facts []string) Gap {
	var metDue, lapsedDue time.Time
	var metWhy, lapsedWhy []string
	var evid []string
	for _, k := range kinds {
		ex, ok := ev.latest(k.sets...)
		if !ok {
			continue
		}
		evid = append(evid, ex.id)
		d := dueAfter(ex.when, k.months)
		if ev.current(d) {
			metWhy = append(metWhy, fmt.Sprintf("%s on %s (counts until %s)", k.name, day(ex.when), day(d)))
			if d.After(metDue) {
				metDue = d
			}
		} else {
			lapsedWhy = append(lapsedWhy, fmt.Sprintf("%s on %s (lapsed %s)", k.name, day(ex.when), day(d)))
			if d.After(lapsedDue) {
				lapsedDue = d
			}
		}
	}
	if len(metWhy) > 0 {
		return ev.finish(g, StatusMet, metDue, population+"; "+strings.Join(metWhy, "; ")+".", facts, evid)
	}
	if len(lapsedWhy) > 0 {
		return ev.finish(g, StatusOpen, lapsedDue, population+"; no current screening: "+strings.Join(lapsedWhy, "; ")+".", facts, evid)
	}
	return ev.finish(g, StatusOpen, ev.asOf, population+"; no screening on record.", facts)
}

func (ev *eval) colorectalGap() Gap {
	g := ev.gap(RuleColorectalScreening)
	d1 := []string{patient.DemographicsID}
	if ev.age < 45 || ev.age > 75 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 45-75.", ev.age), d1)
	}
	if id, ok := ev.excluded(ev.e.colectomy); ok {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Total colectomy on record.", d1, []string{id})
	}
	e := ev.e
	return ev.screen(g, []interval{
		{"colonoscopy", []*terminology.ValueSet{e.colonoscopy}, 120},
		{"flexible sigmoidoscopy", []*terminology.ValueSet{e.flexSig}, 60},
		{"CT colonography", []*terminology.ValueSet{e.ctColon}, 60},
		{"stool DNA-FIT", []*terminology.ValueSet{e.sdna}, 36},
		{"fecal occult blood test", []*terminology.ValueSet{e.fobt, e.extra[RuleColorectalScreening]}, 12},
	}, fmt.Sprintf("Age %d", ev.age), d1)
}

// female reports the population check for rules on women: ok when the
// record says female; a finished not-applicable or unknown gap otherwise.
func (ev *eval) female(g Gap) (Gap, bool) {
	switch {
	case ev.sex == patient.SexFemale:
		return g, true
	case ev.sex == patient.SexMale:
		return ev.finish(g, StatusNotApplicable, time.Time{}, "The recommendation is for women; the record says male.", []string{patient.DemographicsID}), false
	}
	return ev.finish(g, StatusUnknown, time.Time{}, "The record does not say whether the patient is female or male.", []string{patient.DemographicsID}), false
}

func (ev *eval) breastGap() Gap {
	g, ok := ev.female(ev.gap(RuleBreastScreening))
	if !ok {
		return g
	}
	d1 := []string{patient.DemographicsID}
	if ev.age < 40 || ev.age > 74 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 40-74.", ev.age), d1)
	}
	if id, ok := ev.excluded(ev.e.mastectomy); ok {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Bilateral mastectomy on record.", d1, []string{id})
	}
	return ev.screen(g, []interval{{"mammogram", []*terminology.ValueSet{ev.e.mammography, ev.e.extra[RuleBreastScreening]}, 24}},
		fmt.Sprintf("Woman aged %d", ev.age), d1)
}

func (ev *eval) cervicalGap() Gap {
	g, ok := ev.female(ev.gap(RuleCervicalScreening))
	if !ok {
		return g
	}
	d1 := []string{patient.DemographicsID}
	if ev.age < 21 || ev.age > 65 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 21-65.", ev.age), d1)
	}
	if id, ok := ev.excluded(ev.e.hysterectomy); ok {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Hysterectomy with no residual cervix on record.", d1, []string{id})
	}
	kinds := []interval{{"cervical cytology", []*terminology.ValueSet{ev.e.pap, ev.e.extra[RuleCervicalScreening]}, 36}}
	if ev.age >= 30 {
		kinds = append(kinds, interval{"high-risk HPV test", []*terminology.ValueSet{ev.e.hpv}, 60})
	}
	return ev.screen(g, kinds, fmt.Sprintf("Woman aged %d", ev.age), d1)
}

func (ev *eval) lungGap() Gap {
	g := ev.gap(RuleLungScreening)
	d1 := []string{patient.DemographicsID}
	if ev.age < 50 || ev.age > 80 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 50-80.", ev.age), d1)
	}
	ev.smokingHistory()
	facts := [][]string{d1, obsID(ev.smokingObs), obsID(ev.packYearsObs)}
	status := "no smoking status on record"
	if ev.smokingObs != nil {
		status = fmt.Sprintf("smoking status on %s: %s", day(ev.smokingObs.Effective), ev.smokingKind)
	}
	packs := "no pack-years on record"
	if ev.packYearsObs != nil {
		packs = fmt.Sprintf("%s pack-years on %s", num(ev.packYearsVal), day(ev.packYearsObs.Effective))
	}
	switch {
	case ev.smokingKind == smokingNever:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d; %s.", ev.age, status), facts...)
	case ev.smokingKind == smokingUnknown:
		return ev.finish(g, StatusUnknown, time.Time{}, fmt.Sprintf("Age %d; %s: eligibility for lung cancer screening cannot be decided.", ev.age, status), facts...)
	case ev.packYearsObs != nil && ev.packYearsVal < 20:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d; %s; %s, fewer than 20.", ev.age, status, packs), facts...)
	case ev.packYearsObs == nil:
		return ev.finish(g, StatusUnknown, time.Time{}, fmt.Sprintf("Age %d; %s; %s: eligibility for lung cancer screening cannot be decided.", ev.age, status, packs), facts...)
	case ev.smokingKind == smokingFormer:
		return ev.finish(g, StatusUnknown, time.Time{}, fmt.Sprintf("Age %d; %s; %s; the quit date is not recorded, so whether the patient quit within 15 years cannot be decided.", ev.age, status, packs), facts...)
	}
	return ev.screen(g, []interval{{"low-dose CT", []*terminology.ValueSet{ev.e.ldct, ev.e.extra[RuleLungScreening]}, 12}},
		fmt.Sprintf("Age %d; %s; %s", ev.age, status, packs), ids(facts...))
}

func (ev *eval) osteoporosisGap() Gap {
	g, ok := ev.female(ev.gap(RuleOsteoporosisScreening))
	if !ok {
		return g
	}
	d1 := []string{patient.DemographicsID}
	if ev.age < 65 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is under 65.", ev.age), d1)
	}
	if ex, ok := ev.latest(ev.e.dxa, ev.e.extra[RuleOsteoporosisScreening]); ok {
		return ev.finish(g, StatusMet, time.Time{}, fmt.Sprintf("Woman aged %d; bone density scan on %s.", ev.age, day(ex.when)), d1, []string{ex.id})
	}
	return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("Woman aged %d; no bone density scan on record.", ev.age), d1)
}

func (ev *eval) aaaGap() Gap {
	g := ev.gap(RuleAAAScreening)
	d1 := []string{patient.DemographicsID}
	switch {
	case ev.sex == patient.SexFemale:
		return ev.finish(g, StatusNotApplicable, time.Time{}, "The recommendation is for men; the record says female.", d1)
	case !ev.sexKnown():
		return ev.finish(g, StatusUnknown, time.Time{}, "The record does not say whether the patient is female or male.", d1)
	case ev.age < 65 || ev.age > 75:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 65-75.", ev.age), d1)
	}
	ev.smokingHistory()
	facts := [][]string{d1, obsID(ev.smokingObs)}
	switch ev.smokingKind {
	case smokingNever:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Man aged %d who has never smoked (smoking status on %s).", ev.age, day(ev.smokingObs.Effective)), facts...)
	case smokingUnknown:
		return ev.finish(g, StatusUnknown, time.Time{}, fmt.Sprintf("Man aged %d with no usable smoking status on record: whether he ever smoked cannot be decided.", ev.age), facts...)
	}
	set := ev.e.extra[RuleAAAScreening]
	who := fmt.Sprintf("Man aged %d, %s (smoking status on %s)", ev.age, ev.smokingKind, day(ev.smokingObs.Effective))
	if set == nil {
		return ev.finish(g, StatusUnknown, time.Time{}, who+"; careguard has no verified code set for abdominal aortic ultrasound, so whether the one-time screening was done cannot be read from the record.", facts...)
	}
	if ex, ok := ev.latest(set); ok {
		return ev.finish(g, StatusMet, time.Time{}, fmt.Sprintf("%s; abdominal aortic ultrasound on %s.", who, day(ex.when)), append(facts, []string{ex.id})...)
	}
	return ev.finish(g, StatusOpen, ev.asOf, who+"; no abdominal aortic ultrasound on record.", facts...)
}

func (ev *eval) hepatitisCGap() Gap {
	g := ev.gap(RuleHepatitisCScreening)
	d1 := []string{patient.DemographicsID}
	if ev.age < 18 || ev.age > 79 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 18-79.", ev.age), d1)
	}
	if ex, ok := ev.latest(ev.e.hcv, ev.e.extra[RuleHepatitisCScreening]); ok {
		return ev.finish(g, StatusMet, time.Time{}, fmt.Sprintf("Age %d; hepatitis C antibody test on %s.", ev.age, day(ex.when)), d1, []string{ex.id})
	}
	return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("Age %d; no hepatitis C antibody test on record.", ev.age), d1)
}

// ---- prevention

func (ev *eval) primaryStatinGap() Gap {
	g := ev.gap(RuleStatinPrimaryPrevention)
	d1 := []string{patient.DemographicsID}
	if ev.age < 40 || ev.age > 75 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("Age %d is outside 40-75.", ev.age), d1)
	}
	if dm := ev.rec.ActiveConditionsIn(ev.e.diabetes); len(dm) > 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Diabetes is on record: the diabetes statin rule (ADA 2025) applies instead.", d1, condIDs(dm))
	}
	if cv := ev.rec.ConditionsIn(ev.e.ascvd); len(cv) > 0 {
		return ev.finish(g, StatusNotApplicable, time.Time{}, "Atherosclerotic cardiovascular disease is on record: statin use is secondary prevention, outside this recommendation.", d1, condIDs(cv))
	}
	if len(ev.statin) > 0 {
		return ev.finish(g, StatusMet, time.Time{}, fmt.Sprintf("Age %d; a statin is on the active medication list.", ev.age), d1, medIDs(ev.statin))
	}
	// Risk factors, and whether any is undecidable.
	var factors, unknown []string
	var facts [][]string
	facts = append(facts, d1)
	if len(ev.htn) > 0 {
		factors = append(factors, "hypertension")
		facts = append(facts, condIDs(ev.htn))
	}
	lipid := false
	if c := ev.rec.ActiveConditionsIn(ev.e.hyperlipidemia); len(c) > 0 {
		lipid = true
		facts = append(facts, condIDs(c))
	}
	ldl, ldlOK := ev.rec.LatestObservation(ev.e.ldl)
	hdl, hdlOK := ev.rec.LatestObservation(ev.e.hdl)
	if ldlOK {
		if v, unit, ok := quantity(ldl); ok && unit == "mg/dL" && v > 130 {
			lipid = true
			facts = append(facts, obsID(&ldl))
		}
	}
	if hdlOK {
		if v, unit, ok := quantity(hdl); ok && unit == "mg/dL" && v < 40 {
			lipid = true
			facts = append(facts, obsID(&hdl))
		}
	}
	switch {
	case lipid:
		factors = append(factors, "dyslipidemia")
	case !ldlOK || !hdlOK:
		unknown = append(unknown, "lipids")
	}
	ev.smokingHistory()
	switch ev.smokingKind {
	case smokingCurrent:
		factors = append(factors, "current smoking")
		facts = append(facts, obsID(ev.smokingObs))
	case smokingUnknown:
		unknown = append(unknown, "smoking status")
	}
	risk, riskOK := ev.rec.LatestObservation(ev.e.cvdRisk)
	riskVal, riskPct := 0.0, false
	if riskOK {
		if v, unit, ok := quantity(risk); ok && unit == "%" {
			riskVal, riskPct = v, true
			facts = append(facts, obsID(&risk))
		}
	}
	who := fmt.Sprintf("Age %d", ev.age)
	if len(factors) > 0 {
		who += " with " + strings.Join(factors, ", ")
	}
	switch {
	case len(factors) == 0 && len(unknown) == 0:
		return ev.finish(g, StatusNotApplicable, time.Time{}, who+" and no recorded risk factor (dyslipidemia, diabetes, hypertension, smoking).", facts...)
	case riskPct && riskVal < 10:
		return ev.finish(g, StatusNotApplicable, time.Time{}, fmt.Sprintf("%s; recorded 10-year cardiovascular risk %s%% on %s is below 10%%.", who, num(riskVal), day(risk.Effective)), facts...)
	case riskPct && len(factors) > 0:
		return ev.finish(g, StatusOpen, ev.asOf, fmt.Sprintf("%s; recorded 10-year cardiovascular risk %s%% on %s is 10%% or more; no statin on the active medication list.", who, num(riskVal), day(risk.Effective)), facts...)
	case riskPct:
		return ev.finish(g, StatusUnknown, time.Time{}, fmt.Sprintf("%s; recorded 10-year cardiovascular risk %s%% on %s, but no %s on record to decide on risk factors.", who, num(riskVal), day(risk.Effective), strings.Join(unknown, " or ")), facts...)
	}
	return ev.finish(g, StatusUnknown, time.Time{}, who+"; no 10-year cardiovascular risk estimate is recorded and careguard does not compute one, so the USPSTF threshold of 10% cannot be checked.", facts...)
}

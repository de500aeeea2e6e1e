package caregap_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// The fixture as-of date is 2026-11-01.

var (
	t2dm      = fixture.SNOMED("44054006", "Diabetes mellitus type 2")
	htn       = fixture.SNOMED("38341003", "Hypertensive disorder")
	cad       = fixture.SNOMED("53741008", "Coronary Heart Disease")
	metformin = fixture.RxNorm("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
	statin    = fixture.RxNorm("312961", "Simvastatin 20 MG Oral Tablet")
	lisinopil = fixture.RxNorm("314076", "lisinopril 10 MG Oral Tablet")
)

// spec builds a record; each option adds facts.
type spec struct {
	born string
	sex  patient.Sex
	add  []func(b *patient.Builder)
}

func (s spec) build(t *testing.T) *patient.Record {
	t.Helper()
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day(s.born), Sex: s.sex})
	for _, f := range s.add {
		f(b)
	}
	rec, err := b.Build()
	require.NoError(t, err)
	return rec
}

func cond(c terminology.Code) func(*patient.Builder) {
	return func(b *patient.Builder) { b.AddConditions(fixture.Active(c, "2015-01-01")) }
}

func med(c terminology.Code) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddMedications(fixture.Med(c, "daily", patient.MedicationActive, "2016-01-01"))
	}
}

func lab(code string, v float64, unit, when string) func(*patient.Builder) {
	return func(b *patient.Builder) { b.AddObservations(fixture.Lab(fixture.LOINC(code, code), v, unit, when)) }
}

func bp(sys, dia float64, when string) func(*patient.Builder) {
	return func(b *patient.Builder) { b.AddObservations(fixture.BP(sys, dia, when)) }
}

func proc(system, code, when string) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddProcedures(patient.Procedure{Code: terminology.Code{System: system, Code: code}, Performed: fixture.Day(when)})
	}
}

func obsCode(code, when string) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddObservations(patient.Observation{Code: fixture.LOINC(code, code), Category: patient.CategoryLaboratory,
			Value: patient.TextValue("done"), Effective: fixture.Day(when)})
	}
}

func smoking(answer, when string) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddObservations(patient.Observation{Code: fixture.LOINC("72166-2", "Tobacco smoking status NHIS"), Category: patient.CategorySurvey,
			Value: patient.CodeValue(fixture.SNOMED(answer, answer)), Effective: fixture.Day(when)})
	}
}

func packYears(v float64, when string) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddObservations(patient.Observation{Code: fixture.SNOMED("401201003", "Cigarette pack-years"), Category: patient.CategorySocialHistory,
			Value: patient.QuantityValue(v, "{pack-years}"), Effective: fixture.Day(when)})
	}
}

func riskScore(v float64, when string) func(*patient.Builder) {
	return func(b *patient.Builder) {
		b.AddObservations(patient.Observation{Code: fixture.LOINC("79423-0", "Cardiovascular disease 10Y risk"), Category: patient.CategorySurvey,
			Value: patient.QuantityValue(v, "%"), Effective: fixture.Day(when)})
	}
}

func with(fs ...func(*patient.Builder)) []func(*patient.Builder) { return fs }

func TestEvaluateRules(t *testing.T) {
	const (
		snomed = terminology.SystemSNOMED
		male   = patient.SexMale
		female = patient.SexFemale
	)
	tests := []struct {
		name   string
		rule   string
		spec   spec
		want   caregap.Status
		due    string // "" = do not check
		reason string
	}{
		// HbA1c: 6 months at goal, 3 months above it; the goal is <7%, or <8% from 65.
		{"HbA1c at goal, 5 months old", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm), lab("4548-4", 6.6, "%", "2026-06-01"))},
			caregap.StatusMet, "2026-12-01", "below 7%: due 6 months after the test"},
		{"HbA1c above goal, 5 months old", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm), lab("4548-4", 7.4, "%", "2026-06-01"))},
			caregap.StatusOpen, "2026-09-01", "not below 7%: due 3 months after the test"},
		{"HbA1c at the goal itself", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm), lab("4548-4", 7.0, "%", "2026-09-01"))},
			caregap.StatusMet, "2026-12-01", "7.0 is not below 7: quarterly interval, still current"},
		{"HbA1c older adult goal", caregap.RuleHbA1c, spec{"1950-05-01", male, with(cond(t2dm), lab("4548-4", 7.6, "%", "2026-06-01"))},
			caregap.StatusMet, "2026-12-01", "from 65 the goal is <8%, so 7.6 is at goal: 6 months"},
		{"HbA1c due today", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm), lab("4548-4", 6.6, "%", "2026-05-01"))},
			caregap.StatusMet, "2026-11-01", "due on the as-of date is still within the interval"},
		{"HbA1c never measured", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm))},
			caregap.StatusOpen, "2026-11-01", "no result: due now, never met by default"},
		{"HbA1c in mmol/mol", caregap.RuleHbA1c, spec{"1976-05-01", male, with(cond(t2dm), lab("4548-4", 53, "mmol/mol", "2026-07-15"))},
			caregap.StatusOpen, "2026-10-15", "a result not in % cannot be compared with the goal: 3-month interval"},
		{"HbA1c without diabetes", caregap.RuleHbA1c, spec{"1976-05-01", male, with(lab("4548-4", 6.6, "%", "2026-06-01"))},
			caregap.StatusNotApplicable, "", "the population is type 2 diabetes"},

		// Kidney evaluation: both eGFR and UACR within 12 months.
		{"kidney both current", caregap.RuleKidneyEvaluation, spec{"1976-05-01", male, with(cond(t2dm), lab("33914-3", 80, "mL/min/{1.73_m2}", "2026-01-01"), lab("14959-1", 12, "mg/g", "2026-03-01"))},
			caregap.StatusMet, "2027-01-01", "next due is the earlier of the two"},
		{"kidney UACR missing", caregap.RuleKidneyEvaluation, spec{"1976-05-01", male, with(cond(t2dm), lab("33914-3", 80, "mL/min/{1.73_m2}", "2026-01-01"))},
			caregap.StatusOpen, "2026-11-01", "eGFR alone is not a kidney evaluation"},
		{"kidney eGFR stale", caregap.RuleKidneyEvaluation, spec{"1976-05-01", male, with(cond(t2dm), lab("33914-3", 80, "mL/min/{1.73_m2}", "2025-09-01"), lab("14959-1", 12, "mg/g", "2026-03-01"))},
			caregap.StatusOpen, "2026-09-01", "an eGFR older than 12 months"},

		// Eye exam within 12 months.
		{"eye exam current", caregap.RuleEyeExam, spec{"1976-05-01", male, with(cond(t2dm), proc(snomed, "722161008", "2026-02-01"))},
			caregap.StatusMet, "2027-02-01", "diabetic retinal eye exam, a member of the eCQM value set"},
		{"eye exam stale", caregap.RuleEyeExam, spec{"1976-05-01", male, with(cond(t2dm), proc(snomed, "410451008", "2025-06-01"))},
			caregap.StatusOpen, "2026-06-01", "more than 12 months ago"},
		{"eye exam never", caregap.RuleEyeExam, spec{"1976-05-01", male, with(cond(t2dm))},
			caregap.StatusOpen, "2026-11-01", "none on record"},

		// Statin with diabetes, 40-75.
		{"diabetes statin missing", caregap.RuleDiabetesStatin, spec{"1976-05-01", male, with(cond(t2dm))}, caregap.StatusOpen, "2026-11-01", "50 with diabetes"},
		{"diabetes statin taken", caregap.RuleDiabetesStatin, spec{"1976-05-01", male, with(cond(t2dm), med(statin))}, caregap.StatusMet, "", "simvastatin is a statin"},
		{"diabetes statin at 39", caregap.RuleDiabetesStatin, spec{"1987-05-01", male, with(cond(t2dm))}, caregap.StatusNotApplicable, "", "under 40"},
		{"diabetes statin at 75", caregap.RuleDiabetesStatin, spec{"1951-05-01", male, with(cond(t2dm))}, caregap.StatusOpen, "2026-11-01", "75 is inside 40-75"},
		{"diabetes statin at 76", caregap.RuleDiabetesStatin, spec{"1950-05-01", male, with(cond(t2dm))}, caregap.StatusNotApplicable, "", "over 75"},

		// ACE inhibitor or ARB (ADA 11.4a).
		{"ACE/ARB with albuminuria", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), cond(htn), lab("14959-1", 45, "mg/g", "2026-09-01"), lab("33914-3", 80, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusOpen, "2026-11-01", "UACR >= 30"},
		{"ACE/ARB with low eGFR", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), cond(htn), lab("14959-1", 10, "mg/g", "2026-09-01"), lab("33914-3", 55, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusOpen, "2026-11-01", "eGFR < 60"},
		{"ACE/ARB taken", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), cond(htn), med(lisinopil), lab("14959-1", 45, "mg/g", "2026-09-01"))},
			caregap.StatusMet, "", "lisinopril is an ACE inhibitor"},
		{"ACE/ARB normal kidney", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), cond(htn), lab("14959-1", 10, "mg/g", "2026-09-01"), lab("33914-3", 90, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusNotApplicable, "", "not for primary prevention with UACR < 30 and normal eGFR"},
		{"ACE/ARB without UACR", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), cond(htn), lab("33914-3", 90, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusUnknown, "", "a normal eGFR alone cannot rule out albuminuria"},
		{"ACE/ARB without hypertension", caregap.RuleACEInhibitorOrARB, spec{"1976-05-01", male, with(cond(t2dm), lab("14959-1", 45, "mg/g", "2026-09-01"))},
			caregap.StatusNotApplicable, "", "11.4a as careguard encodes it is for diabetes with hypertension"},

		// Metformin review at eGFR < 45.
		{"metformin eGFR 41.6", caregap.RuleMetforminReview, spec{"1953-02-19", male, with(cond(t2dm), med(metformin), lab("33914-3", 41.6, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusOpen, "2026-11-01", "30-45: review"},
		{"metformin eGFR 26.7", caregap.RuleMetforminReview, spec{"1953-02-19", male, with(cond(t2dm), med(metformin), lab("33914-3", 26.7, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusOpen, "2026-11-01", "below 30: contraindicated"},
		{"metformin eGFR 45", caregap.RuleMetforminReview, spec{"1953-02-19", male, with(cond(t2dm), med(metformin), lab("33914-3", 45, "mL/min/{1.73_m2}", "2026-09-01"))},
			caregap.StatusNotApplicable, "", "45 is not below 45"},
		{"metformin without eGFR", caregap.RuleMetforminReview, spec{"1953-02-19", male, with(cond(t2dm), med(metformin))},
			caregap.StatusUnknown, "", "cannot be decided without eGFR"},

		// Blood pressure.
		{"BP measured this year", caregap.RuleBPMeasured, spec{"1970-05-01", male, with(cond(htn), bp(124, 76, "2026-01-10"))}, caregap.StatusMet, "2027-01-10", "within 12 months"},
		{"BP stale", caregap.RuleBPMeasured, spec{"1970-05-01", male, with(cond(htn), bp(124, 76, "2025-10-01"))}, caregap.StatusOpen, "2026-10-01", "older than 12 months"},
		{"BP at 130/80 target", caregap.RuleBPTarget, spec{"1970-05-01", male, with(cond(htn), bp(124, 76, "2026-09-01"))}, caregap.StatusMet, "", "both below"},
		{"BP diastolic 80", caregap.RuleBPTarget, spec{"1970-05-01", male, with(cond(htn), bp(124, 80, "2026-09-01"))}, caregap.StatusOpen, "2026-11-01", "80 is not below 80"},
		{"BP 138/85 meets the quality threshold", caregap.RuleBPQualityThreshold, spec{"1970-05-01", male, with(cond(htn), bp(138, 85, "2026-09-01"))}, caregap.StatusMet, "", "<140/90"},
		{"BP 138/85 misses the guideline goal", caregap.RuleBPTarget, spec{"1970-05-01", male, with(cond(htn), bp(138, 85, "2026-09-01"))}, caregap.StatusOpen, "2026-11-01", "two distinct rules"},
		{"BP target without a reading", caregap.RuleBPTarget, spec{"1970-05-01", male, with(cond(htn))}, caregap.StatusUnknown, "", "no reading to compare"},
		{"BP target with a stale reading", caregap.RuleBPTarget, spec{"1970-05-01", male, with(cond(htn), bp(124, 76, "2025-06-01"))}, caregap.StatusUnknown, "", "an old reading says nothing about control now"},
		{"BP quality threshold at 86", caregap.RuleBPQualityThreshold, spec{"1940-05-01", male, with(cond(htn), bp(150, 76, "2026-09-01"))}, caregap.StatusNotApplicable, "", "CMS165 is for ages 18-85"},

		// Colorectal cancer screening, 45-75.
		{"colonoscopy 9 years ago", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(proc(snomed, "73761001", "2017-12-01"))}, caregap.StatusMet, "2027-12-01", "10-year interval"},
		{"colonoscopy 11 years ago", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(proc(snomed, "73761001", "2015-10-01"))}, caregap.StatusOpen, "2025-10-01", "lapsed"},
		{"FIT this year", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(obsCode("57905-2", "2026-02-01"))}, caregap.StatusMet, "2027-02-01", "1-year interval"},
		{"FIT two years ago", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(obsCode("57905-2", "2024-10-01"))}, caregap.StatusOpen, "2025-10-01", "lapsed"},
		{"sigmoidoscopy 4 years ago", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(proc(snomed, "44441009", "2022-12-01"))}, caregap.StatusMet, "2027-12-01", "5-year interval"},
		{"colorectal at 44", caregap.RuleColorectalScreening, spec{"1982-05-01", male, nil}, caregap.StatusNotApplicable, "", "under 45"},
		{"colorectal at 45", caregap.RuleColorectalScreening, spec{"1981-05-01", male, nil}, caregap.StatusOpen, "2026-11-01", "USPSTF 2021 grade B from 45"},
		{"colorectal after colectomy", caregap.RuleColorectalScreening, spec{"1960-05-01", male, with(proc(snomed, "26390003", "2020-01-01"))}, caregap.StatusNotApplicable, "", "total colectomy excludes"},

		// Breast cancer screening, women 40-74, biennial.
		{"mammogram 23 months ago", caregap.RuleBreastScreening, spec{"1970-05-01", female, with(obsCode("24606-6", "2024-12-01"))}, caregap.StatusMet, "2026-12-01", "biennial"},
		{"mammogram 25 months ago", caregap.RuleBreastScreening, spec{"1970-05-01", female, with(obsCode("24606-6", "2024-10-01"))}, caregap.StatusOpen, "2026-10-01", "lapsed"},
		{"breast screening for a man", caregap.RuleBreastScreening, spec{"1970-05-01", male, nil}, caregap.StatusNotApplicable, "", "the recommendation is for women"},
		{"breast screening, sex unknown", caregap.RuleBreastScreening, spec{"1970-05-01", patient.SexUnknown, nil}, caregap.StatusUnknown, "", "population cannot be decided"},
		{"breast screening after bilateral mastectomy", caregap.RuleBreastScreening, spec{"1970-05-01", female, with(proc(snomed, "27865001", "2019-01-01"))}, caregap.StatusNotApplicable, "", "excluded"},
		{"breast screening at 75", caregap.RuleBreastScreening, spec{"1951-05-01", female, nil}, caregap.StatusNotApplicable, "", "over 74"},

		// Cervical cancer screening by age band and method.
		{"cervical at 25 with HPV only", caregap.RuleCervicalScreening, spec{"2001-05-01", female, with(obsCode("59420-0", "2025-01-01"))}, caregap.StatusOpen, "2026-11-01", "under 30 only cytology counts"},
		{"cervical at 25 with cytology", caregap.RuleCervicalScreening, spec{"2001-05-01", female, with(obsCode("10524-7", "2024-01-01"))}, caregap.StatusMet, "2027-01-01", "3-year interval"},
		{"cervical at 40 with HPV 4 years ago", caregap.RuleCervicalScreening, spec{"1986-05-01", female, with(obsCode("59420-0", "2022-12-01"))}, caregap.StatusMet, "2027-12-01", "5-year interval from 30"},
		{"cervical at 40 with cytology 4 years ago", caregap.RuleCervicalScreening, spec{"1986-05-01", female, with(obsCode("10524-7", "2022-12-01"))}, caregap.StatusOpen, "2025-12-01", "cytology alone lasts 3 years"},
		{"cervical after hysterectomy", caregap.RuleCervicalScreening, spec{"1986-05-01", female, with(proc(snomed, "116140006", "2020-01-01"))}, caregap.StatusNotApplicable, "", "no residual cervix"},
		{"cervical at 66", caregap.RuleCervicalScreening, spec{"1960-05-01", female, nil}, caregap.StatusNotApplicable, "", "over 65"},

		// Lung cancer screening.
		{"lung, current smoker, 25 pack-years", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("449868002", "2026-09-01"), packYears(25, "2026-09-01"))}, caregap.StatusOpen, "2026-11-01", "eligible, no LDCT"},
		{"lung, screened this year", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("449868002", "2026-09-01"), packYears(25, "2026-09-01"), proc(snomed, "16334891000119106", "2026-03-01"))}, caregap.StatusMet, "2027-03-01", "annual"},
		{"lung, 15 pack-years", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("449868002", "2026-09-01"), packYears(15, "2026-09-01"))}, caregap.StatusNotApplicable, "", "fewer than 20 pack-years"},
		{"lung, current smoker without pack-years", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("449868002", "2026-09-01"))}, caregap.StatusUnknown, "", "pack-years missing"},
		{"lung, former smoker with 30 pack-years", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("8517006", "2026-09-01"), packYears(30, "2026-09-01"))}, caregap.StatusUnknown, "", "quit date not recorded"},
		{"lung, never smoker", caregap.RuleLungScreening, spec{"1960-05-01", male, with(smoking("266919005", "2026-09-01"))}, caregap.StatusNotApplicable, "", "never smoked"},
		{"lung, no smoking data", caregap.RuleLungScreening, spec{"1960-05-01", male, nil}, caregap.StatusUnknown, "", "unknown when smoking data is missing"},

		// Osteoporosis, women 65+.
		{"osteoporosis, DXA on record", caregap.RuleOsteoporosisScreening, spec{"1955-05-01", female, with(proc(snomed, "312681000", "2021-01-01"))}, caregap.StatusMet, "", "no repeat interval"},
		{"osteoporosis, none", caregap.RuleOsteoporosisScreening, spec{"1955-05-01", female, nil}, caregap.StatusOpen, "2026-11-01", "woman over 65"},
		{"osteoporosis at 64", caregap.RuleOsteoporosisScreening, spec{"1962-05-01", female, nil}, caregap.StatusNotApplicable, "", "under 65"},

		// AAA, men 65-75 who ever smoked.
		{"AAA, former smoker, no code set", caregap.RuleAAAScreening, spec{"1955-05-01", male, with(smoking("8517006", "2026-09-01"))}, caregap.StatusUnknown, "", "no verified ultrasound codes ship"},
		{"AAA, never smoker", caregap.RuleAAAScreening, spec{"1955-05-01", male, with(smoking("266919005", "2026-09-01"))}, caregap.StatusNotApplicable, "", "never smoked"},
		{"AAA, woman", caregap.RuleAAAScreening, spec{"1955-05-01", female, with(smoking("8517006", "2026-09-01"))}, caregap.StatusNotApplicable, "", "men only"},

		// Hepatitis C, 18-79, once.
		{"hepatitis C tested", caregap.RuleHepatitisCScreening, spec{"1970-05-01", male, with(obsCode("13955-0", "2010-01-01"))}, caregap.StatusMet, "", "once is enough"},
		{"hepatitis C never", caregap.RuleHepatitisCScreening, spec{"1970-05-01", male, nil}, caregap.StatusOpen, "2026-11-01", "adult 18-79"},
		{"hepatitis C at 80", caregap.RuleHepatitisCScreening, spec{"1946-05-01", male, nil}, caregap.StatusNotApplicable, "", "over 79"},

		// Statin for primary prevention (USPSTF 2022).
		{"primary statin, risk 12% with hypertension", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(htn), riskScore(12, "2026-09-01"))}, caregap.StatusOpen, "2026-11-01", "risk factor and 10% or more"},
		{"primary statin, risk 6%", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(htn), riskScore(6, "2026-09-01"))}, caregap.StatusNotApplicable, "", "below 10%"},
		{"primary statin, no risk estimate", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(htn))}, caregap.StatusUnknown, "", "careguard does not compute the risk"},
		{"primary statin, no risk factor", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(smoking("266919005", "2026-09-01"), lab("18262-6", 100, "mg/dL", "2026-09-01"), lab("2085-9", 55, "mg/dL", "2026-09-01"))},
			caregap.StatusNotApplicable, "", "lipids normal, no hypertension, never smoked"},
		{"primary statin taken", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(htn), med(statin))}, caregap.StatusMet, "", "a statin is active"},
		{"primary statin with diabetes", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(t2dm))}, caregap.StatusNotApplicable, "", "the diabetes rule applies"},
		{"primary statin with coronary disease", caregap.RuleStatinPrimaryPrevention, spec{"1970-05-01", male, with(cond(cad))}, caregap.StatusNotApplicable, "", "secondary prevention"},
	}
	e, err := caregap.New(nil)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.spec.build(t)
			gaps, err := e.Evaluate(rec)
			require.NoError(t, err)
			i := slices.IndexFunc(gaps, func(g caregap.Gap) bool { return g.RuleID == tt.rule })
			require.GreaterOrEqual(t, i, 0, "every rule reports")
			g := gaps[i]
			assert.Equal(t, tt.want, g.Status, "%s (reason given: %s)", tt.reason, g.Reason)
			if tt.due != "" {
				assert.Equal(t, tt.due, g.Due.Format(time.DateOnly), tt.reason)
			}
			checkGap(t, rec, g)
		})
	}
}

// No rule reports met without a fact showing the service: a record with
// nothing but demographics meets nothing.
func TestNeverMetByDefault(t *testing.T) {
	e, err := caregap.New(nil)
	require.NoError(t, err)
	for _, sex := range []patient.Sex{patient.SexFemale, patient.SexMale, patient.SexUnknown} {
		for _, born := range []string{"2000-01-01", "1970-01-01", "1955-01-01", "1940-01-01"} {
			rec := spec{born, sex, with(cond(t2dm), cond(htn), med(metformin))}.build(t)
			gaps, err := e.Evaluate(rec)
			require.NoError(t, err)
			for _, g := range gaps {
				assert.NotEqual(t, caregap.StatusMet, g.Status, "%s %s %s: %s", sex, born, g.RuleID, g.Reason)
				checkGap(t, rec, g)
			}
		}
	}
}

// A met gap always cites the fact that shows the service.
func TestMetCitesEvidence(t *testing.T) {
	e, err := caregap.New(nil)
	require.NoError(t, err)
	rec := fixture.MultiMorbid()
	gaps, err := e.Evaluate(rec)
	require.NoError(t, err)
	for _, g := range caregap.Filter(gaps, caregap.StatusMet) {
		assert.True(t, slices.ContainsFunc(g.Facts, func(id string) bool { return strings.ContainsAny(id[:1], "MLVOP") }),
			"%s is met on %v", g.RuleID, g.Facts)
	}
}

func TestEvaluateOrderAndErrors(t *testing.T) {
	e, err := caregap.New(nil)
	require.NoError(t, err)
	gaps, err := e.Evaluate(fixture.MultiMorbid())
	require.NoError(t, err)
	rules := e.Rules()
	require.Len(t, gaps, len(rules))
	for i, r := range rules {
		assert.Equal(t, r.ID, gaps[i].RuleID, "gaps come in rule order")
		assert.NotEmpty(t, r.Population, r.ID)
		assert.NotEmpty(t, r.Interval, r.ID)
		assert.NotEmpty(t, r.Source.Citation, r.ID)
		assert.LessOrEqual(t, len(r.Source.Citation), 300, r.ID)
	}
	rules[0].ID = "changed"
	assert.Equal(t, caregap.RuleHbA1c, e.Rules()[0].ID, "Rules returns a copy")

	_, err = e.Evaluate(nil)
	require.ErrorIs(t, err, caregap.ErrNoRecord)
	b := patient.NewBuilder(fixture.AsOf(), nil)
	b.SetDemographics(patient.Demographics{BirthDate: fixture.Day("1950-01-01"), DeceasedDateUnknown: true})
	rec, err := b.Build()
	require.NoError(t, err)
	_, err = e.Evaluate(rec)
	require.ErrorIs(t, err, caregap.ErrDeceased)

	_, err = caregap.New(&caregap.Options{Evidence: map[string]*terminology.ValueSet{"caregap.nope": nil}})
	require.ErrorIs(t, err, caregap.ErrUnknownRule)
	_, err = caregap.New(&caregap.Options{Evidence: map[string]*terminology.ValueSet{caregap.RuleHbA1c: nil}})
	require.ErrorIs(t, err, caregap.ErrUnknownRule, "a lab rule reads its own value sets")
}

// A deployer's codes decide a rule careguard ships no codes for.
func TestEvidenceOption(t *testing.T) {
	aaa := terminology.NewValueSet("local:aaa", "AAA ultrasound", terminology.Source{Citation: "local code list"},
		terminology.Exact(terminology.SystemSNOMED, "LOCAL-AAA-1"))
	e, err := caregap.New(&caregap.Options{Evidence: map[string]*terminology.ValueSet{caregap.RuleAAAScreening: aaa}})
	require.NoError(t, err)
	tests := []struct {
		name   string
		spec   spec
		want   caregap.Status
		reason string
	}{
		{"screened", spec{"1955-05-01", patient.SexMale, with(smoking("8517006", "2026-09-01"), proc(terminology.SystemSNOMED, "LOCAL-AAA-1", "2024-01-01"))}, caregap.StatusMet, "one-time"},
		{"not screened", spec{"1955-05-01", patient.SexMale, with(smoking("449868002", "2026-09-01"))}, caregap.StatusOpen, "a current smoker has ever smoked"},
		{"smoking unknown", spec{"1955-05-01", patient.SexMale, nil}, caregap.StatusUnknown, "ever smoked cannot be decided"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gaps, err := e.Evaluate(tt.spec.build(t))
			require.NoError(t, err)
			i := slices.IndexFunc(gaps, func(g caregap.Gap) bool { return g.RuleID == caregap.RuleAAAScreening })
			assert.Equal(t, tt.want, gaps[i].Status, tt.reason)
		})
	}
}

func TestGoalFor(t *testing.T) {
	tests := []struct {
		age    int
		want   float64
		reason string
	}{
		{40, 7, "ADA Section 6 for adults"},
		{64, 7, "under 65"},
		{65, 8, "ADA Section 13, less stringent from 65"},
		{90, 8, "older adult"},
	}
	for _, tt := range tests {
		g := caregap.GoalFor(tt.age)
		assert.Equal(t, tt.want, g.Value, tt.reason)
		assert.NotEmpty(t, g.Source.Citation)
		assert.NotEmpty(t, g.Rationale)
	}
}

func TestFilter(t *testing.T) {
	gaps := []caregap.Gap{{RuleID: "a", Status: caregap.StatusOpen}, {RuleID: "b", Status: caregap.StatusMet}, {RuleID: "c", Status: caregap.StatusOpen}}
	got := caregap.Filter(gaps, caregap.StatusOpen)
	require.Len(t, got, 2)
	assert.Equal(t, "c", got[1].RuleID)
	assert.Empty(t, caregap.Filter(gaps, caregap.StatusUnknown))
}

// TestChildrenAreOutsideAdultRules: the diabetes and hypertension rules are
// adult guidelines; a 15-year-old with both conditions is outside them
// (not an open gap with adult targets), and becomes inside at 18.
func TestChildrenAreOutsideAdultRules(t *testing.T) {
	e, err := caregap.New(nil)
	require.NoError(t, err)
	adult := []string{caregap.RuleHbA1c, caregap.RuleKidneyEvaluation, caregap.RuleEyeExam, caregap.RuleMetforminReview,
		caregap.RuleBPMeasured, caregap.RuleBPTarget, caregap.RuleBPQualityThreshold, caregap.RuleDiabetesStatin}
	tests := []struct {
		name   string
		born   string
		inside bool
	}{
		{"age 15", "2011-06-01", false},
		{"age 17, a day before 18", "2008-11-02", false},
		{"age 18", "2008-11-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := spec{born: tt.born, sex: patient.SexMale, add: with(cond(t2dm), cond(htn), med(metformin), lab("98979-8", 40, "mL/min/{1.73_m2}", "2026-10-01"))}.build(t)
			gaps, err := e.Evaluate(rec)
			require.NoError(t, err)
			for _, g := range gaps {
				if !slices.Contains(adult, g.RuleID) {
					continue
				}
				if tt.inside && g.RuleID != caregap.RuleDiabetesStatin {
					assert.NotEqual(t, caregap.StatusNotApplicable, g.Status, "%s applies at 18: %s", g.RuleID, g.Reason)
				} else if !tt.inside {
					assert.Equal(t, caregap.StatusNotApplicable, g.Status, "%s is an adult rule: %s", g.RuleID, g.Reason)
					assert.Contains(t, g.Facts, patient.DemographicsID, "the age is the fact it rests on: %s", g.RuleID)
				}
			}
		})
	}
}

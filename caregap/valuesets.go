package caregap

import "github.com/careguard/careguard/terminology"

// The code sets the care-gap rules read. Each is built fresh by New, so no
// package state is shared, and each carries the source its members were
// keyed from. Only codes that could be checked against the cited source are
// listed; CPT codes (AMA-licensed) are left out of every set.

const (
	vsac = "https://vsac.nlm.nih.gov/valueset/"

	// syntheaCode cites a code whose meaning is the display the Synthea R4
	// sample bundles give it (smart-on-fhir/generated-sample-data @25ac8089,
	// R4/SYNTHEA); used where no public value set could be read.
	syntheaCode = "code and display as recorded in the Synthea R4 sample bundles (smart-on-fhir/generated-sample-data @25ac8089, R4/SYNTHEA)"
)

func ecqm(oid, name, expansion, where string) terminology.Source {
	return terminology.Source{
		Citation: "CMS eCQM value set " + name + " (OID " + oid + "), VSAC expansion \"" + expansion + "\", as mirrored in canvas-medical/canvas-plugins " + where,
		URL:      vsac + oid + "/expansion",
	}
}

func snomed(codes ...string) []terminology.Member {
	out := make([]terminology.Member, len(codes))
	for i, c := range codes {
		out[i] = terminology.Exact(terminology.SystemSNOMED, c)
	}
	return out
}

func loinc(codes ...string) []terminology.Member {
	out := make([]terminology.Member, len(codes))
	for i, c := range codes {
		out[i] = terminology.Exact(terminology.SystemLOINC, c)
	}
	return out
}

// retinalExam is the eCQM Retinal or Dilated Eye Exam value set (CMS131),
// 2025 expansion: SNOMED CT procedures only.
func retinalExam() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.115.12.1088", "Retinal or dilated eye exam",
		ecqm("2.16.840.1.113883.3.464.1003.115.12.1088", "Retinal or Dilated Eye Exam", "eCQM Update 2025-05-08",
			"@141752f3 canvas_sdk/value_set/v2026/physical_exam.py"),
		snomed("18188000", "20067007", "21593001", "252779009", "252780007", "252781006", "252782004", "252783009",
			"252784003", "252788000", "252789008", "252790004", "252846004", "274795007", "274798009", "3047001",
			"308110009", "30842004", "314971001", "314972008", "36844005", "391999003", "392005004", "410441007",
			"410450009", "410451008", "410452001", "410453006", "410455004", "416369006", "417587001", "420213007",
			"425816006", "427478009", "53524009", "56072006", "56204000", "6615001", "700070005", "722161008")...)
}

// colonoscopy is the eCQM Colonoscopy value set (CMS130), SNOMED CT members
// of the 2021 expansion; the "history of colonoscopy" situation code is left
// out because it carries no date of the procedure.
func colonoscopy() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.108.12.1020", "Colonoscopy",
		ecqm("2.16.840.1.113883.3.464.1003.108.12.1020", "Colonoscopy", "eCQM Update 2021-05-06",
			"@043d487b canvas_sdk/value_set/v2022/procedure.py (SNOMED CT members; CPT and HCPCS left out)"),
		snomed("8180007", "12350003", "25732003", "34264006", "73761001", "174158000", "235150006", "235151005",
			"310634005", "367535003", "425672002", "425937002", "427459009", "443998000", "444783004", "446521004",
			"446745002", "447021001", "709421007", "710293001", "711307001", "713154003")...)
}

// flexibleSigmoidoscopy is the eCQM Flexible Sigmoidoscopy value set, SNOMED
// CT members of the 2021 expansion (the "history of" situation left out).
func flexibleSigmoidoscopy() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1010", "Flexible sigmoidoscopy",
		ecqm("2.16.840.1.113883.3.464.1003.198.12.1010", "Flexible Sigmoidoscopy", "eCQM Update 2021-05-06",
			"@043d487b canvas_sdk/value_set/v2022/procedure.py (SNOMED CT members)"),
		snomed("44441009", "396226005", "425634007")...)
}

// ctColonography is the eCQM CT Colonography value set (LOINC), 2025
// expansion.
func ctColonography() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.108.12.1038", "CT colonography",
		ecqm("2.16.840.1.113883.3.464.1003.108.12.1038", "CT Colonography", "eCQM Update 2025-05-08",
			"@043d487b canvas_sdk/value_set/v2026/diagnostic_study.py"),
		loinc("60515-4", "72531-7", "79069-1", "79071-7", "79101-2", "82688-3")...)
}

// fobt is the eCQM Fecal Occult Blood Test (FOBT) value set (LOINC), 2025
// expansion.
func fobt() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1011", "Fecal occult blood test",
		ecqm("2.16.840.1.113883.3.464.1003.198.12.1011", "Fecal Occult Blood Test (FOBT)", "eCQM Update 2025-05-08",
			"@043d487b canvas_sdk/value_set/v2026/laboratory_test.py"),
		loinc("12503-9", "12504-7", "14563-1", "14564-9", "14565-6", "2335-8", "27396-1", "27401-9", "27925-7",
			"27926-5", "29771-3", "56490-6", "56491-4", "57905-2", "58453-2", "80372-6")...)
}

// sdnaFIT is the eCQM sDNA FIT Test value set (LOINC), 2025 expansion.
func sdnaFIT() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.108.12.1039", "Stool DNA with fecal immunochemical test",
		ecqm("2.16.840.1.113883.3.464.1003.108.12.1039", "sDNA FIT Test", "eCQM Update 2025-05-08",
			"@043d487b canvas_sdk/value_set/v2026/laboratory_test.py"),
		loinc("77353-1", "77354-9")...)
}

// totalColectomy is the eCQM Total Colectomy value set, SNOMED CT and
// ICD-10-PCS members of the 2021 expansion (the "history of" situation
// left out): a denominator exclusion of CMS130.
func totalColectomy() *terminology.ValueSet {
	members := snomed("456004", "26390003", "31130001", "36192008", "44751009", "80294005", "303401008", "307666008",
		"307667004", "307669001", "713165008", "787108001", "787109009", "787874000", "787875004", "787876003", "858579005")
	for _, c := range []string{"0DTE0ZZ", "0DTE4ZZ", "0DTE7ZZ", "0DTE8ZZ"} {
		members = append(members, terminology.Exact(terminology.SystemICD10PCS, c))
	}
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1019", "Total colectomy",
		ecqm("2.16.840.1.113883.3.464.1003.198.12.1019", "Total Colectomy", "eCQM Update 2021-05-06",
			"@043d487b canvas_sdk/value_set/v2022/procedure.py (SNOMED CT and ICD-10-PCS members)"), members...)
}

// mammography is the eCQM Mammography value set (LOINC), 2021 expansion.
func mammography() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.108.12.1018", "Mammography",
		ecqm("2.16.840.1.113883.3.464.1003.108.12.1018", "Mammography", "eCQM Update 2021-05-06",
			"@2e202d5f canvas_sdk/value_set/v2022/diagnostic_study.py"),
		loinc("24604-1", "24605-8", "24606-6", "24610-8", "26175-0", "26176-8", "26177-6", "26287-3", "26289-9",
			"26291-5", "26346-7", "26347-5", "26348-3", "26349-1", "26350-9", "26351-7", "36319-2", "36625-2",
			"36626-0", "36627-8", "36642-7", "36962-9", "37005-6", "37006-4", "37016-3", "37017-1", "37028-8",
			"37029-6", "37030-4", "37037-9", "37038-7", "37052-8", "37053-6", "37539-4", "37542-8", "37543-6",
			"37551-9", "37552-7", "37553-5", "37554-3", "37768-9", "37769-7", "37770-5", "37771-3", "37772-1",
			"37773-9", "37774-7", "37775-4", "38070-9", "38071-7", "38072-5", "38090-7", "38091-5", "38807-4",
			"38820-7", "38854-6", "38855-3", "39150-8", "39152-4", "39153-2", "39154-0", "42168-5", "42169-3",
			"42174-3", "42415-0", "42416-8", "46335-6", "46336-4", "46337-2", "46338-0", "46339-8", "46342-2",
			"46350-5", "46351-3", "46354-7", "46355-4", "46356-2", "46380-2", "48475-8", "48492-3", "69150-1",
			"69251-7", "69259-0", "72137-3", "72138-1", "72139-9", "72140-7", "72141-5", "72142-3", "86462-9",
			"86463-7")...)
}

// bilateralMastectomy is the eCQM Bilateral Mastectomy value set, SNOMED CT
// and ICD-10-PCS members of the 2021 expansion: a denominator exclusion of
// CMS125.
func bilateralMastectomy() *terminology.ValueSet {
	members := snomed("14693006", "14714006", "17086001", "22418005", "27865001", "52314009", "60633004", "76468001",
		"456903003", "726636007", "836436008", "870629001")
	members = append(members, terminology.Exact(terminology.SystemICD10PCS, "0HTV0ZZ"))
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1005", "Bilateral mastectomy",
		ecqm("2.16.840.1.113883.3.464.1003.198.12.1005", "Bilateral Mastectomy", "eCQM Update 2021-05-06",
			"@043d487b canvas_sdk/value_set/v2022/procedure.py (SNOMED CT and ICD-10-PCS members)"), members...)
}

// papTest is the eCQM Pap Test value set (LOINC), 2021 expansion.
func papTest() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.108.12.1017", "Cervical cytology (Pap test)",
		ecqm("2.16.840.1.113883.3.464.1003.108.12.1017", "Pap Test", "eCQM Update 2021-05-06",
			"@0cc4f76d canvas_sdk/value_set/v2022/laboratory_test.py"),
		loinc("10524-7", "18500-9", "19762-4", "19764-0", "19765-7", "19766-5", "19774-9", "33717-0", "47527-7", "47528-5")...)
}

// hpvTest is the eCQM HPV Test value set (LOINC, high-risk HPV in cervical
// samples), 2021 expansion.
func hpvTest() *terminology.ValueSet {
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.110.12.1059", "High-risk HPV test",
		ecqm("2.16.840.1.113883.3.464.1003.110.12.1059", "HPV Test", "eCQM Update 2021-05-06",
			"@0cc4f76d canvas_sdk/value_set/v2022/laboratory_test.py"),
		loinc("21440-3", "30167-1", "38372-9", "59263-4", "59264-2", "59420-0", "69002-4", "71431-1", "75694-0",
			"77379-6", "77399-4", "77400-0", "82354-2", "82456-5", "82675-0")...)
}

// hysterectomyNoCervix is the eCQM Hysterectomy with No Residual Cervix value
// set, SNOMED CT and ICD-10-PCS members of the 2021 expansion (the "history
// of" situation left out): a denominator exclusion of CMS124.
func hysterectomyNoCervix() *terminology.ValueSet {
	members := snomed("24293001", "27950001", "28301000", "31545000", "35955002", "41566006", "46226009", "59750000",
		"82418001", "86477000", "88144003", "116140006", "116142003", "116143008", "116144002", "176697007",
		"236888001", "236891001", "287924009", "307771009", "361222003", "361223008", "387626007", "414575003",
		"440383008", "446446002", "446679008", "447771005", "708877008", "708878003", "739671004", "739672006",
		"739673001", "739674007", "740514001", "740515000", "767610009", "767611008", "767612001")
	for _, c := range []string{"0UTC0ZZ", "0UTC4ZZ", "0UTC7ZZ", "0UTC8ZZ"} {
		members = append(members, terminology.Exact(terminology.SystemICD10PCS, c))
	}
	return terminology.NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1014", "Hysterectomy with no residual cervix",
		ecqm("2.16.840.1.113883.3.464.1003.198.12.1014", "Hysterectomy with No Residual Cervix", "eCQM Update 2021-05-06",
			"@043d487b canvas_sdk/value_set/v2022/procedure.py (SNOMED CT and ICD-10-PCS members)"), members...)
}

// smokingStatus is the observation that records smoking status: LOINC
// 72166-2, the US Core smoking status observation code.
func smokingStatus() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:smoking-status", "Tobacco smoking status",
		terminology.Source{Citation: "HL7 US Core 3.1.1, ValueSet us-core-smoking-status-observation-codes: LOINC 72166-2 Tobacco smoking status NHIS",
			URL: "https://hl7.org/fhir/us/core/STU3.1.1/ValueSet-us-core-smoking-status-observation-codes.html"},
		loinc("72166-2")...)
}

// smokingAnswers cites the SNOMED CT answers of the smoking status
// observation.
func smokingAnswers() terminology.Source {
	return terminology.Source{
		Citation: "HL7 US Core 3.1.1, ValueSet us-core-observation-smokingstatus (OID 2.16.840.1.113883.4.642.2.602): SNOMED CT smoking status answers",
		URL:      "https://hl7.org/fhir/us/core/STU3.1.1/ValueSet-us-core-observation-smokingstatus.html",
	}
}

// The smoking status answers (US Core 3.1.1), by what they say.
const (
	smokerEveryDay   = "449868002" // Current every day smoker
	smokerSomeDay    = "428041000124106"
	smokerFormer     = "8517006"
	smokerNever      = "266919005"
	smokerCurrentUnk = "77176002" // Smoker, current status unknown
	smokerUnknown    = "266927001"
	smokerHeavy      = "428071000124103"
	smokerLight      = "428061000124105"
)

// packYears is the cigarette pack-years observation: SNOMED CT 401201003, as
// HL7 US Core's pack-years example codes it.
func packYears() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:pack-years", "Cigarette pack-years",
		terminology.Source{Citation: "SNOMED CT 401201003 Cigarette pack-years, as coded by HL7 US Core 9.0.0 Observation example pack-years-example and C-CDA 4.0 Tobacco Use",
			URL: "https://www.hl7.org/fhir/us/core/STU9/Observation-pack-years-example.html"},
		snomed("401201003")...)
}

// lowDoseCT is low-dose CT of the chest for lung cancer screening: SNOMED CT
// 16334891000119106, the code Synthea records for it. No eCQM value set
// exists for this service.
func lowDoseCT() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:lung-ldct", "Low-dose CT of the chest",
		terminology.Source{Citation: "SNOMED CT 16334891000119106 Low dose computed tomography of thorax, the code synthetichealth/synthea records for lung cancer screening; no CMS eCQM value set covers this service"},
		snomed("16334891000119106")...)
}

// dxa is bone densitometry: SNOMED CT 312681000 (bone density scan) and
// LOINC 38265-5 (DXA T-score), as Synthea records them. The eCQM DXA value
// set (OID 2.16.840.1.113883.3.464.1003.113.12.1051) could not be read.
func dxa() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:dxa", "Bone density scan (DXA)",
		terminology.Source{Citation: "SNOMED CT 312681000 Bone density scan (procedure) and LOINC 38265-5 DXA [T-score] Bone density, " + syntheaCode},
		append(snomed("312681000"), loinc("38265-5")...)...)
}

// hcvAntibody is the hepatitis C antibody screening test: LOINC 13955-0 and
// 16128-1, as US laboratory test catalogues report them.
func hcvAntibody() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:hcv-antibody", "Hepatitis C virus antibody test",
		terminology.Source{Citation: "LOINC 13955-0 Hepatitis C virus Ab [Presence] in Serum or Plasma by Immunoassay and 16128-1 Hepatitis C virus Ab [Presence] in Serum, as reported by US laboratory test catalogues (Billings Clinic Laboratory test 3979; NRL test Hepatitis C Ab)"},
		loinc("13955-0", "16128-1")...)
}

// cvdRiskScore is a recorded 10-year cardiovascular risk estimate: LOINC
// 79423-0 (ACC/AHA Pooled Cohort Equations) and 99055-6 (method not
// specified).
func cvdRiskScore() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:cvd-10y-risk", "10-year cardiovascular disease risk",
		terminology.Source{Citation: "LOINC 79423-0 Cardiovascular disease 10Y risk [Likelihood] ACC-AHA Pooled Cohort by Goff 2013; LOINC 99055-6 Cardiovascular disease 10Y risk [Likelihood]"},
		loinc("79423-0", "99055-6")...)
}

// ascvd is established atherosclerotic cardiovascular disease, limited to the
// SNOMED CT concepts the Synthea bundles record (coronary heart disease,
// stroke) and the ICD-10-CM categories for chronic ischaemic heart disease
// and cerebral infarction.
func ascvd() *terminology.ValueSet {
	members := snomed("53741008", "230690007")
	members = append(members,
		terminology.Prefix(terminology.SystemICD10CM, "I25"),
		terminology.Prefix(terminology.SystemICD10CM, "I63"))
	return terminology.NewValueSet("careguard:ascvd", "Atherosclerotic cardiovascular disease (partial)",
		terminology.Source{Citation: "SNOMED CT 53741008 (coronary arteriosclerosis, \"Coronary Heart Disease\") and 230690007 (stroke), " + syntheaCode + "; ICD-10-CM categories I25 (chronic ischemic heart disease) and I63 (cerebral infarction)"},
		members...)
}

// hdl is HDL cholesterol: LOINC 2085-9, as Synthea records it.
func hdl() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:hdl", "HDL cholesterol",
		terminology.Source{Citation: "LOINC 2085-9 Cholesterol in HDL, " + syntheaCode},
		loinc("2085-9")...)
}

// hyperlipidemia is a coded lipid disorder: ICD-10-CM E78 and SNOMED CT
// 55822004 (hyperlipidemia) as Synthea records it.
func hyperlipidemia() *terminology.ValueSet {
	return terminology.NewValueSet("careguard:hyperlipidemia", "Hyperlipidemia",
		terminology.Source{Citation: "ICD-10-CM category E78 (disorders of lipoprotein metabolism); SNOMED CT 55822004 Hyperlipidemia, " + syntheaCode},
		terminology.Prefix(terminology.SystemICD10CM, "E78"), terminology.Exact(terminology.SystemSNOMED, "55822004"))
}

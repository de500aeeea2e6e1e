package terminology

import "strconv"

// The value sets below are built fresh on every call, so no package state is
// shared; callers build the ones they need once and keep them.

const (
	vsacUpdate = "CMS eCQM value set, VSAC expansion \"eCQM Update 2025-05-08\""
	vsacURL    = "https://vsac.nlm.nih.gov/valueset/"
)

func vsac(oid, name string) Source {
	return Source{Citation: vsacUpdate + ": " + name + " (OID " + oid + ")", URL: vsacURL + oid + "/expansion"}
}

// Type2Diabetes returns type 2 diabetes mellitus and its coded complications:
// ICD-10-CM category E11 and the SNOMED CT concepts Synthea and US EHRs use.
func Type2Diabetes() *ValueSet {
	return NewValueSet("careguard:type-2-diabetes", "Type 2 diabetes mellitus",
		Source{Citation: "ICD-10-CM category E11 (type 2 diabetes mellitus); SNOMED CT members of " + vsacUpdate + ": Diabetes (OID 2.16.840.1.113883.3.464.1003.103.12.1001)", URL: vsacURL + "2.16.840.1.113883.3.464.1003.103.12.1001/expansion"},
		Prefix(SystemICD10CM, "E11"),
		Exact(SystemSNOMED, "44054006"),        // Diabetes mellitus type 2
		Exact(SystemSNOMED, "368581000119106"), // Neuropathy due to type 2 diabetes mellitus
		Exact(SystemSNOMED, "422034002"),       // Diabetic retinopathy associated with type II diabetes mellitus
		Exact(SystemSNOMED, "90781000119102"),  // Microalbuminuria due to type 2 diabetes mellitus
	)
}

// Diabetes returns diabetes mellitus of any type: ICD-10-CM E10, E11, E13 and
// the SNOMED CT concepts for type 1, type 2 and diabetic kidney disease.
// Gestational and pregnancy-related diabetes (O24) is deliberately left out:
// the care-plan rules here are not written for pregnancy.
func Diabetes() *ValueSet {
	t2 := Type2Diabetes()
	return Union("careguard:diabetes", "Diabetes (types 1, 2 and other specified; not pregnancy)",
		vsac("2.16.840.1.113883.3.464.1003.103.12.1001", "Diabetes"),
		t2,
		NewValueSet("", "", Source{},
			Prefix(SystemICD10CM, "E10"),
			Prefix(SystemICD10CM, "E13"),
			Exact(SystemSNOMED, "46635009"),  // Diabetes mellitus type 1
			Exact(SystemSNOMED, "127013003"), // Diabetic renal disease
		))
}

// Hypertension returns essential hypertension: ICD-10-CM I10, SNOMED CT
// 59621000 from the eCQM set, and SNOMED CT 38341003 ("Hypertensive
// disorder"), which Synthea uses and the eCQM set omits.
func Hypertension() *ValueSet {
	return NewValueSet("careguard:hypertension", "Essential hypertension",
		vsac("2.16.840.1.113883.3.464.1003.104.12.1011", "Essential Hypertension; plus SNOMED CT 38341003 as coded by Synthea"),
		Exact(SystemICD10CM, "I10"),
		Exact(SystemSNOMED, "59621000"),
		Exact(SystemSNOMED, "38341003"),
	)
}

// ChronicKidneyDisease returns chronic kidney disease of any stage: ICD-10-CM
// category N18 and the SNOMED CT stage concepts.
func ChronicKidneyDisease() *ValueSet {
	return NewValueSet("careguard:ckd", "Chronic kidney disease",
		Source{Citation: "ICD-10-CM category N18 (chronic kidney disease, stages 1-5, ESRD); SNOMED CT International concepts 709044004, 431855005, 431856006, 433144002, 431857002, 46177005"},
		Prefix(SystemICD10CM, "N18"),
		Exact(SystemSNOMED, "709044004"), // Chronic kidney disease
		Exact(SystemSNOMED, "431855005"), // CKD stage 1
		Exact(SystemSNOMED, "431856006"), // CKD stage 2
		Exact(SystemSNOMED, "433144002"), // CKD stage 3
		Exact(SystemSNOMED, "431857002"), // CKD stage 4
		Exact(SystemSNOMED, "46177005"),  // End-stage renal disease
	)
}

// HbA1c returns the hemoglobin A1c laboratory tests.
func HbA1c() *ValueSet {
	return NewValueSet("2.16.840.1.113883.3.464.1003.198.12.1013", "Hemoglobin A1c laboratory test",
		vsac("2.16.840.1.113883.3.464.1003.198.12.1013", "HbA1c Laboratory Test"),
		Exact(SystemLOINC, "4548-4"), Exact(SystemLOINC, "4549-2"), Exact(SystemLOINC, "17855-8"),
		Exact(SystemLOINC, "17856-6"), Exact(SystemLOINC, "96595-4"),
	)
}

// EGFR returns the estimated glomerular filtration rate tests, including
// LOINC 33914-3 (MDRD), which Synthea uses and the 2025 eCQM set omits.
func EGFR() *ValueSet {
	codes := []string{"48642-3", "48643-1", "50044-7", "50210-4", "62238-1", "69405-9", "70969-1",
		"77147-7", "88293-6", "88294-4", "94677-2", "98979-8", "98980-6", "33914-3"}
	m := make([]Member, len(codes))
	for i, c := range codes {
		m[i] = Exact(SystemLOINC, c)
	}
	return NewValueSet("2.16.840.1.113883.3.6929.3.1000", "Estimated glomerular filtration rate",
		vsac("2.16.840.1.113883.3.6929.3.1000", "Estimated Glomerular Filtration Rate; plus LOINC 33914-3 as used by Synthea"), m...)
}

// UACR returns the urine albumin-to-creatinine ratio tests.
func UACR() *ValueSet {
	codes := []string{"13705-9", "14585-4", "14958-3", "14959-1", "30000-4", "30001-2", "32294-1",
		"44292-1", "59159-4", "76401-9", "77253-3", "77254-1", "9318-7"}
	m := make([]Member, len(codes))
	for i, c := range codes {
		m[i] = Exact(SystemLOINC, c)
	}
	return NewValueSet("2.16.840.1.113883.3.6929.3.1007", "Urine albumin-creatinine ratio",
		vsac("2.16.840.1.113883.3.6929.3.1007", "Urine Albumin Creatinine Ratio"), m...)
}

// SystolicBP returns systolic blood pressure (LOINC 8480-6), as an
// observation or a component of a panel.
func SystolicBP() *ValueSet {
	return NewValueSet("careguard:systolic-bp", "Systolic blood pressure",
		Source{Citation: "LOINC 8480-6 Systolic blood pressure", URL: "https://loinc.org/8480-6"},
		Exact(SystemLOINC, "8480-6"))
}

// DiastolicBP returns diastolic blood pressure (LOINC 8462-4).
func DiastolicBP() *ValueSet {
	return NewValueSet("careguard:diastolic-bp", "Diastolic blood pressure",
		Source{Citation: "LOINC 8462-4 Diastolic blood pressure", URL: "https://loinc.org/8462-4"},
		Exact(SystemLOINC, "8462-4"))
}

// BloodPressurePanel returns the blood pressure panels that carry systolic
// and diastolic components: LOINC 85354-9 (FHIR vital-signs profile) and
// 55284-4 (used by Synthea).
func BloodPressurePanel() *ValueSet {
	return NewValueSet("careguard:bp-panel", "Blood pressure panel",
		Source{Citation: "LOINC 85354-9 Blood pressure panel with all children optional (FHIR R4 vital-signs profile); LOINC 55284-4 Blood pressure systolic and diastolic"},
		Exact(SystemLOINC, "85354-9"), Exact(SystemLOINC, "55284-4"))
}

// LDL returns LDL cholesterol tests (direct assay, calculated, measured).
func LDL() *ValueSet {
	return NewValueSet("careguard:ldl", "LDL cholesterol",
		Source{Citation: "LOINC 18262-6 (direct assay), 13457-7 (calculated), 2089-1 (LDL cholesterol in serum or plasma)"},
		Exact(SystemLOINC, "18262-6"), Exact(SystemLOINC, "13457-7"), Exact(SystemLOINC, "2089-1"))
}

// ChronicKidneyDiseaseStage returns chronic kidney disease of one stage, 1
// to 5: ICD-10-CM N18.1 to N18.5 (N18.3 covers N18.30-N18.32, stages 3a
// and 3b) and the SNOMED CT stage concept; stage 5 includes end-stage
// renal disease (N18.6, SNOMED CT 46177005). Any other stage gives the
// empty set.
func ChronicKidneyDiseaseStage(stage int) *ValueSet {
	snomed := map[int]string{1: "431855005", 2: "431856006", 3: "433144002", 4: "431857002"}
	if stage < 1 || stage > 5 {
		return NewValueSet("", "", Source{})
	}
	s := strconv.Itoa(stage)
	members := []Member{Prefix(SystemICD10CM, "N18."+s)}
	if c, ok := snomed[stage]; ok {
		members = append(members, Exact(SystemSNOMED, c))
	}
	src := Source{Citation: "ICD-10-CM N18." + s + " (chronic kidney disease, stage " + s + "); SNOMED CT International stage concepts as in ChronicKidneyDisease"}
	if stage == 5 {
		members = append(members, Exact(SystemICD10CM, "N18.6"), Exact(SystemSNOMED, "46177005"))
		src = Source{Citation: vsacUpdate + ": Chronic Kidney Disease, Stage 5 (OID 2.16.840.1.113883.3.526.3.1002, ICD-10-CM N18.5) and End Stage Renal Disease (OID 2.16.840.1.113883.3.526.3.353, N18.6); SNOMED CT 46177005 end-stage renal disease"}
	}
	return NewValueSet("careguard:ckd-stage-"+s, "Chronic kidney disease, stage "+s, src, members...)
}

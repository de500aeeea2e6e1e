package terminology_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/terminology"
)

func TestValueSetContains(t *testing.T) {
	vs := terminology.NewValueSet("t", "Test", terminology.Source{Citation: "test"},
		terminology.Prefix(terminology.SystemICD10CM, "E11"),
		terminology.Prefix(terminology.SystemICD10PCS, "0DT"),
		terminology.Exact(terminology.SystemICD10CM, "I10"),
		terminology.Exact(terminology.SystemSNOMED, "44054006"),
		terminology.Prefix(terminology.SystemSNOMED, "3834"),
		terminology.Exact(terminology.SystemLOINC, "4548-4"),
	)
	tests := []struct {
		name         string
		system, code string
		want         bool
		reason       string
	}{
		{"prefix itself", terminology.SystemICD10CM, "E11", true, "a category covers itself"},
		{"prefix child dotted", terminology.SystemICD10CM, "E11.9", true, "E11 covers E11.9"},
		{"prefix child undotted", terminology.SystemICD10CM, "E119", true, "E11 covers E119, the dotless spelling"},
		{"prefix grandchild", terminology.SystemICD10CM, "E11.65", true, "E11 covers every descendant"},
		{"prefix lower case", terminology.SystemICD10CM, "e11.65", true, "ICD-10 codes are case-insensitive"},
		{"parent not covered", terminology.SystemICD10CM, "E1", false, "E11 does not cover its parent E1"},
		{"sibling not covered", terminology.SystemICD10CM, "E10.9", false, "E11 does not cover E10"},
		{"prefix pcs", terminology.SystemICD10PCS, "0DTJ4ZZ", true, "ICD-10-PCS is hierarchical by prefix too"},
		{"prefix other system", terminology.SystemICD10PCS, "E11.9", false, "a prefix applies in its own system only"},
		{"prefix non-icd exact only", terminology.SystemSNOMED, "38341003", false,
			"SNOMED CT codes are not hierarchical by prefix, so a prefix member matches exactly"},
		{"prefix non-icd exact", terminology.SystemSNOMED, "3834", true, "the non-ICD prefix member matches its own code"},
		{"exact icd dotless", terminology.SystemICD10CM, "I10", true, "exact ICD-10 member"},
		{"exact icd no children", terminology.SystemICD10CM, "I10.1", false, "an exact member does not cover children"},
		{"exact snomed", terminology.SystemSNOMED, "44054006", true, "exact SNOMED CT member"},
		{"exact loinc", terminology.SystemLOINC, "4548-4", true, "exact LOINC member"},
		{"loinc wrong system", terminology.SystemSNOMED, "4548-4", false, "the system is part of membership"},
		{"empty code", terminology.SystemICD10CM, "", false, "an empty code is in no set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, vs.Contains(tt.system, tt.code), tt.reason)
			assert.Equal(t, tt.want, vs.ContainsCode(terminology.Code{System: tt.system, Code: tt.code}), tt.reason)
		})
	}
}

func TestValueSetAccessors(t *testing.T) {
	src := terminology.Source{Citation: "c", URL: "https://example.org"}
	vs := terminology.NewValueSet("id-1", "Name", src)
	assert.Equal(t, "id-1", vs.ID())
	assert.Equal(t, "Name", vs.Name())
	assert.Equal(t, src, vs.Source())
	assert.Empty(t, vs.Members())
	assert.False(t, vs.Contains(terminology.SystemLOINC, "4548-4"))
}

func TestValueSetNil(t *testing.T) {
	var vs *terminology.ValueSet
	assert.NotPanics(t, func() {
		assert.False(t, vs.Contains(terminology.SystemLOINC, "4548-4"), "a nil set is empty")
		assert.False(t, vs.ContainsCode(terminology.Code{}))
		assert.Empty(t, vs.ID())
		assert.Empty(t, vs.Name())
		assert.Zero(t, vs.Source())
		assert.Empty(t, vs.Members())
		u := terminology.Union("u", "U", terminology.Source{}, nil, terminology.HbA1c(), nil)
		assert.True(t, u.Contains(terminology.SystemLOINC, "4548-4"), "nil sets are skipped by Union")
	})
}

func TestValueSetEmptyMembersIgnored(t *testing.T) {
	vs := terminology.NewValueSet("t", "T", terminology.Source{},
		terminology.Prefix(terminology.SystemICD10CM, ""),
		terminology.Prefix(terminology.SystemICD10CM, " . "),
		terminology.Exact(terminology.SystemLOINC, ""))
	assert.False(t, vs.Contains(terminology.SystemICD10CM, "E11.9"),
		"an empty prefix would otherwise match every ICD-10 code")
	assert.False(t, vs.Contains(terminology.SystemLOINC, ""))
	assert.Empty(t, vs.Members())
}

func TestValueSetMembers(t *testing.T) {
	vs := terminology.NewValueSet("t", "T", terminology.Source{},
		terminology.Prefix(terminology.SystemICD10CM, "n18"),
		terminology.Exact(terminology.SystemSNOMED, "59621000"),
		terminology.Prefix(terminology.SystemICD10CM, "E11"),
		terminology.Exact(terminology.SystemICD10CM, "i10"),
		terminology.Exact(terminology.SystemSNOMED, "38341003"),
		terminology.Prefix(terminology.SystemICD10CM, "E11"),
		terminology.Exact(terminology.SystemSNOMED, "59621000"),
		terminology.Prefix(terminology.SystemLOINC, "4548-4"),
	)
	want := []terminology.Member{
		{System: terminology.SystemICD10CM, Code: "I10"},
		{System: terminology.SystemLOINC, Code: "4548-4"},
		{System: terminology.SystemSNOMED, Code: "38341003"},
		{System: terminology.SystemSNOMED, Code: "59621000"},
		{System: terminology.SystemICD10CM, Code: "E11", Prefix: true},
		{System: terminology.SystemICD10CM, Code: "N18", Prefix: true},
	}
	assert.Equal(t, want, vs.Members(),
		"exact members sorted by system and code, then prefixes sorted; codes normalised; duplicates once; a non-ICD prefix becomes exact")

	got := vs.Members()
	got[0].Code = "changed"
	assert.Equal(t, want, vs.Members(), "Members returns a new slice")
}

func TestValueSetSystemWithSeparator(t *testing.T) {
	// FHIR writes a versioned system as "uri|version"; such a system must
	// survive Members and Union intact.
	sys := "http://snomed.info/sct|http://snomed.info/sct/731000124108"
	vs := terminology.NewValueSet("t", "T", terminology.Source{}, terminology.Exact(sys, "44054006"))
	require.True(t, vs.Contains(sys, "44054006"))
	assert.Equal(t, []terminology.Member{{System: sys, Code: "44054006"}}, vs.Members())
	u := terminology.Union("u", "U", terminology.Source{}, vs)
	assert.True(t, u.Contains(sys, "44054006"), "Union keeps a system that contains the separator")
	assert.False(t, u.Contains("http://snomed.info/sct", "http://snomed.info/sct/731000124108|44054006"))
}

func TestUnion(t *testing.T) {
	a := terminology.NewValueSet("a", "A", terminology.Source{}, terminology.Prefix(terminology.SystemICD10CM, "E10"),
		terminology.Exact(terminology.SystemSNOMED, "46635009"))
	b := terminology.NewValueSet("b", "B", terminology.Source{}, terminology.Prefix(terminology.SystemICD10CM, "E11"),
		terminology.Exact(terminology.SystemSNOMED, "46635009"))
	src := terminology.Source{Citation: "union"}
	u := terminology.Union("u", "U", src, a, b)
	assert.Equal(t, "u", u.ID())
	assert.Equal(t, "U", u.Name())
	assert.Equal(t, src, u.Source())
	for _, c := range []terminology.Code{
		{System: terminology.SystemICD10CM, Code: "E10.9"},
		{System: terminology.SystemICD10CM, Code: "E11.65"},
		{System: terminology.SystemSNOMED, Code: "46635009"},
	} {
		assert.True(t, u.ContainsCode(c), "%v: the union holds every member of every set, prefixes included", c)
	}
	assert.False(t, u.Contains(terminology.SystemICD10CM, "E13.9"))
	assert.Len(t, u.Members(), 3, "a member in both sets appears once")
	assert.True(t, a.Contains(terminology.SystemICD10CM, "E10.9") && !a.Contains(terminology.SystemICD10CM, "E11.9"),
		"Union leaves its inputs alone")
}

// TestShippedValueSets checks each shipped set against the codes
// CLINICAL.md §2.5 lists (eCQM Update 2025-05-08) and the Synthea codes it
// says to add.
func TestShippedValueSets(t *testing.T) {
	type code struct{ system, code string }
	loinc := func(c string) code { return code{terminology.SystemLOINC, c} }
	snomed := func(c string) code { return code{terminology.SystemSNOMED, c} }
	icd := func(c string) code { return code{terminology.SystemICD10CM, c} }
	tests := []struct {
		name    string
		vs      *terminology.ValueSet
		in, out []code
		reason  string
	}{
		{"HbA1c", terminology.HbA1c(),
			[]code{loinc("4548-4"), loinc("4549-2"), loinc("17855-8"), loinc("17856-6"), loinc("96595-4")},
			[]code{loinc("97506-0"), loinc("2345-7")},
			"the eCQM HbA1c Laboratory Test set; GMI and glucose are other tests"},
		{"eGFR", terminology.EGFR(),
			[]code{loinc("48642-3"), loinc("48643-1"), loinc("50044-7"), loinc("50210-4"), loinc("62238-1"),
				loinc("69405-9"), loinc("70969-1"), loinc("77147-7"), loinc("88293-6"), loinc("88294-4"),
				loinc("94677-2"), loinc("98979-8"), loinc("98980-6"), loinc("33914-3")},
			[]code{loinc("38483-4")},
			"the eCQM eGFR set incl. CKD-EPI 2021 (98979-8), plus Synthea's MDRD 33914-3; creatinine is not eGFR"},
		{"UACR", terminology.UACR(),
			[]code{loinc("13705-9"), loinc("14585-4"), loinc("14958-3"), loinc("14959-1"), loinc("30000-4"),
				loinc("30001-2"), loinc("32294-1"), loinc("44292-1"), loinc("59159-4"), loinc("76401-9"),
				loinc("77253-3"), loinc("77254-1"), loinc("9318-7")},
			[]code{loinc("1754-1"), loinc("14957-5")},
			"the eCQM Urine Albumin Creatinine Ratio set; urine albumin alone is not a ratio"},
		{"Hypertension", terminology.Hypertension(),
			[]code{icd("I10"), snomed("59621000"), snomed("38341003")},
			[]code{icd("I11.9"), icd("I15.0")},
			"essential hypertension: I10 and SNOMED CT 59621000 from the eCQM set, plus Synthea's 38341003; secondary hypertension is out"},
		{"Diabetes", terminology.Diabetes(),
			[]code{icd("E10.9"), icd("E11.65"), icd("E11.9"), icd("E13.9"), snomed("44054006"), snomed("46635009")},
			[]code{icd("O24.410"), icd("R73.03")},
			"types 1, 2 and other specified; gestational diabetes (O24) and prediabetes are deliberately out"},
		{"Type2Diabetes", terminology.Type2Diabetes(),
			[]code{icd("E11.65"), icd("E119"), snomed("44054006")},
			[]code{icd("E10.9"), snomed("46635009")},
			"type 2 only"},
		{"CKD", terminology.ChronicKidneyDisease(),
			[]code{icd("N18.31"), icd("N18.6"), snomed("433144002"), snomed("709044004")},
			[]code{icd("N17.9"), icd("N19")},
			"CKD of any stage incl. N18.31 (stage 3a); acute kidney injury is not CKD"},
		{"SystolicBP", terminology.SystolicBP(), []code{loinc("8480-6")}, []code{loinc("8462-4")}, "systolic only"},
		{"DiastolicBP", terminology.DiastolicBP(), []code{loinc("8462-4")}, []code{loinc("8480-6")}, "diastolic only"},
		{"BloodPressurePanel", terminology.BloodPressurePanel(), []code{loinc("85354-9"), loinc("55284-4")},
			[]code{loinc("8480-6")}, "the FHIR vital-signs panel and Synthea's panel"},
		{"LDL", terminology.LDL(), []code{loinc("18262-6"), loinc("13457-7"), loinc("2089-1")},
			[]code{loinc("2085-9")}, "LDL, not HDL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotNil(t, tt.vs)
			assert.NotEmpty(t, tt.vs.ID(), "every set has an identifier")
			assert.NotEmpty(t, tt.vs.Name(), "every set has a name")
			assert.NotEmpty(t, tt.vs.Source().Citation, "every shipped set cites its source")
			for _, c := range tt.in {
				assert.True(t, tt.vs.Contains(c.system, c.code), "%s %s should be in: %s", c.system, c.code, tt.reason)
			}
			for _, c := range tt.out {
				assert.False(t, tt.vs.Contains(c.system, c.code), "%s %s should be out: %s", c.system, c.code, tt.reason)
			}
			for _, m := range tt.vs.Members() {
				assert.True(t, terminology.KnownSystem(m.System), "member system %s is known", m.System)
			}
		})
	}
}

func TestShippedValueSetsAreFresh(t *testing.T) {
	a, b := terminology.HbA1c(), terminology.HbA1c()
	assert.NotSame(t, a, b, "each call builds a new set: there is no package state")
	assert.Equal(t, a.Members(), b.Members())
}

func TestValueSetConcurrent(t *testing.T) {
	vs := terminology.Diabetes()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 200 {
				assert.True(t, vs.Contains(terminology.SystemICD10CM, "E11.9"))
				_ = vs.Members()
			}
		})
	}
	wg.Wait()
}

func TestChronicKidneyDiseaseStage(t *testing.T) {
	tests := []struct {
		stage  int
		system string
		code   string
		want   bool
		reason string
	}{
		{1, terminology.SystemSNOMED, "431855005", true, "Synthea's CKD stage 1"},
		{2, terminology.SystemSNOMED, "431856006", true, "Synthea's CKD stage 2"},
		{3, terminology.SystemICD10CM, "N18.31", true, "stage 3a is under N18.3"},
		{3, terminology.SystemICD10CM, "N18.4", false, "stage 4 is not stage 3"},
		{4, terminology.SystemSNOMED, "431857002", true, "stage 4"},
		{5, terminology.SystemICD10CM, "N18.6", true, "end-stage renal disease counts as stage 5"},
		{5, terminology.SystemSNOMED, "46177005", true, "ESRD in SNOMED CT"},
		{2, terminology.SystemSNOMED, "431855005", false, "stage 1 is not stage 2"},
		{6, terminology.SystemICD10CM, "N18.6", false, "there is no stage 6"},
	}
	for _, tt := range tests {
		vs := terminology.ChronicKidneyDiseaseStage(tt.stage)
		assert.Equal(t, tt.want, vs.Contains(tt.system, tt.code), tt.reason)
		if tt.stage <= 5 {
			assert.NotEmpty(t, vs.Source().Citation, "stage %d cites its source", tt.stage)
			for _, m := range vs.Members() {
				assert.True(t, terminology.ChronicKidneyDisease().Contains(m.System, m.Code+map[bool]string{true: ".1", false: ""}[m.Prefix]),
					"stage %d member %s is chronic kidney disease", tt.stage, m.Code)
			}
		}
	}
}

package terminology_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/careguard/careguard/terminology"
)

func TestCodeIs(t *testing.T) {
	tests := []struct {
		name         string
		code         terminology.Code
		system, want string
		is           bool
		reason       string
	}{
		{"same", terminology.Code{System: terminology.SystemLOINC, Code: "4548-4"}, terminology.SystemLOINC, "4548-4", true,
			"identical system and code"},
		{"display ignored", terminology.Code{System: terminology.SystemLOINC, Code: "4548-4", Display: "HbA1c"}, terminology.SystemLOINC, "4548-4", true,
			"the display is for people and is not compared"},
		{"other system", terminology.Code{System: terminology.SystemSNOMED, Code: "4548-4"}, terminology.SystemLOINC, "4548-4", false,
			"a code means nothing without its system"},
		{"other code", terminology.Code{System: terminology.SystemLOINC, Code: "4548-4"}, terminology.SystemLOINC, "4549-2", false,
			"different codes differ"},
		{"icd10 dot", terminology.Code{System: terminology.SystemICD10CM, Code: "E11.9"}, terminology.SystemICD10CM, "E119", true,
			"ICD-10-CM codes are written with and without the dot"},
		{"icd10 case", terminology.Code{System: terminology.SystemICD10CM, Code: "e11.65"}, terminology.SystemICD10CM, "E11.65", true,
			"ICD-10-CM codes are case-insensitive"},
		{"icd10 pcs", terminology.Code{System: terminology.SystemICD10PCS, Code: "0dtj4zz"}, terminology.SystemICD10PCS, "0DTJ4ZZ", true,
			"ICD-10-PCS is normalised like ICD-10-CM"},
		{"space", terminology.Code{System: terminology.SystemSNOMED, Code: " 44054006 "}, terminology.SystemSNOMED, "44054006", true,
			"surrounding white space is never part of a code"},
		{"snomed not folded", terminology.Code{System: terminology.SystemSNOMED, Code: "4405.4006"}, terminology.SystemSNOMED, "44054006", false,
			"dots are removed only from ICD-10 codes"},
		{"loinc case kept", terminology.Code{System: "urn:local", Code: "abc"}, "urn:local", "ABC", false,
			"case folding is ICD-10 only; other systems may be case-sensitive"},
		{"prefix is not is", terminology.Code{System: terminology.SystemICD10CM, Code: "E11.9"}, terminology.SystemICD10CM, "E11", false,
			"Is compares whole codes; hierarchy is the value set's business"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.is, tt.code.Is(tt.system, tt.want), tt.reason)
		})
	}
}

func TestCodeString(t *testing.T) {
	tests := []struct {
		name   string
		code   terminology.Code
		want   string
		reason string
	}{
		{"full", terminology.Code{System: terminology.SystemLOINC, Code: "4548-4", Display: "Hemoglobin A1c"},
			"Hemoglobin A1c [LOINC 4548-4]", "display first, then the short system name and code"},
		{"no display", terminology.Code{System: terminology.SystemSNOMED, Code: "44054006"},
			"SNOMED CT 44054006", "without a display the system and code stand alone"},
		{"no code", terminology.Code{Display: "Chest pain"}, "Chest pain", "a text-only concept is its text"},
		{"unknown system", terminology.Code{System: "urn:local", Code: "X1", Display: "Local"},
			"Local [urn:local X1]", "an unknown system is shown by its URI"},
		{"empty", terminology.Code{}, "", "the zero code renders as nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.code.String(), tt.reason)
		})
	}
}

func TestSystemName(t *testing.T) {
	systems := map[string]string{
		terminology.SystemRxNorm: "RxNorm", terminology.SystemSNOMED: "SNOMED CT", terminology.SystemICD10CM: "ICD-10-CM",
		terminology.SystemLOINC: "LOINC", terminology.SystemCVX: "CVX", terminology.SystemNDC: "NDC",
		terminology.SystemUCUM: "UCUM", terminology.SystemCPT: "CPT", terminology.SystemICD10PCS: "ICD-10-PCS",
		terminology.SystemHCPCS: "HCPCS", terminology.SystemNUCCTaxon: "NUCC",
	}
	for uri, want := range systems {
		got, ok := terminology.SystemName(uri)
		assert.True(t, ok, uri)
		assert.Equal(t, want, got, uri)
		assert.True(t, terminology.KnownSystem(uri), uri)
	}
	for _, uri := range []string{"", "urn:local", "http://loinc.org/", "HTTP://LOINC.ORG"} {
		_, ok := terminology.SystemName(uri)
		assert.False(t, ok, "%q: system URIs are compared exactly", uri)
		assert.False(t, terminology.KnownSystem(uri), uri)
	}
}

func TestSourceString(t *testing.T) {
	assert.Equal(t, "ADA 2025 §9", terminology.Source{Citation: "ADA 2025 §9"}.String())
	assert.Equal(t, "ADA 2025 §9 <https://example.org/ada>",
		terminology.Source{Citation: "ADA 2025 §9", URL: "https://example.org/ada"}.String())
}

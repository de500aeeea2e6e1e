package terminology

import "strings"

// Code system URIs, as FHIR R4 names them.
const (
	SystemRxNorm    = "http://www.nlm.nih.gov/research/umls/rxnorm"
	SystemSNOMED    = "http://snomed.info/sct"
	SystemICD10CM   = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemLOINC     = "http://loinc.org"
	SystemCVX       = "http://hl7.org/fhir/sid/cvx"
	SystemNDC       = "http://hl7.org/fhir/sid/ndc"
	SystemUCUM      = "http://unitsofmeasure.org"
	SystemCPT       = "http://www.ama-assn.org/go/cpt"
	SystemICD10PCS  = "http://www.cms.gov/Medicare/Coding/ICD10"
	SystemHCPCS     = "urn:oid:2.16.840.1.113883.6.285"
	SystemNUCCTaxon = "http://nucc.org/provider-taxonomy"
)

// KnownSystem reports whether uri is one of the code systems above.
func KnownSystem(uri string) bool {
	_, ok := SystemName(uri)
	return ok
}

// SystemName returns the short human name of a known code system ("RxNorm",
// "SNOMED CT", ...).
func SystemName(uri string) (string, bool) {
	switch uri {
	case SystemRxNorm:
		return "RxNorm", true
	case SystemSNOMED:
		return "SNOMED CT", true
	case SystemICD10CM:
		return "ICD-10-CM", true
	case SystemLOINC:
		return "LOINC", true
	case SystemCVX:
		return "CVX", true
	case SystemNDC:
		return "NDC", true
	case SystemUCUM:
		return "UCUM", true
	case SystemCPT:
		return "CPT", true
	case SystemICD10PCS:
		return "ICD-10-PCS", true
	case SystemHCPCS:
		return "HCPCS", true
	case SystemNUCCTaxon:
		return "NUCC", true
	}
	return "", false
}

// Code is a concept from a code system: the system URI, the code, and the
// human-readable display the source gave it.
type Code struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// Is reports whether c has the given system and code. The display is not
// compared.
func (c Code) Is(system, code string) bool {
	return c.System == system && normalizeCode(system, c.Code) == normalizeCode(system, code)
}

// String renders the code as "Display [System code]" for people.
func (c Code) String() string {
	name, ok := SystemName(c.System)
	if !ok {
		name = c.System
	}
	switch {
	case c.Display == "" && c.Code == "":
		return ""
	case c.Code == "":
		return c.Display
	case c.Display == "":
		return name + " " + c.Code
	}
	return c.Display + " [" + name + " " + c.Code + "]"
}

// normalizeCode folds the spellings of one code that systems accept: ICD-10
// codes with and without the dot, in any case.
func normalizeCode(system, code string) string {
	code = strings.TrimSpace(code)
	if isICD10(system) {
		code = strings.ToUpper(strings.ReplaceAll(code, ".", ""))
	}
	return code
}

// Source is where a piece of shipped knowledge comes from, so a clinician can
// check it.
type Source struct {
	// Citation names the document: guideline and section, paper, label.
	Citation string `json:"citation"`
	// URL points to it, when it has a stable address.
	URL string `json:"url,omitempty"`
}

func (s Source) String() string {
	if s.URL == "" {
		return s.Citation
	}
	return s.Citation + " <" + s.URL + ">"
}

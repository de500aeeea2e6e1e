package terminology

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ConditionConcept is a condition careguard can recognise by name in free
// text: its names and the codes that record it.
type ConditionConcept struct {
	// ID identifies the concept ("heart-failure").
	ID string `json:"id"`
	// Name is the concept's display name.
	Name string `json:"name"`
	// Terms are the names and synonyms that denote it in text, matched as
	// whole words ignoring case and punctuation.
	Terms []string `json:"terms"`
	// Codes holds the codes that record the concept: a patient has the
	// condition when a recorded condition's code is in it.
	Codes *ValueSet `json:"-"`
	// Source says where the terms and codes come from.
	Source Source `json:"source"`
}

// ConditionMention is a condition named in free text: the concept and the
// byte span text[Start:End] that names it.
type ConditionMention struct {
	ConceptID  string
	Start, End int
}

// Conditions is a table of condition concepts for finding condition names
// in free text. It is immutable once built and safe for concurrent use by
// multiple goroutines.
type Conditions struct {
	concepts map[string]ConditionConcept
	names    map[string]string // normalised term -> concept ID
	maxWords int
}

// NewConditions builds a table from the given concepts, which it copies.
// When two concepts share a term, the later wins.
func NewConditions(concepts []ConditionConcept) *Conditions {
	c := &Conditions{concepts: make(map[string]ConditionConcept, len(concepts)), names: map[string]string{}}
	for _, k := range concepts {
		k.Terms = slices.Clone(k.Terms)
		c.concepts[k.ID] = k
		for _, t := range k.Terms {
			n := normalizeTerm(t)
			if n == "" {
				continue
			}
			c.names[n] = k.ID
			if w := strings.Count(n, " ") + 1; w > c.maxWords {
				c.maxWords = w
			}
		}
	}
	return c
}

// Concept returns a copy of the concept with the given ID.
func (c *Conditions) Concept(id string) (ConditionConcept, bool) {
	k, ok := c.concepts[id]
	if !ok {
		return ConditionConcept{}, false
	}
	k.Terms = slices.Clone(k.Terms)
	return k, true
}

// Concepts returns copies of every concept, sorted by ID.
func (c *Conditions) Concepts() []ConditionConcept {
	out := make([]ConditionConcept, 0, len(c.concepts))
	for _, k := range c.concepts {
		k.Terms = slices.Clone(k.Terms)
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b ConditionConcept) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// FindInText returns the conditions named in text, in order of appearance.
// Matching is case-insensitive and by whole words, where a word is a run of
// letters and digits ("heart failure" is found in "Heart-failure" but
// "diabetes" is not found in "prediabetes"). At each word the longest term
// starting there wins, so "type 2 diabetes" is one mention, not a mention
// of "diabetes".
func (c *Conditions) FindInText(text string) []ConditionMention {
	type word struct {
		start, end int
		lower      string
	}
	var words []word
	start := -1
	for i, r := range text {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			words = append(words, word{start, i, strings.ToLower(text[start:i])})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, word{start, len(text), strings.ToLower(text[start:])})
	}
	var out []ConditionMention
	var buf []byte
	for i := 0; i < len(words); {
		matched := 1
		for n := min(c.maxWords, len(words)-i); n >= 1; n-- {
			buf = buf[:0]
			for j := i; j < i+n; j++ {
				if j > i {
					buf = append(buf, ' ')
				}
				buf = append(buf, words[j].lower...)
			}
			if id, ok := c.names[string(buf)]; ok {
				out = append(out, ConditionMention{ConceptID: id, Start: words[i].start, End: words[i+n-1].end})
				matched = n
				break
			}
		}
		i += matched
	}
	return out
}

// normalizeTerm lower-cases a term and folds runs of characters other than
// letters and digits to single spaces, as FindInText splits words.
func normalizeTerm(s string) string {
	var b strings.Builder
	space := false
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(strings.ToLower(string(r)))
			continue
		}
		space = true
	}
	return b.String()
}

// DefaultConditions returns the shipped condition concepts: the conditions
// careguard's rules and the Synthea sample records name. Each concept's codes
// are ICD-10-CM categories (CMS/NCHS ICD-10-CM tabular list), the SNOMED CT
// concepts of careguard's value sets, and SNOMED CT concepts with the
// display the Synthea R4 sample bundles give them; its terms are the
// concept's name, those displays and a few common abbreviations. Each call
// builds a new table; build it once and share it.
func DefaultConditions() *Conditions {
	const (
		icd     = "ICD-10-CM tabular list (CMS/NCHS), "
		synthea = "SNOMED CT codes with the displays recorded in the Synthea R4 sample bundles (smart-on-fhir/generated-sample-data @25ac8089, R4/SYNTHEA)"
	)
	set := func(id string, members ...Member) *ValueSet {
		return NewValueSet("careguard:condition:"+id, id, Source{}, members...)
	}
	sn := func(code string) Member { return Exact(SystemSNOMED, code) }
	icdp := func(code string) Member { return Prefix(SystemICD10CM, code) }
	fromSet := func(vs *ValueSet, extra ...Member) []Member { return append(vs.Members(), extra...) }
	t2 := Type2Diabetes()
	concepts := []ConditionConcept{
		{ID: "type-2-diabetes", Name: "Type 2 diabetes mellitus",
			Terms: []string{"type 2 diabetes", "type 2 diabetes mellitus", "type ii diabetes", "type ii diabetes mellitus",
				"diabetes mellitus type 2", "diabetes type 2", "t2dm", "t2d", "non insulin dependent diabetes"},
			Codes: set("type-2-diabetes", t2.Members()...), Source: t2.Source()},
		{ID: "type-1-diabetes", Name: "Type 1 diabetes mellitus",
			Terms: []string{"type 1 diabetes", "type 1 diabetes mellitus", "type i diabetes", "type i diabetes mellitus",
				"diabetes mellitus type 1", "diabetes type 1", "t1dm", "t1d", "insulin dependent diabetes"},
			Codes:  set("type-1-diabetes", icdp("E10"), sn("46635009")),
			Source: Source{Citation: icd + "category E10; SNOMED CT 46635009 as in careguard's Diabetes value set"}},
		{ID: "diabetes", Name: "Diabetes mellitus",
			Terms: []string{"diabetes", "diabetes mellitus"},
			Codes: set("diabetes", Diabetes().Members()...), Source: Diabetes().Source()},
		{ID: "prediabetes", Name: "Prediabetes",
			Terms: []string{"prediabetes", "pre diabetes"},
			Codes: set("prediabetes", icdp("R73.03"), sn("15777000")), Source: Source{Citation: icd + "R73.03; " + synthea}},
		{ID: "diabetic-kidney-disease", Name: "Diabetic kidney disease",
			Terms:  []string{"diabetic kidney disease", "diabetic nephropathy", "diabetic renal disease"},
			Codes:  set("diabetic-kidney-disease", icdp("E10.2"), icdp("E11.2"), sn("127013003"), sn("90781000119102")),
			Source: Source{Citation: icd + "E10.2, E11.2 (diabetes with kidney complications); " + synthea}},
		{ID: "diabetic-retinopathy", Name: "Diabetic retinopathy",
			Terms: []string{"diabetic retinopathy", "retinopathy"},
			Codes: set("diabetic-retinopathy", icdp("E10.31"), icdp("E10.32"), icdp("E10.33"), icdp("E10.34"), icdp("E10.35"),
				icdp("E11.31"), icdp("E11.32"), icdp("E11.33"), icdp("E11.34"), icdp("E11.35"), sn("422034002")),
			Source: Source{Citation: icd + "E10.31-E10.35, E11.31-E11.35 (diabetic retinopathy); " + synthea}},
		{ID: "diabetic-neuropathy", Name: "Diabetic neuropathy",
			Terms:  []string{"diabetic neuropathy", "diabetic peripheral neuropathy"},
			Codes:  set("diabetic-neuropathy", icdp("E10.4"), icdp("E11.4"), sn("368581000119106")),
			Source: Source{Citation: icd + "E10.4, E11.4 (diabetes with neurological complications); " + synthea}},
		{ID: "hypertension", Name: "Hypertension",
			Terms:  []string{"hypertension", "high blood pressure", "hypertensive disorder", "htn"},
			Codes:  set("hypertension", fromSet(Hypertension(), icdp("I1"))...),
			Source: Source{Citation: icd + "block I10-I1A (hypertensive diseases); " + Hypertension().Source().Citation}},
		{ID: "ckd", Name: "Chronic kidney disease",
			Terms: []string{"chronic kidney disease", "ckd", "chronic renal disease"},
			Codes: set("ckd", ChronicKidneyDisease().Members()...), Source: ChronicKidneyDisease().Source()},
		{ID: "heart-failure", Name: "Heart failure",
			Terms: []string{"heart failure", "congestive heart failure", "chronic congestive heart failure", "cardiac failure", "chf", "hfref", "hfpef"},
			Codes: set("heart-failure", icdp("I50"), sn("88805009")), Source: Source{Citation: icd + "category I50; " + synthea}},
		{ID: "atrial-fibrillation", Name: "Atrial fibrillation",
			Terms: []string{"atrial fibrillation", "afib"},
			Codes: set("atrial-fibrillation", icdp("I48"), sn("49436004")), Source: Source{Citation: icd + "category I48; " + synthea}},
		{ID: "coronary-heart-disease", Name: "Coronary heart disease",
			Terms:  []string{"coronary heart disease", "coronary artery disease", "ischemic heart disease", "ischaemic heart disease", "coronary arteriosclerosis", "cad"},
			Codes:  set("coronary-heart-disease", icdp("I20"), icdp("I21"), icdp("I22"), icdp("I23"), icdp("I24"), icdp("I25"), sn("53741008")),
			Source: Source{Citation: icd + "block I20-I25 (ischemic heart diseases); " + synthea}},
		{ID: "stroke", Name: "Stroke",
			Terms:  []string{"stroke", "cerebrovascular accident", "cva"},
			Codes:  set("stroke", icdp("I60"), icdp("I61"), icdp("I63"), icdp("Z86.73"), sn("230690007")),
			Source: Source{Citation: icd + "I60, I61, I63 (stroke), Z86.73 (personal history of cerebral infarction); " + synthea}},
		{ID: "copd", Name: "Chronic obstructive pulmonary disease",
			Terms:  []string{"copd", "chronic obstructive pulmonary disease", "emphysema", "pulmonary emphysema", "chronic obstructive bronchitis"},
			Codes:  set("copd", icdp("J43"), icdp("J44"), sn("87433001"), sn("185086009")),
			Source: Source{Citation: icd + "J43 (emphysema), J44 (other COPD); " + synthea}},
		{ID: "asthma", Name: "Asthma", Terms: []string{"asthma"},
			Codes: set("asthma", icdp("J45")), Source: Source{Citation: icd + "category J45"}},
		{ID: "hyperlipidemia", Name: "Hyperlipidemia",
			Terms:  []string{"hyperlipidemia", "hyperlipidaemia", "dyslipidemia", "dyslipidaemia", "hypercholesterolemia", "hypercholesterolaemia", "high cholesterol"},
			Codes:  set("hyperlipidemia", icdp("E78"), sn("55822004"), sn("302870006")),
			Source: Source{Citation: icd + "category E78 (disorders of lipoprotein metabolism); " + synthea}},
		{ID: "obesity", Name: "Obesity", Terms: []string{"obesity", "obese"},
			Codes: set("obesity", icdp("E66"), sn("162864005")), Source: Source{Citation: icd + "category E66; " + synthea}},
		{ID: "osteoporosis", Name: "Osteoporosis", Terms: []string{"osteoporosis"},
			Codes: set("osteoporosis", icdp("M80"), icdp("M81"), sn("64859006")), Source: Source{Citation: icd + "M80, M81; " + synthea}},
		{ID: "dementia", Name: "Dementia",
			Terms:  []string{"dementia", "alzheimer s disease", "alzheimers disease", "alzheimer disease", "alzheimers", "alzheimer s"},
			Codes:  set("dementia", icdp("F01"), icdp("F02"), icdp("F03"), icdp("G30"), sn("26929004")),
			Source: Source{Citation: icd + "F01-F03 (dementia), G30 (Alzheimer's disease); " + synthea}},
		{ID: "hypothyroidism", Name: "Hypothyroidism", Terms: []string{"hypothyroidism"},
			Codes: set("hypothyroidism", icdp("E02"), icdp("E03"), sn("83664006")), Source: Source{Citation: icd + "E02, E03; " + synthea}},
		{ID: "depression", Name: "Depression", Terms: []string{"depression", "major depressive disorder"},
			Codes: set("depression", icdp("F32"), icdp("F33")), Source: Source{Citation: icd + "F32, F33 (depressive episodes and recurrent depressive disorder)"}},
		{ID: "epilepsy", Name: "Epilepsy", Terms: []string{"epilepsy", "seizure disorder"},
			Codes: set("epilepsy", icdp("G40"), sn("84757009"), sn("128613002")), Source: Source{Citation: icd + "category G40; " + synthea}},
	}
	return NewConditions(concepts)
}

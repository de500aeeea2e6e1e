package validate

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// This file decides whether a problem the plan calls existing is one of
// the conditions it cites. Routing trusts the status: an existing problem
// needs only a nurse, a suspected one a physician. So a new diagnosis
// labelled existing ("Peripheral neuropathy" citing the record's
// hypertension) must be caught here, from the title and the cited
// conditions.
//
// A title and a cited condition match when:
//
//   - both name a condition concept careguard knows (terminology
//     Conditions: by the condition's code, or by the names in the title and
//     in the condition's display) and they share one; when both name
//     concepts and share none, they do not match;
//   - otherwise, they share a significant word stem: the first six
//     letters of a word of at least five letters, after dropping
//     qualifiers ("above", "uncontrolled", "chronic", "stage") and words
//     of record displays ("disorder", "finding"), and folding a few
//     stems that name the same condition ("blood pressure" and
//     "hypertension", "glycemic" and "diabetes", "renal" and "kidney").
//
// A title that matches may still add a diagnosis: "Type 2 diabetes with
// peripheral neuropathy" citing only the diabetes. A word of the title
// outside the concepts it names that reads as a disorder (a word such as
// "ulcer" or "apnea", or one ending in -itis, -osis, -pathy, -emia, -oma,
// -algia, -plegia) must be supported by the display of a cited condition
// or observation.

// problemStems holds the word lists for comparing problem titles with
// condition displays. It is built by newProblemStems and immutable.
type problemStems struct {
	stop      map[string]bool   // qualifiers and display words that say nothing about which condition
	canonical map[string]string // stem -> the stem it folds to
	disorders map[string]bool   // words that name a disorder by themselves
	suffixes  []string          // endings of words that name a disorder
	notDis    map[string]bool   // words with those endings that do not
	negations map[string]bool   // words after which a title names what the patient does not have
}

func newProblemStems() *problemStems {
	return &problemStems{
		stop: wordSet("above", "below", "under", "over", "target", "targets", "goal", "goals", "range",
			"uncontrolled", "controlled", "control", "poorly", "suboptimal", "suboptimally", "inadequately",
			"inadequate", "optimal", "stable", "unstable", "worsening", "improving", "improved", "persistent",
			"chronic", "acute", "subacute", "disease", "disorder", "disorders", "finding", "findings", "stage",
			"stages", "grade", "class", "mellitus", "without", "other", "unspecified", "primary", "secondary",
			"essential", "history", "status", "known", "documented", "established", "existing", "severe",
			"moderate", "early", "advanced", "complicated", "uncomplicated", "condition", "conditions",
			"problem", "problems", "syndrome", "failure", "level", "levels", "elevated", "raised", "increased",
			"decreased", "reduced", "abnormal", "normal", "impaired", "index", "situation", "procedure",
			"therapy", "treatment", "management", "managed", "related", "associated", "induced", "screening",
			"value", "values", "reading", "readings", "result", "results", "latest", "recent", "current",
			"currently", "patient", "adult", "onset", "longstanding", "long", "standing", "requiring",
			"requires", "despite", "while", "lifelong", "albuminuria", "microalbuminuria", "macroalbuminuria",
			"proteinuria", "moderately", "severely", "mildly", "markedly", "excess"),
		canonical: map[string]string{
			"pressu": "hypert", // blood pressure
			"glycem": "diabet", "glucos": "diabet", "hyperg": "diabet", "glycae": "diabet",
			"renal": "kidney", "nephro": "kidney",
			"weight": "obesit", "overwe": "obesit",
			"choles": "hyperl", "lipid": "hyperl", "lipids": "hyperl", "dyslip": "hyperl", "lipide": "hyperl",
		},
		disorders: wordSet("ulcer", "ulcers", "ulceration", "apnea", "apnoea", "infarction", "infarct", "fracture",
			"fractures", "cancer", "tumor", "tumour", "embolism", "aneurysm", "hernia", "injury", "infection",
			"lesion", "lesions", "flutter", "insufficiency", "deficiency", "delirium", "anxiety", "insomnia",
			"gout", "seizure", "seizures", "syncope", "angina", "gangrene", "amputation", "sepsis", "edema",
			"oedema", "arrhythmia", "stenosis", "thrombosis", "neuropathy", "retinopathy", "nephropathy",
			"dementia", "depression", "stroke", "asthma", "hypothyroidism", "obesity", "cirrhosis", "hepatitis",
			"pneumonia", "psoriasis", "eczema", "glaucoma", "cataract", "cataracts", "incontinence", "falls",
			"frailty", "malnutrition", "sarcopenia", "polyp", "polyps", "nodule", "nodules"),
		suffixes: []string{"itis", "osis", "pathy", "emia", "aemia", "oma", "algia", "plegia", "paresis",
			"trophy", "penia", "megaly", "rrhea", "rrhoea", "ectasis", "plasia", "phobia", "mania"},
		notDis:    wordSet("diagnosis", "prognosis", "hyperglycemia", "hyperglycaemia", "stoma", "diploma", "aroma"),
		negations: wordSet("without", "no", "not", "negative", "excluded", "ruled", "denies"),
	}
}

// words returns the lower-cased runs of letters in s.
func (ps *problemStems) words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// stem returns the significant stem of a word, folded, or "" for a word
// too short or too common to say which condition it is.
func (ps *problemStems) stem(w string) string {
	if len(w) < 5 || ps.stop[w] {
		return ""
	}
	s := w
	if len(s) > 6 {
		s = s[:6]
	}
	if c, ok := ps.canonical[s]; ok {
		return c
	}
	return s
}

// stems returns the significant stems of s.
func (ps *problemStems) stems(s string) []string {
	var out []string
	for _, w := range ps.words(s) {
		if st := ps.stem(w); st != "" && !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out
}

// disorder reports whether a word names a disorder by itself.
func (ps *problemStems) disorder(w string) bool {
	if ps.disorders[w] {
		return true
	}
	if len(w) < 6 || ps.notDis[w] {
		return false
	}
	for _, suf := range ps.suffixes {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// conceptsOf returns the IDs of the concepts a recorded condition is: by
// its code, and by the names in its display.
func (g *Grounding) conceptsOf(c patient.Condition) []string {
	var out []string
	for i := range g.concepts {
		k := &g.concepts[i]
		if k.Codes != nil && k.Codes.ContainsCode(c.Code) {
			out = append(out, k.ID)
		}
	}
	for _, m := range g.conditions.FindInText(c.Code.Display) {
		if !slices.Contains(out, m.ConceptID) {
			out = append(out, m.ConceptID)
		}
	}
	return out
}

// checkExistingProblem checks that a problem called existing is one of the
// conditions it cites.
func (g *Grounding) checkExistingProblem(rec *patient.Record, i int, p careplan.Problem, add func(Finding)) {
	item := careplanItemID(careplan.ItemProblem, i)
	var cited []patient.Condition
	var support []string // displays of the cited conditions and observations
	for _, id := range p.Citations {
		f, ok := rec.Fact(id)
		if !ok {
			continue
		}
		switch x := f.(type) {
		case patient.Condition:
			if !slices.ContainsFunc(cited, func(c patient.Condition) bool { return c.ID == x.ID }) {
				cited = append(cited, x)
				support = append(support, x.Code.Display)
			}
		case patient.Observation:
			support = append(support, x.Code.Display)
		}
	}
	title := clean(p.Title)
	if len(cited) == 0 {
		add(Finding{RuleID: RuleProblemNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
			Message:    fmt.Sprintf("%s (%q) is called an existing problem but cites no condition in the record: it is a diagnostic impression, which needs a physician.", item, title),
			ItemIDs:    []string{item},
			FactIDs:    slices.Clone(p.Citations),
			Source:     structureSource,
			Suggestion: "Cite the documented condition, or mark the problem as suspected so a physician reviews it."})
		return
	}

	// Concepts the title names. One the record does not hold at all is
	// reported by the free-text rule (RuleConditionNotInRecord); do not
	// report it twice.
	mentions := g.conditions.FindInText(p.Title)
	var titleConcepts []string
	for _, m := range mentions {
		concept, ok := g.conditions.Concept(m.ConceptID)
		if !ok {
			continue
		}
		if len(rec.ConditionsIn(concept.Codes)) == 0 {
			return
		}
		if !slices.Contains(titleConcepts, m.ConceptID) {
			titleConcepts = append(titleConcepts, m.ConceptID)
		}
	}
	titleStems := g.stems.stems(p.Title)

	var matched []patient.Condition
	for _, c := range cited {
		cc := g.conceptsOf(c)
		shared := slices.ContainsFunc(cc, func(id string) bool { return slices.Contains(titleConcepts, id) })
		switch {
		case shared:
		case len(titleConcepts) > 0 && len(cc) > 0:
			continue // both known, and different conditions
		default:
			ds := g.stems.stems(c.Code.Display)
			if !slices.ContainsFunc(titleStems, func(s string) bool { return slices.Contains(ds, s) }) {
				continue
			}
		}
		matched = append(matched, c)
	}
	ids := condIDsOf(cited)
	if len(matched) == 0 {
		names := make([]string, len(cited))
		for k, c := range cited {
			names[k] = c.ID + " " + clean(c.Code.Display)
		}
		add(Finding{RuleID: RuleProblemNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
			Message: fmt.Sprintf("%s (%q) is called an existing problem, but it is none of the conditions it cites (%s): it is a diagnostic impression not in the record, which needs a physician.",
				item, title, strings.Join(names, "; ")),
			ItemIDs: []string{item}, FactIDs: ids, Source: structureSource,
			Suggestion: "Cite the condition the record documents under this problem, or mark the problem as suspected so a physician reviews it."})
		return
	}

	// A disorder the title adds to a matched condition.
	keys := map[string]bool{}
	for _, s := range support {
		for _, w := range g.stems.words(s) {
			keys[g.stems.disorderKey(w)] = true
		}
	}
	if w := g.addedDisorder(p.Title, mentions, keys); w != "" {
		add(Finding{RuleID: RuleProblemNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
			Message: fmt.Sprintf("%s (%q) is called an existing problem and names %q, which none of the facts it cites documents: a diagnostic impression not in the record, which needs a physician.",
				item, title, w),
			ItemIDs: []string{item}, FactIDs: ids, Source: structureSource,
			Suggestion: "Keep the existing problem to what the record documents, and propose the new diagnosis as a suspected problem so a physician reviews it."})
		return
	}

	// Inactive: the free-text rule reports titles naming a known concept.
	if len(titleConcepts) == 0 && !slices.ContainsFunc(matched, patient.Condition.Active) {
		add(Finding{RuleID: RuleProblemConditionInactive, Severity: SeverityWarning, Category: CategoryGrounding,
			Message:    fmt.Sprintf("%s (%q) is called an existing problem, but the record holds the condition it cites only as resolved or inactive.", item, title),
			ItemIDs:    []string{item},
			FactIDs:    condIDsOf(matched),
			Source:     groundingSource,
			Suggestion: "Describe it as a past condition, or check the record's status."})
	}
}

// addedDisorder returns a word of the title, outside the condition names
// it contains and before any negation, that names a disorder none of the
// supporting displays names; "" if there is none. support holds the keys
// (see disorderKey) of every word of the cited facts' displays.
func (g *Grounding) addedDisorder(title string, mentions []terminology.ConditionMention, support map[string]bool) string {
	found, negated := "", false
	check := func(from, to int) {
		w := strings.ToLower(title[from:to])
		if g.stems.negations[w] {
			negated = true
		}
		if found != "" || negated || !g.stems.disorder(w) {
			return
		}
		for _, m := range mentions {
			if from >= m.Start && to <= m.End {
				return // inside a condition name: the concept rules judge it
			}
		}
		if !support[g.stems.disorderKey(w)] {
			found = title[from:to]
		}
	}
	start := -1
	for i, r := range title {
		letter := unicode.IsLetter(r)
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			check(start, i)
			start = -1
		}
	}
	if start >= 0 {
		check(start, len(title))
	}
	return found
}

// disorderKey is the key a disorder word and the words of supporting
// displays are compared by: the first six letters, folded as stems are,
// whatever the word's length.
func (ps *problemStems) disorderKey(w string) string {
	s := w
	if len(s) > 6 {
		s = s[:6]
	}
	if c, ok := ps.canonical[s]; ok {
		return c
	}
	return s
}

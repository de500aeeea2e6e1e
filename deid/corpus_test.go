package deid

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// The planted-PHI corpus: synthetic patients, each with an identity, a care
// team and notes that name them, their clinicians, relatives and other
// people, and that hold numbers, addresses, dates and ages in the formats
// clinical notes use. Every person, number and place is invented; the
// generator is seeded, so the corpus is the same on every run. Each planted
// identifier is recorded with its category, so recall is measured per
// category, and every replacement that touches no planted identifier is a
// false positive.

// planted is one identifier placed in a note.
type planted struct {
	category string
	value    string // the text as written in the note
	start    int    // byte offset in the note
}

// corpusNote is one generated note with its ground truth.
type corpusNote struct {
	text    string
	planted []planted
}

// corpusPatient is one generated record's people and numbers.
type corpusPatient struct {
	given, family, middle string
	sex                   patient.Sex
	mrn, phone, ssn       string
	street, city, zip     string
	clinGiven, clinFamily string
	born                  time.Time
}

var (
	corpusGiven   = []string{"Rosalind", "Edgar", "Mabel", "Thaddeus", "Ottilie", "Cornelius", "Winifred", "Ambrose", "Henrietta", "Lucius", "Philippa", "Barnaby"}
	corpusFamily  = []string{"Quarterfield", "Ashdown", "Pennywhistle", "Marchbanks", "Thornbury", "Villiers", "Okonkwo-Reyes", "Fairbrother", "Lindqvist", "Castellanos", "O'Halloran", "Vandermeer", "Ruiz", "Haddad", "Nakamura", "Delacroix"}
	corpusCities  = []string{"Millbrook", "Fall River", "Ashby Junction", "New Bedford", "Granite Falls", "Port Elwood"}
	corpusStreets = []string{"Juniper Lane", "Schuster Mews", "Oak Street", "Bednar Path", "Harbor View Road", "Kub Crossing", "Maple Ave", "Elm Ct"}
	corpusStates  = []string{"MA", "OH", "NY", "RI", "Massachusetts"}
	// People who are not in the record: relatives, other clinicians,
	// callers. Given names include ones that are also words.
	otherGiven  = []string{"Mary", "Susan", "Thomas", "Linda", "Carlos", "Emma", "Frank", "Grace", "Kevin", "Laura", "Omar", "Ruth", "Jennifer", "Deborah", "Victor", "Nadia", "Hope", "Will"}
	otherFamily = []string{"Jones", "Brooks", "Kim", "Osei", "Patel", "Ellis", "Moreau", "Szabo", "Achebe", "McAllister", "van der Berg", "Olsen"}
	relations   = []string{"wife", "husband", "daughter", "son", "sister", "brother", "mother", "granddaughter", "neighbor", "niece", "caregiver"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		d := r.IntN(10)
		if i == 0 && d == 0 {
			d = 1 + r.IntN(9)
		}
		b.WriteByte(byte('0' + d))
	}
	return b.String()
}

func newCorpusPatient(r *rand.Rand, i int) corpusPatient {
	p := corpusPatient{
		given: corpusGiven[i%len(corpusGiven)], family: corpusFamily[i%len(corpusFamily)], middle: string(rune('A' + r.IntN(26))),
		mrn: digits(r, 8), phone: fmt.Sprintf("%s-555-%s", digits(r, 3), digits(r, 4)), ssn: fmt.Sprintf("%s-%s-%s", digits(r, 3), digits(r, 2), digits(r, 4)),
		street: fmt.Sprintf("%d %s", 10+r.IntN(1900), pick(r, corpusStreets)), city: pick(r, corpusCities), zip: "0" + digits(r, 4),
		clinGiven: pick(r, []string{"Ana", "Ignatius", "Priya", "Tobias", "Mirela"}), clinFamily: pick(r, []string{"Vole", "Ng", "Abernathy", "Sokolova", "Duquesne"}),
		born: time.Date(1930+r.IntN(60), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
		sex:  pick(r, []patient.Sex{patient.SexFemale, patient.SexMale}),
	}
	return p
}

// noteBuilder writes a note and records what it plants.
type noteBuilder struct {
	b       strings.Builder
	planted []planted
}

func (n *noteBuilder) text(s string) { n.b.WriteString(s) }

func (n *noteBuilder) phi(category, s string) {
	n.planted = append(n.planted, planted{category: category, value: s, start: n.b.Len()})
	n.b.WriteString(s)
}

func usDate(t time.Time) string { return fmt.Sprintf("%d/%d/%d", t.Month(), t.Day(), t.Year()) }

// corpusNotes writes the notes of one patient.
func corpusNotes(r *rand.Rand, p corpusPatient, asOf time.Time, count int) []corpusNote {
	var out []corpusNote
	mr := "Mr."
	if p.sex == patient.SexFemale {
		mr = pick(r, []string{"Mrs.", "Ms.", "Ms"})
	}
	patientForms := []string{
		p.given + " " + p.family, strings.ToUpper(p.family) + ", " + strings.ToUpper(p.given), p.family + ", " + p.given,
		mr + " " + p.family, p.given[:1] + ". " + p.family, p.given, strings.ToUpper(p.given + " " + p.family),
		p.given + " " + p.middle + ". " + p.family, p.family + ", " + p.given[:1] + ".",
	}
	clinForms := []string{"Dr. " + p.clinFamily, "Dr " + p.clinFamily, p.clinGiven + " " + p.clinFamily + ", MD",
		strings.ToUpper(p.clinFamily) + ", " + strings.ToUpper(p.clinGiven), p.clinGiven[:1] + ". " + p.clinFamily + " MD", "Dr. " + p.clinGiven + " " + p.clinFamily}
	day := func() time.Time { return asOf.AddDate(0, 0, -1-r.IntN(900)) }
	for range count {
		n := &noteBuilder{}
		// Opening: the patient, named in some format.
		switch r.IntN(4) {
		case 0:
			n.text("Pt: ")
			n.phi("patient-name", pick(r, patientForms))
			n.text(", DOB ")
			n.phi("date", pick(r, []string{usDate(p.born), p.born.Format("01/02/2006"), p.born.Format("2006-01-02"), p.born.Format("January 2, 2006")}))
			n.text(". ")
		case 1:
			n.phi("patient-name", pick(r, patientForms))
			n.text(" seen today for follow-up of type 2 diabetes and hypertension. ")
		case 2:
			n.text("Follow-up visit. ")
			n.phi("patient-name", pick(r, patientForms))
			n.text("'s glucose log reviewed. ")
		default:
			n.text("RE: ")
			n.phi("patient-name", pick(r, patientForms))
			n.text(" (MRN ")
			n.phi("mrn", p.mrn)
			n.text(") ")
		}
		// Clinical content with eponyms and imperatives.
		n.text(pick(r, []string{
			"History of Hashimoto thyroiditis, stable on levothyroxine. ",
			"Denies symptoms of Cushing syndrome. Hold metoprolol if HR < 55. ",
			"No evidence of Parkinson disease; tremor is essential. ",
			"Prior Bell palsy resolved. Do not resuscitate order reviewed with patient. ",
			"Crohn disease in remission on mesalamine. ",
			"Rule out Addison disease: AM cortisol ordered. ",
			"Graves disease treated with RAI in the past. ",
			"Hodgkin lymphoma in remission since chemotherapy. ",
			"Positive Babinski sign on the left. Continue aspirin. ",
			"Foley catheter removed; Barrett's esophagus on surveillance EGD. ",
		}))
		// Three to five more identifiers.
		for range 3 + r.IntN(3) {
			switch r.IntN(21) {
			case 19:
				// Names the record holds, typed in lower or mixed case.
				lower := strings.ToLower
				switch r.IntN(5) {
				case 0:
					n.phi("patient-name-lower", lower(p.given+" "+p.family))
					n.text(" called about refills. ")
				case 1:
					n.text("Spoke with ")
					n.phi("patient-name-lower", p.given+" "+lower(p.family))
					n.text(" today. ")
				case 2:
					n.text("pt ")
					n.phi("patient-name-lower", lower(p.family))
					n.text(" reports dizziness. ")
				case 3:
					n.text("re: ")
					n.phi("patient-name-lower", lower(p.family+", "+p.given))
					n.text(". ")
				default:
					n.phi("clinician-name-lower", lower(p.clinGiven+" "+p.clinFamily))
					n.text(" reviewed the labs. ")
				}
			case 20:
				// Relatives who share the patient's family name, in lower case.
				g := pick(r, []string{"Philippa", "Mary", "Susan", "Thomas", "Bob", "Carlos", "Nadia"})
				n.text(pick(r, []string{"Daughter ", "daughter ", "Her son ", "wife ", "Spoke with "}))
				n.phi("relative-name-lower", strings.ToLower(g+" "+p.family))
				n.text(" helps with medications. ")
			case 16:
				// Notes typed in capitals.
				g := pick(r, otherGiven)
				n.text("PT SEEN WITH " + strings.ToUpper(pick(r, relations)) + " ")
				n.phi("relative-name", strings.ToUpper(g))
				n.text(" AT BEDSIDE. CALLED ")
				n.phi("clinician-name", "DR "+strings.ToUpper(pick(r, otherFamily)))
				n.text(" RE: LABS. ")
			case 17:
				d := day()
				n.text(pick(r, []string{"Labs drawn ", "Seen in clinic ", "Echo done "}))
				n.phi("date", pick(r, []string{d.Format("01.02.2006"), d.Format("2006/01/02"), d.Format("Jan. 2, 2006"), d.Format("2nd of January 2006"),
					d.Format("02-JAN-2006"), d.Format("Mon Jan 2 2006")[4:], d.Format("20060102")}))
				n.text("; " + pick(r, []string{"see results. ", "no change. "}))
				if r.IntN(2) == 0 {
					n.text("Worse since ")
					n.phi("date", d.Format("January"))
					n.text(". ")
				}
			case 18:
				n.text(pick(r, []string{"Mother: breast cancer. Father: MI at 60. ", "FH: Sister - Lupus. Brother: Type 1 diabetes. ",
					"Family history of Alzheimer disease in grandmother. "}))
				n.text("Per dr ")
				n.phi("clinician-name", strings.ToLower(pick(r, []string{"patel", "osei", "moreau", "szabo"})))
				n.text(", recheck in ")
				n.phi("city", p.city)
				n.text(" ")
				n.phi("zip", p.zip+"-"+digits(r, 4))
				n.text(". Mail to ")
				n.phi("address", "PO Box "+digits(r, 4))
				n.text(". ")
			case 0:
				n.text("Seen with ")
				n.phi("clinician-name", pick(r, clinForms))
				n.text(". ")
			case 1:
				rel := pick(r, relations)
				g := pick(r, otherGiven)
				switch r.IntN(5) {
				case 0:
					n.text("Her " + rel + " ")
					n.phi("relative-name", g)
					n.text(" helps with medications. ")
				case 1:
					n.text("Spoke with " + rel + ", ")
					n.phi("relative-name", g+" "+pick(r, otherFamily))
					n.text(", by phone. ")
				case 2:
					n.text("Accompanied by ")
					n.phi("relative-name", g)
					n.text(" (" + rel + "). ")
				case 3:
					n.text("Emergency contact: ")
					n.phi("relative-name", strings.ToUpper(pick(r, otherFamily))+", "+strings.ToUpper(g))
					n.text(", " + rel + ". ")
				default:
					n.text(strings.ToUpper(rel[:1]) + rel[1:] + " (")
					n.phi("relative-name", g)
					n.text(") at bedside. ")
				}
			case 2:
				g, f := pick(r, otherGiven), pick(r, otherFamily)
				switch r.IntN(5) {
				case 0:
					n.text("Discussed with ")
					n.phi("clinician-name", "Dr. "+f)
					n.text(", cardiology. ")
				case 1:
					n.text("Electronically signed by: ")
					n.phi("clinician-name", g+" "+f+", RN")
					n.text(" ")
				case 2:
					n.text("cc: ")
					n.phi("clinician-name", "Dr. "+g+" "+f)
					n.text(" ")
				case 3:
					n.text("Med rec done by ")
					n.phi("clinician-name", g[:1]+". "+f+", PharmD")
					n.text(". ")
				default:
					n.text("Per ")
					n.phi("clinician-name", "Dr "+f)
					n.text(" increase lisinopril. ")
				}
			case 3:
				n.text(pick(r, []string{"Call back at ", "Cell: ", "Phone ", "Home phone: ", "Reached at "}))
				ph := pick(r, []string{p.phone, "(" + digits(r, 3) + ") 555-" + digits(r, 4), digits(r, 3) + "." + "555." + digits(r, 4),
					"+1 " + digits(r, 3) + " 555 " + digits(r, 4), "1-800-555-" + digits(r, 4), "555-" + digits(r, 4), digits(r, 3) + "555" + digits(r, 4)})
				n.phi("phone", ph)
				n.text(". ")
			case 4:
				n.text(pick(r, []string{"Fax: ", "Faxed to ", "fax # "}))
				n.phi("fax", "("+digits(r, 3)+") 555-"+digits(r, 4))
				n.text(". ")
			case 5:
				n.text("Email: ")
				n.phi("email", strings.ToLower(p.given)+"."+strings.ToLower(strings.ReplaceAll(p.family, "'", ""))+digits(r, 2)+"@example.net")
				n.text(". Portal: ")
				n.phi("url", pick(r, []string{"https://portal.example.org/chart/" + digits(r, 6), "www.example-clinic.org/pt", "mychart.example.com/login"}))
				n.text(" ")
			case 6:
				n.text(pick(r, []string{"SSN ", "SS#: ", "Social security number "}))
				n.phi("ssn", pick(r, []string{p.ssn, strings.ReplaceAll(p.ssn, "-", "")}))
				n.text(". ")
			case 7:
				n.text(pick(r, []string{"MRN: ", "MRN#", "Medical record number ", "Acct #: ", "Member ID: ", "Policy number ", "Medicare #: "}))
				n.phi("number", pick(r, []string{p.mrn, digits(r, 9), "XQZ" + digits(r, 9), digits(r, 1) + "EG" + digits(r, 1) + "-TE" + digits(r, 1) + "-MK" + digits(r, 2)}))
				n.text(". ")
			case 8:
				n.text(pick(r, []string{"DL ", "Driver's license: ", "NPI ", "DEA # ", "Pacemaker serial number ", "S/N: ", "VIN ", "License plate "}))
				n.phi("number", pick(r, []string{"S" + digits(r, 8), "D" + digits(r, 7), digits(r, 10), "AB" + digits(r, 7), "PJN" + digits(r, 6), "1HGCM" + digits(r, 5) + "3A00" + digits(r, 4), "7ABC" + digits(r, 3)}))
				n.text(". ")
			case 9:
				n.text("Lives at ")
				n.phi("address", pick(r, []string{p.street, p.street + ", Apt " + digits(r, 2), "P.O. Box " + digits(r, 3)}))
				n.text(", ")
				n.phi("city", p.city)
				n.text(", " + pick(r, corpusStates) + " ")
				n.phi("zip", p.zip)
				n.text(". ")
			case 10:
				n.text(pick(r, []string{"Moved to ", "Lives in ", "Visiting from "}))
				n.phi("city", pick(r, corpusCities))
				n.text(" last year. ")
			case 11:
				d := day()
				n.text(pick(r, []string{"Last A1c on ", "Admitted ", "ED visit ", "Colonoscopy "}))
				n.phi("date", pick(r, []string{usDate(d), d.Format("01/02/2006"), d.Format("2006-01-02"), d.Format("January 2, 2006"),
					d.Format("Jan 2, 2006"), d.Format("2 January 2006"), d.Format("02-Jan-2006"), d.Format("1/2/06"), d.Format("January 2006")}))
				n.text(". ")
			case 12:
				d := day()
				n.text("Next appointment on ")
				n.phi("date", fmt.Sprintf("%d/%d", d.Month(), d.Day()))
				n.text(" at 10:30. ")
			case 13:
				age := 90 + r.IntN(12)
				switch r.IntN(4) {
				case 0:
					n.text("Lives with ")
					n.phi("age", fmt.Sprintf("%d-year-old", age))
					n.text(" mother. ")
				case 1:
					n.text("Father is ")
					n.phi("age", fmt.Sprintf("%d yo", age))
					n.text(" and independent. ")
				case 2:
					n.text("Grandmother died at age ")
					n.phi("age", fmt.Sprintf("%d", age))
					n.text(". ")
				default:
					n.text("Aunt, ")
					n.phi("age", fmt.Sprintf("aged %d", age))
					n.text(", has dementia. ")
				}
			case 14:
				n.text("Device IP ")
				n.phi("ip", fmt.Sprintf("10.%d.%d.%d", r.IntN(255), r.IntN(255), 1+r.IntN(254)))
				n.text(" sent readings. ")
			default:
				n.phi("other-name", pick(r, []string{"Maria", "Jennifer", "Deborah", "Kevin", "Nadia"})+" "+pick(r, otherFamily))
				n.text(pick(r, []string{" from the pharmacy called about refills. ", " (interpreter) present. "}))
			}
		}
		n.text(pick(r, []string{"Plan: continue current regimen. ", "Return in 3 months. ", "A1c 7.9%, BP 142/88. Take 1/2 tab at night. "}))
		out = append(out, corpusNote{text: n.b.String(), planted: n.planted})
	}
	return out
}

// corpus returns the planted-PHI corpus: records with their notes.
func corpus(t testing.TB) []corpusRecord {
	t.Helper()
	r := rand.New(rand.NewPCG(8, 2026))
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var out []corpusRecord
	for i := range 24 {
		p := newCorpusPatient(r, i)
		notes := corpusNotes(r, p, asOf, 10)
		b := patient.NewBuilder(asOf, nil)
		b.SetDemographics(patient.Demographics{BirthDate: p.born, Sex: p.sex})
		b.SetIdentity(patient.Identity{
			Name:        patient.HumanName{Given: []string{p.given, p.middle}, Family: p.family},
			Identifiers: []patient.Identifier{{Kind: patient.IdentifierMRN, Value: p.mrn}, {Kind: patient.IdentifierSSN, Value: p.ssn}},
			Addresses:   []patient.Address{{Lines: []string{p.street}, City: p.city, State: "MA", PostalCode: p.zip}},
			Telecom:     []patient.ContactPoint{{Kind: patient.ContactPhone, Value: p.phone}},
		})
		b.AddConditions(patient.Condition{Code: terminology.Code{System: terminology.SystemSNOMED, Code: "44054006", Display: "Diabetes mellitus type 2"},
			ClinicalStatus: patient.ClinicalActive})
		b.AddCareTeam(patient.CareTeamMember{Role: "primary care physician", Name: "Dr. " + p.clinGiven + " " + p.clinFamily})
		for k, n := range notes {
			b.AddNotes(patient.Note{Kind: "progress note", Time: asOf.AddDate(0, 0, -k), Text: n.text})
		}
		rec, err := b.Build()
		require.NoError(t, err)
		out = append(out, corpusRecord{rec: rec, notes: notes})
	}
	return out
}

type corpusRecord struct {
	rec   *patient.Record
	notes []corpusNote
}

// covered reports whether every word and number of a planted identifier
// (titles and credentials aside, which stay) lies within a replacement.
func covered(lx *lexicon, spans []span, pl planted) bool {
	for _, t := range lex(pl.value, nil) {
		if t.kind != tWord && t.kind != tNum {
			continue
		}
		w := pl.value[t.start:t.end]
		if f := lx.flags(w); f&(wTitle|wDrTitle) != 0 || f&wCredential != 0 && (t.is(fAllCaps) || strings.EqualFold(w, "pharmd")) {
			continue
		}
		a, b := pl.start+int(t.start), pl.start+int(t.end)
		in := false
		for _, s := range spans {
			if s.start <= a && s.end >= b {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

func TestPlantedCorpus(t *testing.T) {
	p := New(&Options{Rand: rand.NewChaCha8([32]byte{1})})
	recs := corpus(t)
	type tally struct{ planted, found int }
	byCat := map[string]*tally{}
	var notes, tp, fp int
	var misses, fps []string
	for _, cr := range recs {
		st, err := p.discover(t.Context(), cr.rec)
		require.NoError(t, err)
		for _, n := range cr.notes {
			notes++
			spans := st.spansOf(n.text, frame{asOf: cr.rec.AsOf(), days: 40, months: 1})
			for _, pl := range n.planted {
				c := byCat[pl.category]
				if c == nil {
					c = &tally{}
					byCat[pl.category] = c
				}
				c.planted++
				ok := covered(p.lx, spans, pl)
				if pl.category == "age" {
					ok = ageCovered(spans, pl)
				}
				if ok {
					c.found++
				} else {
					misses = append(misses, fmt.Sprintf("%s: %q in %q", pl.category, pl.value, n.text[max(0, pl.start-30):min(len(n.text), pl.start+len(pl.value)+30)]))
				}
			}
			for _, s := range spans {
				hit := false
				for _, pl := range n.planted {
					if s.start < pl.start+len(pl.value) && s.end > pl.start {
						hit = true
						break
					}
				}
				if hit {
					tp++
				} else {
					fp++
					ctx := n.text[max(0, s.start-40):min(len(n.text), s.end+20)]
					fps = append(fps, fmt.Sprintf("%q (%s in %q)", n.text[s.start:s.end], s.kind, ctx))
				}
			}
		}
	}
	total, found := 0, 0
	for cat, c := range byCat {
		total += c.planted
		found += c.found
		t.Logf("%-15s %4d planted, %4d found (%.1f%%)", cat, c.planted, c.found, 100*float64(c.found)/float64(c.planted))
	}
	recall := float64(found) / float64(total)
	precision := float64(tp) / float64(tp+fp)
	t.Logf("corpus: %d notes, %d planted identifiers; recall %.2f%% (%d missed); precision %.2f%% (%d of %d replacements touch no planted identifier)",
		notes, total, 100*recall, total-found, 100*precision, fp, tp+fp)
	if len(misses) > 0 {
		t.Logf("missed: %s", strings.Join(misses, "; "))
	}
	if len(fps) > 0 {
		t.Logf("false positives: %s", strings.Join(fps, ", "))
	}
	require.GreaterOrEqual(t, notes, 200, "the corpus has at least 200 notes")
	assert.GreaterOrEqual(t, recall, 0.99, "recall on the planted corpus")
}

// ageCovered: for an age, only the number must be replaced.
func ageCovered(spans []span, pl planted) bool {
	for _, s := range spans {
		if s.repl == "90+" && s.start >= pl.start && s.end <= pl.start+len(pl.value) {
			return true
		}
	}
	return false
}

// TestClinicalTextUntouched: the sections of a progress note, free of
// identifiers but full of capitalized headings, eponyms, doses, results and
// imperatives, come out unchanged but for their dates.
func TestClinicalTextUntouched(t *testing.T) {
	p := New(nil)
	rec, err := patient.NewBuilder(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), nil).
		SetDemographics(patient.Demographics{BirthDate: time.Date(1957, 3, 14, 0, 0, 0, 0, time.UTC), Sex: patient.SexFemale}).
		SetIdentity(patient.Identity{Name: patient.HumanName{Given: []string{"Rosalind"}, Family: "Quarterfield"}}).
		Build()
	require.NoError(t, err)
	st, err := p.discover(t.Context(), rec)
	require.NoError(t, err)
	var fps []string
	bytes := 0
	for _, para := range clinicalParagraphs() {
		bytes += len(para)
		for _, s := range st.spansOf(para, frame{asOf: rec.AsOf(), days: 40, months: 1}) {
			fps = append(fps, fmt.Sprintf("%q (%s)", para[s.start:s.end], s.kind))
		}
	}
	t.Logf("clinical text: %d bytes, %d replacements: %s", bytes, len(fps), strings.Join(fps, ", "))
	assert.Empty(t, fps)
}

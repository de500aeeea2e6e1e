package deid

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/careguard/careguard/patient"
)

// BenchmarkPseudonymizeNotes pseudonymizes a record whose notes are the
// planted-PHI corpus, about 100 KB of note text per record: discovery,
// replacement, date shifting and the rewritten record's checks. SetBytes
// counts the note text, so MB/s is note throughput.
func BenchmarkPseudonymizeNotes(b *testing.B) {
	recs := corpus(b)
	bldr := patient.NewBuilder(recs[0].rec.AsOf(), nil)
	bldr.SetDemographics(recs[0].rec.Demographics())
	bldr.SetIdentity(recs[0].rec.Identity())
	bldr.AddCareTeam(recs[0].rec.CareTeam()...)
	size := 0
	for _, cr := range recs {
		for _, n := range cr.rec.Notes() {
			n.ID = ""
			bldr.AddNotes(n)
			size += len(n.Text)
		}
	}
	rec, err := bldr.Build()
	if err != nil {
		b.Fatal(err)
	}
	p := New(&Options{Rand: rand.NewChaCha8([32]byte{3})})
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Record(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
}

// progressNote writes a synthetic progress note of a few kilobytes, of the
// shape clinics write: history, review of systems, examination, results,
// assessment and plan, with identifiers at the density of real notes (a
// name, a date or a number every few hundred bytes).
func progressNote(r *rand.Rand, k int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "PROGRESS NOTE\nPatient: %s, %s   DOB: %02d/%02d/%d   MRN: %d\nDate of service: %d/%d/2026   Provider: Dr. %s\n\n",
		pick(r, corpusFamily), pick(r, corpusGiven), 1+r.IntN(12), 1+r.IntN(28), 1940+r.IntN(50), 10000000+r.IntN(89999999),
		1+r.IntN(10), 1+r.IntN(28), pick(r, otherFamily))
	paragraphs := clinicalParagraphs()
	for _, p := range paragraphs {
		b.WriteString(p)
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "Discussed with %s %s, who will help with medications; contact %s-555-%04d.\n\n", pick(r, relations), pick(r, otherGiven), digits(r, 3), r.IntN(10000))
		}
	}
	fmt.Fprintf(&b, "Electronically signed by %s %s, MD on %d/%d/2026 at 14:%02d.\n", pick(r, otherGiven), pick(r, otherFamily), 1+r.IntN(10), 1+r.IntN(28), r.IntN(60))
	return b.String()
}

// BenchmarkPseudonymizeProgressNotes pseudonymizes a record with 100
// progress notes of realistic length and identifier density (about 300 KB).
func BenchmarkPseudonymizeProgressNotes(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 4))
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	bldr := patient.NewBuilder(asOf, nil)
	bldr.SetDemographics(patient.Demographics{BirthDate: time.Date(1957, 3, 14, 0, 0, 0, 0, time.UTC), Sex: patient.SexFemale})
	bldr.SetIdentity(patient.Identity{Name: patient.HumanName{Given: []string{"Rosalind"}, Family: "Quarterfield"}})
	size := 0
	for k := range 100 {
		text := progressNote(r, k)
		size += len(text)
		bldr.AddNotes(patient.Note{Kind: "progress note", Time: asOf.AddDate(0, 0, -k), Text: text})
	}
	rec, err := bldr.Build()
	if err != nil {
		b.Fatal(err)
	}
	p := New(&Options{Rand: rand.NewChaCha8([32]byte{3})})
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Record(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
}

// corpusText is the planted-PHI corpus's notes, joined.
func corpusText(b *testing.B) string {
	var sb strings.Builder
	for _, cr := range corpus(b) {
		for _, n := range cr.rec.Notes() {
			sb.WriteString(n.Text)
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

// BenchmarkLex measures the tokenizer alone.
func BenchmarkLex(b *testing.B) {
	text := corpusText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var buf []tok
	for b.Loop() {
		buf = lex(text, buf)
	}
}

// BenchmarkScan measures the detectors alone, without resolution or
// replacement, on the planted-PHI corpus.
func BenchmarkScan(b *testing.B) {
	text := corpusText(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	sc := newScanner(newLexicon(), modeIdentifiers, frame{asOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	for b.Loop() {
		sc.scan(text)
	}
}

// clinicalParagraphs are the sections of a synthetic progress note, with no
// identifier in them.
func clinicalParagraphs() []string {
	return []string{
		"HISTORY OF PRESENT ILLNESS: The patient is a pleasant adult with type 2 diabetes mellitus, essential hypertension and stage 3a chronic kidney disease who presents for routine follow-up. Reports good adherence to metformin and lisinopril. Checks fasting glucose most mornings with readings between 130 and 180 mg/dL. Denies polyuria, polydipsia, blurred vision, chest pain or shortness of breath. Occasional light-headedness on standing, especially in the morning before breakfast. No falls. Walking about twenty minutes three times a week. Diet has been inconsistent over the holidays.\n\n",
		"REVIEW OF SYSTEMS: Constitutional: no fever, chills or weight loss. Eyes: no vision changes. Cardiovascular: no palpitations, no edema. Respiratory: no cough or wheeze. Gastrointestinal: no nausea, vomiting, diarrhea or abdominal pain. Genitourinary: nocturia once nightly. Musculoskeletal: chronic bilateral knee pain, worse with stairs. Neurological: intermittent numbness of both feet. Psychiatric: mood stable, sleeping well. All other systems reviewed and negative.\n\n",
		"PHYSICAL EXAMINATION: BP 142/88, HR 76, RR 16, Temp 98.2 F, SpO2 97% on room air, weight 92.4 kg, BMI 31.2. General: well appearing, in no acute distress. HEENT: moist mucous membranes. Neck: no thyromegaly or lymphadenopathy. Heart: regular rate and rhythm, no murmurs. Lungs: clear to auscultation bilaterally. Abdomen: soft, non-tender. Extremities: no edema; diminished monofilament sensation at both great toes; pedal pulses palpable. Skin: no ulcers.\n\n",
		"RESULTS: Hemoglobin A1c 8.1 % (previously 7.6 %). eGFR 52 mL/min/1.73m2, stable. Urine albumin/creatinine ratio 45 mg/g. LDL cholesterol 112 mg/dL. Potassium 4.6 mmol/L. TSH within normal limits. ECG shows normal sinus rhythm without ischemic changes.\n\n",
		"ASSESSMENT AND PLAN: 1. Type 2 diabetes mellitus, above goal. Discussed options; will add an SGLT2 inhibitor given CKD and albuminuria, pending review. Continue metformin at current dose given eGFR above 45. Reinforced hypoglycemia recognition. 2. Hypertension, not at goal. Continue lisinopril; recheck home readings in two weeks. Hold lisinopril if systolic pressure below 100 or if light-headed. 3. CKD stage 3a with albuminuria: monitor eGFR and potassium in three months. Avoid NSAIDs. 4. Hyperlipidemia: start moderate-intensity statin, recheck lipids in twelve weeks. 5. Diabetic peripheral neuropathy: daily foot inspection, podiatry referral. 6. History of Hashimoto thyroiditis, stable. Follow up in three months or sooner as needed.\n\n",
	}
}

package deid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
)

// Everything in these tests is invented.

// constReader is a random source that always reads the same byte: with
// byte 0 the shift is +MinShiftDays, with byte 1 it is -MinShiftDays.
type constReader byte

func (c constReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(c)
	}
	return len(b), nil
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

// shifter returns a Pseudonymizer that shifts dates by exactly days.
func shifter(days int) *deid.Pseudonymizer {
	var c constReader
	if days < 0 {
		c, days = 1, -days
	}
	return deid.New(&deid.Options{Rand: c, MinShiftDays: days, MaxShiftDays: days})
}

// record returns the fixture patient (Rosalind Quarterfield) with a note.
func record(t testing.TB, notes ...string) *patient.Record {
	t.Helper()
	b := fixture.MultiMorbidBuilder()
	for i, n := range notes {
		b.AddNotes(patient.Note{Kind: "progress note", Author: "Dr. Ignatius Vole", Time: fixture.Day("2026-10-20").AddDate(0, 0, i), Text: n})
	}
	rec, err := b.Build()
	require.NoError(t, err)
	return rec
}

func pseudoNotes(t testing.TB, p *deid.Pseudonymizer, rec *patient.Record) ([]string, *deid.Mapping) {
	t.Helper()
	out, m, err := p.Record(t.Context(), rec)
	require.NoError(t, err)
	var texts []string
	for _, n := range out.Notes() {
		texts = append(texts, n.Text)
	}
	return texts, m
}

func TestRecordStructure(t *testing.T) {
	rec := record(t, "Seen with daughter Philippa. Call 614-555-0148.")
	out, m, err := shifter(-40).Record(t.Context(), rec)
	require.NoError(t, err)

	assert.Equal(t, rec.FactIDs(), out.FactIDs(), "the plan cites the original IDs, so the pseudonymized record keeps them")
	assert.Equal(t, patient.Identity{}, out.Identity(), "the identity is dropped")
	assert.Equal(t, -40, m.ShiftDays())
	assert.Equal(t, rec.AsOf().AddDate(0, 0, -40), out.AsOf(), "the as-of date moves with the other dates")
	assert.Equal(t, rec.Age(), out.Age(), "the age is kept")
	for i, c := range rec.Conditions() {
		assert.Equal(t, c.Onset.AddDate(0, 0, -40), out.Conditions()[i].Onset, "every structured date shifts by the same days")
	}
	for _, tm := range out.CareTeam() {
		assert.Equal(t, "[CLINICIAN_1]", tm.Name, "care-team names become placeholders")
		assert.Empty(t, tm.Organization)
		assert.Empty(t, tm.SourceID)
	}
	for _, n := range out.Notes() {
		assert.Equal(t, "[CLINICIAN_1]", n.Author, "note authors too")
	}
	assert.Empty(t, out.Demographics().SourceID)
	assert.NotEqual(t, rec.Fingerprint(), out.Fingerprint())
	notes := out.Notes()
	assert.Equal(t, "Reports light-headedness on standing. Daughter [RELATIVE_1] helps with pills.", notes[0].Text)
	assert.Equal(t, "Seen with daughter [RELATIVE_1]. Call [PHONE_1].", notes[1].Text,
		"one relative, one placeholder, across notes; the record's own phone number")
}

func TestFormats(t *testing.T) {
	// The fixture patient is Rosalind Quarterfield, MRN-4471902, 12
	// Juniper Lane, Millbrook OH 43210, 614-555-0148, born 1957-03-14;
	// her physician is Dr. Ignatius Vole. Dates shift by +40 days.
	tests := []struct {
		name, in, want string
		reason         string
	}{
		{"full name", "Rosalind Quarterfield called.", "[PATIENT] called.", "given and family name"},
		{"last, first", "QUARTERFIELD, ROSALIND presents.", "[PATIENT] presents.", "the header format of many notes"},
		{"last, first mixed case", "Quarterfield, Rosalind presents.", "[PATIENT] presents.", ""},
		{"last, initial", "Quarterfield, R. presents.", "[PATIENT] presents.", ""},
		{"title", "Mrs. Quarterfield is tired.", "Mrs. [PATIENT] is tired.", "the title stays, it is not an identifier"},
		{"initial", "R. Quarterfield is tired.", "[PATIENT] is tired.", ""},
		{"possessive", "Quarterfield's sugars are high.", "[PATIENT]'s sugars are high.", "the possessive stays outside the placeholder"},
		{"given name", "Rosalind agrees.", "[PATIENT] agrees.", "a given name alone"},
		{"clinician", "Per Dr. Vole, hold warfarin.", "Per Dr. [CLINICIAN_1], hold warfarin.", "care-team member"},
		{"clinician last first", "VOLE, IGNATIUS MD", "[CLINICIAN_1] MD", ""},
		{"other clinician", "Discussed with Dr. Amira Chen.", "Discussed with Dr. [CLINICIAN_2].", "a clinician the record does not hold"},
		{"credential", "Signed: Jane Roe, RN", "Signed: [CLINICIAN_2], RN", "a name before a credential"},
		{"relative", "Her husband Edgar drives her.", "Her husband [RELATIVE_2] drives her.", "a relative after a relation word ([RELATIVE_1] is the daughter of the first note)"},
		{"relative after", "Edgar (husband) drives her.", "[RELATIVE_2] (husband) drives her.", "a relation in parentheses after the name"},
		{"emergency contact", "Emergency contact: DOE, JANE", "Emergency contact: [RELATIVE_2]", "a label and LAST, FIRST"},
		{"person", "Spoke with Maria Lopez.", "Spoke with [PERSON_1].", "someone of no known role"},
		{"phone", "Call (614) 555-0148 x22.", "Call [PHONE_1].", "the record's phone, another format, with an extension"},
		{"other phone", "Cell: 617.555.0134", "Cell: [PHONE_2]", "a phone the record does not hold"},
		{"fax", "Fax: 617-555-0177", "Fax: [FAX_1]", "a fax after its label"},
		{"email", "Email r.q@example.net.", "Email [EMAIL_1].", ""},
		{"url", "See https://portal.example.org/me?id=5.", "See [URL_1].", ""},
		{"ssn", "SSN 123-45-6789.", "SSN [SSN_1].", ""},
		{"ssn digits", "SSN: 123456789", "SSN: [SSN_1]", "nine digits after the label"},
		{"mrn", "MRN: 4471902", "MRN: [MRN_1]", "the record's MRN without its prefix"},
		{"account", "Acct #: 99812345", "Acct #: [ACCOUNT_1]", ""},
		{"plan", "Medicare #: 1EG4-TE5-MK73", "Medicare #: [HEALTH_PLAN_1]", "a Medicare beneficiary identifier"},
		{"licence", "DL S99930817", "DL [LICENSE_1]", ""},
		{"device", "Pacemaker serial number PJN123456.", "Pacemaker serial number [DEVICE_1].", ""},
		{"vehicle", "VIN 1HGCM82633A004352", "VIN [VEHICLE_1]", ""},
		{"ip", "Uploaded from 10.1.2.3 today.", "Uploaded from [IP_1] today.", ""},
		{"code", "Ref X9793607X noted.", "Ref [ID_1] noted.", "a code mixing letters and digits, without a label"},
		{"address", "Lives at 12 Juniper Lane, Millbrook, OH 43210.", "Lives at [ADDRESS_1], [LOCATION_1], OH [ZIP_1].", "street, city and ZIP go; the state stays"},
		{"other address", "Moved to 77 Harbor View Road, Apt 4, Fall River, MA 02720.", "Moved to [ADDRESS_2], [LOCATION_2], MA [ZIP_2].", ""},
		{"po box", "Mail to P.O. Box 482.", "Mail to [ADDRESS_2].", ""},
		{"place", "She lives in New Bedford now.", "She lives in [LOCATION_2] now.", "a city after a cue"},
		{"iso date", "Seen 2026-10-15.", "Seen 2026-11-24.", "dates shift, formats stay"},
		{"us date", "Seen 10/15/2026.", "Seen 11/24/2026.", ""},
		{"padded", "Seen 03/04/2026.", "Seen 04/13/2026.", ""},
		{"two-digit year", "Seen 3/4/26.", "Seen 4/13/26.", ""},
		{"month name", "Seen March 4, 2026.", "Seen April 13, 2026.", ""},
		{"abbreviated", "Seen Mar. 4th, 2026.", "Seen Apr. 13th, 2026.", "ordinals follow the day"},
		{"day month", "Seen 4 March 2026.", "Seen 13 April 2026.", ""},
		{"dd-mon-yyyy", "Seen 04-MAR-2026.", "Seen 13-APR-2026.", ""},
		{"month year", "Since March 2026.", "Since April 2026.", "month precision shifts by whole months"},
		{"month only", "Worse since March.", "Worse since April.", ""},
		{"bare m/d", "Return on 3/4 at 10:30.", "Return on 4/13 at 10:30.", "a month and day after a date cue; times stay"},
		{"birth date", "DOB 03/14/1957.", "DOB 04/23/1957.", ""},
		{"old date", "Born 1/2/1931.", "Born (a date 90 or more years ago).", "a date indicative of an age over 89"},
		{"last year of the calendar", "Valid until 12/1/9999.", "Valid until (a date out of range).",
			"a date the shift would move past 9999 is replaced for good, never written with a five-digit year restoring could not read"},
		{"near the end of the calendar", "Valid until 10/1/9999.", "Valid until 11/10/9999.", "a date that stays within 9999 shifts"},
		{"age", "Her 93-year-old aunt visits.", "Her 90+-year-old aunt visits.", "ages over 89 are aggregated"},
		{"age after", "Grandmother died at age 97.", "Grandmother died at age 90+.", ""},
		{"young age", "A 67-year-old woman.", "A 67-year-old woman.", "ages up to 89 stay"},
		{"fraction", "Take 1/2 tab at night.", "Take 1/2 tab at night.", "a fraction is not a date"},
		{"blood pressure", "BP 142/88, HR 76.", "BP 142/88, HR 76.", "vitals are not dates or numbers to hide"},
		{"year alone", "Diagnosed in 2011.", "Diagnosed in 2011.", "Safe Harbor keeps years"},
		{"placeholder in input", "Note says [PATIENT] and CLINICIAN_3.", "Note says (PATIENT) and CLINICIAN-3.",
			"text that reads like a placeholder is neutralized, so restoring never mistakes it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, _ := pseudoNotes(t, shifter(40), record(t, tt.in))
			assert.Equal(t, tt.want, texts[1], tt.reason)
		})
	}
}

// TestLowerCaseNames: notes write names in lower case and in mixed case.
// The names the record holds (the patient's, the care team's, a note
// author's) are found in any case, and so are relatives named after a
// relation with a name the record holds.
func TestLowerCaseNames(t *testing.T) {
	tests := []struct {
		name, in, want string
		reason         string
	}{
		{"full name", "rosalind quarterfield called about her sugars", "[PATIENT] called about her sugars", "the patient's full name in lower case"},
		{"after a verb cue", "spoke with rosalind quarterfield today", "spoke with [PATIENT] today", ""},
		{"surname after pt", "pt quarterfield reports dizziness", "pt [PATIENT] reports dizziness", "a surname too rare to be a word is found alone"},
		{"mixed case", "Rosalind quarterfield reports dizziness", "[PATIENT] reports dizziness", "one word capitalized, one not"},
		{"upper case", "ROSALIND QUARTERFIELD reports dizziness", "[PATIENT] reports dizziness", "as before"},
		{"title", "mrs quarterfield reports dizziness", "mrs [PATIENT] reports dizziness", "as before"},
		{"last, first", "quarterfield, rosalind", "[PATIENT]", "the header format in lower case"},
		{"given name", "rosalind agrees with the plan", "[PATIENT] agrees with the plan", "the given name alone"},
		{"possessive", "quarterfield's sugars are high", "[PATIENT]'s sugars are high", ""},
		{"relative with the family name", "daughter philippa quarterfield helps with pills", "daughter [RELATIVE_1] helps with pills",
			"a relative after a relation word, known by the record's surname; the same relative as the fixture's first note"},
		{"relative with a given name that is a word", "son bob quarterfield drives her", "son [RELATIVE_2] drives her", ""},
		{"relative with a common given name", "daughter mary helps", "daughter [RELATIVE_2] helps", "a common given name after a relation"},
		{"person with a common given name", "spoke with mary about meals", "spoke with [PERSON_1] about meals", "after a name cue"},
		{"clinician", "ignatius vole called back", "[CLINICIAN_1] called back", "the care team's names too"},
		{"clinician surname", "per vole, hold warfarin", "per [CLINICIAN_1], hold warfarin", ""},
		{"city", "lives in millbrook", "lives in [LOCATION_1]", "a city of the record's address"},
		{"not a name", "spoke with pharmacy; daughter visited today", "spoke with pharmacy; daughter visited today",
			"words after a cue that are not names stay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, m := pseudoNotes(t, shifter(40), record(t, tt.in))
			assert.Equal(t, tt.want, texts[1], tt.reason)
			assert.NotContains(t, strings.ToLower(texts[1]), "quarterfield", "nothing of the name is left")
			_, err := m.RestoreText(texts[1])
			assert.NoError(t, err, "the placeholders are the mapping's own")
		})
	}
}

// TestCommonWordNames: a name that is also a common word ("Young",
// "Walker") is found capitalized or after a title, never in lower case
// without one, so clinical text keeps its words. That is the trade-off:
// "pt young female" keeps a word that is here the surname.
func TestCommonWordNames(t *testing.T) {
	tests := []struct {
		in, want string
		reason   string
	}{
		{"Young reports dizziness.", "[PATIENT] reports dizziness.", "capitalized: a name"},
		{"mrs young reports dizziness.", "mrs [PATIENT] reports dizziness.", "after a title: a name"},
		{"hannah young called.", "[PATIENT] called.", "the full name, with a distinctive word, in lower case"},
		{"Dr Walker called.", "Dr [CLINICIAN_1] called.", ""},
		{"daughter amelia young helps.", "daughter [RELATIVE_1] helps.", "a relative with the family name, after a relation word"},
		{"pt young female, uses a walker.", "pt young female, uses a walker.", "lower case with no title: words"},
		{"young adult onset; daughter young and well.", "young adult onset; daughter young and well.", "a lone common word after a relation is not a name"},
		{"walker at home; lewy body dementia ruled out.", "walker at home; lewy body dementia ruled out.", ""},
	}
	b := patient.NewBuilder(fixture.AsOf(), nil).
		SetDemographics(patient.Demographics{BirthDate: fixture.Day("1960-01-01"), Sex: patient.SexFemale}).
		SetIdentity(patient.Identity{Name: patient.HumanName{Given: []string{"Hannah"}, Family: "Young"}}).
		AddCareTeam(patient.CareTeamMember{Role: "primary care physician", Name: "Dr. Lewis Walker"})
	for i, tt := range tests {
		b.AddNotes(patient.Note{Time: fixture.AsOf().AddDate(0, 0, -i), Text: tt.in})
	}
	rec, err := b.Build()
	require.NoError(t, err)
	out, _, err := deid.New(nil).Record(t.Context(), rec)
	require.NoError(t, err)
	got := map[string]string{}
	for i, n := range rec.Notes() {
		got[n.Text] = out.Notes()[i].Text
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, got[tt.in], tt.reason)
	}
}

// TestEponyms: clinical eponyms and terms are not names, even when the
// patient's own surname is one (Hannah Graves) and her physician's too
// (Dr. Lewis Bell). Every false positive is listed.
func TestEponyms(t *testing.T) {
	sentences := []string{
		"History of Parkinson disease, on carbidopa-levodopa.", "Parkinson's disease with mild tremor.",
		"Hodgkin lymphoma in remission.", "Non-Hodgkin lymphoma ruled out.", "Bell palsy on the right, resolved.",
		"Bell's palsy in the past.", "Crohn disease flare last winter.", "Crohn's disease on mesalamine.",
		"Addison disease on hydrocortisone.", "History of Addison's.", "Graves disease treated with radioiodine.",
		"Graves' disease with ophthalmopathy.", "Cushing syndrome excluded.", "Hashimoto thyroiditis, euthyroid.",
		"Raynaud phenomenon in cold weather.", "Sjogren syndrome with dry eyes.", "Guillain-Barre syndrome in 2015.",
		"Alzheimer dementia, moderate.", "Huntington disease in the family.", "Wilson disease screening negative.",
		"Down syndrome.", "Marfan syndrome suspected.", "Kaposi sarcoma excluded.", "Burkitt lymphoma history.",
		"Barrett's esophagus on surveillance.", "Paget disease of bone.", "Dupuytren contracture of the right hand.",
		"Osgood-Schlatter disease as a teen.", "Meniere disease with vertigo.", "Tourette syndrome.", "Lyme disease treated.",
		"Epstein-Barr virus serology positive.", "Stevens-Johnson syndrome after sulfa.", "Positive Babinski sign.",
		"Negative Murphy sign.", "Tender at McBurney point.", "Apgar score 9.", "Glasgow Coma Scale 15.",
		"Foley catheter removed.", "Swan-Ganz catheter placed.", "Holter monitor for palpitations.",
		"Doppler ultrasound of the legs.", "Valsalva maneuver terminated the SVT.", "Whipple procedure in the past.",
		"Nissen fundoplication for reflux.", "Trendelenburg position.", "Korotkoff sounds audible.",
		"Cheyne-Stokes respirations overnight.", "Kussmaul breathing in DKA.", "Bence Jones protein detected.",
		"Lou Gehrig disease in his father.", "Mallory-Weiss tear on EGD.", "Zollinger-Ellison syndrome excluded.",
		"Kawasaki disease as a child.", "Lewy body dementia considered.", "Wernicke encephalopathy prophylaxis.",
		"Horner syndrome on the left.", "Charcot foot on the right.", "Mother has Parkinson disease.",
		"Father with Crohn's disease.", "FH: Sister - Lupus. Brother: Type 1 diabetes.",
		"Atrial Fibrillation on Eliquis.", "Chronic Kidney Disease stage 3a.", "Continue Metformin and Lasix.",
		"Hold metoprolol if HR < 55.", "Do not resuscitate order reviewed.", "Assessment and Plan reviewed.",
		"A1c 8.1 %, eGFR 52, BP 142/88.", "Take 1/2 tab at night.",
		// Lower case: the patient's and the physician's surnames are
		// eponyms, so they are never matched in lower case.
		"h/o graves disease, on methimazole.", "graves' ophthalmopathy stable.", "bell palsy on the left in 2019.",
		"bell's palsy resolved.", "parkinson disease, early.", "hodgkin lymphoma in remission.", "lewy body dementia considered.",
		"pt graves reports no palpitations.", "graves and bell were discussed.",
	}
	p := deid.New(nil)
	b := patient.NewBuilder(fixture.AsOf(), nil).
		SetDemographics(patient.Demographics{BirthDate: fixture.Day("1960-01-01"), Sex: patient.SexFemale}).
		SetIdentity(patient.Identity{Name: patient.HumanName{Given: []string{"Hannah"}, Family: "Graves"}}).
		AddCareTeam(patient.CareTeamMember{Role: "primary care physician", Name: "Dr. Lewis Bell"})
	for i, s := range sentences {
		b.AddNotes(patient.Note{Time: fixture.AsOf().AddDate(0, 0, -i), Text: s})
	}
	b.AddNotes(patient.Note{Time: fixture.AsOf().AddDate(-1, 0, 0), Text: "Mrs. Graves saw Dr. Bell about her Graves disease."})
	rec, err := b.Build()
	require.NoError(t, err)
	out, _, err := p.Record(t.Context(), rec)
	require.NoError(t, err)

	var fps []string
	notes := out.Notes()
	for i, n := range rec.Notes() {
		if n.Text != notes[i].Text && !strings.HasPrefix(n.Text, "Mrs. Graves") {
			fps = append(fps, fmt.Sprintf("%q -> %q", n.Text, notes[i].Text))
		}
		if strings.HasPrefix(n.Text, "Mrs. Graves") {
			assert.Equal(t, "Mrs. [PATIENT] saw Dr. [CLINICIAN_1] about her Graves disease.", notes[i].Text,
				"the same word is a name as a name and a disease as a disease")
		}
	}
	t.Logf("eponym corpus: %d sentences, %d false positives", len(sentences), len(fps))
	for _, f := range fps {
		t.Logf("false positive: %s", f)
	}
	assert.Empty(t, fps, "clinical eponyms and terms are not names")
}

func TestTokensNotDerived(t *testing.T) {
	a := record(t, "Seen with Dr. Amira Chen and wife Tess.")
	b := patient.NewBuilder(fixture.AsOf(), nil).
		SetDemographics(patient.Demographics{BirthDate: fixture.Day("1970-01-01"), Sex: patient.SexMale}).
		SetIdentity(patient.Identity{Name: patient.HumanName{Given: []string{"Otto"}, Family: "Brandvold"}}).
		AddCareTeam(patient.CareTeamMember{Role: "physician", Name: "Dr. Kwame Mensah"}).
		AddNotes(patient.Note{Time: fixture.AsOf(), Text: "Seen with Dr. Yusuf Demir and wife Ilse."})
	brec, err := b.Build()
	require.NoError(t, err)
	ta, _ := pseudoNotes(t, deid.New(nil), a)
	tb, _ := pseudoNotes(t, deid.New(nil), brec)
	assert.Equal(t, "Seen with Dr. [CLINICIAN_2] and wife [RELATIVE_2].", ta[1])
	assert.Equal(t, "Seen with Dr. [CLINICIAN_2] and wife [RELATIVE_1].", tb[0],
		"different people get the same placeholders: they are numbered by appearance, never derived from the name (45 CFR 164.514(c))")
}

func TestRestore(t *testing.T) {
	rec := record(t, "Daughter Philippa visits 10/15/2026; call 614-555-0148.")
	pseudo, m, err := shifter(40).Record(t.Context(), rec)
	require.NoError(t, err)
	require.Contains(t, pseudo.Notes()[1].Text, "visits 11/24/2026")

	plan := fixture.Plan(rec)
	plan.Summary = "Ask [RELATIVE_1] to help [PATIENT] after the visit of 11/24/2026; call [PHONE_1]."
	plan.Education[0].Topic = "Hypoglycemia for [RELATIVE_1]"
	plan.Goals[0].Source = "ADA Standards of Care, published 2024-12-09"
	plan.MedicationChanges[1].Rationale = "Per the FDA communication of 2016-04-08; eGFR 52 on 11/10/2026."
	before := plan.Clone()

	got, err := m.Restore(plan)
	require.NoError(t, err)
	assert.Equal(t, "Ask Philippa Quarterfield to help Rosalind Quarterfield after the visit of 10/15/2026; call 614-555-0148.", got.Summary,
		"placeholders become values and shifted dates real dates")
	assert.Equal(t, "Hypoglycemia for Philippa Quarterfield", got.Education[0].Topic)
	assert.Equal(t, "ADA Standards of Care, published 2024-12-09", got.Goals[0].Source, "dates in sources name guidelines: kept")
	assert.Equal(t, "Per the FDA communication of 2016-04-08; eGFR 52 on 10/01/2026.", got.MedicationChanges[1].Rationale,
		"only dates the pseudonymized record held move back (the eGFR's, shifted to 11/10/2026); the guideline's date stays")
	assert.Equal(t, before, plan, "the input plan is not modified")
	assert.Equal(t, plan.Problems[0].Citations, got.Problems[0].Citations, "citations are untouched")

	t.Run("unknown placeholders", func(t *testing.T) {
		bad := fixture.Plan(rec)
		bad.Summary = "Ask [RELATIVE_9] and [CLINICIAN_1 ] and [PATIENT_1]."
		bad.Tasks[0].Description = "Call [DOCTOR_NAME]; units mm[Hg] and [IU] are fine."
		got, err := m.Restore(bad)
		require.Error(t, err)
		assert.Nil(t, got)
		require.ErrorIs(t, err, deid.ErrUnknownToken)
		var te *deid.TokenError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "/summary", te.Field)
		assert.Equal(t, "[RELATIVE_9]", te.Token)
		msg := err.Error()
		for _, tok := range []string{"[RELATIVE_9]", "[PATIENT_1]", "[DOCTOR_NAME]", "/care_team_tasks/0/description"} {
			assert.Contains(t, msg, tok)
		}
		assert.NotContains(t, msg, "[IU]")
		assert.NotContains(t, msg, "Quarterfield", "errors never hold identifiers")
	})
	t.Run("variants", func(t *testing.T) {
		tests := []struct {
			in, want string
			reason   string
		}{
			{"[patient]", "Rosalind Quarterfield", "any letter case"},
			{"[Clinician_1]", "Ignatius Vole", ""},
			{"[CLINICIAN 1]", "Ignatius Vole", "a space for the underscore"},
			{"CLINICIAN_1 agrees", "Ignatius Vole agrees", "without brackets"},
			{"RELATIVE_12", "RELATIVE_12", "not issued: left, and reported"},
		}
		for _, tt := range tests {
			got, _ := m.RestoreText(tt.in)
			assert.Equal(t, tt.want, got, tt.reason)
		}
	})
}

func TestCheckPrompt(t *testing.T) {
	rec := record(t, "Daughter Philippa Quarterfield helps; she lives in Millbrook.")
	pseudo, m, err := deid.New(nil).Record(t.Context(), rec)
	require.NoError(t, err)
	msgs := careplan.Messages(pseudo, &careplan.PromptOptions{Deidentified: true})
	require.NoError(t, m.CheckPrompt(msgs), "the pseudonymized prompt holds no identifier")

	tests := []struct {
		name   string
		extra  string
		kinds  []deid.Kind
		reason string
	}{
		{"patient name", "Focus on Rosalind's diabetes.", []deid.Kind{deid.KindPatient}, "the caller's instructions are checked too"},
		{"relative", "Involve Philippa Quarterfield.", []deid.Kind{deid.KindRelative}, "a relative's full name found in a note"},
		{"phone", "Call 614 555 0148.", []deid.Kind{deid.KindPhone}, "another format of the record's phone"},
		{"birth date", "Born 1957-03-14.", []deid.Kind{deid.KindDate}, "the birth date"},
		{"clinician", "Ask Dr. Vole.", []deid.Kind{deid.KindClinician}, ""},
		{"place", "Patient from Millbrook.", []deid.Kind{deid.KindLocation}, ""},
		{"patient name in lower case", "Ask rosalind quarterfield.", []deid.Kind{deid.KindPatient}, "names the record holds, in any case"},
		{"patient surname in lower case", "Ask pt quarterfield.", []deid.Kind{deid.KindPatient}, ""},
		{"patient name mixed case", "Ask Rosalind quarterfield.", []deid.Kind{deid.KindPatient}, ""},
		{"clinician in lower case", "Ask ignatius vole.", []deid.Kind{deid.KindClinician}, ""},
		{"relative in lower case", "Involve philippa quarterfield.", []deid.Kind{deid.KindRelative}, "a full name found in a note, in any case"},
		{"place in lower case", "Patient from millbrook.", []deid.Kind{deid.KindLocation}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := append(msgs[:len(msgs):len(msgs)], providers.Message{Role: providers.RoleUser, Content: "Note: " + tt.extra})
			err := m.CheckPrompt(bad)
			require.ErrorIs(t, err, deid.ErrLeak, tt.reason)
			var le *deid.LeakError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.kinds, le.Kinds)
			assert.Equal(t, len(msgs), le.Message)
			assert.NotContains(t, err.Error(), strings.Fields(tt.extra)[1], "the error says what kind, never what")
		})
	}
	t.Run("eponym", func(t *testing.T) {
		ok := append(msgs[:len(msgs):len(msgs)], providers.Message{Role: providers.RoleUser, Content: "Rule out Graves disease; [PATIENT] agrees."})
		assert.NoError(t, m.CheckPrompt(ok))
	})
}

func TestSecrecy(t *testing.T) {
	rec := record(t, "Daughter Philippa Quarterfield, phone 614-555-0148.")
	_, m, err := deid.New(nil).Record(t.Context(), rec)
	require.NoError(t, err)
	ids, err := deid.New(nil).Identifiers(t.Context(), rec)
	require.NoError(t, err)
	holder := struct {
		M   *deid.Mapping
		V   deid.Mapping
		I   *deid.Identifiers
		Map map[string]any
	}{M: m, V: *m, I: ids, Map: map[string]any{"m": m}}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	log.Info("mapping", "m", m, "v", *m)
	outs := []string{logs.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs = append(outs, fmt.Sprintf(verb, m), fmt.Sprintf(verb, *m), fmt.Sprintf(verb, holder))
	}
	for _, o := range outs {
		for _, phi := range []string{"Philippa", "Quarterfield", "Rosalind", "614", "0148", "Vole"} {
			assert.NotContains(t, o, phi, "printing or logging a mapping shows no identifier: %s", o)
		}
	}
	_, err = json.Marshal(m)
	require.ErrorIs(t, err, deid.ErrSecret, "a mapping is never serialized")
	_, err = json.Marshal(holder)
	require.Error(t, err)
	_, err = m.MarshalText()
	require.ErrorIs(t, err, deid.ErrSecret)
	_, err = m.MarshalBinary()
	require.ErrorIs(t, err, deid.ErrSecret)
}

func TestErrors(t *testing.T) {
	rec := record(t)
	_, _, err := deid.New(nil).Record(t.Context(), nil)
	require.ErrorIs(t, err, deid.ErrNoRecord)
	_, _, err = deid.New(&deid.Options{Rand: failReader{}}).Record(t.Context(), rec)
	require.ErrorIs(t, err, deid.ErrRandom)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = deid.New(nil).Record(ctx, rec)
	require.ErrorIs(t, err, context.Canceled)
	_, err = deid.New(nil).Identifiers(t.Context(), nil)
	require.ErrorIs(t, err, deid.ErrNoRecord)
}

// TestZeroValues: a Mapping or Identifiers not made by a Pseudonymizer
// never panics: a mapping fails with ErrNoMapping, identifiers find
// nothing.
func TestZeroValues(t *testing.T) {
	plan := fixture.Plan(fixture.MultiMorbid())
	msgs := []providers.Message{{Role: providers.RoleUser, Content: "Rosalind Quarterfield"}}
	for _, tt := range []struct {
		name   string
		m      *deid.Mapping
		reason string
	}{
		{"zero", &deid.Mapping{}, "a Mapping declared, not made"},
		{"nil", nil, "a nil *Mapping"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.m.Restore(plan)
			assert.Nil(t, got, tt.reason)
			require.ErrorIs(t, err, deid.ErrNoMapping, tt.reason)
			text, err := tt.m.RestoreText("[PATIENT]")
			assert.Equal(t, "[PATIENT]", text, "the text is returned as it is")
			require.ErrorIs(t, err, deid.ErrNoMapping, tt.reason)
			require.ErrorIs(t, tt.m.CheckPrompt(msgs), deid.ErrNoMapping, "a mapping that knows nothing vouches for no prompt")
			assert.Zero(t, tt.m.ShiftDays())
		})
	}
	var ids deid.Identifiers
	assert.Empty(t, ids.Find("Rosalind Quarterfield, 614-555-0148"), "identifiers of no record: nothing to find")
	var nilIDs *deid.Identifiers
	assert.Empty(t, nilIDs.Find("Rosalind"))
}

func TestShift(t *testing.T) {
	tests := []struct {
		name   string
		born   string
		reason string
	}{
		{"ordinary", "1957-03-14", "an ordinary birthday"},
		{"leap day", "1960-02-29", "born on 29 February"},
		{"birthday at as-of", "1960-11-01", "the birthday is the as-of date"},
		{"day after", "1960-11-02", "the birthday is the day after"},
		{"over 89", "1913-01-13", "a centenarian"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := patient.NewBuilder(fixture.AsOf(), nil).
				SetDemographics(patient.Demographics{BirthDate: fixture.Day(tt.born), Sex: patient.SexFemale}).Build()
			require.NoError(t, err)
			p := deid.New(nil)
			seen := map[int]bool{}
			for range 200 {
				out, m, err := p.Record(t.Context(), rec)
				require.NoError(t, err)
				d := m.ShiftDays()
				seen[d] = true
				assert.GreaterOrEqual(t, max(d, -d), 30, "never a shift too small to hide a date")
				assert.LessOrEqual(t, max(d, -d), 365+2)
				assert.Equal(t, rec.Age(), out.Age(), "%s: the age at the as-of date is kept (shift %d)", tt.reason, d)
			}
			assert.Greater(t, len(seen), 100, "the shift is random")
		})
	}
}

func TestConcurrent(t *testing.T) {
	rec := record(t, "Daughter Philippa Quarterfield visits on 10/15/2026.")
	p := deid.New(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			out, m, err := p.Record(t.Context(), rec)
			if !assert.NoError(t, err) {
				return
			}
			restored, err := m.RestoreText(out.Notes()[1].Text)
			assert.NoError(t, err)
			assert.Equal(t, "Daughter Philippa Quarterfield visits on 10/15/2026.", restored)
			assert.NoError(t, m.CheckPrompt(careplan.Messages(out, &careplan.PromptOptions{Deidentified: true})))
		})
	}
	wg.Wait()
}

func TestIdentifiersFind(t *testing.T) {
	rec := record(t, "Daughter Philippa Quarterfield; her cell 617-555-0199.")
	ids, err := deid.New(nil).Identifiers(t.Context(), rec)
	require.NoError(t, err)
	text := "Rosalind, Philippa Quarterfield, cell 617 555 0199, MRN-4471902, SSN 123-45-6789, born 03/14/1957; Graves disease; call 1-800-555-0100."
	var got []string
	for _, x := range ids.Find(text) {
		got = append(got, fmt.Sprintf("%s/%s/%v:%s", x.Kind, x.Source, x.Full, text[x.Start:x.End]))
	}
	assert.Equal(t, []string{
		"PATIENT/identity/false:Rosalind",
		"RELATIVE/notes/true:Philippa Quarterfield",
		"PHONE/notes/true:617 555 0199",
		"MRN/identity/true:MRN-4471902",
		"SSN/pattern/true:123-45-6789",
		"DATE/identity/true:03/14/1957",
	}, got, "the record's identifiers and any SSN; not eponyms, not a public helpline")
}

func TestShiftedDatesKeepIntervals(t *testing.T) {
	rec := record(t, "A1c on 2026-04-02 and again on 2026-10-01.")
	out, m, err := deid.New(nil).Record(t.Context(), rec)
	require.NoError(t, err)
	d := m.ShiftDays()
	a := fixture.Day("2026-04-02").AddDate(0, 0, d).Format(time.DateOnly)
	b := fixture.Day("2026-10-01").AddDate(0, 0, d).Format(time.DateOnly)
	assert.Equal(t, "A1c on "+a+" and again on "+b+".", out.Notes()[1].Text)
}

package deid

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
)

// fuzzRecord is a record whose one note is text.
func fuzzRecord(text string) (*patient.Record, error) {
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return patient.NewBuilder(asOf, nil).
		SetDemographics(patient.Demographics{BirthDate: time.Date(1957, 3, 14, 0, 0, 0, 0, time.UTC), Sex: patient.SexFemale}).
		SetIdentity(patient.Identity{
			Name:        patient.HumanName{Given: []string{"Rosalind"}, Family: "Quarterfield"},
			Identifiers: []patient.Identifier{{Kind: patient.IdentifierMRN, Value: "MRN-4471902"}},
			Addresses:   []patient.Address{{Lines: []string{"12 Juniper Lane"}, City: "Millbrook", State: "OH", PostalCode: "43210"}},
			Telecom:     []patient.ContactPoint{{Kind: patient.ContactPhone, Value: "614-555-0148"}},
		}).
		AddCareTeam(patient.CareTeamMember{Role: "physician", Name: "Dr. Ignatius Vole"}).
		AddNotes(patient.Note{Time: asOf, Text: text}).
		Build()
}

// FuzzRestore pseudonymizes a note and restores it, and restores a
// model's reply.
//
// Properties: nothing panics; restoring the pseudonymized note never fails
// (its placeholders are the mapping's own) and gives the note back with
// every identifier written as its canonical value, every date as written
// and every other byte unchanged; a reply holding a placeholder the mapping never
// issued fails with ErrUnknownToken.
func FuzzRestore(f *testing.F) {
	seeds := []string{
		"Daughter Philippa Quarterfield visits 10/15/2026; call (614) 555-0148 or r.q@example.net.",
		"QUARTERFIELD, ROSALIND DOB 03/14/1957 MRN: 4471902. Seen by Dr. Vole on Oct 1, 2026.",
		"Lives at 12 Juniper Lane, Millbrook, OH 43210. 93-year-old aunt. SSN 123-45-6789.",
		"Labs 13/01/2026, 2026-04-02, March 2026, since May, on 3/4, 4th of March 2026, 04-MAR-26.",
		"Note says [PATIENT] and CLINICIAN_3 and [DOCTOR_NAME] and mm[Hg].",
		"Graves disease; Bell's palsy; Mrs. O'Halloran-Smith; wife Mary-Ann; Nadia Kim (interpreter).",
		"http://x.example.org/a?b=1 10.1.2.3 1EG4-TE5-MK73 S99930817 20260304",
		"", " ", "\x00\xff", "[", "[PATIENT", "Dr.", "12/31/99 2/29/00 1/1/1900 Dec 31",
	}
	for _, s := range seeds {
		f.Add(s, "Ask [RELATIVE_1] and [PATIENT] on 11/24/2026; [CLINICIAN_42].")
	}
	p := New(&Options{Rand: constByte(0), MinShiftDays: 40, MaxShiftDays: 40})
	f.Fuzz(func(t *testing.T, note, reply string) {
		rec, err := fuzzRecord(note)
		if err != nil {
			return // the builder rejects blank notes
		}
		out, m, err := p.Record(t.Context(), rec)
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		pseudo := out.Notes()[0].Text
		got, err := m.RestoreText(pseudo)
		if err != nil {
			t.Fatalf("restoring our own placeholders failed: %v\nnote %q\npseudo %q", err, note, pseudo)
		}
		if want := canonical(t, p, rec, note); got != want {
			t.Fatalf("round trip:\nnote   %q\npseudo %q\ngot    %q\nwant   %q", note, pseudo, got, want)
		}

		plan := &careplan.Plan{Summary: reply, Problems: []careplan.Problem{{Title: reply, Rationale: reply, Citations: []string{"C1"}}},
			Education: []careplan.Education{{Topic: reply, Source: reply}}}
		restored, err := m.Restore(plan)
		switch {
		case err == nil && restored == nil:
			t.Fatal("no plan and no error")
		case err != nil:
			var te *TokenError
			if !errors.Is(err, ErrUnknownToken) || !errors.As(err, &te) {
				t.Fatalf("Restore error is not a TokenError: %v", err)
			}
			if strings.Contains(err.Error(), "Quarterfield") {
				t.Fatal("the error names the patient")
			}
		case strings.Contains(reply, "[CLINICIAN_42]"):
			t.Fatal("an invented placeholder was accepted")
		}
	})
}

// canonical is what restoring the pseudonymized note must give: the note
// with each identifier as its entity's value and each date as written (or,
// when two texts of one date shift to the same text, as first written).
func canonical(t *testing.T, p *Pseudonymizer, rec *patient.Record, note string) string {
	st, err := p.discover(t.Context(), rec)
	if err != nil {
		t.Fatal(err)
	}
	fr := frame{asOf: rec.AsOf(), days: 40, months: 1, old: rec.AsOf().AddDate(-90, 0, 0)}
	spans := st.spansOf(note, fr)
	first := map[string]string{} // a shifted date's text to the first text it replaced
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		b.WriteString(note[at:sp.start])
		switch {
		case sp.repl != "":
			b.WriteString(sp.repl)
		case sp.date != nil:
			if _, ok := fr.moved(sp.date); !ok {
				b.WriteString(fr.renderDate(note, sp)) // too old: replaced for good
				break
			}
			w := fr.renderDate(note, sp)
			if _, ok := first[w]; !ok {
				first[w] = note[sp.start:sp.end]
			}
			b.WriteString(first[w])
		case sp.ent != nil:
			b.WriteString(sp.ent.value)
		}
		at = sp.end
	}
	b.WriteString(note[at:])
	return b.String()
}

type constByte byte

func (c constByte) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(c)
	}
	return len(b), nil
}

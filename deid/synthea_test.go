package deid_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
)

// syntheaDir returns the folder of the 16 Synthea R4 bundles: the
// CAREGUARD_SYNTHEA_DIR environment variable, or ../shared/testdata/synthea
// beside the module root. The test skips when it is absent: the bundles are
// shared test data, never copied into this repository.
func syntheaDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CAREGUARD_SYNTHEA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata", "synthea")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("Synthea bundles not found at %s (set CAREGUARD_SYNTHEA_DIR to the folder of the 16 Synthea R4 bundles)", dir)
	}
	return dir
}

// withNotes rebuilds rec with notes added. The Synthea bundles hold no
// notes, so the test writes some that name the patient the way clinicians
// do, with the record's own identifiers in several formats.
func withNotes(t *testing.T, rec *patient.Record, notes ...patient.Note) *patient.Record {
	t.Helper()
	b := patient.NewBuilder(rec.AsOf(), nil).SetDemographics(rec.Demographics()).SetIdentity(rec.Identity())
	b.AddConditions(rec.Conditions()...).AddMedications(rec.Medications()...).AddAllergies(rec.Allergies()...).
		AddObservations(rec.Observations()...).AddEncounters(rec.Encounters()...).AddProcedures(rec.Procedures()...).
		AddImmunizations(rec.Immunizations()...).AddCareTeam(rec.CareTeam()...).AddSocialNeeds(rec.SocialNeeds()...).
		AddNotes(rec.Notes()...).AddNotes(notes...)
	out, err := b.Build()
	require.NoError(t, err)
	return out
}

// plantedNotes writes notes about rec's patient that hold every kind of
// identifier the record has.
func plantedNotes(rec *patient.Record) []patient.Note {
	id := rec.Identity()
	given, family := strings.Join(id.Name.Given, " "), id.Name.Family
	born := rec.Demographics().BirthDate
	var lines []string
	lines = append(lines,
		fmt.Sprintf("%s, %s  DOB: %s  (%s)", strings.ToUpper(family), strings.ToUpper(given), born.Format("01/02/2006"), born.Format("January 2, 2006")),
		fmt.Sprintf("%s %s presents for follow-up. %s's wife Mary Jones was present.", given, family, family),
		fmt.Sprintf("Mr./Mrs. %s reports good adherence; %s. %s agrees with the plan.", family, given[:1]+". "+family, given),
	)
	for _, x := range id.Identifiers {
		lines = append(lines, fmt.Sprintf("Identifier (%s): %s", x.Kind, x.Value))
	}
	for _, a := range id.Addresses {
		lines = append(lines, fmt.Sprintf("Lives at %s, %s, %s %s.", strings.Join(a.Lines, ", "), a.City, a.State, a.PostalCode))
	}
	for _, c := range id.Telecom {
		lines = append(lines, fmt.Sprintf("Phone: %s", c.Value))
	}
	encs := rec.Encounters()
	if len(encs) > 0 {
		last := encs[len(encs)-1].Start
		lines = append(lines, fmt.Sprintf("Last seen %s (%s).", last.Format("1/2/2006"), last.Format(time.DateOnly)))
	}
	return []patient.Note{{Kind: "progress note", Author: "Dr. Yusuf Demir", Time: rec.AsOf(), Text: strings.Join(lines, "\n")}}
}

// identifiers lists what must never appear in a prompt: name words, address
// lines, words and numbers, the city, the postal code, every identifier
// value, phone numbers in their digits, and the birth date in several
// formats.
func identifiers(rec *patient.Record) []string {
	id := rec.Identity()
	var out []string
	for _, n := range append([]patient.HumanName{id.Name}, id.OtherNames...) {
		out = append(out, n.Given...)
		out = append(out, n.Family)
	}
	for _, a := range id.Addresses {
		out = append(out, a.Lines...)
		for _, l := range a.Lines {
			for _, w := range strings.Fields(l) {
				if len(w) > 4 {
					out = append(out, w) // "Daugherty"; short words such as "Apt" are not identifiers
				}
			}
		}
		out = append(out, a.City, a.PostalCode)
	}
	for _, x := range id.Identifiers {
		out = append(out, x.Value)
	}
	for _, c := range id.Telecom {
		out = append(out, c.Value, strings.NewReplacer("-", "", " ", "", "(", "", ")", "").Replace(c.Value))
	}
	born := rec.Demographics().BirthDate
	out = append(out, born.Format(time.DateOnly), born.Format("01/02/2006"), born.Format("1/2/2006"), born.Format("January 2, 2006"))
	return slices.DeleteFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" })
}

var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// TestSyntheaPromptsHoldNoIdentifiers pseudonymizes each of the 16 Synthea
// bundles, with a note that plants the record's own identifiers, and checks
// that none of them appears anywhere in the prompt, and that every date in
// the prompt is a shifted one: the prompt the fake model receives from the
// Generator and careplan.Messages with the notes included.
func TestSyntheaPromptsHoldNoIdentifiers(t *testing.T) {
	dir := syntheaDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, 16, "the shared folder holds the 16 bundles")
	p := deid.New(nil)
	for _, path := range files {
		name := strings.Join(strings.SplitN(filepath.Base(path), "_", 3)[:2], "_")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
			require.NoError(t, err)
			res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
			require.NoError(t, err)
			rec := withNotes(t, res.Record, plantedNotes(res.Record)...)

			family := strings.ToLower(rec.Identity().Name.Family)
			planted := false
			for _, n := range rec.Notes() {
				planted = planted || containsWord(strings.ToLower(n.Text), family)
			}
			require.True(t, planted, "control: the planted note names the patient")
			plain := strings.ToLower(careplan.RenderRecord(rec, &careplan.PromptOptions{IncludeNotes: true}))
			assert.False(t, containsWord(plain, family),
				"without pseudonymization the renderer still redacts the record's own names")

			pseudo, m, err := p.Record(t.Context(), rec)
			require.NoError(t, err)
			require.Equal(t, rec.FactIDs(), pseudo.FactIDs(), "fact IDs are kept")
			msgs := careplan.Messages(pseudo, &careplan.PromptOptions{Deidentified: true})
			require.NoError(t, m.CheckPrompt(msgs))

			model := fake.New(fake.Reply("not a plan"))
			g, err := careplan.NewGenerator(model, &careplan.GeneratorOptions{Pseudonymizer: p, MaxAttempts: 1})
			require.NoError(t, err)
			_, err = g.Draft(t.Context(), rec)
			require.ErrorIs(t, err, careplan.ErrAttemptsExhausted)
			require.Equal(t, 1, model.CallCount())
			sent := model.Calls()[0].Request.Messages

			for _, prompt := range [][]providers.Message{msgs, sent} {
				var all strings.Builder
				for _, msg := range prompt {
					all.WriteString(msg.Content)
					all.WriteByte('\n')
				}
				text := all.String()
				require.Contains(t, text, "<<<BEGIN N", "the note is in the prompt, fenced")
				lower := strings.ToLower(text)
				for _, s := range identifiers(rec) {
					assert.False(t, containsWord(lower, strings.ToLower(s)), "identifier %q in the prompt", s)
				}
				if rec.Age() > 89 {
					assert.Contains(t, text, "aged 90 or older", "ages over 89 are aggregated")
					assert.NotContains(t, text, fmt.Sprintf("%d-year-old", rec.Age()))
				}
			}

			// Every date in the prompt is a shifted one: equal to some
			// record date moved by the shift, never an original date that
			// is not also a shifted one.
			shifted, original := map[string]bool{}, map[string]bool{}
			for _, d := range recordDates(rec) {
				original[d.Format(time.DateOnly)] = true
				shifted[d.AddDate(0, 0, m.ShiftDays()).Format(time.DateOnly)] = true
			}
			for _, d := range isoDate.FindAllString(careplan.RenderRecord(pseudo, &careplan.PromptOptions{Deidentified: true}), -1) {
				assert.True(t, shifted[d] || !original[d], "an unshifted record date %s in the prompt", d)
				assert.True(t, shifted[d], "every date rendered is a shifted record date: %s", d)
			}
		})
	}
}

// containsWord reports whether s holds w delimited by non-alphanumerics.
func containsWord(s, w string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], w)
		if k < 0 {
			return false
		}
		a, b := i+k, i+k+len(w)
		if (a == 0 || !alnum(s[a-1])) && (b == len(s) || !alnum(s[b])) {
			return true
		}
		i = a + 1
	}
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }

// recordDates returns every date of the record's facts and its as-of date.
func recordDates(rec *patient.Record) []time.Time {
	out := []time.Time{rec.AsOf(), rec.Demographics().BirthDate}
	for _, c := range rec.Conditions() {
		out = append(out, c.Onset, c.Abatement)
	}
	for _, x := range rec.Medications() {
		out = append(out, x.Start, x.End)
	}
	for _, x := range rec.Allergies() {
		out = append(out, x.Recorded)
	}
	for _, x := range rec.Observations() {
		out = append(out, x.Effective)
	}
	for _, x := range rec.Encounters() {
		out = append(out, x.Start, x.End)
	}
	for _, x := range rec.Procedures() {
		out = append(out, x.Performed)
	}
	for _, x := range rec.Immunizations() {
		out = append(out, x.Date)
	}
	for _, x := range rec.SocialNeeds() {
		out = append(out, x.Recorded)
	}
	for _, x := range rec.Notes() {
		out = append(out, x.Time)
	}
	return slices.DeleteFunc(out, time.Time.IsZero)
}

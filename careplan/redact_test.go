package careplan_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers/fake"
)

// TestRenderRecordRedactsOwnIdentifiers: without a Pseudonymizer, the
// identifiers the record holds in structured fields never reach the prompt
// through the free text rendered beside them. The fixture patient is
// Rosalind Quarterfield, MRN-4471902, 12 Juniper Lane, 43210, 614-555-0148;
// her physician, and the author of her note, is Dr. Ignatius Vole.
func TestRenderRecordRedactsOwnIdentifiers(t *testing.T) {
	tests := []struct {
		name   string
		add    func(b *patient.Builder)
		want   string // in the rendered record
		gone   []string
		reason string
	}{
		{
			name: "social need",
			add: func(b *patient.Builder) {
				b.AddSocialNeeds(patient.SocialNeed{Description: "Lives with daughter Philippa Quarterfield, call 614-555-0199", Active: true, Recorded: fixture.Day("2026-10-15")})
			},
			want:   "Lives with daughter Philippa [redacted], call 614-555-0199: active",
			gone:   []string{"Quarterfield"},
			reason: "the patient's surname goes; a relative's given name and a number the record does not hold are not known to careplan",
		},
		{
			name: "allergy reaction",
			add: func(b *patient.Builder) {
				b.AddAllergies(patient.Allergy{Substance: fixture.SNOMED("91936005", "Allergy to penicillin"), Category: patient.AllergyMedication, Reaction: "rash per Dr. Ignatius Vole, MRN-4471902"})
			},
			want:   "reaction rash per Dr. [redacted], [redacted]",
			gone:   []string{"Ignatius", "Vole", "4471902"},
			reason: "a care-team name and the MRN",
		},
		{
			name: "dose text",
			add: func(b *patient.Builder) {
				b.AddMedications(fixture.Med(fixture.RxNorm("197361", "amlodipine 5 MG Oral Tablet"), "5 mg daily; ROSALIND to call (614) 555-0148 or 6145550148 if dizzy", patient.MedicationActive, "2026-01-01"))
			},
			want:   "5 mg daily; [redacted] to call [redacted] or [redacted] if dizzy",
			gone:   []string{"ROSALIND", "0148"},
			reason: "names in any case, the phone number in any punctuation",
		},
		{
			name: "code display",
			add: func(b *patient.Builder) {
				b.AddConditions(fixture.Active(fixture.SNOMED("73211009", "Diabetes (per R. Quarterfield-report)"), "2020-01-01"))
			},
			want:   "Diabetes (per R. [redacted]-report)",
			gone:   []string{"Quarterfield"},
			reason: "a display typed by a person can name the patient",
		},
		{
			name: "encounter reason and address",
			add: func(b *patient.Builder) {
				b.AddEncounters(patient.Encounter{Class: patient.EncounterHome, Type: fixture.SNOMED("439708006", "Home visit at 12 Juniper Lane, OH 43210"), Start: fixture.Day("2026-10-20")})
			},
			want:   "Home visit at [redacted], OH [redacted]",
			gone:   []string{"Juniper", "43210"},
			reason: "an address line and the postal code",
		},
		{
			name: "note text",
			add: func(b *patient.Builder) {
				b.AddNotes(patient.Note{Kind: "phone call", Time: fixture.Day("2026-10-21"), Text: "mrs quarterfield called; dr vole aware. Email rosa@example.net."})
			},
			want:   "mrs [redacted] called; dr [redacted] aware. Email rosa@example.net.",
			gone:   []string{"quarterfield", "vole"},
			reason: "notes the caller opted into are redacted too; an e-mail the record does not hold is not known",
		},
		{
			name: "clinical text",
			add: func(b *patient.Builder) {
				b.AddSocialNeeds(patient.SocialNeed{Description: "Needs a ride to the lab at 10:30; BP 142/88; A1c 8.1%; 2 tablets", Active: true, Recorded: fixture.Day("2026-10-15")})
			},
			want:   "Needs a ride to the lab at 10:30; BP 142/88; A1c 8.1%; 2 tablets: active",
			reason: "text without the record's identifiers is rendered as written",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fixture.MultiMorbidBuilder()
			tt.add(b)
			rec, err := b.Build()
			require.NoError(t, err)
			out := careplan.RenderRecord(rec, &careplan.PromptOptions{IncludeNotes: true})
			assert.Contains(t, out, tt.want, tt.reason)
			for _, g := range tt.gone {
				assert.NotContains(t, out, g, tt.reason)
			}
		})
	}
}

// TestRenderRecordKeepsPlaceholders: a pseudonymized record's care-team
// names are placeholders; they are not identifiers and nothing is
// redacted because of them.
func TestRenderRecordKeepsPlaceholders(t *testing.T) {
	b := patient.NewBuilder(fixture.AsOf(), nil).
		SetDemographics(patient.Demographics{BirthDate: fixture.Day("1957-03-14"), Sex: patient.SexFemale}).
		AddCareTeam(patient.CareTeamMember{Role: "primary care physician", Name: "[CLINICIAN_1]"}).
		AddNotes(patient.Note{Author: "[CLINICIAN_1]", Time: fixture.Day("2026-10-01"), Text: "Seen by [CLINICIAN_1], a clinician."})
	rec, err := b.Build()
	require.NoError(t, err)
	out := careplan.RenderRecord(rec, &careplan.PromptOptions{Deidentified: true})
	assert.Contains(t, out, "Seen by [CLINICIAN_1], a clinician.")
	assert.NotContains(t, out, careplan.Redacted)
}

// TestGeneratorWithoutPseudonymizer: a Generator with no Pseudonymizer,
// asking a local model, does not send the record's own identifiers that
// its free-text fields repeat (the reviewer's reproduction).
func TestGeneratorWithoutPseudonymizer(t *testing.T) {
	b := fixture.MultiMorbidBuilder()
	b.AddSocialNeeds(patient.SocialNeed{Description: "Lives with daughter Philippa Quarterfield, call 614-555-0148", Active: true, Recorded: fixture.Day("2026-10-15")})
	b.AddAllergies(patient.Allergy{Substance: fixture.SNOMED("91936005", "Allergy to penicillin"), Category: patient.AllergyMedication, Reaction: "rash per Dr. Ignatius Vole, MRN-4471902"})
	rec, err := b.Build()
	require.NoError(t, err)
	m := fake.NewWithOptions(&fake.Options{Local: true}, fake.Reply("{}"))
	g, err := careplan.NewGenerator(m, &careplan.GeneratorOptions{MaxAttempts: 1})
	require.NoError(t, err)
	_, _ = g.Draft(t.Context(), rec)
	require.NotEmpty(t, m.Calls())
	var prompt strings.Builder
	for _, msg := range m.Calls()[0].Request.Messages {
		prompt.WriteString(msg.Content)
	}
	for _, phi := range []string{"Quarterfield", "614-555-0148", "Ignatius", "Vole", "4471902"} {
		assert.NotContains(t, prompt.String(), phi, "the record's own identifiers are redacted from free text")
	}
	assert.Contains(t, prompt.String(), "withheld", "notes stay out without a pseudonymizer")
}

package validate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/validate"
)

// phiRecord is the fixture patient (Rosalind Quarterfield, MRN-4471902,
// 12 Juniper Lane, Millbrook OH 43210, 614-555-0148, born 1957-03-14, Dr.
// Ignatius Vole) whose notes also name her daughter Philippa and a
// neighbour's phone number.
func phiRecord(t *testing.T) *patient.Record {
	t.Helper()
	b := fixture.MultiMorbidBuilder()
	b.AddNotes(patient.Note{Kind: "phone call", Time: fixture.Day("2026-10-20"),
		Text: "Neighbor Tom Brandvold (cell 617-555-0199) checks on her."})
	rec, err := b.Build()
	require.NoError(t, err)
	return rec
}

func TestPHI(t *testing.T) {
	rec := phiRecord(t)
	v := validate.NewPHI(nil)
	tests := []struct {
		name   string
		edit   func(p *careplan.Plan)
		prompt string
		want   []string // rule IDs
		items  []string
		reason string
	}{
		{name: "clean", edit: func(*careplan.Plan) {}, reason: "the fixture plan holds no identifier"},
		{name: "names of patient and team", edit: func(p *careplan.Plan) {
			p.Summary = "Rosalind Quarterfield to see Dr. Vole; Graves disease excluded. Diabetes line 1-800-555-0100."
			p.Education[0].Topic = "Hypoglycemia, for Rosalind"
		}, reason: "the chart is hers: her name, her physician's, eponyms and public numbers are fine"},
		{name: "mrn", edit: func(p *careplan.Plan) { p.Tasks[0].Rationale = "MRN-4471902 transport benefit." },
			want: []string{validate.RulePHIDraft}, items: []string{"task-1"}, reason: "a record number never belongs in a plan"},
		{name: "phone in patient text", edit: func(p *careplan.Plan) { p.FollowUps[0].Description = "Call her at (614) 555-0148" },
			want: []string{validate.RulePHIDraft}, items: []string{"followup-1"}, reason: "the record's phone in any format"},
		{name: "note phone", edit: func(p *careplan.Plan) { p.Summary = "Neighbor reachable at 617 555 0199." },
			want: []string{validate.RulePHIDraft}, reason: "a number a note gives"},
		{name: "address", edit: func(p *careplan.Plan) { p.Referrals[0].Reason = "Home visit at 12 Juniper Lane, OH 43210." },
			want: []string{validate.RulePHIDraft}, items: []string{"referral-1"}, reason: "street address and ZIP"},
		{name: "birth date", edit: func(p *careplan.Plan) { p.Goals[0].Rationale = "Born 03/14/1957." },
			want: []string{validate.RulePHIDraft}, items: []string{"goal-1"}, reason: "the birth date in another format"},
		{name: "ssn shape", edit: func(p *careplan.Plan) { p.Summary = "SSN 123-45-6789 on file." },
			want: []string{validate.RulePHIDraft}, reason: "any SSN-shaped number"},
		{name: "relative in patient-facing text", edit: func(p *careplan.Plan) { p.Education[0].Topic = "Teach Philippa Quarterfield to spot lows" },
			want: []string{validate.RulePHIThirdParty}, items: []string{"education-1"}, reason: "a relative named in a note, in text the patient's portal shows"},
		{name: "neighbour in goal", edit: func(p *careplan.Plan) { p.Goals[0].Description = "Tom to check glucose log weekly" },
			want: []string{validate.RulePHIThirdParty}, items: []string{"goal-1"}, reason: "any third party a note names"},
		{name: "relative in rationale", edit: func(p *careplan.Plan) { p.Education[0].Rationale = "Philippa helps with pills." },
			reason: "clinician-facing text may name the people who help"},
		{name: "prompt", edit: func(*careplan.Plan) {}, prompt: "PATIENT RECORD ... Daughter Philippa Quarterfield helps with pills.",
			want: []string{validate.RulePHIPrompt}, reason: "an identifier in the outbound prompt"},
		{name: "pseudonymized prompt", edit: func(*careplan.Plan) {}, prompt: "PATIENT RECORD ... Daughter [RELATIVE_1] helps; Graves disease.",
			reason: "placeholders and eponyms are fine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			tt.edit(p)
			fs, err := v.Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, p), Prompt: tt.prompt})
			require.NoError(t, err)
			var rules []string
			for _, f := range fs {
				rules = append(rules, f.RuleID)
				assert.Equal(t, validate.SeverityCritical, f.Severity, "a PHI leak is critical")
				assert.Equal(t, validate.CategoryPHI, f.Category)
				for _, phi := range []string{"Quarterfield", "Philippa", "4471902", "555-0148", "0199", "Juniper", "1957", "6789", "Tom"} {
					assert.NotContains(t, f.Message, phi, "findings never repeat the identifier")
				}
				if tt.items != nil {
					assert.Equal(t, tt.items, f.ItemIDs)
				}
			}
			assert.Equal(t, tt.want, rules, tt.reason)
		})
	}

	_, err := v.Validate(t.Context(), &validate.Input{Record: rec})
	require.ErrorIs(t, err, validate.ErrInvalidInput)
}

// TestPHIRestoredDraft: a draft restored from placeholders names the
// patient and her clinician; that is not a leak, but a relative in an
// education topic is.
func TestPHIRestoredDraft(t *testing.T) {
	rec := phiRecord(t)
	_, m, err := deid.New(nil).Record(t.Context(), rec)
	require.NoError(t, err)
	p := fixture.Plan(rec)
	p.Summary = "[PATIENT] to follow up with Dr. [CLINICIAN_1]."
	p.Education[0].Topic = "Hypoglycemia for [RELATIVE_1]"
	restored, err := m.Restore(p)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(restored.Summary, "Rosalind Quarterfield"))
	fs, err := validate.NewPHI(nil).Validate(t.Context(), &validate.Input{Record: rec, Draft: fixture.Draft(rec, restored)})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, validate.RulePHIThirdParty, fs[0].RuleID)
	assert.Equal(t, []string{"education-1"}, fs[0].ItemIDs)
}

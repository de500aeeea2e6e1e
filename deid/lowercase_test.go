package deid

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
)

// TestPromptWordsNotNames: names the record holds are matched in any
// letter case only when they are not words the lexicon knows. The words of
// careplan's own prompt are among those, so a patient whose surname is one
// ("Record", "Rules", "Label") never makes Mapping.CheckPrompt reject the
// prompt's own text.
func TestPromptWordsNotNames(t *testing.T) {
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rec, err := patient.NewBuilder(asOf, nil).
		SetDemographics(patient.Demographics{BirthDate: time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC), Sex: patient.SexFemale,
			Language: "en", PreferredChannel: patient.ChannelPhone, HealthLiteracy: patient.LiteracyLimited}).
		AddNotes(patient.Note{Time: asOf, Text: "x"}).
		Build()
	require.NoError(t, err)
	r := newRegistry(newLexicon())
	seen := map[string]bool{}
	for _, deidentified := range []bool{false, true} {
		for _, m := range careplan.Messages(rec, &careplan.PromptOptions{Deidentified: deidentified, IncludeNotes: true}) {
			for _, tk := range lex(m.Content, nil) {
				if tk.kind != tWord {
					continue
				}
				w := strings.ToLower(m.Content[tk.start:tk.end])
				if seen[w] || strings.HasPrefix(w, "note-") { // the fence, hex derived from the notes
					continue
				}
				seen[w] = true
				assert.False(t, r.distinctive(w), "the prompt's word %q would be matched as a lower-case name", w)
			}
		}
	}
	require.Greater(t, len(seen), 150, "the prompt's vocabulary was read")
}

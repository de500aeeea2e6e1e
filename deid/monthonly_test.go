package deid

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A month written alone ("since May") is shifted like any date, so it must
// come back on restore, although it has no digit and although the cue word
// before it may itself have been replaced (found by FuzzRestore).
func TestRestoreBareMonths(t *testing.T) {
	p := New(&Options{Rand: constByte(0), MinShiftDays: 40, MaxShiftDays: 40})
	tests := []struct {
		note   string
		reason string
	}{
		{"Dizzy since May.", "no digit in the text: restore must still look for dates"},
		{"Dizzy since May, worse in June.", "two bare months, each back to its own original"},
		{"2026since May n6", "the cue 'since' went into an identifier placeholder, so the month is found by its text"},
	}
	for _, tt := range tests {
		t.Run(tt.note, func(t *testing.T) {
			rec, err := fuzzRecord(tt.note)
			require.NoError(t, err)
			out, m, err := p.Record(t.Context(), rec)
			require.NoError(t, err)
			pseudo := out.Notes()[0].Text
			require.NotEqual(t, tt.note, pseudo, "the month is shifted")
			got, err := m.RestoreText(pseudo)
			require.NoError(t, err)
			assert.Equal(t, tt.note, got, tt.reason)
		})
	}
}

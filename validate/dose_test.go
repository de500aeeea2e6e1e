package validate

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseDoseText(t *testing.T) {
	tests := []struct {
		text   string
		unitMG float64
		want   float64 // 0: unreadable
		reason string
	}{
		{"20 mg once daily", 0, 20, "amount and schedule"},
		{"40 mg daily", 0, 40, "daily alone"},
		{"10 mg twice a day", 0, 20, "twice a day"},
		{"500 mg BID", 0, 1000, "abbreviation"},
		{"500 mg b.i.d.", 0, 1000, "abbreviation with periods"},
		{"1 tablet twice daily", 20, 40, "tablets times the product strength"},
		{"two tablets daily", 10, 20, "a number word"},
		{"0.125 mg every day", 0, 0.125, "decimal amount"},
		{"125 mcg daily", 0, 0.125, "micrograms"},
		{"25 mg at bedtime", 0, 25, "at bedtime is once a day"},
		{"5 mg every 12 hours", 0, 10, "every N hours"},
		{"5 mg q8h", 0, 15, "qNh"},
		{"10 mg 3 times daily", 0, 30, "N times daily"},
		{"70 mg once weekly", 0, 10, "weekly"},
		{"20 mg daily, 20 mg daily", 0, 20, "the same amount and schedule repeated"},
		{"1 tablet daily", 0, 0, "tablets without a known strength"},
		{"1-2 tablets daily", 10, 0, "a range"},
		{"10 mg to 20 mg daily", 0, 0, "a range in words"},
		{"20 mg as needed", 0, 0, "as needed is not a schedule"},
		{"20 mg daily prn pain", 0, 0, "prn is not a schedule"},
		{"10 mg in the morning and 20 mg at night", 0, 0, "two amounts"},
		{"20 mg twice daily at bedtime", 0, 0, "two schedules that disagree"},
		{"20 mg", 0, 0, "no schedule"},
		{"daily", 0, 0, "no amount"},
		{"2 mg/ml daily", 0, 0, "a concentration is not an amount"},
		{"", 0, 0, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := parseDoseText(tt.text, tt.unitMG)
			if tt.want == 0 {
				assert.False(t, ok, "%s: got %v", tt.reason, got)
				return
			}
			if assert.True(t, ok, tt.reason) {
				assert.InDelta(t, tt.want, got, 1e-9, tt.reason)
			}
		})
	}
}

func TestParseStrengthMG(t *testing.T) {
	tests := []struct {
		name   string
		want   float64
		reason string
	}{
		{"Simvastatin 20 MG Oral Tablet", 20, "an SCD name"},
		{"Digoxin 0.125 MG Oral Tablet", 0.125, "decimal strength"},
		{"24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", 500, "24 HR is not a strength"},
		{"Levothyroxine Sodium 75 MCG Oral Tablet", 0.075, "micrograms"},
		{"Chlorpheniramine Maleate 2 MG/ML Oral Solution", 0, "a concentration"},
		{"Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", 0, "a dose per actuation"},
		{"{7 (A 10 MG Oral Tablet) / 7 (A 20 MG Oral Tablet)} Pack", 0, "two strengths: ambiguous"},
		{"Diazepam [Valium]", 0, "no strength"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStrengthMG(tt.name)
			if tt.want == 0 {
				assert.False(t, ok, tt.reason)
				return
			}
			if assert.True(t, ok, tt.reason) {
				assert.InDelta(t, tt.want, got, 1e-12, tt.reason)
			}
		})
	}
}

func TestRoute(t *testing.T) {
	tests := []struct {
		name         string
		local, exrel bool
		reason       string
	}{
		{"Diclofenac Sodium 10 MG/ML Topical Gel", true, false, "topical"},
		{"60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler", true, false, "inhaled"},
		{"Mirena 52 MG Intrauterine System", true, false, "intrauterine"},
		{"timolol 5 MG/ML Ophthalmic Solution", true, false, "eye drops"},
		{"Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", false, false, "sublingual nitroglycerin acts systemically"},
		{"fentanyl 0.025 MG/HR Transdermal System", false, false, "transdermal fentanyl acts systemically"},
		{"24 HR nifedipine 30 MG Extended Release Oral Tablet", false, true, "extended release"},
		{"nifedipine 10 MG Oral Capsule", false, false, "immediate release"},
		{"Warfarin Sodium 5 MG Oral Tablet", false, false, "oral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.local, localRoute(tt.name), tt.reason)
			assert.Equal(t, tt.exrel, extendedRelease(tt.name), tt.reason)
		})
	}
}

// FuzzParseDoseText checks that the dose reader never panics, that what it
// reads is a finite positive daily dose, and that a well-formed instruction
// it builds itself reads back exactly.
func FuzzParseDoseText(f *testing.F) {
	for _, s := range []string{"20 mg once daily", "1 tablet twice daily", "500 mg b.i.d.", "5 mg q8h", "1-2 tabs prn",
		"0.125 mg every day", "70 mg once weekly", "10 mg 3 times daily", "", ".5 mg daily", "1e309 mg daily", "٣ mg daily"} {
		f.Add(s, 20.0, 10.0)
	}
	f.Fuzz(func(t *testing.T, text string, unitMG, amount float64) {
		if got, ok := parseDoseText(text, unitMG); ok && (!(got > 0) || math.IsInf(got, 0) || math.IsNaN(got)) {
			t.Fatalf("parseDoseText(%q, %v) = %v, true: not a finite positive dose", text, unitMG, got)
		}
		if !(amount > 0) || amount > 1e6 || math.IsNaN(amount) {
			return
		}
		// Round trip: a canonical instruction reads back as written.
		s := strconv.FormatFloat(amount, 'f', -1, 64)
		for _, tc := range []struct {
			text string
			want float64
		}{{s + " mg twice daily", 2 * amount}, {s + " mg daily", amount}} {
			got, ok := parseDoseText(tc.text, unitMG)
			if !ok || math.Abs(got-tc.want) > 1e-9*tc.want {
				t.Fatalf("parseDoseText(%q) = %v, %v; want %v", tc.text, got, ok, tc.want)
			}
		}
	})
}

// FuzzParseStrengthMG checks that the strength reader never panics, reads
// only finite positive strengths, and reads back a canonical RxNorm-style
// name.
func FuzzParseStrengthMG(f *testing.F) {
	for _, s := range []string{"Simvastatin 20 MG Oral Tablet", "Digoxin 0.125 MG Oral Tablet", "2 MG/ML", "{7 (A 10 MG) / 7 (A 20 MG)} Pack", ""} {
		f.Add(s, 20.0)
	}
	f.Fuzz(func(t *testing.T, name string, strength float64) {
		if got, ok := parseStrengthMG(name); ok && (!(got > 0) || math.IsInf(got, 0)) {
			t.Fatalf("parseStrengthMG(%q) = %v, true", name, got)
		}
		if !(strength > 0) || strength > 1e6 {
			return
		}
		s := "Drug " + strconv.FormatFloat(strength, 'f', -1, 64) + " MG Oral Tablet"
		if got, ok := parseStrengthMG(s); !ok || math.Abs(got-strength) > 1e-9*strength {
			t.Fatalf("parseStrengthMG(%q) = %v, %v", s, got, ok)
		}
	})
}

package validate

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestExtractClaims(t *testing.T) {
	type lab struct {
		kind   labKind
		v, v2  float64
		date   string
		phrase string // text[start:end]
	}
	tests := []struct {
		text   string
		labs   []lab
		ages   []int
		reason string
	}{
		{"Latest HbA1c 8.1% on 2026-10-01.", []lab{{labHbA1c, 8.1, 0, "2026-10-01", "HbA1c 8.1% on 2026-10-01"}}, nil, "the drafter's own wording"},
		{"HbA1c of 6.8 %", []lab{{labHbA1c, 6.8, 0, "", "HbA1c of 6.8 %"}}, nil, "filler word and a spaced unit"},
		{"hemoglobin A1c was 7.2", []lab{{labHbA1c, 7.2, 0, "", "hemoglobin A1c was 7.2"}}, nil, "two-word name"},
		{"HbA1c below 7%", nil, nil, "a target"},
		{"HbA1c goal < 7 %", nil, nil, "a goal"},
		{"Latest HbA1c 8.1% is not below the 8% goal", []lab{{labHbA1c, 8.1, 0, "", "HbA1c 8.1%"}}, nil, "the second number is the goal"},
		{"No HbA1c on record: measure now", nil, nil, "'on' without a date ends the claim"},
		{"HbA1c on 2026-10-01 was 8.1%", []lab{{labHbA1c, 8.1, 0, "2026-10-01", "HbA1c on 2026-10-01 was 8.1%"}}, nil, "date before the value"},
		{"HbA1c 53 mmol/mol", nil, nil, "IFCC units are not compared"},
		{"HbA1c rose from 7.6% to 8.1%", nil, nil, "a change, not one result"},
		{"eGFR 41.6 on 2020-09-17 is below 45.", []lab{{labEGFR, 41.6, 0, "2020-09-17", "eGFR 41.6 on 2020-09-17"}}, nil, "the threshold after is not a claim"},
		{"do not start metformin while eGFR is 30-45", nil, nil, "a range"},
		{"eGFR 30 to 45", nil, nil, "a range in words"},
		{"CKD with eGFR at least 20", nil, nil, "at least: a threshold"},
		{"eGFR is at or above 45", nil, nil, "at or above: a threshold"},
		{"eGFR ≥ 60", nil, nil, "a comparison symbol"},
		{"eGFR 52 mL/min/1.73 m2 (2026-10-01)", []lab{{labEGFR, 52, 0, "2026-10-01", "eGFR 52 mL/min/1.73 m2 (2026-10-01)"}}, nil, "unit and a bracketed date"},
		{"UACR 45 mg/g on 2026-10-01", []lab{{labUACR, 45, 0, "2026-10-01", "UACR 45 mg/g on 2026-10-01"}}, nil, "albuminuria"},
		{"urine albumin-to-creatinine ratio 45 mg/g", []lab{{labUACR, 45, 0, "", "urine albumin-to-creatinine ratio 45 mg/g"}}, nil, "long name with hyphens"},
		{"UACR 30-299 mg/g", nil, nil, "a range"},
		{"LDL cholesterol 112 mg/dL", []lab{{labLDL, 112, 0, "", "LDL cholesterol 112 mg/dL"}}, nil, "LDL"},
		{"LDL-C 2.9 mmol/L", nil, nil, "mmol/L is not compared"},
		{"BP 142/88", []lab{{labBP, 142, 88, "", "BP 142/88"}}, nil, "blood pressure pair"},
		{"Latest blood pressure 142/88 mmHg on 2026-10-15.", []lab{{labBP, 142, 88, "2026-10-15", "blood pressure 142/88 mmHg on 2026-10-15"}}, nil, "the drafter's wording"},
		{"Blood pressure below 130/80 mmHg", nil, nil, "a target"},
		{"goal <130/80 mmHg", nil, nil, "a goal without a label"},
		{"It was 150/92 mmHg today", []lab{{labBP, 150, 92, "", "150/92 mmHg"}}, nil, "an unlabelled reading with its unit"},
		{"ratio 3/4 of visits", nil, nil, "a fraction is not a reading"},
		{"HbA1c 2026", nil, nil, "a year after a name is not a result"},
		{"for a 69-year-old", nil, []int{69}, "hyphenated age"},
		{"Age 69 with diabetes: for adults 40-75", nil, []int{69}, "a range of ages is not an age"},
		{"aged 40-75", nil, nil, "a range"},
		{"a 70 year old man", nil, []int{70}, "spaced age"},
		{"starting at age 65", nil, nil, "an age threshold"},
		{"women age 65 and older", nil, nil, "an age bound"},
		{"adults 65+ or a 66 year old", nil, []int{66}, "65+ is a bound"},
		{"from age 50", nil, nil, "a bound"},
		{"HbA1c of 7% or less", nil, nil, "a trailing bound"},
		{"Repeat HbA1c 3 months after starting", nil, nil, "a count of time"},
		{"target BP 130/80 mmHg", nil, nil, "a target named before the lab"},
		{"Keep HbA1c 7% or lower", nil, nil, "a target named before the lab"},
		{"HbA1c 3-month interval", nil, nil, "a compound word"},
		{"HbA1c of 7% is the goal", nil, nil, "a trailing goal"},
		{"HbA1c 8.1% vs goal 7%", []lab{{labHbA1c, 8.1, 0, "", "HbA1c 8.1%"}}, nil, "compared with a goal: still a result"},
		{"HbA1c 8.1%, above the 8% goal", []lab{{labHbA1c, 8.1, 0, "", "HbA1c 8.1%"}}, nil, "punctuation ends the look-ahead"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			labs, ages := extractClaims(tt.text)
			var got []lab
			for _, c := range labs {
				got = append(got, lab{c.kind, c.value, c.value2, c.date, tt.text[c.start:c.end]})
			}
			assert.Equal(t, tt.labs, got, tt.reason)
			var gotAges []int
			for _, a := range ages {
				gotAges = append(gotAges, a.age)
			}
			assert.Equal(t, tt.ages, gotAges, tt.reason)
		})
	}
}

func TestTolerance(t *testing.T) {
	tests := []struct {
		stated string
		record float64
		want   bool
		reason string
	}{
		{"42", 41.592003327409884, true, "an integer rounds the record's value"},
		{"41.6", 41.592003327409884, true, "one decimal"},
		{"41.5", 41.592003327409884, false, "one decimal, wrong"},
		{"8", 8.1, true, "8 is 8.1 rounded"},
		{"6.8", 8.1, false, "the issue's example"},
		{"6.212982014759749", 6.212982014759749, true, "full precision as the drafter prints it"},
	}
	for _, tt := range tests {
		v, dec, ok := parseNum(tt.stated)
		assert.True(t, ok)
		c := labClaim{kind: labHbA1c, value: v, decimals: dec}
		assert.Equal(t, tt.want, c.matches(gtResult{v: tt.record}), "%s vs %v: %s", tt.stated, tt.record, tt.reason)
	}
}

// FuzzExtractClaims checks the claim reader on any text: it never panics,
// spans lie inside the text in order and start with the claim's name or
// number, values are finite and plausible, and reading is deterministic.
func FuzzExtractClaims(f *testing.F) {
	for _, s := range []string{
		"Latest HbA1c 8.1% on 2026-10-01.", "eGFR 30-45", "BP 142/88 mmHg (on 2026-10-15)", "a 69-year-old",
		"HbA1c goal < 7 %", "urine albumin-to-creatinine ratio 45 mg/g", "LDL-C 2.9 mmol/L", "eGFR 52 mL/min/1.73 m2",
		"150/92 mmHg", "aged 40-75", "HbA1c 2026-13-45 8", "<=>=≤≥", "A1c\x00 7.", "9999-99-99", "eGFR .5", "1.2.3.4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		labs, ages := extractClaims(text)
		labs2, ages2 := extractClaims(text)
		if len(labs) != len(labs2) || len(ages) != len(ages2) {
			t.Fatal("not deterministic")
		}
		prev := 0
		for _, c := range labs {
			if c.start < prev || c.end <= c.start || c.end > len(text) {
				t.Fatalf("bad span %d:%d in %d bytes", c.start, c.end, len(text))
			}
			prev = c.end
			if math.IsNaN(c.value) || math.IsInf(c.value, 0) || !plausible(c) {
				t.Fatalf("implausible claim %+v", c)
			}
			if c.date != "" && !strings.Contains(text[c.start:c.end], c.date) {
				t.Fatalf("date %q outside its span %q", c.date, text[c.start:c.end])
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[c.start:c.end]) {
				t.Fatalf("span splits a character")
			}
		}
		for _, a := range ages {
			if a.start < 0 || a.end > len(text) || a.end <= a.start || a.age < 0 || a.age > 150 {
				t.Fatalf("bad age %+v", a)
			}
		}
	})
}

package terminology_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/terminology"
)

func TestConditionsFindInText(t *testing.T) {
	c := terminology.DefaultConditions()
	tests := []struct {
		text   string
		want   []string // concept IDs
		reason string
	}{
		{"Type 2 diabetes with stage 3a CKD", []string{"type-2-diabetes", "ckd"}, "longest term first, abbreviation"},
		{"diabetes mellitus", []string{"diabetes"}, "generic diabetes"},
		{"Prediabetes", []string{"prediabetes"}, "not diabetes: whole words"},
		{"Chronic congestive heart failure (disorder)", []string{"heart-failure"}, "Synthea's display"},
		{"Alzheimer's disease (disorder)", []string{"dementia"}, "apostrophe splits words"},
		{"Body mass index 30+ - obesity (finding)", []string{"obesity"}, "Synthea's obesity display"},
		{"Hypertriglyceridemia (disorder)", nil, "not a term of its own"},
		{"heart-failure", []string{"heart-failure"}, "punctuation between words"},
		{"", nil, "empty"},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range c.FindInText(tt.text) {
			got = append(got, m.ConceptID)
			assert.True(t, m.Start >= 0 && m.End <= len(tt.text) && m.Start < m.End)
		}
		assert.Equal(t, tt.want, got, "%q: %s", tt.text, tt.reason)
	}
}

// Every concept's codes recognise the condition as the Synthea bundles and
// careguard's value sets record it.
func TestDefaultConditionsCodes(t *testing.T) {
	c := terminology.DefaultConditions()
	tests := []struct {
		concept, system, code string
		reason                string
	}{
		{"type-2-diabetes", terminology.SystemSNOMED, "44054006", "Type2Diabetes value set"},
		{"diabetes", terminology.SystemICD10CM, "E10.9", "Diabetes value set covers type 1"},
		{"hypertension", terminology.SystemSNOMED, "38341003", "Synthea's hypertension"},
		{"hypertension", terminology.SystemICD10CM, "I12.9", "hypertensive CKD is in the I10-I1A block"},
		{"ckd", terminology.SystemICD10CM, "N18.31", "stage 3a"},
		{"heart-failure", terminology.SystemSNOMED, "88805009", "Synthea's CHF"},
		{"coronary-heart-disease", terminology.SystemSNOMED, "53741008", "Synthea's coronary heart disease"},
		{"stroke", terminology.SystemSNOMED, "230690007", "Synthea's stroke"},
		{"hyperlipidemia", terminology.SystemSNOMED, "302870006", "hypertriglyceridemia is a lipid disorder (E78.1)"},
		{"copd", terminology.SystemSNOMED, "87433001", "Synthea's emphysema"},
	}
	for _, tt := range tests {
		k, ok := c.Concept(tt.concept)
		require.True(t, ok, tt.concept)
		assert.True(t, k.Codes.Contains(tt.system, tt.code), "%s %s: %s", tt.concept, tt.code, tt.reason)
		assert.NotEmpty(t, k.Source.Citation)
	}
	for _, k := range c.Concepts() {
		assert.NotEmpty(t, k.Terms, k.ID)
		assert.NotEmpty(t, k.Codes.Members(), k.ID)
		assert.NotEmpty(t, k.Source.Citation, k.ID)
	}
	_, ok := c.Concept("nope")
	assert.False(t, ok)
	k, _ := c.Concept("stroke")
	k.Terms[0] = "changed"
	k2, _ := c.Concept("stroke")
	assert.Equal(t, "stroke", k2.Terms[0], "Concept returns a copy")
}

func ExampleConditions_FindInText() {
	c := terminology.DefaultConditions()
	text := "Type 2 diabetes with chronic kidney disease; no heart failure."
	for _, m := range c.FindInText(text) {
		fmt.Printf("%s: %q\n", m.ConceptID, text[m.Start:m.End])
	}
	// Output:
	// type-2-diabetes: "Type 2 diabetes"
	// ckd: "chronic kidney disease"
	// heart-failure: "heart failure"
}

// FuzzConditionsFindInText: mentions lie inside the text, in order, without
// overlap, on word boundaries, and name a known concept whose terms match
// the mentioned words.
func FuzzConditionsFindInText(f *testing.F) {
	for _, s := range []string{"Type 2 diabetes with CKD", "heart-failure", "Alzheimer's disease", "prediabetes", "ÄÖ stroke\x00", "t2dm,htn"} {
		f.Add(s)
	}
	c := terminology.DefaultConditions()
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, m := range c.FindInText(text) {
			if m.Start < prev || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad span %d:%d", m.Start, m.End)
			}
			prev = m.End
			k, ok := c.Concept(m.ConceptID)
			if !ok {
				t.Fatalf("unknown concept %q", m.ConceptID)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[m.Start:m.End]) {
				t.Fatal("span splits a character")
			}
			notWord := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
			words := strings.ToLower(strings.Join(strings.FieldsFunc(text[m.Start:m.End], notWord), " "))
			found := false
			for _, term := range k.Terms {
				if strings.Join(strings.FieldsFunc(strings.ToLower(term), notWord), " ") == words {
					found = true
				}
			}
			if utf8.ValidString(text) && !found {
				t.Fatalf("%q is not a term of %s", words, k.ID)
			}
		}
	})
}

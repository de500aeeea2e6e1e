package review_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
)

func TestParseFeedback(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *review.Feedback
		wantErr bool
		reason  string
	}{
		{"reasons normalised", `{"reasons":["tone_readability","clinical_inaccuracy","tone_readability"]}`,
			&review.Feedback{Reasons: []review.Reason{review.ReasonClinicalInaccuracy, review.ReasonToneReadability}}, false,
			"sorted and unique, so counts do not double"},
		{"other with text and items", `{"reasons":["other"],"text":"Wrong clinic.\nCall first.","item_ids":["followup-1","followup-1","goal-2"]}`,
			&review.Feedback{Reasons: []review.Reason{review.ReasonOther}, Text: "Wrong clinic.\nCall first.", ItemIDs: []string{"followup-1", "goal-2"}}, false,
			"newlines are allowed in text; duplicate items dropped"},
		{"whitespace around", " \n{\"reasons\":[\"missing_information\"]}\n ",
			&review.Feedback{Reasons: []review.Reason{review.ReasonMissingInformation}}, false, "transport whitespace is fine"},
		{"no reasons", `{"reasons":[]}`, nil, true, "a rejection must say why"},
		{"unknown reason", `{"reasons":["bad_vibes"]}`, nil, true, "only the defined reasons are counted"},
		{"other without text", `{"reasons":["other"],"text":"  "}`, nil, true, "other must be explained"},
		{"control characters", `{"reasons":["other"],"text":"a\u0007b"}`, nil, true, "text is shown to people and exported"},
		{"bad item id", `{"reasons":["other"],"text":"x","item_ids":["medication-0"]}`, nil, true, "item IDs count from 1"},
		{"unknown field", `{"reasons":["other"],"text":"x","severity":"high"}`, nil, true, "a misspelt field would be silently lost"},
		{"not an object", `["other"]`, nil, true, "the document is one object"},
		{"null", `null`, nil, true, "null is not feedback"},
		{"trailing data", `{"reasons":["other"],"text":"x"} {}`, nil, true, "two documents are ambiguous"},
		{"empty", ``, nil, true, "nothing to parse"},
		{"too long text", `{"reasons":["other"],"text":"` + strings.Repeat("a", review.MaxFeedbackText+1) + `"}`, nil, true, "bounded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := review.ParseFeedback([]byte(tt.in))
			if tt.wantErr {
				require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
				var ie *review.InputError
				require.ErrorAs(t, err, &ie)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func TestFeedbackCheckAgainstPlan(t *testing.T) {
	p := fixture.Plan(fixture.MultiMorbid())
	fb := &review.Feedback{Reasons: []review.Reason{review.ReasonUnsafeRecommendation}, ItemIDs: []string{"medication-1", "task-2"}}
	err := fb.Check(p)
	require.ErrorIs(t, err, review.ErrInvalid)
	var ie *review.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "feedback.item_ids[1]", ie.Field, "task-2 does not exist; medication-1 does")
}

func TestParseReason(t *testing.T) {
	for _, r := range review.Reasons() {
		got, err := review.ParseReason(string(r))
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	_, err := review.ParseReason("Clinical_Inaccuracy")
	require.ErrorIs(t, err, review.ErrInvalid, "reason names are exact")
}

func FuzzParseFeedback(f *testing.F) {
	for _, s := range []string{
		`{"reasons":["other"],"text":"x"}`,
		`{"reasons":["clinical_inaccuracy","wrong_patient_data"],"item_ids":["goal-1"]}`,
		`{"reasons":[]}`, `{}`, `null`, `[]`, `{"reasons":["other"],"text":"\u0000"}`, `{"item_ids":["x-1"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fb, err := review.ParseFeedback(data)
		if err != nil {
			if fb != nil {
				t.Fatal("feedback returned with an error")
			}
			if !errorsIsInvalid(err) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		// Accepted feedback is valid, normalised, and round-trips.
		if len(fb.Reasons) == 0 || len(fb.Text) > review.MaxFeedbackText {
			t.Fatalf("accepted invalid feedback %+v", fb)
		}
		raw, err := json.Marshal(fb)
		if err != nil {
			t.Fatal(err)
		}
		again, err := review.ParseFeedback(raw)
		if err != nil {
			t.Fatalf("re-parsing accepted feedback: %v", err)
		}
		if !assert.ObjectsAreEqual(fb, again) {
			t.Fatalf("round trip changed feedback: %+v -> %+v", fb, again)
		}
	})
}

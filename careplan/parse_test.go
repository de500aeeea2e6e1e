package careplan_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
)

func TestExtractJSON(t *testing.T) {
	const obj = `{"a":1,"b":{"c":[1,2]}}`
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
		reason  string
	}{
		{"bare", obj, obj, nil, "the common case"},
		{"whitespace", "\n  " + obj + "\n\n", obj, nil, "models pad replies"},
		{"bom", "\ufeff" + obj, obj, nil, "some servers prefix a byte-order mark"},
		{"fenced", "```json\n" + obj + "\n```", obj, nil, "models often fence JSON in Markdown"},
		{"fenced without language", "```\n" + obj + "\n```\n", obj, nil, "plain fences too"},
		{"prose around", "Here is the plan:\n" + obj + "\nLet me know if it helps.", obj, nil, "prose without braces is harmless"},
		{"no object", "I cannot help with that.", "", careplan.ErrNotJSON, "a refusal in prose is not a plan"},
		{"array", `[1,2,3]`, "", careplan.ErrNotJSON, "the plan is an object"},
		{"two objects", obj + "\n" + obj, "", careplan.ErrNotJSON, "ambiguous: which one is the plan?"},
		{"braces in prose", "Use {this} one: " + obj, "", careplan.ErrNotJSON, "prose with braces could hide a second object"},
		{"truncated", `{"a":1,"b":`, "", careplan.ErrNotJSON, "a cut-off reply is not JSON"},
		{"trailing garbage", obj + `"x"]`, "", careplan.ErrNotJSON, "stray JSON after the object is ambiguous"},
		{"empty", "", "", careplan.ErrNotJSON, "nothing to parse"},
		{"too large", "{" + strings.Repeat(" ", careplan.MaxReplyBytes) + "}", "", careplan.ErrReplyTooLarge, "bounded work per reply"},
		{"invalid utf8 around", "\xff" + obj, "", careplan.ErrNotJSON, "garbage bytes are rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := careplan.ExtractJSON(tt.in)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr, tt.reason)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
}

// FuzzExtractJSON: ExtractJSON never panics, what it returns is one JSON
// object, and extracting from its own output is the identity.
func FuzzExtractJSON(f *testing.F) {
	rec := fixture.MultiMorbid()
	plan, _ := json.Marshal(fixture.Plan(rec))
	for _, seed := range []string{
		string(plan), "```json\n" + string(plan) + "\n```", "Sure! " + string(plan), `{}`, `{"a":`,
		`{"a":1}{"b":2}`, "", "```", `[{}]`, "{\"a\":\"\\u0000\"}", "\ufeff{}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := careplan.ExtractJSON(in)
		if err != nil {
			require.True(t, errors.Is(err, careplan.ErrNotJSON) || errors.Is(err, careplan.ErrReplyTooLarge), "untyped error %v", err)
			return
		}
		require.True(t, json.Valid(got), "not JSON: %q", got)
		require.Equal(t, byte('{'), got[0])
		again, err := careplan.ExtractJSON(string(got))
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}

// FuzzDecode is the reply parser end to end: any reply either becomes a
// plan that is consistent with the record and schema-valid when encoded
// again, or fails with a typed error. It never panics.
func FuzzDecode(f *testing.F) {
	rec := fixture.MultiMorbid()
	s := newSchema(f)
	good, _ := json.Marshal(fixture.Plan(rec))
	f.Add(string(good))
	f.Add(strings.Replace(string(good), `"C1"`, `"C99"`, 1))
	f.Add(strings.Replace(string(good), `"start"`, `"continue"`, 1))
	f.Add(strings.Replace(string(good), `"summary"`, `"Summary"`, 1))
	f.Add(`{"summary":"x","problems":[]}`)
	f.Add(`{"problems":[{"citations":["M1"]}],"medication_changes":[{"action":"stop","current_medication_id":"C1"}]}`)
	f.Fuzz(func(t *testing.T, reply string) {
		raw, err := careplan.ExtractJSON(reply)
		if err != nil {
			return
		}
		p, err := s.Decode(raw, rec)
		if err != nil {
			if !errors.Is(err, careplan.ErrNotJSON) {
				ve, ok := errors.AsType[*careplan.ValidationError](err)
				require.True(t, ok, "untyped error %T %v", err, err)
				require.NotEmpty(t, ve.Violations)
				for _, v := range ve.Violations {
					require.True(t, utf8.ValidString(v.Message))
				}
			}
			return
		}
		require.Empty(t, careplan.CheckRecord(p, rec))
		again, err := json.Marshal(p)
		require.NoError(t, err)
		require.NoError(t, s.Validate(again))
	})
}

func TestDecodeAgainstRecord(t *testing.T) {
	s := newSchema(t)
	rec := fixture.MultiMorbid()
	warfarin := fixture.ID(rec, "855332")
	dm := fixture.ID(rec, "44054006")
	tests := []struct {
		name     string
		edit     func(p *careplan.Plan)
		pointers []string
		reason   string
	}{
		{"valid", func(*careplan.Plan) {}, nil, "the fixture is consistent"},
		{"unknown citation", func(p *careplan.Plan) { p.Goals[0].Citations = append(p.Goals[0].Citations, "L99") },
			[]string{"/goals/0/citations/2"}, "a citation of an unknown fact ID is repair-worthy"},
		{"start with current id", func(p *careplan.Plan) { p.MedicationChanges[0].CurrentMedicationID = warfarin },
			[]string{"/medication_changes/0/current_medication_id"}, "a new medication has no record ID"},
		{"stop without id", func(p *careplan.Plan) {
			p.MedicationChanges[1].Action, p.MedicationChanges[1].CurrentMedicationID = careplan.ActionStop, ""
		},
			[]string{"/medication_changes/1/current_medication_id"}, "a stop must say which medication"},
		{"id of a missing medication", func(p *careplan.Plan) { p.MedicationChanges[1].CurrentMedicationID = "M42" },
			[]string{"/medication_changes/1/current_medication_id"}, "the medication must exist"},
		{"continue with a dose", func(p *careplan.Plan) { p.MedicationChanges[1].Dose = "1000 mg three times daily" },
			[]string{"/medication_changes/1/dose"}, "a new dose written as a continue would reach only a nurse: the model must say increase_dose or decrease_dose"},
		{"stop with a dose", func(p *careplan.Plan) {
			p.MedicationChanges[1].Action, p.MedicationChanges[1].Dose = careplan.ActionStop, "500 mg daily"
		}, []string{"/medication_changes/1/dose"}, "a stop has no dose; a dose suggests a taper, which is a decrease"},
		{"hold with a dose", func(p *careplan.Plan) {
			p.MedicationChanges[1].Action, p.MedicationChanges[1].Dose = careplan.ActionHold, "half dose"
		}, []string{"/medication_changes/1/dose"}, "a hold has no dose"},
		{"increase with a dose", func(p *careplan.Plan) {
			p.MedicationChanges[1].Action, p.MedicationChanges[1].Dose = careplan.ActionIncrease, "1000 mg twice daily"
		}, nil, "a dose change states its new dose"},
		{"several at once", func(p *careplan.Plan) {
			p.Problems[1].Citations = []string{"C77"}
			p.Tasks[0].Citations = []string{dm, "N9"}
		}, []string{"/problems/1/citations/0", "/care_team_tasks/0/citations/1"}, "all problems are reported together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixture.Plan(rec)
			tt.edit(p)
			raw, err := json.Marshal(p)
			require.NoError(t, err)
			got, err := s.Decode(raw, rec)
			if tt.pointers == nil {
				require.NoError(t, err, tt.reason)
				assert.Equal(t, p, got)
				return
			}
			ve, ok := errors.AsType[*careplan.ValidationError](err)
			require.True(t, ok, "want *ValidationError, got %v", err)
			var ptrs []string
			for _, v := range ve.Violations {
				ptrs = append(ptrs, v.Pointer)
			}
			assert.ElementsMatch(t, tt.pointers, ptrs, tt.reason)
		})
	}

	// The medication ID must name a medication, not any fact.
	p := fixture.Plan(rec)
	p.MedicationChanges[1].CurrentMedicationID = "C1"
	vs := careplan.CheckRecord(p, rec)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "not a medication")
}

func TestDecodeReportsSchemaAndRecordProblemsTogether(t *testing.T) {
	s := newSchema(t)
	rec := fixture.MultiMorbid()
	p := fixture.Plan(rec)
	p.Goals[0].Citations = []string{"L99"}
	raw, _ := json.Marshal(p)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	delete(m, "referrals")
	raw, _ = json.Marshal(m)

	_, err := s.Decode(raw, rec)
	ve, ok := errors.AsType[*careplan.ValidationError](err)
	require.True(t, ok)
	var ptrs []string
	for _, v := range ve.Violations {
		ptrs = append(ptrs, v.Pointer)
	}
	assert.Equal(t, []string{"", "/goals/0/citations/0"}, ptrs,
		"one repair round should be able to fix both the schema and the record problems")
}

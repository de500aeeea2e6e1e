package careplan_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
)

func newSchema(t testing.TB) *careplan.Schema {
	t.Helper()
	s, err := careplan.NewSchema()
	require.NoError(t, err)
	return s
}

func TestSchemaFull(t *testing.T) {
	s := newSchema(t)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(s.Full(), &doc))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", doc["$schema"])
	assert.Equal(t, "object", doc["type"])
	assert.Equal(t, false, doc["additionalProperties"], "unknown keys in a reply must be rejected")

	// Keys appear in struct order, because models emit keys in schema order.
	full := string(s.Full())
	assert.Less(t, strings.Index(full, `"summary"`), strings.Index(full, `"problems"`))
	assert.Less(t, strings.Index(full, `"problems"`), strings.Index(full, `"care_team_tasks"`))

	// Returned slices are copies.
	b := s.Full()
	b[0] = 'X'
	assert.Equal(t, byte('{'), s.Full()[0])
}

// strictInvariants walks a strict schema and checks the rules vendors'
// strict modes impose.
func strictInvariants(t *testing.T, node any, ptr string) {
	t.Helper()
	switch n := node.(type) {
	case map[string]any:
		for _, banned := range []string{"oneOf", "allOf", "not", "minLength", "maxLength", "uniqueItems", "default", "$schema", "if"} {
			assert.NotContains(t, n, banned, "%s has %s", ptr, banned)
		}
		if props, ok := n["properties"].(map[string]any); ok {
			assert.Equal(t, false, n["additionalProperties"], "%s: additionalProperties", ptr)
			req, _ := n["required"].([]any)
			assert.Len(t, req, len(props), "%s: every property required", ptr)
			for _, r := range req {
				assert.Contains(t, props, r, "%s", ptr)
			}
		}
		if ref, ok := n["$ref"]; ok {
			assert.Len(t, n, 1, "%s: $ref %v has siblings", ptr, ref)
		}
		for k, v := range n {
			strictInvariants(t, v, ptr+"/"+k)
		}
	case []any:
		for i, v := range n {
			strictInvariants(t, v, ptr+"/"+strconv.Itoa(i))
		}
	}
}

func TestSchemaStrict(t *testing.T) {
	s := newSchema(t)
	var doc any
	require.NoError(t, json.Unmarshal(s.Strict(), &doc))
	strictInvariants(t, doc, "")
	// The strict form still constrains enums and patterns.
	assert.Contains(t, string(s.Strict()), `"enum":["start","stop","increase_dose","decrease_dose","hold","continue"]`)
	assert.Contains(t, string(s.Strict()), `"pattern":"^[A-Z][0-9]{1,5}$"`)

	ps := s.ForProvider()
	assert.Equal(t, careplan.SchemaName, ps.Name)
	assert.JSONEq(t, string(s.Full()), string(ps.Full))
	assert.JSONEq(t, string(s.Strict()), string(ps.Strict))
}

func TestMakeStrict(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		errSub string
		reason string
	}{
		{
			name:   "optional becomes required and nullable",
			in:     `{"type":"object","properties":{"a":{"type":"string","minLength":1},"b":{"type":"integer"}},"required":["a"]}`,
			want:   `{"type":"object","properties":{"a":{"type":"string"},"b":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"required":["a","b"],"additionalProperties":false}`,
			reason: "strict modes need every property in required; optionality is expressed as null",
		},
		{
			name:   "oneOf becomes anyOf",
			in:     `{"type":"object","properties":{"v":{"oneOf":[{"type":"string"},{"type":"number"}]}},"required":["v"]}`,
			want:   `{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"number"}]}},"required":["v"],"additionalProperties":false}`,
			reason: "oneOf is not supported in strict mode",
		},
		{
			name:   "ref with siblings is inlined",
			in:     `{"type":"object","$defs":{"T":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}},"properties":{"t":{"$ref":"#/$defs/T","description":"a T"}},"required":["t"]}`,
			want:   `{"type":"object","$defs":{"T":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"],"additionalProperties":false}},"properties":{"t":{"type":"object","description":"a T","properties":{"x":{"type":"string"}},"required":["x"],"additionalProperties":false}},"required":["t"],"additionalProperties":false}`,
			reason: "a $ref with sibling keywords is rejected by strict mode",
		},
		{
			name:   "plain ref kept",
			in:     `{"type":"object","$defs":{"T":{"type":"string"}},"properties":{"t":{"$ref":"#/$defs/T"}},"required":["t"]}`,
			want:   `{"type":"object","$defs":{"T":{"type":"string"}},"properties":{"t":{"$ref":"#/$defs/T"}},"required":["t"],"additionalProperties":false}`,
			reason: "a bare $ref is allowed",
		},
		{
			name:   "single allOf collapses",
			in:     `{"type":"object","properties":{"a":{"allOf":[{"type":"string"}],"description":"d"}},"required":["a"]}`,
			want:   `{"type":"object","properties":{"a":{"type":"string","description":"d"}},"required":["a"],"additionalProperties":false}`,
			reason: "openai-python collapses one-member allOf",
		},
		{
			name:   "property order kept",
			in:     `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string"},"m":{"type":"string"}},"required":["z","a","m"]}`,
			want:   `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string"},"m":{"type":"string"}},"required":["z","a","m"],"additionalProperties":false}`,
			reason: "models emit keys in schema order",
		},
		{name: "open object rejected", in: `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true}`, errSub: "/additionalProperties", reason: "strict mode needs closed objects"},
		{name: "map rejected", in: `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}}`, errSub: "/properties/m/additionalProperties", reason: "maps cannot be expressed"},
		{name: "not rejected", in: `{"type":"object","properties":{"a":{"not":{"type":"string"}}}}`, errSub: "/properties/a/not", reason: "not is unsupported"},
		{name: "if rejected", in: `{"type":"object","properties":{"a":{"type":"string"}},"if":{}}`, errSub: "/if", reason: "conditionals are unsupported"},
		{name: "allOf with two members rejected", in: `{"type":"object","properties":{"a":{"allOf":[{"type":"string"},{"minLength":1}]}}}`, errSub: "allOf with 2 members", reason: "cannot be collapsed"},
		{name: "true schema rejected", in: `{"type":"object","properties":{"a":true}}`, errSub: "/properties/a", reason: "an open schema accepts anything"},
		{name: "object without properties rejected", in: `{"type":"object","properties":{"a":{"type":"object"}}}`, errSub: "/properties/a", reason: "an object with no properties is open"},
		{name: "root must be object", in: `{"type":"string"}`, errSub: "root must have type object", reason: "strict mode needs an object root"},
		{name: "not JSON", in: `{"type":`, errSub: "careplan: strict", reason: "malformed input is an error, not a panic"},
		{name: "dangling ref with siblings", in: `{"type":"object","properties":{"t":{"$ref":"#/$defs/Nope","description":"x"}}}`, errSub: "cannot inline", reason: "a ref that cannot be resolved cannot be inlined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			orig := string(in)
			got, err := careplan.MakeStrict(in)
			assert.Equal(t, orig, string(in), "input must not be modified")
			if tt.errSub != "" {
				require.Error(t, err, tt.reason)
				assert.Contains(t, err.Error(), tt.errSub)
				if !strings.Contains(tt.errSub, "careplan: strict") {
					require.ErrorIs(t, err, careplan.ErrStrictUnsupported)
				}
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, string(got), tt.reason)
		})
	}
}

func TestSchemaValidate(t *testing.T) {
	s := newSchema(t)
	rec := fixture.MultiMorbid()
	valid, err := json.Marshal(fixture.Plan(rec))
	require.NoError(t, err)
	require.NoError(t, s.Validate(valid))

	mutate := func(f func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(valid, &m))
		f(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	goal := func(m map[string]any) map[string]any { return m["goals"].([]any)[0].(map[string]any) }
	tests := []struct {
		name     string
		doc      []byte
		pointers []string
		reason   string
	}{
		{"missing list", mutate(func(m map[string]any) { delete(m, "referrals") }), []string{""}, "lists may be empty but never absent"},
		{"unknown key", mutate(func(m map[string]any) { m["tier"] = "auto_approve" }), []string{""}, "a model may not add fields such as a tier"},
		{"wrong type", mutate(func(m map[string]any) { goal(m)["due_within_days"] = "soon" }), []string{"/goals/0/due_within_days"}, "types are enforced"},
		{"bad enum and bad citation", mutate(func(m map[string]any) {
			m["medication_changes"].([]any)[0].(map[string]any)["action"] = "begin"
			goal(m)["citations"] = []any{"c1"}
		}), []string{"/goals/0/citations/0", "/medication_changes/0/action"}, "every violation is reported, sorted by pointer"},
		{"no problems", mutate(func(m map[string]any) { m["problems"] = []any{} }), []string{"/problems"}, "a plan addresses at least one problem"},
		{"empty citations", mutate(func(m map[string]any) { goal(m)["citations"] = []any{} }), []string{"/goals/0/citations"}, "every item cites a fact"},
		{"numeric ordering of pointers", mutate(func(m map[string]any) {
			mon := m["monitoring"].([]any)[0]
			var list []any
			for range 12 {
				b, _ := json.Marshal(mon)
				var c map[string]any
				_ = json.Unmarshal(b, &c)
				list = append(list, c)
			}
			list[2].(map[string]any)["interval_days"] = 0
			list[10].(map[string]any)["interval_days"] = 0
			m["monitoring"] = list
		}), []string{"/monitoring/2/interval_days", "/monitoring/10/interval_days"}, "pointers sort numerically so repair messages read in document order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate(tt.doc)
			require.ErrorIs(t, err, careplan.ErrInvalidPlan, tt.reason)
			ve, ok := errors.AsType[*careplan.ValidationError](err)
			require.True(t, ok)
			var got []string
			for _, v := range ve.Violations {
				got = append(got, v.Pointer)
				assert.NotEmpty(t, v.Message)
			}
			assert.Equal(t, tt.pointers, got, tt.reason)
		})
	}

	err = s.Validate([]byte("not json"))
	require.ErrorIs(t, err, careplan.ErrNotJSON)
}

func TestValidationErrorMessage(t *testing.T) {
	var vs []careplan.Violation
	for i := range 7 {
		vs = append(vs, careplan.Violation{Pointer: "/goals/" + strconv.Itoa(i), Message: "bad"})
	}
	msg := (&careplan.ValidationError{Violations: vs}).Error()
	assert.Contains(t, msg, "7 violation(s)")
	assert.Contains(t, msg, "and 2 more")
	assert.Equal(t, "at '/': missing", careplan.Violation{Message: "missing"}.String())
}

package riskroute_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	rr "github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func TestParsePolicy(t *testing.T) {
	const doc = `{
		"name": "clinic-2026.1",
		"minimum_tier": "nurse_review",
		"content_kinds": {"care_plan": "physician_review", "general_education": "nurse_review"},
		"item_kinds": {"referral": "physician_review", "administrative": "auto_approve"},
		"severities": {"info": "nurse_review", "warning": "physician_review", "critical": "physician_review"},
		"categories": {"interaction": "physician_review", "site-specific": "nurse_review"},
		"rules": {"grounding.unknown-fact": "physician_review"}
	}`
	want := &rr.Policy{
		Name:         "clinic-2026.1",
		MinimumTier:  nurse,
		ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentCarePlan: physician, rr.ContentGeneralEducation: nurse},
		ItemKinds:    map[rr.ItemKind]rr.Tier{rr.ItemReferral: physician, rr.ItemAdministrative: auto},
		Severities: map[validate.Severity]rr.Tier{validate.SeverityInfo: nurse, validate.SeverityWarning: physician,
			validate.SeverityCritical: physician},
		Categories: map[validate.Category]rr.Tier{validate.CategoryInteraction: physician, "site-specific": nurse},
		Rules:      map[string]rr.Tier{"grounding.unknown-fact": physician},
	}
	got, err := rr.ParsePolicy([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.NoError(t, got.Validate())

	t.Run("empty object", func(t *testing.T) {
		got, err := rr.ParsePolicy([]byte(" {} \n"))
		require.NoError(t, err, "the empty policy adds nothing and is valid; surrounding whitespace is fine")
		assert.Equal(t, &rr.Policy{}, got)
	})
	t.Run("round trip", func(t *testing.T) {
		b, err := json.Marshal(got)
		require.NoError(t, err)
		again, err := rr.ParsePolicy(b)
		require.NoError(t, err)
		assert.Equal(t, got, again, "a parsed policy marshals to a document that parses to the same policy")
	})
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantErr error
		fields  []string // the *PolicyError fields, in order
		reason  string
	}{
		{"unknown field", `{"minimum_tier":"nurse_review","maximum_tier":"auto_approve"}`, rr.ErrInvalidPolicy, []string{"$"},
			"a misspelt or unsupported field must not be silently ignored"},
		{"unknown tier name", `{"minimum_tier":"rn_review"}`, rr.ErrInvalidPolicy, []string{"$"},
			"tiers are named exactly"},
		{"numeric tier", `{"minimum_tier":2}`, rr.ErrInvalidPolicy, []string{"$"},
			"tiers are names, not numbers"},
		{"null tier in a map", `{"content_kinds":{"care_plan":null}}`, rr.ErrInvalidPolicy, []string{"content_kinds.care_plan"},
			"null decodes to the zero Tier, which is not a tier"},
		{"unknown content kind", `{"content_kinds":{"discharge_letter":"nurse_review"}}`, rr.ErrInvalidPolicy,
			[]string{"content_kinds.discharge_letter"}, "an entry for a kind that does not exist would never apply"},
		{"unknown item kind", `{"item_kinds":{"medication":"physician_review"}}`, rr.ErrInvalidPolicy,
			[]string{"item_kinds.medication"}, "careplan's item kinds are not riskroute's"},
		{"unknown severity", `{"severities":{"high":"physician_review"}}`, rr.ErrInvalidPolicy, []string{"$"},
			"severities are info, warning and critical"},
		{"trailing data", `{"minimum_tier":"nurse_review"} {"minimum_tier":"auto_approve"}`, rr.ErrInvalidPolicy, []string{"$"},
			"a second document must not be silently dropped"},
		{"trailing brace", `{}}`, rr.ErrInvalidPolicy, []string{"$"}, "garbage after the object"},
		{"null", `null`, rr.ErrInvalidPolicy, []string{"$"}, "a null document is a configuration mistake, not an empty policy"},
		{"array", `[]`, rr.ErrInvalidPolicy, []string{"$"}, "a policy is an object"},
		{"empty", ``, rr.ErrInvalidPolicy, []string{"$"}, "an empty document is not a policy"},
		{"syntax", `{"minimum_tier":`, rr.ErrInvalidPolicy, []string{"$"}, "truncated JSON"},
		{"too large", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, rr.ErrInvalidPolicy, []string{"$"},
			"documents over 1 MiB are refused before decoding"},
		{"content kind below floor", `{"content_kinds":{"medication_change":"nurse_review"}}`, rr.ErrPolicyLowers,
			[]string{"content_kinds.medication_change"}, "a medication change needs a physician; a policy cannot lower it"},
		{"care plan to auto", `{"content_kinds":{"care_plan":"auto_approve"}}`, rr.ErrPolicyLowers,
			[]string{"content_kinds.care_plan"}, "care plans need at least a nurse"},
		{"item kind below floor", `{"item_kinds":{"medication_start":"auto_approve"}}`, rr.ErrPolicyLowers,
			[]string{"item_kinds.medication_start"}, "a new medication needs a physician"},
		{"unknown item kind in policy", `{"item_kinds":{"missing_plan":"physician_review"}}`, rr.ErrInvalidPolicy,
			[]string{"item_kinds.missing_plan"}, "kinds ContentOf uses for unreadable drafts cannot be named in a policy"},
		{"warning to auto", `{"severities":{"warning":"auto_approve"}}`, rr.ErrPolicyLowers, []string{"severities.warning"},
			"a warning needs at least a nurse"},
		{"critical to nurse", `{"severities":{"critical":"nurse_review"}}`, rr.ErrPolicyLowers, []string{"severities.critical"},
			"a critical finding always reaches a physician"},
		{"category to auto", `{"categories":{"interaction":"auto_approve"}}`, rr.ErrPolicyLowers, []string{"categories.interaction"},
			"an auto entry for a category signals that the deployer expects it to lower"},
		{"rule to auto", `{"rules":{"ddi.x":"auto_approve"}}`, rr.ErrPolicyLowers, []string{"rules.ddi.x"},
			"likewise for rules"},
		{"several problems", `{
			"content_kinds": {"medication_change": "nurse_review", "care_plan": "auto_approve", "letter": "nurse_review"},
			"item_kinds": {"diagnostic_impression": "nurse_review"},
			"severities": {"critical": "auto_approve"},
			"rules": {"b": "auto_approve", "a": "nurse_review"}
		}`, rr.ErrPolicyLowers, []string{"content_kinds.care_plan", "content_kinds.letter", "content_kinds.medication_change",
			"item_kinds.diagnostic_impression", "severities.critical", "rules.b"},
			"every problem is reported, in a fixed order, so a deployer fixes them all at once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := rr.ParsePolicy([]byte(tt.doc))
			require.Error(t, err, tt.reason)
			assert.Nil(t, p)
			require.ErrorIs(t, err, tt.wantErr, tt.reason)
			assert.Equal(t, tt.fields, policyErrorFields(t, err), tt.reason)
		})
	}
}

// policyErrorFields returns the Field of every *PolicyError in err, which
// must be one or a join of them.
func policyErrorFields(t *testing.T, err error) []string {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	fields := make([]string, len(errs))
	for i, e := range errs {
		pe, ok := errors.AsType[*rr.PolicyError](e)
		require.True(t, ok, "%v is not a *PolicyError", e)
		require.True(t, errors.Is(pe, rr.ErrInvalidPolicy) || errors.Is(pe, rr.ErrPolicyLowers),
			"%v wraps neither sentinel", pe)
		fields[i] = pe.Field
	}
	return fields
}

func TestPolicyValidateSentinelsPerProblem(t *testing.T) {
	p := &rr.Policy{
		ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentDiagnosticImpression: nurse, "letter": nurse},
		Severities:   map[validate.Severity]rr.Tier{0: nurse},
		Rules:        map[string]rr.Tier{"r": 0},
		MinimumTier:  7,
	}
	err := p.Validate()
	require.Error(t, err)
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	want := map[string]error{
		"minimum_tier":                        rr.ErrInvalidPolicy,
		"content_kinds.diagnostic_impression": rr.ErrPolicyLowers,
		"content_kinds.letter":                rr.ErrInvalidPolicy,
		"severities.0":                        rr.ErrInvalidPolicy,
		"rules.r":                             rr.ErrInvalidPolicy,
	}
	require.Len(t, errs, len(want))
	for _, e := range errs {
		var pe *rr.PolicyError
		require.ErrorAs(t, e, &pe)
		assert.ErrorIs(t, pe, want[pe.Field], "field %s", pe.Field)
	}
	assert.NoError(t, (*rr.Policy)(nil).Validate(), "a nil policy adds nothing")
	assert.NoError(t, (&rr.Policy{}).Validate(), "nor does the zero policy")
}

func TestNewRejectsInvalidPolicy(t *testing.T) {
	tests := []struct {
		name    string
		p       *rr.Policy
		wantErr error
		reason  string
	}{
		{"lowers", &rr.Policy{ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentMedicationChange: auto}}, rr.ErrPolicyLowers,
			"a policy built in Go is checked like a parsed one"},
		{"zero tier in map", &rr.Policy{ItemKinds: map[rr.ItemKind]rr.Tier{rr.ItemGoal: 0}}, rr.ErrInvalidPolicy,
			"a zero Tier in a map is not 'no entry'"},
		{"unknown tier", &rr.Policy{MinimumTier: 4}, rr.ErrInvalidPolicy, "there are three tiers"},
		{"negative tier", &rr.Policy{Categories: map[validate.Category]rr.Tier{"c": -1}}, rr.ErrInvalidPolicy, "nor negative ones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := rr.New(tt.p)
			require.ErrorIs(t, err, tt.wantErr, tt.reason)
			assert.Nil(t, r)
		})
	}
	r, err := rr.New(nil)
	require.NoError(t, err, "nil means no policy")
	assert.NotNil(t, r)
}

func TestNewCopiesPolicy(t *testing.T) {
	p := &rr.Policy{
		Name:         "v1",
		ContentKinds: map[rr.ContentKind]rr.Tier{rr.ContentAppointmentReminder: auto},
		Rules:        map[string]rr.Tier{},
	}
	r := newRouter(t, p)
	c := reminder(rr.ItemAdministrative)
	before := r.Route(c, cleanReport(finding(validate.SeverityInfo, validate.CategoryGuideline, "r")))

	p.Name = "v2"
	p.MinimumTier = physician
	p.ContentKinds[rr.ContentAppointmentReminder] = physician
	p.Rules["r"] = physician
	p.ItemKinds = map[rr.ItemKind]rr.Tier{rr.ItemAdministrative: physician}

	after := r.Route(c, cleanReport(finding(validate.SeverityInfo, validate.CategoryGuideline, "r")))
	assert.Equal(t, before, after, "the router keeps its own copy of the policy")
	assert.Equal(t, auto, after.Tier)
	assert.Equal(t, "v1", after.Policy)
}

func TestTierText(t *testing.T) {
	for _, tier := range []rr.Tier{auto, nurse, physician} {
		b, err := tier.MarshalText()
		require.NoError(t, err)
		var back rr.Tier
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, tier, back)
		assert.True(t, tier.Valid())
	}
	for _, tier := range []rr.Tier{0, -1, 4} {
		assert.False(t, tier.Valid(), "tier %d", int(tier))
		_, err := tier.MarshalText()
		assert.Error(t, err, "an invalid tier must not be written as if it were one")
	}
	assert.Equal(t, "tier(0)", rr.Tier(0).String())
	assert.Less(t, auto, nurse, "tiers are ordered")
	assert.Less(t, nurse, physician, "tiers are ordered")
}

// FuzzParsePolicy checks that ParsePolicy never panics, that whatever it
// accepts is valid, and that accepted policies survive a JSON round trip.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, ``, `{"minimum_tier":"nurse_review"}`,
		`{"name":"x","minimum_tier":"physician_review","content_kinds":{"care_plan":"physician_review"},"item_kinds":{"goal":"nurse_review"},"severities":{"info":"auto_approve","warning":"nurse_review"},"categories":{"interaction":"physician_review"},"rules":{"r":"nurse_review"}}`,
		`{"content_kinds":{"medication_change":"nurse_review"}}`,
		`{"content_kinds":{"care_plan":null}}`,
		`{"rules":{}}`, `{"MINIMUM_TIER":"nurse_review"}`,
		`{"minimum_tier":"nurse_review"}{}`,
		`{"severities":{"1":"nurse_review"}}`,
		`{"name":"\xff"}`,
		`{"rules":{"\u0000":"nurse_review"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := rr.ParsePolicy(data)
		if err != nil {
			require.Nil(t, p)
			require.True(t, errors.Is(err, rr.ErrInvalidPolicy) || errors.Is(err, rr.ErrPolicyLowers),
				"every error wraps a sentinel: %v", err)
			_ = policyErrorFields(t, err)
			return
		}
		require.NotNil(t, p)
		require.NoError(t, p.Validate())
		_, err = rr.New(p)
		require.NoError(t, err, "a parsed policy is accepted by New")
		b, err := json.Marshal(p)
		require.NoError(t, err)
		again, err := rr.ParsePolicy(b)
		require.NoError(t, err, "re-parsing %s", b)
		assert.Equal(t, normalize(p), normalize(again), "round trip through %s", b)
	})
}

// normalize makes empty maps nil: "rules":{} parses to an empty map and
// is omitted when marshalled, and the two mean the same.
func normalize(p *rr.Policy) *rr.Policy {
	q := *p
	if len(q.ContentKinds) == 0 {
		q.ContentKinds = nil
	}
	if len(q.ItemKinds) == 0 {
		q.ItemKinds = nil
	}
	if len(q.Severities) == 0 {
		q.Severities = nil
	}
	if len(q.Categories) == 0 {
		q.Categories = nil
	}
	if len(q.Rules) == 0 {
		q.Rules = nil
	}
	return &q
}

package validate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

func TestInteractionTable(t *testing.T) {
	drugs := terminology.NewDrugs([]terminology.Ingredient{
		{RxCUI: "1", Name: "alpha"}, {RxCUI: "2", Name: "beta"}, {RxCUI: "3", Name: "gamma"}, {Name: "delta"},
	}, nil, []terminology.DrugClass{{ID: "ab", Name: "AB", Members: []string{"1", "2"}}}, nil)
	table, err := validate.NewInteractionTable(drugs, []validate.InteractionRule{
		{ID: "r1", Severity: validate.SeverityCritical, A: validate.DrugSet{Ingredients: []string{"alpha"}}, B: validate.DrugSet{Ingredients: []string{"gamma"}}},
		{ID: "r2", Severity: validate.SeverityInfo, A: validate.DrugSet{Classes: []string{"ab"}}, B: validate.DrugSet{Classes: []string{"ab"}}},
		{ID: "r3", Severity: validate.SeverityWarning, A: validate.DrugSet{Ingredients: []string{"Delta"}}, B: validate.DrugSet{Ingredients: []string{"gamma"}}},
	})
	require.NoError(t, err)
	type hit struct {
		a, b int
		rule string
	}
	tests := []struct {
		name   string
		drugs  [][]string
		want   []hit
		reason string
	}{
		{"pair", [][]string{{"1"}, {"3"}}, []hit{{0, 1, "r1"}}, "side A then side B"},
		{"reversed", [][]string{{"3"}, {"1"}}, []hit{{0, 1, "r1"}}, "rules are symmetric"},
		{"class with itself", [][]string{{"1"}, {"2"}}, []hit{{0, 1, "r2"}}, "two different members of a class on both sides"},
		{"same ingredient", [][]string{{"1"}, {"1"}}, nil, "one ingredient twice is not an interaction"},
		{"combination", [][]string{{"1", "3"}}, nil, "a product's own ingredients do not interact"},
		{"name key", [][]string{{"3"}, {"name:delta"}}, []hit{{0, 1, "r3"}}, "name-keyed ingredients take part"},
		{"three drugs", [][]string{{"3"}, {"2"}, {"1"}}, []hit{{0, 2, "r1"}, {1, 2, "r2"}}, "every pair, in index order"},
		{"unknown", [][]string{{"99"}, {"98"}}, nil, "unknown ingredients interact with nothing"},
		{"one drug", [][]string{{"1"}}, nil, "nothing to pair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := table.Interactions(t.Context(), tt.drugs)
			require.NoError(t, err)
			var hits []hit
			for _, g := range got {
				hits = append(hits, hit{g.A, g.B, g.RuleID})
			}
			assert.Equal(t, tt.want, hits, tt.reason)
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = table.Interactions(ctx, [][]string{{"1"}, {"3"}})
	require.ErrorIs(t, err, context.Canceled)

	rules := table.Rules()
	rules[0].A.Ingredients[0] = "changed"
	assert.Equal(t, "alpha", table.Rules()[0].A.Ingredients[0], "Rules returns a copy")
}

func TestNewInteractionTableErrors(t *testing.T) {
	drugs := terminology.NewDrugs([]terminology.Ingredient{{RxCUI: "1", Name: "alpha"}}, nil, nil, nil)
	one := validate.DrugSet{Ingredients: []string{"alpha"}}
	tests := []struct {
		name   string
		rule   validate.InteractionRule
		want   error
		reason string
	}{
		{"no ID", validate.InteractionRule{Severity: validate.SeverityInfo, A: one, B: one}, validate.ErrInvalidRule, "every rule needs an ID"},
		{"no severity", validate.InteractionRule{ID: "x", A: one, B: one}, validate.ErrInvalidRule, "the zero severity is not a severity"},
		{"empty side", validate.InteractionRule{ID: "x", Severity: validate.SeverityInfo, A: one}, validate.ErrInvalidRule, "both sides name drugs"},
		{"unknown class", validate.InteractionRule{ID: "x", Severity: validate.SeverityInfo, A: one, B: validate.DrugSet{Classes: []string{"nope"}}},
			validate.ErrUnknownClass, "classes resolve against the table"},
		{"unknown drug", validate.InteractionRule{ID: "x", Severity: validate.SeverityInfo, A: one, B: validate.DrugSet{Ingredients: []string{"omega"}}},
			validate.ErrUnknownDrug, "ingredients resolve against the table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := validate.NewInteractionTable(drugs, []validate.InteractionRule{tt.rule})
			require.ErrorIs(t, err, tt.want, tt.reason)
			var ke *validate.KnowledgeError
			require.ErrorAs(t, err, &ke)
			assert.Contains(t, ke.Error(), "validate: rule ")
		})
	}
}

func TestDefaultInteractionRules(t *testing.T) {
	rules := validate.DefaultInteractionRules(nil)
	assert.Len(t, rules, 15+33, "15 ONC high-priority and 33 non-interruptive rules")
	ids := map[string]bool{}
	for _, r := range rules {
		assert.False(t, ids[r.ID], "rule %s is unique", r.ID)
		ids[r.ID] = true
		assert.NotEmpty(t, r.Source.Citation, r.ID)
		assert.NotEmpty(t, r.Source.URL, r.ID)
		assert.NotEmpty(t, r.Summary, r.ID)
		assert.NotEmpty(t, r.Management, r.ID)
		switch {
		case strings.HasPrefix(r.ID, "interaction.onc-hp-"):
			assert.Equal(t, validate.SeverityCritical, r.Severity, r.ID)
			assert.Contains(t, r.Source.Citation, "Phansalkar", r.ID)
		case strings.HasPrefix(r.ID, "interaction.onc-ni-"):
			assert.Equal(t, validate.SeverityInfo, r.Severity, "%s is never above info", r.ID)
			assert.Contains(t, r.Source.Citation, "non-interruptive", r.ID)
		default:
			t.Errorf("unexpected rule %s", r.ID)
		}
	}
	_, err := validate.DefaultInteractionTable(nil)
	require.NoError(t, err, "every name the shipped rules use is in the shipped drug table")

	// The QT set can be replaced (a deployer's licensed list) or dropped.
	licensed := &validate.QTSet{Ingredients: []string{"citalopram", "ondansetron"}, Source: terminology.Source{Citation: "deployer's licensed QT list"}}
	table, err := validate.NewInteractionTable(nil, validate.DefaultInteractionRules(licensed))
	require.NoError(t, err)
	got, err := table.Interactions(t.Context(), [][]string{{"2556"}, {"26225"}})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "interaction.onc-hp-21", got[0].RuleID)
	assert.Contains(t, got[0].Source.Citation, "deployer's licensed QT list")
	got, err = table.Interactions(t.Context(), [][]string{{"6813"}, {"9947"}})
	require.NoError(t, err)
	assert.Empty(t, got, "the default QT set is replaced, not extended")

	none := validate.DefaultInteractionRules(&validate.QTSet{})
	assert.Len(t, none, 47, "an empty QT set leaves #21 out")
	assert.Equal(t, []string{"methadone", "sotalol", "dofetilide", "thioridazine"}, validate.DefaultQTSet().Ingredients)
}

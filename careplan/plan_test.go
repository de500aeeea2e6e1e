package careplan_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
)

func TestPlanItems(t *testing.T) {
	p := fixture.Plan(fixture.MultiMorbid())
	items := p.Items()
	require.Len(t, items, p.Len())
	var ids, ptrs []string
	for _, it := range items {
		ids = append(ids, it.ID)
		ptrs = append(ptrs, it.Pointer)
		kind, idx, ok := careplan.ParseItemID(it.ID)
		require.True(t, ok, it.ID)
		assert.Equal(t, it.Kind, kind)
		assert.Equal(t, it.Index, idx)
	}
	assert.Equal(t, []string{"problem-1", "problem-2", "goal-1", "intervention-1", "medication-1", "medication-2",
		"monitoring-1", "education-1", "referral-1", "followup-1", "task-1"}, ids)
	assert.Equal(t, "/medication_changes/1", ptrs[5])
	assert.Equal(t, "/care_team_tasks/0", ptrs[10])
	assert.Equal(t, "start empagliflozin 10 MG Oral Tablet (10 mg daily)", items[4].Text)
	assert.Equal(t, "ADA 2025 Section 11", items[4].Source)
	assert.Empty(t, items[0].Source, "problems rest on the record")
}

func TestParseItemID(t *testing.T) {
	for _, bad := range []string{"", "goal", "goal-0", "goal-01", "goal--1", "goal-x", "nope-1", "goal-1-2"} {
		_, _, ok := careplan.ParseItemID(bad)
		assert.False(t, ok, bad)
	}
}

func TestPlanCloneIsDeep(t *testing.T) {
	p := fixture.Plan(fixture.MultiMorbid())
	c := p.Clone()
	require.Equal(t, p, c)
	c.Goals[0].Citations[0] = "X1"
	c.Goals[0].Targets[0].Value = 99
	c.MedicationChanges[0].Citations[0] = "X1"
	c.Problems = append(c.Problems, careplan.Problem{})
	assert.NotEqual(t, "X1", p.Goals[0].Citations[0])
	assert.NotEqual(t, 99.0, p.Goals[0].Targets[0].Value)
	assert.NotEqual(t, "X1", p.MedicationChanges[0].Citations[0])
	assert.Len(t, p.Problems, 2)
}

func TestPlanMarshalEmptyLists(t *testing.T) {
	b, err := json.Marshal(careplan.Plan{Summary: "s"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"summary":"s","problems":[],"goals":[],"interventions":[],"medication_changes":[],"monitoring":[],
		"education":[],"referrals":[],"follow_ups":[],"care_team_tasks":[]}`, string(b))
	b2, err := json.Marshal(&careplan.Plan{Summary: "s"})
	require.NoError(t, err)
	assert.Equal(t, b, b2, "pointer and value encode alike")
}

func TestMedicationChangeHelpers(t *testing.T) {
	tests := []struct {
		name                           string
		mc                             careplan.MedicationChange
		proposed, changes, changesDose bool
		reason                         string
	}{
		{"start", careplan.MedicationChange{Action: careplan.ActionStart, Dose: "10 mg daily"}, true, true, false, "a new medication"},
		{"stop", careplan.MedicationChange{Action: careplan.ActionStop}, false, true, false, "alters the list"},
		{"hold", careplan.MedicationChange{Action: careplan.ActionHold}, false, true, false, "pauses a medication"},
		{"increase", careplan.MedicationChange{Action: careplan.ActionIncrease, Dose: "20 mg daily"}, false, true, true, "a dose change"},
		{"decrease", careplan.MedicationChange{Action: careplan.ActionDecrease}, false, true, true, "a dose change even when the new dose is not given"},
		{"continue", careplan.MedicationChange{Action: careplan.ActionContinue}, false, false, false, "an unchanged medication restated"},
		{"continue with a dose", careplan.MedicationChange{Action: careplan.ActionContinue, Dose: "1000 mg three times daily"}, false, true, true,
			"a continue that states a dose is a dose change written as a continue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.proposed, tt.mc.Proposed(), "Proposed: %s", tt.reason)
			assert.Equal(t, tt.changes, tt.mc.Changes(), "Changes: %s", tt.reason)
			assert.Equal(t, tt.changesDose, tt.mc.ChangesDose(), "ChangesDose: %s", tt.reason)
		})
	}
	assert.Equal(t, "HbA1c < 7 %", careplan.Target{MeasureName: "HbA1c", Comparator: "<", Value: 7, Unit: "%"}.String())
}

// A nil plan has no items, length 0 and clones to nil rather than
// panicking: callers holding a draft without a plan must not crash.
func TestPlanNilReceiver(t *testing.T) {
	var p *careplan.Plan
	require.NotPanics(t, func() {
		assert.Nil(t, p.Items())
		assert.Zero(t, p.Len())
		assert.Nil(t, p.Clone())
	})
}

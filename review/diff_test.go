package review_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
)

func TestCompare(t *testing.T) {
	rec := fixture.MultiMorbid()
	base := fixture.Plan(rec) // 11 items; medication-1 starts empagliflozin, medication-2 continues metformin
	edit := func(f func(p *careplan.Plan)) *careplan.Plan {
		p := base.Clone()
		f(p)
		return p
	}
	tests := []struct {
		name    string
		b       *careplan.Plan
		want    []review.ItemChange // fields omitted; checked by op, IDs and clinical
		fields  [][]string          // the changed fields of each change
		summary bool
		changes review.Changes
		reason  string
	}{
		{
			name: "identical", b: base.Clone(), want: nil,
			changes: review.Changes{Base: 11}, reason: "nothing changed",
		},
		{
			name: "summary only", b: edit(func(p *careplan.Plan) { p.Summary = "Rewritten." }), summary: true,
			changes: review.Changes{Base: 11, Summary: true}, reason: "a summary rewrite alone is never substantial",
		},
		{
			name: "dose changed", b: edit(func(p *careplan.Plan) { p.MedicationChanges[0].Dose = "25 mg once daily" }),
			want:    []review.ItemChange{{Op: review.OpChanged, Kind: careplan.ItemMedication, OldID: "medication-1", NewID: "medication-1", Clinical: true}},
			fields:  [][]string{{"dose"}},
			changes: review.Changes{Base: 11, Changed: 1, Clinical: 1, Substantial: true}, reason: "a dose change alters what is done",
		},
		{
			name: "medication rationale reworded", b: edit(func(p *careplan.Plan) { p.MedicationChanges[1].Rationale = "eGFR 52, above 45." }),
			want:    []review.ItemChange{{Op: review.OpChanged, Kind: careplan.ItemMedication, OldID: "medication-2", NewID: "medication-2"}},
			fields:  [][]string{{"rationale"}},
			changes: review.Changes{Base: 11, Changed: 1}, reason: "rewording why does not change what is done",
		},
		{
			name: "medication removed, the next keeps its identity", b: edit(func(p *careplan.Plan) { p.MedicationChanges = p.MedicationChanges[1:] }),
			want:    []review.ItemChange{{Op: review.OpRemoved, Kind: careplan.ItemMedication, OldID: "medication-1", Clinical: true}},
			changes: review.Changes{Base: 11, Removed: 1, Clinical: 1, Substantial: true},
			reason:  "metformin moved from medication-2 to medication-1 but is unchanged",
		},
		{
			name: "medication added", b: withStartAdded(base, rec),
			want:    []review.ItemChange{{Op: review.OpAdded, Kind: careplan.ItemMedication, NewID: "medication-3", Clinical: true}},
			changes: review.Changes{Base: 11, Added: 1, Clinical: 1, Substantial: true}, reason: "a new medication is always substantial",
		},
		{
			name: "medication swapped for another", b: edit(func(p *careplan.Plan) {
				p.MedicationChanges[0].Medication, p.MedicationChanges[0].RxNorm = "dapagliflozin 10 MG Oral Tablet", "1488574"
			}),
			want:    []review.ItemChange{{Op: review.OpChanged, Kind: careplan.ItemMedication, OldID: "medication-1", NewID: "medication-1", Clinical: true}},
			fields:  [][]string{{"medication", "rxnorm"}},
			changes: review.Changes{Base: 11, Changed: 1, Clinical: 1, Substantial: true}, reason: "the leftover start pairs with the leftover start",
		},
		{
			name: "problem made suspected", b: edit(func(p *careplan.Plan) { p.Problems[1].Status = careplan.ProblemSuspected }),
			want:    []review.ItemChange{{Op: review.OpChanged, Kind: careplan.ItemProblem, OldID: "problem-2", NewID: "problem-2", Clinical: true}},
			fields:  [][]string{{"status"}},
			changes: review.Changes{Base: 11, Changed: 1, Clinical: 1, Substantial: true}, reason: "a problem's status is clinical",
		},
		{
			name: "items reordered", b: edit(func(p *careplan.Plan) {
				p.MedicationChanges[0], p.MedicationChanges[1] = p.MedicationChanges[1], p.MedicationChanges[0]
				p.Problems[0], p.Problems[1] = p.Problems[1], p.Problems[0]
			}),
			changes: review.Changes{Base: 11}, reason: "order within a list carries no meaning",
		},
		{
			name: "two of eleven non-clinical items changed", b: edit(func(p *careplan.Plan) {
				p.Goals[0].DueWithinDays = 120
				p.Referrals[0].Urgency = careplan.UrgencySoon
			}),
			want: []review.ItemChange{
				{Op: review.OpChanged, Kind: careplan.ItemGoal, OldID: "goal-1", NewID: "goal-1"},
				{Op: review.OpChanged, Kind: careplan.ItemReferral, OldID: "referral-1", NewID: "referral-1"},
			},
			fields:  [][]string{{"due_within_days"}, {"urgency"}},
			changes: review.Changes{Base: 11, Changed: 2}, reason: "2/11 = 18% is not more than 20%",
		},
		{
			name: "three of eleven non-clinical items changed", b: edit(func(p *careplan.Plan) {
				p.Goals[0].DueWithinDays = 120
				p.Referrals[0].Urgency = careplan.UrgencySoon
				p.Education = nil
			}),
			want: []review.ItemChange{
				{Op: review.OpChanged, Kind: careplan.ItemGoal, OldID: "goal-1", NewID: "goal-1"},
				{Op: review.OpRemoved, Kind: careplan.ItemEducation, OldID: "education-1"},
				{Op: review.OpChanged, Kind: careplan.ItemReferral, OldID: "referral-1", NewID: "referral-1"},
			},
			fields:  [][]string{{"due_within_days"}, nil, {"urgency"}},
			changes: review.Changes{Base: 11, Changed: 2, Removed: 1, Substantial: true}, reason: "3/11 = 27% is more than 20%",
		},
		{
			name: "goal reworded and retargeted", b: edit(func(p *careplan.Plan) {
				p.Goals[0].Description = "HbA1c below 7.5%"
				p.Goals[0].Targets[0].Value = 7.5
			}),
			want:    []review.ItemChange{{Op: review.OpChanged, Kind: careplan.ItemGoal, OldID: "goal-1", NewID: "goal-1"}},
			fields:  [][]string{{"description", "targets"}},
			changes: review.Changes{Base: 11, Changed: 1}, reason: "unpaired by text, the only goal pairs with the only goal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := review.Compare(base, tt.b)
			require.Len(t, d.Items, len(tt.want))
			for i, w := range tt.want {
				got := d.Items[i]
				assert.Equal(t, w.Op, got.Op, "change %d", i)
				assert.Equal(t, w.Kind, got.Kind, "change %d", i)
				assert.Equal(t, w.OldID, got.OldID, "change %d", i)
				assert.Equal(t, w.NewID, got.NewID, "change %d", i)
				assert.Equal(t, w.Clinical, got.Clinical, "change %d", i)
				var fields []string
				for _, f := range got.Fields {
					fields = append(fields, f.Field)
				}
				if tt.fields != nil {
					assert.Equal(t, tt.fields[i], fields, "change %d fields", i)
				}
			}
			assert.Equal(t, tt.summary, len(d.Plan) == 1)
			assert.Equal(t, tt.changes, d.Changes(), tt.reason)
			assert.Equal(t, tt.want == nil && !tt.summary, d.Empty())
		})
	}
}

func TestCompareFieldValues(t *testing.T) {
	rec := fixture.MultiMorbid()
	a := fixture.Plan(rec)
	b := a.Clone()
	b.MedicationChanges[0].Dose = "25 mg"
	d := review.Compare(a, b)
	require.Len(t, d.Items, 1)
	require.Len(t, d.Items[0].Fields, 1)
	f := d.Items[0].Fields[0]
	assert.JSONEq(t, `"10 mg daily"`, string(f.Old))
	assert.JSONEq(t, `"25 mg"`, string(f.New))
	// The diff round-trips through JSON, as stores keep it.
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	var back review.Diff
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, d.Changes(), back.Changes())
}

func TestCompareNilPlans(t *testing.T) {
	rec := fixture.MultiMorbid()
	p := fixture.Plan(rec)
	d := review.Compare(nil, p)
	assert.Equal(t, 0, d.Base)
	assert.Len(t, d.Items, p.Len(), "everything added")
	assert.True(t, d.Changes().Substantial)
	d = review.Compare(p, nil)
	assert.Len(t, d.Items, p.Len(), "everything removed")
	assert.True(t, review.Compare(nil, nil).Empty())
}

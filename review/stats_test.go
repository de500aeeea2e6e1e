package review_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/riskroute"
)

func TestISOWeek(t *testing.T) {
	tests := []struct {
		at     time.Time
		want   string
		reason string
	}{
		{t0, "2026-W45", "a Monday"},
		{time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), "2026-W53", "1 Jan 2027 is a Friday, in the last week of 2026"},
		{time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), "2026-W53", "2026 has 53 ISO weeks"},
		{time.Date(2026, 11, 9, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "2026-W45", "weeks are computed in UTC: this is Sunday 8 Nov"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, review.ISOWeek(tt.at), tt.reason)
	}
}

func TestTally(t *testing.T) {
	doc := &review.Reviewer{ID: "dr", Role: riskroute.RolePhysician}
	mk := func(state review.State, model string, rules []string, week int, substantial bool) *review.Item {
		it := validItem()
		it.State, it.Model, it.Rules = state, model, rules
		it.Decided, it.DecidedBy = t0.Add(time.Duration(week)*7*24*time.Hour), doc
		if state.Released() {
			it.Delivery = &review.Delivery{Key: "k", State: review.DeliveryDone}
		}
		if state == review.StateRejected {
			it.Reasons = []review.Reason{review.ReasonUnsafeRecommendation, review.ReasonOther}
		}
		if substantial || state == review.StateApprovedWithEdits {
			it.Changes = &review.Changes{Substantial: substantial}
		}
		return it
	}
	items := []*review.Item{
		mk(review.StateApproved, "gpt", nil, 0, false),
		mk(review.StateApprovedWithEdits, "gpt", []string{"ddi.a"}, 0, true),
		mk(review.StateApprovedWithEdits, "gpt", []string{"ddi.a", "grounding.b"}, 1, false),
		mk(review.StateRejected, "claude", []string{"ddi.a"}, 1, false),
		mk(review.StateAutoApproved, "rules", nil, 1, false),
		validItem(), // pending: ignored
		nil,         // ignored, never a panic
	}
	s := review.Tally(items, time.Time{}, time.Time{})
	assert.Equal(t, review.Counts{Approved: 1, ApprovedWithEdits: 2, Rejected: 1, AutoApproved: 1, Substantial: 1,
		Reasons:      map[review.Reason]int{review.ReasonUnsafeRecommendation: 1, review.ReasonOther: 1},
		ApprovalRate: 0.75, SubstantialRate: 1.0 / 3}, s.Total, "auto-approvals are counted but in no rate")
	keys := func(gs []review.Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Key)
		}
		return out
	}
	assert.Equal(t, []string{"care_plan"}, keys(s.ByKind))
	assert.Equal(t, []string{"claude", "gpt", "rules"}, keys(s.ByModel))
	assert.Equal(t, []string{review.NoRule, "ddi.a", "grounding.b"}, keys(s.ByRule))
	assert.Equal(t, []string{"2026-W45", "2026-W46"}, keys(s.ByWeek))

	gpt := s.ByModel[1]
	assert.Equal(t, 1.0, gpt.ApprovalRate)
	assert.InDelta(t, 1.0/3, gpt.SubstantialRate, 1e-9)
	ddi := s.ByRule[1]
	assert.Equal(t, 3, ddi.Reviewed(), "an item counts under each of its rules")
	assert.InDelta(t, 2.0/3, ddi.ApprovalRate, 1e-9)
	assert.Equal(t, 0.5, ddi.SubstantialRate)
	w46 := s.ByWeek[1]
	assert.Equal(t, 1, w46.AutoApproved)
	assert.Equal(t, 0.5, w46.ApprovalRate)
	assert.Zero(t, s.ByModel[2].ApprovalRate, "no clinician decisions: rate 0, not NaN")
}

func TestStatsEndToEnd(t *testing.T) {
	e := newEnv(t, nil)
	// Week 45: one approval, one substantial edit (requeued to a physician).
	a := e.submitNurse(t)
	_, err := e.w.Approve(t.Context(), e.claim(t, a.ID, nurse))
	require.NoError(t, err)
	b := e.submitNurse(t)
	_, content := e.item(t, b.ID)
	_, err = e.w.ApproveEdited(t.Context(), e.claim(t, b.ID, nurse), withStartAdded(content.Draft.Plan, e.rec), e.rec)
	require.ErrorIs(t, err, review.ErrInsufficientRole)
	_, err = e.w.Approve(t.Context(), e.claim(t, b.ID, physician))
	require.NoError(t, err)
	// Week 46: one rejection.
	e.clk.Advance(7 * 24 * time.Hour)
	c := e.submitPhysician(t)
	_, err = e.w.Reject(t.Context(), e.claim(t, c.ID, physician), &review.Feedback{Reasons: []review.Reason{review.ReasonUnsafeRecommendation}})
	require.NoError(t, err)
	e.submitNurse(t) // still pending

	s, err := e.w.Stats(t.Context(), time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, 1, s.Total.Approved)
	assert.Equal(t, 1, s.Total.ApprovedWithEdits)
	assert.Equal(t, 1, s.Total.Rejected)
	assert.Equal(t, 1, s.Total.Substantial)
	assert.InDelta(t, 2.0/3, s.Total.ApprovalRate, 1e-9)
	assert.Equal(t, 0.5, s.Total.SubstantialRate)
	require.Len(t, s.ByWeek, 2)
	assert.Equal(t, "2026-W46", s.ByWeek[1].Key)
	assert.Equal(t, 1, s.ByWeek[1].Rejected)
	require.Len(t, s.ByModel, 2)

	wk, err := e.w.Stats(t.Context(), t0.Add(7*24*time.Hour), time.Time{})
	require.NoError(t, err)
	assert.Equal(t, 1, wk.Total.Reviewed(), "only decisions in the period")
}

package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/memstore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func TestNewRejectsBadArguments(t *testing.T) {
	_, err := review.New(nil, nil)
	require.ErrorIs(t, err, review.ErrInvalid, "a workflow needs a store")
	_, err = review.New(memstore.New(), &review.Options{Lease: -time.Second})
	require.ErrorIs(t, err, review.ErrInvalid, "a negative lease is a configuration mistake")
}

func TestSubmitRejectsBadInput(t *testing.T) {
	e := newEnv(t, nil)
	d, rep := e.nurseDraft(t)
	nan := d.Plan.Clone()
	nan.Goals[0].Targets[0].Value = math.NaN()
	tests := []struct {
		name   string
		sub    *review.Submission
		field  string
		reason string
	}{
		{"nil", nil, "submission", "nothing to submit"},
		{"no subject", &review.Submission{Draft: d, Report: rep}, "submission.subject", "the sink could not tell whose chart to write"},
		{"long subject", &review.Submission{Subject: strings.Repeat("x", 257), Draft: d}, "submission.subject", "bounded so the store cannot be abused"},
		{"control characters", &review.Submission{Subject: "Patient/1\n2", Draft: d}, "submission.subject", "would corrupt line-oriented exports"},
		{"no draft", &review.Submission{Subject: "Patient/1"}, "submission.draft", "nothing to review"},
		{"no plan", &review.Submission{Subject: "Patient/1", Draft: &careplan.Draft{Kind: careplan.KindCarePlan}}, "submission.draft", "nothing to review"},
		{"unencodable plan", &review.Submission{Subject: "Patient/1", Draft: &careplan.Draft{Kind: careplan.KindCarePlan, Plan: nan}}, "submission.draft.plan", "a NaN target cannot be stored or hashed"},
		{"unencodable report", &review.Submission{Subject: "Patient/1", Draft: d, Report: &validate.Report{Ran: []string{"x"},
			Findings: []validate.Finding{{RuleID: "r"}}}}, "submission.report", "a finding without a severity cannot be stored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.w.Submit(t.Context(), tt.sub)
			require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
			var ie *review.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.field, ie.Field)
		})
	}
	items, err := e.store.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Empty(t, items, "nothing invalid was stored")
}

func TestSubmitRoutesItself(t *testing.T) {
	e := newEnv(t, nil)
	nd, nrep := e.nurseDraft(t)
	pd, prep := e.physicianDraft(t)
	incomplete := &validate.Report{Ran: []string{"grounding", "interactions"},
		Failed: []*validate.ValidatorError{{Validator: "interactions", Err: errors.New("down")}}}
	tests := []struct {
		name   string
		draft  *careplan.Draft
		rep    *validate.Report
		want   riskroute.Tier
		reason string
	}{
		{"care plan", nd, nrep, riskroute.TierNurseReview, "a care plan with no medication change needs a nurse"},
		{"medication start", pd, prep, riskroute.TierPhysicianReview, "starting a medication needs a physician"},
		{"no report", nd, nil, riskroute.TierPhysicianReview, "unvalidated content needs a physician"},
		{"incomplete report", nd, incomplete, riskroute.TierPhysicianReview, "a validator that failed leaves the draft unchecked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := e.submit(t, tt.draft, tt.rep)
			assert.Equal(t, tt.want, it.Tier, tt.reason)
			assert.Equal(t, tt.want, it.SubmittedTier)
			assert.Equal(t, review.StatePending, it.State)
			assert.Equal(t, riskroute.ContentCarePlan, it.Kind)
			_, c := e.item(t, it.ID)
			assert.Equal(t, tt.want, c.Decision.Tier, "the stored decision is the workflow's own")
		})
	}
}

func TestSubmitRecordsModelAndRules(t *testing.T) {
	e := newEnv(t, nil)
	d, _ := e.physicianDraft(t)
	d.Provider = "openai"
	rep := &validate.Report{Ran: []string{"grounding"}, Findings: []validate.Finding{
		{RuleID: "grounding.uncited", Severity: validate.SeverityWarning},
		{RuleID: "ddi.warfarin-nsaid", Severity: validate.SeverityWarning},
		{RuleID: "grounding.uncited", Severity: validate.SeverityInfo},
	}}
	it := e.submit(t, d, rep)
	assert.Equal(t, "openai/fixture-model", it.Model)
	assert.Equal(t, []string{"ddi.warfarin-nsaid", "grounding.uncited"}, it.Rules, "rule IDs sorted and unique")
	g, _ := e.nurseDraft(t)
	it = e.submit(t, g, nil)
	assert.Equal(t, careplan.DrafterVersion, it.Model, "without a model, the generator is the model label")
}

func TestClaimByRole(t *testing.T) {
	tests := []struct {
		name      string
		physician bool // the item needs a physician
		who       review.Reviewer
		wantErr   error
		reason    string
	}{
		{"nurse takes nurse work", false, nurse, nil, "the tier matches the role"},
		{"physician takes nurse work", false, physician, nil, "a physician may review anything a nurse may"},
		{"physician takes physician work", true, physician, nil, "the tier matches the role"},
		{"nurse may not take physician work", true, nurse, review.ErrInsufficientRole, "a medication start needs a physician"},
		{"pharmacist may not claim", false, review.Reviewer{ID: "rph-1", Role: riskroute.RolePharmacist}, review.ErrInvalid,
			"pharmacists are notified, not approvers"},
		{"system role may not claim", false, review.Reviewer{ID: "x", Role: review.RoleSystem}, review.ErrInvalid,
			"careguard's own role never reviews"},
		{"anonymous", false, review.Reviewer{Role: riskroute.RoleNurse}, review.ErrInvalid, "the audit log needs who"},
		{"unprintable ID", false, review.Reviewer{ID: "rn\x00", Role: riskroute.RoleNurse}, review.ErrInvalid, "IDs go into the audit log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			var it *review.Item
			if tt.physician {
				it = e.submitPhysician(t)
			} else {
				it = e.submitNurse(t)
			}
			c, err := e.w.Claim(t.Context(), it.ID, tt.who)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr, tt.reason)
				got, _ := e.item(t, it.ID)
				assert.Equal(t, review.StatePending, got.State, "a refused claim changes nothing")
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.who, c.Reviewer)
			assert.Equal(t, t0.Add(review.DefaultLease), c.Expires)
		})
	}
}

func TestRoleErrorDetails(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitPhysician(t)
	_, err := e.w.Claim(t.Context(), it.ID, nurse)
	var re *review.RoleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, review.RoleError{ItemID: it.ID, Role: riskroute.RoleNurse, Tier: riskroute.TierPhysicianReview}, *re)
	assert.False(t, re.Requeued)
}

func TestClaimIsExclusive(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	first := e.claim(t, it.ID, nurse)

	_, err := e.w.Claim(t.Context(), it.ID, nurse2)
	require.ErrorIs(t, err, review.ErrClaimed, "a live claim excludes other reviewers")

	e.clk.Advance(time.Minute)
	again := e.claim(t, it.ID, nurse)
	assert.Equal(t, first.Token, again.Token, "re-claiming your own item renews the same claim")
	assert.Equal(t, t0.Add(time.Minute+review.DefaultLease), again.Expires)

	e.clk.Advance(review.DefaultLease + time.Minute)
	taken := e.claim(t, it.ID, nurse2)
	assert.NotEqual(t, first.Token, taken.Token, "an expired lease may be taken over")
	_, err = e.w.Approve(t.Context(), first)
	require.ErrorIs(t, err, review.ErrClaimLost, "the first reviewer's claim was taken over")
	_, err = e.w.Approve(t.Context(), taken)
	require.NoError(t, err)

	es, err := e.store.Audit(t.Context(), 0, 0)
	require.NoError(t, err)
	require.Len(t, es, 6)
	assert.Contains(t, es[2].Detail, "renewed=true")
	assert.Contains(t, es[3].Detail, "took_over=expired")
}

func TestConcurrentClaimNext(t *testing.T) {
	e := newEnv(t, nil)
	const items, reviewers = 40, 8
	for range items {
		e.submitNurse(t)
	}
	var mu sync.Mutex
	holder := map[string]string{}
	var wg sync.WaitGroup
	for r := range reviewers {
		who := review.Reviewer{ID: fmt.Sprintf("rn-%d", r), Role: riskroute.RoleNurse}
		wg.Go(func() {
			for {
				c, err := e.w.ClaimNext(t.Context(), who)
				if errors.Is(err, review.ErrQueueEmpty) {
					return
				}
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				if prev, ok := holder[c.ItemID]; ok {
					t.Errorf("item %s claimed by %s and %s", c.ItemID, prev, who.ID)
				}
				holder[c.ItemID] = who.ID
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, holder, items, "every item claimed exactly once")
	q, err := e.w.Queue(t.Context(), riskroute.RoleNurse, 0)
	require.NoError(t, err)
	assert.Empty(t, q)
	_, err = review.Verify(t.Context(), e.store, nil)
	require.NoError(t, err)
}

func TestQueue(t *testing.T) {
	e := newEnv(t, nil)
	n1 := e.submitNurse(t)
	e.clk.Advance(time.Second)
	p1 := e.submitPhysician(t)
	e.clk.Advance(time.Second)
	n2 := e.submitNurse(t)
	e.claim(t, n2.ID, nurse2)

	ids := func(role riskroute.Role) []string {
		q, err := e.w.Queue(t.Context(), role, 0)
		require.NoError(t, err)
		out := []string{}
		for _, it := range q {
			out = append(out, it.ID)
		}
		return out
	}
	assert.Equal(t, []string{n1.ID}, ids(riskroute.RoleNurse), "nurses see nurse work that is not claimed")
	assert.Equal(t, []string{n1.ID, p1.ID}, ids(riskroute.RolePhysician), "physicians see both tiers, oldest first")
	e.clk.Advance(review.DefaultLease)
	assert.Equal(t, []string{n1.ID, n2.ID}, ids(riskroute.RoleNurse), "an expired claim returns to the queue")
	_, err := e.w.Queue(t.Context(), riskroute.RoleSocialWorker, 0)
	require.ErrorIs(t, err, review.ErrInvalid)
}

func TestRenewAndRelease(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	c := e.claim(t, it.ID, nurse)
	e.clk.Advance(10 * time.Minute)
	r, err := e.w.Renew(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(10*time.Minute+review.DefaultLease), r.Expires)
	assert.Equal(t, c.Token, r.Token)

	require.NoError(t, e.w.Release(t.Context(), r))
	got, _ := e.item(t, it.ID)
	assert.Equal(t, review.StatePending, got.State)
	assert.Nil(t, got.Claim)
	require.ErrorIs(t, e.w.Release(t.Context(), r), review.ErrClaimLost, "a released claim cannot act")
	_, err = e.w.Renew(t.Context(), r)
	require.ErrorIs(t, err, review.ErrClaimLost)

	c2 := e.claim(t, it.ID, nurse)
	e.clk.Advance(review.DefaultLease)
	_, err = e.w.Renew(t.Context(), c2)
	require.ErrorIs(t, err, review.ErrClaimLost, "an expired lease cannot be renewed; claim again")
	assert.Equal(t, []review.Action{review.ActionSubmit, review.ActionClaim, review.ActionRenew, review.ActionRelease, review.ActionClaim}, e.actions(t))
}

func TestClaimArgumentErrors(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		claim  *review.Claim
		reason string
	}{
		{"nil", nil, "no claim"},
		{"no token", &review.Claim{ItemID: "x"}, "a claim without a token proves nothing"},
		{"no item", &review.Claim{Token: "t"}, "a claim names its item"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.w.Approve(t.Context(), tt.claim)
			require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
			_, err = e.w.Reject(t.Context(), tt.claim, &review.Feedback{Reasons: []review.Reason{review.ReasonOther}, Text: "x"})
			require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
			require.ErrorIs(t, e.w.Release(t.Context(), tt.claim), review.ErrInvalid, tt.reason)
		})
	}
	_, err := e.w.Claim(t.Context(), "", nurse)
	require.ErrorIs(t, err, review.ErrInvalid)
	_, err = e.w.Claim(t.Context(), "missing", nurse)
	require.ErrorIs(t, err, review.ErrNotFound)
}

func TestApprove(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	c := e.claim(t, it.ID, nurse)
	e.clk.Advance(3 * time.Minute)
	got, err := e.w.Approve(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, review.StateApproved, got.State)
	assert.Equal(t, &nurse, got.DecidedBy)
	assert.Equal(t, t0.Add(3*time.Minute), got.Decided)
	assert.Nil(t, got.Changes)
	require.NotNil(t, got.Delivery)
	assert.Equal(t, review.DeliveryDone, got.Delivery.State)
	assert.Equal(t, 1, got.Delivery.Attempts)

	require.Equal(t, []string{got.Delivery.Key}, e.sink.keys(), "the sink is called once, with the key")
	a := e.sink.last()
	assert.Equal(t, "Patient/example-123", a.Subject)
	assert.Equal(t, review.StateApproved, a.State)
	assert.Equal(t, nurse, a.Approver)
	assert.Nil(t, a.Diff)
	assert.Equal(t, it.ContentHash, a.ContentHash)

	stored, _ := e.item(t, it.ID)
	assert.Equal(t, got, stored, "the returned item is what was stored")
	assert.Equal(t, []review.Action{review.ActionSubmit, review.ActionClaim, review.ActionApprove, review.ActionDeliver}, e.actions(t))

	_, err = e.w.Approve(t.Context(), c)
	var se *review.StateError
	require.ErrorAs(t, err, &se, "an approved item cannot be approved again")
	assert.Equal(t, review.StateApproved, se.State)
	_, err = e.w.Claim(t.Context(), it.ID, nurse)
	require.ErrorIs(t, err, review.ErrState)
	n, err := e.w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to deliver")
	assert.Len(t, e.sink.keys(), 1, "still exactly one sink call")
}

func TestApproveNeedsALiveLease(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	c := e.claim(t, it.ID, nurse)
	e.clk.Advance(review.DefaultLease)
	_, err := e.w.Approve(t.Context(), c)
	require.ErrorIs(t, err, review.ErrClaimLost, "a lease that has ended no longer authorises anything")
	forged := *c
	forged.Token = "forged"
	c2 := e.claim(t, it.ID, nurse)
	_, err = e.w.Approve(t.Context(), &forged)
	require.ErrorIs(t, err, review.ErrClaimLost, "only the live claim's token acts")
	_, err = e.w.Approve(t.Context(), c2)
	require.NoError(t, err)
}

func TestApproveEditedWithinRole(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, nurse)
	edited := orig.Draft.Plan.Clone()
	edited.Education[0].Topic = "Low blood sugar: signs, treatment with 15 g of fast sugar, and when to call"
	got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
	require.NoError(t, err)
	assert.Equal(t, review.StateApprovedWithEdits, got.State)
	assert.Equal(t, riskroute.TierNurseReview, got.Tier)
	require.NotNil(t, got.Changes)
	assert.Equal(t, review.Changes{Base: 20, Changed: 1}, *got.Changes, "one education item reworded: not substantial")
	assert.NotEqual(t, it.ContentHash, got.ContentHash)

	_, content := e.item(t, it.ID)
	require.Len(t, content.Revisions, 1)
	rev := content.Revisions[0]
	assert.Equal(t, nurse, rev.Editor)
	assert.True(t, rev.Report.Complete(), "the edit was re-validated")
	require.Len(t, rev.Diff.Items, 1)
	assert.Equal(t, "education-1", rev.Diff.Items[0].NewID)
	assert.Equal(t, edited, rev.Draft.Plan)
	assert.Equal(t, orig.Draft.Plan, content.Draft.Plan, "the submitted draft is kept")

	a := e.sink.last()
	require.NotNil(t, a)
	assert.Equal(t, edited, a.Draft.Plan, "the sink writes the edited content")
	assert.Equal(t, rev.Diff, a.Diff)
	es, err := e.store.Audit(t.Context(), 0, 0)
	require.NoError(t, err)
	approve := es[2]
	assert.Equal(t, review.ActionApproveWithEdits, approve.Action)
	assert.Equal(t, it.ContentHash, approve.PrevContentHash)
	assert.Equal(t, got.ContentHash, approve.ContentHash)
}

// The safety case: a nurse's edit adds a medication start, which needs a
// physician. The approval is refused, the edit kept, and the item handed
// to the physician queue.
func TestEditThatRaisesTheTierIsRequeued(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, nurse)
	edited := withStartAdded(orig.Draft.Plan, e.rec)

	got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
	var re *review.RoleError
	require.ErrorAs(t, err, &re, "a nurse may not approve a medication start")
	require.ErrorIs(t, err, review.ErrInsufficientRole)
	assert.Equal(t, review.RoleError{ItemID: it.ID, Role: riskroute.RoleNurse, Tier: riskroute.TierPhysicianReview, Requeued: true}, *re)
	require.NotNil(t, got)
	assert.Equal(t, review.StatePending, got.State)
	assert.Equal(t, riskroute.TierPhysicianReview, got.Tier, "re-routed on the edited content")
	assert.Equal(t, riskroute.TierNurseReview, got.SubmittedTier)
	assert.Nil(t, got.Claim, "the nurse's claim is released")
	assert.Empty(t, e.sink.keys(), "nothing reached the record")

	_, content := e.item(t, it.ID)
	require.Len(t, content.Revisions, 1, "the nurse's work is kept")
	assert.Equal(t, edited, content.Revisions[0].Draft.Plan)

	q, err := e.w.Queue(t.Context(), riskroute.RoleNurse, 0)
	require.NoError(t, err)
	assert.Empty(t, q, "no longer in the nurse queue")
	_, err = e.w.Claim(t.Context(), it.ID, nurse2)
	require.ErrorIs(t, err, review.ErrInsufficientRole, "no nurse may take it now")
	q, err = e.w.Queue(t.Context(), riskroute.RolePhysician, 0)
	require.NoError(t, err)
	require.Len(t, q, 1)

	pc := e.claim(t, it.ID, physician)
	final, err := e.w.Approve(t.Context(), pc)
	require.NoError(t, err)
	assert.Equal(t, review.StateApprovedWithEdits, final.State, "the approved content differs from the submission")
	require.NotNil(t, final.Changes)
	assert.True(t, final.Changes.Substantial, "a medication added is a substantial revision")
	assert.Equal(t, 1, final.Changes.Clinical)
	a := e.sink.last()
	require.NotNil(t, a)
	assert.Equal(t, edited, a.Draft.Plan, "the physician approved the nurse's edit")
	assert.Equal(t, physician, a.Approver)
	assert.Equal(t, []review.Action{review.ActionSubmit, review.ActionClaim, review.ActionEditRequeued,
		review.ActionClaim, review.ActionApproveWithEdits, review.ActionDeliver}, e.actions(t))
}

func TestEditThatLowersTheTier(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitPhysician(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, physician)
	edited := orig.Draft.Plan.Clone()
	edited.MedicationChanges = edited.MedicationChanges[1:] // drop the start, keep the continuation
	got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
	require.NoError(t, err)
	assert.Equal(t, riskroute.TierNurseReview, got.Tier, "the approved content needs only a nurse")
	assert.Equal(t, riskroute.TierPhysicianReview, got.SubmittedTier)
	assert.True(t, got.Changes.Substantial, "removing a medication start is substantial")
	assert.Equal(t, review.Changes{Base: 11, Removed: 1, Clinical: 1, Substantial: true}, *got.Changes,
		"the continuation moved from medication-2 to medication-1 and is not counted")
}

func TestEditReValidationFailureGoesToPhysician(t *testing.T) {
	checker := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil), failingValidator{}}, nil)
	e := newEnv(t, &review.Options{Checker: checker})
	it := e.submitNurse(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, nurse)
	edited := orig.Draft.Plan.Clone()
	edited.Summary += " Reviewed."
	got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
	require.ErrorIs(t, err, review.ErrInsufficientRole, "an edit that could not be fully checked needs a physician")
	assert.Equal(t, riskroute.TierPhysicianReview, got.Tier)
	_, content := e.item(t, it.ID)
	require.Len(t, content.Revisions, 1)
	assert.False(t, content.Revisions[0].Report.Complete())
}

// With no Checker option, edits are re-validated with the full validator
// set the pipeline runs, so a nurse cannot approve an edit that the
// pipeline would have sent to a physician.
func TestEditIsCheckedLikeThePipeline(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*careplan.Plan)
		wantState review.State
		wantTier  riskroute.Tier
		wantRules []string
		reason    string
	}{
		{"reworded education", func(p *careplan.Plan) {
			p.Education[0].Topic = "Low blood sugar: signs, treatment with 15 g of fast sugar, and when to call"
		}, review.StateApprovedWithEdits, riskroute.TierNurseReview, nil, "a clean rewording stays with the nurse"},
		{"identifiers in patient-facing text", func(p *careplan.Plan) {
			p.Education[0].Topic += ". Questions? Call your daughter Philippa Quarterfield or us about MRN-4471902 at 614-555-0148."
		}, review.StatePending, riskroute.TierPhysicianReview, []string{validate.RulePHIDraft, validate.RulePHIThirdParty},
			"a relative's name, the MRN and a phone number are critical PHI findings: a physician must see them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			it := e.submitNurse(t)
			_, orig := e.item(t, it.ID)
			c := e.claim(t, it.ID, nurse)
			edited := orig.Draft.Plan.Clone()
			tt.edit(edited)
			got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
			if tt.wantState == review.StatePending {
				var re *review.RoleError
				require.ErrorAs(t, err, &re, tt.reason)
				assert.True(t, re.Requeued)
			} else {
				require.NoError(t, err, tt.reason)
			}
			assert.Equal(t, tt.wantState, got.State, tt.reason)
			assert.Equal(t, tt.wantTier, got.Tier, tt.reason)
			_, content := e.item(t, it.ID)
			require.Len(t, content.Revisions, 1)
			rep := content.Revisions[0].Report
			assert.True(t, rep.Complete())
			assert.Equal(t, validate.NewRunner(validate.DefaultValidators(), nil).Validators(), rep.Ran, "the full set ran, medication safety and PHI included")
			var rules []string
			for _, f := range rep.Findings {
				if f.Severity == validate.SeverityCritical {
					rules = append(rules, f.RuleID)
				}
			}
			assert.ElementsMatch(t, tt.wantRules, rules, tt.reason)
		})
	}
}

// quietChecker returns a report that reads complete together with an
// error, as a checker that does not record its own failures would.
type quietChecker struct{}

func (quietChecker) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return &validate.Report{Ran: []string{"grounding"}, Findings: []validate.Finding{}}, errors.New("interaction database unavailable")
}

func TestEditCheckerErrorIsNotClean(t *testing.T) {
	e := newEnv(t, &review.Options{Checker: quietChecker{}})
	it := e.submitNurse(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, nurse)
	edited := orig.Draft.Plan.Clone()
	edited.Summary += " Reviewed."
	got, err := e.w.ApproveEdited(t.Context(), c, edited, e.rec)
	require.ErrorIs(t, err, review.ErrInsufficientRole, "an edit whose check failed is not clean: it needs a physician")
	assert.Equal(t, riskroute.TierPhysicianReview, got.Tier)
	_, content := e.item(t, it.ID)
	require.Len(t, content.Revisions, 1)
	rep := content.Revisions[0].Report
	assert.False(t, rep.Complete(), "the stored report says the check did not complete")
	require.Len(t, rep.Failed, 1)
	assert.Equal(t, "checker", rep.Failed[0].Validator)
}

func TestApproveEditedErrors(t *testing.T) {
	other := fixture.Polypharmacy(2)
	tests := []struct {
		name    string
		opts    *review.Options
		plan    func(*careplan.Plan) *careplan.Plan
		rec     bool // pass the right record
		wrong   bool // pass another patient's record
		wantErr error
		reason  string
	}{
		{"nil plan", nil, func(*careplan.Plan) *careplan.Plan { return nil }, true, false, review.ErrInvalid, "nothing to approve"},
		{"nil record", nil, func(p *careplan.Plan) *careplan.Plan { return p }, false, false, review.ErrInvalid, "the edit cannot be re-validated"},
		{"wrong record", nil, func(p *careplan.Plan) *careplan.Plan { return p }, false, true, review.ErrRecordMismatch,
			"validating against another record would check nothing"},
		{"checker without report", &review.Options{Checker: nilChecker{}},
			func(p *careplan.Plan) *careplan.Plan { q := p.Clone(); q.Summary = "changed"; return q }, true, false, nil,
			"an edit that cannot be validated is not committed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts)
			it := e.submitNurse(t)
			_, orig := e.item(t, it.ID)
			c := e.claim(t, it.ID, nurse)
			rec := e.rec
			switch {
			case tt.wrong:
				rec = other
			case !tt.rec:
				rec = nil
			}
			_, err := e.w.ApproveEdited(t.Context(), c, tt.plan(orig.Draft.Plan), rec)
			require.Error(t, err, tt.reason)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr, tt.reason)
			}
			got, content := e.item(t, it.ID)
			assert.Equal(t, review.StateClaimed, got.State, "nothing committed")
			assert.Empty(t, content.Revisions)
		})
	}
}

func TestApproveEditedUnchangedIsPlainApproval(t *testing.T) {
	e := newEnv(t, nil)
	it := e.submitNurse(t)
	_, orig := e.item(t, it.ID)
	c := e.claim(t, it.ID, nurse)
	got, err := e.w.ApproveEdited(t.Context(), c, orig.Draft.Plan.Clone(), e.rec)
	require.NoError(t, err)
	assert.Equal(t, review.StateApproved, got.State)
	assert.Nil(t, got.Changes)
}

func TestReject(t *testing.T) {
	var hooked []*review.Rejection
	e := newEnv(t, &review.Options{OnReject: func(_ context.Context, r *review.Rejection) { hooked = append(hooked, r) }})
	it := e.submitNurse(t)
	c := e.claim(t, it.ID, nurse)

	bad := []struct {
		name   string
		fb     *review.Feedback
		reason string
	}{
		{"nil", nil, "a rejection needs feedback"},
		{"no reason", &review.Feedback{Text: "no"}, "the structured reason is what improvement work counts"},
		{"other without text", &review.Feedback{Reasons: []review.Reason{review.ReasonOther}}, "other must say what"},
		{"unknown item", &review.Feedback{Reasons: []review.Reason{review.ReasonClinicalInaccuracy}, ItemIDs: []string{"goal-9"}},
			"feedback must point at items that exist"},
	}
	for _, tt := range bad {
		_, err := e.w.Reject(t.Context(), c, tt.fb)
		require.ErrorIs(t, err, review.ErrInvalid, tt.name+": "+tt.reason)
	}
	still, _ := e.item(t, it.ID)
	require.Equal(t, review.StateClaimed, still.State, "bad feedback rejects nothing")

	fb := &review.Feedback{
		Reasons: []review.Reason{review.ReasonWrongPatientData, review.ReasonClinicalInaccuracy, review.ReasonWrongPatientData},
		Text:    "The HbA1c goal ignores her hypoglycemia episodes; Mrs Quarterfield lives alone.",
		ItemIDs: []string{"goal-1", "goal-1"},
	}
	e.clk.Advance(time.Minute)
	got, err := e.w.Reject(t.Context(), c, fb)
	require.NoError(t, err)
	assert.Equal(t, review.StateRejected, got.State)
	assert.Equal(t, []review.Reason{review.ReasonClinicalInaccuracy, review.ReasonWrongPatientData}, got.Reasons)
	assert.Equal(t, t0.Add(time.Minute), got.Decided)
	assert.Empty(t, e.sink.keys(), "rejected content never reaches the record")
	assert.Len(t, fb.Reasons, 3, "the caller's feedback is not modified")

	require.Len(t, hooked, 1, "the improvement hook sees the rejection")
	assert.Equal(t, it.ID, hooked[0].Item.ID)
	assert.Equal(t, fb.Text, hooked[0].Content.Feedback.Text)
	assert.Equal(t, []string{"goal-1"}, hooked[0].Content.Feedback.ItemIDs)
	assert.NotNil(t, hooked[0].Content.Draft.Plan)

	rs, err := e.w.Rejections(t.Context(), t0, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, fb.Text, rs[0].Content.Feedback.Text)
	rs, err = e.w.Rejections(t.Context(), t0.Add(time.Hour), time.Time{})
	require.NoError(t, err)
	assert.Empty(t, rs)

	es, err := e.store.Audit(t.Context(), 0, 0)
	require.NoError(t, err)
	last := es[len(es)-1]
	assert.Equal(t, review.ActionReject, last.Action)
	assert.Contains(t, last.Detail, "reasons=clinical_inaccuracy,wrong_patient_data")
	assert.Contains(t, last.Detail, "feedback=sha256:")
}

func TestRejectHookPanicIsContained(t *testing.T) {
	e := newEnv(t, &review.Options{OnReject: func(context.Context, *review.Rejection) { panic("hook bug") }})
	it := e.submitNurse(t)
	c := e.claim(t, it.ID, nurse)
	got, err := e.w.Reject(t.Context(), c, &review.Feedback{Reasons: []review.Reason{review.ReasonMissingInformation}})
	require.NoError(t, err, "a broken hook does not undo or fail a committed rejection")
	assert.Equal(t, review.StateRejected, got.State)
}

// The audit log and the logs must never hold the subject, plan text or
// feedback text: only IDs, codes and hashes.
func TestNoPHIInAuditOrLogs(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, &review.Options{Logger: logger})
	e.sink.fail = 1
	a := e.submitNurse(t)
	_, content := e.item(t, a.ID)
	c := e.claim(t, a.ID, nurse)
	_, err := e.w.ApproveEdited(t.Context(), c, withStartAdded(content.Draft.Plan, e.rec), e.rec)
	require.ErrorIs(t, err, review.ErrInsufficientRole)
	c = e.claim(t, a.ID, physician)
	_, err = e.w.Approve(t.Context(), c)
	require.NoError(t, err)
	b := e.submitNurse(t)
	c = e.claim(t, b.ID, nurse)
	const secret = "Mrs Quarterfield fell at home"
	_, err = e.w.Reject(t.Context(), c, &review.Feedback{Reasons: []review.Reason{review.ReasonOther}, Text: secret})
	require.NoError(t, err)

	es, err := e.store.Audit(t.Context(), 0, 0)
	require.NoError(t, err)
	audit, err := json.Marshal(es)
	require.NoError(t, err)
	forbidden := []string{"Patient/example-123", secret, "atorvastatin", "Quarterfield", "MRN-4471902"}
	for _, it := range content.Draft.Plan.Items() {
		forbidden = append(forbidden, it.Text, it.Rationale)
	}
	forbidden = append(forbidden, content.Draft.Plan.Summary)
	for _, s := range forbidden {
		assert.NotContains(t, string(audit), s, "audit log")
		assert.NotContains(t, logs.String(), s, "logs")
	}
	assert.Contains(t, logs.String(), "edit_requeued", "the logs do record actions")
}

package review_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/riskroute"
)

func TestMayReview(t *testing.T) {
	tests := []struct {
		role   riskroute.Role
		tier   riskroute.Tier
		want   bool
		reason string
	}{
		{riskroute.RoleNurse, riskroute.TierNurseReview, true, "nurse work"},
		{riskroute.RoleNurse, riskroute.TierPhysicianReview, false, "a nurse may not take physician work"},
		{riskroute.RoleNurse, riskroute.TierAutoApprove, true, "anything below the role's tier"},
		{riskroute.RolePhysician, riskroute.TierNurseReview, true, "a physician may take nurse work"},
		{riskroute.RolePhysician, riskroute.TierPhysicianReview, true, "physician work"},
		{riskroute.RolePharmacist, riskroute.TierNurseReview, false, "pharmacists are notified, not approvers"},
		{riskroute.RoleSocialWorker, riskroute.TierAutoApprove, false, "not a reviewing role"},
		{review.RoleSystem, riskroute.TierAutoApprove, false, "careguard never reviews"},
		{riskroute.RolePhysician, riskroute.Tier(9), false, "an unknown tier fails closed"},
		{riskroute.RolePhysician, 0, false, "no tier fails closed"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, review.MayReview(tt.role, tt.tier), "%s/%s: %s", tt.role, tt.tier, tt.reason)
	}
}

func validItem() *review.Item {
	return &review.Item{ID: "a", Version: 1, State: review.StatePending, Subject: "Patient/1", Kind: riskroute.ContentCarePlan,
		Model: "m", Tier: riskroute.TierNurseReview, SubmittedTier: riskroute.TierNurseReview, ContentHash: "sha256:x",
		Submitted: t0, Updated: t0}
}

func TestDecodeItem(t *testing.T) {
	doc := &review.Reviewer{ID: "dr", Role: riskroute.RolePhysician}
	tests := []struct {
		name    string
		mutate  func(*review.Item)
		raw     string // used instead of the mutated item when set
		wantErr bool
		reason  string
	}{
		{"valid", func(*review.Item) {}, "", false, "a pending item"},
		{"claimed", func(it *review.Item) {
			it.State, it.Claim = review.StateClaimed, &review.Claim{ItemID: "a", Token: "t", Reviewer: *doc, Expires: t0}
		}, "", false, "claimed with its claim"},
		{"approved", func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy = review.StateApproved, t0, doc
			it.Delivery = &review.Delivery{Key: "k", State: review.DeliveryPending}
		}, "", false, "approved with its delivery"},
		{"no ID", func(it *review.Item) { it.ID = "" }, "", true, "every item has an ID"},
		{"version 0", func(it *review.Item) { it.Version = 0 }, "", true, "versions start at 1"},
		{"unknown state", func(it *review.Item) { it.State = "limbo" }, "", true, "states are closed"},
		{"claimed without claim", func(it *review.Item) { it.State = review.StateClaimed }, "", true, "who holds it?"},
		{"claim on pending", func(it *review.Item) { it.Claim = &review.Claim{ItemID: "a", Token: "t"} }, "", true, "a stale claim"},
		{"claim for another item", func(it *review.Item) {
			it.State, it.Claim = review.StateClaimed, &review.Claim{ItemID: "b", Token: "t"}
		}, "", true, "claims name their item"},
		{"approved without delivery", func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy = review.StateApproved, t0, doc
		}, "", true, "an approval without an outbox entry would never reach the record"},
		{"approved without approver", func(it *review.Item) {
			it.State, it.Decided = review.StateApproved, t0
			it.Delivery = &review.Delivery{Key: "k", State: review.DeliveryPending}
		}, "", true, "who approved?"},
		{"rejected without reasons", func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy = review.StateRejected, t0, doc
		}, "", true, "rejections carry reasons"},
		{"unknown reason", func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy, it.Reasons = review.StateRejected, t0, doc, []review.Reason{"meh"}
		}, "", true, "reasons are closed"},
		{"bad delivery state", func(it *review.Item) {
			it.State, it.Decided, it.DecidedBy = review.StateApproved, t0, doc
			it.Delivery = &review.Delivery{Key: "k", State: "maybe"}
		}, "", true, "delivery states are closed"},
		{"unknown field", nil, `{"id":"a","surprise":1}`, true, "a different schema is not silently half-read"},
		{"bad tier", nil, `{"id":"a","version":1,"state":"pending","tier":"urgent"}`, true, "tiers are closed"},
		{"not an object", nil, `[1]`, true, "one object"},
		{"trailing", nil, `{"id":"a"} {}`, true, "one object only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			var want *review.Item
			if tt.mutate != nil {
				want = validItem()
				tt.mutate(want)
				var err error
				raw, err = json.Marshal(want)
				require.NoError(t, err)
			}
			got, err := review.DecodeItem(raw)
			if tt.wantErr {
				require.ErrorIs(t, err, review.ErrCorrupt, tt.reason)
				var ce *review.CorruptError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "item", ce.What)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, want, got)
		})
	}
}

func TestDecodeContent(t *testing.T) {
	rec := fixture.MultiMorbid()
	c := &review.Content{Draft: fixture.Draft(rec, fixture.Plan(rec)), Decision: riskroute.Decision{Tier: riskroute.TierPhysicianReview, Floor: riskroute.TierPhysicianReview}}
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	got, err := review.DecodeContent(raw)
	require.NoError(t, err)
	assert.Equal(t, c.Draft.Plan, got.Draft.Plan)
	for _, bad := range []string{`{}`, `{"draft":{}}`, `{"draft":{"plan":{}},"revisions":[{}]}`, `nope`} {
		_, err := review.DecodeContent([]byte(bad))
		require.ErrorIs(t, err, review.ErrCorrupt, bad)
	}
}

func FuzzDecodeItem(f *testing.F) {
	it := validItem()
	raw, _ := json.Marshal(it)
	f.Add(raw)
	it.State, it.Claim = review.StateClaimed, &review.Claim{ItemID: "a", Token: "t", Expires: t0}
	raw, _ = json.Marshal(it)
	f.Add(raw)
	f.Add([]byte(`{"id":"a","version":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := review.DecodeItem(data)
		if err != nil {
			if !errors.Is(err, review.ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		// What decodes is a valid item: it round-trips and every filter
		// can be evaluated on it.
		raw, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("re-encoding a decoded item: %v", err)
		}
		if _, err := review.DecodeItem(raw); err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		(&review.Filter{ClaimableAt: t0, DeliveryDueAt: t0, DecidedFrom: t0, DecidedTo: t0.Add(time.Hour)}).Match(it)
	})
}

func FuzzDecodeContent(f *testing.F) {
	rec := fixture.MultiMorbid()
	raw, err := json.Marshal(&review.Content{Draft: fixture.Draft(rec, fixture.Plan(rec)), Decision: riskroute.Decision{Tier: riskroute.TierPhysicianReview, Floor: riskroute.TierPhysicianReview}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"draft":{"plan":{"problems":[]}},"revisions":[{"draft":{"plan":{}},"diff":{"items":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := review.DecodeContent(data)
		if err != nil {
			if !errors.Is(err, review.ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		d, _, _ := c.Current()
		if d == nil || d.Plan == nil {
			t.Fatal("decoded content without a current plan")
		}
		review.Compare(c.Draft.Plan, d.Plan).Changes()
	})
}

func TestFilterMatch(t *testing.T) {
	doc := &review.Reviewer{ID: "dr", Role: riskroute.RolePhysician}
	pending := validItem()
	claimed := validItem()
	claimed.State, claimed.Claim = review.StateClaimed, &review.Claim{ItemID: "a", Token: "t", Expires: t0.Add(time.Hour)}
	approved := validItem()
	approved.Tier = riskroute.TierPhysicianReview
	approved.State, approved.Decided, approved.DecidedBy = review.StateApproved, t0.Add(time.Hour), doc
	approved.Delivery = &review.Delivery{Key: "k", State: review.DeliveryPending, NotBefore: t0.Add(time.Hour)}
	tests := []struct {
		name   string
		f      review.Filter
		it     *review.Item
		want   bool
		reason string
	}{
		{"zero filter", review.Filter{}, approved, true, "matches everything"},
		{"ID", review.Filter{ID: "b"}, pending, false, "another item"},
		{"state", review.Filter{States: []review.State{review.StateClaimed}}, pending, false, "not in the list"},
		{"tier", review.Filter{MaxTier: riskroute.TierNurseReview}, approved, false, "above the tier"},
		{"claimable pending", review.Filter{ClaimableAt: t0}, pending, true, "pending is claimable"},
		{"live claim", review.Filter{ClaimableAt: t0}, claimed, false, "held"},
		{"lease ends exactly now", review.Filter{ClaimableAt: t0.Add(time.Hour)}, claimed, true, "Expires is exclusive"},
		{"decided not claimable", review.Filter{ClaimableAt: t0.Add(time.Hour)}, approved, false, "decided"},
		{"delivery not yet due", review.Filter{DeliveryDueAt: t0}, approved, false, "NotBefore is later"},
		{"delivery due", review.Filter{DeliveryDueAt: t0.Add(time.Hour)}, approved, true, "NotBefore is inclusive"},
		{"undecided has no decision time", review.Filter{DecidedFrom: t0}, pending, false, "not decided"},
		{"decided from inclusive", review.Filter{DecidedFrom: t0.Add(time.Hour)}, approved, true, "half-open range"},
		{"decided to exclusive", review.Filter{DecidedTo: t0.Add(time.Hour)}, approved, false, "half-open range"},
		{"nil item", review.Filter{}, nil, false, "there is nothing to select"},
		{"nil item by ID", review.Filter{ID: "a"}, nil, false, "no panic on a field of a nil item"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.f.Match(tt.it), "%s: %s", tt.name, tt.reason)
	}
	var none *review.Filter
	assert.True(t, none.Match(pending), "a nil filter selects every item, as Store.List(ctx, nil) does")
	assert.False(t, none.Match(nil))
}

func TestCompareItems(t *testing.T) {
	a := validItem()
	b := validItem()
	b.ID = "b"
	later := validItem()
	later.ID, later.Submitted = "0", t0.Add(time.Second)
	tests := []struct {
		name   string
		a, b   *review.Item
		want   int
		reason string
	}{
		{"same", a, a, 0, "an item equals itself"},
		{"by ID", a, b, -1, "same submission time: by ID"},
		{"by time", b, later, -1, "submission time first, whatever the IDs"},
		{"reversed", later, a, 1, "antisymmetric"},
		{"nil nil", nil, nil, 0, "two nil items are equal, not a panic"},
		{"nil first", nil, a, -1, "a nil item sorts first"},
		{"nil second", a, nil, 1, "antisymmetric"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, review.CompareItems(tt.a, tt.b), "%s: %s", tt.name, tt.reason)
	}
}

func TestContentCurrentNil(t *testing.T) {
	var c *review.Content
	d, rep, dec := c.Current()
	assert.Nil(t, d, "nil content has no draft")
	assert.Nil(t, rep)
	assert.Equal(t, riskroute.Decision{}, dec)
}

func TestStates(t *testing.T) {
	for _, s := range review.States() {
		assert.True(t, s.Valid())
		assert.Equal(t, s.Released(), s == review.StateApproved || s == review.StateApprovedWithEdits || s == review.StateAutoApproved)
		assert.Equal(t, s.Final(), s != review.StatePending && s != review.StateClaimed)
	}
	assert.False(t, review.State("").Valid())
}

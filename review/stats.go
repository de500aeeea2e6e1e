package review

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Counts are review outcomes and the rates derived from them.
//
// The approval rate is (Approved + ApprovedWithEdits) / Reviewed, where
// Reviewed counts clinicians' decisions (approvals and rejections;
// auto-approvals are counted apart and in no rate). The substantial-revision
// rate is Substantial / (Approved + ApprovedWithEdits): the share of
// clinicians' approvals whose approved plan differs substantially from the
// submitted one, as [Diff.Changes] defines it (any medication or problem
// added, removed or changed in what it does, or more than
// [SubstantialFraction] of the items added, removed or changed). Rates are
// 0 when their denominator is.
type Counts struct {
	Approved          int            `json:"approved"`
	ApprovedWithEdits int            `json:"approved_with_edits"`
	Rejected          int            `json:"rejected"`
	AutoApproved      int            `json:"auto_approved"`
	Substantial       int            `json:"substantial"`
	Reasons           map[Reason]int `json:"reasons,omitempty"`
	ApprovalRate      float64        `json:"approval_rate"`
	SubstantialRate   float64        `json:"substantial_rate"`
}

// Reviewed returns the number of clinicians' decisions.
func (c *Counts) Reviewed() int { return c.Approved + c.ApprovedWithEdits + c.Rejected }

func (c *Counts) add(it *Item) {
	switch it.State {
	case StateApproved:
		c.Approved++
	case StateApprovedWithEdits:
		c.ApprovedWithEdits++
	case StateRejected:
		c.Rejected++
		if c.Reasons == nil {
			c.Reasons = map[Reason]int{}
		}
		for _, r := range it.Reasons {
			c.Reasons[r]++
		}
	case StateAutoApproved:
		c.AutoApproved++
		return
	}
	if (it.State == StateApproved || it.State == StateApprovedWithEdits) && it.Changes != nil && it.Changes.Substantial {
		c.Substantial++
	}
}

func (c *Counts) rates() {
	if n := c.Reviewed(); n > 0 {
		c.ApprovalRate = float64(c.Approved+c.ApprovedWithEdits) / float64(n)
	}
	if n := c.Approved + c.ApprovedWithEdits; n > 0 {
		c.SubstantialRate = float64(c.Substantial) / float64(n)
	}
}

// Group is the counts for one value of a dimension.
type Group struct {
	Key string `json:"key"`
	Counts
}

// Stats are review outcomes over a period, in total and by content kind,
// model, finding rule and ISO week, for monitoring drift. Groups are
// sorted by key.
type Stats struct {
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
	Total Counts    `json:"total"`
	// ByKind groups by riskroute content kind.
	ByKind []Group `json:"by_kind"`
	// ByModel groups by Item.Model.
	ByModel []Group `json:"by_model"`
	// ByRule groups by the rule IDs of the findings on the submitted
	// draft: an item counts once in the group of each of its rules, and
	// in NoRule when it had no findings.
	ByRule []Group `json:"by_rule"`
	// ByWeek groups by the ISO 8601 week of the decision, in UTC
	// ("2026-W45").
	ByWeek []Group `json:"by_week"`
}

// NoRule is the ByRule key of items whose draft had no findings.
const NoRule = "(none)"

// ISOWeek returns the ISO 8601 week of t in UTC, as "2026-W45".
func ISOWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// Stats counts the items decided in [from, to) (either may be zero for no
// bound). It returns the store's error.
func (w *Workflow) Stats(ctx context.Context, from, to time.Time) (*Stats, error) {
	items, err := w.store.List(ctx, &Filter{
		States:      []State{StateApproved, StateApprovedWithEdits, StateRejected, StateAutoApproved},
		DecidedFrom: from, DecidedTo: to,
	})
	if err != nil {
		return nil, fmt.Errorf("review: stats: %w", err)
	}
	return Tally(items, from, to), nil
}

// Tally computes [Stats] from decided items; undecided and nil items are
// ignored. from and to are recorded in the result as given.
func Tally(items []*Item, from, to time.Time) *Stats {
	s := &Stats{From: from, To: to}
	kind, model, rule, week := map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}
	bump := func(m map[string]*Counts, k string, it *Item) {
		c := m[k]
		if c == nil {
			c = &Counts{}
			m[k] = c
		}
		c.add(it)
	}
	for _, it := range items {
		if it == nil || !it.State.Final() {
			continue
		}
		s.Total.add(it)
		bump(kind, string(it.Kind), it)
		bump(model, it.Model, it)
		bump(week, ISOWeek(it.Decided), it)
		if len(it.Rules) == 0 {
			bump(rule, NoRule, it)
		}
		for _, r := range it.Rules {
			bump(rule, r, it)
		}
	}
	s.Total.rates()
	groups := func(m map[string]*Counts) []Group {
		out := make([]Group, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			c := m[k]
			c.rates()
			out = append(out, Group{Key: k, Counts: *c})
		}
		return out
	}
	s.ByKind, s.ByModel, s.ByRule, s.ByWeek = groups(kind), groups(model), groups(rule), groups(week)
	return s
}

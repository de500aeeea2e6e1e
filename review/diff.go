package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/careguard/careguard/careplan"
)

// SubstantialFraction is the share of a plan's items that, once exceeded
// by items added, removed and changed together, makes a revision
// substantial even when no medication or problem changed.
const SubstantialFraction = 0.20

// Op is what happened to one plan item between two versions of a plan.
type Op string

// The item operations.
const (
	OpAdded   Op = "added"
	OpRemoved Op = "removed"
	OpChanged Op = "changed"
)

// FieldChange is one JSON field whose value differs, with both values as
// JSON (absent on the side where the field does not exist).
type FieldChange struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old,omitempty"`
	New   json.RawMessage `json:"new,omitempty"`
}

// ItemChange is one plan item added, removed or changed. OldID is the
// item's ID in the old plan and NewID in the new one ("medication-2"); an
// item keeps its identity across the edit even when its position, and so
// its ID, changes.
type ItemChange struct {
	Op    Op                `json:"op"`
	Kind  careplan.ItemKind `json:"kind"`
	OldID string            `json:"old_id,omitempty"`
	NewID string            `json:"new_id,omitempty"`
	// Fields lists the fields that differ, for OpChanged, sorted by
	// name.
	Fields []FieldChange `json:"fields,omitempty"`
	// Clinical reports whether the change alters what is done: a
	// medication or problem added or removed, or a change to a
	// medication's action, medication, rxnorm, current_medication_id or
	// dose, or to a problem's title or status.
	Clinical bool `json:"clinical"`
}

// Diff is a structured, item-level comparison of two plans. It is JSON
// friendly and kept with every revision, so a reviewer's change can be
// shown and counted item by item.
type Diff struct {
	// Base is the number of items in the old plan.
	Base int `json:"base"`
	// Plan lists plan-level fields that differ (the summary).
	Plan []FieldChange `json:"plan,omitempty"`
	// Items lists the items added, removed or changed, in document order
	// of kind, then by position (new position for added and changed
	// items, old position for removed ones). Unchanged items are not
	// listed.
	Items []ItemChange `json:"items"`
}

// Empty reports whether the plans compared equal.
func (d *Diff) Empty() bool { return len(d.Plan) == 0 && len(d.Items) == 0 }

// Changes counts the diff and decides whether it is a substantial
// revision: any clinical item change (see [ItemChange.Clinical]), or more
// than [SubstantialFraction] of the old plan's items added, removed or
// changed. A summary rewrite alone is never substantial, nor is moving an
// item within its list.
func (d *Diff) Changes() Changes {
	c := Changes{Base: d.Base}
	for _, f := range d.Plan {
		if f.Field == "summary" {
			c.Summary = true
		}
	}
	for _, it := range d.Items {
		switch it.Op {
		case OpAdded:
			c.Added++
		case OpRemoved:
			c.Removed++
		case OpChanged:
			c.Changed++
		}
		if it.Clinical {
			c.Clinical++
		}
	}
	n := c.Added + c.Removed + c.Changed
	c.Substantial = c.Clinical > 0 || float64(n) > SubstantialFraction*float64(max(c.Base, 1))
	return c
}

// entry is one plan item prepared for comparison.
type entry struct {
	kind   careplan.ItemKind
	index  int
	raw    []byte                     // the item's JSON encoding
	fields map[string]json.RawMessage // the item's fields
	key    string                     // what the item is about, for pairing
}

// clinicalKind reports whether items of kind k are clinical whenever they
// are added or removed: medications and problems.
func clinicalKind(k careplan.ItemKind) bool {
	return k == careplan.ItemMedication || k == careplan.ItemProblem
}

// clinicalField reports whether a change to field of an item of kind k
// alters what is done.
func clinicalField(k careplan.ItemKind, field string) bool {
	switch k {
	case careplan.ItemMedication:
		switch field {
		case "action", "medication", "rxnorm", "current_medication_id", "dose":
			return true
		}
	case careplan.ItemProblem:
		return field == "title" || field == "status"
	}
	return false
}

// Compare returns the item-level diff from plan a to plan b. A nil plan
// counts as an empty one.
//
// Items are compared within their kind's list. Identical items are matched
// first, wherever they are in the list; then the remaining items are paired
// by what they are about (a medication by RxNorm code, current medication
// ID or name; a problem by title; monitoring by measure; a referral by
// specialty; other items by their text) and reported as changed; what is
// still unpaired is paired in list order and reported as changed, and the
// rest as added or removed.
func Compare(a, b *careplan.Plan) *Diff {
	if a == nil {
		a = &careplan.Plan{}
	}
	if b == nil {
		b = &careplan.Plan{}
	}
	d := &Diff{Base: a.Len(), Items: []ItemChange{}}
	if a.Summary != b.Summary {
		d.Plan = append(d.Plan, FieldChange{Field: "summary", Old: rawString(a.Summary), New: rawString(b.Summary)})
	}
	ea, eb := entries(a), entries(b)
	for _, k := range kindOrder() {
		d.Items = append(d.Items, compareList(k, ea[k], eb[k])...)
	}
	return d
}

// kindOrder lists the item kinds in document order.
func kindOrder() []careplan.ItemKind {
	return []careplan.ItemKind{careplan.ItemProblem, careplan.ItemGoal, careplan.ItemIntervention,
		careplan.ItemMedication, careplan.ItemMonitoring, careplan.ItemEducation, careplan.ItemReferral,
		careplan.ItemFollowUp, careplan.ItemTask}
}

func compareList(kind careplan.ItemKind, old, cur []entry) []ItemChange {
	oldUsed := make([]bool, len(old))
	pair := make([]int, len(cur)) // index into old, or -1
	for j := range pair {
		pair[j] = -1
	}
	match := func(eq func(o, c *entry) bool) {
		for j := range cur {
			if pair[j] >= 0 {
				continue
			}
			for i := range old {
				if !oldUsed[i] && eq(&old[i], &cur[j]) {
					oldUsed[i], pair[j] = true, i
					break
				}
			}
		}
	}
	match(func(o, c *entry) bool { return bytes.Equal(o.raw, c.raw) })
	match(func(o, c *entry) bool { return o.key != "" && o.key == c.key })
	match(func(o, c *entry) bool { return true })

	var out []ItemChange
	for j := range cur {
		c := &cur[j]
		if pair[j] < 0 {
			out = append(out, ItemChange{Op: OpAdded, Kind: kind, NewID: itemID(kind, c.index), Clinical: clinicalKind(kind)})
			continue
		}
		o := &old[pair[j]]
		if bytes.Equal(o.raw, c.raw) {
			continue
		}
		ch := ItemChange{Op: OpChanged, Kind: kind, OldID: itemID(kind, o.index), NewID: itemID(kind, c.index)}
		for _, f := range slices.Sorted(maps.Keys(union(o.fields, c.fields))) {
			ov, okO := o.fields[f]
			nv, okN := c.fields[f]
			if okO && okN && bytes.Equal(ov, nv) {
				continue
			}
			ch.Fields = append(ch.Fields, FieldChange{Field: f, Old: ov, New: nv})
			ch.Clinical = ch.Clinical || clinicalField(kind, f)
		}
		out = append(out, ch)
	}
	for i := range old {
		if !oldUsed[i] {
			out = append(out, ItemChange{Op: OpRemoved, Kind: kind, OldID: itemID(kind, old[i].index), Clinical: clinicalKind(kind)})
		}
	}
	return out
}

func union(a, b map[string]json.RawMessage) map[string]json.RawMessage {
	u := maps.Clone(a)
	maps.Copy(u, b)
	return u
}

func itemID(k careplan.ItemKind, i int) string { return string(k) + "-" + strconv.Itoa(i+1) }

func entries(p *careplan.Plan) map[careplan.ItemKind][]entry {
	m := make(map[careplan.ItemKind][]entry, 9)
	add(m, careplan.ItemProblem, p.Problems, func(x careplan.Problem) string { return norm(x.Title) })
	add(m, careplan.ItemGoal, p.Goals, func(x careplan.Goal) string { return norm(x.Description) })
	add(m, careplan.ItemIntervention, p.Interventions, func(x careplan.Intervention) string { return norm(x.Description) })
	add(m, careplan.ItemMedication, p.MedicationChanges, func(x careplan.MedicationChange) string {
		switch {
		case x.RxNorm != "":
			return "rx:" + x.RxNorm
		case x.CurrentMedicationID != "":
			return "id:" + x.CurrentMedicationID
		}
		return "name:" + norm(x.Medication)
	})
	add(m, careplan.ItemMonitoring, p.Monitoring, func(x careplan.Monitoring) string {
		if x.MeasureCode != "" {
			return x.MeasureCode
		}
		return norm(x.MeasureName)
	})
	add(m, careplan.ItemEducation, p.Education, func(x careplan.Education) string { return norm(x.Topic) })
	add(m, careplan.ItemReferral, p.Referrals, func(x careplan.Referral) string { return norm(x.Specialty) })
	add(m, careplan.ItemFollowUp, p.FollowUps, func(x careplan.FollowUp) string { return norm(x.Description) })
	add(m, careplan.ItemTask, p.Tasks, func(x careplan.Task) string { return norm(x.Description) })
	return m
}

func add[T any](m map[careplan.ItemKind][]entry, k careplan.ItemKind, list []T, key func(T) string) {
	for i, x := range list {
		raw, err := json.Marshal(x)
		if err != nil {
			// Plan items hold only strings, numbers and lists of them;
			// a float that JSON cannot encode (NaN) still needs a stable
			// identity, so fall back to its Go rendering.
			raw = []byte(strconv.Quote(fmt.Sprintf("%#v", x)))
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			fields = map[string]json.RawMessage{"value": raw}
		}
		m[k] = append(m[k], entry{kind: k, index: i, raw: raw, fields: fields, key: key(x)})
	}
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func rawString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

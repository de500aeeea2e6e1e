package caregap

import (
	"errors"
	"slices"
	"time"

	"github.com/careguard/careguard/terminology"
)

// Status is where a patient stands on one care-gap rule at the record's
// as-of date.
type Status string

// The statuses. A rule never reports met without evidence in the record:
// missing data gives unknown, never met.
const (
	// StatusOpen: the patient is in the rule's population and the service
	// is overdue, was never recorded, or the target is not reached.
	StatusOpen Status = "open"
	// StatusMet: the record shows the service within its interval, or the
	// target reached.
	StatusMet Status = "met"
	// StatusUnknown: the record lacks what the rule needs to decide (a
	// smoking history, a lab result, the patient's sex, a risk estimate, a
	// code set for the service).
	StatusUnknown Status = "unknown"
	// StatusNotApplicable: the patient is outside the rule's population
	// (age, sex, condition) or excluded from it (a total colectomy, a
	// bilateral mastectomy).
	StatusNotApplicable Status = "not_applicable"
)

// Gap is one rule's result for one record.
type Gap struct {
	// RuleID identifies the rule ("caregap.diabetes.hba1c").
	RuleID string `json:"rule_id"`
	// Title names the service or target ("HbA1c test").
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Reason says why the gap has its status, in terms of the record's
	// facts and the rule's thresholds. It quotes record values; never log
	// it.
	Reason string `json:"reason"`
	// Facts are the IDs of the record facts the status rests on: the
	// demographics when age or sex decides, the conditions that place the
	// patient in the population, and the latest evidence (results,
	// procedures, medications). Never empty.
	Facts []string `json:"facts"`
	// Due is the date by which the service is due. For an open gap it is
	// the date the service fell due (the as-of date when it was never
	// recorded or the target is missed now); for a met gap it is the date
	// the next one falls due, or zero for a one-time service. Zero for
	// unknown and not-applicable gaps.
	Due time.Time `json:"due,omitzero"`
	// Source is the guideline or measure the rule follows.
	Source terminology.Source `json:"source"`
	// Prescribing is true when closing the gap means starting, stopping or
	// reviewing a medication: a prescriber's decision.
	Prescribing bool `json:"prescribing,omitempty"`
	// Closure describes the plan items that would address the gap.
	Closure Closure `json:"closure"`
}

// Closure describes, structurally, which care-plan items address a gap. A
// plan addresses the gap when any one of these holds (see package validate,
// rule completeness.care-gap-unaddressed):
//
//   - for every group in Monitor, a monitoring item measures a LOINC code of
//     the group;
//   - a goal has a target measuring a code in Goal;
//   - a medication change starts, continues or changes the dose of a drug
//     in one of DrugClasses;
//   - a medication change refers to one of Medications (record fact IDs);
//   - a referral's specialty contains one of Specialties (whole words);
//   - a task, referral, monitoring, follow-up or intervention item names
//     one of Terms (whole words, case and punctuation ignored);
//   - an item has the gap's source as its source and cites every one of
//     the gap's facts.
type Closure struct {
	Monitor     [][]string `json:"monitor,omitempty"`
	Goal        []string   `json:"goal,omitempty"`
	DrugClasses []string   `json:"drug_classes,omitempty"`
	Medications []string   `json:"medications,omitempty"`
	Specialties []string   `json:"specialties,omitempty"`
	Terms       []string   `json:"terms,omitempty"`
}

func (c Closure) clone() Closure {
	if c.Monitor != nil {
		m := make([][]string, len(c.Monitor))
		for i, g := range c.Monitor {
			m[i] = slices.Clone(g)
		}
		c.Monitor = m
	}
	c.Goal = slices.Clone(c.Goal)
	c.DrugClasses = slices.Clone(c.DrugClasses)
	c.Medications = slices.Clone(c.Medications)
	c.Specialties = slices.Clone(c.Specialties)
	c.Terms = slices.Clone(c.Terms)
	return c
}

// Rule describes one care-gap rule: its population, interval and source.
type Rule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Population says who the rule applies to, and who is excluded.
	Population string `json:"population"`
	// Interval says how often the service is due, or the target.
	Interval string `json:"interval"`
	// Source is the guideline or measure the rule follows; a gap carries it,
	// and plan items addressing the gap may carry its citation verbatim (it
	// fits a plan item's 300-character source).
	Source terminology.Source `json:"source"`
	// Codes are the sources of the value sets the rule reads.
	Codes []terminology.Source `json:"codes,omitempty"`
}

// Errors returned by Evaluate.
var (
	// ErrNoRecord: Evaluate was given a nil record.
	ErrNoRecord = errors.New("caregap: no record")
	// ErrDeceased: the patient has died; care gaps do not apply.
	ErrDeceased = errors.New("caregap: the patient is deceased")
	// ErrUnknownRule: Options.Evidence names a rule the engine does not
	// have, or one whose service is not a procedure or test.
	ErrUnknownRule = errors.New("caregap: unknown rule")
)

// Filter returns the gaps with the given status, in their order.
func Filter(gaps []Gap, s Status) []Gap {
	var out []Gap
	for _, g := range gaps {
		if g.Status == s {
			out = append(out, g)
		}
	}
	return out
}

package validate

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/careguard/careguard/terminology"
)

// Interaction is one drug–drug interaction that a knowledge source reports:
// what it is, how severe, why it happens, what to do about it, and where the
// knowledge comes from.
type Interaction struct {
	// RuleID identifies the interaction rule ("interaction.onc-hp-25").
	RuleID   string
	Severity Severity
	// Summary names the interacting drugs or classes for a clinician
	// ("simvastatin or lovastatin with a strong CYP3A4 inhibitor").
	Summary string
	// Mechanism says why the drugs interact and what may happen.
	Mechanism string
	// Management says what to do about it.
	Management string
	Source     terminology.Source
}

// DrugInteraction is an interaction between two of the drugs given to
// [InteractionSource.Interactions]: A and B index them, A < B.
type DrugInteraction struct {
	A, B int
	Interaction
}

// InteractionSource is drug–drug interaction knowledge: the tables careguard
// ships ([InteractionTable]) or a licensed interaction database a deployer
// adapts. The medication-safety validator asks it about every medication in
// the patient's list and every one a draft proposes, and does not know which
// source it asks.
//
// Interactions receives the drugs as ingredient keys from the
// [terminology.Drugs] table in use: RxCUIs, or name keys
// ([terminology.NameKey]) for ingredients known by name only. It reports
// every interacting pair of different drugs (A < B); a drug's own
// ingredients are never reported as interacting with each other. An
// implementation must be safe for concurrent use by multiple goroutines,
// must not keep or modify drugs, should honour ctx, and must not log what it
// is given. An error makes the validator's report incomplete, which sends
// the draft to physician review.
type InteractionSource interface {
	Interactions(ctx context.Context, drugs [][]string) ([]DrugInteraction, error)
}

// DrugSet is one side of an [InteractionRule]: the ingredients of the named
// classes and the named ingredients. Ingredients may be given by name,
// synonym or key; they are resolved against the drug table the rule is built
// with, so a rule written against an ingredient known by name only still
// applies once a deployer's RxNorm release gives it a code.
type DrugSet struct {
	Classes     []string
	Ingredients []string
}

// InteractionRule is one rule of an [InteractionTable]: any ingredient of A
// taken with any different ingredient of B. The rule is symmetric: it fires
// whichever of the two drugs comes first.
type InteractionRule struct {
	ID         string
	Severity   Severity
	A, B       DrugSet
	Summary    string
	Mechanism  string
	Management string
	Source     terminology.Source
}

// Errors from NewInteractionTable and NewMedicationSafety.
var (
	// ErrUnknownDrug: a rule names an ingredient the drug table does not
	// know.
	ErrUnknownDrug = errors.New("validate: unknown drug")
	// ErrUnknownClass: a rule names a class the drug table does not hold.
	ErrUnknownClass = errors.New("validate: unknown drug class")
	// ErrInvalidRule: a rule lacks an ID, a valid severity or a side.
	ErrInvalidRule = errors.New("validate: invalid rule")
)

// KnowledgeError is a problem with one rule of the shipped or a deployer's
// knowledge: the rule, the name it could not resolve (if any) and the
// sentinel it wraps.
type KnowledgeError struct {
	Rule string
	Name string
	Err  error
}

func (e *KnowledgeError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("validate: rule %s: %v", e.Rule, e.Err)
	}
	return fmt.Sprintf("validate: rule %s: %q: %v", e.Rule, e.Name, e.Err)
}

func (e *KnowledgeError) Unwrap() error { return e.Err }

// bitset is a set of small integers (rule or class indexes).
type bitset []uint64

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

func orInto(dst, src []uint64) {
	for i := range dst {
		dst[i] |= src[i]
	}
}

// InteractionTable is an [InteractionSource] built from rules keyed by
// ingredient and class. It indexes the rules when it is built, so that
// checking a medication list costs one map lookup per ingredient and a few
// bit operations per pair of drugs. An InteractionTable is immutable and
// safe for concurrent use by multiple goroutines.
type InteractionTable struct {
	rules []InteractionRule
	words int
	// sides maps an ingredient key to the rules whose side A holds it
	// (the first words) and whose side B holds it (the next words).
	sides map[string][]uint64
}

var _ InteractionSource = (*InteractionTable)(nil)

// NewInteractionTable builds a table from rules, resolving their classes
// and ingredients against drugs (nil means terminology.DefaultDrugs()). It
// copies rules.
//
// Errors: every problem found, joined, each a *[KnowledgeError] wrapping
// [ErrInvalidRule] (no ID, an invalid severity, an empty side),
// [ErrUnknownClass] or [ErrUnknownDrug].
func NewInteractionTable(drugs *terminology.Drugs, rules []InteractionRule) (*InteractionTable, error) {
	if drugs == nil {
		drugs = terminology.DefaultDrugs()
	}
	t := &InteractionTable{
		rules: slices.Clone(rules),
		words: (len(rules) + 63) / 64,
		sides: map[string][]uint64{},
	}
	var errs []error
	for i, r := range t.rules {
		if r.ID == "" || r.Severity < SeverityInfo || r.Severity > SeverityCritical {
			errs = append(errs, &KnowledgeError{Rule: r.ID, Err: ErrInvalidRule})
			continue
		}
		for _, side := range []struct {
			name   string
			set    DrugSet
			offset int
		}{{"A", r.A, 0}, {"B", r.B, t.words}} {
			keys, err := resolveDrugSet(drugs, r.ID, side.set)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if len(keys) == 0 {
				errs = append(errs, &KnowledgeError{Rule: r.ID, Name: "side " + side.name, Err: ErrInvalidRule})
				continue
			}
			for _, k := range keys {
				b, ok := t.sides[k]
				if !ok {
					b = make([]uint64, 2*t.words)
					t.sides[k] = b
				}
				bitset(b[side.offset : side.offset+t.words]).set(i)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// resolveDrugSet returns the ingredient keys a set names, sorted and free
// of duplicates.
func resolveDrugSet(drugs *terminology.Drugs, rule string, set DrugSet) ([]string, error) {
	var keys []string
	var errs []error
	for _, id := range set.Classes {
		c, ok := drugs.Class(id)
		if !ok {
			errs = append(errs, &KnowledgeError{Rule: rule, Name: id, Err: ErrUnknownClass})
			continue
		}
		keys = append(keys, c.Members...)
	}
	for _, name := range set.Ingredients {
		k, ok := drugs.KeyOf(name)
		if !ok {
			errs = append(errs, &KnowledgeError{Rule: rule, Name: name, Err: ErrUnknownDrug})
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return slices.Compact(keys), errors.Join(errs...)
}

// Rules returns a copy of the table's rules.
func (t *InteractionTable) Rules() []InteractionRule {
	out := slices.Clone(t.rules)
	for i := range out {
		out[i].A = cloneDrugSet(out[i].A)
		out[i].B = cloneDrugSet(out[i].B)
	}
	return out
}

func cloneDrugSet(s DrugSet) DrugSet {
	return DrugSet{Classes: slices.Clone(s.Classes), Ingredients: slices.Clone(s.Ingredients)}
}

// Interactions implements [InteractionSource]. It returns ctx.Err() if ctx
// has ended.
func (t *InteractionTable) Interactions(ctx context.Context, drugs [][]string) ([]DrugInteraction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, w := len(drugs), t.words
	if n < 2 || w == 0 {
		return nil, nil
	}
	// masks holds, per drug, the rules its ingredients sit on side A of and
	// then side B of.
	masks := make([]uint64, 2*n*w)
	for i, ings := range drugs {
		ab := masks[2*i*w : 2*(i+1)*w]
		for _, k := range ings {
			if m, ok := t.sides[k]; ok {
				orInto(ab, m)
			}
		}
	}
	out := make([]DrugInteraction, 0, n)
	for i := range n {
		ai, bi := masks[2*i*w:(2*i+1)*w], masks[(2*i+1)*w:(2*i+2)*w]
		for j := i + 1; j < n; j++ {
			aj, bj := masks[2*j*w:(2*j+1)*w], masks[(2*j+1)*w:(2*j+2)*w]
			for word := range w {
				hit := ai[word]&bj[word] | bi[word]&aj[word]
				for hit != 0 {
					bit := bits.TrailingZeros64(hit)
					hit &^= 1 << bit
					r := word*64 + bit
					if t.fires(r, drugs[i], drugs[j]) {
						out = append(out, DrugInteraction{A: i, B: j, Interaction: t.interaction(r)})
					}
				}
			}
		}
	}
	return out, nil
}

// fires confirms that rule r joins an ingredient of x with a different
// ingredient of y, in either direction: the same ingredient on both sides
// of a rule (a QT-prolonging drug taken twice) is duplication, not an
// interaction.
func (t *InteractionTable) fires(r int, x, y []string) bool {
	in := func(k string, side int) bool {
		m, ok := t.sides[k]
		return ok && bitset(m[side*t.words:(side+1)*t.words]).has(r)
	}
	for _, a := range x {
		for _, b := range y {
			if a == b {
				continue
			}
			if in(a, 0) && in(b, 1) || in(a, 1) && in(b, 0) {
				return true
			}
		}
	}
	return false
}

func (t *InteractionTable) interaction(r int) Interaction {
	rule := t.rules[r]
	return Interaction{RuleID: rule.ID, Severity: rule.Severity, Summary: rule.Summary,
		Mechanism: rule.Mechanism, Management: rule.Management, Source: rule.Source}
}

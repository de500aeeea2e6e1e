package validate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/terminology"
)

// Severity is how much a finding matters.
type Severity int

// The severities, in increasing order.
const (
	// SeverityInfo: worth knowing; never raises the review tier by itself.
	SeverityInfo Severity = iota + 1
	// SeverityWarning: needs a clinician's attention; at least nurse
	// review.
	SeverityWarning
	// SeverityCritical: could harm the patient; always physician review.
	SeverityCritical
)

// String returns "info", "warning" or "critical".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityCritical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < SeverityInfo || s > SeverityCritical {
		return nil, fmt.Errorf("validate: invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "info":
		*s = SeverityInfo
	case "warning":
		*s = SeverityWarning
	case "critical":
		*s = SeverityCritical
	default:
		return fmt.Errorf("validate: unknown severity %q", b)
	}
	return nil
}

// Category groups findings by what they are about; the router uses it to
// decide who else should see a draft (a pharmacist for interactions).
type Category string

// The categories.
const (
	CategoryGrounding        Category = "grounding"
	CategoryInteraction      Category = "interaction"
	CategoryAllergy          Category = "allergy"
	CategoryContraindication Category = "contraindication"
	CategoryRenalDosing      Category = "renal-dosing"
	CategoryOlderAdult       Category = "older-adult"
	CategoryDuplicateTherapy Category = "duplicate-therapy"
	CategoryCareGap          Category = "care-gap"
	CategoryGuideline        Category = "guideline"
	CategorySocialNeed       Category = "social-need"
	CategoryPHI              Category = "phi"
	CategoryReadability      Category = "readability"
	CategoryInjection        Category = "injection"
	CategoryValidation       Category = "validation"
)

// Finding is one thing a validator found in a draft.
type Finding struct {
	// RuleID identifies the rule ("grounding.unknown-fact").
	RuleID   string   `json:"rule_id"`
	Severity Severity `json:"severity"`
	Category Category `json:"category"`
	// Message explains the finding to a clinician.
	Message string `json:"message"`
	// FactIDs are the record facts involved ("M2", "L7").
	FactIDs []string `json:"fact_ids,omitempty"`
	// ItemIDs are the plan items involved ("medication-1").
	ItemIDs []string `json:"item_ids,omitempty"`
	// Source is what the rule rests on: guideline, label, paper, or
	// careguard's own consistency rule.
	Source terminology.Source `json:"source"`
	// Suggestion says how to resolve the finding.
	Suggestion string `json:"suggestion,omitempty"`
	// Span, when set, locates the finding in the free text of a fact
	// (instruction-like text in a note).
	Span *Span `json:"span,omitempty"`
}

// Span locates a finding in a fact's free text: bytes [Start, End) of the
// text of the fact FactID (a note's Text).
type Span struct {
	FactID string `json:"fact_id"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

func compareSpans(a, b *Span) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Or(strings.Compare(a.FactID, b.FactID), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
}

func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", f.Severity, f.RuleID, f.Message)
	if len(f.ItemIDs) > 0 {
		fmt.Fprintf(&b, " [items %s]", strings.Join(f.ItemIDs, ", "))
	}
	if len(f.FactIDs) > 0 {
		fmt.Fprintf(&b, " [facts %s]", strings.Join(f.FactIDs, ", "))
	}
	return b.String()
}

func (f Finding) clone() Finding {
	f.FactIDs = slices.Clone(f.FactIDs)
	f.ItemIDs = slices.Clone(f.ItemIDs)
	if f.Span != nil {
		sp := *f.Span
		f.Span = &sp
	}
	return f
}

// compareFindings orders findings most severe first, then by rule, items,
// facts and message, so that a report's order never depends on which
// validator finished first.
func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(b.Severity, a.Severity),
		strings.Compare(a.RuleID, b.RuleID),
		slices.Compare(a.ItemIDs, b.ItemIDs),
		slices.Compare(a.FactIDs, b.FactIDs),
		strings.Compare(a.Message, b.Message),
		strings.Compare(string(a.Category), string(b.Category)),
		strings.Compare(a.Suggestion, b.Suggestion),
		strings.Compare(a.Source.Citation, b.Source.Citation),
		compareSpans(a.Span, b.Span),
	)
}

package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/careguard/careguard/careplan"
)

// Reason is why a reviewer rejected a draft.
type Reason string

// The rejection reasons.
const (
	// ReasonClinicalInaccuracy: a statement is clinically wrong.
	ReasonClinicalInaccuracy Reason = "clinical_inaccuracy"
	// ReasonMissingInformation: something the plan needs is missing.
	ReasonMissingInformation Reason = "missing_information"
	// ReasonUnsafeRecommendation: following a recommendation could harm
	// the patient.
	ReasonUnsafeRecommendation Reason = "unsafe_recommendation"
	// ReasonWrongPatientData: the draft misstates the patient's record
	// (a wrong value, a fact of another patient).
	ReasonWrongPatientData Reason = "wrong_patient_data"
	// ReasonToneReadability: tone or reading level is wrong for the
	// audience.
	ReasonToneReadability Reason = "tone_readability"
	// ReasonOther: anything else; Feedback.Text must say what.
	ReasonOther Reason = "other"
)

// Reasons returns every rejection reason.
func Reasons() []Reason {
	return []Reason{ReasonClinicalInaccuracy, ReasonMissingInformation, ReasonUnsafeRecommendation,
		ReasonWrongPatientData, ReasonToneReadability, ReasonOther}
}

// Valid reports whether r is one of the defined reasons.
func (r Reason) Valid() bool { return slices.Contains(Reasons(), r) }

// ParseReason parses a reason name. An unknown name gives an *[InputError]
// wrapping [ErrInvalid].
func ParseReason(s string) (Reason, error) {
	r := Reason(s)
	if !r.Valid() {
		return "", invalid("reason", "unknown reason (want one of %s)", reasonNames())
	}
	return r, nil
}

func reasonNames() string {
	names := make([]string, 0, len(Reasons()))
	for _, r := range Reasons() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// Limits on feedback.
const (
	// MaxFeedbackText bounds Feedback.Text, in bytes.
	MaxFeedbackText = 4000
	// maxFeedbackItems bounds Feedback.ItemIDs.
	maxFeedbackItems = 300
	// maxFeedbackBytes bounds a feedback document.
	maxFeedbackBytes = 64 << 10
)

// Feedback is a reviewer's structured reason for rejecting a draft. It is
// stored with the content (the text may hold patient information) and
// offered to the improvement hook; only the reason codes and a hash of the
// whole feedback reach the audit log.
type Feedback struct {
	// Reasons lists at least one reason; duplicates are removed and the
	// list sorted when the feedback is checked.
	Reasons []Reason `json:"reasons"`
	// Text explains the rejection; required with ReasonOther, at most
	// MaxFeedbackText bytes of UTF-8 without control characters other
	// than newline and tab.
	Text string `json:"text,omitempty"`
	// ItemIDs optionally names the plan items at fault ("medication-2");
	// each must exist in the content being rejected.
	ItemIDs []string `json:"item_ids,omitempty"`
}

// ParseFeedback decodes feedback from JSON, as a reviewing application
// might receive it, and checks it with [Feedback.Check] (item IDs are
// checked for form only; [Workflow.Reject] checks that they exist). Unknown
// fields, a document that is not one JSON object, and every problem found
// are reported as *[InputError] values wrapping [ErrInvalid], joined.
func ParseFeedback(data []byte) (*Feedback, error) {
	if len(data) > maxFeedbackBytes {
		return nil, invalid("feedback", "larger than %d bytes", maxFeedbackBytes)
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, invalid("feedback", "not a JSON object")
	}
	var fb Feedback
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fb); err != nil {
		return nil, invalid("feedback", "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("feedback", "trailing data after the object")
	}
	if err := fb.Check(nil); err != nil {
		return nil, err
	}
	return &fb, nil
}

// Check validates the feedback and normalises it in place (reasons sorted
// and unique, item IDs unique in first-seen order). When plan is not nil,
// every item ID must name an item of plan. It returns every problem as an
// *[InputError] wrapping [ErrInvalid], joined.
func (fb *Feedback) Check(plan *careplan.Plan) error {
	if fb == nil {
		return invalid("feedback", "missing")
	}
	var errs []error
	if len(fb.Reasons) == 0 {
		errs = append(errs, invalid("feedback.reasons", "at least one reason is required"))
	}
	for i, r := range fb.Reasons {
		if !r.Valid() {
			errs = append(errs, invalid(fmt.Sprintf("feedback.reasons[%d]", i), "unknown reason (want one of %s)", reasonNames()))
		}
	}
	switch {
	case len(fb.Text) > MaxFeedbackText:
		errs = append(errs, invalid("feedback.text", "longer than %d bytes", MaxFeedbackText))
	case !utf8.ValidString(fb.Text):
		errs = append(errs, invalid("feedback.text", "not valid UTF-8"))
	case strings.ContainsFunc(fb.Text, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }):
		errs = append(errs, invalid("feedback.text", "contains control characters"))
	case slices.Contains(fb.Reasons, ReasonOther) && strings.TrimSpace(fb.Text) == "":
		errs = append(errs, invalid("feedback.text", "required when the reason is %q", ReasonOther))
	}
	if len(fb.ItemIDs) > maxFeedbackItems {
		errs = append(errs, invalid("feedback.item_ids", "more than %d items", maxFeedbackItems))
	} else {
		var known map[string]bool
		if plan != nil {
			known = make(map[string]bool, plan.Len())
			for _, it := range plan.Items() {
				known[it.ID] = true
			}
		}
		for i, id := range fb.ItemIDs {
			field := fmt.Sprintf("feedback.item_ids[%d]", i)
			if _, _, ok := careplan.ParseItemID(id); !ok {
				errs = append(errs, invalid(field, "not a plan item ID"))
			} else if known != nil && !known[id] {
				errs = append(errs, invalid(field, "no such item in the content"))
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	slices.Sort(fb.Reasons)
	fb.Reasons = slices.Compact(fb.Reasons)
	seen := make(map[string]bool, len(fb.ItemIDs))
	fb.ItemIDs = slices.DeleteFunc(fb.ItemIDs, func(id string) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
	return nil
}

func (fb *Feedback) clone() *Feedback {
	c := *fb
	c.Reasons = slices.Clone(fb.Reasons)
	c.ItemIDs = slices.Clone(fb.ItemIDs)
	return &c
}

package careplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/careguard/careguard/patient"
)

// Errors returned when a reply cannot become a plan.
var (
	// ErrNotJSON: the reply holds no single JSON object.
	ErrNotJSON = errors.New("careplan: reply is not a JSON object")
	// ErrReplyTooLarge: the reply exceeds MaxReplyBytes.
	ErrReplyTooLarge = errors.New("careplan: reply too large")
	// ErrInvalidPlan: the reply is JSON but not an acceptable plan; the
	// error is a *ValidationError listing why.
	ErrInvalidPlan = errors.New("careplan: invalid plan")
	// ErrNoRecord: a plan cannot be checked without the record it cites.
	ErrNoRecord = errors.New("careplan: no record to check the plan against")
)

// MaxReplyBytes is the largest reply ExtractJSON accepts.
const MaxReplyBytes = 1 << 20

// ExtractJSON returns the JSON object in a model's reply. It accepts the
// object alone, inside a Markdown code fence, or with prose around it, as
// long as the prose contains no braces (two objects, or an object split by
// prose, are ambiguous and rejected). It returns an error wrapping
// ErrNotJSON or ErrReplyTooLarge otherwise. It does not check the object
// against the schema.
func ExtractJSON(reply string) ([]byte, error) {
	if len(reply) > MaxReplyBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrReplyTooLarge, len(reply), MaxReplyBytes)
	}
	s := strings.TrimPrefix(reply, "\ufeff")
	start := strings.IndexByte(s, '{')
	if start < 0 {
		return nil, fmt.Errorf("%w: no '{' found", ErrNotJSON)
	}
	dec := json.NewDecoder(strings.NewReader(s[start:]))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	end := start + int(dec.InputOffset())
	if err := checkProse(s[:start]); err != nil {
		return nil, err
	}
	if err := checkProse(s[end:]); err != nil {
		return nil, err
	}
	return bytes.Clone(raw), nil
}

// checkProse accepts text around the JSON object: whitespace, Markdown
// fences, or prose without braces or brackets.
func checkProse(s string) error {
	if strings.ContainsAny(s, "{}[]") {
		return fmt.Errorf("%w: text around the JSON object contains braces", ErrNotJSON)
	}
	for _, r := range s {
		if r == unicode.ReplacementChar {
			return fmt.Errorf("%w: invalid UTF-8 around the JSON object", ErrNotJSON)
		}
	}
	return nil
}

// Decode turns a reply's JSON into a plan for rec. It validates the JSON
// against the full schema, decodes it, and checks it against the record
// ([CheckRecord]): every cited fact ID must exist, a medication change must
// name the current medication it applies to (an M fact) unless it starts a
// new one, and a continue, stop or hold must give no dose.
// Every problem is returned at once in a *ValidationError (wrapping
// ErrInvalidPlan); raw that is not JSON gives an error wrapping ErrNotJSON,
// and a nil rec gives ErrNoRecord.
func (s *Schema) Decode(raw []byte, rec *patient.Record) (*Plan, error) {
	if rec == nil {
		return nil, ErrNoRecord
	}
	schemaErr := s.Validate(raw)
	if errors.Is(schemaErr, ErrNotJSON) {
		return nil, schemaErr
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	decodeErr := dec.Decode(&p)
	if schemaErr != nil {
		// Report record problems too, from a best-effort decode (encoding/json
		// fills what it can), so one repair round can fix everything.
		ve, ok := errors.AsType[*ValidationError](schemaErr)
		if !ok {
			return nil, schemaErr
		}
		if p.Len() > 0 {
			ve.Violations = append(ve.Violations, CheckRecord(&p, rec)...)
			sortViolations(ve.Violations)
		}
		return nil, ve
	}
	if decodeErr != nil {
		// The schema admits only what Plan can hold; reaching here means
		// the two disagree, which is a bug, reported as a violation rather
		// than a panic.
		return nil, &ValidationError{Violations: []Violation{{Message: "does not decode into a plan: " + decodeErr.Error()}}}
	}
	if vs := CheckRecord(&p, rec); len(vs) > 0 {
		return nil, &ValidationError{Violations: vs}
	}
	return &p, nil
}

// CheckRecord checks that a plan refers to rec correctly and states its
// medication actions unambiguously: every citation is a fact in rec; every
// medication change other than a start names a medication fact of rec in
// current_medication_id (and a start names none); and a continue, stop or
// hold gives no dose (a new dose belongs to increase_dose or
// decrease_dose, so that the action says what the change does). It returns
// the violations, sorted by pointer; none means the plan is consistent
// with the record. It does not check that a medication's name or code
// matches the record's medication, and it does not judge whether the plan
// is clinically right; both are the validators' job.
func CheckRecord(p *Plan, rec *patient.Record) []Violation {
	if p == nil || rec == nil {
		return []Violation{{Message: "no plan or no record to check it against"}}
	}
	var vs []Violation
	cites := func(ptr string, ids []string) {
		for i, id := range ids {
			if !rec.Has(id) {
				vs = append(vs, Violation{Pointer: ptr + "/citations/" + strconv.Itoa(i),
					Message: fmt.Sprintf("unknown fact ID %q: cite only IDs listed in the patient record", id)})
			}
		}
	}
	for _, it := range p.Items() {
		cites(it.Pointer, it.Citations)
	}
	for i, m := range p.MedicationChanges {
		ptr := "/medication_changes/" + strconv.Itoa(i) + "/current_medication_id"
		switch m.Action {
		case ActionStart, ActionStop, ActionIncrease, ActionDecrease, ActionHold, ActionContinue:
		default:
			continue // the schema reports the action itself
		}
		switch m.Action {
		case ActionContinue, ActionStop, ActionHold:
			if m.Dose != "" {
				vs = append(vs, Violation{Pointer: "/medication_changes/" + strconv.Itoa(i) + "/dose",
					Message: fmt.Sprintf("must be empty when the action is %s: to change the dose use increase_dose or decrease_dose with the new dose", m.Action)})
			}
		}
		switch {
		case m.Action == ActionStart && m.CurrentMedicationID != "":
			vs = append(vs, Violation{Pointer: ptr, Message: "must be empty when the action is start (a new medication)"})
		case m.Action != ActionStart && m.CurrentMedicationID == "":
			vs = append(vs, Violation{Pointer: ptr, Message: fmt.Sprintf("action %q applies to a current medication: give its ID (M...)", m.Action)})
		case m.Action != ActionStart:
			if k, ok := rec.KindOf(m.CurrentMedicationID); !ok || k != patient.KindMedication {
				vs = append(vs, Violation{Pointer: ptr, Message: fmt.Sprintf("%q is not a medication in the patient record", m.CurrentMedicationID)})
			}
		}
	}
	sortViolations(vs)
	return vs
}

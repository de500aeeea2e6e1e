package patient

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Category is an observation's category (FHIR observation-category). It
// decides the fact ID prefix: L for laboratory, V for vital signs, O for the
// rest.
type Category string

// The observation categories.
const (
	CategoryLaboratory    Category = "laboratory"
	CategoryVitalSigns    Category = "vital-signs"
	CategorySocialHistory Category = "social-history"
	CategorySurvey        Category = "survey"
	CategoryExam          Category = "exam"
	CategoryImaging       Category = "imaging"
	CategoryProcedure     Category = "procedure"
	CategoryOther         Category = "other"
)

// Quantity is a measured amount with a UCUM unit. The zero Quantity means
// "none".
type Quantity struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	// Comparator qualifies the value when the result was censored: "<",
	// "<=", ">=", ">". Empty means the value is exact.
	Comparator string `json:"comparator,omitempty"`
}

// IsZero reports whether q is the zero Quantity.
func (q Quantity) IsZero() bool { return q == Quantity{} }

// String formats the quantity as "<5 mg/dL".
func (q Quantity) String() string {
	s := q.Comparator + strconv.FormatFloat(q.Value, 'f', -1, 64)
	if q.Unit != "" {
		s += " " + q.Unit
	}
	return s
}

// ValueKind says which field of a Value is set.
type ValueKind string

// The value kinds. ValueNone is the zero value.
const (
	ValueNone     ValueKind = ""
	ValueQuantity ValueKind = "quantity"
	ValueText     ValueKind = "text"
	ValueCode     ValueKind = "code"
	ValueBool     ValueKind = "bool"
)

// Value is an observation's result: one of a quantity, text, a code or a
// boolean, as Kind says.
type Value struct {
	Kind     ValueKind `json:"kind,omitempty"`
	Quantity Quantity  `json:"quantity,omitzero"`
	Text     string    `json:"text,omitempty"`
	Code     Code      `json:"code,omitzero"`
	Bool     bool      `json:"bool,omitempty"`
}

// QuantityValue returns a quantity Value.
func QuantityValue(v float64, unit string) Value {
	return Value{Kind: ValueQuantity, Quantity: Quantity{Value: v, Unit: unit}}
}

// TextValue returns a text Value.
func TextValue(s string) Value { return Value{Kind: ValueText, Text: s} }

// CodeValue returns a coded Value.
func CodeValue(c Code) Value { return Value{Kind: ValueCode, Code: c} }

// BoolValue returns a boolean Value.
func BoolValue(b bool) Value { return Value{Kind: ValueBool, Bool: b} }

// String formats the value for people.
func (v Value) String() string {
	switch v.Kind {
	case ValueQuantity:
		return v.Quantity.String()
	case ValueText:
		return v.Text
	case ValueCode:
		if v.Code.Display != "" {
			return v.Code.Display
		}
		return v.Code.Code
	case ValueBool:
		return strconv.FormatBool(v.Bool)
	}
	return ""
}

// Component is one part of a panel observation, such as the systolic
// reading of a blood-pressure panel.
type Component struct {
	Code  Code  `json:"code"`
	Value Value `json:"value"`
}

// ObservationStatus is how final a result is (FHIR observation-status).
type ObservationStatus string

// The observation statuses a record holds. Final is the zero value;
// cancelled, entered-in-error and registered results are not facts.
const (
	ObservationFinal       ObservationStatus = ""
	ObservationPreliminary ObservationStatus = "preliminary"
	ObservationAmended     ObservationStatus = "amended"
	ObservationCorrected   ObservationStatus = "corrected"
)

// Observation is a lab result, vital sign or other measurement.
type Observation struct {
	ID         string            `json:"id"`
	SourceID   string            `json:"source_id,omitempty"`
	Code       Code              `json:"code"`
	Category   Category          `json:"category"`
	Status     ObservationStatus `json:"status,omitempty"`
	Value      Value             `json:"value,omitzero"`
	Components []Component       `json:"components,omitempty"`
	Effective  time.Time         `json:"effective"`
}

// FactID returns the observation's ID.
func (o Observation) FactID() string { return o.ID }

// FactKind returns KindLab, KindVital or KindObservation by category.
func (o Observation) FactKind() Kind { return o.Category.kind() }

func (Observation) isFact() {}

func (c Category) kind() Kind {
	switch c {
	case CategoryLaboratory:
		return KindLab
	case CategoryVitalSigns:
		return KindVital
	}
	return KindObservation
}

// Component returns the value of the first component whose code is in set.
func (o Observation) Component(set CodeSet) (Value, bool) {
	for _, c := range o.Components {
		if inSet(set, c.Code) {
			return c.Value, true
		}
	}
	return Value{}, false
}

// String formats the observation's result for people: its value, or its
// components joined ("142 mm[Hg] / 88 mm[Hg]").
func (o Observation) String() string {
	if o.Value.Kind != ValueNone || len(o.Components) == 0 {
		return o.Value.String()
	}
	parts := make([]string, len(o.Components))
	for i, c := range o.Components {
		parts[i] = c.Value.String()
	}
	return strings.Join(parts, " / ")
}

func (o Observation) clone() Observation {
	o.Components = slices.Clone(o.Components)
	return o
}

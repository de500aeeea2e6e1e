package patient

import "errors"

// Sentinels for the ways a builder's input can be wrong. Build wraps each in
// a *FieldError naming the field; test for them with errors.Is.
var (
	// ErrMissing: a required value is absent.
	ErrMissing = errors.New("patient: required value missing")
	// ErrUnknownCodeSystem: a code names a system careguard does not know
	// and the builder was not told to accept.
	ErrUnknownCodeSystem = errors.New("patient: unknown code system")
	// ErrNegativeQuantity: a quantity that cannot be negative is: a
	// medication's daily dose, or a measurement careguard knows to be
	// non-negative (HbA1c, eGFR, UACR, blood pressure, LDL). Other measured
	// values may be negative (base excess, bone-density T-scores) and are
	// accepted.
	ErrNegativeQuantity = errors.New("patient: negative quantity")
	// ErrAfterAsOf: a date lies after the record's as-of date.
	ErrAfterAsOf = errors.New("patient: date after as-of date")
	// ErrInvalid: a value is malformed, out of range or not one of the
	// allowed values.
	ErrInvalid = errors.New("patient: invalid value")
)

// FieldError is one problem with one field of a builder's input. Field is a
// path such as "conditions[2].code.system". Error messages never contain the
// field's value, so they are safe to log.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string {
	if e.Err == nil {
		return "patient: " + e.Field
	}
	return "patient: " + e.Field + ": " + trimPrefix(e.Err.Error())
}

func (e *FieldError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "patient: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

package fhir

import (
	"errors"
	"strconv"
)

// Sentinels for the ways input can be wrong. Decoding wraps each in a
// [*DecodeError] that says where; test for them with [errors.Is].
var (
	// ErrNoAsOf: DecodeOptions.AsOf was not set. The as-of date is always
	// explicit; see LatestClinicalDate for deriving one from test data.
	ErrNoAsOf = errors.New("fhir: as-of date required")
	// ErrTooLarge: a document is larger than DecodeOptions.MaxBytes.
	ErrTooLarge = errors.New("fhir: document too large")
	// ErrTooDeep: a document nests objects and arrays deeper than
	// DecodeOptions.MaxDepth.
	ErrTooDeep = errors.New("fhir: JSON nested too deeply")
	// ErrSyntax: a document is not valid JSON.
	ErrSyntax = errors.New("fhir: invalid JSON")
	// ErrResourceType: a resourceType is missing, is not the one
	// expected where it occurs, or (for ParseResource) is not modelled.
	ErrResourceType = errors.New("fhir: wrong or missing resourceType")
	// ErrBundleType: a Bundle's type is not transaction, batch,
	// collection, searchset or document.
	ErrBundleType = errors.New("fhir: unsupported bundle type")
	// ErrDanglingReference: a reference careguard follows does not
	// resolve within the input.
	ErrDanglingReference = errors.New("fhir: reference does not resolve")
	// ErrNoPatient: the input holds no Patient resource.
	ErrNoPatient = errors.New("fhir: no Patient resource")
	// ErrMultiplePatients: the input holds more than one patient; a
	// record describes one.
	ErrMultiplePatients = errors.New("fhir: more than one Patient")
	// ErrDuplicate: two entries of one Bundle share a fullUrl.
	ErrDuplicate = errors.New("fhir: duplicate entry")
	// ErrMissing: a required element is absent.
	ErrMissing = errors.New("fhir: required element missing")
	// ErrInvalid: an element has the wrong JSON type or a malformed or
	// unknown value (a date, a status code, base64 data).
	ErrInvalid = errors.New("fhir: invalid value")
	// ErrAfterAsOf: a resource is dated after the as-of date and
	// DecodeOptions.RejectAfterAsOf is set.
	ErrAfterAsOf = errors.New("fhir: resource dated after the as-of date")
)

// DecodeError is one problem with the input, located by document, entry and
// JSON pointer. Err wraps one of the package's sentinels, or is a
// [*patient.FieldError] for a problem the record builder found. Messages
// never quote values from the input, so they are safe to log.
type DecodeError struct {
	// Doc is the index of the document among those decoded together (0
	// for [Decode]).
	Doc int
	// Entry is the index of the Bundle entry, or -1 when the document is
	// a single resource or the problem concerns the whole document.
	Entry int
	// Pointer is an RFC 6901 JSON pointer into the document
	// ("/entry/3/resource/code"); "" is the whole document.
	Pointer string
	Err     error
}

func (e *DecodeError) Error() string {
	s := "fhir: "
	if e.Doc > 0 {
		s += "document " + strconv.Itoa(e.Doc) + ", "
	}
	if e.Entry >= 0 {
		s += "entry " + strconv.Itoa(e.Entry) + ", "
	}
	p := e.Pointer
	if p == "" {
		p = "(document)"
	}
	s += p
	if e.Err != nil {
		s += ": " + trimPrefix(e.Err.Error())
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	for _, p := range [...]string{"fhir: ", "patient: "} {
		if len(s) > len(p) && s[:len(p)] == p {
			return s[len(p):]
		}
	}
	return s
}

package fhir

import (
	"time"
)

// parseDateTime parses a FHIR date, dateTime or instant: "2020", "2020-05",
// "2020-05-02", "2020-05-02T10:30:00Z", with optional fractional seconds
// and a zone offset. A partial date is the first instant of its period, in
// UTC; a time without a zone (which FHIR forbids) is read as UTC.
func parseDateTime(s string) (time.Time, bool) {
	switch len(s) {
	case 4:
		t, err := time.Parse("2006", s)
		return t, err == nil
	case 7:
		t, err := time.Parse("2006-01", s)
		return t, err == nil
	case 10:
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	if len(s) < 19 {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	return t, err == nil
}

// formatDateTime writes an instant as a FHIR dateTime.
func formatDateTime(t time.Time) string { return t.Format(time.RFC3339) }

// formatDate writes the calendar date of t as a FHIR date.
func formatDate(t time.Time) string { return t.Format(time.DateOnly) }

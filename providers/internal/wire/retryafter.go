package wire

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps a parsed Retry-After: a vendor asking for more than a
// day is treated as asking for a day.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads the delay a vendor asked for from the response
// headers: "retry-after-ms" (milliseconds, as OpenAI sends), then
// "Retry-After" as delay-seconds or as an HTTP-date (RFC 9110 §10.2.3).
// An HTTP-date is measured from the response's Date header when it has a
// valid one (so the client's clock skew does not matter), else from now.
// Fractional seconds are accepted. It reports false when no header gives a
// usable delay; a date in the past gives 0 and true. The result is never
// negative and never above [MaxRetryAfter].
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, ok := parseNonNegative(v); ok {
			return capDelay(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, ok := parseNonNegative(v); ok {
		return capDelay(s * float64(time.Second)), true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	d := when.Sub(now)
	if d < 0 {
		d = 0
	}
	return min(d, MaxRetryAfter), true
}

// parseNonNegative parses a plain non-negative decimal number (digits with
// at most one point; no sign, exponent, hex, Inf or NaN).
func parseNonNegative(s string) (float64, bool) {
	if s == "" || len(s) > 32 {
		return 0, false
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.':
			dots++
		default:
			return 0, false
		}
	}
	if dots > 1 || s == "." {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func capDelay(ns float64) time.Duration {
	if ns >= float64(MaxRetryAfter) {
		return MaxRetryAfter
	}
	return time.Duration(ns)
}

package deid

import (
	"strconv"
	"strings"
)

// Kind is the kind of an identifier. It names the placeholders that replace
// identifiers of that kind: [PATIENT], [CLINICIAN_2], [PHONE_1].
type Kind string

// The kinds of identifiers. Names: the patient (one placeholder,
// [PATIENT]), clinicians (care team, note authors, "Dr. Ng", "Ng, RN"),
// relatives and other household members ("wife Mary", "emergency contact"),
// and other people. Numbers and addresses follow HIPAA Safe Harbor
// (45 CFR 164.514(b)(2)). Dates are shifted, not replaced, and KindDate
// only describes matches; ages over 89 become "90+" (KindAge).
const (
	KindPatient    Kind = "PATIENT"
	KindClinician  Kind = "CLINICIAN"
	KindRelative   Kind = "RELATIVE"
	KindPerson     Kind = "PERSON"
	KindPhone      Kind = "PHONE"
	KindFax        Kind = "FAX"
	KindEmail      Kind = "EMAIL"
	KindSSN        Kind = "SSN"
	KindMRN        Kind = "MRN"
	KindAccount    Kind = "ACCOUNT"
	KindHealthPlan Kind = "HEALTH_PLAN"
	KindLicense    Kind = "LICENSE"
	KindDevice     Kind = "DEVICE"
	KindVehicle    Kind = "VEHICLE"
	KindURL        Kind = "URL"
	KindIP         Kind = "IP"
	KindAddress    Kind = "ADDRESS"  // a street address or post-office box
	KindLocation   Kind = "LOCATION" // a city, town or county
	KindZip        Kind = "ZIP"
	KindID         Kind = "ID" // any other identifying number or code
	KindDate       Kind = "DATE"
	KindAge        Kind = "AGE"
)

// tokenKinds returns the kinds that have placeholders, longest names first
// so that parsing HEALTH_PLAN_1 never stops at a shorter kind.
func tokenKinds() [20]Kind {
	return [20]Kind{KindHealthPlan, KindClinician, KindRelative, KindLocation, KindAccount, KindAddress, KindLicense,
		KindPatient, KindVehicle, KindDevice, KindPerson, KindEmail, KindPhone, KindFax, KindSSN, KindMRN, KindURL,
		KindZip, KindIP, KindID}
}

// IsName reports whether k is a kind of personal name.
func (k Kind) IsName() bool {
	switch k {
	case KindPatient, KindClinician, KindRelative, KindPerson:
		return true
	}
	return false
}

// token returns the placeholder of the n-th identifier of kind k.
func token(k Kind, n int) string {
	if k == KindPatient {
		return "[PATIENT]"
	}
	return "[" + string(k) + "_" + strconv.Itoa(n) + "]"
}

// placeholder is a placeholder found in text.
type placeholder struct {
	start, end int
	kind       Kind // "" for a placeholder-like text of no known kind
	n          int  // 0 when absent
	bracketed  bool
}

// parsePlaceholder reads a placeholder at s[i]: "[KIND]" or "[KIND_n]" in
// any case (a space may stand for the underscore before n), a bare
// upper-case "KIND_n" (when bare is set), or an upper-case bracketed word
// that looks like a placeholder ("[DOCTOR_NAME]", kind ""). Brackets with
// three characters or fewer ("[IU]", "[Hg]") are units, not placeholders.
func parsePlaceholder(s string, i int, bare bool) (placeholder, bool) {
	if i < len(s) && s[i] == '[' {
		j := i + 1
		for j < len(s) && j-i <= 40 && s[j] != ']' && s[j] != '[' && s[j] != '\n' {
			j++
		}
		if j >= len(s) || s[j] != ']' {
			return placeholder{}, false
		}
		inner := s[i+1 : j]
		if k, n, ok := splitKind(inner, true); ok {
			return placeholder{start: i, end: j + 1, kind: k, n: n, bracketed: true}, true
		}
		if looksLikePlaceholder(inner) {
			return placeholder{start: i, end: j + 1, bracketed: true}, true
		}
		return placeholder{}, false
	}
	if !bare || (i > 0 && isWordByte(s[i-1])) {
		return placeholder{}, false
	}
	j := i
	for j < len(s) && (isUpperASCII(s[j]) || s[j] == '_' || (s[j] >= '0' && s[j] <= '9')) {
		j++
	}
	if j < len(s) && isWordByte(s[j]) {
		return placeholder{}, false
	}
	k, n, ok := splitKind(s[i:j], false)
	if !ok || n == 0 {
		return placeholder{}, false
	}
	return placeholder{start: i, end: j, kind: k, n: n}, true
}

// splitKind parses "KIND" or "KIND_n" (or "KIND n" when loose). Loose
// parsing accepts any letter case.
func splitKind(s string, loose bool) (Kind, int, bool) {
	for _, k := range tokenKinds() {
		ks := string(k)
		if len(s) < len(ks) {
			continue
		}
		head := s[:len(ks)]
		if !(head == ks || (loose && strings.EqualFold(head, ks))) {
			continue
		}
		rest := s[len(ks):]
		if rest == "" {
			return k, 0, true
		}
		if rest[0] != '_' && !(loose && rest[0] == ' ') {
			continue
		}
		num := rest[1:]
		if num == "" || len(num) > 6 || num[0] == '0' {
			continue
		}
		n := 0
		for _, c := range []byte(num) {
			if c < '0' || c > '9' {
				return "", 0, false
			}
			n = n*10 + int(c-'0')
		}
		return k, n, true
	}
	return "", 0, false
}

// looksLikePlaceholder reports whether bracketed text reads like a
// placeholder: four or more characters, upper-case letters, digits and
// underscores, starting with a letter.
func looksLikePlaceholder(s string) bool {
	if len(s) < 4 || !isUpperASCII(s[0]) {
		return false
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isUpperASCII(c):
			letters++
		case c == '_' || (c >= '0' && c <= '9'):
		default:
			return false
		}
	}
	return letters >= 4
}

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool {
	return isASCIILetter(c) || (c >= '0' && c <= '9') || c == '_' || c >= 0x80
}
